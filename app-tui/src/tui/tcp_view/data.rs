//! Building a connection's view data off the UI thread.
//!
//! The session keeps lean dissection state (no per-connection history), so
//! the view finds the stream's packets in the session's index and dissects
//! only those again, in capture order, through a fresh dissector with full
//! retention. What the `flows` command reports for the connection then comes
//! out of that dissector's state: the same accessors, the same numbers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration as StdDuration;

use wirelens_capture::session::filter::FilterControl;
use wirelens_capture::session::Session;
use wirelens_capture::FileFormat;
use wirelens_dissect::filter::Filter;
use wirelens_dissect::flow::conntrack::FlowRecord;
use wirelens_dissect::flow::cwnd::SeriesPoint;
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::{Side, StateEvent, TcpState};
use wirelens_dissect::flow::timeline::{Direction, Timeline};
use wirelens_dissect::flow::{Retention, State};
use wirelens_dissect::model::field::Value;
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Packet, Timestamp};

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
    let frames = stream_frames(session, stream, cancel)?;
    if frames.is_empty() {
        return Err(format!("TCP stream {stream} has no packets"));
    }
    let origin = session.entry(1).map(|e| e.ts()).unwrap_or_default();
    let mut dissector = dissector_for(session);
    let segments = dissect_frames(session, &frames, &mut dissector, origin, cancel)?;
    extract(dissector.state(), stream, frames, segments, origin)
}

/// A fresh dissector with the session's preferences (key logs included)
/// and full retention.
fn dissector_for(session: &Session) -> Dissector {
    let mut prefs = session.config().prefs.clone();
    prefs.retention = Retention::FULL;
    Dissector::new(prefs)
}

/// The stream's frame numbers. From the index when the loader's flow table
/// still knows every flow record of the stream (each index entry names its
/// flow); otherwise by running `tcp.stream == N` over the session.
fn stream_frames(session: &Session, stream: u64, cancel: &AtomicBool) -> Result<Vec<u64>, String> {
    if let Some(frames) = frames_from_index(session, stream) {
        return Ok(frames);
    }
    frames_from_filter(session, stream, cancel)
}

fn frames_from_index(session: &Session, stream: u64) -> Option<Vec<u64>> {
    let stream = u32::try_from(stream).ok()?;
    let flows: Vec<u32> = session.with_analysis(|a| {
        let table = &a.state().flows;
        if table.dropped > 0 {
            // A retired record of this stream may be among the dropped ones.
            return None;
        }
        table
            .all()
            .into_iter()
            .filter(|f| f.tcp_stream == Some(stream))
            .map(|f| u32::try_from(f.first_frame).ok())
            .collect::<Option<Vec<u32>>>()
    })?;
    if flows.is_empty() {
        return None;
    }
    let frames = session
        .snapshot()
        .iter()
        .filter(|(_, e)| flows.contains(&e.stream))
        .map(|(n, _)| n)
        .collect();
    Some(frames)
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

/// Dissects `frames` (sorted) again, in order, collecting each packet's TCP segment.
fn dissect_frames(
    session: &Session,
    frames: &[u64],
    dissector: &mut Dissector,
    origin: Timestamp,
    cancel: &AtomicBool,
) -> Result<Segments, String> {
    let file = session.file();
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut packets = file.packets();
    let mut pkt = Packet::new(true);
    let mut out = Segments::default();
    let mut wanted = frames.iter().copied().peekable();
    while let Some(&next) = wanted.peek() {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        let frame = match packets.next() {
            Some(Ok(f)) => f,
            Some(Err(e)) => return Err(format!("reading the capture: {e}")),
            None => break,
        };
        if frame.number < next {
            continue;
        }
        wanted.next();
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let time = rel_secs(frame.ts, origin);
        out.span = Some(match out.span {
            Some((a, b)) => (a.min(time), b.max(time)),
            None => (time, time),
        });
        out.add(&pkt, frame.number, time);
    }
    Ok(out)
}

fn rel_secs(ts: Timestamp, origin: Timestamp) -> Secs {
    (ts.as_nanos() - origin.as_nanos()) as f64 / 1e9
}

/// Where a segment came from: address and port.
type Source = (Address, u16);

/// The stream's segments split by sender, before it is known which sender
/// is the client: `by_dir[0]` holds those sent from `first_source`, the
/// source of the stream's first segment.
#[derive(Default)]
struct Segments {
    first_source: Option<Source>,
    by_dir: [Vec<Segment>; 2],
    /// Last unwrapped sequence number per direction.
    last_seq: [Option<u64>; 2],
    /// Earliest and latest packet time.
    span: Option<(Secs, Secs)>,
}

impl Segments {
    fn add(&mut self, pkt: &Packet, frame: u64, time: Secs) {
        let Some((raw_seq, len, retransmission)) = tcp_segment(pkt) else {
            return;
        };
        let Some(port) = pkt.summary.src_port else {
            return;
        };
        let source = (pkt.summary.src, port);
        let first = *self.first_source.get_or_insert(source);
        let dir = usize::from(first != source);
        let seq = unwrap_seq(self.last_seq[dir], raw_seq);
        self.last_seq[dir] = Some(seq);
        self.by_dir[dir].push(Segment {
            time,
            frame,
            seq,
            len,
            retransmission,
        });
    }
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

/// The packet's own TCP header facts (not those of a header quoted in an
/// ICMP error): relative sequence number, payload length, and whether
/// Wireshark's analysis calls it a retransmission (plain, fast or spurious).
fn tcp_segment(pkt: &Packet) -> Option<(u32, u32, bool)> {
    if pkt.protocols.iter().any(|p| p.starts_with("icmp")) {
        return None;
    }
    let field = |name: &str| {
        pkt.fields
            .iter()
            .find(|f| f.def.name == name)
            .and_then(|f| match f.value {
                Value::Uint(v) => u32::try_from(v).ok(),
                _ => None,
            })
    };
    let seq = field("tcp.seq")?;
    let len = field("tcp.len")?;
    let retransmission = pkt.experts.iter().any(|e| {
        e.name.is_some_and(|n| {
            matches!(
                n.name,
                "tcp.analysis.retransmission"
                    | "tcp.analysis.fast_retransmission"
                    | "tcp.analysis.spurious_retransmission"
            )
        })
    });
    Some((seq, len, retransmission))
}

/// Reads the connection out of the dissector state the stream's packets went through.
fn extract(
    state: &State,
    stream: u64,
    frames: Vec<u64>,
    segments: Segments,
    origin: Timestamp,
) -> Result<TcpViewData, String> {
    let first_frame = frames.first().copied().unwrap_or(0);
    // The stream's first packet opened the fresh state's first flow.
    let flow = state
        .flows
        .all()
        .into_iter()
        .find(|f| f.first_frame == first_frame && f.tcp_stream.is_some())
        .ok_or_else(|| format!("TCP stream {stream}: no TCP connection in its packets"))?;
    let local = flow.tcp_stream.unwrap_or(0);
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
    let client_source = (client_ep.addr, client_ep.port);
    let Segments {
        first_source,
        by_dir,
        span,
        ..
    } = segments;
    let (first, last) = span.unwrap_or_default();
    let [from_first, from_other] = by_dir;
    let (client_segs, server_segs) = if first_source == Some(client_source) {
        (from_first, from_other)
    } else {
        (from_other, from_first)
    };
    let senders = [
        sender(conv, flow, Side::Client, client_segs, &secs, origin_secs),
        sender(conv, flow, Side::Server, server_segs, &secs, origin_secs),
    ];
    Ok(TcpViewData {
        stream,
        uid: flows::uid(flow),
        client: endpoint(client_ep),
        server: endpoint(server_ep),
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
        senders,
        handshake_rtt: conv.handshake_rtt().total().map(|d| d.as_secs_f64()),
        ack_rtt: flow
            .tcp
            .as_ref()
            .and_then(|t| flows::rtt_stats(&t.sides[0], &t.sides[1])),
        frames,
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
