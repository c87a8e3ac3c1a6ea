//! Random access over the index: jumps by time, along a stream, between
//! expert items. Each is a scan of the index snapshot from the starting
//! packet (tens of milliseconds for ten million packets at worst); none reads
//! the file.

use wirelens_dissect::Timestamp;

use super::index::{IndexEntry, IndexSnapshot};
use super::Session;

/// Which way to look from a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Next,
    Previous,
}

/// The first packet after (or last before) `from` whose entry passes `pred`.
fn scan(
    index: &IndexSnapshot,
    from: u64,
    dir: Direction,
    mut pred: impl FnMut(&IndexEntry) -> bool,
) -> Option<u64> {
    match dir {
        Direction::Next => index
            .range(from.saturating_add(1), u64::MAX)
            .find(|(_, e)| pred(e))
            .map(|(n, _)| n),
        Direction::Previous => index
            .rev_range(1, from.saturating_sub(1))
            .find(|(_, e)| pred(e))
            .map(|(n, _)| n),
    }
}

impl Session {
    /// The first packet whose time is at or after `t` (capture order: with
    /// timestamps out of order, the first such packet in the file), or the
    /// last packet when none is.
    pub fn packet_at_time(&self, t: Timestamp) -> Option<u64> {
        let index = self.snapshot();
        let found = index.iter().find(|(_, e)| e.ts() >= t).map(|(n, _)| n);
        found.or_else(|| (!index.is_empty()).then_some(index.len() as u64))
    }

    /// The next or previous packet of the same flow as packet `from`.
    pub fn same_stream(&self, from: u64, dir: Direction) -> Option<u64> {
        let index = self.snapshot();
        let stream = index.get(from)?.stream;
        if stream == 0 {
            return None;
        }
        scan(&index, from, dir, |e| e.stream == stream)
    }

    /// The next or previous packet with an expert item of at least
    /// `min_severity` (1 chat, 2 note, 3 warning, 4 error).
    pub fn expert_packet(&self, from: u64, dir: Direction, min_severity: u8) -> Option<u64> {
        let index = self.snapshot();
        scan(&index, from, dir, |e| {
            e.has_expert() && e.severity() >= min_severity.max(1)
        })
    }
}
