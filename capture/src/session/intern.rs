//! Interning of what many packets share, so an index entry holds small ids.
//!
//! - [`Shape`]: the layer stack (what the protocol hierarchy counts), the
//!   protocol chain (`frame.protocols`, what protocol filters test), the
//!   Protocol column and the named expert items. A capture has a few dozen to
//!   a few thousand shapes.
//! - [`Addrs`]: every header's addresses and ports in order (what `ip.addr`,
//!   `tcp.port`... filters read) and the Source / Destination columns. One
//!   per flow direction, plus one per distinct ICMP quote or tunnel mix.
//!
//! Each table has a configured size limit; what does not fit gets
//! [`NOT_INTERNED`] and is answered by dissecting the packet again.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

use wirelens_dissect::model::field::FieldDef;
use wirelens_dissect::model::{Address, NetFact};
use wirelens_dissect::Packet;

use super::index::NOT_INTERNED;

/// A named expert item (`tcp.analysis.retransmission`), compared by name.
#[derive(Clone, Copy, Debug)]
pub struct Marker(pub &'static FieldDef);

impl PartialEq for Marker {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Marker {}
impl Hash for Marker {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state)
    }
}

/// What packets of one kind share (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shape {
    /// The packet's top-level protocols as tshark's tree has them, by filter
    /// name (see [`top_level`]): the path of the packet in tshark's protocol
    /// hierarchy.
    pub layers: Vec<&'static str>,
    /// `frame.protocols`, as the filter engine tests protocol presence.
    pub protocols: Vec<&'static str>,
    /// The Protocol column.
    pub column: &'static str,
    /// Named expert items raised, in order.
    pub markers: Vec<Marker>,
}

impl Shape {
    /// Fills `self` from a dissected packet, reusing its buffers.
    pub fn fill(&mut self, pkt: &Packet) {
        self.layers.clear();
        top_level(pkt.layers.iter().map(|l| l.proto.name), &mut self.layers);
        self.protocols.clear();
        self.protocols.extend_from_slice(&pkt.protocols);
        self.column = pkt.summary.protocol;
        self.markers.clear();
        self.markers
            .extend(pkt.experts.iter().filter_map(|e| e.name.map(Marker)));
    }
}

/// Protocols whose Wireshark dissector puts every PDU it finds in a segment
/// under one tree item (TLS records, SSH packets), where wirelens has a layer
/// per PDU: consecutive layers of these count once.
const ONE_ITEM_PER_SEGMENT: &[&str] = &["tls", "ssh"];

/// The protocols of a layer stack that tshark's tree shows at the top level,
/// which is what `-z io,phs` counts: every layer but `frame`, except inside
/// ICMP and ICMPv6, whose dissectors put the headers quoted in an error
/// (`ip`, `udp`, ...) and the payload of an echo (`data` right after the ICMP
/// header, or after a quoted TCP header) in the ICMP subtree. Protocols above
/// a quoted UDP header (a quoted DNS query, or data) stay top-level, as tshark
/// shows them.
pub fn top_level(layers: impl Iterator<Item = &'static str>, out: &mut Vec<&'static str>) {
    let mut in_icmp = false;
    let mut right_after_icmp = false;
    let mut quoted_tcp = false;
    for name in layers {
        let nested = in_icmp
            && (matches!(name, "ip" | "ipv6" | "udp" | "tcp" | "icmp" | "icmpv6")
                || ((right_after_icmp || quoted_tcp) && name == "data"));
        right_after_icmp = false;
        quoted_tcp |= in_icmp && name == "tcp";
        if name == "frame" || nested {
            continue;
        }
        if matches!(name, "icmp" | "icmpv6") {
            in_icmp = true;
            right_after_icmp = true;
        }
        if ONE_ITEM_PER_SEGMENT.contains(&name) && out.last() == Some(&name) {
            continue;
        }
        if name == "tcp.segments" {
            // tshark's hierarchy passes over the reassembled-segments item
            // right after TCP; after an application PDU of the same segment it
            // counts the item and goes no deeper.
            if out.last() == Some(&"tcp") {
                continue;
            }
            out.push(name);
            break;
        }
        out.push(name);
    }
}

/// The addresses and ports of a packet (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Addrs {
    pub facts: Vec<NetFact>,
    pub src: Address,
    pub dst: Address,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
}

impl Hash for Addrs {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for f in &self.facts {
            match f {
                NetFact::Eth { src, dst } => (0u8, src, dst).hash(state),
                NetFact::Ipv4 { src, dst } => (1u8, src, dst).hash(state),
                NetFact::Ipv6 { src, dst } => (2u8, src, dst).hash(state),
                NetFact::Tcp { src, dst } => (3u8, src, dst).hash(state),
                NetFact::Udp { src, dst } => (4u8, src, dst).hash(state),
            }
        }
        (self.src, self.dst, self.src_port, self.dst_port).hash(state);
    }
}

impl Addrs {
    pub fn fill(&mut self, pkt: &Packet) {
        self.facts.clear();
        self.facts.extend_from_slice(&pkt.facts);
        self.src = pkt.summary.src;
        self.dst = pkt.summary.dst;
        self.src_port = pkt.summary.src_port;
        self.dst_port = pkt.summary.dst_port;
    }

    /// Approximate heap bytes of one entry, table overhead included.
    pub const APPROX_BYTES: usize = 2 * std::mem::size_of::<Addrs>() + 4 * 40 + 32;
}

/// A fast non-cryptographic hasher (the multiply-rotate scheme of rustc's
/// FxHash): interning runs once per packet on keys that are not
/// attacker-chosen in a way that matters (a collision costs a comparison).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i)
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap` with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// An append-only table of distinct values, each with a `u32` id in order of
/// first appearance.
pub struct Interner<T> {
    ids: FxMap<Arc<T>, u32>,
    values: Vec<Arc<T>>,
    limit: usize,
    /// Lookups that found the table full.
    pub overflowed: u64,
}

impl<T: Eq + Hash> Interner<T> {
    pub fn new(limit: usize) -> Self {
        Interner {
            ids: FxMap::default(),
            values: Vec::new(),
            limit: limit.min(NOT_INTERNED as usize),
            overflowed: 0,
        }
    }

    /// The id of `value`, adding a copy of it if it is new and there is room.
    pub fn intern(&mut self, value: &T) -> u32
    where
        T: Clone,
    {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        if self.values.len() >= self.limit {
            self.overflowed += 1;
            return NOT_INTERNED;
        }
        let id = self.values.len() as u32;
        let v = Arc::new(value.clone());
        self.values.push(Arc::clone(&v));
        self.ids.insert(v, id);
        id
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.values.get(id as usize).map(|v| &**v)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, shared, to read without holding the table's lock.
    pub fn snapshot(&self) -> Vec<Arc<T>> {
        self.values.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(layers: &[&'static str]) -> Vec<&'static str> {
        let mut out = Vec::new();
        top_level(layers.iter().copied(), &mut out);
        out
    }

    #[test]
    fn icmp_quotes_and_echo_data_are_nested_as_in_tshark() {
        assert_eq!(
            top(&["frame", "eth", "ip", "icmp", "data"]),
            ["eth", "ip", "icmp"]
        );
        assert_eq!(
            top(&["frame", "eth", "ip", "icmp", "ip", "udp", "dns"]),
            ["eth", "ip", "icmp", "dns"]
        );
        assert_eq!(
            top(&["frame", "eth", "ip", "icmp", "ip", "data"]),
            ["eth", "ip", "icmp", "data"]
        );
        assert_eq!(
            top(&["frame", "eth", "ip", "icmp", "ip", "tcp", "data"]),
            ["eth", "ip", "icmp"]
        );
        assert_eq!(
            top(&["pkt_comment", "frame", "eth", "ip", "udp", "data"]),
            ["pkt_comment", "eth", "ip", "udp", "data"]
        );
    }

    #[test]
    fn same_value_same_id_and_limit_respected() {
        let mut t: Interner<Vec<u8>> = Interner::new(2);
        assert_eq!(t.intern(&vec![1]), 0);
        assert_eq!(t.intern(&vec![2]), 1);
        assert_eq!(t.intern(&vec![1]), 0);
        assert_eq!(t.intern(&vec![3]), NOT_INTERNED);
        assert_eq!(t.overflowed, 1);
        assert_eq!(t.get(1), Some(&vec![2]));
        assert_eq!(t.len(), 2);
    }
}
