//! Building a connection's view data off the UI thread.
//!
//! The session keeps lean dissection state (no per-connection history), so
//! the view finds the stream's packets in the session's index and dissects
//! only those again, in capture order, through a fresh dissector with full
//! retention. What the `flows` command reports for the connection then comes
//! out of that dissector's state: the same accessors, the same numbers.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration as StdDuration;

use wirelens_capture::session::filter::FilterControl;
use wirelens_capture::session::index::NOT_INTERNED;
use wirelens_capture::session::Session;
use wirelens_capture::{FileFormat, Frame, Interface, ReadError};
use wirelens_dissect::filter::Filter;
use wirelens_dissect::flow::conntrack::FlowRecord;
use wirelens_dissect::flow::cwnd::SeriesPoint;
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::{Side, StateEvent, TcpState};
use wirelens_dissect::flow::timeline::{Direction, Timeline};
use wirelens_dissect::flow::{Retention, State};
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Packet, Timestamp};

use super::segment::{Read, SegmentReader, Source, TcpFacts};
use crate::commands::flows;

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

/// Everything the TCP view shows of one connection, built by [`build`].
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

/// Builds the view data of TCP stream `stream` (tshark's `tcp.stream`).
/// Checks `cancel` between packets; a cancelled build returns an error.
pub fn build(session: &Session, stream: u64, cancel: &AtomicBool) -> Result<TcpViewData, String> {
    let candidates = candidates(session, stream, cancel)?;
    build_from(session, stream, &candidates, cancel)
}

/// Packets to dissect again: all of the stream's, perhaps with those of
/// other connections on the same addresses and ports, and one packet
/// known to be the stream's.
#[derive(Debug, PartialEq)]
struct Candidates {
    /// (packet number, file offset), in capture order.
    frames: Vec<(u64, u64)>,
    anchor: u64,
}

fn build_from(
    session: &Session,
    stream: u64,
    candidates: &Candidates,
    cancel: &AtomicBool,
) -> Result<TcpViewData, String> {
    let origin = session.entry(1).map(|e| e.ts()).unwrap_or_default();
    let mut dissector = dissector_for(session);
    let fast = dissect_frames(
        session,
        candidates,
        &mut dissector,
        Pass::Fast,
        origin,
        cancel,
    )?;
    let seen = match fast {
        Some(seen) => seen,
        None => {
            // Some header was only in reassembled fragments: start again with trees.
            dissector = dissector_for(session);
            dissect_frames(
                session,
                candidates,
                &mut dissector,
                Pass::Tree,
                origin,
                cancel,
            )?
            .ok_or_else(|| format!("TCP stream {stream}: its segments could not be read"))?
        }
    };
    // The fresh dissector numbers streams its own way: ours is the anchor's.
    let local = seen
        .iter()
        .find(|p| p.frame == candidates.anchor)
        .and_then(|p| p.tcp.map(|t| t.stream))
        .ok_or_else(|| format!("TCP stream {stream} has no packets"))?;
    let ours: Vec<Seen> = seen
        .into_iter()
        .filter(|p| p.tcp.is_some_and(|t| t.stream == local))
        .collect();
    extract(dissector.state(), stream, local, &ours, origin)
}

/// A fresh dissector with the session's preferences (key logs included)
/// and full retention.
fn dissector_for(session: &Session) -> Dissector {
    let mut prefs = session.config().prefs.clone();
    prefs.retention = Retention::FULL;
    Dissector::new(prefs)
}

/// The stream's packets from the index when the loader's flow table still
/// has a record of the stream (each index entry names its record);
/// otherwise by running `tcp.stream == N` over the session.
fn candidates(session: &Session, stream: u64, cancel: &AtomicBool) -> Result<Candidates, String> {
    if let Some(c) = candidates_from_index(session, stream) {
        return Ok(c);
    }
    let numbers = frames_from_filter(session, stream, cancel)?;
    let anchor = numbers.first().copied().unwrap_or(0);
    let frames = numbers
        .into_iter()
        .filter_map(|n| Some((n, session.entry(n)?.offset)))
        .collect();
    let hosts = session
        .entry(anchor)
        .and_then(|e| session.with_analysis(|a| a.addrs.get(e.addrs).map(|x| (x.src, x.dst))));
    Ok(Candidates { frames, anchor }.with_fragments(session, hosts))
}

impl Candidates {
    /// Adds the packets between the two hosts that belong to no flow (IP
    /// fragments: a segment reassembled from them needs them dissected
    /// first), up to the last candidate.
    fn with_fragments(mut self, session: &Session, hosts: Option<(Address, Address)>) -> Self {
        let Some((a, b)) = hosts else {
            return self;
        };
        let between: HashSet<u32> = session
            .with_analysis(|an| an.addrs.snapshot())
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                x.src_port.is_none() && ((x.src, x.dst) == (a, b) || (x.src, x.dst) == (b, a))
            })
            .filter_map(|(id, _)| u32::try_from(id).ok())
            .collect();
        let Some(&(last, _)) = self.frames.last() else {
            return self;
        };
        if between.is_empty() {
            return self;
        }
        let index = session.snapshot();
        let fragments = index
            .range(1, last)
            .filter(|(_, e)| e.stream == 0 && between.contains(&e.addrs))
            .map(|(n, e)| (n, e.offset));
        self.frames.extend(fragments);
        self.frames.sort_unstable();
        self.frames.dedup();
        self
    }
}

fn candidates_from_index(session: &Session, stream: u64) -> Option<Candidates> {
    let stream = u32::try_from(stream).ok()?;
    let (records, hosts, complete) = session.with_analysis(|a| {
        let table = &a.state().flows;
        let mine: Vec<_> = table
            .all()
            .into_iter()
            .filter(|f| f.tcp_stream == Some(stream))
            .collect();
        let records = mine
            .iter()
            .map(|f| Some((u32::try_from(f.first_frame).ok()?, f.last_frame)))
            .collect::<Option<Vec<Record>>>();
        let hosts = mine.first().map(|f| (f.orig.addr, f.resp.addr));
        (records, hosts, table.dropped == 0)
    });
    let records = records?;
    let found = if complete {
        by_records(session, &records)
    } else {
        by_addresses(session, &records)
    };
    Some(found?.with_fragments(session, hosts))
}

/// A flow record of the stream: its first packet (the id index entries
/// carry) and its last one so far.
type Record = (u32, u64);

/// Every record of the stream is known: its packets are their packets,
/// found between the first record's first packet and the last one's last.
fn by_records(session: &Session, records: &[Record]) -> Option<Candidates> {
    let anchor = u64::from(records.iter().map(|r| r.0).min()?);
    let last = records.iter().map(|r| r.1).max()?;
    let ids: Vec<u32> = records.iter().map(|r| r.0).collect();
    let frames = session
        .snapshot()
        .range(anchor, last.saturating_sub(anchor) + 1)
        .filter(|(_, e)| ids.contains(&e.stream))
        .map(|(n, e)| (n, e.offset))
        .collect();
    Some(Candidates { frames, anchor })
}

/// Some records were dropped (the table keeps a bounded number of ended
/// flows), and a connection evicted from a full table or idle past its
/// timeout continues under a new record: the stream's first packets may
/// be under a forgotten one. They have the addresses and ports of the
/// known packets, so every packet with those is a candidate and the
/// dissection tells the streams apart.
fn by_addresses(session: &Session, records: &[Record]) -> Option<Candidates> {
    let anchor = u64::from(records.iter().map(|r| r.0).min()?);
    let last = records.iter().map(|r| r.1).max()?;
    let ids: Vec<u32> = records.iter().map(|r| r.0).collect();
    let index = session.snapshot();
    let addrs: HashSet<u32> = index
        .range(anchor, last.saturating_sub(anchor) + 1)
        .filter(|(_, e)| ids.contains(&e.stream))
        .map(|(_, e)| e.addrs)
        .collect();
    if addrs.contains(&NOT_INTERNED) {
        return None;
    }
    let frames = index
        .range(1, last)
        .filter(|(_, e)| addrs.contains(&e.addrs))
        .map(|(n, e)| (n, e.offset))
        .collect();
    Some(Candidates { frames, anchor })
}

fn frames_from_filter(
    session: &Session,
    stream: u64,
    cancel: &AtomicBool,
) -> Result<Vec<u64>, String> {
    let text = format!("tcp.stream == {stream}");
    let filter = Filter::compile(&text).map_err(|e| e.render(&text))?;
    let control = FilterControl::default();
    let outcome = thread::scope(|scope| {
        let run = scope.spawn(|| session.filter(&filter, &control));
        // The filter has its own cancel flag: pass ours on while it runs.
        while !run.is_finished() {
            if cancel.load(Ordering::Relaxed) {
                control.cancel.store(true, Ordering::Relaxed);
            }
            thread::sleep(StdDuration::from_millis(10));
        }
        run.join()
    })
    .map_err(|_| "the stream's packets could not be collected".to_string())?;
    if outcome.cancelled || cancel.load(Ordering::Relaxed) {
        return Err("cancelled".into());
    }
    Ok(outcome.matches)
}

/// One packet as the second dissection saw it.
#[derive(Clone, Copy, Debug)]
struct Seen {
    frame: u64,
    time: Secs,
    tcp: Option<TcpFacts>,
}

/// How the candidates are dissected again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// Without trees: segments read from the state and the header bytes.
    Fast,
    /// With trees: segments read from the fields.
    Tree,
}

/// Dissects the candidates again, in capture order. `None` when a fast
/// pass met a segment that needs the tree. A pcap record is read at its
/// offset; pcapng blocks need the blocks before them, so there the file is
/// walked to each.
fn dissect_frames(
    session: &Session,
    candidates: &Candidates,
    dissector: &mut Dissector,
    pass: Pass,
    origin: Timestamp,
    cancel: &AtomicBool,
) -> Result<Option<Vec<Seen>>, String> {
    let frames = &candidates.frames;
    let file = session.file();
    let relative = session.config().prefs.tcp_relative_seq;
    let mut pkt = Packet::new(pass == Pass::Tree);
    let mut segments = SegmentReader::default();
    let mut out = Vec::with_capacity(frames.len());
    let mut needs_tree = false;
    let mut see = |frame: &Frame<'_>, interfaces: &[Interface], pcapng: bool| {
        let meta = frame.meta(interfaces, pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let tcp = match segments.read(&pkt, frame.data, dissector.state(), relative) {
            Read::Segment(t) => Some(t),
            Read::NoSegment => None,
            Read::NeedsTree => {
                needs_tree = true;
                None
            }
        };
        out.push(Seen {
            frame: frame.number,
            time: rel_secs(frame.ts, origin),
            tcp,
        });
        !needs_tree
    };
    let read_error = |e: ReadError| format!("reading the capture: {e}");
    if matches!(file.format(), FileFormat::Pcap { .. }) {
        for &(number, offset) in frames {
            if cancel.load(Ordering::Relaxed) {
                return Err("cancelled".into());
            }
            let Some(frame) = file.pcap_frame_at(offset, number) else {
                break;
            };
            if !see(&frame.map_err(read_error)?, &[], false) {
                return Ok(None);
            }
        }
        return Ok(Some(out));
    }
    let mut packets = file.packets();
    let mut wanted = frames.iter().map(|f| f.0).peekable();
    while let Some(&next) = wanted.peek() {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        let frame = match packets.next() {
            Some(Ok(f)) => f,
            Some(Err(e)) => return Err(read_error(e)),
            None => break,
        };
        if frame.number < next {
            continue;
        }
        wanted.next();
        if !see(&frame, packets.interfaces(), true) {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

fn rel_secs(ts: Timestamp, origin: Timestamp) -> Secs {
    (ts.as_nanos() - origin.as_nanos()) as f64 / 1e9
}

/// The stream's segments split by sender: `[0]` those from the source of
/// its first segment, `[1]` the others, each with its sequence numbers
/// unwrapped to 64 bits.
fn split_by_sender(ours: &[Seen]) -> (Option<Source>, [Vec<Segment>; 2]) {
    let mut first_source = None;
    let mut by_dir: [Vec<Segment>; 2] = Default::default();
    let mut last_seq: [Option<u64>; 2] = [None; 2];
    for p in ours {
        let Some(t) = p.tcp else {
            continue;
        };
        let first = *first_source.get_or_insert(t.source);
        let dir = usize::from(first != t.source);
        let seq = unwrap_seq(last_seq[dir], t.seq);
        last_seq[dir] = Some(seq);
        by_dir[dir].push(Segment {
            time: p.time,
            frame: p.frame,
            seq,
            len: t.len,
            retransmission: t.retransmission,
        });
    }
    (first_source, by_dir)
}

/// The 64-bit sequence number nearest `last` whose low 32 bits are `raw`.
fn unwrap_seq(last: Option<u64>, raw: u32) -> u64 {
    let Some(last) = last else {
        return u64::from(raw);
    };
    let base = last & !0xffff_ffff;
    [
        base.checked_sub(1 << 32),
        Some(base),
        base.checked_add(1 << 32),
    ]
    .into_iter()
    .flatten()
    .map(|b| b | u64::from(raw))
    .min_by_key(|c| c.abs_diff(last))
    .unwrap_or(u64::from(raw))
}

/// Reads the connection out of the dissector state its packets went through.
fn extract(
    state: &State,
    stream: u64,
    local: u32,
    ours: &[Seen],
    origin: Timestamp,
) -> Result<TcpViewData, String> {
    // The stream's first record in the fresh table (a later one exists only
    // if the connection idled past its timeout).
    let flow = state
        .flows
        .all()
        .into_iter()
        .find(|f| f.tcp_stream == Some(local))
        .ok_or_else(|| format!("TCP stream {stream}: no flow record for its packets"))?;
    let conv = state
        .tcp
        .conversations()
        .find(|c| c.stream == local)
        .ok_or_else(|| format!("TCP stream {stream}: its connection was not tracked"))?;
    let secs = |ts: Timestamp| rel_secs(ts, origin);
    let origin_secs = origin.as_secs_f64();
    let (client_ep, server_ep) = match conv.side_of(flow.orig_dir()) {
        Side::Client => (&flow.orig, &flow.resp),
        Side::Server => (&flow.resp, &flow.orig),
    };
    let (first_source, [from_first, from_other]) = split_by_sender(ours);
    let (client_segs, server_segs) = if first_source == Some((client_ep.addr, client_ep.port)) {
        (from_first, from_other)
    } else {
        (from_other, from_first)
    };
    let first = ours.iter().map(|p| p.time).fold(f64::INFINITY, f64::min);
    let last = ours
        .iter()
        .map(|p| p.time)
        .fold(f64::NEG_INFINITY, f64::max);
    Ok(TcpViewData {
        stream,
        uid: flows::uid(flow),
        client: endpoint(client_ep),
        server: endpoint(server_ep),
        frames: ours.iter().map(|p| p.frame).collect(),
        first,
        last,
        events: events(state, conv, &secs),
        states: conv
            .states()
            .history()
            .iter()
            .map(|t| StateChange {
                time: secs(t.ts),
                frame: t.frame,
                side: t.side,
                from: t.from,
                to: t.to,
                event: t.event,
            })
            .collect(),
        final_states: conv.states().current,
        senders: [
            sender(conv, flow, Side::Client, client_segs, &secs, origin_secs),
            sender(conv, flow, Side::Server, server_segs, &secs, origin_secs),
        ],
        handshake_rtt: conv.handshake_rtt().total().map(|d| d.as_secs_f64()),
        ack_rtt: flow
            .tcp
            .as_ref()
            .and_then(|t| flows::rtt_stats(&t.sides[0], &t.sides[1])),
    })
}

fn endpoint(ep: &wirelens_dissect::flow::Endpoint) -> String {
    match ep.addr {
        Address::Ipv6(_) => format!("[{}]:{}", ep.addr, ep.port),
        _ => format!("{}:{}", ep.addr, ep.port),
    }
}

/// One endpoint as a sender. The series are those `wirelens flows` reports:
/// `cwnd` and `throughput` from the connection tracking, `bytes_in_flight`
/// and `rtt` from the flow's per-side analysis summary (Wireshark's
/// `tcp.analysis.bytes_in_flight` and ACK RTT of this side's data).
fn sender(
    conv: &Conversation,
    flow: &FlowRecord,
    side: Side,
    segments: Vec<Segment>,
    secs: &dyn Fn(Timestamp) -> Secs,
    origin: Secs,
) -> Sender {
    let tracked = |points: &[SeriesPoint]| -> Vec<(Secs, f64)> {
        points.iter().map(|p| (secs(p.ts), p.value)).collect()
    };
    let summarised = |points: &[(f64, f64)]| -> Vec<(Secs, f64)> {
        points.iter().map(|&(t, v)| (t - origin, v)).collect()
    };
    // The flow's sides are indexed orig, resp.
    let orig_is_client = conv.side_of(flow.orig_dir()) == Side::Client;
    let summary_index = usize::from((side == Side::Client) != orig_is_client);
    let summary = flow.tcp.as_ref().map(|t| &t.sides[summary_index]);
    Sender {
        segments,
        bytes_in_flight: summary.map_or_else(Vec::new, |s| summarised(&s.bytes_in_flight.points)),
        cwnd: tracked(&conv.cwnd_series(side)),
        rtt: summary.map_or_else(Vec::new, |s| summarised(&s.rtt.points)),
        throughput: tracked(conv.throughput_series(side)),
        losses: conv
            .cwnd(side)
            .losses()
            .iter()
            .map(|l| Loss {
                time: secs(l.ts),
                frame: l.frame,
                timeout: l.timeout,
                window: l.w_max,
            })
            .collect(),
        phase: conv.phase(side).as_str(),
        congestion_control: conv.congestion_control(side).algorithm.as_str(),
    }
}

/// The TCP handshake and teardown with the application handshakes on the
/// same connection, merged in capture order (TCP first within a packet).
fn events(state: &State, conv: &Conversation, secs: &dyn Fn(Timestamp) -> Secs) -> Vec<Event> {
    let stream = conv.stream;
    let rtt = conv.handshake_rtt();
    let mut out: Vec<Event> = Vec::new();
    let mut add = |source: EventSource, timeline: &Timeline| {
        out.extend(timeline.events().iter().map(|e| Event {
            time: secs(e.ts),
            frame: e.frame,
            dir: e.dir,
            source,
            kind: e.kind,
            label: e.label.to_string(),
            rtt: match (source, e.kind) {
                (EventSource::Tcp, "tcp.synack") => rtt.server_side.map(|d| d.as_secs_f64()),
                (EventSource::Tcp, "tcp.ack") => rtt.client_side.map(|d| d.as_secs_f64()),
                _ => None,
            },
        }));
    };
    add(EventSource::Tcp, conv.timeline());
    if let Some(tls) = state.tls.get(stream) {
        add(EventSource::Tls, &tls.timeline);
    }
    if let Some(ssh) = state.ssh.get(stream) {
        add(EventSource::Ssh, &ssh.timeline);
    }
    if let Some(h2) = state.http.http2(stream) {
        add(EventSource::Http2, &h2.timeline);
    }
    if let Some(bgp) = state.bgp.session(stream) {
        // Without the TCP timeline: the TCP events are drawn as themselves.
        add(EventSource::Bgp, &bgp.fsm_timeline(None));
    }
    // Stable: within a frame, TCP's events stay before the application's.
    out.sort_by_key(|e| e.frame);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use wirelens_capture::session::Config;

    #[test]
    fn the_filter_path_stops_when_cancelled() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/captures/tls/tls_nss_tls12_tls13.pcap");
        let session = Session::open(&path, Config::default()).expect("open");
        session.wait();
        let err = frames_from_filter(&session, 0, &AtomicBool::new(true)).expect_err("cancelled");
        assert_eq!(err, "cancelled");
        let frames = frames_from_filter(&session, 0, &AtomicBool::new(false)).expect("frames");
        assert!(!frames.is_empty());
    }

    #[test]
    fn sequence_numbers_unwrap_past_four_gigabytes() {
        assert_eq!(unwrap_seq(None, 5), 5);
        assert_eq!(unwrap_seq(Some(0xffff_fff0), 0x10), 0x1_0000_0010);
        // A retransmission from just before the wrap stays below it.
        assert_eq!(unwrap_seq(Some(0x1_0000_0010), 0xffff_fff0), 0xffff_fff0);
        assert_eq!(unwrap_seq(Some(0x2_0000_0000), 7), 0x2_0000_0007);
        assert_eq!(unwrap_seq(Some(3), 0xffff_ffff), 0xffff_ffff);
    }

    /// The index path and the filter path find the same packets for every
    /// stream of a few corpus captures.
    #[test]
    fn index_and_filter_agree_on_a_streams_packets() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
        assert!(
            corpus.join("MANIFEST.md").is_file(),
            "the shared capture corpus is missing: expected {}",
            corpus.display()
        );
        for rel in [
            "tls/tls_nss_tls12_tls13.pcap",
            "http2/h2c_doh_post_goaway.pcap",
            "tcp/tcp_out_of_order_sack.pcap",
            "mixed/wikipedia_dns_http.pcap",
            "mixed/icmp_and_ssh.pcap",
            "mixed/var_services_std_ports.pcap",
        ] {
            let path = corpus.join(rel);
            let session = Session::open(&path, Config::default()).expect("open");
            session.wait();
            let streams = session.with_analysis(|a| a.state().tcp.len() as u64);
            assert!(streams > 0, "{rel}");
            let no = AtomicBool::new(false);
            for n in 0..streams {
                let by_filter = frames_from_filter(&session, n, &no).expect("filter");
                assert!(!by_filter.is_empty());
                let records = session.with_analysis(|a| {
                    a.state()
                        .flows
                        .all()
                        .into_iter()
                        .filter(|f| f.tcp_stream == Some(n as u32))
                        .map(|f| (f.first_frame as u32, f.last_frame))
                        .collect::<Vec<Record>>()
                });
                // Both index paths, then the dissection that sorts out the candidates.
                let numbers = |c: &Candidates| c.frames.iter().map(|f| f.0).collect::<Vec<_>>();
                let exact = by_records(&session, &records).expect("records");
                assert_eq!(numbers(&exact), by_filter, "{rel} stream {n}");
                let wide = by_addresses(&session, &records).expect("addresses");
                assert!(by_filter.iter().all(|f| numbers(&wide).contains(f)));
                assert_eq!(wide.anchor, by_filter[0]);
                for c in [exact, wide] {
                    let data = build_from(&session, n, &c, &no).expect("build");
                    assert_eq!(data.frames(), by_filter, "{rel} stream {n}");
                }
            }
        }
    }
}
