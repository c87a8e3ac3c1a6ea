//! BGP-4 (RFC 4271) over TCP port 179: the message header, OPEN with its
//! capabilities, UPDATE with its path attributes and NLRI, NOTIFICATION,
//! KEEPALIVE and ROUTE-REFRESH, as tshark 4.0 shows them; per connection, the
//! session FSM as a timeline, what it negotiated (4-octet AS decides how
//! AS_PATH is read), and the routes each side learned ([`rib`]).
//!
//! Messages are framed on the TCP stream by [`header::Framing`] (19-byte
//! header, length at offset 16), so several messages per segment and messages
//! spanning segments are each dissected once, by [`dissect_pdu`].

pub mod fields;
pub mod fsm;
pub mod header;
pub mod names;
pub mod nlri;
pub mod notification;
pub mod open;
pub mod rib;
pub mod update;

#[cfg(test)]
mod tests;

use crate::dispatch::TcpSegment;
use crate::dissector::Cx;
use crate::flow::reassembly::StreamHalf;
use crate::flow::tcp::gt_seq;
use crate::model::{Group, Packet, Protocol, Severity, Span};

pub use fields::FIELDS;
pub use header::Framing;

pub static BGP: Protocol = Protocol {
    name: "bgp",
    label: "Border Gateway Protocol",
    short: "BGP",
};

/// A length field that does not fit what it measures: Wireshark's
/// `bgp.length.invalid` expert item (Error, Malformed); the layer is malformed.
pub(crate) fn length_invalid(p: &mut Packet, span: Span, message: String) {
    p.expert_field(
        &fields::EXPERT_LENGTH_INVALID,
        Severity::Error,
        Group::Malformed,
        span,
        message,
    );
    if let Some(l) = p.layers.last_mut() {
        l.malformed = true;
    }
}

/// An NLRI entry that could not be read: a bad prefix length is Wireshark's
/// `bgp.prefix_length.invalid`, an entry cut short plain malformed data.
pub(crate) fn nlri_error(p: &mut Packet, span: Span, e: nlri::NlriError) {
    match e {
        nlri::NlriError::BadLength(_) => {
            p.expert_field(
                &fields::EXPERT_PREFIX_LENGTH_INVALID,
                Severity::Error,
                Group::Malformed,
                span,
                e.to_string(),
            );
            if let Some(l) = p.layers.last_mut() {
                l.malformed = true;
            }
        }
        nlri::NlriError::Truncated => p.malformed(span, e.to_string()),
    }
}

/// The BGP marker every message starts with (RFC 4271 4.1).
const MARKER: [u8; 16] = [0xff; 16];

/// A TCP segment of a BGP connection (`payload` at absolute `off`): its bytes
/// go through the direction's reassembly and each message it completes is
/// dissected by [`dissect_pdu`]. As Wireshark does (it does not wait for
/// missing segments), a segment after bytes missing from the capture that
/// starts with a marker starts the stream afresh, so it is dissected at once;
/// one that does not is scanned for a marker.
pub fn dissect_segment(cx: &mut Cx<'_>, seg: TcpSegment, off: usize, payload: &[u8]) {
    let (mut half, mut budget, skip) = {
        let table = &mut cx.state.bgp;
        let mut budget = std::mem::take(&mut table.budget);
        let s = table.session_mut(seg.stream, seg.dir, seg.src_port, seg.dst_port);
        let start = if seg.syn {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        let end = start.wrapping_add(payload.len() as u32);
        let prev = s.next_seq[seg.dir];
        let beyond_hole = prev.is_some_and(|n| gt_seq(start, n));
        // Not at a known message boundary: the direction's first bytes, or after a hole.
        let fresh = !s.synced[seg.dir] || beyond_hole;
        if prev.is_none_or(|n| gt_seq(end, n)) {
            s.next_seq[seg.dir] = Some(end);
        }
        let mut half = std::mem::take(&mut s.halves[seg.dir]);
        let skip = if fresh && !starts_with_marker(payload) {
            find_marker(payload)
        } else {
            Some(0)
        };
        if fresh {
            // Restart the direction here: what waited for the missing bytes is dropped.
            half.bytes.release(&mut budget);
            half = StreamHalf::default();
            s.synced[seg.dir] = skip.is_some();
        }
        (half, budget, skip)
    };
    match skip {
        Some(k) => {
            if k > 0 {
                crate::app::data::dissect(cx, off, &payload[..k]);
            }
            let chain_before = cx.pkt.protocols.len();
            let rest = &payload[k..];
            let outcome = crate::flow::reassembly::dissect_segment(
                cx,
                &mut half,
                &mut budget,
                seg.seq.wrapping_add(k as u32),
                seg.syn,
                seg.fin,
                off + k,
                rest,
                &mut Framing,
                dissect_pdu,
            );
            name_once(cx, chain_before);
            if outcome.held && k == 0 {
                if outcome.offered {
                    // Wireshark's BGP dissector clears Info before it asks for more.
                    cx.pkt.summary.info.clear();
                }
                crate::flow::reassembly::mark_segment_of_pdu(cx.pkt);
            }
        }
        None => {
            crate::app::data::dissect(cx, off, payload);
        }
    }
    let table = &mut cx.state.bgp;
    table.budget = budget;
    let s = table.session_mut(seg.stream, seg.dir, seg.src_port, seg.dst_port);
    s.halves[seg.dir] = half;
}

/// Where the first BGP marker of `buf` starts.
/// Whether `buf` begins with the marker, or is the beginning of one (a
/// message whose first segment is shorter than the marker).
fn starts_with_marker(buf: &[u8]) -> bool {
    let n = buf.len().min(MARKER.len());
    n > 0 && buf[..n] == MARKER[..n]
}

fn find_marker(buf: &[u8]) -> Option<usize> {
    buf.windows(MARKER.len()).position(|w| w == MARKER)
}

/// BGP is named once in the protocol chain however many messages a segment held.
fn name_once(cx: &mut Cx<'_>, chain_before: usize) {
    let Some(&first) = cx.pkt.protocols.get(chain_before) else {
        return;
    };
    let mut i = chain_before + 1;
    while i < cx.pkt.protocols.len() {
        if cx.pkt.protocols[i] == first {
            cx.pkt.protocols.remove(i);
        } else {
            i += 1;
        }
    }
}

/// One BGP message, exactly as stream reassembly cut it (`pdu` at absolute `off`).
pub fn dissect_pdu(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) -> usize {
    // Several messages of one segment share the Info column, comma-separated.
    let first_in_packet = cx
        .pkt
        .layers
        .last()
        .is_none_or(|l| l.proto.name != BGP.name);
    cx.pkt.begin_layer(&BGP, Span::new(off, pdu.len()));
    let Some((length, kind)) = header::add(cx.pkt, off, pdu) else {
        cx.pkt.set_title(|t| t.push_str(BGP.label));
        cx.pkt.malformed(
            Span::new(off, pdu.len()),
            format!(
                "BGP message shorter than its {}-byte header",
                header::HEADER_LEN
            ),
        );
        return pdu.len();
    };
    let type_name = names::message_type(kind.into()).unwrap_or("Unknown Message");
    cx.pkt.set_title(|t| {
        t.push_str(BGP.label);
        t.push_str(" - ");
        t.push_str(type_name);
    });
    if first_in_packet {
        cx.pkt.set_info(|i| i.push_str(type_name));
    } else {
        cx.pkt.append_info(", ");
        cx.pkt.append_info(type_name);
    }
    let end = (length as usize).clamp(header::HEADER_LEN, pdu.len());
    let body = &pdu[header::HEADER_LEN..end];
    message(cx, off + header::HEADER_LEN, kind, body);
    pdu.len()
}

/// The session of the TCP stream a message came on, and the message's direction.
fn session<'a>(
    cx: &'a mut Cx<'_>,
    key: Option<(u32, usize)>,
) -> Option<(&'a mut fsm::Session, usize)> {
    let (stream, dir) = key?;
    Some((cx.state.bgp.session_mut(stream, dir, 0, 0), dir))
}

/// The message body, and what it changes in the session of its TCP stream.
fn message(cx: &mut Cx<'_>, off: usize, kind: u8, body: &[u8]) {
    let (ts, frame) = (cx.meta.ts, cx.meta.number);
    // Per-session state only for messages read off a TCP connection.
    let key = cx.tcp.map(|s| (s.stream, s.dir));
    if let Some(seg) = cx.tcp {
        let src = cx.ip.map(|ip| ip.src);
        let sess = cx
            .state
            .bgp
            .session_mut(seg.stream, seg.dir, seg.src_port, seg.dst_port);
        if let Some(a) = src {
            sess.addrs[seg.dir] = a;
        }
        if let Some(gap) = sess.message(seg.dir, ts, frame) {
            let hold = sess.negotiated_hold_time().unwrap_or(0);
            cx.pkt.expert_field(
                &fields::EXPERT_HOLD_TIME_EXCEEDED,
                Severity::Warn,
                Group::Sequence,
                Span::new(off.saturating_sub(header::HEADER_LEN), header::HEADER_LEN),
                format!("No message for {gap} s, longer than the negotiated hold time of {hold} s"),
            );
        }
    }
    match kind {
        header::OPEN => {
            let info = open::dissect(cx.pkt, off, body);
            if let Some((s, dir)) = session(cx, key) {
                s.on_open(dir, ts, frame, info);
            }
        }
        header::UPDATE => {
            let neg = session(cx, key)
                .map(|(s, dir)| s.negotiated(dir))
                .unwrap_or_default();
            let u = update::dissect(cx.pkt, off, body, neg);
            let keep_routes = cx.state.bgp.keep_routes;
            if let Some((s, dir)) = session(cx, key) {
                s.on_update(dir, ts, frame, u, keep_routes);
            }
        }
        header::NOTIFICATION => {
            let n = notification::dissect(cx.pkt, off, body);
            if let (Some((s, dir)), Some(n)) = (session(cx, key), n) {
                s.on_notification(dir, ts, frame, n);
            }
        }
        header::KEEPALIVE => {
            if !body.is_empty() {
                cx.pkt.malformed(
                    Span::new(off, body.len()),
                    format!("KEEPALIVE with {} bytes after its header", body.len()),
                );
            }
            if let Some((s, dir)) = session(cx, key) {
                s.on_keepalive(dir, ts, frame);
            }
        }
        header::ROUTE_REFRESH => {
            let r = notification::route_refresh(cx.pkt, off, body);
            if let (Some((s, dir)), Some((_, subtype, _))) = (session(cx, key), r) {
                s.on_route_refresh(dir, ts, frame, subtype);
            }
        }
        _ => {
            cx.pkt.expert(
                Severity::Warn,
                Group::Undecoded,
                Span::new(off, body.len()),
                format!("Unknown BGP message type {kind}"),
            );
        }
    }
}
