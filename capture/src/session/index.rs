//! The packet index: one fixed-size entry per packet instead of a decoded tree.
//!
//! Entries are appended in chunks of [`CHUNK`]; a full chunk is frozen behind
//! an `Arc`, so readers (the packet list, filters on other threads) take a
//! cheap snapshot while loading goes on, and the index never reallocates and
//! copies itself as it grows.

use std::sync::Arc;

use wirelens_dissect::Timestamp;

/// What the session remembers of one packet: 48 bytes.
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
    /// Capture time, seconds since the epoch (pcapng allows 64 bits).
    pub ts_secs: i64,
    /// Nanoseconds within the second.
    pub ts_nanos: u32,
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

const _: () = assert!(std::mem::size_of::<IndexEntry>() <= 48);

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
}

impl IndexEntry {
    pub fn ts(&self) -> Timestamp {
        Timestamp {
            secs: self.ts_secs,
            nanos: self.ts_nanos,
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
    fn entry_is_at_most_48_bytes() {
        assert!(std::mem::size_of::<IndexEntry>() <= 48);
    }
}
