//! Each packet's TCP segment, read on the fast path (no detail tree).
//!
//! Building a packet's tree costs more than twice its fast-path dissection,
//! and a bulk connection has millions of packets, while the view needs four
//! facts per segment. Those come from what the fast path already leaves:
//! the flow record the packet counted towards (`flows.last_flow`: its
//! `tcp.stream` and the payload bytes of the sending side, which grow by
//! the segment's `tcp.len`), the TCP conversation's base sequence number in
//! that direction, the raw sequence number in the TCP header (the layer's
//! bytes in the frame), and the analysis expert items.
//!
//! A TCP header that only exists in reassembled IP fragments is not kept on
//! the fast path; for such a stream the packets are dissected again with
//! their trees, and the segments read from the fields (`tcp.seq`...).

use std::collections::HashMap;

use wirelens_dissect::flow::{ConvKey, Endpoint, State};
use wirelens_dissect::model::field::Value;
use wirelens_dissect::model::Address;
use wirelens_dissect::Packet;

/// Where a segment came from: address and port.
pub type Source = (Address, u16);

/// The packet's own TCP header facts (not those of a header quoted in an
/// ICMP error).
#[derive(Clone, Copy, Debug)]
pub struct TcpFacts {
    /// `tcp.stream` in the second dissection's numbering.
    pub stream: u32,
    pub source: Source,
    /// `tcp.seq`: relative to the direction's initial sequence number
    /// unless the preferences ask for raw numbers.
    pub seq: u32,
    /// `tcp.len`.
    pub len: u32,
    /// Wireshark's analysis calls it a retransmission (plain, fast or spurious).
    pub retransmission: bool,
}

/// What a packet holds for the view.
#[derive(Clone, Copy, Debug)]
pub enum Read {
    Segment(TcpFacts),
    /// No TCP header of its own (or one quoted in an ICMP error).
    NoSegment,
    /// A TCP header whose bytes the fast path did not keep.
    NeedsTree,
}

/// Reads the segments of packets dissected in turn by one dissector.
#[derive(Default)]
pub struct SegmentReader {
    /// Payload bytes each sender of each flow record had sent, by the
    /// record's first frame.
    sent: HashMap<(u64, Source), u64>,
}

impl SegmentReader {
    /// The segment of the packet just dissected into `pkt` from `data`,
    /// with `state` the dissector's state after it.
    pub fn read(&mut self, pkt: &Packet, data: &[u8], state: &State, relative: bool) -> Read {
        if pkt.protocols.iter().any(|p| p.starts_with("icmp")) {
            return Read::NoSegment;
        }
        let facts = if pkt.tree {
            read_tree(pkt)
        } else {
            if pkt
                .layers
                .iter()
                .any(|l| l.proto.name == "tcp" && l.source != 0)
            {
                return Read::NeedsTree;
            }
            self.read_fast_path(pkt, data, state, relative)
        };
        facts.map_or(Read::NoSegment, Read::Segment)
    }

    fn read_fast_path(
        &mut self,
        pkt: &Packet,
        data: &[u8],
        state: &State,
        relative: bool,
    ) -> Option<TcpFacts> {
        let src = Endpoint {
            addr: pkt.summary.src,
            port: pkt.summary.src_port?,
        };
        let dst = Endpoint {
            addr: pkt.summary.dst,
            port: pkt.summary.dst_port?,
        };
        let first_frame = state.flows.last_flow?;
        let record = state
            .flows
            .all()
            .into_iter()
            .find(|f| f.first_frame == first_frame)?;
        let stream = record.tcp_stream?;
        let side = usize::from(record.orig != src);
        let total = record.sides.get(side)?.payload_bytes;
        let before = self.sent.insert((first_frame, (src.addr, src.port)), total);
        let len = u32::try_from(total.checked_sub(before.unwrap_or(0))?).ok()?;
        let raw = raw_seq(pkt, data)?;
        let seq = if relative {
            let conv = state.tcp.conversations().find(|c| c.stream == stream)?;
            let (_, dir) = ConvKey::new(src, dst);
            raw.wrapping_sub(conv.flows[dir].base_seq)
        } else {
            raw
        };
        Some(TcpFacts {
            stream,
            source: (src.addr, src.port),
            seq,
            len,
            retransmission: retransmitted(pkt),
        })
    }
}

/// The segment as the packet's fields show it.
fn read_tree(pkt: &Packet) -> Option<TcpFacts> {
    let field = |name: &str| {
        pkt.fields
            .iter()
            .find(|f| f.def.name == name)
            .and_then(|f| match f.value {
                Value::Uint(v) => u32::try_from(v).ok(),
                _ => None,
            })
    };
    Some(TcpFacts {
        stream: field("tcp.stream")?,
        source: (pkt.summary.src, pkt.summary.src_port?),
        seq: field("tcp.seq")?,
        len: field("tcp.len")?,
        retransmission: retransmitted(pkt),
    })
}

/// The sequence number field of the packet's TCP header, when the header
/// is in the frame's own bytes (not in reassembled IP fragments).
fn raw_seq(pkt: &Packet, data: &[u8]) -> Option<u32> {
    let tcp = pkt
        .layers
        .iter()
        .rev()
        .find(|l| l.proto.name == "tcp" && l.source == 0)?;
    let at = tcp.span.start as usize + 4;
    let bytes: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

fn retransmitted(pkt: &Packet) -> bool {
    pkt.experts.iter().any(|e| {
        e.name.is_some_and(|n| {
            matches!(
                n.name,
                "tcp.analysis.retransmission"
                    | "tcp.analysis.fast_retransmission"
                    | "tcp.analysis.spurious_retransmission"
            )
        })
    })
}
