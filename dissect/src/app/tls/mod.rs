//! TLS 1.0–1.3 (RFC 2246, 4346, 5246, 8446) over TCP.
//!
//! The byte stream is cut into records by [`RecordFraming`] (the 5-byte
//! record header says how long each record is), so a record spanning
//! segments is dissected once, in the packet that completes it, and several
//! records in one segment each get a call. Consecutive records from the same
//! bytes share one `tls` layer, as in Wireshark.
//!
//! - [`record`]: the record layer and what each content type holds.
//! - [`handshake`]: handshake messages; [`extensions`]: hello extensions.
//! - [`names`]: IANA registry names; [`fields`]: the display-filter fields.
//! - [`x509`]: certificate summaries; [`fingerprint`]: JA3, JA3S and JA4.
//! - [`state`]: per-connection state and the handshake timeline.
//! - [`decrypt`]: decryption with key log secrets (`tls.keylog_file`, pcapng
//!   Decryption Secrets Blocks); decrypted records are dissected from a
//!   "Decrypted TLS" data source, and [`appdata`] hands their application
//!   data to HTTP/1.x, HTTP/2 or data, put together across records.

pub mod appdata;
pub mod cursor;
pub mod decrypt;
pub mod extensions;
pub mod fields;
pub mod fingerprint;
pub mod handshake;
pub mod names;
pub mod record;
pub mod state;
pub mod x509;
pub mod x509tree;

#[cfg(test)]
mod corpus_frames;
#[cfg(test)]
mod tests;

use crate::dissector::Cx;
use crate::flow::reassembly::{PduLen, PduParser};
use crate::model::{Protocol, Span, FRAME_SOURCE};

pub use fields::FIELDS;

pub static TLS: Protocol = Protocol {
    name: "tls",
    label: "Transport Layer Security",
    short: "TLS",
};

/// The record header: content type, version, length.
pub const RECORD_HEADER_LEN: usize = 5;

/// Longest record payload RFC 8446 allows (2^14 plus the expansion AEAD may add).
pub const MAX_RECORD_LEN: usize = (1 << 14) + 256;

/// Cuts a TLS byte stream into records.
pub struct RecordFraming;

impl PduParser for RecordFraming {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
        let Some(h) = buf.get(..RECORD_HEADER_LEN) else {
            // Reject garbage early when even the first bytes cannot start a record.
            if let Some(&t) = buf.first() {
                if !(20..=24).contains(&t) {
                    return PduLen::Invalid;
                }
            }
            return PduLen::NeedMore(RECORD_HEADER_LEN - buf.len());
        };
        if !(20..=24).contains(&h[0]) || h[1] != 3 {
            return PduLen::Invalid;
        }
        let len = RECORD_HEADER_LEN + u16::from_be_bytes([h[3], h[4]]) as usize;
        if buf.len() >= len {
            PduLen::Complete(len)
        } else {
            PduLen::NeedMore(len - buf.len())
        }
    }
}

/// What identifies the connection a record belongs to: `tcp.stream` and direction.
#[derive(Clone, Copy, Debug)]
pub struct Conn {
    pub stream: u32,
    pub dir: usize,
    /// Either port is 443 (Wireshark's TLS port table maps it to HTTP).
    pub https: bool,
}

impl Conn {
    fn of(cx: &Cx<'_>) -> Conn {
        match cx.tcp {
            Some(t) => Conn {
                stream: t.stream,
                dir: t.dir,
                https: t.src_port == 443 || t.dst_port == 443,
            },
            // Without TCP (unit tests on a bare record): one anonymous connection.
            None => Conn {
                stream: u32::MAX,
                dir: 0,
                https: false,
            },
        }
    }
}

/// Dissects one record (header and body) at absolute offset `off`, as stream
/// reassembly hands it over. Claims the whole PDU.
pub fn dissect_record_pdu(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) -> usize {
    enter_layer(cx, off, pdu.len());
    let conn = Conn::of(cx);
    let mut session = std::mem::take(cx.state.tls.session(conn.stream));
    record::dissect(cx, &mut session, conn, off, pdu);
    note_handshake_latency(cx, &mut session);
    *cx.state.tls.session(conn.stream) = session;
    pdu.len()
}

/// The record that completed the handshake (the later Finished) carries its
/// duration, once per session.
fn note_handshake_latency(cx: &mut Cx<'_>, session: &mut state::TlsSession) {
    if session.handshake_latency_noted {
        return;
    }
    if let Some(d) = session.handshake_duration() {
        session.handshake_latency_noted = true;
        cx.pkt.latencies.push(crate::model::Latency {
            kind: crate::model::LatencyKind::TlsHandshake,
            value: d,
        });
    }
}

/// Begins the `tls` layer, or extends the previous one when the record follows
/// another from the same frame bytes (Wireshark shows them under one layer).
fn enter_layer(cx: &mut Cx<'_>, off: usize, len: usize) {
    let from_frame = std::ptr::eq(cx.data.as_ptr(), cx.frame.as_ptr());
    let first_tls = !cx.pkt.layers.iter().any(|l| std::ptr::eq(l.proto, &TLS));
    let extend = from_frame
        && cx
            .pkt
            .layers
            .last()
            .is_some_and(|l| std::ptr::eq(l.proto, &TLS) && l.source == FRAME_SOURCE);
    if extend {
        if let Some(l) = cx.pkt.layers.last_mut() {
            let end = off + len;
            l.span.len = (end.saturating_sub(l.span.start as usize)) as u32;
        }
    } else {
        cx.pkt.begin_layer(&TLS, Span::new(off, len));
        cx.pkt.set_title(|t| t.push_str(TLS.label));
    }
    if first_tls {
        // The TLS items replace the TCP summary, as in Wireshark.
        cx.pkt.summary.info.clear();
    }
}

/// Info of a segment that completed no record, as Wireshark words it: a
/// segment starting a record is only that; one inside a record keeps the TCP
/// summary with the note appended.
pub fn mark_segment_of_pdu(cx: &mut Cx<'_>, payload: &[u8]) {
    const NOTE: &str = "[TCP segment of a reassembled PDU]";
    let starts_record = matches!(payload, [20..=24, 3, ..]);
    if cx.pkt.summary.info.starts_with("[TCP Retransmission]") {
        // Bytes already delivered: Wireshark does not offer them to TLS again.
        return;
    }
    if starts_record && cx.prefs.tls_keylog.is_some() {
        // With keys, Wireshark's TLS dissector looks at the record start
        // before asking for the rest: an empty `tls` item is left behind
        // (named in the chain, not in the Protocol column).
        let protocol = cx.pkt.summary.protocol;
        cx.pkt.begin_layer(&TLS, Span::new(0, 0));
        cx.pkt.set_title(|t| t.push_str(TLS.label));
        cx.pkt.summary.protocol = protocol;
    }
    let info = &mut cx.pkt.summary.info;
    if starts_record {
        info.clear();
    } else if !info.is_empty() {
        info.push(' ');
    }
    info.push_str(NOTE);
}

/// Appends an item to Info, comma-separated.
pub(crate) fn info_item(cx: &mut Cx<'_>, item: &str) {
    let info = &mut cx.pkt.summary.info;
    if !info.is_empty() {
        info.push_str(", ");
    }
    info.push_str(item);
}
