//! LINKTYPE_RAW: the frame is an IP packet; its version nibble says which.

use crate::dissector::Cx;
use crate::model::{Protocol, Span};

/// tshark shows a `raw` layer with no fields before the IP layer.
pub static RAW: Protocol = Protocol {
    name: "raw",
    label: "Raw packet data",
    short: "N/A",
};

/// Dissects a raw IP frame; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&RAW, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str(RAW.label));
    cx.pkt.set_info(|s| s.push_str(RAW.label));
    if buf.starts_with(&[0xff, 0x03]) {
        // PPP in HDLC-like framing; not dissected yet.
        crate::app::data::dissect(cx, off, buf);
        return buf.len();
    }
    match buf.first().map(|b| b >> 4) {
        Some(4) => {
            crate::net::ipv4::dissect_any_version(cx, off, buf);
        }
        Some(6) => {
            crate::net::ipv6::dissect(cx, off, buf);
        }
        _ => {
            crate::app::data::dissect(cx, off, buf);
        }
    }
    buf.len()
}
