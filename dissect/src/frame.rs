//! The `frame` pseudo-layer: what the capture file says about a frame
//! (number, times, lengths, interface, comments), as tshark shows it.

use std::fmt::Write as _;

use crate::declare_fields;
use crate::link::LinkType;
use crate::model::{Duration, Packet, Protocol, Span, Timestamp, Value};

pub static FRAME: Protocol = Protocol {
    name: "frame",
    label: "Frame",
    short: "Frame",
};

pub static PKT_COMMENT: Protocol = Protocol {
    name: "pkt_comment",
    label: "Packet comments",
    short: "Comment",
};

declare_fields! {
    COMMENT = "frame.comment", "Comment", String;
    SECTION_NUMBER = "frame.section_number", "Section number", U32;
    INTERFACE_ID = "frame.interface_id", "Interface id", U32;
    INTERFACE_NAME = "frame.interface_name", "Interface name", String;
    ENCAP_TYPE = "frame.encap_type", "Encapsulation type", I32, Dec, encap_name;
    TIME = "frame.time", "Arrival Time", String;
    #[generated] OFFSET_SHIFT = "frame.offset_shift", "Time shift for this packet", RelTime;
    #[format = epoch_text] TIME_EPOCH = "frame.time_epoch", "Epoch Time", AbsTime;
    #[generated] TIME_DELTA = "frame.time_delta", "Time delta from previous captured frame", RelTime;
    #[generated] TIME_DELTA_DISPLAYED = "frame.time_delta_displayed", "Time delta from previous displayed frame", RelTime;
    #[generated] TIME_RELATIVE = "frame.time_relative", "Time since reference or first frame", RelTime;
    NUMBER = "frame.number", "Frame Number", U32;
    #[format = length_text] LEN = "frame.len", "Frame Length", U32;
    #[format = length_text] CAP_LEN = "frame.cap_len", "Capture Length", U32;
    #[generated] MARKED = "frame.marked", "Frame is marked", Bool, Dec, crate::names::true_false;
    #[generated] IGNORED = "frame.ignored", "Frame is ignored", Bool, Dec, crate::names::true_false;
    #[generated] PROTOCOLS = "frame.protocols", "Protocols in frame", String;
    DROP_COUNT = "frame.drop_count", "Drop Count", U64;
    PACKET_FLAGS = "frame.packet_flags", "Packet flags", U32, Hex(8);
    FLAGS_DIRECTION = "frame.packet_flags_direction", "Direction", U32, Hex(8), direction_name;
    FLAGS_RECEPTION = "frame.packet_flags_reception_type", "Reception type", U32, Dec, reception_name;
    FLAGS_FCS_LEN = "frame.packet_flags_fcs_length", "FCS length", U32;
    FLAGS_RESERVED = "frame.packet_flags_reserved", "Reserved", U32;
    FLAGS_CRC = "frame.packet_flags_crc_error", "CRC error", Bool;
    FLAGS_TOO_LONG = "frame.packet_flags_packet_too_error", "Packet too long error", Bool;
    FLAGS_TOO_SHORT = "frame.packet_flags_packet_too_short_error", "Packet too short error", Bool;
    FLAGS_GAP = "frame.packet_flags_wrong_inter_frame_gap_error", "Wrong interframe gap error", Bool;
    FLAGS_UNALIGNED = "frame.packet_flags_unaligned_frame_error", "Unaligned frame error", Bool;
    FLAGS_SFD = "frame.packet_flags_start_frame_delimiter_error", "Start frame delimiter error", Bool;
    FLAGS_PREAMBLE = "frame.packet_flags_preamble_error", "Preamble error", Bool;
    FLAGS_SYMBOL = "frame.packet_flags_symbol_error", "Symbol error", Bool;
    CB_PEN = "frame.cb_pen", "Private Enterprise Number", U32, Dec, pen_name;
    CB_COPY = "frame.cb_copy", "Copying", Bool, Dec, copying_name;
}

/// What the capture engine knows about a frame before dissection.
#[derive(Clone, Copy, Debug)]
pub struct FrameMeta<'a> {
    /// 1-based frame number.
    pub number: u64,
    pub ts: Timestamp,
    /// Length on the wire; the captured length is the data's length.
    pub orig_len: u32,
    pub link_type: LinkType,
    /// pcapng section number (1-based), when the file has sections.
    pub section: Option<u32>,
    /// pcapng interface index within its section, when the file has interfaces.
    pub interface_id: Option<u32>,
    pub interface_name: Option<&'a str>,
    pub comments: &'a [&'a str],
    /// False for records without a time (pcapng simple packet and custom blocks).
    pub has_ts: bool,
    /// For a pcapng custom block shown as a frame: its enterprise number and
    /// whether it may be copied.
    pub custom: Option<(u32, bool)>,
    /// pcapng `epb_flags`, when the record has them.
    pub packet_flags: Option<u32>,
    /// pcapng `epb_dropcount`: packets lost just before this one.
    pub drop_count: Option<u64>,
    /// Decimal places the capture's timestamps carry (6 for microseconds,
    /// 9 for nanoseconds): what tshark prints times to.
    pub ts_digits: u8,
}

impl FrameMeta<'_> {
    /// A plain packet record: no pcapng section, interface or comments.
    pub fn new(number: u64, ts: Timestamp, orig_len: u32, link_type: LinkType) -> Self {
        FrameMeta {
            number,
            ts,
            orig_len,
            link_type,
            section: None,
            interface_id: None,
            interface_name: None,
            comments: &[],
            has_ts: true,
            custom: None,
            packet_flags: None,
            drop_count: None,
            ts_digits: 9,
        }
    }
}

/// Adds the comment and frame layers. `first` and `prev` are the times of the
/// first and the previous frame, for the relative and delta times.
pub fn dissect(
    pkt: &mut Packet,
    meta: &FrameMeta<'_>,
    cap_len: usize,
    first: Timestamp,
    prev: Timestamp,
) {
    let all = Span::new(0, cap_len);
    if !meta.comments.is_empty() {
        pkt.begin_layer(&PKT_COMMENT, all);
        for c in meta.comments {
            pkt.add_with(&COMMENT, Span::default(), || Value::Str((*c).into()));
        }
        // The comment layer is not a protocol of the frame.
        pkt.protocols.pop();
    }
    pkt.begin_layer(&FRAME, all);
    pkt.protocols.pop();
    if let Some((pen, copy)) = meta.custom {
        // `PCAPNG Custom Block 1: 24 bytes (192 bits) of custom data and
        // options, PEN ... (32473), copying allowed`, as tshark titles it.
        pkt.set_title(|t| {
            let _ = write!(
                t,
                "PCAPNG Custom Block {}: {} bytes ({} bits) of custom data and options, PEN {} ({pen}), copying {}",
                meta.number,
                cap_len,
                cap_len * 8,
                pen_name(pen as u64).unwrap_or("Unknown"),
                if copy { "allowed" } else { "not allowed" }
            );
        });
    } else {
        frame_title(pkt, meta, cap_len);
    }
    if !pkt.tree {
        return;
    }
    if let Some(section) = meta.section {
        pkt.add(
            &SECTION_NUMBER,
            Span::default(),
            Value::Uint(section as u64),
        );
    }
    if let Some(id) = meta.interface_id {
        pkt.add(&INTERFACE_ID, Span::default(), Value::Uint(id as u64));
        let name = interface_name(meta);
        pkt.append_text(|t| {
            let _ = write!(t, " ({name})");
        });
        pkt.subtree(|p| p.add(&INTERFACE_NAME, Span::default(), Value::Str(name.into())));
    }
    if let Some(flags) = meta.packet_flags {
        add_packet_flags(pkt, flags);
    }
    if meta.custom.is_none() {
        if let Some(encap) = meta.link_type.wtap_encap() {
            pkt.add(&ENCAP_TYPE, Span::default(), Value::Int(encap as i64));
        }
    }
    if meta.has_ts {
        let none = Span::default();
        let delta = Value::RelTime(meta.ts.since(prev));
        pkt.add(&TIME, none, Value::Str(format_utc(meta.ts).into()));
        pkt.add(&OFFSET_SHIFT, none, Value::RelTime(Duration(0)));
        pkt.add(&TIME_EPOCH, none, Value::Time(meta.ts));
        pkt.add(&TIME_DELTA, none, delta.clone());
        // Every frame counts as displayed; a filtering front end corrects it
        // with `set_displayed_delta`.
        pkt.add(&TIME_DELTA_DISPLAYED, none, delta);
        pkt.add(&TIME_RELATIVE, none, Value::RelTime(meta.ts.since(first)));
    }
    pkt.add(&NUMBER, Span::default(), Value::Uint(meta.number));
    pkt.add(&LEN, Span::default(), Value::Uint(meta.orig_len as u64));
    pkt.add(&CAP_LEN, Span::default(), Value::Uint(cap_len as u64));
    if let Some(drops) = meta.drop_count {
        pkt.add(&DROP_COUNT, Span::default(), Value::Uint(drops));
    }
    pkt.add(&MARKED, Span::default(), Value::Bool(false));
    pkt.add(&IGNORED, Span::default(), Value::Bool(false));
    if let Some((pen, copy)) = meta.custom {
        pkt.add(&CB_PEN, Span::default(), Value::Uint(pen as u64));
        pkt.add(&CB_COPY, Span::default(), Value::Bool(copy));
    }
}

/// `Frame 1: 74 bytes on wire (592 bits), 74 bytes captured (592 bits) on
/// interface eth0, id 0`.
fn frame_title(pkt: &mut Packet, meta: &FrameMeta<'_>, cap_len: usize) {
    pkt.set_title(|t| {
        let _ = write!(
            t,
            "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
            meta.number,
            meta.orig_len,
            meta.orig_len as u64 * 8,
            cap_len,
            cap_len * 8
        );
        if let Some(id) = meta.interface_id {
            let _ = write!(t, " on interface {}, id {id}", interface_name(meta));
        }
    });
}

/// Private Enterprise Numbers a custom block may carry (IANA); only the one
/// set aside for documentation and examples is named.
pub(crate) fn pen_name(v: u64) -> Option<&'static str> {
    (v == 32473).then_some("Example Enterprise Number for Documentation Use")
}

fn copying_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Allowed" } else { "Not allowed" })
}

/// The interface's name, or `unknown` when its description block gives none.
fn interface_name<'a>(meta: &FrameMeta<'a>) -> &'a str {
    meta.interface_name.unwrap_or("unknown")
}

/// Sets `frame.time_delta_displayed` to the time since the previous frame
/// a display filter let through, as tshark counts it under `-Y`.
pub fn set_displayed_delta(pkt: &mut Packet, delta: Duration) {
    if let Some(f) = pkt
        .fields
        .iter_mut()
        .find(|f| f.def == &TIME_DELTA_DISPLAYED)
    {
        f.value = Value::RelTime(delta);
    }
}

/// Wireshark's names of the wiretap encapsulations a frame can have.
fn encap_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Ethernet",
        7 => "Raw IP",
        15 => "NULL/Loopback",
        20 => "IEEE 802.11 Wireless LAN",
        21 => "IEEE 802.11 plus Prism II monitor mode radio header",
        23 => "IEEE 802.11 plus radiotap radio header",
        25 => "Linux cooked-mode capture v1",
        83 => "Juniper Ethernet",
        129 => "Raw IPv4",
        130 => "Raw IPv6",
        210 => "Linux cooked-mode capture v2",
        _ => return None,
    })
}

/// `Epoch Time: 1362692526.869344000 seconds`.
fn epoch_text(out: &mut String, def: &crate::model::FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: ", def.label);
    if let Value::Time(t) = v {
        let _ = write!(out, "{t}");
    }
    out.push_str(" seconds");
}

/// `Frame Length: 78 bytes (624 bits)`.
fn length_text(out: &mut String, def: &crate::model::FieldDef, v: &Value, _: &[u8]) {
    let n = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: {n} bytes ({} bits)", def.label, n * 8);
}

/// The pcapng `epb_flags` word and its parts, as Wireshark splits it.
fn add_packet_flags(pkt: &mut Packet, flags: u32) {
    let none = Span::default();
    let bit = |b: u32| Value::Bool(flags & (1 << b) != 0);
    pkt.add_tree(&PACKET_FLAGS, none, Value::Uint(flags as u64), |p| {
        p.add(&FLAGS_DIRECTION, none, Value::Uint((flags & 0x3) as u64));
        p.add(
            &FLAGS_RECEPTION,
            none,
            Value::Uint((flags >> 2 & 0x7) as u64),
        );
        p.add(&FLAGS_FCS_LEN, none, Value::Uint((flags >> 5 & 0xf) as u64));
        p.add(
            &FLAGS_RESERVED,
            none,
            Value::Uint((flags >> 9 & 0x7f) as u64),
        );
        p.add(&FLAGS_CRC, none, bit(24));
        p.add(&FLAGS_TOO_LONG, none, bit(25));
        p.add(&FLAGS_TOO_SHORT, none, bit(26));
        p.add(&FLAGS_GAP, none, bit(27));
        p.add(&FLAGS_UNALIGNED, none, bit(28));
        p.add(&FLAGS_SFD, none, bit(29));
        p.add(&FLAGS_PREAMBLE, none, bit(30));
        p.add(&FLAGS_SYMBOL, none, bit(31));
    });
}

fn direction_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Information not available",
        1 => "Inbound",
        2 => "Outbound",
        _ => return None,
    })
}

fn reception_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Not specified",
        1 => "Unicast",
        2 => "Multicast",
        3 => "Broadcast",
        4 => "Promiscuous",
        _ => return None,
    })
}

/// Adds `frame.protocols` once every layer has been dissected.
pub fn finish(pkt: &mut Packet, frame_layer: u8) {
    if pkt.tree {
        let chain = pkt.protocols.join(":");
        pkt.add_to_layer(
            frame_layer,
            &PROTOCOLS,
            Span::default(),
            Value::Str(chain.into()),
        );
    }
}

/// Formats a timestamp as tshark's `frame.time` in UTC: `Mar  7, 2013 21:42:06.869344000 UTC`.
pub fn format_utc(ts: Timestamp) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = ts.secs.div_euclid(86_400);
    let secs_of_day = ts.secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {:>2}, {} {:02}:{:02}:{:02}.{:09} UTC",
        MONTHS[(m - 1) as usize],
        d,
        y,
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        ts.nanos
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_tshark() {
        // frame 1 of mixed/http_get.pcap
        let ts = Timestamp::new(1_362_692_526, 869_344_000);
        assert_eq!(format_utc(ts), "Mar  7, 2013 21:42:06.869344000 UTC");
        let ts = Timestamp::new(1_593_626_138, 922_595_000);
        // link/sll_arp.pcap frame 1
        assert_eq!(format_utc(ts), "Jul  1, 2020 17:55:38.922595000 UTC");
    }
}
