//! One connection dissected again with its full history, for the TCP graphs
//! and the handshake timelines.
//!
//! The session loads with lean retention (no per-connection history), so a
//! view of one connection's history dissects that connection's packets again
//! with [`Retention::FULL`]: a fresh dissector sees only them (they are found
//! in the index by their flow), which is everything TCP analysis and the
//! application handshakes need. Packets that belong to no flow (802.11
//! management, EAPOL) have no such shortcut: the whole file is dissected
//! again and the station whose handshake holds the packet is shown.

use std::sync::Arc;

use wirelens_capture::session::Session;
use wirelens_dissect::flow::cwnd::{Phase, SeriesPoint};
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::Side;
use wirelens_dissect::flow::timeline::{Direction, Timeline, TimelineEvent};
use wirelens_dissect::flow::{Retention, State};
use wirelens_dissect::{Dissector, Packet, Prefs, Timestamp};

/// One TCP segment as the time-sequence graph draws it. Sequence numbers
/// are relative, as the detail tree shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub number: u64,
    /// Seconds since the connection's first packet.
    pub t: f64,
    pub side: Side,
    pub seq: u64,
    pub len: u64,
    pub ack: Option<u64>,
    /// The receive window the segment advertises (scaled), in bytes.
    pub window: Option<u64>,
    /// SACK blocks (left, right), relative.
    pub sack: Vec<(u64, u64)>,
    pub retransmission: bool,
}

/// What one side did as a sender, as series over seconds since the
/// connection's first packet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SenderSeries {
    pub cwnd: Vec<[f64; 2]>,
    pub in_flight: Vec<[f64; 2]>,
    pub rtt: Vec<[f64; 2]>,
    pub throughput: Vec<[f64; 2]>,
    /// When the sender entered each phase.
    pub phases: Vec<(f64, Phase)>,
}

/// The TCP side of a connection report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TcpReport {
    pub segments: Vec<Segment>,
    /// By [`Side::index`]: client, server.
    pub senders: [SenderSeries; 2],
}

/// A handshake timeline of one protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct HandshakeTimeline {
    /// "TCP", "TLS", "SSH", "HTTP/2", "BGP", "802.11".
    pub protocol: &'static str,
    pub events: Vec<TimelineEvent>,
}

/// Everything shown about one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionReport {
    /// "10.0.0.1:40000 ↔ 10.0.0.2:80".
    pub title: String,
    /// Lifeline names: client, server.
    pub endpoints: [String; 2],
    /// Time of the first packet of the connection (graphs count from it).
    pub start: Timestamp,
    pub packets: usize,
    pub tcp: Option<TcpReport>,
    pub timelines: Vec<HandshakeTimeline>,
}

/// Dissects the connection packet `number` belongs to again, with its history.
pub fn analyse(session: &Arc<Session>, number: u64) -> Result<ConnectionReport, String> {
    let entry = session
        .entry(number)
        .ok_or_else(|| format!("packet {number} is not loaded"))?;
    let prefs = Prefs {
        retention: Retention::FULL,
        ..session.config().prefs.clone()
    };
    if entry.stream == 0 {
        return analyse_stations(session, number, prefs);
    }
    let members: Vec<u64> = session
        .snapshot()
        .iter()
        .filter(|(_, e)| e.stream == entry.stream)
        .map(|(n, _)| n)
        .collect();
    let mut dissector = Dissector::new(prefs);
    let mut collector = SegmentCollector::default();
    replay(session, &members, &mut dissector, |pkt, number, ts| {
        collector.add(pkt, number, ts);
    });
    let state = dissector.state();
    let conv = state.tcp.conversations().next();
    let start = collector.start.unwrap_or_default();
    let endpoints = collector.endpoints.clone();
    let (endpoints, tcp) = match conv {
        Some(conv) => {
            // Lifelines read client then server; the collector named them in
            // the order of the first packet.
            let endpoints = if conv.side_of(0) == Side::Client {
                endpoints
            } else {
                [endpoints[1].clone(), endpoints[0].clone()]
            };
            (endpoints, Some(collector.into_report(conv, start)))
        }
        None => (endpoints, None),
    };
    let timelines = conv.map_or_else(Vec::new, |c| timelines(state, c));
    Ok(ConnectionReport {
        title: format!("{} ↔ {}", endpoints[0], endpoints[1]),
        endpoints,
        start,
        packets: members.len(),
        tcp,
        timelines,
    })
}

/// Dissects `members` (ascending packet numbers) with `dissector`, calling
/// `f` on each with its tree.
fn replay(
    session: &Session,
    members: &[u64],
    dissector: &mut Dissector,
    mut f: impl FnMut(&Packet, u64, Timestamp),
) {
    let file = session.file();
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut packets = file.packets();
    let mut pkt = Packet::new(true);
    let mut next = members.iter().peekable();
    while let Some(&&want) = next.peek() {
        let Some(Ok(frame)) = packets.next() else {
            break;
        };
        if frame.number < want {
            continue;
        }
        next.next();
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        f(&pkt, frame.number, frame.ts);
    }
}

/// Builds the segment list while the connection is replayed.
#[derive(Default)]
struct SegmentCollector {
    start: Option<Timestamp>,
    /// Source of the first packet (direction 0), then the other end.
    endpoints: [String; 2],
    first_src: Option<String>,
    raw: Vec<(Segment, usize)>,
}

impl SegmentCollector {
    fn add(&mut self, pkt: &Packet, number: u64, ts: Timestamp) {
        let start = *self.start.get_or_insert(ts);
        let s = &pkt.summary;
        let src = endpoint(s.src, s.src_port);
        let dst = endpoint(s.dst, s.dst_port);
        if self.first_src.is_none() {
            self.endpoints = [src.clone(), dst];
            self.first_src = Some(src.clone());
        }
        let dir = usize::from(self.first_src.as_deref() != Some(src.as_str()));
        let num = |name: &str| pkt.find(name).and_then(|f| f.value.as_u64());
        let Some(seq) = num("tcp.seq") else {
            return;
        };
        let lefts: Vec<u64> = pkt
            .find_all("tcp.options.sack_le")
            .filter_map(|f| f.value.as_u64())
            .collect();
        let rights: Vec<u64> = pkt
            .find_all("tcp.options.sack_re")
            .filter_map(|f| f.value.as_u64())
            .collect();
        let retransmission = pkt
            .experts
            .iter()
            .any(|e| e.name.is_some_and(|n| n.name.ends_with("retransmission")));
        self.raw.push((
            Segment {
                number,
                t: ts.since(start).as_secs_f64(),
                side: Side::Client,
                seq,
                len: num("tcp.len").unwrap_or(0),
                ack: num("tcp.ack"),
                window: num("tcp.window_size"),
                sack: lefts.into_iter().zip(rights).collect(),
                retransmission,
            },
            dir,
        ));
    }

    fn into_report(self, conv: &Conversation, start: Timestamp) -> TcpReport {
        let segments = self
            .raw
            .into_iter()
            .map(|(mut s, dir)| {
                s.side = conv.side_of(dir);
                s
            })
            .collect();
        let senders = [Side::Client, Side::Server].map(|side| {
            // The estimator records changes; every sender starts in slow start.
            let mut phases = vec![(0.0, Phase::default())];
            phases.extend(
                conv.phases(side)
                    .iter()
                    .map(|p| (p.ts.since(start).as_secs_f64(), p.phase)),
            );
            SenderSeries {
                cwnd: points(&conv.cwnd_series(side), start),
                in_flight: points(conv.flight_series(side), start),
                rtt: points(conv.rtt_series(side), start),
                throughput: points(conv.throughput_series(side), start),
                phases,
            }
        });
        TcpReport { segments, senders }
    }
}

fn endpoint(addr: wirelens_dissect::model::Address, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{addr}:{p}"),
        None => addr.to_string(),
    }
}

fn points(series: &[SeriesPoint], start: Timestamp) -> Vec<[f64; 2]> {
    series
        .iter()
        .map(|p| [p.ts.since(start).as_secs_f64(), p.value])
        .collect()
}

/// The handshake timelines the dissectors kept for this TCP connection.
fn timelines(state: &State, conv: &Conversation) -> Vec<HandshakeTimeline> {
    let stream = conv.stream;
    let mut out = Vec::new();
    let mut push = |protocol, t: &Timeline| {
        if !t.is_empty() {
            out.push(HandshakeTimeline {
                protocol,
                events: t.events().to_vec(),
            });
        }
    };
    push("TCP", conv.timeline());
    if let Some(tls) = state.tls.get(stream) {
        push("TLS", &tls.timeline);
    }
    if let Some(ssh) = state.ssh.get(stream) {
        push("SSH", &ssh.timeline);
    }
    if let Some(h2) = state.http.http2(stream) {
        push("HTTP/2", &h2.timeline);
    }
    if let Some(bgp) = state.bgp.session(stream) {
        // The FSM's steps, its first (Idle → Connect) taken by the TCP SYN.
        push("BGP", &bgp.fsm_timeline(Some(conv.timeline())));
    }
    out
}

/// 802.11: the whole file again, then the station whose timeline has the packet.
fn analyse_stations(
    session: &Arc<Session>,
    number: u64,
    prefs: Prefs,
) -> Result<ConnectionReport, String> {
    let all: Vec<u64> = (1..=session.len()).collect();
    let mut dissector = Dissector::new(prefs);
    let mut start = None;
    replay(session, &all, &mut dissector, |_, n, ts| {
        if n == number {
            start = Some(ts);
        }
    });
    let wifi = &dissector.state().wifi;
    let station = wifi
        .stations
        .iter()
        .find(|(_, s)| s.timeline.events().iter().any(|e| e.frame == number))
        .ok_or_else(|| format!("packet {number} belongs to no connection or handshake"))?;
    let (mac, sta) = station;
    let events = sta.timeline.events().to_vec();
    let first = events.first().map(|e| e.ts).or(start).unwrap_or_default();
    let mac_text = |m: &[u8; 6]| {
        m.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let ap = sta.bssid.as_ref().map_or_else(|| "AP".to_owned(), mac_text);
    let endpoints = [mac_text(mac), ap];
    Ok(ConnectionReport {
        title: format!("{} ↔ {}", endpoints[0], endpoints[1]),
        endpoints,
        start: first,
        packets: events.len(),
        tcp: None,
        timelines: vec![HandshakeTimeline {
            protocol: "802.11",
            events,
        }],
    })
}

/// Which lifeline an event starts from: 0 client, 1 server.
pub fn from_index(dir: Direction) -> usize {
    match dir {
        Direction::ClientToServer => 0,
        Direction::ServerToClient => 1,
    }
}
