//! Building a connection's view data off the UI thread.
//!
//! The session keeps lean dissection state (no per-connection history), so
//! the view finds the stream's packets in the session's index
//! ([`super::packets`]) and dissects only those again, in capture order,
//! through a fresh dissector with full retention. What the `flows` command
//! reports for the connection then comes out of that dissector's state: the
//! same accessors, the same numbers.

use std::sync::atomic::{AtomicBool, Ordering};

use wirelens_capture::session::Session;
use wirelens_capture::{FileFormat, Frame, Interface, ReadError};
use wirelens_dissect::flow::conntrack::FlowRecord;
use wirelens_dissect::flow::cwnd::SeriesPoint;
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::Side;
use wirelens_dissect::flow::timeline::Timeline;
use wirelens_dissect::flow::{Retention, State};
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Packet, Timestamp};

use super::data::{Event, EventSource, Loss, Secs, Segment, Sender, StateChange, TcpViewData};
use super::packets::{candidates, candidates_of_packet, Candidates};
use super::segment::{Read, SegmentReader, Source, TcpFacts};
use crate::commands::flows;

/// Builds the view data of TCP stream `stream` (tshark's `tcp.stream`).
/// Checks `cancel` between packets; a cancelled build returns an error.
pub fn build(session: &Session, stream: u64, cancel: &AtomicBool) -> Result<TcpViewData, String> {
    let candidates = candidates(session, stream, cancel)?;
    build_from(session, stream, &candidates, cancel)
}

/// Like [`build`], for the connection of packet `packet` (the packet
/// list's selection): its index entry names its flow, so the stream's
/// packets are found even when the loader's flow table no longer has a
/// record of it (the table keeps 4096 ended flows), where [`build`] would
/// run a `tcp.stream` filter over the whole capture.
pub fn build_for_packet(
    session: &Session,
    packet: u64,
    cancel: &AtomicBool,
) -> Result<TcpViewData, String> {
    let stream = stream_of(session, packet)?;
    match candidates_of_packet(session, packet) {
        Some(c) => build_from(session, stream, &c, cancel),
        None => build(session, stream, cancel),
    }
}

/// The `tcp.stream` of packet `packet`'s own TCP header.
fn stream_of(session: &Session, packet: u64) -> Result<u64, String> {
    let d = session
        .dissect(packet)
        .ok_or_else(|| format!("there is no packet {packet}"))?;
    let quoted = d.packet.protocols.iter().any(|p| p.starts_with("icmp"));
    d.packet
        .fields
        .iter()
        .filter(|_| !quoted)
        .find(|f| f.def.name == "tcp.stream")
        .and_then(|f| f.value.as_u64())
        .ok_or_else(|| format!("packet {packet} is not a TCP segment"))
}

pub(super) fn build_from(
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

    #[test]
    fn sequence_numbers_unwrap_past_four_gigabytes() {
        assert_eq!(unwrap_seq(None, 5), 5);
        assert_eq!(unwrap_seq(Some(0xffff_fff0), 0x10), 0x1_0000_0010);
        // A retransmission from just before the wrap stays below it.
        assert_eq!(unwrap_seq(Some(0x1_0000_0010), 0xffff_fff0), 0xffff_fff0);
        assert_eq!(unwrap_seq(Some(0x2_0000_0000), 7), 0x2_0000_0007);
        assert_eq!(unwrap_seq(Some(3), 0xffff_ffff), 0xffff_ffff);
    }
}
