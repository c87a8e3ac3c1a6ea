//! The packet index: one fixed-size entry per packet instead of a decoded tree.
//!
//! Entries are appended to a plain block of [`BLOCK`]; a full block is
//! encoded (about 15 to 20 bytes an entry instead of 40, see [`Block`]) and
//! frozen behind an `Arc`, so readers (the packet list, filters on other
//! threads) take a cheap snapshot while loading goes on, and the index never
//! reallocates and copies itself as it grows. Reaching any entry decodes at
//! most [`GROUP`] entries.

use std::sync::Arc;

use integer_encoding::VarInt;
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

/// Entries per block. A block is encoded once full; the last, unfinished
/// one is kept as plain entries.
pub const BLOCK: usize = 4096;

/// Entries per group inside a block: the first is encoded on its own, the
/// others as differences from the one before, so reaching any entry decodes
/// at most `GROUP` of them.
pub const GROUP: usize = 64;

const GROUPS_PER_BLOCK: usize = BLOCK / GROUP;

/// Longest encoding of one entry: nine varints of at most 10 bytes.
const MAX_ENCODED_ENTRY: usize = 9 * 10;

/// [`BLOCK`] entries, each a few varints (LEB128, zigzag for signed
/// differences): the file offset and time as differences from the previous
/// entry, the stream as the distance back to the flow's first packet, the
/// rest as they are. A typical entry takes 15 to 20 bytes instead of 40.
struct Block {
    bytes: Box<[u8]>,
    /// Where each group starts in `bytes`.
    groups: Box<[u32]>,
}

impl Block {
    fn encode(entries: &[IndexEntry], first: u64) -> Block {
        let mut bytes = Vec::with_capacity(entries.len() * 20);
        let mut groups = Vec::with_capacity(GROUPS_PER_BLOCK);
        let mut buf = [0u8; MAX_ENCODED_ENTRY];
        for (i, e) in entries.iter().enumerate() {
            let prev = if i % GROUP == 0 {
                groups.push(bytes.len() as u32);
                IndexEntry::default()
            } else {
                entries[i - 1]
            };
            let n = encode_entry(e, &prev, first + i as u64, &mut buf);
            bytes.extend_from_slice(&buf[..n]);
        }
        Block {
            bytes: bytes.into_boxed_slice(),
            groups: groups.into_boxed_slice(),
        }
    }

    /// The entries of group `g` of the block whose first packet is `first`,
    /// decoded in order.
    fn group(&self, g: usize, first: u64) -> impl Iterator<Item = IndexEntry> + '_ {
        let start = self.groups.get(g).map_or(self.bytes.len(), |&s| s as usize);
        let end = self
            .groups
            .get(g + 1)
            .map_or(self.bytes.len(), |&e| e as usize);
        let mut rest = self.bytes.get(start..end).unwrap_or(&[]);
        let mut prev = IndexEntry::default();
        let mut number = first + (g * GROUP) as u64;
        std::iter::from_fn(move || {
            // Only this module writes blocks; an undecodable entry ends the group.
            let (e, used) = decode_entry(rest, &prev, number)?;
            prev = e;
            rest = &rest[used..];
            number += 1;
            Some(e)
        })
    }

    /// Entry `i` (0-based) of the block whose first packet is `first`,
    /// decoded without a buffer.
    fn get(&self, i: usize, first: u64) -> Option<IndexEntry> {
        self.group(i / GROUP, first).nth(i % GROUP)
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.len() + self.groups.len() * 4
    }
}

fn put<V: VarInt>(v: V, buf: &mut [u8], at: &mut usize) {
    *at += v.encode_var(&mut buf[*at..]);
}

fn encode_entry(e: &IndexEntry, prev: &IndexEntry, number: u64, buf: &mut [u8]) -> usize {
    let mut at = 0;
    put(e.offset.wrapping_sub(prev.offset) as i64, buf, &mut at);
    put(e.ts_ns.wrapping_sub(prev.ts_ns), buf, &mut at);
    put(e.orig_len, buf, &mut at);
    put(i64::from(e.orig_len) - i64::from(e.cap_len), buf, &mut at);
    put(e.shape.wrapping_add(1), buf, &mut at);
    put(e.addrs.wrapping_add(1), buf, &mut at);
    // 0: no stream; else 1 + how far back the flow's first packet is.
    let back = if e.stream == 0 {
        0
    } else {
        (number as i64 - i64::from(e.stream)).wrapping_add(1)
    };
    put(back, buf, &mut at);
    put(u32::from(e.interface), buf, &mut at);
    put(u32::from(e.flags), buf, &mut at);
    at
}

fn decode_entry(src: &[u8], prev: &IndexEntry, number: u64) -> Option<(IndexEntry, usize)> {
    fn take<V: VarInt>(src: &[u8], at: &mut usize) -> Option<V> {
        let (v, n) = V::decode_var(src.get(*at..)?)?;
        *at += n;
        Some(v)
    }
    let mut at = 0;
    let offset = prev.offset.wrapping_add(take::<i64>(src, &mut at)? as u64);
    let ts_ns = prev.ts_ns.wrapping_add(take::<i64>(src, &mut at)?);
    let orig_len: u32 = take(src, &mut at)?;
    let cap_len = (i64::from(orig_len) - take::<i64>(src, &mut at)?) as u32;
    let shape = take::<u32>(src, &mut at)?.wrapping_sub(1);
    let addrs = take::<u32>(src, &mut at)?.wrapping_sub(1);
    let back: i64 = take(src, &mut at)?;
    let stream = if back == 0 {
        0
    } else {
        (number as i64 - (back - 1)) as u32
    };
    let interface = take::<u32>(src, &mut at)? as u16;
    let flags = take::<u32>(src, &mut at)? as u16;
    let e = IndexEntry {
        offset,
        ts_ns,
        orig_len,
        cap_len,
        shape,
        addrs,
        stream,
        interface,
        flags,
    };
    Some((e, at))
}

/// The growing index: encoded full blocks and the plain last one.
#[derive(Default)]
pub struct Index {
    full: Vec<Arc<Block>>,
    tail: Vec<IndexEntry>,
}

impl Index {
    pub fn len(&self) -> usize {
        self.full.len() * BLOCK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry of packet `number` (1-based).
    pub fn get(&self, number: u64) -> Option<IndexEntry> {
        let i = usize::try_from(number.checked_sub(1)?).ok()?;
        if i / BLOCK == self.full.len() {
            return self.tail.get(i % BLOCK).copied();
        }
        let first = (i / BLOCK * BLOCK) as u64 + 1;
        self.full.get(i / BLOCK)?.get(i % BLOCK, first)
    }

    pub fn extend(&mut self, entries: &[IndexEntry]) {
        let mut rest = entries;
        while !rest.is_empty() {
            if self.tail.capacity() == 0 {
                self.tail.reserve_exact(BLOCK);
            }
            let room = BLOCK - self.tail.len();
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.tail.extend_from_slice(now);
            rest = later;
            if self.tail.len() == BLOCK {
                let first = (self.full.len() * BLOCK) as u64 + 1;
                self.full.push(Arc::new(Block::encode(&self.tail, first)));
                self.tail.clear();
            }
        }
    }

    /// A consistent copy to read without holding a lock: the encoded blocks
    /// are shared, only the unfinished last block is copied.
    pub fn snapshot(&self) -> IndexSnapshot {
        IndexSnapshot {
            full: self.full.clone(),
            tail: Arc::from(self.tail.as_slice()),
        }
    }

    /// Bytes held by the entries (capacity included).
    pub fn heap_bytes(&self) -> usize {
        self.full.iter().map(|b| b.heap_bytes()).sum::<usize>()
            + self.full.capacity() * std::mem::size_of::<Arc<Block>>()
            + self.tail.capacity() * std::mem::size_of::<IndexEntry>()
    }
}

/// An immutable view of the index at one moment.
#[derive(Clone, Default)]
pub struct IndexSnapshot {
    full: Vec<Arc<Block>>,
    tail: Arc<[IndexEntry]>,
}

impl IndexSnapshot {
    pub fn len(&self) -> usize {
        self.full.len() * BLOCK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, number: u64) -> Option<IndexEntry> {
        let i = usize::try_from(number.checked_sub(1)?).ok()?;
        match self.full.get(i / BLOCK) {
            Some(block) => block.get(i % BLOCK, (i / BLOCK * BLOCK) as u64 + 1),
            None => self.tail.get(i - self.full.len() * BLOCK).copied(),
        }
    }

    /// Every entry with its packet number, in order.
    pub fn iter(&self) -> Entries<'_> {
        self.range(1, self.len() as u64)
    }

    /// Up to `count` entries from packet `first` on, with their numbers.
    pub fn range(&self, first: u64, count: u64) -> Entries<'_> {
        let last = first
            .saturating_add(count.saturating_sub(1))
            .min(self.len() as u64);
        Entries {
            snapshot: self,
            next: first.max(1),
            last: if count == 0 { 0 } else { last },
            group: Vec::with_capacity(GROUP),
            group_first: 0,
        }
    }

    /// The entries of packets `first ..= last` in reverse order, with their numbers.
    pub fn rev_range(&self, first: u64, last: u64) -> impl Iterator<Item = (u64, IndexEntry)> + '_ {
        let last = last.min(self.len() as u64);
        let first = first.max(1);
        // Whole groups are decoded forwards, then read backwards.
        let mut end = last;
        std::iter::from_fn(move || {
            if end < first || end == 0 {
                return None;
            }
            let start = ((end - 1) / GROUP as u64 * GROUP as u64 + 1).max(first);
            let group: Vec<(u64, IndexEntry)> = self.range(start, end - start + 1).collect();
            end = start - 1;
            Some(group.into_iter().rev())
        })
        .flatten()
    }
}

/// Entries decoded in order, a group at a time (see [`IndexSnapshot::range`]).
pub struct Entries<'s> {
    snapshot: &'s IndexSnapshot,
    next: u64,
    last: u64,
    group: Vec<IndexEntry>,
    /// Number of `group[0]`; 0 when `group` is empty.
    group_first: u64,
}

impl Iterator for Entries<'_> {
    type Item = (u64, IndexEntry);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next > self.last {
            return None;
        }
        let n = self.next;
        let i = (n - 1) as usize;
        let e = if i / BLOCK >= self.snapshot.full.len() {
            *self
                .snapshot
                .tail
                .get(i - self.snapshot.full.len() * BLOCK)?
        } else {
            let in_group = self.group_first != 0
                && n >= self.group_first
                && n < self.group_first + self.group.len() as u64;
            if !in_group {
                let block = &self.snapshot.full[i / BLOCK];
                let first = (i / BLOCK * BLOCK) as u64 + 1;
                let g = i % BLOCK / GROUP;
                self.group.clear();
                self.group.extend(block.group(g, first));
                self.group_first = first + (g * GROUP) as u64;
            }
            *self.group.get((n - self.group_first) as usize)?
        };
        self.next += 1;
        Some((n, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries with varied, sometimes extreme, values: offsets and times that
    /// go backwards, cut frames, uninterned ids, streams far back.
    fn entries(count: u64) -> Vec<IndexEntry> {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut offset = 24u64;
        let mut ts = 1_700_000_000_000_000_000i64;
        (1..=count)
            .map(|n| {
                let r = rnd();
                offset = match r % 97 {
                    0 => r >> 20,
                    _ => offset + 16 + r % 1600,
                };
                ts = match r % 89 {
                    0 => i64::MIN,
                    1 => i64::MAX,
                    2 => ts.wrapping_sub(5_000_000),
                    _ => ts.wrapping_add((r % 3_000_000) as i64),
                };
                let orig_len = (r >> 8) as u32 % 70_000;
                IndexEntry {
                    offset,
                    ts_ns: ts,
                    orig_len,
                    cap_len: if r % 5 == 0 {
                        orig_len.min(96)
                    } else {
                        orig_len
                    },
                    shape: if r % 50 == 0 {
                        NOT_INTERNED
                    } else {
                        (r >> 16) as u32 % 300
                    },
                    addrs: if r % 70 == 0 {
                        NOT_INTERNED
                    } else {
                        (r >> 24) as u32 % 500_000
                    },
                    stream: match r % 4 {
                        0 => 0,
                        1 => n as u32,
                        _ => (n - (r >> 40) % n) as u32,
                    },
                    interface: (r % 3) as u16 * 200,
                    flags: (r >> 33) as u16,
                }
            })
            .collect()
    }

    #[test]
    fn every_entry_comes_back_as_it_went_in() {
        let mut index = Index::default();
        let all = entries(BLOCK as u64 * 3 + 100);
        index.extend(&all[..100]);
        index.extend(&all[100..]);
        assert_eq!(index.len(), all.len());
        for (i, e) in all.iter().enumerate() {
            assert_eq!(index.get(i as u64 + 1), Some(*e), "entry {}", i + 1);
        }
        assert_eq!(index.get(0), None);
        assert_eq!(index.get(all.len() as u64 + 1), None);
        let snap = index.snapshot();
        assert_eq!(snap.len(), all.len());
        let seen: Vec<IndexEntry> = snap.iter().map(|(_, e)| e).collect();
        assert_eq!(seen, all);
        assert!(snap.iter().enumerate().all(|(i, (n, _))| n == i as u64 + 1));
        let from = BLOCK as u64 - 3;
        let part: Vec<(u64, IndexEntry)> = snap.range(from, 70).collect();
        assert_eq!(part.len(), 70);
        assert_eq!(part[0], (from, all[from as usize - 1]));
        let back: Vec<u64> = snap.rev_range(from, from + 200).map(|(n, _)| n).collect();
        assert_eq!(back, (from..=from + 200).rev().collect::<Vec<_>>());
        assert_eq!(snap.get(BLOCK as u64 * 2 + 3), Some(all[BLOCK * 2 + 2]));
    }

    #[test]
    fn typical_entries_take_well_under_half_the_plain_size() {
        // Packets of a flow mix: offsets a frame apart, times microseconds apart.
        let mut index = Index::default();
        let all: Vec<IndexEntry> = (1..=BLOCK as u64 * 16)
            .map(|n| IndexEntry {
                offset: 24 + n * 915,
                ts_ns: 1_700_000_000_000_000_000 + n as i64 * 9_000,
                orig_len: 899 + (n % 600) as u32,
                cap_len: 899 + (n % 600) as u32,
                shape: (n % 40) as u32,
                addrs: (n * 7 % 40_000) as u32,
                stream: n.saturating_sub(n % 300).max(1) as u32,
                interface: 0,
                flags: 0,
            })
            .collect();
        index.extend(&all);
        let per_entry = index.heap_bytes() as f64 / all.len() as f64;
        assert!(per_entry < 20.0, "{per_entry} bytes per entry");
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
