//! Text renderings as tshark prints them: the one-line summary, the `-V` tree,
//! the `-x` hex dump and `-T fields` columns.

use std::fmt::Write as _;

use crate::frame::FrameMeta;
use crate::model::{render_value, Packet, Severity, Value};

/// The default one-line summary, laid out as tshark prints it, the time
/// since the first frame in its column:
/// `    1   0.000000     10.0.0.1 → 10.0.0.2     TCP 78 80 → 443 [SYN] …`.
pub fn summary_line(
    out: &mut String,
    meta: &FrameMeta<'_>,
    rel_time: crate::model::Duration,
    pkt: &Packet,
) {
    let mut time = String::new();
    // A record without a time (a pcapng simple packet or custom block) has
    // an empty time column.
    if meta.has_ts {
        rel_time.write_with_digits(&mut time, meta.ts_digits);
    }
    summary_line_with_time(out, meta, &time, pkt);
}

/// The one-line summary with the time column's text given (see
/// [`super::time_format`] for tshark's `-t` formats).
pub fn summary_line_with_time(out: &mut String, meta: &FrameMeta<'_>, time: &str, pkt: &Packet) {
    let s = &pkt.summary;
    // tshark's column widths: number, time, source and destination padded
    // to at least 5, 10, 12 and 12 characters; the rest as they are.
    let _ = write!(
        out,
        "{:>5} {time:>10} {:>12} → {:<12} {} {} {}",
        meta.number,
        s.src.to_string(),
        s.dst.to_string(),
        s.protocol,
        meta.orig_len,
        s.info
    );
}

/// The packet-list columns `-T fields` prints by tshark's names for them
/// (`-e _ws.col.Info`).
pub const COLUMN_FIELDS: &[&str] = &[
    "_ws.col.No.",
    "_ws.col.Time",
    "_ws.col.Source",
    "_ws.col.Destination",
    "_ws.col.Protocol",
    "_ws.col.Length",
    "_ws.col.Info",
];

/// Writes the text of packet-list column `name` (one of [`COLUMN_FIELDS`])
/// as the summary line shows it, unpadded, `time` being the time column's;
/// false when `name` is no column.
pub fn column_text(
    out: &mut String,
    name: &str,
    meta: &FrameMeta<'_>,
    time: &str,
    pkt: &Packet,
) -> bool {
    let s = &pkt.summary;
    let _ = match name {
        "_ws.col.No." => write!(out, "{}", meta.number),
        "_ws.col.Time" => write!(out, "{time}"),
        "_ws.col.Source" => write!(out, "{}", s.src),
        "_ws.col.Destination" => write!(out, "{}", s.dst),
        "_ws.col.Protocol" => write!(out, "{}", s.protocol),
        "_ws.col.Length" => write!(out, "{}", meta.orig_len),
        "_ws.col.Info" => write!(out, "{}", s.info),
        _ => return false,
    };
    true
}

/// The full detail tree, as `tshark -V` prints it.
pub fn tree(out: &mut String, pkt: &Packet, data: &[u8]) {
    for (i, layer) in pkt.layers.iter().enumerate() {
        if layer.title.is_empty() {
            out.push_str(layer.proto.label);
        } else {
            out.push_str(&layer.title);
        }
        out.push('\n');
        for (index, f) in pkt.shown_layer_fields(i as u8) {
            for _ in 0..=f.depth {
                out.push_str("    ");
            }
            pkt.node_text(out, index, data);
            out.push('\n');
        }
        for e in pkt.unplaced_experts(i as u8) {
            let _ = writeln!(
                out,
                "    [Expert Info ({}/{}): {}]",
                severity_label(e.severity),
                e.group.name(),
                e.message
            );
        }
    }
}

fn severity_label(s: Severity) -> &'static str {
    s.name()
}

/// The hex dump of `-x`: 16 bytes a line, offset, hex, and printable ASCII.
pub fn hex_dump(out: &mut String, data: &[u8]) {
    for (row, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{:04x}  ", row * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push_str("  ");
        for &b in chunk {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        out.push('\n');
    }
}

/// The values of one field in a packet, joined by `,` as `-E aggregator=,` does.
pub fn field_values(out: &mut String, pkt: &Packet, name: &str, data: &[u8]) {
    let mut first = true;
    for f in pkt.find_all(name) {
        if !first {
            out.push(',');
        }
        first = false;
        if matches!(f.value, Value::None) {
            // A present flag without a value (tcp.analysis.retransmission) prints
            // as 1, as tshark's -T fields does.
            out.push('1');
        } else {
            render_value(out, f.def, &f.value, f.span, pkt.node_data(f, data));
        }
    }
}
