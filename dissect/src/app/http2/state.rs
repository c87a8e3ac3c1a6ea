//! Per-connection HTTP state, keyed by `tcp.stream`: which protocol each
//! direction speaks now (HTTP/1.x until an h2c upgrade or a preface), the
//! HPACK decoders, the streams and windows, and the handshake timeline.

use std::collections::{BTreeMap, HashMap};

use crate::flow::timeline::Timeline;
use crate::model::Timestamp;

use super::hpack::HpackDecoder;
use super::settings::DEFAULT_WINDOW;
use super::stream::Stream;

/// Connections remembered; past it the least recently used are forgotten.
pub const MAX_CONNECTIONS: usize = 4096;
/// Streams remembered per connection; past it the oldest closed ones go.
pub const MAX_STREAMS_PER_CONNECTION: usize = 1024;
/// Body and header bytes kept (for follow, decoding and body sub-dissection)
/// per connection...
pub const MAX_BODY_HELD_PER_CONNECTION: usize = 4 * 1024 * 1024;
/// ...and across every connection; past either, bodies are counted, not kept.
pub const MAX_BODY_HELD_TOTAL: usize = 64 * 1024 * 1024;

/// What a direction of a connection speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Http1,
    Http2,
}

/// An HTTP/1.x request waiting for its response (Wireshark's request/response pairing).
#[derive(Clone, Debug)]
pub struct PendingRequest {
    pub frame: u64,
    pub ts: Timestamp,
    pub full_uri: String,
    pub number: u32,
    /// The request before it on the connection.
    pub prev_request: Option<u64>,
}

/// One TCP connection's HTTP state.
#[derive(Debug)]
pub struct Connection {
    pub mode: [Mode; 2],
    /// PDUs dissected per direction.
    pub pdus_seen: [u64; 2],
    /// Which direction is the client (sent the preface or the first request).
    pub client: Option<usize>,
    pub hpack: [HpackDecoder; 2],
    /// Connection-level send window of each direction.
    pub conn_window: [i64; 2],
    /// Initial stream send window of each direction (set by the peer's SETTINGS).
    pub initial_window: [i64; 2],
    pub streams: BTreeMap<u32, Stream>,
    /// Streams forgotten to stay within [`MAX_STREAMS_PER_CONNECTION`].
    pub streams_dropped: u64,
    pub timeline: Timeline,
    /// Timeline milestones already recorded: SETTINGS and ACK per direction,
    /// the first HEADERS, GOAWAY per direction.
    pub seen_settings: [bool; 2],
    pub seen_ack: [bool; 2],
    pub seen_headers: bool,
    pub seen_goaway: [bool; 2],
    /// The stream a header block is being continued on, per direction.
    pub continuing: [Option<u32>; 2],
    /// The connection-level window was seen at zero (reported once per time).
    pub conn_stalled: [bool; 2],
    /// HTTP/1.x requests waiting for responses, and counters.
    pub http1_pending: Vec<PendingRequest>,
    /// Body and header bytes kept by this connection's streams.
    pub body_held: usize,
    pub http1_requests: u32,
    pub http1_responses: u32,
    /// Frames of the last HTTP/1.x request and response (`http.prev_*_in`).
    pub http1_last_request: Option<u64>,
    pub http1_last_response: Option<u64>,
    /// The client asked to upgrade to h2c in this request (frame number).
    pub h2c_upgrade_asked: bool,
    pub last_frame: u64,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            mode: [Mode::Http1; 2],
            pdus_seen: [0; 2],
            client: None,
            hpack: Default::default(),
            conn_window: [DEFAULT_WINDOW; 2],
            initial_window: [DEFAULT_WINDOW; 2],
            streams: BTreeMap::new(),
            streams_dropped: 0,
            timeline: Timeline::new(),
            seen_settings: [false; 2],
            seen_ack: [false; 2],
            seen_headers: false,
            seen_goaway: [false; 2],
            continuing: [None; 2],
            conn_stalled: [false; 2],
            http1_pending: Vec::new(),
            body_held: 0,
            http1_requests: 0,
            http1_responses: 0,
            http1_last_request: None,
            http1_last_response: None,
            h2c_upgrade_asked: false,
            last_frame: 0,
        }
    }
}

impl Connection {
    /// The stream `id`, created idle (with the current initial windows) when new.
    pub fn stream(&mut self, id: u32, frame: u64, ts: Timestamp) -> &mut Stream {
        if !self.streams.contains_key(&id) && self.streams.len() >= MAX_STREAMS_PER_CONNECTION {
            let victim = self
                .streams
                .iter()
                .find(|(_, s)| s.state == super::stream::StreamState::Closed)
                .or_else(|| self.streams.iter().next())
                .map(|(k, _)| *k);
            if let Some(k) = victim {
                self.streams.remove(&k);
                self.streams_dropped += 1;
            }
        }
        let initial = self.initial_window;
        let s = self
            .streams
            .entry(id)
            .or_insert_with(|| Stream::new(id, initial, frame, ts));
        s.last_frame = frame;
        s.last_ts = ts;
        s
    }

    /// Whether direction `dir` is the client's (direction 0 when unknown:
    /// the side that opened the TCP connection is usually the client).
    pub fn is_client(&self, dir: usize) -> bool {
        self.client.unwrap_or(0) == dir
    }

    /// The timeline direction of TCP direction `dir`.
    pub fn timeline_dir(&self, dir: usize) -> crate::flow::timeline::Direction {
        if self.is_client(dir) {
            crate::flow::timeline::Direction::ClientToServer
        } else {
            crate::flow::timeline::Direction::ServerToClient
        }
    }
}

/// Every connection's HTTP state, by `tcp.stream`.
#[derive(Debug, Default)]
pub struct HttpTable {
    pub connections: HashMap<u32, Connection>,
    /// Connections forgotten to stay within [`MAX_CONNECTIONS`].
    pub evicted: u64,
    /// Body bytes kept across every connection.
    pub body_held: usize,
}

impl HttpTable {
    /// The connection of `tcp.stream` `stream`, created when new.
    pub fn connection(&mut self, stream: u32, frame: u64) -> &mut Connection {
        if !self.connections.contains_key(&stream) && self.connections.len() >= MAX_CONNECTIONS {
            self.evicted +=
                crate::flow::evict_least_recent(&mut self.connections, |c| c.last_frame) as u64;
            self.body_held = self.connections.values().map(|c| c.body_held).sum();
        }
        let c = self.connections.entry(stream).or_default();
        c.last_frame = frame;
        c
    }

    /// Body bytes connection `c` may still keep.
    pub fn body_room(&self, c: &Connection) -> usize {
        let total_left = MAX_BODY_HELD_TOTAL.saturating_sub(self.body_held.max(c.body_held));
        let own_left = MAX_BODY_HELD_PER_CONNECTION.saturating_sub(c.body_held);
        total_left.min(own_left)
    }

    /// The HTTP/2 state of a TCP stream, if it spoke HTTP/2.
    pub fn http2(&self, stream: u32) -> Option<&Connection> {
        self.connections
            .get(&stream)
            .filter(|c| c.mode.contains(&Mode::Http2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_room_follows_both_budgets() {
        let mut t = HttpTable::default();
        let c = Connection::default();
        assert_eq!(t.body_room(&c), MAX_BODY_HELD_PER_CONNECTION);
        let mut c = Connection {
            body_held: MAX_BODY_HELD_PER_CONNECTION - 5,
            ..Connection::default()
        };
        t.body_held = c.body_held;
        assert_eq!(t.body_room(&c), 5);
        // The others hold almost everything: only what is left of the total.
        t.body_held = MAX_BODY_HELD_TOTAL - 3;
        assert_eq!(t.body_room(&c), 3);
        c.body_held = 0;
        t.body_held = MAX_BODY_HELD_TOTAL;
        assert_eq!(t.body_room(&c), 0);
    }
}
