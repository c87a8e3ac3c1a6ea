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
            crate::model::render_value(&mut s, f.def, &f.value, f.span, pkt.node_data(f, data));
            s
        })
        .collect()
}

/// A frame to dissect as part of a capture: its bytes, capture time and length
/// on the wire.
#[derive(Clone, Copy, Debug)]
pub struct TestFrame<'a> {
    pub bytes: &'a [u8],
    pub ts: Timestamp,
    /// Length on the wire; the captured length when `None`.
    pub wire_len: Option<u32>,
}

impl<'a> TestFrame<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        TestFrame {
            bytes,
            ts: Timestamp::new(1_000_000_000, 0),
            wire_len: None,
        }
    }

    pub fn at(bytes: &'a [u8], secs: i64, nanos: u64) -> Self {
        TestFrame {
            ts: Timestamp::new(secs, nanos),
            ..TestFrame::new(bytes)
        }
    }
}

/// Dissects frames in order, as one capture (state carries over), with the given
/// preferences and speed.
pub fn dissect_frames(
    link: LinkType,
    prefs: crate::Prefs,
    tree: bool,
    frames: &[TestFrame<'_>],
) -> Vec<Packet> {
    let mut d = Dissector::new(prefs);
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let wire_len = f.wire_len.unwrap_or(f.bytes.len() as u32);
            let meta = FrameMeta::new(i as u64 + 1, f.ts, wire_len, link);
            let mut pkt = Packet::new(tree);
            d.dissect(&meta, f.bytes, &mut pkt);
            pkt
        })
        .collect()
}

/// The first rendered value of a field.
pub fn value(pkt: &Packet, name: &str, data: &[u8]) -> Option<String> {
    values(pkt, name, data).into_iter().next()
}

/// The protocol chain, as `frame.protocols` shows it.
pub fn chain(pkt: &Packet) -> String {
    pkt.protocols.join(":")
}

/// Whether an expert item's message contains `text`.
pub fn has_expert(pkt: &Packet, text: &str) -> bool {
    pkt.experts.iter().any(|e| e.message.contains(text))
}
