//! One HTTP/2 stream: its state machine (RFC 9113 section 5.1), what its
//! request and response said, and its flow-control send windows (section 5.2
//! and 6.9).
//!
//! Directions are the TCP connection's (0 or 1); which of them is the client
//! is known from the preface. States are named as the client endpoint sees
//! them: "half-closed (local)" means the client has ended its side.

use crate::model::Timestamp;

use super::settings::DEFAULT_WINDOW;

/// Stream states (RFC 9113 figure 2), from the client's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamState {
    Idle,
    ReservedLocal,
    ReservedRemote,
    Open,
    HalfClosedLocal,
    HalfClosedRemote,
    Closed,
}

impl StreamState {
    pub fn name(self) -> &'static str {
        match self {
            StreamState::Idle => "idle",
            StreamState::ReservedLocal => "reserved (local)",
            StreamState::ReservedRemote => "reserved (remote)",
            StreamState::Open => "open",
            StreamState::HalfClosedLocal => "half-closed (local)",
            StreamState::HalfClosedRemote => "half-closed (remote)",
            StreamState::Closed => "closed",
        }
    }
}

/// Headers kept per stream and direction, for `follow --http2-stream`.
pub const MAX_HEADERS_KEPT: usize = 128;
/// Longest request or response fact (path, authority, content type...) kept.
pub const MAX_FACT_LEN: usize = 8 * 1024;
/// Body bytes kept per stream and direction, for `follow --http2-stream`.
pub const MAX_BODY_KEPT: usize = 64 * 1024;

/// What one stream did.
#[derive(Clone, Debug)]
pub struct Stream {
    pub id: u32,
    pub state: StreamState,
    /// Send window of each direction on this stream.
    pub window: [i64; 2],
    pub method: Option<String>,
    pub path: Option<String>,
    pub authority: Option<String>,
    pub scheme: Option<String>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// `content-encoding` each direction announced.
    pub content_encoding: [Option<String>; 2],
    /// DATA payload bytes (without padding) sent by each direction.
    pub body_len: [u64; 2],
    /// The first bytes of each direction's body.
    pub body: [Vec<u8>; 2],
    /// Decoded headers of each direction, in order (bounded by [`MAX_HEADERS_KEPT`]).
    pub headers: [Vec<(String, String)>; 2],
    /// Frames of DATA with a payload not yet ended by END_STREAM, per direction
    /// (Wireshark's body fragments).
    pub data_frames: [Vec<u64>; 2],
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    /// When the request (client HEADERS) and the response (server HEADERS) began.
    pub request_frame: Option<u64>,
    pub response_frame: Option<u64>,
    pub response_ts: Option<Timestamp>,
    /// Error code of a RST_STREAM, and who sent it.
    pub reset: Option<(u32, usize)>,
    /// The window of a direction was seen at zero (reported once).
    pub stalled: [bool; 2],
}

impl Stream {
    pub fn new(id: u32, initial: [i64; 2], frame: u64, ts: Timestamp) -> Self {
        Stream {
            id,
            state: StreamState::Idle,
            window: initial,
            method: None,
            path: None,
            authority: None,
            scheme: None,
            status: None,
            content_type: None,
            content_encoding: [None, None],
            body_len: [0; 2],
            body: [Vec::new(), Vec::new()],
            headers: [Vec::new(), Vec::new()],
            data_frames: [Vec::new(), Vec::new()],
            first_frame: frame,
            last_frame: frame,
            first_ts: ts,
            last_ts: ts,
            request_frame: None,
            response_frame: None,
            response_ts: None,
            reset: None,
            stalled: [false; 2],
        }
    }

    /// A HEADERS frame (or the first of a block) from the client (`from_client`);
    /// `end_stream` when it carried END_STREAM. Returns false when the state
    /// does not allow it.
    pub fn on_headers(&mut self, from_client: bool, end_stream: bool) -> bool {
        use StreamState::*;
        let ok = match (self.state, from_client) {
            (Idle, _) => {
                self.state = Open;
                true
            }
            // The promised response begins.
            (ReservedRemote, false) => {
                self.state = HalfClosedLocal;
                true
            }
            (ReservedLocal, true) => {
                self.state = HalfClosedRemote;
                true
            }
            (Open, _) | (HalfClosedLocal, false) | (HalfClosedRemote, true) => true,
            _ => false,
        };
        if end_stream {
            self.on_end_stream(from_client);
        }
        ok
    }

    /// DATA from the client or the server; false when the stream cannot carry it.
    pub fn on_data(&mut self, from_client: bool, end_stream: bool) -> bool {
        use StreamState::*;
        let ok = matches!(
            (self.state, from_client),
            (Open, _) | (HalfClosedLocal, false) | (HalfClosedRemote, true)
        );
        if end_stream {
            self.on_end_stream(from_client);
        }
        ok
    }

    fn on_end_stream(&mut self, from_client: bool) {
        use StreamState::*;
        self.state = match (self.state, from_client) {
            (Open, true) => HalfClosedLocal,
            (Open, false) => HalfClosedRemote,
            (HalfClosedLocal, false) | (HalfClosedRemote, true) => Closed,
            (s, _) => s,
        };
    }

    /// RST_STREAM from direction `dir`.
    pub fn on_reset(&mut self, code: u32, dir: usize) {
        self.state = StreamState::Closed;
        self.reset.get_or_insert((code, dir));
    }

    /// The stream was promised by a PUSH_PROMISE from the server (or client).
    pub fn on_promised(&mut self, by_server: bool) {
        if self.state == StreamState::Idle {
            self.state = if by_server {
                StreamState::ReservedRemote
            } else {
                StreamState::ReservedLocal
            };
        }
    }

    /// Keeps a decoded header of direction `dir` (within `room`, which it
    /// reduces; returns the bytes kept), and the request or response facts it
    /// carries (each cut at [`MAX_FACT_LEN`]).
    pub fn note_header(&mut self, dir: usize, name: &str, value: &str, room: &mut usize) -> usize {
        let fact = || cut(value, MAX_FACT_LEN).to_string();
        match name {
            ":method" => self.method = Some(fact()),
            ":path" => self.path = Some(fact()),
            ":authority" => self.authority = Some(fact()),
            ":scheme" => self.scheme = Some(fact()),
            ":status" => self.status = value.parse().ok(),
            "content-type" if self.content_type.is_none() || self.status.is_some() => {
                self.content_type = Some(fact())
            }
            "content-encoding" => {
                if let Some(slot) = self.content_encoding.get_mut(dir) {
                    *slot = Some(cut(value, MAX_FACT_LEN).to_ascii_lowercase());
                }
            }
            _ => {}
        }
        let size = name.len() + value.len();
        match self.headers.get_mut(dir) {
            Some(list) if list.len() < MAX_HEADERS_KEPT && size <= *room => {
                list.push((name.to_string(), value.to_string()));
                *room -= size;
                size
            }
            _ => 0,
        }
    }

    /// Counts body bytes of direction `dir` and keeps them, up to
    /// [`MAX_BODY_KEPT`] per stream and `room` (what the connection's and the
    /// table's budgets still allow, reduced by what is kept). Returns the bytes kept.
    pub fn note_body(&mut self, dir: usize, bytes: &[u8], room: &mut usize) -> usize {
        let (Some(len), Some(body)) = (self.body_len.get_mut(dir), self.body.get_mut(dir)) else {
            return 0;
        };
        *len += bytes.len() as u64;
        let keep = MAX_BODY_KEPT
            .saturating_sub(body.len())
            .min(*room)
            .min(bytes.len());
        body.extend_from_slice(&bytes[..keep]);
        *room -= keep;
        keep
    }

    /// `HEADERS[1]: GET /`-like summary of the request, for JSON and follow.
    pub fn request_line(&self) -> String {
        format!(
            "{} {}",
            self.method.as_deref().unwrap_or("-"),
            self.path.as_deref().unwrap_or("-")
        )
    }
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// What a flow-control event did to a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowEvent {
    Ok,
    /// The sender sent more than the window allowed: the window is now negative.
    Exceeded(i64),
    /// The window is exactly zero: the sender must wait for a WINDOW_UPDATE.
    Stalled,
    /// A WINDOW_UPDATE took the window past 2^31-1 (a FLOW_CONTROL_ERROR).
    Overflow(i64),
}

/// Takes `len` bytes of DATA from a send window.
pub fn spend(window: &mut i64, len: u32) -> WindowEvent {
    *window -= i64::from(len);
    if *window < 0 {
        WindowEvent::Exceeded(*window)
    } else if *window == 0 && len > 0 {
        WindowEvent::Stalled
    } else {
        WindowEvent::Ok
    }
}

/// Adds a WINDOW_UPDATE increment to a send window.
pub fn grant(window: &mut i64, increment: u32) -> WindowEvent {
    *window += i64::from(increment);
    if *window > super::settings::MAX_WINDOW {
        WindowEvent::Overflow(*window)
    } else {
        WindowEvent::Ok
    }
}

/// Default send windows of a new stream.
pub fn default_windows() -> [i64; 2] {
    [DEFAULT_WINDOW; 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Stream {
        Stream::new(1, default_windows(), 1, Timestamp::default())
    }

    #[test]
    fn request_and_response_close_the_stream() {
        let mut s = stream();
        assert!(s.on_headers(true, true));
        assert_eq!(s.state, StreamState::HalfClosedLocal);
        assert!(s.on_headers(false, false));
        assert!(s.on_data(false, true));
        assert_eq!(s.state, StreamState::Closed);
        assert!(!s.on_data(true, false));
    }

    #[test]
    fn a_post_body_then_reset() {
        let mut s = stream();
        s.on_headers(true, false);
        assert_eq!(s.state, StreamState::Open);
        s.on_data(true, true);
        assert_eq!(s.state, StreamState::HalfClosedLocal);
        s.on_reset(8, 1);
        assert_eq!(s.state, StreamState::Closed);
        assert_eq!(s.reset, Some((8, 1)));
    }

    #[test]
    fn pushed_streams_are_reserved_until_their_headers() {
        let mut s = stream();
        s.on_promised(true);
        assert_eq!(s.state, StreamState::ReservedRemote);
        assert!(!s.on_data(false, false));
        assert!(s.on_headers(false, true));
        assert_eq!(s.state, StreamState::Closed);
    }

    #[test]
    fn bodies_are_counted_in_full_and_kept_within_the_room() {
        let mut s = stream();
        let mut room = 10;
        assert_eq!(s.note_body(1, &[1; 6], &mut room), 6);
        assert_eq!(s.note_body(1, &[2; 6], &mut room), 4);
        assert_eq!(s.note_body(1, &[3; 6], &mut room), 0);
        assert_eq!((s.body_len[1], s.body[1].len(), room), (18, 10, 0));
        let mut room = usize::MAX;
        s.note_body(0, &vec![0; MAX_BODY_KEPT + 5], &mut room);
        assert_eq!(s.body[0].len(), MAX_BODY_KEPT);
    }

    #[test]
    fn window_arithmetic() {
        let mut w = 10i64;
        assert_eq!(spend(&mut w, 4), WindowEvent::Ok);
        assert_eq!(spend(&mut w, 6), WindowEvent::Stalled);
        assert_eq!(spend(&mut w, 1), WindowEvent::Exceeded(-1));
        assert_eq!(grant(&mut w, 0x7fff_ffff), WindowEvent::Ok);
        assert_eq!(grant(&mut w, 2), WindowEvent::Overflow(0x8000_0000));
    }
}
