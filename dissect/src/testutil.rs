//! Helpers for unit tests: dissect a frame the way the application does.

use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::{Dissector, FrameMeta};

/// Dissects one frame with the full tree, as frame 1 of a capture.
pub fn dissect_frame_for_test(link: LinkType, bytes: &[u8]) -> Packet {
    dissect_frame_with_orig_len(link, bytes, bytes.len() as u32)
}

/// Like [`dissect_frame_for_test`] for a frame the capture cut short: `orig_len`
/// is its length on the wire.
pub fn dissect_frame_with_orig_len(link: LinkType, bytes: &[u8], orig_len: u32) -> Packet {
    dissect(link, bytes, orig_len, true)
}

/// Dissects one frame on the fast path (summary, protocol chain and expert
/// items only), as the packet list does.
pub fn dissect_frame_fast(link: LinkType, bytes: &[u8]) -> Packet {
    dissect(link, bytes, bytes.len() as u32, false)
}

fn dissect(link: LinkType, bytes: &[u8], orig_len: u32, tree: bool) -> Packet {
    let mut dissector = Dissector::default();
    let meta = FrameMeta::new(1, Timestamp::new(0, 0), orig_len, link);
    let mut pkt = Packet::new(tree);
    dissector.dissect(&meta, bytes, &mut pkt);
    pkt
}

/// Bytes from a hex string; whitespace is ignored.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16).expect("hex digit") as u8)
        .collect();
    digits.chunks(2).map(|c| c[0] << 4 | c[1]).collect()
}

/// Every rendered value of a field, in tree order.
pub fn values(pkt: &Packet, name: &str, data: &[u8]) -> Vec<String> {
    pkt.find_all(name)
        .map(|f| {
            let mut s = String::new();
            crate::model::render_value(&mut s, f.def, &f.value, f.span, data);
            s
        })
        .collect()
}
