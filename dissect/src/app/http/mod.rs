//! A minimal HTTP/1.x dissector (RFC 9112): request and status lines, header
//! fields, and how long a message's body is (Content-Length or chunked), so
//! that stream reassembly can cut a connection into messages and an h2c
//! upgrade (RFC 7540 section 3.2) can hand the connection to HTTP/2.

use crate::app::{content_coding, text_lines};
use crate::dissector::Cx;
use std::fmt::Write as _;

use crate::model::{FieldDef, Group, Packet, Protocol, Severity, Shown, Span, Value};

pub static HTTP: Protocol = Protocol {
    name: "http",
    label: "Hypertext Transfer Protocol",
    short: "HTTP",
};

/// Longest header section looked for; past it the bytes are shown as they come.
pub const MAX_HEADER_SECTION: usize = 64 * 1024;

crate::declare_fields! {
    LINE = "http.line", "Line", None;
    CHAT = "http.chat", "Chat", None;
    REQUEST_METHOD = "http.request.method", "Request Method", String;
    REQUEST_URI = "http.request.uri", "Request URI", String;
    URI_PATH = "http.request.uri.path", "Request URI Path", String;
    URI_QUERY = "http.request.uri.query", "Request URI Query", String;
    URI_QUERY_PARAMETER = "http.request.uri.query.parameter", "Request URI Query Parameter", String;
    REQUEST_VERSION = "http.request.version", "Request Version", String;
    RESPONSE_VERSION = "http.response.version", "Response Version", String;
    RESPONSE_CODE = "http.response.code", "Status Code", U16;
    #[generated] RESPONSE_CODE_DESC = "http.response.code.desc", "Status Code Description", String;
    RESPONSE_PHRASE = "http.response.phrase", "Response Phrase", String;
    #[hidden] REQUEST_LINE = "http.request.line", "Request line", String;
    #[hidden] RESPONSE_LINE = "http.response.line", "Response line", String;
    #[line] HOST = "http.host", "Host", String;
    #[line] USER_AGENT = "http.user_agent", "User-Agent", String;
    #[line] ACCEPT = "http.accept", "Accept", String;
    #[line] ACCEPT_ENCODING = "http.accept_encoding", "Accept Encoding", String;
    #[line] ACCEPT_LANGUAGE = "http.accept_language", "Accept-Language", String;
    #[line] CONNECTION = "http.connection", "Connection", String;
    #[line] UPGRADE = "http.upgrade", "Upgrade", String;
    #[line] HTTP2_SETTINGS = "http.http2_settings", "HTTP2-Settings", String;
    #[line] CACHE_CONTROL = "http.cache_control", "Cache-Control", String;
    #[line] REFERER = "http.referer", "Referer", String;
    #[line] DATE = "http.date", "Date", String;
    #[line] SERVER = "http.server", "Server", String;
    #[line] LAST_MODIFIED = "http.last_modified", "Last-Modified", String;
    #[line] CONTENT_TYPE = "http.content_type", "Content-Type", String;
    #[line] CONTENT_ENCODING = "http.content_encoding", "Content-Encoding", String;
    #[line] TRANSFER_ENCODING = "http.transfer_encoding", "Transfer-Encoding", String;
    #[line] CONTENT_LENGTH_HEADER = "http.content_length_header", "Content-Length", String;
    #[generated] CONTENT_LENGTH = "http.content_length", "Content length", U64;
    #[line] COOKIE = "http.cookie", "Cookie", String;
    COOKIE_PAIR = "http.cookie_pair", "Cookie pair", String;
    #[line] SET_COOKIE = "http.set_cookie", "Set-Cookie", String;
    #[line] LOCATION = "http.location", "Location", String;
    #[line] AUTHORIZATION = "http.authorization", "Authorization", String;
    #[line] IF_MODIFIED_SINCE = "http.if_modified_since", "If-Modified-Since", String;
    CRLF = "http.crlf", "CRLF", None;
    #[generated] FULL_URI = "http.request.full_uri", "Full request URI", String;
    #[hidden] REQUEST = "http.request", "Request", Bool;
    #[hidden] RESPONSE = "http.response", "Response", Bool;
    #[format = request_number_text] REQUEST_NUMBER = "http.request_number", "Request number", U32;
    #[format = response_number_text] RESPONSE_NUMBER = "http.response_number", "Response number", U32;
    #[generated] TIME = "http.time", "Time since request", RelTime;
    #[generated] REQUEST_IN = "http.request_in", "Request in frame", FrameNum;
    #[generated] RESPONSE_FOR_URI = "http.response_for.uri", "Request URI", String;
    #[generated] PREV_REQUEST_IN = "http.prev_request_in", "Prev request in frame", FrameNum;
    #[generated] PREV_RESPONSE_IN = "http.prev_response_in", "Prev response in frame", FrameNum;
    #[format = file_data_text] FILE_DATA = "http.file_data", "File Data", String;
    CONTENT_ENCODED = "http.content_encoded", "Content-encoded entity body", None;
    PATH_SEGMENT = "http.path_segment", "Path segment", String;
    PATH_SUB_SEGMENT = "http.path_sub_segment", "Path sub segment", String;
    CHUNKED = "http.chunked_response", "HTTP chunked response", None;
    CHUNK = "http.chunk", "Data chunk", None;
    #[format = chunk_size_text] CHUNK_SIZE = "http.chunk_size", "Chunk size", U32;
    CHUNK_DATA = "http.chunk_data", "Chunk data", Bytes;
    CHUNK_BOUNDARY = "http.chunk_boundary", "Chunk boundary", Bytes;
}

/// The line of a header Wireshark has no field for: the request or response
/// line itself, shown in the tree as the header's text.
static UNKNOWN_REQUEST_HEADER: FieldDef = FieldDef {
    shown: Shown::Line,
    ..REQUEST_LINE
};
static UNKNOWN_RESPONSE_HEADER: FieldDef = FieldDef {
    shown: Shown::Line,
    ..RESPONSE_LINE
};

/// `[HTTP request 2/2]`: the request's number on its connection, of those
/// seen so far (tshark's single pass).
fn request_number_text(out: &mut String, _: &FieldDef, v: &Value, _: &[u8]) {
    number_text(out, "request", v);
}

fn response_number_text(out: &mut String, _: &FieldDef, v: &Value, _: &[u8]) {
    number_text(out, "response", v);
}

fn number_text(out: &mut String, what: &str, v: &Value) {
    let n = v.as_u64().unwrap_or(0);
    let _ = write!(out, "[HTTP {what} {n}/{n}]");
}

/// `Chunk size: 512 octets`.
fn chunk_size_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let n = v.as_u64().unwrap_or(0);
    let unit = if n == 1 { "octet" } else { "octets" };
    let _ = write!(out, "{}: {n} {unit}", def.label);
}

/// `File Data: 4705 bytes`.
fn file_data_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let len = match v {
        Value::Str(s) => s.len(),
        _ => 0,
    };
    let _ = write!(out, "{}: {len} bytes", def.label);
}

/// What [`message_len`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageLen {
    /// The message (head and body) is `len` bytes; `switches_to_h2` when it is
    /// the 101 response to an h2c upgrade (the bytes after it are HTTP/2).
    Complete {
        len: usize,
        switches_to_h2: bool,
    },
    NeedMore(usize),
}

/// The start line and header fields of a message.
struct Head<'a> {
    start: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    /// Length of the head including the blank line.
    len: usize,
    /// Length of the blank line: 2 ("\r\n"), or 1 for a bare "\n" (which
    /// Wireshark accepts as a line end too).
    blank: usize,
    /// Length of the start line with its line end.
    start_len: usize,
}

impl Head<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    fn status(&self) -> Option<u16> {
        let rest = self.start.strip_prefix("HTTP/")?;
        rest.split(' ').nth(1)?.parse().ok()
    }

    fn is_response(&self) -> bool {
        self.start.starts_with("HTTP/")
    }
}

fn parse_head(buf: &[u8]) -> Option<Head<'_>> {
    // The head ends at the first empty line: a line end followed by "\r\n" or "\n".
    let (end, blank) = buf
        .windows(3)
        .enumerate()
        .find_map(|(i, w)| match w {
            [b'\n', b'\r', b'\n'] => Some((i, 2)),
            [b'\n', b'\n', _] => Some((i, 1)),
            _ => None,
        })
        .or_else(|| buf.ends_with(b"\n\n").then(|| (buf.len() - 2, 1)))?;
    let text = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = text.split('\n').map(|l| l.trim_end_matches('\r'));
    let start = lines.next()?;
    let start_len = buf.iter().position(|&b| b == b'\n').map_or(end, |p| p + 1);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim(), v.trim()))
        .collect();
    Some(Head {
        start,
        headers,
        len: end + 1 + blank,
        blank,
        start_len,
    })
}

/// Whether the bytes begin like an HTTP/1.x request or response.
pub fn looks_like_http(buf: &[u8]) -> bool {
    const STARTS: &[&[u8]] = &[
        b"GET ",
        b"POST ",
        b"PUT ",
        b"HEAD ",
        b"DELETE ",
        b"OPTIONS ",
        b"PATCH ",
        b"CONNECT ",
        b"TRACE ",
        b"HTTP/",
    ];
    STARTS.iter().any(|s| {
        let n = buf.len().min(s.len());
        buf[..n] == s[..n]
    })
}

/// Whether `buf` holds no line end yet, within the length a message head
/// may have: too little to tell a message from other bytes.
pub fn first_line_incomplete(buf: &[u8]) -> bool {
    buf.len() <= MAX_HEADER_SECTION && !buf.contains(&b'\n')
}

/// How long the HTTP/1.x message at the start of `buf` is.
pub fn message_len(buf: &[u8]) -> MessageLen {
    if !looks_like_http(buf) {
        // Not a message start (a body sent until close, or not HTTP): as it comes.
        return MessageLen::Complete {
            len: buf.len(),
            switches_to_h2: false,
        };
    }
    let Some(head) = parse_head(buf) else {
        if buf.len() > MAX_HEADER_SECTION {
            return MessageLen::Complete {
                len: buf.len(),
                switches_to_h2: false,
            };
        }
        return MessageLen::NeedMore(1);
    };
    let status = head.status();
    let switches_to_h2 = status == Some(101)
        && head
            .header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("h2c"));
    let body = match body_len(&head, &buf[head.len..]) {
        Ok(n) => n,
        Err(more) => return MessageLen::NeedMore(more),
    };
    MessageLen::Complete {
        len: head.len + body,
        switches_to_h2,
    }
}

/// The body length after `head`, or how many more bytes are needed.
fn body_len(head: &Head<'_>, rest: &[u8]) -> Result<usize, usize> {
    if let Some(s) = head.status() {
        if s < 200 || s == 204 || s == 304 {
            return Ok(0);
        }
    }
    if head
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        return chunked_len(rest);
    }
    if let Some(cl) = head.header("content-length") {
        let n: usize = cl.parse().unwrap_or(0);
        return if rest.len() >= n {
            Ok(n)
        } else {
            Err(n - rest.len())
        };
    }
    // A response without a length runs until the connection closes: take what is here.
    Ok(if head.is_response() { rest.len() } else { 0 })
}

/// Length of a chunked body (chunks, last chunk, trailers, blank line).
fn chunked_len(buf: &[u8]) -> Result<usize, usize> {
    let mut at = 0;
    loop {
        let Some(eol) = buf[at..].windows(2).position(|w| w == b"\r\n") else {
            return Err(1);
        };
        let line = std::str::from_utf8(&buf[at..at + eol]).unwrap_or("");
        let hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16).unwrap_or(0);
        at += eol + 2;
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                let Some(eol) = buf[at..].windows(2).position(|w| w == b"\r\n") else {
                    return Err(1);
                };
                at += eol + 2;
                if eol == 0 {
                    return Ok(at);
                }
            }
        }
        let need = at.saturating_add(size).saturating_add(2);
        if buf.len() < need {
            // As Wireshark: a chunked body is looked at again with every
            // segment, not skipped to the end of the chunk.
            return Err(1);
        }
        at = need;
    }
}

/// The field Wireshark gives a header it knows.
fn header_field(name: &str) -> Option<&'static crate::model::FieldDef> {
    Some(match name.to_ascii_lowercase().as_str() {
        "host" => &HOST,
        "user-agent" => &USER_AGENT,
        "accept" => &ACCEPT,
        "accept-encoding" => &ACCEPT_ENCODING,
        "accept-language" => &ACCEPT_LANGUAGE,
        "connection" => &CONNECTION,
        "upgrade" => &UPGRADE,
        "http2-settings" => &HTTP2_SETTINGS,
        "cache-control" => &CACHE_CONTROL,
        "referer" => &REFERER,
        "date" => &DATE,
        "server" => &SERVER,
        "last-modified" => &LAST_MODIFIED,
        "content-type" => &CONTENT_TYPE,
        "content-encoding" => &CONTENT_ENCODING,
        "transfer-encoding" => &TRANSFER_ENCODING,
        "content-length" => &CONTENT_LENGTH_HEADER,
        "cookie" => &COOKIE,
        "set-cookie" => &SET_COOKIE,
        "location" => &LOCATION,
        "authorization" => &AUTHORIZATION,
        "if-modified-since" => &IF_MODIFIED_SINCE,
        _ => return None,
    })
}

/// Reason phrases Wireshark shows as `http.response.code.desc`.
pub fn status_desc(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The start line of the request or response `buf` begins, line end left
/// out, once it is whole.
pub fn start_line(buf: &[u8]) -> Option<&str> {
    let eol = buf.iter().position(|&b| b == b'\n')?;
    let line = buf[..eol].strip_suffix(b"\r").unwrap_or(&buf[..eol]);
    std::str::from_utf8(line)
        .ok()
        .filter(|_| looks_like_http(buf))
}

/// Dissects one HTTP/1.x message (as [`message_len`] cut it) at `off`.
pub fn dissect_message(cx: &mut Cx<'_>, off: usize, msg: &[u8]) -> usize {
    cx.pkt.begin_layer(&HTTP, Span::new(off, msg.len()));
    cx.pkt.set_title(|t| t.push_str(HTTP.label));
    let Some(head) = parse_head(msg).filter(|_| looks_like_http(msg)) else {
        cx.pkt.set_info(|i| i.push_str("Continuation"));
        return msg.len();
    };
    let start_len = head.start_len;
    let start_span = Span::new(off, start_len);
    let is_response = head.is_response();
    cx.pkt.set_info(|i| {
        i.push_str(head.start);
        i.push(' ');
    });
    let start = head.start;
    let text = format!("{start}\\r\\n");
    cx.pkt
        .add_with(&LINE, start_span, || Value::Text(text.clone().into()));
    cx.pkt.subtree(|p| {
        p.expert_field(
            &CHAT,
            Severity::Chat,
            Group::Sequence,
            start_span,
            text.clone(),
        );
        start_line_fields(p, off, start, is_response);
    });
    let mut at = off + start_len;
    let header_lines = msg
        .get(start_len..head.len - head.blank)
        .unwrap_or_default();
    for line in header_lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let len = line.len() + 1;
        let s = String::from_utf8_lossy(line);
        let s = s.trim_end_matches('\r');
        if let Some((name, value)) = s.split_once(':') {
            header_line(
                cx.pkt,
                Span::new(at, len),
                name.trim(),
                value.trim(),
                is_response,
                s,
            );
        }
        at += len;
    }
    let blank = if head.blank == 2 { "\\r\\n" } else { "\\n" };
    cx.pkt.add_with(&LINE, Span::new(at, head.blank), || {
        Value::Text(blank.into())
    });
    pair(cx, &head, start, is_response);
    let body = &msg[head.len..];
    let body_off = off + head.len;
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let plain: std::borrow::Cow<'_, [u8]> = if chunked && !body.is_empty() {
        chunks(cx.pkt, body_off, body).into()
    } else {
        body.into()
    };
    let body_span = Span::new(body_off, body.len());
    let decoded = decoded_body(cx.pkt, &head, body_span, &plain);
    let shown = decoded.as_deref().unwrap_or(&plain);
    if !shown.is_empty() && cx.pkt.tree {
        cx.pkt.add(
            &FILE_DATA,
            body_span,
            Value::Str(String::from_utf8_lossy(shown).into()),
        );
    }
    match (&decoded, chunked) {
        (Some(d), _) => text_body(cx, &head, 0, d, Some("Uncompressed entity body")),
        (None, true) => text_body(cx, &head, 0, &plain, Some("De-chunked entity body")),
        (None, false) => text_body(cx, &head, body_off, &plain, None),
    }
    msg.len()
}

/// A gzip or deflate body inflated, with Wireshark's "Content-encoded
/// entity body (gzip): 240 bytes -> 289 bytes" item; `None` when the body
/// has no content coding or does not inflate (then it is shown as sent).
fn decoded_body(p: &mut Packet, head: &Head<'_>, span: Span, body: &[u8]) -> Option<Vec<u8>> {
    let encoding = head.header("content-encoding")?.trim().to_ascii_lowercase();
    if body.is_empty() {
        return None;
    }
    let plain = content_coding::decompress(&encoding, body)?;
    p.add_with(&CONTENT_ENCODED, span, || {
        let text = format!(
            "Content-encoded entity body ({encoding}): {} bytes -> {} bytes",
            body.len(),
            plain.len()
        );
        Value::Text(text.into())
    });
    Some(plain)
}

/// Hands a body in a line-based text media type to `data-text-lines`: from
/// the frame at `off`, or, when it is not the frame's bytes as they are
/// (de-chunked, inflated), from a data source of that name.
fn text_body(
    cx: &mut Cx<'_>,
    head: &Head<'_>,
    off: usize,
    body: &[u8],
    source: Option<&'static str>,
) {
    if body.is_empty() {
        return;
    }
    let Some(media) = head.header("content-type").and_then(text_lines::media_type) else {
        return;
    };
    match source {
        Some(name) => {
            cx.in_source(name, body, |inner| {
                text_lines::dissect(inner, 0, body, media)
            });
        }
        None => {
            text_lines::dissect(cx, off, body, media);
        }
    }
}

/// Shows a chunked body as Wireshark does ("HTTP chunked response", one
/// "Data chunk (N octets)" per chunk, "End of chunked encoding") and returns
/// the de-chunked body.
fn chunks(p: &mut Packet, off: usize, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    p.add_with(&CHUNKED, Span::new(off, body.len()), || {
        Value::Text("HTTP chunked response".into())
    });
    p.subtree(|p| {
        let mut at = 0;
        while let Some(eol) = body[at..].windows(2).position(|w| w == b"\r\n") {
            let line = std::str::from_utf8(&body[at..at + eol]).unwrap_or("");
            let size_text = line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size_text, 16) else {
                break;
            };
            let data_at = at + eol + 2;
            if size == 0 {
                let span = Span::new(off + at, eol + 2);
                p.add_with(&CHUNK, span, || {
                    Value::Text("End of chunked encoding".into())
                });
                p.subtree(|p| p.add(&CHUNK_SIZE, span, Value::Uint(0)));
                if body.get(data_at..data_at + 2) == Some(b"\r\n") {
                    p.add_with(&CHUNK, Span::new(off + data_at, 2), || {
                        Value::Text("\\r\\n".into())
                    });
                }
                break;
            }
            let Some(data) = body.get(data_at..data_at + size) else {
                break;
            };
            plain.extend_from_slice(data);
            let span = Span::new(off + at, eol + 2 + size + 2);
            p.add_with(&CHUNK, span, || {
                Value::Text(format!("Data chunk ({size} octets)").into())
            });
            p.subtree(|p| {
                p.add(
                    &CHUNK_SIZE,
                    Span::new(off + at, eol),
                    Value::Uint(size as u64),
                );
                p.add(
                    &CHUNK_DATA,
                    Span::new(off + data_at, size),
                    Value::SpanBytes,
                );
                if body.get(data_at + size..data_at + size + 2) == Some(b"\r\n") {
                    p.add(
                        &CHUNK_BOUNDARY,
                        Span::new(off + data_at + size, 2),
                        Value::SpanBytes,
                    );
                }
            });
            at = data_at + size + 2;
            if at > body.len() {
                break;
            }
        }
    });
    plain
}

fn start_line_fields(p: &mut Packet, off: usize, start: &str, is_response: bool) {
    let mut parts = start.splitn(3, ' ');
    let (a, b, c) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let sa = Span::new(off, a.len());
    let sb = Span::new(off + a.len() + 1, b.len());
    let sc = Span::new(off + a.len() + b.len() + 2, c.len());
    if is_response {
        let code: u16 = b.parse().unwrap_or(0);
        p.add(&RESPONSE_VERSION, sa, Value::Str(a.into()));
        p.add(&RESPONSE_CODE, sb, Value::Uint(code.into()));
        p.add(&RESPONSE_CODE_DESC, sb, Value::Static(status_desc(code)));
        p.add(&RESPONSE_PHRASE, sc, Value::Str(c.into()));
    } else {
        p.add(&REQUEST_METHOD, sa, Value::Str(a.into()));
        p.add(&REQUEST_URI, sb, Value::Str(b.into()));
        uri_parts(p, sb.start as usize, b);
        p.add(&REQUEST_VERSION, sc, Value::Str(c.into()));
    }
}

/// The path and query of a request URI with a query, and the query's parameters.
fn uri_parts(p: &mut Packet, off: usize, uri: &str) {
    let Some((path, query)) = uri.split_once('?') else {
        return;
    };
    p.subtree(|p| {
        p.add(
            &URI_PATH,
            Span::new(off, path.len()),
            Value::Str(path.into()),
        );
        let query_off = off + path.len() + 1;
        p.add(
            &URI_QUERY,
            Span::new(query_off, query.len()),
            Value::Str(query.into()),
        );
        p.subtree(|p| {
            let mut at = query_off;
            for param in query.split('&') {
                p.add(
                    &URI_QUERY_PARAMETER,
                    Span::new(at, param.len()),
                    Value::Str(param.into()),
                );
                at += param.len() + 1;
            }
        });
    });
}

/// One header line: its known field (with details), then the line itself,
/// hidden when the field shows it.
fn header_line(p: &mut Packet, span: Span, name: &str, value: &str, is_response: bool, line: &str) {
    if !p.tree {
        return;
    }
    let known = header_field(name);
    if let Some(def) = known {
        p.add(def, span, Value::Str(value.into()));
        if def == &COOKIE {
            cookie_pairs(p, span, value);
        } else if def == &CONTENT_LENGTH_HEADER {
            if let Ok(n) = value.parse::<u64>() {
                p.subtree(|p| p.add(&CONTENT_LENGTH, span, Value::Uint(n)));
            }
        } else if def == &HTTP2_SETTINGS {
            let bytes = base64url(value);
            p.subtree(|p| {
                for s in bytes.chunks_exact(6) {
                    let id = u16::from_be_bytes([s[0], s[1]]);
                    let v = u32::from_be_bytes([s[2], s[3], s[4], s[5]]);
                    crate::app::http2::setting_fields(
                        p,
                        span.start as usize,
                        crate::app::http2::frame::Setting { id, value: v },
                    );
                }
            });
        }
    }
    let def = match (is_response, known.is_some()) {
        (false, true) => &REQUEST_LINE,
        (true, true) => &RESPONSE_LINE,
        (false, false) => &UNKNOWN_REQUEST_HEADER,
        (true, false) => &UNKNOWN_RESPONSE_HEADER,
    };
    p.add(def, span, Value::Str(format!("{line}\r\n").into()));
}

/// The `name=value` pairs of a Cookie header, as Wireshark lists them.
fn cookie_pairs(p: &mut Packet, span: Span, value: &str) {
    p.subtree(|p| {
        for pair in value.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            p.add(&COOKIE_PAIR, span, Value::Str(pair.into()));
        }
    });
}

/// Request/response pairing per connection, as Wireshark numbers them.
fn pair(cx: &mut Cx<'_>, head: &Head<'_>, start: &str, is_response: bool) {
    let Some(seg) = cx.tcp else {
        return;
    };
    let (frame, ts) = (cx.meta.number, cx.meta.ts);
    let conn = cx.state.http.connection(seg.stream, frame);
    let span = Span::new(0, 0);
    if !is_response {
        conn.client.get_or_insert(seg.dir & 1);
        conn.http1_requests += 1;
        let uri = start.split(' ').nth(1).unwrap_or("");
        // Over TLS (decrypted) the scheme is https.
        let tls = cx.pkt.layers.iter().any(|l| l.proto.name == "tls");
        let scheme = if tls { "https" } else { "http" };
        let full_uri = if uri.starts_with('/') {
            format!("{scheme}://{}{}", head.header("host").unwrap_or(""), uri)
        } else {
            uri.to_string()
        };
        if head
            .header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("h2c"))
        {
            conn.h2c_upgrade_asked = true;
            // The upgraded request is stream 1 of the HTTP/2 connection.
            let method = start.split(' ').next().unwrap_or("").to_string();
            let s = conn.stream(1, frame, ts);
            s.on_headers(true, true);
            s.method = Some(method);
            s.path = Some(uri.to_string());
            s.authority = head.header("host").map(str::to_string);
            s.request_frame = Some(frame);
        }
        let number = conn.http1_requests;
        let prev = conn.http1_last_request.replace(frame);
        conn.http1_pending
            .push(super::http2::state::PendingRequest {
                frame,
                ts,
                full_uri: full_uri.clone(),
                number,
                prev_request: prev,
            });
        if conn.http1_pending.len() > 64 {
            conn.http1_pending.remove(0);
        }
        let p = &mut *cx.pkt;
        p.add_with(&FULL_URI, span, || Value::Str(full_uri.into()));
        p.add(&REQUEST, span, Value::Bool(true));
        p.add(&REQUEST_NUMBER, span, Value::Uint(number.into()));
        if let Some(prev) = prev {
            p.add(&PREV_REQUEST_IN, span, Value::Uint(prev));
        }
        return;
    }
    conn.http1_responses += 1;
    let number = conn.http1_responses;
    let req = if conn.http1_pending.is_empty() {
        None
    } else {
        Some(conn.http1_pending.remove(0))
    };
    if head.status() == Some(101)
        && head
            .header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("h2c"))
    {
        conn.mode[seg.dir & 1] = super::http2::state::Mode::Http2;
    }
    let prev = conn.http1_last_response.replace(frame);
    let p = &mut *cx.pkt;
    p.add(&RESPONSE, span, Value::Bool(true));
    p.add(&RESPONSE_NUMBER, span, Value::Uint(number.into()));
    // Wireshark's order: time, the request's previous request, the previous
    // response, the request, its URI.
    if let Some(r) = &req {
        p.add(&TIME, span, Value::RelTime(ts.since(r.ts)));
        if let Some(prev_req) = r.prev_request {
            p.add(&PREV_REQUEST_IN, span, Value::Uint(prev_req));
        }
    }
    if let Some(prev) = prev {
        p.add(&PREV_RESPONSE_IN, span, Value::Uint(prev));
    }
    if let Some(r) = req {
        p.add(&REQUEST_IN, span, Value::Uint(r.frame));
        p.add_with(&RESPONSE_FOR_URI, span, || Value::Str(r.full_uri.into()));
    }
}

/// Decodes base64url without padding (the HTTP2-Settings header, RFC 7540
/// section 3.2.1); stops at the first character outside the alphabet.
fn base64url(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_messages() {
        let req = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET";
        assert_eq!(
            message_len(req),
            MessageLen::Complete {
                len: 27,
                switches_to_h2: false
            }
        );
        assert_eq!(
            message_len(b"GET / HTTP/1.1\r\nHo"),
            MessageLen::NeedMore(1)
        );
        let resp = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab";
        assert_eq!(message_len(resp), MessageLen::NeedMore(3));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(
            message_len(chunked),
            MessageLen::Complete {
                len: chunked.len(),
                switches_to_h2: false
            }
        );
        assert_eq!(
            message_len(&chunked[..chunked.len() - 2]),
            MessageLen::NeedMore(1)
        );
        let up =
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n\0\0";
        assert_eq!(
            message_len(up),
            MessageLen::Complete {
                len: up.len() - 2,
                switches_to_h2: true
            }
        );
    }

    #[test]
    fn http2_settings_header_decodes() {
        // The header of http2/h2c_upgrade.pcap frame 1, read from the corpus.
        let frame = crate::testutil::CorpusFrame::new("http2/h2c_upgrade.pcap", 1).bytes();
        let text = String::from_utf8_lossy(&frame);
        let value = text
            .split("\r\n")
            .find_map(|line| line.strip_prefix("HTTP2-Settings: "))
            .expect("an HTTP2-Settings header");
        assert_eq!(
            base64url(value),
            [0, 3, 0, 0, 0, 100, 0, 4, 0x40, 0, 0, 0, 0, 2, 0, 0, 0, 0]
        );
    }
}
