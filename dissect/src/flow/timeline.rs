//! Handshake timelines as data: what happened when, in which packet, in which
//! direction. One type for every protocol that has a handshake worth drawing
//! (TCP open and close here; TLS, SSH, BGP, EAPOL and HTTP/2 reuse it), so the
//! UIs draw and JSON exports them all the same way.
//!
//! A timeline is small by construction: it holds the handshake and teardown
//! events, not every packet, and stops recording at [`MAX_TIMELINE_EVENTS`].

use crate::model::{Duration, Timestamp};

/// Events kept per timeline. Past it, later events are counted but dropped:
/// handshakes are short, and a connection that keeps producing "handshake"
/// events (a SYN flood reusing one tuple, endless RSTs) must not grow memory.
pub const MAX_TIMELINE_EVENTS: usize = 32;

/// Who sent the packet behind an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the side that opened the conversation (TCP: sent the SYN).
    ClientToServer,
    ServerToClient,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ClientToServer => "c2s",
            Direction::ServerToClient => "s2c",
        }
    }

    pub fn reverse(self) -> Direction {
        match self {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        }
    }
}

/// One step of a handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEvent {
    pub ts: Timestamp,
    /// Frame number (1-based) of the packet that showed it.
    pub frame: u64,
    pub dir: Direction,
    /// Machine-readable kind, namespaced by protocol: `tcp.syn`, `tcp.fin`,
    /// `tls.client_hello`, `ssh.kexinit`...
    pub kind: &'static str,
    /// What a person reads: `SYN`, `FIN, ACK`, `ClientHello (TLS 1.3)`.
    pub label: Box<str>,
}

/// The events of one conversation, in capture order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    events: Vec<TimelineEvent>,
    /// Events that arrived after the timeline was full.
    dropped: u32,
}

impl Timeline {
    pub fn new() -> Self {
        Timeline::default()
    }

    /// Appends an event, unless the timeline is full (then it is only counted).
    pub fn push(
        &mut self,
        ts: Timestamp,
        frame: u64,
        dir: Direction,
        kind: &'static str,
        label: impl Into<Box<str>>,
    ) {
        if self.events.len() >= MAX_TIMELINE_EVENTS {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        self.events.push(TimelineEvent {
            ts,
            frame,
            dir,
            kind,
            label: label.into(),
        });
    }

    pub fn events(&self) -> &[TimelineEvent] {
        &self.events
    }

    /// How many events did not fit.
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    /// The first event of `kind` (in either direction).
    pub fn first(&self, kind: &str) -> Option<&TimelineEvent> {
        self.events.iter().find(|e| e.kind == kind)
    }

    /// The first event of `kind` sent in `dir`.
    pub fn first_in(&self, kind: &str, dir: Direction) -> Option<&TimelineEvent> {
        self.events.iter().find(|e| e.kind == kind && e.dir == dir)
    }

    /// Time from the first `from` event to the first `to` event after it.
    pub fn between(&self, from: &str, to: &str) -> Option<Duration> {
        let start = self.events.iter().position(|e| e.kind == from)?;
        let a = &self.events[start];
        let b = self.events[start..].iter().find(|e| e.kind == to)?;
        Some(b.ts.since(a.ts))
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// The three-way handshake's round trip, split at the capture point as
/// Wireshark's `tcp.analysis.initial_rtt` is the sum of both halves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HandshakeRtt {
    /// Capture point → server → capture point: SYN to SYN/ACK.
    pub server_side: Option<Duration>,
    /// Capture point → client → capture point: SYN/ACK to the ACK.
    pub client_side: Option<Duration>,
}

impl HandshakeRtt {
    /// Both halves: the initial RTT (`tcp.analysis.initial_rtt`).
    pub fn total(&self) -> Option<Duration> {
        Some(Duration(self.server_side?.0 + self.client_side?.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(ms: i64) -> Timestamp {
        Timestamp::new(ms / 1000, (ms % 1000) as u64 * 1_000_000)
    }

    #[test]
    fn keeps_order_and_measures_between_events() {
        let mut t = Timeline::new();
        t.push(ts(1000), 1, Direction::ClientToServer, "tcp.syn", "SYN");
        t.push(
            ts(1020),
            2,
            Direction::ServerToClient,
            "tcp.synack",
            "SYN, ACK",
        );
        t.push(ts(1021), 3, Direction::ClientToServer, "tcp.ack", "ACK");
        assert_eq!(t.events().len(), 3);
        assert_eq!(
            t.between("tcp.syn", "tcp.synack"),
            Some(Duration(20_000_000))
        );
        assert_eq!(
            t.between("tcp.synack", "tcp.ack"),
            Some(Duration(1_000_000))
        );
        assert_eq!(t.between("tcp.ack", "tcp.syn"), None);
        assert_eq!(t.first_in("tcp.syn", Direction::ServerToClient), None);
        assert_eq!(t.first("tcp.synack").map(|e| e.frame), Some(2));
    }

    #[test]
    fn stops_growing_at_the_cap() {
        let mut t = Timeline::new();
        for i in 0..(MAX_TIMELINE_EVENTS as u64 + 10) {
            t.push(ts(0), i + 1, Direction::ClientToServer, "tcp.rst", "RST");
        }
        assert_eq!(t.events().len(), MAX_TIMELINE_EVENTS);
        assert_eq!(t.dropped(), 10);
    }

    #[test]
    fn handshake_rtt_sums_its_halves() {
        let r = HandshakeRtt {
            server_side: Some(Duration(20)),
            client_side: Some(Duration(3)),
        };
        assert_eq!(r.total(), Some(Duration(23)));
        assert_eq!(HandshakeRtt::default().total(), None);
    }
}
