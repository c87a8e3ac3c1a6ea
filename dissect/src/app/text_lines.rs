//! Line-based text media (`data-text-lines`): a body whose media type is
//! text (`text/plain`, `text/html`, `text/css`...) shown one line per tree
//! item, as Wireshark's text media dissector shows it. HTTP/1.x hands its
//! bodies here by Content-Type.

use std::fmt::Write as _;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::packet::MAX_FIELDS_PER_PACKET;
use crate::model::{Protocol, Span, Value};

pub static TEXT_LINES: Protocol = Protocol {
    name: "data-text-lines",
    label: "Line-based text data",
    short: "Line-based text data",
};

declare_fields! {
    // A line's node: its text, line end written out (`0.26 | 2012-08-24\n`).
    LINE = "data-text-lines.line", "Line", None;
}

/// The media types Wireshark reads as lines (its `media_type` table entries
/// for this dissector).
const MEDIA_TYPES: &[&str] = &[
    "text/plain",
    "text/richtext",
    "text/enriched",
    "text/parameters",
    "text/html",
    "text/xml-external-parsed-entity",
    "text/css",
    "application/xml-external-parsed-entity",
    "text/javascript",
    "application/x-javascript",
    "application/x-tia-p25-issi",
    "application/x-tia-p25-sndcp",
    "application/x-ns-proxy-autoconfig",
    "text/vnd.sun.j2me.app-descriptor",
    "application/vnd.poc.refer-to",
    "application/vnd.drm.message",
    "application/x-wms-logplaystats",
    "application/x-rtsp-udp-packetpair",
];

/// The media type of a Content-Type value (`text/plain; charset=UTF-8` is
/// `text/plain`), when it is one this dissector reads.
pub fn media_type(content_type: &str) -> Option<&'static str> {
    let media = content_type.split(';').next().unwrap_or("").trim();
    MEDIA_TYPES
        .iter()
        .find(|m| m.eq_ignore_ascii_case(media))
        .copied()
}

/// An XML document is XML's, not lines (Wireshark checks the same way).
fn is_xml(body: &[u8]) -> bool {
    body.len() > 38 && body[..5].eq_ignore_ascii_case(b"<?xml")
}

/// Shows `body` (at `off` in the current data source) as lines of `media`
/// text. Returns false when it is not read as lines (empty, or XML).
pub fn dissect(cx: &mut Cx<'_>, off: usize, body: &[u8], media: &'static str) -> bool {
    if body.is_empty() || is_xml(body) {
        return false;
    }
    // The carrier keeps the Protocol column; the Info column names the media.
    let carrier = cx.pkt.summary.protocol;
    cx.pkt.begin_layer(&TEXT_LINES, Span::new(off, body.len()));
    cx.pkt.summary.protocol = carrier;
    let info = &mut cx.pkt.summary.info;
    if !info.is_empty() {
        info.push(' ');
    }
    let _ = write!(info, "({media})");
    if !cx.pkt.tree {
        return true;
    }
    let mut lines = 0usize;
    let mut at = 0;
    let mut past_limit = false;
    while at < body.len() {
        let len = line_len(&body[at..]);
        let line = &body[at..at + len];
        // Past the packet's field limit (the first line past it raises the
        // packet's expert item) lines are still counted, not built.
        if !past_limit {
            past_limit = cx.pkt.fields.len() >= MAX_FIELDS_PER_PACKET;
            cx.pkt.add_with(&LINE, Span::new(off + at, len), || {
                Value::Text(line_text(line).into())
            });
        }
        lines += 1;
        at += len;
    }
    cx.pkt.set_title(|t| {
        let _ = write!(t, "{}: {media} ({lines} lines)", TEXT_LINES.label);
    });
    true
}

/// The length of the line at the start of `buf`, its end included: `\n`,
/// `\r\n` or a lone `\r`, or the rest of `buf` when no end follows.
fn line_len(buf: &[u8]) -> usize {
    match buf.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(i) if buf[i] == b'\r' && buf.get(i + 1) == Some(&b'\n') => i + 2,
        Some(i) => i + 1,
        None => buf.len(),
    }
}

/// A line as the tree shows it: control characters escaped (`\n`, `\t`).
fn line_text(line: &[u8]) -> String {
    let mut s = String::with_capacity(line.len() + 2);
    crate::model::field::push_line_text(&mut s, line);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_or_a_lone_cr() {
        assert_eq!(line_len(b"ab\ncd"), 3);
        assert_eq!(line_len(b"ab\r\ncd"), 4);
        assert_eq!(line_len(b"ab\rcd"), 3);
        assert_eq!(line_len(b"abcd"), 4);
        assert_eq!(line_text(b"x\r\n"), "x\\r\\n");
        assert_eq!(line_text(b"\ta\x01\x7f\n"), "\\ta\\001\\177\\n");
    }

    #[test]
    fn media_types_are_matched_without_parameters_or_case() {
        assert_eq!(media_type("text/plain; charset=UTF-8"), Some("text/plain"));
        assert_eq!(media_type("Text/HTML"), Some("text/html"));
        assert_eq!(media_type("image/png"), None);
        assert!(is_xml(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>"));
    }
}
