//! The JSON document of `tshark -T json`: a list of `{"_source":{"layers":{...}}}`,
//! every value a string rendered as tshark renders it, sub-fields nested under
//! `<name>_tree`, repeated keys kept (the document is written, not built as a map).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::frame::FrameMeta;
use crate::model::{render_value, FieldNode, Packet, Value};

/// Writes the packets of a capture as one JSON array, packet by packet, into
/// whatever writer the caller passes (so the caller keeps using it in between).
pub struct JsonWriter {
    first: bool,
    buf: String,
}

impl JsonWriter {
    /// Opens the array.
    pub fn begin(out: &mut impl Write) -> io::Result<Self> {
        out.write_all(b"[\n")?;
        Ok(JsonWriter {
            first: true,
            buf: String::with_capacity(16 * 1024),
        })
    }

    /// Appends one dissected packet (dissected with `tree` on).
    pub fn write_packet(
        &mut self,
        out: &mut impl Write,
        meta: &FrameMeta<'_>,
        pkt: &Packet,
        data: &[u8],
    ) -> io::Result<()> {
        self.buf.clear();
        if !self.first {
            self.buf.push_str(",\n");
        }
        self.first = false;
        render_packet(&mut self.buf, meta, pkt, data);
        out.write_all(self.buf.as_bytes())
    }

    /// Closes the array.
    pub fn finish(self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"\n]\n")
    }
}

/// Renders one packet object into `out`.
pub fn render_packet(out: &mut String, meta: &FrameMeta<'_>, pkt: &Packet, data: &[u8]) {
    // tshark names the index after the capture date: "packets-2013-03-07".
    let index = index_name(meta);
    let _ = write!(
        out,
        "  {{\n    \"_index\": \"{index}\",\n    \"_type\": \"doc\",\n    \"_score\": null,\n    \"_source\": {{\n      \"layers\": {{"
    );
    let mut first_layer = true;
    for (i, layer) in pkt.layers.iter().enumerate() {
        let fields: Vec<&FieldNode> = pkt.layer_fields(i as u8).collect();
        if !first_layer {
            out.push(',');
        }
        first_layer = false;
        let _ = write!(out, "\n        \"{}\": ", layer.proto.name);
        if fields.is_empty() {
            out.push_str("\"\"");
            continue;
        }
        out.push('{');
        render_fields(out, pkt, &fields, data, 10);
        out.push_str("\n        }");
    }
    out.push_str("\n      }\n    }\n  }");
}

fn index_name(meta: &FrameMeta<'_>) -> String {
    let days = meta.ts.secs.div_euclid(86_400);
    let (y, m, d) = crate::frame::civil_from_days(days);
    format!("packets-{y:04}-{m:02}-{d:02}")
}

/// Renders a run of sibling fields (with their descendants) at one depth.
fn render_fields(
    out: &mut String,
    pkt: &Packet,
    fields: &[&FieldNode],
    data: &[u8],
    indent: usize,
) {
    let mut i = 0;
    let mut first = true;
    while i < fields.len() {
        let node = fields[i];
        let depth = node.depth;
        let mut end = i + 1;
        while end < fields.len() && fields[end].depth > depth {
            end += 1;
        }
        let children = &fields[i + 1..end];
        if !first {
            out.push(',');
        }
        first = false;
        out.push('\n');
        push_indent(out, indent);
        let is_node = matches!(node.value, Value::None | Value::Text(_));
        if let Value::Text(text) = &node.value {
            // A text node is keyed by its own text; without children its
            // value is empty, as tshark writes `"\r\n": ""`.
            push_json_str(out, text);
            if children.is_empty() {
                out.push_str(": \"\"");
            }
        } else if is_node && !children.is_empty() {
            // A protocol-like node (`ipv6.hopopts`) is keyed by its filter name;
            // a text node without one (`Timestamps`) by its label, as tshark does.
            let key = if node.def.name.contains('.') {
                node.def.name
            } else {
                node.def.label
            };
            push_json_str(out, key);
        } else {
            push_json_str(out, node.def.name);
            out.push_str(": \"");
            let mut v = String::new();
            render_value(
                &mut v,
                node.def,
                &node.value,
                node.span,
                pkt.node_data(node, data),
            );
            push_escaped(out, &v);
            out.push('"');
            if !children.is_empty() {
                out.push_str(",\n");
                push_indent(out, indent);
                out.push('"');
                push_escaped(out, node.def.name);
                out.push_str("_tree\"");
            }
        }
        if !children.is_empty() {
            out.push_str(": {");
            render_fields(out, pkt, children, data, indent + 2);
            out.push('\n');
            push_indent(out, indent);
            out.push('}');
        }
        i = end;
    }
}

fn push_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    push_escaped(out, s);
    out.push('"');
}

/// Escapes a string for a JSON string literal.
pub fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}
