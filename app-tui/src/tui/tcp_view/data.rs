//! What the TCP view shows of one connection, as plain data: built off the
//! UI thread by [`build`](super::build), then only read.

use wirelens_dissect::flow::tcp_state::{Side, StateEvent, TcpState};
use wirelens_dissect::flow::timeline::Direction;

/// Seconds since the capture's first packet (Wireshark's `frame.time_relative`).
pub type Secs = f64;

/// Which application protocol (or TCP itself) an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSource {
    Tcp,
    Tls,
    Ssh,
    Http2,
    Bgp,
}

impl EventSource {
    pub fn name(self) -> &'static str {
        match self {
            EventSource::Tcp => "TCP",
            EventSource::Tls => "TLS",
            EventSource::Ssh => "SSH",
            EventSource::Http2 => "HTTP/2",
            EventSource::Bgp => "BGP",
        }
    }
}

/// One arrow of the sequence diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub time: Secs,
    pub frame: u64,
    pub dir: Direction,
    pub source: EventSource,
    /// The timeline's event kind (`tcp.syn`, `tls.client_hello`, ...).
    pub kind: &'static str,
    pub label: String,
    /// The round trip this event completes, when it completes one (the
    /// handshake halves on SYN/ACK and ACK), in seconds.
    pub rtt: Option<f64>,
}

/// One state change of one endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct StateChange {
    pub time: Secs,
    pub frame: u64,
    pub side: Side,
    pub from: TcpState,
    pub to: TcpState,
    pub event: StateEvent,
}

/// One TCP segment as a sender put it on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub time: Secs,
    pub frame: u64,
    /// Relative sequence number, unwrapped past 4 GiB.
    pub seq: u64,
    pub len: u32,
    /// Wireshark flagged it a retransmission (plain, fast or spurious).
    pub retransmission: bool,
}

impl Segment {
    /// The sequence number just past the segment's data.
    pub fn end(&self) -> u64 {
        self.seq + u64::from(self.len)
    }
}

/// A loss the sender reacted to, as the cwnd estimator saw it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loss {
    pub time: Secs,
    pub frame: u64,
    /// Recovered by a retransmission timeout, not fast recovery.
    pub timeout: bool,
    /// Largest window estimate of the round trip before it, bytes.
    pub window: f64,
}

/// What one endpoint did as a sender.
#[derive(Clone, Debug, Default)]
pub struct Sender {
    pub segments: Vec<Segment>,
    pub bytes_in_flight: Vec<(Secs, f64)>,
    pub cwnd: Vec<(Secs, f64)>,
    /// ACK round-trip time of this sender's data, seconds.
    pub rtt: Vec<(Secs, f64)>,
    /// Bytes per second.
    pub throughput: Vec<(Secs, f64)>,
    /// The cwnd estimator's loss episodes (fast recovery or timeout).
    pub losses: Vec<Loss>,
    pub phase: &'static str,
    pub congestion_control: &'static str,
}

impl Sender {
    /// The frames Wireshark marks as retransmissions, with their times.
    pub fn retransmissions(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.retransmission)
    }

    /// Payload bytes put on the wire (retransmissions included).
    pub fn bytes_sent(&self) -> u64 {
        self.segments.iter().map(|s| u64::from(s.len)).sum()
    }

    /// The highest sequence number reached (end of the furthest segment).
    pub fn max_seq(&self) -> u64 {
        self.segments.iter().map(Segment::end).max().unwrap_or(0)
    }
}

/// Everything the TCP view shows of one connection, built by [`build`](super::build).
#[derive(Clone, Debug)]
pub struct TcpViewData {
    pub(super) stream: u64,
    pub(super) uid: String,
    pub(super) client: String,
    pub(super) server: String,
    /// Frame numbers of the stream's packets, in capture order.
    pub(super) frames: Vec<u64>,
    pub(super) first: Secs,
    pub(super) last: Secs,
    pub(super) events: Vec<Event>,
    pub(super) states: Vec<StateChange>,
    pub(super) final_states: [TcpState; 2],
    /// Indexed by [`Side::index`].
    pub(super) senders: [Sender; 2],
    pub(super) handshake_rtt: Option<f64>,
    /// Minimum, mean and maximum ACK RTT over both sides (as `flows` reports them).
    pub(super) ack_rtt: Option<(f64, f64, f64)>,
}

impl TcpViewData {
    pub fn stream(&self) -> u64 {
        self.stream
    }
    /// The flow's id as `wirelens flows` prints it (`uid`).
    pub fn uid(&self) -> &str {
        &self.uid
    }
    /// `address:port` of the endpoint that opened the connection.
    pub fn client(&self) -> &str {
        &self.client
    }
    pub fn server(&self) -> &str {
        &self.server
    }
    pub fn frames(&self) -> &[u64] {
        &self.frames
    }
    /// Time of the stream's first and last packet, seconds since the capture's first packet.
    pub fn time_span(&self) -> (Secs, Secs) {
        (self.first, self.last)
    }
    /// Every handshake event (TCP, TLS, SSH, HTTP/2, BGP) in capture order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    /// Both endpoints' state changes in capture order.
    pub fn states(&self) -> &[StateChange] {
        &self.states
    }
    pub fn final_state(&self, side: Side) -> TcpState {
        self.final_states[side.index()]
    }
    pub fn sender(&self, side: Side) -> &Sender {
        &self.senders[side.index()]
    }
    /// SYN to the ACK completing the handshake, seconds.
    pub fn handshake_rtt(&self) -> Option<f64> {
        self.handshake_rtt
    }
    /// Minimum, mean and maximum ACK RTT over both sides, seconds.
    pub fn ack_rtt(&self) -> Option<(f64, f64, f64)> {
        self.ack_rtt
    }
}
