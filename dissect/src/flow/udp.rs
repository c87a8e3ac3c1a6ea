//! UDP conversations: Wireshark's `udp.stream` numbering and per-stream times.

use super::{evict_least_recent, ConvKey};
use crate::model::{Duration, Timestamp};

/// Most UDP conversations remembered at once; past it the least recently active
/// are forgotten (a forgotten conversation that shows up again gets a new stream index).
pub const MAX_CONVERSATIONS: usize = 1 << 18;

/// One UDP conversation (both directions).
#[derive(Clone, Debug)]
pub struct UdpConversation {
    /// `udp.stream`: index in order of first appearance.
    pub stream: u32,
    /// Time of the conversation's first datagram.
    pub ts_first: Timestamp,
    /// Time of the last datagram that carried a payload.
    pub ts_prev: Timestamp,
    last_frame: u64,
}

impl UdpConversation {
    /// Records a datagram with payload at `ts`; returns the time since the previous one.
    pub fn advance(&mut self, ts: Timestamp) -> Duration {
        let delta = ts.since(self.ts_prev);
        self.ts_prev = ts;
        delta
    }
}

/// Every UDP conversation seen so far.
#[derive(Debug)]
pub struct UdpTable {
    convs: super::FlowMap<ConvKey, UdpConversation>,
    next_stream: u32,
    limit: usize,
}

impl Default for UdpTable {
    fn default() -> Self {
        UdpTable::with_limit(MAX_CONVERSATIONS)
    }
}

/// What looking a conversation up did besides finding it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    /// Conversations forgotten to make room (the table was full).
    pub evicted: usize,
}

impl UdpTable {
    /// A table remembering at most `limit` conversations.
    pub fn with_limit(limit: usize) -> Self {
        UdpTable {
            convs: super::FlowMap::default(),
            next_stream: 0,
            limit: limit.max(1),
        }
    }

    /// Finds the conversation of `key`, creating it (with the next stream index) if new.
    pub fn find_or_create(
        &mut self,
        key: ConvKey,
        frame: u64,
        ts: Timestamp,
    ) -> (&mut UdpConversation, Lookup) {
        let mut lookup = Lookup::default();
        if !self.convs.contains_key(&key) && self.convs.len() >= self.limit {
            lookup.evicted = evict_least_recent(&mut self.convs, |c| c.last_frame);
        }
        let next = &mut self.next_stream;
        let conv = self.convs.entry(key).or_insert_with(|| {
            let stream = *next;
            *next = next.wrapping_add(1);
            UdpConversation {
                stream,
                ts_first: ts,
                ts_prev: ts,
                last_frame: frame,
            }
        });
        conv.last_frame = frame;
        (conv, lookup)
    }

    /// How many conversations are remembered.
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.convs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Endpoint;
    use crate::model::Address;

    fn key(port: u16) -> ConvKey {
        let a = Endpoint {
            addr: Address::Ipv6([0xfe; 16]),
            port,
        };
        let b = Endpoint {
            addr: Address::Ipv6([0x20; 16]),
            port: 53,
        };
        ConvKey::new(a, b).0
    }

    #[test]
    fn streams_in_order_of_first_appearance() {
        let mut t = UdpTable::default();
        let ts = Timestamp::new(5, 0);
        assert_eq!(t.find_or_create(key(1), 1, ts).0.stream, 0);
        assert_eq!(t.find_or_create(key(2), 2, ts).0.stream, 1);
        assert_eq!(t.find_or_create(key(1), 3, ts).0.stream, 0);
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_active() {
        let mut t = UdpTable::with_limit(4);
        let ts = Timestamp::default();
        for p in 0..4 {
            t.find_or_create(key(p), p as u64, ts);
        }
        let (c, l) = t.find_or_create(key(9), 10, ts);
        assert_eq!((c.stream, l.evicted), (4, 1));
        // Port 0 was the oldest: it comes back as a new stream.
        assert_eq!(t.find_or_create(key(0), 11, ts).0.stream, 5);
    }
}
