//! Helpers for unit tests: dissect bytes as frames of a capture, and read field
//! values back as tshark would print them.

use crate::dissector::{Dissector, Prefs};
use crate::frame::FrameMeta;
use crate::link::LinkType;
use crate::model::{render_value, Packet, Timestamp};

/// A frame to dissect: its bytes, capture time and length on the wire.
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

/// Dissects one frame with default preferences and the full tree.
pub fn dissect_frame_for_test(link: LinkType, bytes: &[u8]) -> Packet {
    dissect_frames(link, Prefs::default(), true, &[TestFrame::new(bytes)])
        .pop()
        .expect("one packet per frame")
}

/// Dissects frames in order, as one capture, with the given preferences and speed.
pub fn dissect_frames(
    link: LinkType,
    prefs: Prefs,
    tree: bool,
    frames: &[TestFrame<'_>],
) -> Vec<Packet> {
    let mut d = Dissector::new(prefs);
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let meta = FrameMeta {
                number: i as u64 + 1,
                ts: f.ts,
                orig_len: f.wire_len.unwrap_or(f.bytes.len() as u32),
                link_type: link,
                section: None,
                interface_id: None,
                interface_name: None,
                comments: &[],
            };
            let mut pkt = Packet::new(tree);
            d.dissect(&meta, f.bytes, &mut pkt);
            pkt
        })
        .collect()
}

/// Every value of field `name`, rendered as tshark's JSON shows it.
pub fn values(pkt: &Packet, data: &[u8], name: &str) -> Vec<String> {
    pkt.find_all(name)
        .map(|n| {
            let mut s = String::new();
            render_value(&mut s, n.def, &n.value, n.span, data);
            s
        })
        .collect()
}

/// The first value of field `name`, rendered as tshark's JSON shows it.
pub fn value(pkt: &Packet, data: &[u8], name: &str) -> Option<String> {
    values(pkt, data, name).into_iter().next()
}

/// The protocol chain, as `frame.protocols` shows it.
pub fn chain(pkt: &Packet) -> String {
    pkt.protocols.join(":")
}

/// Whether an expert item's message contains `text`.
pub fn has_expert(pkt: &Packet, text: &str) -> bool {
    pkt.experts.iter().any(|e| e.message.contains(text))
}
