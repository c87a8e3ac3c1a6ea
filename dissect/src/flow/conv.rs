//! Conversation statistics as tshark's `-z conv,…` taps count them: frames and
//! frame bytes per direction, relative start and duration, one row per TCP
//! stream, UDP stream, IP address pair or Ethernet address pair.
//!
//! tshark's rules, kept here so the table matches it:
//! - a row is created by the first packet of the conversation, whose source
//!   becomes address A; "->" counts frames from A to B ("tx"), "<-" the others;
//! - bytes are whole frame lengths (as on the wire), once per header dissected;
//! - TCP and UDP rows are keyed by the stream index (so a reused port pair
//!   opening a new `tcp.stream` is a new row), IP and Ethernet rows by the pair.

use super::Endpoint;
use crate::model::{Address, Duration};

/// Most rows kept per table; later conversations are counted in [`ConvTable::dropped`].
pub const MAX_ROWS: usize = 1 << 16;

/// One conversation row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvRow {
    /// Address A: the source of the conversation's first packet.
    pub a: Endpoint,
    pub b: Endpoint,
    /// Frames and bytes A → B ("->" in tshark's table).
    pub tx_frames: u64,
    pub tx_bytes: u64,
    /// Frames and bytes B → A ("<-").
    pub rx_frames: u64,
    pub rx_bytes: u64,
    /// Times of the first and last frame, relative to the capture's first frame.
    pub start: Duration,
    pub stop: Duration,
}

/// The rows of one conversation type, in order of first appearance.
#[derive(Debug, Default)]
pub struct ConvTable {
    pub rows: Vec<ConvRow>,
    index: super::FlowMap<RowKey, u32>,
    pub dropped: u64,
}

/// How a row is found again: by stream index or by the (unordered) address pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum RowKey {
    Stream(u32),
    Pair(super::ConvKey),
}

impl ConvTable {
    fn add(&mut self, key: RowKey, src: Endpoint, dst: Endpoint, bytes: u64, rel: Duration) {
        let i = match self.index.get(&key) {
            Some(i) => *i as usize,
            None => {
                if self.rows.len() >= MAX_ROWS {
                    self.dropped += 1;
                    return;
                }
                self.index.insert(key, self.rows.len() as u32);
                self.rows.push(ConvRow {
                    a: src,
                    b: dst,
                    tx_frames: 0,
                    tx_bytes: 0,
                    rx_frames: 0,
                    rx_bytes: 0,
                    start: rel,
                    stop: rel,
                });
                self.rows.len() - 1
            }
        };
        let Some(row) = self.rows.get_mut(i) else {
            return;
        };
        if row.a == src && row.b == dst {
            row.tx_frames += 1;
            row.tx_bytes += bytes;
        } else {
            row.rx_frames += 1;
            row.rx_bytes += bytes;
        }
        // tshark keeps the earliest and latest relative times seen.
        if rel < row.start {
            row.start = rel;
        }
        if rel > row.stop {
            row.stop = rel;
        }
    }

    /// Adds a frame to the row of stream `stream`.
    pub fn add_stream(
        &mut self,
        stream: u32,
        src: Endpoint,
        dst: Endpoint,
        bytes: u64,
        rel: Duration,
    ) {
        self.add(RowKey::Stream(stream), src, dst, bytes, rel);
    }

    /// Adds a frame to the row of the address pair `src`, `dst`.
    pub fn add_pair(&mut self, src: Address, dst: Address, bytes: u64, rel: Duration) {
        let (s, d) = (
            Endpoint { addr: src, port: 0 },
            Endpoint { addr: dst, port: 0 },
        );
        let (key, _) = super::ConvKey::new(s, d);
        self.add(RowKey::Pair(key), s, d, bytes, rel);
    }

    /// The rows in tshark's order: most frames first, ties in order of appearance;
    /// rows without frames are left out.
    pub fn sorted(&self) -> Vec<&ConvRow> {
        let mut v: Vec<&ConvRow> = self
            .rows
            .iter()
            .filter(|r| r.tx_frames + r.rx_frames > 0)
            .collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.tx_frames + r.rx_frames));
        v
    }
}

/// The address-pair tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairKind {
    Eth,
    Ipv4,
    Ipv6,
}

/// Every conversation table.
#[derive(Debug, Default)]
pub struct ConvStats {
    pub tcp: ConvTable,
    pub udp: ConvTable,
    pub ipv4: ConvTable,
    pub ipv6: ConvTable,
    pub eth: ConvTable,
}

impl ConvStats {
    /// Counts a TCP or UDP header (tshark's `tcp` / `udp` conversation taps) of a
    /// frame of `orig_len` bytes at `rel`. Headers quoted in ICMP errors are not counted.
    pub fn note_transport(
        &mut self,
        obs: &super::conntrack::Observation<'_>,
        orig_len: u32,
        rel: Duration,
    ) {
        use super::conntrack::proto;
        if obs.in_icmp_error {
            return;
        }
        let bytes = u64::from(orig_len);
        match (obs.proto, obs.tcp, obs.udp_stream) {
            (proto::TCP, Some(t), _) => self.tcp.add_stream(t.stream, obs.src, obs.dst, bytes, rel),
            (proto::UDP, _, Some(s)) => self.udp.add_stream(s, obs.src, obs.dst, bytes, rel),
            _ => {}
        }
    }

    /// Counts a frame of `orig_len` bytes at `rel` (relative to the capture's first
    /// frame) in the address-pair table `kind`.
    pub fn note_pair(
        &mut self,
        kind: PairKind,
        src: Address,
        dst: Address,
        orig_len: u32,
        rel: Duration,
    ) {
        let table = match kind {
            PairKind::Eth => &mut self.eth,
            PairKind::Ipv4 => &mut self.ipv4,
            PairKind::Ipv6 => &mut self.ipv6,
        };
        table.add_pair(src, dst, u64::from(orig_len), rel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(last: u8, port: u16) -> Endpoint {
        Endpoint {
            addr: Address::Ipv4([10, 0, 0, last]),
            port,
        }
    }

    #[test]
    fn first_source_is_a_and_ties_keep_order() {
        let mut t = ConvTable::default();
        let d = |n| Duration(n);
        t.add_stream(0, ep(1, 5), ep(2, 80), 60, d(0));
        t.add_stream(1, ep(3, 5), ep(2, 80), 60, d(1));
        t.add_stream(0, ep(2, 80), ep(1, 5), 100, d(2));
        t.add_stream(1, ep(2, 80), ep(3, 5), 100, d(3));
        t.add_stream(2, ep(2, 80), ep(4, 5), 70, d(4));
        let rows = t.sorted();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].a, ep(1, 5));
        assert_eq!((rows[0].tx_frames, rows[0].rx_bytes), (1, 100));
        assert_eq!(rows[1].a, ep(3, 5));
        assert_eq!(rows[2].a, ep(2, 80));
        assert_eq!((rows[0].start, rows[0].stop), (d(0), d(2)));
    }
}
