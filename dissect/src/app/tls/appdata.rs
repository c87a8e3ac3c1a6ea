//! Decrypted application data: each direction's plaintext is a byte stream
//! cut into the application protocol's PDUs (HTTP/1.x messages, HTTP/2
//! frames), which may span records. A PDU within one record is dissected
//! from that record's "Decrypted TLS" source; one spanning records is
//! dissected, in the record that completes it, from its own source.

use super::state::TlsSession;
use super::{info_item, Conn};
use crate::app::http2::state::Mode;
use crate::app::http2::{self, Framing};
use crate::dissector::Cx;
use crate::flow::reassembly::{self, Pdu, PduLen, PduParser};
use crate::model::{Packet, Protocol, Span, Value};

use super::fields::{REASSEMBLED_DATA, REASSEMBLED_LENGTH, SEGMENT, SEGMENT_COUNT, SEGMENT_DATA};

/// The application protocols decrypted data is handed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppProto {
    Http,
    Http2,
}

impl AppProto {
    /// `tls.app_data_proto`, as Wireshark names the protocol.
    pub fn label(self) -> &'static str {
        match self {
            AppProto::Http => "Hypertext Transfer Protocol",
            AppProto::Http2 => "HyperText Transfer Protocol 2",
        }
    }
}

/// The protocol of a connection's application data: by ALPN, else HTTP on port 443.
pub fn protocol(s: &TlsSession, conn: Conn) -> Option<AppProto> {
    match s.alpn.as_deref() {
        Some("h2") => Some(AppProto::Http2),
        Some(a) if a.starts_with("http/1") => Some(AppProto::Http),
        _ if conn.https => Some(AppProto::Http),
        _ => None,
    }
}

/// Name of the data source of a PDU put together from several records.
pub const REASSEMBLED_SOURCE: &str = "Reassembled TLS";

/// Dissects the plaintext of one record (the current data source, at 0).
pub fn dissect(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, proto: AppProto, plain: &[u8]) {
    let Some(seg) = cx.tcp else {
        return;
    };
    let dir = conn.dir.min(1);
    let frame = cx.meta.number;
    let http = cx.state.http.connection(seg.stream, frame);
    if proto == AppProto::Http2 && http.mode == [Mode::Http1; 2] {
        // ALPN chose h2: both sides speak HTTP/2 from the first byte.
        http.mode = [Mode::Http2; 2];
        http.client = s.client_dir;
    }
    let mut framing = Framing::new(http.mode[dir], http.pdus_seen[dir] == 0);
    let mut notes = Vec::new();
    let pdus = s.app[dir].push(frame, plain, &mut UntilClose(&mut framing), &mut notes);
    reassembly::report(cx.pkt, Span::new(0, plain.len()), &notes);
    let completed = !pdus.is_empty();
    let chain_before = cx.pkt.protocols.len();
    for pdu in pdus {
        if pdu.spans_segments {
            cx.in_source(REASSEMBLED_SOURCE, &pdu.data, |cx| {
                add_segments_item(cx.pkt, &pdu);
                http2::dissect_pdu(cx, 0, &pdu.data);
            });
        } else if let Some(bytes) = plain.get(pdu.start..pdu.start + pdu.data.len()) {
            http2::dissect_pdu(cx, pdu.start, bytes);
        }
    }
    // The protocol is handed the record's plaintext once, whatever number of
    // PDUs it holds: it is named once in the chain (as in Wireshark).
    dedup_protocols(cx.pkt, chain_before);
    let pending = s.app[dir].pending_len().min(plain.len());
    if pending > 0 {
        let layer = tls_layer(cx);
        if let Some(layer) = layer {
            cx.pkt.add_to_layer(
                layer,
                &SEGMENT_DATA,
                Span::new(plain.len() - pending, pending),
                Value::SpanBytes,
            );
        }
        if !completed {
            let info = &mut cx.pkt.summary.info;
            if let Some(rest) = info.strip_suffix("Application Data") {
                let keep = rest.trim_end_matches(", ").len();
                info.truncate(keep);
            }
            info_item(cx, "[TLS segment of a reassembled PDU]");
        }
    }
}

/// Wireshark's top-level "[N Reassembled TLS Segments (L bytes): #a(x), ...]"
/// item before a PDU put together from several records. A tree item, not a
/// protocol: not named in `frame.protocols`.
pub static SEGMENTS: Protocol = Protocol {
    name: "tls.segments",
    label: "Reassembled TLS Segments",
    short: "TLS",
};

/// The segments item of a PDU dissected from its own data source (the current one).
fn add_segments_item(pkt: &mut Packet, pdu: &Pdu) {
    let whole = Span::new(0, pdu.data.len());
    let protocol = pkt.summary.protocol;
    pkt.begin_layer(&SEGMENTS, whole);
    pkt.protocols.pop();
    pkt.summary.protocol = protocol;
    if !pkt.tree {
        return;
    }
    pkt.set_title(|t| {
        use std::fmt::Write as _;
        let list: Vec<String> = pdu
            .segments
            .iter()
            .map(|(frame, len)| format!("#{frame}({len})"))
            .collect();
        let _ = write!(
            t,
            "[{} Reassembled TLS Segments ({} bytes): {}]",
            pdu.segments.len(),
            pdu.data.len(),
            list.join(", ")
        );
    });
    let mut at = 0;
    for (frame, len) in &pdu.segments {
        pkt.add(
            &SEGMENT,
            Span::new(at.min(pdu.data.len()), *len),
            Value::Uint(*frame),
        );
        at += len;
    }
    let n = pdu.segments.len() as u64;
    pkt.add(&SEGMENT_COUNT, whole, Value::Uint(n));
    pkt.add(
        &REASSEMBLED_LENGTH,
        whole,
        Value::Uint(pdu.data.len() as u64),
    );
    pkt.add(&REASSEMBLED_DATA, whole, Value::SpanBytes);
}

/// Drops repeats of the first protocol named after `from` in the chain.
fn dedup_protocols(pkt: &mut Packet, from: usize) {
    let Some(&first) = pkt.protocols.get(from) else {
        return;
    };
    let mut i = from + 1;
    while i < pkt.protocols.len() {
        if pkt.protocols[i] == first {
            pkt.protocols.remove(i);
        } else {
            i += 1;
        }
    }
}

/// The innermost `tls` layer of the packet.
fn tls_layer(cx: &Cx<'_>) -> Option<u8> {
    cx.pkt
        .layers
        .iter()
        .rposition(|l| std::ptr::eq(l.proto, &super::TLS))
        .map(|i| i as u8)
}

/// HTTP framing over TLS: as over TCP, except that a response whose body
/// runs until the connection closes is never complete (TLS does not see the
/// close; Wireshark keeps asking for more too).
struct UntilClose<'a>(&'a mut Framing);

impl PduParser for UntilClose<'_> {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
        if self.0.mode == Mode::Http1 && response_until_close(buf) {
            return PduLen::NeedMore(1);
        }
        self.0.pdu_len(buf)
    }
}

/// An HTTP/1.x response head with a body but no length: it ends at the close.
fn response_until_close(buf: &[u8]) -> bool {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let Ok(head) = std::str::from_utf8(&buf[..end]) else {
        return false;
    };
    let mut lines = head.split("\r\n");
    let Some(status) = lines
        .next()
        .and_then(|l| l.strip_prefix("HTTP/"))
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse::<u16>().ok())
    else {
        return false;
    };
    if status < 200 || status == 204 || status == 304 {
        return false;
    }
    !lines.any(|l| {
        let name = l.split(':').next().unwrap_or("").trim();
        name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
    })
}

#[cfg(test)]
mod tests {
    use super::response_until_close;

    #[test]
    fn only_responses_without_a_length_run_until_close() {
        assert!(response_until_close(
            b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody"
        ));
        assert!(!response_until_close(
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"
        ));
        assert!(!response_until_close(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
        assert!(!response_until_close(b"HTTP/1.1 304 Not Modified\r\n\r\n"));
        assert!(!response_until_close(b"GET / HTTP/1.0\r\n\r\n"));
        // The head is not complete yet: the framing decides when it is.
        assert!(!response_until_close(b"HTTP/1.0 200 OK\r\nServer"));
    }
}
