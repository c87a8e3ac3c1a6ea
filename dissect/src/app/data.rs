//! Bytes no dissector claimed, shown as tshark's `data` protocol.

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Protocol, Span, Value};

pub static DATA: Protocol = Protocol {
    name: "data",
    label: "Data",
    short: "Data",
};

/// IEEE 802.2 LLC, not yet dissected: kept as a named layer of data.
pub static LLC: Protocol = Protocol {
    name: "llc",
    label: "Logical-Link Control",
    short: "LLC",
};

declare_fields! {
    DATA_DATA = "data.data", "Data", Bytes;
    #[generated] DATA_LEN = "data.len", "Length", U32;
}

/// Shows `buf` as data; returns its length.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    dissect_as(cx, off, buf, &DATA)
}

/// Shows `buf` as an undissected layer of protocol `proto`.
pub fn dissect_as(cx: &mut Cx<'_>, off: usize, buf: &[u8], proto: &'static Protocol) -> usize {
    if buf.is_empty() {
        return 0;
    }
    let span = Span::new(off, buf.len());
    // Wireshark's data dissector leaves the Protocol column to the protocol that
    // carried the bytes (a ping with a payload is still "ICMP").
    let carrier = cx.pkt.summary.protocol;
    cx.pkt.begin_layer(proto, span);
    if std::ptr::eq(proto, &DATA) && !carrier.is_empty() {
        cx.pkt.summary.protocol = carrier;
    }
    cx.pkt.set_title(|t| {
        use std::fmt::Write as _;
        let _ = write!(t, "{} ({} bytes)", proto.label, buf.len());
    });
    cx.pkt.add(&DATA_DATA, span, Value::SpanBytes);
    cx.pkt.add(&DATA_LEN, span, Value::Uint(buf.len() as u64));
    buf.len()
}
