//! The packet index: one fixed-size entry per packet instead of a decoded tree.
//!
//! Entries are appended in chunks of [`CHUNK`]; a full chunk is frozen behind
//! an `Arc`, so readers (the packet list, filters on other threads) take a
//! cheap snapshot while loading goes on, and the index never reallocates and
//! copies itself as it grows.

use std::sync::Arc;

use wirelens_dissect::Timestamp;

/// What the session remembers of one packet: 40 bytes.
///
/// Addresses, ports and the protocol chain are interned (see
/// [`super::intern`]): packets of the same flow direction share one
/// [`addrs`](IndexEntry::addrs) id, packets with the same layer stack one
/// [`shape`](IndexEntry::shape) id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct IndexEntry {
    /// Byte offset of the record (pcap) or block (pcapng) in the file.
    pub offset: u64,
    /// Capture time in nanoseconds since the epoch, which covers 1677 to
    /// 2262; a time outside that range (pcapng allows 64-bit seconds) is
    /// saturated and flagged [`flags::TIME_SATURATED`], and what needs it
    /// exactly dissects the packet again.
    pub ts_ns: i64,
    /// Length on the wire (`frame.len`).
    pub orig_len: u32,
    /// Captured length (`frame.cap_len`).
    pub cap_len: u32,
    /// Interned protocol chain, Protocol column and named expert items
    /// ([`super::intern::Shape`]).
    pub shape: u32,
    /// Interned addresses and ports: every header's addresses and ports in
    /// order (what address and port filters read) and the Source /
    /// Destination columns ([`super::intern::Addrs`]). [`NOT_INTERNED`] when
    /// the table was full.
    pub addrs: u32,
    /// The conversation (flow table entry) the packet belongs to: the number
    /// of the flow's first packet, or 0 for none.
    pub stream: u32,
    /// Index into the file's interface table.
    pub interface: u16,
    /// [`flags`] bits: worst expert severity, malformed, no timestamp.
    pub flags: u16,
}

const _: () = assert!(std::mem::size_of::<IndexEntry>() == 40);

/// An interned id for what did not fit in its table.
pub const NOT_INTERNED: u32 = u32::MAX;

/// Bits of [`IndexEntry::flags`].
pub mod flags {
    /// Worst expert severity + 1 (0: no expert item; 1 chat, 2 note, 3 warning, 4 error).
    pub const SEVERITY_MASK: u16 = 0b111;
    pub const MALFORMED: u16 = 1 << 3;
    /// The record carries no time (pcapng simple packet block, custom block).
    pub const NO_TIMESTAMP: u16 = 1 << 4;
    /// The record is a pcapng custom block.
    pub const CUSTOM_BLOCK: u16 = 1 << 5;
    /// The record has packet comments.
    pub const COMMENTED: u16 = 1 << 6;
    /// The capture time does not fit [`super::IndexEntry::ts_ns`].
    pub const TIME_SATURATED: u16 = 1 << 7;
}

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// `ts` in nanoseconds since the epoch, or `None` outside 1677–2262.
pub fn ts_to_ns(ts: Timestamp) -> Option<i64> {
    ts.secs
        .checked_mul(NANOS_PER_SEC)?
        .checked_add(i64::from(ts.nanos))
}

impl IndexEntry {
    /// The capture time (saturated when [`flags::TIME_SATURATED`] is set).
    pub fn ts(&self) -> Timestamp {
        Timestamp {
            secs: self.ts_ns.div_euclid(NANOS_PER_SEC),
            nanos: self.ts_ns.rem_euclid(NANOS_PER_SEC) as u32,
        }
    }

    /// Sets the capture time, saturating (and flagging) one out of range.
    pub fn set_ts(&mut self, ts: Timestamp) {
        match ts_to_ns(ts) {
            Some(ns) => self.ts_ns = ns,
            None => {
                self.ts_ns = if ts.secs < 0 { i64::MIN } else { i64::MAX };
                self.flags |= flags::TIME_SATURATED;
            }
        }
    }

    /// Worst expert severity in the packet: 0 none, 1 chat, 2 note, 3 warning, 4 error.
    pub fn severity(&self) -> u8 {
        (self.flags & flags::SEVERITY_MASK) as u8
    }

    pub fn has_expert(&self) -> bool {
        self.severity() > 0
    }
}

/// Entries per chunk: 64 Ki entries, 3 MiB.
pub const CHUNK: usize = 1 << 16;

/// The growing index.
#[derive(Default)]
pub struct Index {
    full: Vec<Arc<[IndexEntry]>>,
    tail: Vec<IndexEntry>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry of packet `number` (1-based).
    pub fn get(&self, number: u64) -> Option<IndexEntry> {
        let i = usize::try_from(number.checked_sub(1)?).ok()?;
        match self.full.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK).copied(),
            None if i / CHUNK == self.full.len() => self.tail.get(i % CHUNK).copied(),
            None => None,
        }
    }

    pub fn extend(&mut self, entries: &[IndexEntry]) {
        let mut rest = entries;
        while !rest.is_empty() {
            if self.tail.capacity() == 0 {
                self.tail.reserve_exact(CHUNK);
            }
            let room = CHUNK - self.tail.len();
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.tail.extend_from_slice(now);
            rest = later;
            if self.tail.len() == CHUNK {
                let full = std::mem::take(&mut self.tail);
                self.full.push(Arc::from(full));
            }
        }
    }

    /// A consistent copy to read without holding a lock: the frozen chunks are
    /// shared, only the unfinished last chunk is copied.
    pub fn snapshot(&self) -> IndexSnapshot {
        let mut chunks = self.full.clone();
        if !self.tail.is_empty() {
            chunks.push(Arc::from(self.tail.as_slice()));
        }
        IndexSnapshot { chunks }
    }

    /// Bytes held by the entries (capacity included).
    pub fn heap_bytes(&self) -> usize {
        (self.full.len() * CHUNK + self.tail.capacity()) * std::mem::size_of::<IndexEntry>()
    }
}

/// An immutable view of the index at one moment.
#[derive(Clone, Default)]
pub struct IndexSnapshot {
    chunks: Vec<Arc<[IndexEntry]>>,
}

impl IndexSnapshot {
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The chunks in order: chunk `i` holds packets `i * CHUNK + 1 ..`.
    pub fn chunks(&self) -> &[Arc<[IndexEntry]>] {
        &self.chunks
    }

    pub fn get(&self, number: u64) -> Option<IndexEntry> {
        let i = usize::try_from(number.checked_sub(1)?).ok()?;
        self.chunks.get(i / CHUNK)?.get(i % CHUNK).copied()
    }

    /// Every entry with its packet number, in order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &IndexEntry)> + '_ {
        self.chunks
            .iter()
            .flat_map(|c| c.iter())
            .enumerate()
            .map(|(i, e)| (i as u64 + 1, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64) -> IndexEntry {
        IndexEntry {
            offset: n,
            ..IndexEntry::default()
        }
    }

    #[test]
    fn grows_in_chunks_and_finds_every_entry() {
        let mut index = Index::default();
        let entries: Vec<IndexEntry> = (1..=(CHUNK as u64 * 2 + 10)).map(entry).collect();
        index.extend(&entries[..100]);
        index.extend(&entries[100..]);
        assert_eq!(index.len(), entries.len());
        for n in [1, 2, CHUNK as u64, CHUNK as u64 + 1, entries.len() as u64] {
            assert_eq!(index.get(n).map(|e| e.offset), Some(n));
        }
        assert_eq!(index.get(0), None);
        assert_eq!(index.get(entries.len() as u64 + 1), None);
        let snap = index.snapshot();
        assert_eq!(snap.len(), entries.len());
        assert_eq!(
            snap.get(CHUNK as u64 * 2 + 3).map(|e| e.offset),
            Some(CHUNK as u64 * 2 + 3)
        );
        assert!(snap.iter().all(|(n, e)| e.offset == n));
    }

    #[test]
    fn entry_is_40_bytes() {
        assert_eq!(std::mem::size_of::<IndexEntry>(), 40);
    }

    #[test]
    fn times_round_trip_and_out_of_range_ones_saturate() {
        let mut e = IndexEntry::default();
        for ts in [
            Timestamp::new(1_700_000_000, 123_456_789),
            Timestamp::new(0, 0),
            Timestamp::new(-1, 999_999_999),
            Timestamp::new(-9_000_000_000, 5),
        ] {
            e.set_ts(ts);
            assert_eq!(e.ts(), ts);
            assert_eq!(e.flags & flags::TIME_SATURATED, 0);
        }
        e.set_ts(Timestamp::new(i64::MAX / 2, 1));
        assert_eq!(e.ts_ns, i64::MAX);
        assert_ne!(e.flags & flags::TIME_SATURATED, 0);
        let mut early = IndexEntry::default();
        early.set_ts(Timestamp::new(-10_000_000_000, 0));
        assert_eq!(early.ts_ns, i64::MIN);
        assert_ne!(early.flags & flags::TIME_SATURATED, 0);
    }
}
