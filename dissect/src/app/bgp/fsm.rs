//! The BGP session of each TCP connection, as an observer sees it: the FSM
//! (RFC 4271 section 8) driven by the messages seen, as a timeline of events
//! with times; the OPENs and what they negotiate (4-octet AS, hold time,
//! ADD-PATH); keepalive intervals observed against the negotiated hold time;
//! and the routes each side learned (see [`super::rib`]).
//!
//! An observer only sees messages, so the states are inferred: OpenSent when
//! the first OPEN is seen, OpenConfirm when the second (the other side's) is,
//! Established when both sides have confirmed with a KEEPALIVE (or an UPDATE
//! flows), Idle on a NOTIFICATION or a TCP close. A capture that starts after
//! the OPENs starts the session in Established.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::flow::reassembly::{Budget, StreamHalf};
use crate::flow::timeline::{Direction, Timeline};
use crate::model::{Address, Duration, Timestamp};

use super::nlri::Prefix;
use super::notification::NotificationInfo;
use super::open::OpenInfo;
use super::rib::{self, AdjRibIn, Candidate, Decision, PathAttrs};
use super::update::{Negotiated, UpdateInfo, ADD_PATH_FAMILIES};

/// BGP sessions kept at once; past it the least recently active are forgotten.
pub const MAX_SESSIONS: usize = 4096;

/// The TCP port BGP listens on: the side connecting to it is the client.
const BGP_PORT: u16 = 179;

/// RFC 4271 section 8.2.2 states (Connect and Active are the TCP phase).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsmState {
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
}

impl FsmState {
    pub fn as_str(self) -> &'static str {
        match self {
            FsmState::Idle => "Idle",
            FsmState::Connect => "Connect",
            FsmState::Active => "Active",
            FsmState::OpenSent => "OpenSent",
            FsmState::OpenConfirm => "OpenConfirm",
            FsmState::Established => "Established",
        }
    }
}

/// Intervals between consecutive messages of one kind from one side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Intervals {
    last: Option<Timestamp>,
    pub count: u64,
    pub min: Option<Duration>,
    pub max: Option<Duration>,
    total_ns: i128,
}

impl Intervals {
    /// Records a message at `ts`; returns the gap since the previous one.
    fn note(&mut self, ts: Timestamp) -> Option<Duration> {
        let gap = self.last.map(|l| ts.since(l));
        self.last = Some(ts);
        if let Some(g) = gap {
            self.count += 1;
            self.total_ns += g.0;
            self.min = Some(self.min.map_or(g, |m| if g.0 < m.0 { g } else { m }));
            self.max = Some(self.max.map_or(g, |m| if g.0 > m.0 { g } else { m }));
        }
        gap
    }

    pub fn mean(&self) -> Option<Duration> {
        (self.count > 0).then(|| Duration(self.total_ns / self.count as i128))
    }
}

/// One BGP connection (one TCP stream). Arrays are indexed by TCP direction.
#[derive(Debug)]
pub struct Session {
    pub stream: u32,
    pub state: FsmState,
    pub timeline: Timeline,
    pub opens: [Option<OpenInfo>; 2],
    /// Source address of each direction's messages.
    pub addrs: [Address; 2],
    /// Which TCP direction connected to port 179.
    client_dir: usize,
    confirmed: [bool; 2],
    /// Any message, per sender: the hold timer restarts on each (RFC 4271 6.5).
    pub messages_gap: [Intervals; 2],
    pub keepalives: [Intervals; 2],
    pub messages: [u64; 2],
    /// `ribs[d]`: what the side receiving from direction `d` learned.
    pub ribs: [AdjRibIn; 2],
    pub notification: Option<(usize, NotificationInfo)>,
    pub last_frame: u64,
    /// Gaps longer than the negotiated hold time.
    pub hold_time_exceeded: u32,
    /// Each direction's byte stream being cut into messages.
    pub(super) halves: [StreamHalf; 2],
    /// Each direction's next expected sequence number, to see holes.
    pub(super) next_seq: [Option<u32>; 2],
    /// Each direction's stream is cut at message boundaries (a marker was found).
    pub(super) synced: [bool; 2],
}

impl Session {
    fn new(stream: u32, client_dir: usize) -> Self {
        Session {
            stream,
            state: FsmState::Idle,
            timeline: Timeline::new(),
            opens: [None, None],
            addrs: [Address::None, Address::None],
            client_dir,
            confirmed: [false; 2],
            messages_gap: [Intervals::default(); 2],
            keepalives: [Intervals::default(); 2],
            messages: [0; 2],
            ribs: [AdjRibIn::default(), AdjRibIn::default()],
            notification: None,
            last_frame: 0,
            hold_time_exceeded: 0,
            halves: [StreamHalf::default(), StreamHalf::default()],
            next_seq: [None, None],
            synced: [false; 2],
        }
    }

    /// The TCP direction of the side that connected (to port 179).
    pub fn client_dir(&self) -> usize {
        self.client_dir
    }

    /// The timeline direction of TCP direction `dir`.
    pub fn direction(&self, dir: usize) -> Direction {
        if dir == self.client_dir {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// The hold time in force: the smaller of the two OPENs' (RFC 4271 4.2).
    pub fn negotiated_hold_time(&self) -> Option<u16> {
        match &self.opens {
            [Some(a), Some(b)] => Some(a.hold_time.min(b.hold_time)),
            _ => None,
        }
    }

    /// Whether both OPENs advertised 4-octet AS support (`None`: not both seen).
    pub fn four_octet_as(&self) -> Option<bool> {
        match &self.opens {
            [Some(a), Some(b)] => Some(a.four_octet_as.is_some() && b.four_octet_as.is_some()),
            _ => None,
        }
    }

    /// How UPDATEs sent in direction `dir` are encoded.
    pub fn negotiated(&self, dir: usize) -> Negotiated {
        let mut add_path = [false; ADD_PATH_FAMILIES.len()];
        if let (Some(tx), Some(rx)) = (&self.opens[dir], &self.opens[1 - dir]) {
            for (on, (afi, safi)) in add_path.iter_mut().zip(ADD_PATH_FAMILIES) {
                *on = tx.add_path_send(afi, safi) && rx.add_path_receive(afi, safi);
            }
        }
        Negotiated {
            four_octet_as: self.four_octet_as(),
            add_path,
        }
    }

    fn push(&mut self, ts: Timestamp, frame: u64, dir: usize, kind: &'static str, label: String) {
        let d = self.direction(dir);
        self.timeline.push(ts, frame, d, kind, label);
    }

    fn enter(
        &mut self,
        state: FsmState,
        ts: Timestamp,
        frame: u64,
        dir: usize,
        kind: &'static str,
        why: &str,
    ) {
        let label = if self.state == state {
            format!("{}: {why}", state.as_str())
        } else {
            format!("{} → {}: {why}", self.state.as_str(), state.as_str())
        };
        self.state = state;
        self.push(ts, frame, dir, kind, label);
    }

    /// Notes any message from `dir`; returns the silence before it when it
    /// exceeded the negotiated hold time.
    pub fn message(&mut self, dir: usize, ts: Timestamp, frame: u64) -> Option<Duration> {
        self.messages[dir] += 1;
        self.last_frame = frame;
        let gap = self.messages_gap[dir].note(ts)?;
        let hold = self.negotiated_hold_time().filter(|h| *h > 0)?;
        if gap.0 > i128::from(hold) * 1_000_000_000 && self.state == FsmState::Established {
            self.hold_time_exceeded += 1;
            return Some(gap);
        }
        None
    }

    /// A first message that is not an OPEN: the OPENs were before the capture.
    fn catch_up(&mut self, ts: Timestamp, frame: u64, dir: usize) {
        if self.state == FsmState::Idle && self.timeline.is_empty() {
            self.enter(
                FsmState::Established,
                ts,
                frame,
                dir,
                "bgp.established",
                "capture starts mid-session",
            );
        }
    }

    pub fn on_open(&mut self, dir: usize, ts: Timestamp, frame: u64, info: OpenInfo) {
        let mut why = format!(
            "OPEN AS {} hold {} s id {}",
            info.asn(),
            info.hold_time,
            std::net::Ipv4Addr::from(info.identifier)
        );
        let had_other = self.opens[1 - dir].is_some();
        self.opens[dir] = Some(info);
        self.confirmed = [false; 2];
        if had_other && self.state == FsmState::OpenSent {
            let _ = write!(
                why,
                "; hold time {} s, 4-octet AS {}",
                self.negotiated_hold_time().unwrap_or(0),
                if self.four_octet_as() == Some(true) {
                    "yes"
                } else {
                    "no"
                }
            );
            self.enter(
                FsmState::OpenConfirm,
                ts,
                frame,
                dir,
                "bgp.open_confirm",
                &why,
            );
        } else {
            self.enter(FsmState::OpenSent, ts, frame, dir, "bgp.open_sent", &why);
        }
    }

    pub fn on_keepalive(&mut self, dir: usize, ts: Timestamp, frame: u64) {
        self.catch_up(ts, frame, dir);
        self.keepalives[dir].note(ts);
        if matches!(self.state, FsmState::OpenSent | FsmState::OpenConfirm) && !self.confirmed[dir]
        {
            self.confirmed[dir] = true;
            if self.confirmed[1 - dir] && self.state == FsmState::OpenConfirm {
                let hold = self.negotiated_hold_time().unwrap_or(0);
                let why = format!(
                    "KEEPALIVE from both sides (hold time {hold} s, keepalive expected every {} s)",
                    hold / 3
                );
                self.enter(
                    FsmState::Established,
                    ts,
                    frame,
                    dir,
                    "bgp.established",
                    &why,
                );
            } else {
                let label = "KEEPALIVE: OPEN accepted".to_string();
                self.push(ts, frame, dir, "bgp.keepalive", label);
            }
        }
    }

    /// An UPDATE sent in direction `dir`; with `keep_routes` false only the
    /// announce and withdraw counts change.
    pub fn on_update(
        &mut self,
        dir: usize,
        ts: Timestamp,
        frame: u64,
        u: UpdateInfo,
        keep_routes: bool,
    ) {
        self.catch_up(ts, frame, dir);
        if matches!(self.state, FsmState::OpenSent | FsmState::OpenConfirm) {
            // The sender only sends UPDATEs once Established: a KEEPALIVE was missed.
            self.enter(
                FsmState::Established,
                ts,
                frame,
                dir,
                "bgp.established",
                "UPDATE received",
            );
        }
        let rib = &mut self.ribs[dir];
        if !keep_routes {
            rib.announced += u.announced.len() as u64;
            rib.withdrawn += u.withdrawn.len() as u64;
            return;
        }
        for p in &u.withdrawn {
            rib.withdraw(*p, frame, ts);
        }
        if !u.announced.is_empty() {
            let attrs = Arc::new(u.attrs);
            for p in &u.announced {
                rib.announce(*p, &attrs, frame, ts);
            }
        }
    }

    pub fn on_notification(&mut self, dir: usize, ts: Timestamp, frame: u64, n: NotificationInfo) {
        let mut why = format!(
            "NOTIFICATION {}",
            super::names::notification_text(n.major, n.minor)
        );
        if let Some(c) = &n.communication {
            let _ = write!(why, " \"{c}\"");
        }
        self.enter(FsmState::Idle, ts, frame, dir, "bgp.notification", &why);
        self.notification = Some((dir, n));
        for r in &mut self.ribs {
            r.clear();
        }
    }

    pub fn on_route_refresh(&mut self, dir: usize, ts: Timestamp, frame: u64, subtype: u8) {
        self.catch_up(ts, frame, dir);
        let what = match subtype {
            0 => "ROUTE-REFRESH request",
            1 => "ROUTE-REFRESH: beginning of route refresh",
            2 => "ROUTE-REFRESH: end of route refresh",
            _ => "ROUTE-REFRESH",
        };
        self.push(ts, frame, dir, "bgp.route_refresh", what.to_string());
    }

    /// The session's FSM timeline with the TCP connection's own events around
    /// it (from the TCP tracking): the SYN as Connect/Active, and a FIN or RST
    /// after the last BGP event as the close to Idle.
    pub fn fsm_timeline(&self, tcp: Option<&Timeline>) -> Timeline {
        let mut events: Vec<crate::flow::timeline::TimelineEvent> = self.timeline.events().to_vec();
        let last_bgp = events.last().map(|e| e.frame).unwrap_or(0);
        if let Some(t) = tcp {
            for e in t.events() {
                let (kind, label) = match e.kind {
                    "tcp.syn" => ("bgp.connect", "Idle → Connect/Active: TCP SYN"),
                    "tcp.fin" if e.frame >= last_bgp && self.state != FsmState::Idle => {
                        ("bgp.tcp_close", "→ Idle: TCP FIN")
                    }
                    "tcp.rst" if e.frame >= last_bgp && self.state != FsmState::Idle => {
                        ("bgp.tcp_close", "→ Idle: TCP RST")
                    }
                    _ => continue,
                };
                let mut ev = e.clone();
                ev.kind = kind;
                ev.label = label.into();
                events.push(ev);
            }
        }
        events.sort_by_key(|e| e.frame);
        let mut out = Timeline::new();
        for e in events {
            out.push(e.ts, e.frame, e.dir, e.kind, e.label);
        }
        out
    }
}

/// One path of a prefix carried by several sessions, and where it came from.
#[derive(Clone, Debug)]
pub struct PathSource {
    pub stream: u32,
    /// TCP direction of the UPDATE that carried it.
    pub dir: usize,
    pub sender: Address,
    pub attrs: Arc<PathAttrs>,
}

/// The decision for a prefix that several sessions carry.
#[derive(Clone, Debug)]
pub struct PrefixDecision {
    pub prefix: Prefix,
    /// The speaker that received every path (its BGP identifier, or its
    /// address when its OPEN was not seen); `None` when the paths reached
    /// different speakers and are compared as if one router had them all.
    pub receiver: Option<String>,
    pub paths: Vec<PathSource>,
    pub decision: Decision,
}

/// Every BGP session of the capture, by `tcp.stream`.
#[derive(Debug)]
pub struct BgpTable {
    sessions: HashMap<u32, Session>,
    /// Bytes held by the sessions' stream reassembly, all together.
    pub(super) budget: Budget,
    /// Keep the routes each side learned ([`crate::flow::Retention::bgp_routes`]).
    pub keep_routes: bool,
}

impl Default for BgpTable {
    fn default() -> Self {
        BgpTable {
            sessions: HashMap::new(),
            budget: Budget::default(),
            keep_routes: true,
        }
    }
}

impl BgpTable {
    pub fn session(&self, stream: u32) -> Option<&Session> {
        self.sessions.get(&stream)
    }

    /// Sessions in `tcp.stream` order.
    pub fn sessions(&self) -> Vec<&Session> {
        let mut v: Vec<&Session> = self.sessions.values().collect();
        v.sort_by_key(|s| s.stream);
        v
    }

    /// The session of `stream`, created on its first message. `src_port` and
    /// `dst_port` of the segment say which direction is the client's.
    pub fn session_mut(
        &mut self,
        stream: u32,
        dir: usize,
        src_port: u16,
        dst_port: u16,
    ) -> &mut Session {
        if !self.sessions.contains_key(&stream) && self.sessions.len() >= MAX_SESSIONS {
            self.forget_least_recent();
        }
        self.sessions.entry(stream).or_insert_with(|| {
            let client_dir = if dst_port == BGP_PORT || src_port != BGP_PORT {
                dir
            } else {
                1 - dir
            };
            Session::new(stream, client_dir)
        })
    }

    /// Forgets the least recently active eighth of the sessions, releasing the
    /// bytes their reassembly held.
    fn forget_least_recent(&mut self) {
        let mut ages: Vec<(u64, u32)> = self
            .sessions
            .values()
            .map(|s| (s.last_frame, s.stream))
            .collect();
        ages.sort_unstable();
        for (_, stream) in ages.iter().take((ages.len() / 8).max(1)) {
            if let Some(mut s) = self.sessions.remove(stream) {
                for h in &mut s.halves {
                    h.bytes.release(&mut self.budget);
                }
            }
        }
    }

    /// For every prefix held by more than one Adj-RIB-In: per receiving
    /// speaker that learned it from several sessions, the path its decision
    /// process selects and the step that decided; for a prefix whose paths all
    /// reached different speakers, the same over every path of the capture.
    pub fn decisions(&self) -> Vec<PrefixDecision> {
        let mut by_prefix: std::collections::BTreeMap<Prefix, Vec<(&Session, usize)>> =
            Default::default();
        for s in self.sessions() {
            for dir in 0..2 {
                for p in s.ribs[dir].routes().keys() {
                    by_prefix.entry(*p).or_default().push((s, dir));
                }
            }
        }
        let mut out = Vec::new();
        for (prefix, holders) in by_prefix {
            if holders.len() < 2 {
                continue;
            }
            let mut by_receiver: std::collections::BTreeMap<String, Vec<(&Session, usize)>> =
                Default::default();
            for h in &holders {
                by_receiver.entry(receiver(h.0, h.1)).or_default().push(*h);
            }
            let mut any = false;
            for (who, group) in by_receiver {
                if group.len() >= 2 {
                    any = true;
                    out.extend(decide(prefix, Some(who), &group));
                }
            }
            if !any {
                out.extend(decide(prefix, None, &holders));
            }
        }
        out
    }
}

/// Who received what was sent in direction `dir` of `s`.
fn receiver(s: &Session, dir: usize) -> String {
    match &s.opens[1 - dir] {
        Some(o) => format!("BGP id {}", std::net::Ipv4Addr::from(o.identifier)),
        None => s.addrs[1 - dir].to_string(),
    }
}

fn decide(
    prefix: Prefix,
    receiver: Option<String>,
    holders: &[(&Session, usize)],
) -> Option<PrefixDecision> {
    let paths: Vec<PathSource> = holders
        .iter()
        .filter_map(|(s, dir)| {
            let r = s.ribs[*dir].routes().get(&prefix)?;
            Some(PathSource {
                stream: s.stream,
                dir: *dir,
                sender: s.addrs[*dir],
                attrs: Arc::clone(&r.attrs),
            })
        })
        .collect();
    let cands: Vec<Candidate<'_>> = holders
        .iter()
        .zip(&paths)
        .map(|((s, dir), p)| candidate(s, *dir, &p.attrs))
        .collect();
    let decision = rib::decide(&cands)?;
    Some(PrefixDecision {
        prefix,
        receiver,
        paths,
        decision,
    })
}

fn address_bytes(a: Address) -> [u8; 16] {
    let mut b = [0u8; 16];
    match a {
        Address::Ipv4(x) => b[12..].copy_from_slice(&x),
        Address::Ipv6(x) => b = x,
        _ => {}
    }
    b
}

/// The decision-process view of the path `attrs` sent in direction `dir`.
fn candidate<'a>(s: &Session, dir: usize, attrs: &'a PathAttrs) -> Candidate<'a> {
    let sender = s.opens[dir].as_ref();
    let receiver = s.opens[1 - dir].as_ref();
    let peer_as = sender
        .map(|o| o.asn())
        .or_else(|| attrs.as_path.neighbour_as())
        .unwrap_or(0);
    // Without the receiver's OPEN: an empty AS_PATH means iBGP (RFC 4271 5.1.2).
    let local_as = receiver
        .map(|o| o.asn())
        .unwrap_or(if attrs.as_path.is_empty() { peer_as } else { 0 });
    Candidate {
        attrs,
        peer_as,
        local_as,
        router_id: sender.map(|o| o.identifier).unwrap_or([0; 4]),
        peer_addr: address_bytes(s.addrs[dir]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::timeline::Direction::{ClientToServer as C2S, ServerToClient as S2C};

    fn open(asn: u16, id: u8, hold: u16) -> OpenInfo {
        OpenInfo {
            version: 4,
            my_as: asn,
            hold_time: hold,
            identifier: [10, 0, 0, id],
            ..OpenInfo::default()
        }
    }

    fn t(s: i64) -> Timestamp {
        Timestamp::new(s, 0)
    }

    #[test]
    fn a_session_closed_by_tcp_ends_idle_with_the_connect_and_close_around_it() {
        let mut table = BgpTable::default();
        // Direction 1 connects to port 179.
        let s = table.session_mut(7, 1, 40000, 179);
        s.on_open(1, t(2), 4, open(65001, 1, 180));
        s.on_open(0, t(2), 5, open(65002, 2, 90));
        assert_eq!(s.negotiated_hold_time(), Some(90));
        assert_eq!(s.four_octet_as(), Some(false));
        s.on_keepalive(0, t(3), 6);
        s.on_keepalive(1, t(3), 7);
        assert_eq!(s.state, FsmState::Established);
        s.on_keepalive(1, t(33), 9);
        assert_eq!(s.keepalives[1].max, Some(Duration(30_000_000_000)));

        let mut tcp = Timeline::new();
        tcp.push(t(1), 1, C2S, "tcp.syn", "SYN");
        tcp.push(t(1), 2, S2C, "tcp.synack", "SYN, ACK");
        tcp.push(t(40), 12, S2C, "tcp.fin", "FIN");
        let events: Vec<(u64, Direction, &str)> = s
            .fsm_timeline(Some(&tcp))
            .events()
            .iter()
            .map(|e| (e.frame, e.dir, e.kind))
            .collect();
        assert_eq!(
            events,
            [
                (1, C2S, "bgp.connect"),
                (4, C2S, "bgp.open_sent"),
                (5, S2C, "bgp.open_confirm"),
                (6, S2C, "bgp.keepalive"),
                (7, C2S, "bgp.established"),
                (12, S2C, "bgp.tcp_close"),
            ]
        );
    }

    #[test]
    fn hold_time_overruns_are_counted_once_established() {
        let mut table = BgpTable::default();
        let s = table.session_mut(1, 0, 40000, 179);
        assert!(s.message(0, t(0), 1).is_none());
        s.on_open(0, t(0), 1, open(1, 1, 9));
        assert!(s.message(1, t(1), 2).is_none());
        s.on_open(1, t(1), 2, open(1, 2, 30));
        for (dir, at, frame) in [(0, 2, 3), (1, 2, 4)] {
            assert!(s.message(dir, t(at), frame).is_none());
            s.on_keepalive(dir, t(at), frame);
        }
        assert_eq!(s.state, FsmState::Established);
        // The negotiated hold time is 9 s: 10 s of silence is too long.
        assert_eq!(s.message(0, t(12), 5), Some(Duration(10_000_000_000)));
        assert!(s.message(0, t(20), 6).is_none());
        assert_eq!(s.hold_time_exceeded, 1);
    }
}
