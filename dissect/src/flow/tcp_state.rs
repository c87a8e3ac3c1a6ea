//! The RFC 793 state machines of both endpoints of a TCP connection, as far as
//! the capture shows them, and the per-connection record that gathers what
//! wirelens adds to Wireshark's analysis: those states with their history, the
//! handshake timeline, and each sender's congestion-window estimate.
//!
//! The capture point sees a segment once, between its sender and its receiver.
//! Each segment is applied twice: as *sent* by one endpoint and as *received*
//! by the other, assuming it arrives (a capture near one end is accurate for
//! that end; the far end's transitions are what it would do on delivery).
//! An endpoint nothing was seen from yet is CLOSED; the target of a SYN is
//! assumed to LISTEN. A connection picked up mid-stream starts ESTABLISHED.

use super::cwnd::{CwndEstimator, Phase, PhaseChange, SeriesPoint};
use super::tcp::{ge_seq, th, Acked, Conversation, SegmentFacts};
use super::timeline::{Direction, HandshakeRtt, Timeline};
use crate::model::Timestamp;

/// Transitions kept per connection; a normal connection needs about eight.
pub const MAX_TRANSITIONS: usize = 24;

/// RFC 793 connection states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum TcpState {
    #[default]
    Closed,
    Listen,
    SynSent,
    SynRcvd,
    Established,
    FinWait1,
    FinWait2,
    Closing,
    TimeWait,
    CloseWait,
    LastAck,
}

impl TcpState {
    /// The RFC's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRcvd => "SYN_RCVD",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::Closing => "CLOSING",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
        }
    }
}

/// Which of the two endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// Sent the first SYN (or, picked up mid-stream, the first segment seen).
    Client,
    Server,
}

impl Side {
    pub fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// What moved an endpoint from one state to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateEvent {
    SentSyn,
    RcvdSyn,
    SentSynAck,
    RcvdSynAck,
    /// An ACK completing the handshake (sent or received).
    HandshakeAck,
    SentFin,
    RcvdFin,
    /// The ACK of this endpoint's own FIN arrived.
    FinAcked,
    SentRst,
    RcvdRst,
    /// First segment of a connection whose handshake was not captured.
    MidStream,
}

/// One state change of one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub frame: u64,
    pub ts: Timestamp,
    pub side: Side,
    pub from: TcpState,
    pub to: TcpState,
    pub event: StateEvent,
}

/// Both endpoints' states and how they got there.
#[derive(Clone, Debug, Default)]
pub struct EndpointStates {
    /// Indexed by [`Side::index`].
    pub current: [TcpState; 2],
    history: Vec<Transition>,
    dropped: u32,
    /// Sequence number just past each side's FIN (set once a FIN was sent).
    fin_end: [Option<u32>; 2],
    /// Track the current states only, without the history.
    forget_history: bool,
}

impl EndpointStates {
    pub fn client(&self) -> TcpState {
        self.current[0]
    }

    pub fn server(&self) -> TcpState {
        self.current[1]
    }

    pub fn history(&self) -> &[Transition] {
        &self.history
    }

    /// Transitions that did not fit in [`MAX_TRANSITIONS`].
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    fn set(&mut self, side: Side, to: TcpState, event: StateEvent, frame: u64, ts: Timestamp) {
        let from = self.current[side.index()];
        if from == to {
            return;
        }
        self.current[side.index()] = to;
        if self.forget_history {
            return;
        }
        if self.history.len() < MAX_TRANSITIONS {
            self.history.push(Transition {
                frame,
                ts,
                side,
                from,
                to,
                event,
            });
        } else {
            self.dropped = self.dropped.saturating_add(1);
        }
    }

    /// Applies one segment sent by `sender`.
    fn on_segment(&mut self, sender: Side, s: &SegmentFacts) {
        use TcpState as S;
        let receiver = other(sender);
        let (f, ts) = (s.frame, s.ts);
        let (syn, ack, fin, rst) = (
            s.flags & th::SYN != 0,
            s.flags & th::ACK != 0,
            s.flags & th::FIN != 0,
            s.flags & th::RST != 0,
        );
        let cur = |this: &Self, side: Side| this.current[side.index()];

        if rst {
            self.set(sender, S::Closed, StateEvent::SentRst, f, ts);
            // RFC 793: a passive open that is reset goes back to LISTEN.
            let back = if cur(self, receiver) == S::SynRcvd && receiver == Side::Server {
                S::Listen
            } else {
                S::Closed
            };
            self.set(receiver, back, StateEvent::RcvdRst, f, ts);
            return;
        }

        if syn {
            if ack {
                // SYN/ACK: the sender answered a SYN; the receiver is then open.
                if matches!(cur(self, sender), S::Listen | S::Closed) {
                    self.set(sender, S::SynRcvd, StateEvent::SentSynAck, f, ts);
                }
                if matches!(cur(self, receiver), S::SynSent | S::SynRcvd | S::Closed) {
                    self.set(receiver, S::Established, StateEvent::RcvdSynAck, f, ts);
                }
            } else {
                match (cur(self, sender), cur(self, receiver)) {
                    (S::SynRcvd, _) => {}
                    // Simultaneous open: both SYNs crossed; each side ends in SYN_RCVD.
                    (S::Listen, S::SynSent) => {
                        self.set(sender, S::SynRcvd, StateEvent::SentSyn, f, ts)
                    }
                    _ => self.set(sender, S::SynSent, StateEvent::SentSyn, f, ts),
                }
                match cur(self, receiver) {
                    S::SynSent => self.set(receiver, S::SynRcvd, StateEvent::RcvdSyn, f, ts),
                    S::Closed | S::Listen => {
                        self.set(receiver, S::Listen, StateEvent::RcvdSyn, f, ts)
                    }
                    _ => {}
                }
            }
            return;
        }

        // Not a SYN: a connection picked up mid-stream is established on both sides.
        if cur(self, sender) == S::Closed && cur(self, receiver) == S::Closed {
            self.set(sender, S::Established, StateEvent::MidStream, f, ts);
            self.set(receiver, S::Established, StateEvent::MidStream, f, ts);
        }

        if ack {
            // The handshake's third segment (or any ACK) completes the receiver's open,
            // and an established sender in SYN_RCVD (simultaneous open) too.
            if cur(self, sender) == S::SynRcvd {
                self.set(sender, S::Established, StateEvent::HandshakeAck, f, ts);
            }
            if cur(self, receiver) == S::SynRcvd {
                self.set(receiver, S::Established, StateEvent::HandshakeAck, f, ts);
            }
            // Does it acknowledge the receiver's FIN?
            if let Some(end) = self.fin_end[receiver.index()] {
                if ge_seq(s.ack, end) {
                    let to = match cur(self, receiver) {
                        S::FinWait1 => Some(S::FinWait2),
                        S::Closing => Some(S::TimeWait),
                        S::LastAck => Some(S::Closed),
                        _ => None,
                    };
                    if let Some(to) = to {
                        self.set(receiver, to, StateEvent::FinAcked, f, ts);
                    }
                }
            }
        }

        if fin {
            self.fin_end[sender.index()] = Some(s.seq.wrapping_add(s.seglen).wrapping_add(1));
            // A FIN that does not acknowledge the peer's FIN was sent before that
            // FIN arrived: a simultaneous close, even though the model already
            // delivered the peer's FIN (CLOSE_WAIT).
            let peer_fin_unacked =
                self.fin_end[receiver.index()].is_some_and(|end| !(ack && ge_seq(s.ack, end)));
            let to = match cur(self, sender) {
                S::Established | S::SynRcvd => Some(S::FinWait1),
                S::CloseWait if peer_fin_unacked => Some(S::Closing),
                S::CloseWait => Some(S::LastAck),
                _ => None,
            };
            if let Some(to) = to {
                self.set(sender, to, StateEvent::SentFin, f, ts);
            }
            // The receiver's reaction; a FIN that also acknowledges the receiver's
            // own FIN takes FIN_WAIT_1 straight to TIME_WAIT (handled above: the ACK
            // part moved it to FIN_WAIT_2 first).
            let to = match cur(self, receiver) {
                S::Established | S::SynRcvd => Some(S::CloseWait),
                S::FinWait1 => Some(S::Closing),
                S::FinWait2 => Some(S::TimeWait),
                _ => None,
            };
            if let Some(to) = to {
                self.set(receiver, to, StateEvent::RcvdFin, f, ts);
            }
        }
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    }
}

/// Everything wirelens tracks for a connection on top of Wireshark's analysis.
#[derive(Clone, Debug, Default)]
pub struct ConnTracking {
    /// The conversation direction index (0/1 of `Conversation::flows`) of the client.
    client_dir: Option<usize>,
    pub states: EndpointStates,
    pub timeline: Timeline,
    handshake: HandshakeMarks,
    /// Congestion-window estimate of each side as a sender, by [`Side::index`].
    /// Made at the first data segment: a handshake-only connection (a scan, a
    /// SYN flood) costs no more than its states and timeline.
    cwnd: Option<Box<[CwndEstimator; 2]>>,
}

/// Times of the handshake's segments, for the split RTT and "first data".
#[derive(Clone, Copy, Debug, Default)]
struct HandshakeMarks {
    syn: Option<Timestamp>,
    synack: Option<Timestamp>,
    ack: Option<Timestamp>,
    first_data: [bool; 2],
    fin: [bool; 2],
}

impl ConnTracking {
    /// The side that sent a segment of conversation direction `dir`.
    pub fn side_of(&self, dir: usize) -> Side {
        match self.client_dir {
            Some(c) if c == dir => Side::Client,
            Some(_) => Side::Server,
            None => Side::Client,
        }
    }

    /// Updates states with one segment of direction `dir`, and with
    /// `keep_history` the state history, handshake timeline and cwnd
    /// estimates too ([`super::Retention::tcp_history`]). `sack` holds the
    /// SACK blocks the segment carries (absolute).
    pub fn observe(
        &mut self,
        dir: usize,
        s: &SegmentFacts,
        ta: Option<&Acked>,
        sack: &[(u32, u32)],
        keep_history: bool,
    ) {
        if self.client_dir.is_none() {
            // A SYN/ACK seen first comes from the server.
            let synack = s.flags & (th::SYN | th::ACK) == th::SYN | th::ACK;
            self.client_dir = Some(if synack { 1 - dir } else { dir });
        }
        let side = self.side_of(dir);
        self.states.forget_history = !keep_history;
        self.states.on_segment(side, s);
        if !keep_history {
            return;
        }
        self.note_timeline(side, s);
        if self.cwnd.is_none() && s.seglen > 0 {
            self.cwnd = Some(Box::default());
        }
        if let Some(cwnd) = self.cwnd.as_deref_mut() {
            let flags = ta.map_or(0, |t| t.flags);
            cwnd[side.index()].on_send(s, flags);
            cwnd[other(side).index()].on_ack(s, ta, sack);
        }
    }

    fn note_timeline(&mut self, side: Side, s: &SegmentFacts) {
        let dir = match side {
            Side::Client => Direction::ClientToServer,
            Side::Server => Direction::ServerToClient,
        };
        let h = &mut self.handshake;
        let t = &mut self.timeline;
        let flags = s.flags;
        let syn_ack = flags & (th::SYN | th::ACK);
        if flags & th::RST != 0 {
            t.push(s.ts, s.frame, dir, "tcp.rst", "RST");
            return;
        }
        if syn_ack == th::SYN {
            h.syn = Some(s.ts);
            t.push(s.ts, s.frame, dir, "tcp.syn", "SYN");
        } else if syn_ack == th::SYN | th::ACK {
            h.synack = Some(s.ts);
            t.push(s.ts, s.frame, dir, "tcp.synack", "SYN, ACK");
        } else if h.synack.is_some() && h.ack.is_none() && syn_ack == th::ACK {
            h.ack = Some(s.ts);
            t.push(s.ts, s.frame, dir, "tcp.ack", "ACK");
        }
        if s.seglen > 0 && !h.first_data[side.index()] {
            h.first_data[side.index()] = true;
            t.push(
                s.ts,
                s.frame,
                dir,
                "tcp.first_data",
                format!("first data ({} bytes)", s.seglen),
            );
        }
        if flags & th::FIN != 0 && !h.fin[side.index()] {
            h.fin[side.index()] = true;
            t.push(s.ts, s.frame, dir, "tcp.fin", "FIN");
        }
    }

    /// The estimator of `side` as a sender (an empty one before any data).
    pub fn cwnd(&self, side: Side) -> &CwndEstimator {
        static NO_DATA: std::sync::LazyLock<CwndEstimator> =
            std::sync::LazyLock::new(CwndEstimator::default);
        self.cwnd.as_deref().map_or(&*NO_DATA, |c| &c[side.index()])
    }

    /// The handshake RTT split at the capture point.
    pub fn handshake_rtt(&self) -> HandshakeRtt {
        let h = &self.handshake;
        HandshakeRtt {
            server_side: h.syn.zip(h.synack).map(|(a, b)| b.since(a)),
            client_side: h.synack.zip(h.ack).map(|(a, b)| b.since(a)),
        }
    }
}

/// The per-connection results wirelens adds, for the flow table and the UIs.
impl Conversation {
    /// The current states of the client and the server.
    pub fn states(&self) -> &EndpointStates {
        &self.tracking.states
    }

    /// The handshake and teardown events.
    pub fn timeline(&self) -> &Timeline {
        &self.tracking.timeline
    }

    /// SYN→SYN/ACK and SYN/ACK→ACK as seen at the capture point.
    pub fn handshake_rtt(&self) -> HandshakeRtt {
        self.tracking.handshake_rtt()
    }

    /// The side that sent direction `dir` (0/1, as in `flows`).
    pub fn side_of(&self, dir: usize) -> Side {
        self.tracking.side_of(dir)
    }

    /// The estimator of `side` as a sender.
    pub fn cwnd(&self, side: Side) -> &CwndEstimator {
        self.tracking.cwnd(side)
    }

    /// Estimated congestion window of `side` as a sender: (time, bytes), one
    /// point per ACK. The pipe after each burst, except for a sender that
    /// behaves like BBR, whose window is modelled (see `CwndEstimator::bbr_cwnd_at`).
    pub fn cwnd_series(&self, side: Side) -> Vec<SeriesPoint> {
        let est = self.cwnd(side);
        if self.congestion_control(side).algorithm == super::cc::CcAlgorithm::Bbr {
            est.bbr_cwnd_series()
        } else {
            est.cwnd_series()
        }
    }

    /// Bytes in flight of `side` as a sender (SACK-aware pipe): (time, bytes).
    pub fn flight_series(&self, side: Side) -> &[SeriesPoint] {
        self.cwnd(side).flight_series()
    }

    /// The congestion-control phases `side` went through, with their causes.
    pub fn phases(&self, side: Side) -> &[PhaseChange] {
        self.cwnd(side).phases()
    }

    /// The phase `side` is in now.
    pub fn phase(&self, side: Side) -> Phase {
        self.cwnd(side).phase()
    }

    /// RTT samples of `side`'s data (time of the ACK, seconds).
    pub fn rtt_series(&self, side: Side) -> &[SeriesPoint] {
        self.cwnd(side).rtt_series()
    }

    /// Acknowledged bytes per second of `side`'s data, about one point per RTT.
    pub fn throughput_series(&self, side: Side) -> &[SeriesPoint] {
        self.cwnd(side).throughput_series()
    }

    /// Which congestion control `side` behaves like, as a sender.
    pub fn congestion_control(&self, side: Side) -> super::cc::CcGuess {
        super::cc::classify(self.cwnd(side))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState as S;

    fn seg(frame: u64, flags: u16, seq: u32, ack: u32, seglen: u32) -> SegmentFacts {
        SegmentFacts {
            frame,
            ts: Timestamp::new(frame as i64, 0),
            seq,
            ack,
            seglen,
            flags,
            window: 1000,
        }
    }

    const SA: u16 = th::SYN | th::ACK;
    const FA: u16 = th::FIN | th::ACK;

    fn run(segs: &[(Side, SegmentFacts)]) -> EndpointStates {
        let mut st = EndpointStates::default();
        for (side, s) in segs {
            st.on_segment(*side, s);
        }
        st
    }

    #[test]
    fn open_and_active_close_by_the_client() {
        use Side::*;
        let st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, SA, 500, 101, 0)),
            (Client, seg(3, th::ACK, 101, 501, 0)),
        ]);
        assert_eq!((st.client(), st.server()), (S::Established, S::Established));
        let kinds: Vec<_> = st.history().iter().map(|t| (t.side, t.to)).collect();
        assert_eq!(
            kinds,
            [
                (Client, S::SynSent),
                (Server, S::Listen),
                (Server, S::SynRcvd),
                (Client, S::Established),
                (Server, S::Established),
            ]
        );
        let mut st = st;
        st.on_segment(Client, &seg(4, FA, 101, 501, 0));
        assert_eq!((st.client(), st.server()), (S::FinWait1, S::CloseWait));
        st.on_segment(Server, &seg(5, th::ACK, 501, 102, 0));
        assert_eq!((st.client(), st.server()), (S::FinWait2, S::CloseWait));
        st.on_segment(Server, &seg(6, FA, 501, 102, 0));
        assert_eq!((st.client(), st.server()), (S::TimeWait, S::LastAck));
        st.on_segment(Client, &seg(7, th::ACK, 102, 502, 0));
        assert_eq!((st.client(), st.server()), (S::TimeWait, S::Closed));
        assert_eq!(st.history().last().map(|t| t.frame), Some(7));
    }

    #[test]
    fn fin_ack_that_acknowledges_a_fin_goes_to_time_wait() {
        use Side::*;
        let mut st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, SA, 500, 101, 0)),
            (Client, seg(3, th::ACK, 101, 501, 0)),
            (Client, seg(4, FA, 101, 501, 0)),
        ]);
        // The server's FIN acknowledges the client's FIN at once.
        st.on_segment(Server, &seg(5, FA, 501, 102, 0));
        assert_eq!((st.client(), st.server()), (S::TimeWait, S::LastAck));
    }

    #[test]
    fn simultaneous_close_goes_through_closing() {
        use Side::*;
        let mut st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, SA, 500, 101, 0)),
            (Client, seg(3, th::ACK, 101, 501, 0)),
            (Client, seg(4, FA, 101, 501, 0)),
        ]);
        // Sent before the client's FIN arrived: it does not acknowledge it.
        st.on_segment(Server, &seg(5, FA, 501, 101, 0));
        assert_eq!((st.client(), st.server()), (S::Closing, S::Closing));
        st.on_segment(Client, &seg(6, th::ACK, 102, 502, 0));
        st.on_segment(Server, &seg(7, th::ACK, 502, 102, 0));
        assert_eq!((st.client(), st.server()), (S::TimeWait, S::TimeWait));
    }

    #[test]
    fn simultaneous_open() {
        use Side::*;
        let st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, th::SYN, 500, 0, 0)),
        ]);
        assert_eq!((st.client(), st.server()), (S::SynRcvd, S::SynRcvd));
        let mut st = st;
        st.on_segment(Client, &seg(3, SA, 100, 501, 0));
        st.on_segment(Server, &seg(4, SA, 500, 101, 0));
        assert_eq!((st.client(), st.server()), (S::Established, S::Established));
    }

    #[test]
    fn reset_of_a_passive_open_returns_the_server_to_listen() {
        use Side::*;
        let st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, SA, 500, 101, 0)),
            (Client, seg(3, th::RST, 101, 0, 0)),
        ]);
        assert_eq!((st.client(), st.server()), (S::Closed, S::Listen));
        let st = run(&[
            (Client, seg(1, th::SYN, 100, 0, 0)),
            (Server, seg(2, th::RST | th::ACK, 0, 101, 0)),
        ]);
        assert_eq!((st.client(), st.server()), (S::Closed, S::Closed));
    }

    #[test]
    fn picked_up_mid_stream() {
        let st = run(&[(Side::Client, seg(9, th::ACK, 1000, 2000, 100))]);
        assert_eq!((st.client(), st.server()), (S::Established, S::Established));
        assert!(st
            .history()
            .iter()
            .all(|t| t.event == StateEvent::MidStream));
    }

    #[test]
    fn history_is_capped() {
        let mut st = EndpointStates::default();
        for i in 0..100u64 {
            st.on_segment(Side::Client, &seg(2 * i + 1, th::SYN, 1, 0, 0));
            st.on_segment(Side::Client, &seg(2 * i + 2, th::RST, 2, 0, 0));
        }
        assert_eq!(st.history().len(), MAX_TRANSITIONS);
        assert!(st.dropped() > 0);
    }

    /// Without history the states still move, and nothing else is kept.
    #[test]
    fn without_history_only_the_current_states_are_kept() {
        let mut t = ConnTracking::default();
        t.observe(0, &seg(1, th::SYN, 1, 0, 0), None, &[], false);
        t.observe(1, &seg(2, SA, 1, 2, 0), None, &[], false);
        t.observe(0, &seg(3, th::ACK, 2, 2, 100), None, &[], false);
        assert_eq!(t.states.client(), TcpState::Established);
        assert_eq!(t.states.server(), TcpState::Established);
        assert!(t.states.history().is_empty());
        assert!(t.cwnd.is_none());
    }

    /// A connection that never carried data stays small (SYN floods, scans).
    #[test]
    fn handshake_only_connections_stay_small() {
        let mut t = ConnTracking::default();
        t.observe(0, &seg(1, th::SYN, 1, 0, 0), None, &[], true);
        t.observe(1, &seg(2, SA, 1, 2, 0), None, &[], true);
        assert!(t.cwnd.is_none());
        assert_eq!(t.cwnd(Side::Client).cwnd_series(), []);
        assert!(std::mem::size_of::<ConnTracking>() < 512);
        t.observe(0, &seg(3, th::ACK, 2, 2, 100), None, &[], true);
        assert!(t.cwnd.is_some());
    }
}
