//! HTTP/2 (RFC 9113) over cleartext TCP (h2c, prior knowledge or upgraded
//! from HTTP/1.1): frames, HPACK header blocks, streams, flow-control windows
//! and the connection's handshake timeline.
//!
//! An HTTP connection is one byte stream per direction that changes framing
//! midway after an h2c upgrade, so HTTP/1.x and HTTP/2 share one stream
//! reassembly ([`Framing`]) and one PDU dissector ([`dissect_pdu`]); the
//! per-connection [`state::Connection`] (keyed by `tcp.stream`) says which
//! protocol each direction speaks now.

pub mod fields;
pub mod frame;
mod frames;
pub mod hpack;
pub mod settings;
pub mod state;
pub mod stream;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use crate::app::http;
use crate::dispatch::TcpSegment;
use crate::dissector::Cx;
use crate::flow::reassembly::{PduLen, PduParser};
use crate::model::{Group, Packet, Protocol, Span, Value};
use fields::*;
use frames::{header_fields, FmtInfo, FrameCx};
use state::{Connection, Mode};

pub use fields::FIELDS;
pub use frames::{setting_fields, MAX_DECOMPRESSED};

pub static HTTP2: Protocol = Protocol {
    name: "http2",
    label: "HyperText Transfer Protocol 2",
    short: "HTTP2",
};

/// Cuts one direction of an HTTP connection into PDUs: HTTP/1.x messages
/// until the direction switches to HTTP/2 (a preface, or the 101 response to
/// an h2c upgrade), then the preface and frames.
#[derive(Debug)]
pub struct Framing {
    pub mode: Mode,
    /// No PDU of the direction has been cut yet (a server's first SETTINGS
    /// is only looked for there).
    pub first: bool,
    /// The start line of the HTTP/1.x message last found unfinished.
    pub held_start_line: Option<String>,
}

impl PduParser for Framing {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
        if self.mode == Mode::Http1
            && (looks_like_preface(buf) || (self.first && server_speaks_h2_first(buf)))
        {
            self.mode = Mode::Http2;
        }
        let len = self.cut(buf);
        if matches!(len, PduLen::Complete(_)) {
            self.first = false;
        }
        len
    }
}

impl Framing {
    pub fn new(mode: Mode, first: bool) -> Self {
        Framing {
            mode,
            first,
            held_start_line: None,
        }
    }

    fn cut(&mut self, buf: &[u8]) -> PduLen {
        match self.mode {
            Mode::Http2 => match frame::pdu_len(buf) {
                Ok(n) => PduLen::Complete(n),
                Err(more) => PduLen::NeedMore(more.max(1)),
            },
            // As Wireshark's HTTP dissector: the first bytes of a direction
            // wait for a line end before they are called a message or a
            // continuation (they are shown as TCP segment data meanwhile).
            Mode::Http1 if self.first && http::first_line_incomplete(buf) => PduLen::NeedMore(1),
            Mode::Http1 => match http::message_len(buf) {
                http::MessageLen::Complete {
                    len,
                    switches_to_h2,
                } => {
                    if switches_to_h2 {
                        self.mode = Mode::Http2;
                    }
                    PduLen::Complete(len)
                }
                http::MessageLen::NeedMore(n) => {
                    self.held_start_line = http::start_line(buf).map(str::to_owned);
                    PduLen::NeedMore(n.max(1))
                }
            },
        }
    }
}

/// An HTTP/2 server's SETTINGS sent before its client's preface, on a
/// connection that looked like HTTP/1.x by its port.
fn server_speaks_h2_first(buf: &[u8]) -> bool {
    !http::looks_like_http(buf) && crate::app::starts_with_h2_settings(buf)
}

/// Whether `buf` starts the connection preface (or is a beginning of it).
fn looks_like_preface(buf: &[u8]) -> bool {
    let n = buf.len().min(frame::PREFACE.len());
    n >= 4 && buf[..n] == frame::PREFACE[..n]
}

/// Dissects a TCP segment of an HTTP connection (HTTP/1.x or HTTP/2) through
/// stream reassembly.
pub fn dissect_tcp(cx: &mut Cx<'_>, seg: TcpSegment, off: usize, buf: &[u8]) {
    let frame = cx.meta.number;
    let conn = cx.state.http.connection(seg.stream, frame);
    if seg.app == Some(crate::app::AppProtocol::Http2) && conn.mode == [Mode::Http1; 2] {
        // Recognised as HTTP/2 from its first bytes (a preface, or a server's
        // SETTINGS sent before the client's preface): both sides speak it.
        conn.mode = [Mode::Http2; 2];
    }
    let mut framing = Framing::new(conn.mode[seg.dir & 1], conn.pdus_seen[seg.dir & 1] == 0);
    let experts_before = cx.pkt.experts.len();
    let outcome =
        crate::flow::reassembly::dissect_stream(cx, seg, off, buf, &mut framing, dissect_pdu);
    if outcome.held {
        if outcome.offered {
            // What Wireshark's dissector wrote to Info before it asked for
            // the rest: HTTP/2 clears it; HTTP/1.x puts a message's start
            // line there once it is whole.
            match (framing.mode, &framing.held_start_line) {
                (Mode::Http2, _) => cx.pkt.summary.info.clear(),
                (Mode::Http1, Some(line)) => cx.pkt.set_info(|i| {
                    i.push_str(line);
                    i.push(' ');
                }),
                (Mode::Http1, None) => {}
            }
        }
        crate::flow::reassembly::mark_segment_of_pdu(cx.pkt);
    }
    // Bytes of this direction went missing: its HPACK table may have missed
    // updates, so later header blocks are reported as undecodable rather than
    // decoded against a wrong table.
    let lost = cx.pkt.experts[experts_before..].iter().any(|e| {
        e.group == Group::Reassemble
            && (e.message.contains("missing in capture")
                || e.message.contains("lost to missing data"))
    });
    if lost {
        let frame = cx.meta.number;
        let conn = cx.state.http.connection(seg.stream, frame);
        if conn.mode[seg.dir & 1] == Mode::Http2 {
            conn.hpack[seg.dir & 1].lose(frame);
        }
    }
}

/// Dissects one PDU of an HTTP connection: the preface, an HTTP/2 frame, or
/// an HTTP/1.x message, by what the direction speaks now.
pub fn dissect_pdu(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) -> usize {
    let Some(seg) = cx.tcp else {
        return http::dissect_message(cx, off, pdu);
    };
    let dir = seg.dir & 1;
    let frame = cx.meta.number;
    let conn = cx.state.http.connection(seg.stream, frame);
    let first = conn.pdus_seen[dir] == 0;
    conn.pdus_seen[dir] = conn.pdus_seen[dir].saturating_add(1);
    if conn.mode[dir] == Mode::Http1 && looks_like_preface(pdu) {
        conn.mode = [Mode::Http2; 2];
        conn.client = Some(dir);
    } else if conn.mode[dir] == Mode::Http1 && first && server_speaks_h2_first(pdu) {
        conn.mode = [Mode::Http2; 2];
        conn.client.get_or_insert(1 - dir);
    }
    if conn.mode[dir] == Mode::Http2 {
        let mut conn = std::mem::take(cx.state.http.connection(seg.stream, frame));
        let held_before = conn.body_held;
        let mut room = cx.state.http.body_room(&conn);
        let n = dissect_h2_pdu(cx, &mut conn, &mut room, dir, off, pdu);
        let table = &mut cx.state.http;
        table.body_held = table.body_held - held_before.min(table.body_held) + conn.body_held;
        table.connections.insert(seg.stream, conn);
        return n;
    }
    http::dissect_message(cx, off, pdu)
}

/// Starts the HTTP/2 layer of one PDU; the Info column lists every PDU of
/// the packet, comma-separated, as Wireshark does.
fn begin(cx: &mut Cx<'_>, off: usize, len: usize) {
    // An earlier HTTP PDU of this packet (HTTP/1.x, HTTP/2, or a body's
    // dissector after it) wrote the Info column: append. Otherwise it holds
    // TCP's text, which an application protocol replaces.
    let after_http = cx
        .pkt
        .layers
        .iter()
        .any(|l| l.proto.name == HTTP2.name || l.proto.name == http::HTTP.name);
    cx.pkt.begin_layer(&HTTP2, Span::new(off, len));
    if after_http {
        cx.pkt.append_info(", ");
    } else {
        cx.pkt.set_info(|_| {});
    }
}

fn dissect_h2_pdu(
    cx: &mut Cx<'_>,
    conn: &mut Connection,
    body_room: &mut usize,
    dir: usize,
    off: usize,
    pdu: &[u8],
) -> usize {
    begin(cx, off, pdu.len());
    cx.pkt.set_title(|t| t.push_str(HTTP2.label));
    if pdu.starts_with(frame::PREFACE) {
        let span = Span::new(off, frame::PREFACE.len());
        cx.pkt.add_tree(&STREAM, span, Value::None, |p| {
            p.add(
                &MAGIC,
                span,
                Value::Static("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            );
        });
        cx.pkt.append_info("Magic");
        let (ts, n) = (cx.meta.ts, cx.meta.number);
        conn.timeline.push(
            ts,
            n,
            conn.timeline_dir(dir),
            "http2.preface",
            "connection preface",
        );
        return frame::PREFACE.len();
    }
    let Ok((_, h)) = frame::header(pdu) else {
        cx.pkt
            .malformed(Span::new(off, pdu.len()), "HTTP/2 frame header cut short");
        return pdu.len();
    };
    let payload = pdu.get(frame::HEADER_LEN..).unwrap_or(&[]);
    let _ = write!(
        FmtInfo(cx.pkt),
        "{}[{}]",
        frame::type_name(h.ftype),
        h.stream
    );
    let span = Span::new(off, pdu.len());
    cx.pkt.add(&STREAM, span, Value::None);
    let mut f = FrameCx {
        conn,
        body_room,
        dir,
        h,
        off,
        pay_off: off + frame::HEADER_LEN,
        frame: cx.meta.number,
        ts: cx.meta.ts,
    };
    let stream_node = cx.pkt.fields.len();
    header_fields(cx.pkt, off, &h);
    match h.ftype {
        frame::DATA => f.data(cx, payload),
        frame::HEADERS => f.headers(cx, payload),
        frame::PRIORITY => f.priority(cx, payload),
        frame::RST_STREAM => f.rst_stream(cx, payload),
        frame::SETTINGS => f.settings(cx, payload),
        frame::PUSH_PROMISE => f.push_promise(cx, payload),
        frame::PING => f.ping(cx, payload),
        frame::GOAWAY => f.goaway(cx, payload),
        frame::WINDOW_UPDATE => f.window_update(cx, payload),
        frame::CONTINUATION => f.continuation(cx, payload),
        _ => {
            if !payload.is_empty() {
                cx.pkt.add(
                    &UNKNOWN,
                    Span::new(f.pay_off, payload.len()),
                    Value::SpanBytes,
                );
            }
        }
    }
    nest_under(cx.pkt, stream_node);
    pdu.len()
}

/// Nests the fields added after node `at` (the `http2.stream` node) under it:
/// the frame's fields are added by several methods that need the whole
/// context, not only the packet a subtree closure gets.
fn nest_under(p: &mut Packet, at: usize) {
    let Some(depth) = p.fields.get(at).map(|n| n.depth) else {
        return;
    };
    for n in p.fields.iter_mut().skip(at + 1) {
        if n.depth >= depth {
            n.depth = n.depth.saturating_add(1);
        }
    }
}
