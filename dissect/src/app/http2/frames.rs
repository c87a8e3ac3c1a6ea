//! The fields of each HTTP/2 frame type and what each frame does to the
//! connection: HPACK decoding of header blocks, stream states, request and
//! response facts, flow-control windows, bodies (reassembled across DATA
//! frames, content-decoded, DNS over HTTPS) and the timeline.

use std::fmt::Write as _;

use super::fields::*;
use super::frame::{self, FrameHeader};
use super::state::Connection;
use super::stream::{self, WindowEvent};
use super::{fields, hpack, settings};
use crate::app::{http, text_lines};
use crate::dissector::Cx;
use crate::model::{Group, Packet, Severity, Span, Value};

/// Bytes as an ASCII string the way Wireshark decodes ENC_ASCII: every byte
/// above 0x7f becomes U+FFFD.
pub(super) fn ascii_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}

/// A header value with its `%XX` escapes decoded (`http2.header.unescaped`).
pub(super) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) use crate::app::content_coding::decompress;
pub use crate::app::content_coding::MAX_DECOMPRESSED;

/// Wireshark's "Content-encoded entity body (gzip): N bytes -> M bytes" node
/// with the decoded body as `http2.data.data`.
pub(super) fn content_encoded(
    p: &mut Packet,
    span: Span,
    encoding: &str,
    len: usize,
    plain: Vec<u8>,
) {
    if !p.tree {
        return;
    }
    let label = format!(
        "Content-encoded entity body ({encoding}): {len} bytes -> {} bytes",
        plain.len()
    );
    p.add_tree(&CONTENT_ENCODED, span, Value::Text(label.into()), |p| {
        p.add(&DATA_DATA, span, Value::Bytes(plain.into()));
    });
}

/// A whole body in a line-based text media type, shown as `data-text-lines`:
/// from the frame when it is this DATA frame's payload as sent, else from a
/// data source of the reassembled or inflated body. False when it was not
/// read as lines.
fn text_body(
    cx: &mut Cx<'_>,
    media: &'static str,
    body: &[u8],
    frame_body: &[u8],
    frame_span: Span,
    encoding: Option<&str>,
) -> bool {
    if let Some(plain) = encoding.and_then(|e| decompress(e, body)) {
        return cx
            .in_source("Uncompressed entity body", &plain, |inner| {
                text_lines::dissect(inner, 0, &plain, media)
            })
            .unwrap_or(false);
    }
    if body == frame_body {
        return text_lines::dissect(cx, frame_span.start as usize, body, media);
    }
    cx.in_source("Reassembled body", body, |inner| {
        text_lines::dissect(inner, 0, body, media)
    })
    .unwrap_or(false)
}

/// Writes into the Info column.
pub(super) struct FmtInfo<'a>(pub(super) &'a mut Packet);

impl std::fmt::Write for FmtInfo<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.append_info(s);
        Ok(())
    }
}

/// The 9-byte header's fields and the flags tree of the frame's type.
pub(super) fn header_fields(p: &mut Packet, off: usize, h: &FrameHeader) {
    p.add(&LENGTH, Span::new(off, 3), Value::Uint(h.length.into()));
    p.add(&TYPE, Span::new(off + 3, 1), Value::Uint(h.ftype.into()));
    let fs = Span::new(off + 4, 1);
    let fl = h.flags;
    let bit = |b: u8| Value::Bool(fl & b != 0);
    p.add_tree(&FLAGS, fs, Value::Uint(fl.into()), |p| match h.ftype {
        frame::DATA => {
            p.add(&F_UNUSED_DATA, fs, Value::Uint((fl & 0xf6).into()));
            p.add(&F_PADDED, fs, bit(frame::FLAG_PADDED));
            p.add(&F_END_STREAM, fs, bit(frame::FLAG_END_STREAM));
        }
        frame::HEADERS => {
            p.add(&F_UNUSED_HEADERS, fs, Value::Uint((fl & 0xd2).into()));
            p.add(&F_PRIORITY, fs, bit(frame::FLAG_PRIORITY));
            p.add(&F_PADDED, fs, bit(frame::FLAG_PADDED));
            p.add(&F_EH, fs, bit(frame::FLAG_END_HEADERS));
            p.add(&F_END_STREAM, fs, bit(frame::FLAG_END_STREAM));
        }
        frame::SETTINGS => {
            p.add(&F_UNUSED_SETTINGS, fs, Value::Uint((fl & 0xfe).into()));
            p.add(&F_ACK_SETTINGS, fs, bit(frame::FLAG_ACK));
        }
        frame::PUSH_PROMISE => {
            p.add(&F_UNUSED_PUSH_PROMISE, fs, Value::Uint((fl & 0xf3).into()));
            p.add(&F_PADDED, fs, bit(frame::FLAG_PADDED));
            p.add(&F_EH, fs, bit(frame::FLAG_END_HEADERS));
        }
        frame::PING => {
            p.add(&F_UNUSED_PING, fs, Value::Uint((fl & 0xfe).into()));
            p.add(&F_ACK_PING, fs, bit(frame::FLAG_ACK));
        }
        frame::CONTINUATION => {
            p.add(&F_UNUSED_CONTINUATION, fs, Value::Uint((fl & 0xf3).into()));
            p.add(&F_PADDED, fs, bit(frame::FLAG_PADDED));
            p.add(&F_EH, fs, bit(frame::FLAG_END_HEADERS));
        }
        _ => p.add(&F_UNUSED, fs, Value::Uint(fl.into())),
    });
    p.add(&R, Span::new(off + 5, 4), Value::Uint(h.r.into()));
    p.add(
        &STREAMID,
        Span::new(off + 5, 4),
        Value::Uint(h.stream.into()),
    );
}

/// One frame being dissected, with its connection.
pub(super) struct FrameCx<'c> {
    pub(super) conn: &'c mut Connection,
    /// Body bytes the connection may still keep.
    pub(super) body_room: &'c mut usize,
    pub(super) dir: usize,
    pub(super) h: FrameHeader,
    pub(super) off: usize,
    pub(super) pay_off: usize,
    pub(super) frame: u64,
    pub(super) ts: crate::model::Timestamp,
}

impl FrameCx<'_> {
    fn sent_by_client(&self) -> bool {
        self.conn.is_client(self.dir)
    }

    /// The pad length field (Wireshark shows it, as 0, on unpadded frames too)
    /// and the frame's body without padding; `None` after a malformed report.
    fn padded<'a>(&self, cx: &mut Cx<'_>, payload: &'a [u8]) -> Option<frame::Padded<'a>> {
        match frame::padded(payload, self.h.flags) {
            Ok(p) => {
                let len = usize::from(self.h.has(frame::FLAG_PADDED));
                cx.pkt.add(
                    &PAD_LENGTH,
                    Span::new(self.pay_off, len),
                    Value::Uint(p.pad_len.into()),
                );
                Some(p)
            }
            Err(why) => {
                cx.pkt
                    .malformed(Span::new(self.off, payload.len() + 9), why);
                None
            }
        }
    }

    fn padding(&self, cx: &mut Cx<'_>, p: &frame::Padded<'_>, payload_len: usize) {
        if !p.padding.is_empty() {
            cx.pkt.add(
                &PADDING,
                Span::new(
                    self.pay_off + payload_len - p.padding.len(),
                    p.padding.len(),
                ),
                Value::SpanBytes,
            );
        }
    }

    pub(super) fn data(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Some(p) = self.padded(cx, payload) else {
            return;
        };
        let end = self.h.has(frame::FLAG_END_STREAM);
        let body_span = Span::new(self.pay_off + p.body_at, p.body.len());
        let (dir, frame, ts, id) = (self.dir, self.frame, self.ts, self.h.stream);
        let from_client = self.sent_by_client();
        let s = self.conn.stream(id, frame, ts);
        let allowed = s.on_data(from_client, end);
        let kept = s.note_body(dir, p.body, self.body_room);
        self.conn.body_held += kept;
        let s = self.conn.stream(id, frame, ts);
        if !p.body.is_empty() {
            s.data_frames[dir].push(frame);
        }
        let fragments = if end && s.data_frames[dir].len() > 1 - usize::from(p.body.is_empty()) {
            Some(std::mem::take(&mut s.data_frames[dir]))
        } else {
            if end {
                s.data_frames[dir].clear();
            }
            None
        };
        let content_type = s.content_type.clone();
        let encoding = s.content_encoding[dir].clone().filter(|_| end);
        let body_all = fragments.as_ref().map(|_| s.body[dir].clone());
        let span = Span::new(self.off, payload.len() + 9);
        // A whole body in this one frame with a content encoding is shown decoded.
        let decoded_here = match (&encoding, &fragments) {
            (Some(enc), None) if !p.body.is_empty() => decompress(enc, p.body),
            _ => None,
        };
        if !p.body.is_empty() && fragments.is_none() && decoded_here.is_none() {
            cx.pkt.add(&DATA_DATA, body_span, Value::SpanBytes);
        }
        self.padding(cx, &p, payload.len());
        if let (Some(enc), Some(plain)) = (&encoding, decoded_here) {
            content_encoded(cx.pkt, span, enc, p.body.len(), plain);
        }
        if let (Some(frames), Some(body)) = (fragments, body_all) {
            cx.pkt.add_tree(&BODY_FRAGMENTS, span, Value::None, |pk| {
                for f in &frames {
                    pk.add(&BODY_FRAGMENT, span, Value::Uint(*f));
                }
                pk.add(&BODY_FRAGMENT_COUNT, span, Value::Uint(frames.len() as u64));
                pk.add(
                    &BODY_REASSEMBLED_LENGTH,
                    span,
                    Value::Uint(body.len() as u64),
                );
                pk.add_with(&BODY_REASSEMBLED_DATA, span, || {
                    Value::Bytes(body.clone().into())
                });
            });
            match encoding
                .as_deref()
                .and_then(|enc| decompress(enc, &body).map(|d| (enc, d)))
            {
                Some((enc, plain)) => content_encoded(cx.pkt, span, enc, body.len(), plain),
                None => cx
                    .pkt
                    .add_with(&DATA_DATA, span, || Value::Bytes(body.into())),
            }
        }
        let whole_body = if end {
            Some(self.conn.stream(id, frame, ts).body[dir].clone())
        } else {
            None
        };
        let media = content_type.as_deref().map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
        match (media.as_deref(), whole_body) {
            (Some("application/dns-message"), Some(body)) if !body.is_empty() => {
                // DNS over HTTPS (RFC 8484): the body is one DNS message.
                cx.in_source("HTTP2 body", &body, |inner| {
                    crate::app::dns::dissect_message(inner, 0, &body);
                });
                // Wireshark names DNS carried this way in the Protocol column.
                cx.pkt.summary.protocol = "DoH";
            }
            (Some(m), Some(body)) if !body.is_empty() => {
                let lines = text_lines::media_type(m).is_some_and(|media| {
                    text_body(cx, media, &body, p.body, body_span, encoding.as_deref())
                });
                if !lines {
                    let _ = write!(FmtInfo(cx.pkt), " ({m})");
                }
            }
            _ => {}
        }
        if !allowed {
            self.state_violation(cx, "DATA");
        }
        self.flow_data(cx, payload.len() as u32);
    }

    /// Flow control of a DATA frame of `len` bytes (padding included).
    fn flow_data(&mut self, cx: &mut Cx<'_>, len: u32) {
        let span = Span::new(self.off, len as usize + 9);
        let (dir, id) = (self.dir, self.h.stream);
        let conn_ev = stream::spend(&mut self.conn.conn_window[dir], len);
        report_window(
            cx.pkt,
            span,
            conn_ev,
            "connection",
            &mut self.conn.conn_stalled[dir],
        );
        let s = self.conn.stream(id, self.frame, self.ts);
        let ev = stream::spend(&mut s.window[dir], len);
        let mut stalled = s.stalled[dir];
        report_window(cx.pkt, span, ev, &format!("stream {id}"), &mut stalled);
        s.stalled[dir] = stalled;
    }

    fn state_violation(&mut self, cx: &mut Cx<'_>, what: &str) {
        let id = self.h.stream;
        let span = Span::new(self.off, self.h.length as usize + 9);
        let reset = self.conn.streams.get(&id).and_then(|s| s.reset);
        match reset {
            // Frames already in flight when the peer reset the stream: allowed
            // (RFC 9113 section 5.4.2), the receiver ignores them.
            Some((_, by)) if by != self.dir => cx.pkt.expert_field(
                &EXP_STREAM_STATE,
                Severity::Note,
                Group::Sequence,
                span,
                format!("{what} on stream {id} after the peer reset it (in flight, ignored)"),
            ),
            _ => cx.pkt.expert_field(
                &EXP_STREAM_STATE,
                Severity::Warn,
                Group::Protocol,
                span,
                format!("{what} on stream {id}, which is not in a state to carry it"),
            ),
        }
    }

    pub(super) fn headers(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Some(p) = self.padded(cx, payload) else {
            return;
        };
        let mut block = p.body;
        let mut block_at = self.pay_off + p.body_at;
        if self.h.has(frame::FLAG_PRIORITY) {
            match frame::priority(block) {
                Ok((rest, pr)) => {
                    priority_fields(cx.pkt, block_at, &pr);
                    block = rest;
                    block_at += frame::PRIORITY_LEN;
                }
                Err(_) => {
                    cx.pkt.malformed(
                        Span::new(block_at, block.len()),
                        "HEADERS priority block cut short",
                    );
                    return;
                }
            }
        }
        cx.pkt
            .add(&HEADERS, Span::new(block_at, block.len()), Value::SpanBytes);
        self.padding(cx, &p, payload.len());
        let end_stream = self.h.has(frame::FLAG_END_STREAM);
        let from_client = self.sent_by_client();
        let (frame, ts, id) = (self.frame, self.ts, self.h.stream);
        let allowed = self
            .conn
            .stream(id, frame, ts)
            .on_headers(from_client, end_stream);
        if !self.conn.seen_headers {
            self.conn.seen_headers = true;
            let d = self.conn.timeline_dir(self.dir);
            self.conn.timeline.push(
                ts,
                frame,
                d,
                "http2.headers",
                format!("first HEADERS (stream {id})"),
            );
        }
        self.header_block(cx, block, block_at, id);
        if !allowed {
            self.state_violation(cx, "HEADERS");
        }
    }

    pub(super) fn continuation(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        cx.pkt
            .add(&PAD_LENGTH, Span::new(self.pay_off, 0), Value::Uint(0));
        cx.pkt.add_with(
            &CONTINUATION_HEADER,
            Span::new(self.pay_off, payload.len()),
            || Value::Str(ascii_text(payload).into()),
        );
        let id = self.conn.continuing[self.dir].unwrap_or(self.h.stream);
        self.header_block(cx, payload, self.pay_off, id);
    }

    pub(super) fn push_promise(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Some(p) = self.padded(cx, payload) else {
            return;
        };
        let at = self.pay_off + p.body_at;
        let Ok((block, (r, promised))) = frame::reserved_u31(p.body) else {
            cx.pkt
                .malformed(Span::new(at, p.body.len()), "PUSH_PROMISE cut short");
            return;
        };
        cx.pkt
            .add(&PUSH_PROMISE_R, Span::new(at, 4), Value::Uint(r.into()));
        cx.pkt.add(
            &PROMISED_STREAM_ID,
            Span::new(at, 4),
            Value::Uint(promised.into()),
        );
        cx.pkt.add(
            &PUSH_PROMISE_HEADER,
            Span::new(at + 4, block.len()),
            Value::SpanBytes,
        );
        self.padding(cx, &p, payload.len());
        let by_server = !self.sent_by_client();
        self.conn
            .stream(promised, self.frame, self.ts)
            .on_promised(by_server);
        self.header_block(cx, block, at + 4, promised);
    }

    /// Decodes a header block fragment with the direction's HPACK decoder and
    /// shows its headers; the stream `id` learns what they say.
    fn header_block(&mut self, cx: &mut Cx<'_>, block: &[u8], at: usize, id: u32) {
        let dir = self.dir;
        let end = self.h.has(frame::FLAG_END_HEADERS);
        self.conn.continuing[dir] = if end { None } else { Some(id) };
        let decoded = self.conn.hpack[dir].fragment(block, end, self.frame);
        let span = Span::new(at, block.len());
        if let Some(since) = decoded.lost_since {
            cx.pkt.expert_field(
                &EXP_HPACK_UNDECODABLE,
                Severity::Warn,
                Group::Undecoded,
                span,
                format!("header block not decoded: the header table of this direction was lost in frame {since}"),
            );
            return;
        }
        let headers: Vec<&hpack::Header> = decoded
            .items
            .iter()
            .filter_map(|i| match i {
                hpack::Item::Header(h) => Some(h),
                hpack::Item::SizeUpdate { .. } => None,
            })
            .collect();
        if !decoded.items.is_empty() || end {
            let total: usize = headers
                .iter()
                .map(|h| h.name.len() + h.value.len() + 8)
                .sum();
            cx.pkt.add(&HEADER_LENGTH, span, Value::Uint(total as u64));
            cx.pkt
                .add(&HEADER_COUNT, span, Value::Uint(decoded.items.len() as u64));
        }
        let (frame, ts) = (self.frame, self.ts);
        let stream = self.conn.stream(id, frame, ts);
        let mut held = 0;
        let mut first_request_line = None;
        for item in &decoded.items {
            match item {
                hpack::Item::SizeUpdate { size, at: a, len } => {
                    let s = Span::new(at + a, *len);
                    cx.pkt.add_tree(&TABLE_SIZE_UPDATE, s, Value::None, |p| {
                        p.add(&TABLE_SIZE, s, Value::Uint((*size).into()));
                    });
                }
                hpack::Item::Header(h) => {
                    let name = String::from_utf8_lossy(&h.name);
                    let value = String::from_utf8_lossy(&h.value);
                    held += stream.note_header(dir, &name, &value, self.body_room);
                    decoded_header_fields(cx.pkt, Span::new(at + h.at, h.len), h, &name, &value);
                }
            }
        }
        if decoded.dropped > 0 {
            cx.pkt.expert_field(
                &EXP_HEADER_LIST_CUT,
                Severity::Warn,
                Group::Protocol,
                span,
                format!(
                    "header list cut at {} bytes (MAX_HEADER_LIST_BYTES): {} more headers decoded but not shown, {} bytes in all",
                    hpack::MAX_HEADER_LIST_BYTES,
                    decoded.dropped,
                    decoded.list_bytes
                ),
            );
        }
        if let Some(e) = &decoded.error {
            cx.pkt.expert_field(
                &EXP_HPACK_UNDECODABLE,
                Severity::Error,
                Group::Malformed,
                span,
                format!("header block not decodable ({e}): later header blocks of this direction are not decoded"),
            );
        }
        let is_request = headers.iter().any(|h| h.name == b":method");
        let is_response = headers.iter().any(|h| h.name == b":status");
        if is_request {
            stream.request_frame.get_or_insert(frame);
            let uri = format!(
                "{}://{}{}",
                stream.scheme.as_deref().unwrap_or("http"),
                stream.authority.as_deref().unwrap_or(""),
                stream.path.as_deref().unwrap_or("")
            );
            first_request_line = Some(stream.request_line());
            cx.pkt.add_with(&FULL_URI, span, || Value::Str(uri.into()));
        }
        if is_response && stream.response_frame.is_none() {
            stream.response_frame = Some(frame);
            stream.response_ts = Some(ts);
        }
        self.conn.body_held += held;
        if let Some(line) = first_request_line {
            let _ = write!(FmtInfo(cx.pkt), ": {line}");
        } else if let Some(status) = headers
            .iter()
            .find(|h| h.name == b":status")
            .map(|h| String::from_utf8_lossy(&h.value).into_owned())
        {
            let reason = status.parse().map(http::status_desc).unwrap_or("Unknown");
            let _ = write!(FmtInfo(cx.pkt), ": {status} {reason}");
        }
    }

    pub(super) fn priority(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        match frame::priority(payload) {
            Ok((_, pr)) => priority_fields(cx.pkt, self.pay_off, &pr),
            Err(_) => cx.pkt.malformed(
                Span::new(self.pay_off, payload.len()),
                "PRIORITY frame shorter than 5 bytes",
            ),
        }
    }

    pub(super) fn rst_stream(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Ok((_, code)) = nom::number::complete::be_u32::<_, nom::error::Error<&[u8]>>(payload)
        else {
            cx.pkt.malformed(
                Span::new(self.pay_off, payload.len()),
                "RST_STREAM frame shorter than 4 bytes",
            );
            return;
        };
        cx.pkt.add(
            &RST_ERROR,
            Span::new(self.pay_off, 4),
            Value::Uint(code.into()),
        );
        let (dir, frame, ts, id) = (self.dir, self.frame, self.ts, self.h.stream);
        self.conn.stream(id, frame, ts).on_reset(code, dir);
        let d = self.conn.timeline_dir(dir);
        let name = frame::error_name(code.into()).unwrap_or("unknown error");
        self.conn.timeline.push(
            ts,
            frame,
            d,
            "http2.rst_stream",
            format!("RST_STREAM stream {id} ({name})"),
        );
    }

    pub(super) fn settings(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let (dir, frame, ts) = (self.dir, self.frame, self.ts);
        let d = self.conn.timeline_dir(dir);
        if self.h.has(frame::FLAG_ACK) {
            if !self.conn.seen_ack[dir] {
                self.conn.seen_ack[dir] = true;
                self.conn
                    .timeline
                    .push(ts, frame, d, "http2.settings_ack", "SETTINGS ACK");
            }
            return;
        }
        if !self.conn.seen_settings[dir] {
            self.conn.seen_settings[dir] = true;
            self.conn
                .timeline
                .push(ts, frame, d, "http2.settings", "SETTINGS");
        }
        let mut rest = payload;
        let mut at = self.pay_off;
        while !rest.is_empty() {
            let Ok((next, s)) = frame::setting(rest) else {
                cx.pkt.malformed(
                    Span::new(at, rest.len()),
                    "SETTINGS payload is not a multiple of 6 bytes",
                );
                return;
            };
            setting_fields(cx.pkt, at, s);
            self.apply_setting(cx, s);
            rest = next;
            at += frame::SETTING_LEN;
        }
    }

    /// A setting sent by `dir` governs what the other direction may send.
    fn apply_setting(&mut self, cx: &mut Cx<'_>, s: frame::Setting) {
        let peer = 1 - self.dir;
        match s.id {
            settings::HEADER_TABLE_SIZE => self.conn.hpack[peer].set_max_allowed(s.value),
            settings::INITIAL_WINDOW_SIZE => {
                let new = i64::from(s.value);
                let delta = new - self.conn.initial_window[peer];
                self.conn.initial_window[peer] = new;
                for st in self.conn.streams.values_mut() {
                    st.window[peer] += delta;
                }
                if new > settings::MAX_WINDOW {
                    cx.pkt.expert_field(
                        &EXP_WINDOW_OVERFLOW,
                        Severity::Error,
                        Group::Protocol,
                        Span::new(self.off, 9 + self.h.length as usize),
                        "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 (FLOW_CONTROL_ERROR)",
                    );
                }
            }
            _ => {}
        }
    }

    pub(super) fn ping(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let field = if self.h.has(frame::FLAG_ACK) {
            &PONG
        } else {
            &PING
        };
        cx.pkt.add(
            field,
            Span::new(self.pay_off, payload.len()),
            Value::SpanBytes,
        );
    }

    pub(super) fn goaway(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Ok((rest, (r, last, code))) = frame::goaway(payload) else {
            cx.pkt.malformed(
                Span::new(self.pay_off, payload.len()),
                "GOAWAY frame shorter than 8 bytes",
            );
            return;
        };
        let at = self.pay_off;
        cx.pkt
            .add(&GOAWAY_R, Span::new(at, 4), Value::Uint(r.into()));
        cx.pkt.add(
            &GOAWAY_LAST_STREAM,
            Span::new(at, 4),
            Value::Uint(last.into()),
        );
        cx.pkt.add(
            &GOAWAY_ERROR,
            Span::new(at + 4, 4),
            Value::Uint(code.into()),
        );
        if !rest.is_empty() {
            cx.pkt.add(
                &GOAWAY_ADDATA,
                Span::new(at + 8, rest.len()),
                Value::SpanBytes,
            );
        }
        let dir = self.dir;
        if !self.conn.seen_goaway[dir] {
            self.conn.seen_goaway[dir] = true;
            let d = self.conn.timeline_dir(dir);
            let name = frame::error_name(code.into()).unwrap_or("unknown error");
            self.conn.timeline.push(
                self.ts,
                self.frame,
                d,
                "http2.goaway",
                format!("GOAWAY last stream {last} ({name})"),
            );
        }
    }

    pub(super) fn window_update(&mut self, cx: &mut Cx<'_>, payload: &[u8]) {
        let Ok((_, (r, inc))) = frame::reserved_u31(payload) else {
            cx.pkt.malformed(
                Span::new(self.pay_off, payload.len()),
                "WINDOW_UPDATE frame shorter than 4 bytes",
            );
            return;
        };
        let at = self.pay_off;
        cx.pkt
            .add(&WINDOW_UPDATE_R, Span::new(at, 4), Value::Uint(r.into()));
        cx.pkt.add(
            &WINDOW_UPDATE_INCREMENT,
            Span::new(at, 4),
            Value::Uint(inc.into()),
        );
        // The increment is for what the other direction may send.
        let peer = 1 - self.dir;
        let span = Span::new(self.off, 13);
        let id = self.h.stream;
        let ev = if id == 0 {
            self.conn.conn_stalled[peer] = false;
            stream::grant(&mut self.conn.conn_window[peer], inc)
        } else {
            let s = self.conn.stream(id, self.frame, self.ts);
            s.stalled[peer] = false;
            stream::grant(&mut s.window[peer], inc)
        };
        let what = if id == 0 {
            "connection".to_string()
        } else {
            format!("stream {id}")
        };
        report_window(cx.pkt, span, ev, &what, &mut false);
    }
}

/// Wireshark's path components of a `:path` with a query: each path
/// segment (`/a`), then each `&`-separated query parameter.
fn path_components(p: &mut Packet, span: Span, path: &str) {
    let Some((segments, query)) = path.split_once('?') else {
        return;
    };
    for seg in segments.split_inclusive('/').filter(|s| *s != "/") {
        let seg = if seg.starts_with('/') {
            seg.trim_end_matches('/').to_string()
        } else {
            format!("/{}", seg.trim_end_matches('/'))
        };
        p.add(
            &crate::app::http::PATH_SEGMENT,
            span,
            Value::Str(seg.into()),
        );
    }
    for part in query.split('&').filter(|q| !q.is_empty()) {
        p.add(
            &crate::app::http::PATH_SUB_SEGMENT,
            span,
            Value::Str(part.into()),
        );
    }
}

/// Expert items for a window event: exceeding a window and overflowing one
/// are errors; a window reaching zero is a note, once until it reopens.
pub(super) fn report_window(
    p: &mut Packet,
    span: Span,
    ev: WindowEvent,
    what: &str,
    stalled: &mut bool,
) {
    match ev {
        WindowEvent::Ok => {}
        WindowEvent::Exceeded(w) => p.expert_field(
            &EXP_WINDOW_EXCEEDED,
            Severity::Error,
            Group::Protocol,
            span,
            format!(
                "DATA exceeds the {what} flow-control window by {} bytes",
                -w
            ),
        ),
        WindowEvent::Stalled => {
            if !*stalled {
                *stalled = true;
                p.expert_field(
                    &EXP_WINDOW_ZERO,
                    Severity::Note,
                    Group::Sequence,
                    span,
                    format!("the {what} flow-control window is zero: the sender must wait for WINDOW_UPDATE"),
                );
            }
        }
        WindowEvent::Overflow(w) => p.expert_field(
            &EXP_WINDOW_OVERFLOW,
            Severity::Error,
            Group::Protocol,
            span,
            format!(
                "WINDOW_UPDATE takes the {what} window to {w}, above 2^31-1 (FLOW_CONTROL_ERROR)"
            ),
        ),
    }
}

pub(super) fn priority_fields(p: &mut Packet, at: usize, pr: &frame::Priority) {
    let s = Span::new(at, 4);
    p.add(&EXCLUSIVE, s, Value::Bool(pr.exclusive));
    p.add(&STREAM_DEPENDENCY, s, Value::Uint(pr.dependency.into()));
    let w = Span::new(at + 4, 1);
    p.add(&WEIGHT, w, Value::Uint(pr.weight.into()));
    p.add(&WEIGHT_REAL, w, Value::Uint(u64::from(pr.weight) + 1));
}

/// One SETTINGS parameter as Wireshark shows it: an `http2.settings` node with
/// the identifier and the value under its own name.
pub fn setting_fields(p: &mut Packet, at: usize, s: frame::Setting) {
    let span = Span::new(at, frame::SETTING_LEN);
    p.add_tree(&SETTINGS, span, Value::None, |p| {
        p.add(&SETTINGS_ID, Span::new(at, 2), Value::Uint(s.id.into()));
        p.add(
            fields::setting_field(s.id),
            Span::new(at + 2, 4),
            Value::Uint(s.value.into()),
        );
    });
}

pub(super) fn decoded_header_fields(
    p: &mut Packet,
    span: Span,
    h: &hpack::Header,
    name: &str,
    value: &str,
) {
    if !p.tree {
        return;
    }
    p.add_tree(&HEADER, span, Value::None, |p| {
        p.add(&HEADER_NAME_LENGTH, span, Value::Uint(h.name.len() as u64));
        p.add(&HEADER_NAME, span, Value::Str(name.into()));
        p.add(
            &HEADER_VALUE_LENGTH,
            span,
            Value::Uint(h.value.len() as u64),
        );
        p.add(&HEADER_VALUE, span, Value::Str(value.into()));
        if let Some(def) = fields::header_field(name) {
            p.add(def, span, Value::Str(value.into()));
            if name == ":path" {
                p.subtree(|p| path_components(p, span, value));
            }
        }
        p.add(
            &HEADER_UNESCAPED,
            span,
            Value::Str(percent_decode(value).into()),
        );
        p.add(&HEADER_REPR, span, Value::Static(h.repr.text()));
        if let Some(i) = h.index {
            p.add(&HEADER_INDEX, span, Value::Uint(i.into()));
        }
    });
}
