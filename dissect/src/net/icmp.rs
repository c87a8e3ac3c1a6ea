//! ICMP for IPv4 (RFC 792, 1191, 1256, 4884): the header, echo request/reply
//! matching, the timestamp ping puts in its data, and the IP packet an error
//! message quotes, dissected as a nested IP layer.

use std::collections::HashMap;
use std::fmt::Write as _;

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Address, FieldDef, Group, Packet, Protocol, Severity, Span, Timestamp, Value};
use crate::net::ipv4;
use crate::transport::checksum;

pub static ICMP: Protocol = Protocol {
    name: "icmp",
    label: "Internet Control Message Protocol",
    short: "ICMP",
};

declare_fields! {
    TYPE = "icmp.type", "Type", U8, Dec, type_name;
    CODE = "icmp.code", "Code", U8;
    CHECKSUM = "icmp.checksum", "Checksum", U16, Hex(4);
    #[generated] CHECKSUM_STATUS = "icmp.checksum.status", "Checksum Status", U8, NameOnly, crate::names::checksum_status;
    UNUSED = "icmp.unused", "Unused", Bytes;
    IDENT = "icmp.ident", "Identifier (BE)", U16, DecHex(4);
    IDENT_LE = "icmp.ident_le", "Identifier (LE)", U16, DecHex(4);
    SEQ = "icmp.seq", "Sequence Number (BE)", U16, DecHex(4);
    SEQ_LE = "icmp.seq_le", "Sequence Number (LE)", U16, DecHex(4);
    MTU = "icmp.mtu", "MTU of next hop", U16;
    LENGTH = "icmp.length", "Length", U8;
    LENGTH_ORIGINAL = "icmp.length.original_datagram", "Length of original datagram", U16;
    POINTER = "icmp.pointer", "Pointer", U32;
    REDIR_GW = "icmp.redir_gw", "Gateway Address", Ipv4;
    NUM_ADDRS = "icmp.num_addrs", "Number of addresses", U8;
    ADDR_ENTRY_SIZE = "icmp.addr_entry_size", "Address entry size", U8;
    LIFETIME = "icmp.lifetime", "Lifetime", U16;
    ROUTER_ADDRESS = "icmp.router_address", "Router address", Ipv4;
    PREF_LEVEL = "icmp.pref_level", "Preference level", I32;
    ORIGINATE_TIMESTAMP = "icmp.originate_timestamp", "Originate Timestamp", U32;
    RECEIVE_TIMESTAMP = "icmp.receive_timestamp", "Receive Timestamp", U32;
    TRANSMIT_TIMESTAMP = "icmp.transmit_timestamp", "Transmit Timestamp", U32;
    ADDRESS_MASK = "icmp.address_mask", "Address Mask", Ipv4;
    #[generated] RESP_TO = "icmp.resp_to", "Request frame", FrameNum;
    #[generated_format = resptime_text] RESPTIME = "icmp.resptime", "Response time", Float;
    DATA_TIME = "icmp.data_time", "Timestamp from icmp data", String;
    #[generated] DATA_TIME_RELATIVE = "icmp.data_time_relative", "Timestamp from icmp data (relative)", RelTime;
    CHECKSUM_BAD = "icmp.checksum_bad", "Bad checksum", None;
    EXT = "icmp.ext", "ICMP Multi-Part Extensions", None;
    EXT_VERSION = "icmp.ext.version", "Version", U8;
    EXT_RESERVED = "icmp.ext.res", "Reserved", U16, Hex(4);
    EXT_CHECKSUM = "icmp.ext.checksum", "Checksum", U16, Hex(4);
    EXT_CHECKSUM_STATUS = "icmp.ext.checksum.status", "Checksum Status", U8, Dec, crate::names::checksum_status;
    EXT_CHECKSUM_BAD = "icmp.ext.checksum_bad", "Bad checksum", None;
    EXT_OBJECT = "icmp.ext.object", "Extension object", None;
    EXT_LENGTH = "icmp.ext.length", "Length", U16;
    EXT_CLASS = "icmp.ext.class", "Class", U8, Dec, extension_class_name;
    EXT_CTYPE = "icmp.ext.ctype", "C-Type", U8;
    EXT_DATA = "icmp.ext.data", "Data", Bytes;
    MPLS_ENTRY = "icmp.mpls.entry", "MPLS label stack entry", None;
    MPLS_LABEL = "icmp.mpls.label", "Label", U32;
    MPLS_EXP = "icmp.mpls.exp", "Experimental", U8;
    MPLS_S = "icmp.mpls.s", "Stack bit", Bool;
    MPLS_TTL = "icmp.mpls.ttl", "Time to live", U8;
    MPLS_DATA = "icmp.mpls.data", "Data", Bytes;
}

const ECHO_REPLY: u8 = 0;
const UNREACHABLE: u8 = 3;
const SOURCE_QUENCH: u8 = 4;
const REDIRECT: u8 = 5;
const ECHO: u8 = 8;
const ROUTER_ADVERT: u8 = 9;
const TIME_EXCEEDED: u8 = 11;
const PARAMETER_PROBLEM: u8 = 12;
const TIMESTAMP: u8 = 13;
const TIMESTAMP_REPLY: u8 = 14;
const INFO_REQUEST: u8 = 15;
const INFO_REPLY: u8 = 16;
const MASK_REQUEST: u8 = 17;
const MASK_REPLY: u8 = 18;
const EXT_ECHO: u8 = 42;
const EXT_ECHO_REPLY: u8 = 43;

const FRAG_NEEDED: u8 = 4;
const HEADER_LEN: usize = 8;

/// Largest number of unanswered echo requests remembered; beyond it new requests
/// are not matched, so a flood of pings cannot grow memory without bound.
pub const MAX_PENDING_ECHOES: usize = 1 << 18;

/// The eight-byte header as it is on the wire.
#[derive(Clone, Copy, Debug)]
struct Header {
    kind: u8,
    code: u8,
    checksum: u16,
    /// The second word, whose meaning depends on the type.
    rest: [u8; 4],
}

impl Header {
    fn word(&self, i: usize) -> u16 {
        u16::from_be_bytes([self.rest[2 * i], self.rest[2 * i + 1]])
    }
    fn word_le(&self, i: usize) -> u16 {
        u16::from_le_bytes([self.rest[2 * i], self.rest[2 * i + 1]])
    }
    /// RFC 4884: length of the quoted datagram in 32-bit words, or 0.
    fn original_length_words(&self) -> u8 {
        self.rest[1]
    }
}

fn parse_header(b: &[u8; HEADER_LEN]) -> Option<Header> {
    let (_, (kind, code, checksum, rest)) = (
        be_u8::<_, nom::error::Error<&[u8]>>,
        be_u8,
        be_u16,
        take(4usize),
    )
        .parse(&b[..])
        .ok()?;
    Some(Header {
        kind,
        code,
        checksum,
        rest: rest.try_into().ok()?,
    })
}

/// Dissects an ICMP message; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let carrier_ttl = carrier_ipv4_ttl(cx);
    cx.pkt.begin_layer(&ICMP, Span::new(off, buf.len()));
    cx.pkt.set_info(|_| {});
    cx.pkt.set_title(|t| t.push_str(ICMP.label));
    if buf.is_empty() {
        cx.pkt
            .malformed(Span::new(off, 0), "ICMP header missing: no bytes captured");
        return 0;
    }
    // A zero-padded copy lets a truncated header show the fields it has.
    let avail = buf.len().min(HEADER_LEN);
    let mut fixed = [0u8; HEADER_LEN];
    fixed[..avail].copy_from_slice(&buf[..avail]);
    let Some(h) = parse_header(&fixed) else {
        cx.pkt
            .malformed(Span::new(off, buf.len()), "ICMP header could not be parsed");
        return buf.len();
    };
    let type_str = type_info_name(h.kind, h.code);
    let code_str = if avail >= 2 {
        code_name(h.kind, h.code)
    } else {
        None
    };
    cx.pkt.set_info(|s| {
        let _ = write!(s, "{type_str:<20}");
        if let Some(c) = &code_str {
            let _ = write!(s, " ({c})");
        }
    });
    cx.pkt
        .add(&TYPE, Span::new(off, 1), Value::Uint(h.kind as u64));
    // `Type: 8 (Echo (ping) request)`: Wireshark's ICMP puts the number first.
    cx.pkt.set_text(|t| {
        let _ = write!(t, "{}: {} ({type_str})", TYPE.label, h.kind);
    });
    if avail < 2 {
        return truncated(cx.pkt, off, buf.len());
    }
    cx.pkt
        .add(&CODE, Span::new(off + 1, 1), Value::Uint(h.code as u64));
    if let Some(c) = &code_str {
        cx.pkt.append_text(|t| {
            let _ = write!(t, " ({c})");
        });
    }
    crate::flow::conntrack::track_icmp(cx, off, buf, false, h.kind, h.code);
    if avail < 4 {
        return truncated(cx.pkt, off, buf.len());
    }
    add_checksum(cx, off, buf, &h);
    if avail < HEADER_LEN {
        return truncated(cx.pkt, off, buf.len());
    }
    add_second_word(cx.pkt, off + 4, &h, carrier_ttl);
    let body = &buf[HEADER_LEN..];
    let body_off = off + HEADER_LEN;
    match h.kind {
        UNREACHABLE | TIME_EXCEEDED | PARAMETER_PROBLEM | SOURCE_QUENCH | REDIRECT => {
            dissect_quote(cx, off, buf, &h)
        }
        ECHO | ECHO_REPLY => {
            if !cx.in_icmp_error {
                match_echo(cx, off, &h);
            }
            dissect_echo_data(cx, body_off, body);
        }
        ROUTER_ADVERT => router_addresses(cx, body_off, body, &h),
        TIMESTAMP | TIMESTAMP_REPLY => {
            let stamps = [
                &ORIGINATE_TIMESTAMP,
                &RECEIVE_TIMESTAMP,
                &TRANSMIT_TIMESTAMP,
            ];
            for (i, def) in stamps.into_iter().enumerate() {
                let Some(v) = be_u32_at(body, 4 * i) else {
                    return truncated(cx.pkt, body_off + 4 * i, body.len().saturating_sub(4 * i));
                };
                cx.pkt
                    .add(def, Span::new(body_off + 4 * i, 4), Value::Uint(v as u64));
            }
        }
        MASK_REQUEST | MASK_REPLY => match body.get(..4) {
            Some(m) => {
                let mask = [m[0], m[1], m[2], m[3]];
                cx.pkt
                    .add(&ADDRESS_MASK, Span::new(body_off, 4), Value::Ipv4(mask));
            }
            None => return truncated(cx.pkt, body_off, body.len()),
        },
        _ => {}
    }
    buf.len()
}

fn truncated(p: &mut Packet, off: usize, len: usize) -> usize {
    p.malformed(
        Span::new(off, len),
        format!("ICMP message truncated: {len} bytes captured, the header needs {HEADER_LEN}"),
    );
    len
}

/// The TTL of the IPv4 header that carries this message, for the Info column;
/// none when ICMP arrived some other way (Wireshark then shows no TTL either).
fn carrier_ipv4_ttl(cx: &Cx<'_>) -> Option<u8> {
    let layer = cx.pkt.layers.last()?;
    if !std::ptr::eq(layer.proto, &ipv4::IP) {
        return None;
    }
    cx.pkt
        .source_data(layer.source, cx.frame)
        .get(layer.span.start as usize + 8)
        .copied()
}

/// Verifies the checksum unless the message is quoted in an error, part of a
/// fragment, or cut short by the capture: tshark always verifies ICMP.
fn add_checksum(cx: &mut Cx<'_>, off: usize, buf: &[u8], h: &Header) {
    let span = Span::new(off + 2, 2);
    cx.pkt.add(&CHECKSUM, span, Value::Uint(h.checksum as u64));
    let reported = ipv4::reported_len(cx.data.len(), cx.meta.orig_len as usize, off, buf.len());
    let fragment = cx.ip.is_some_and(|ip| ip.fragment);
    if cx.in_icmp_error || fragment || buf.len() < reported {
        cx.pkt.append_text(|t| t.push_str(" [unverified]"));
        cx.pkt.add(&CHECKSUM_STATUS, span, Value::Uint(2));
        return;
    }
    let good = checksum::checksum(buf) == 0;
    let expected = ipv4::checksum_should_be(buf, 2);
    cx.pkt
        .append_text(|t| checksum::write_verdict(t, good, expected));
    if !good {
        ipv4::expert_field(
            cx.pkt,
            &CHECKSUM_BAD,
            span,
            Severity::Warn,
            Group::Checksum,
            format!("Bad checksum [should be 0x{expected:04x}]"),
        );
    }
    cx.pkt.add(&CHECKSUM_STATUS, span, Value::Uint(good as u64));
}

/// Bytes 4..8, whose meaning depends on the type.
fn add_second_word(p: &mut Packet, off: usize, h: &Header, carrier_ttl: Option<u8>) {
    let words = h.original_length_words();
    match h.kind {
        ECHO_REPLY | ECHO | TIMESTAMP | TIMESTAMP_REPLY | INFO_REQUEST | INFO_REPLY
        | MASK_REQUEST | MASK_REPLY => {
            add_ident(p, off, h);
            p.add(&SEQ, Span::new(off + 2, 2), Value::Uint(h.word(1) as u64));
            p.add(
                &SEQ_LE,
                Span::new(off + 2, 2),
                Value::Uint(h.word_le(1) as u64),
            );
            p.append_info_fmt(format_args!(
                " id=0x{:04x}, seq={}/{}",
                h.word(0),
                h.word(1),
                h.word_le(1)
            ));
            if let Some(ttl) = carrier_ttl {
                p.append_info_fmt(format_args!(", ttl={ttl}"));
            }
        }
        UNREACHABLE => {
            if words > 0 {
                add_original_length(p, off, words, true);
                if h.code == FRAG_NEEDED {
                    p.add(&MTU, Span::new(off + 2, 2), Value::Uint(h.word(1) as u64));
                } else {
                    p.add(&UNUSED, Span::new(off + 2, 2), Value::SpanBytes);
                }
            } else if h.code == FRAG_NEEDED {
                p.add(&UNUSED, Span::new(off, 2), Value::SpanBytes);
                p.add(&MTU, Span::new(off + 2, 2), Value::Uint(h.word(1) as u64));
            } else {
                p.add(&UNUSED, Span::new(off, 4), Value::SpanBytes);
            }
        }
        ROUTER_ADVERT => {
            p.add(&NUM_ADDRS, Span::new(off, 1), Value::Uint(h.rest[0] as u64));
            p.add(
                &ADDR_ENTRY_SIZE,
                Span::new(off + 1, 1),
                Value::Uint(h.rest[1] as u64),
            );
            p.add(
                &LIFETIME,
                Span::new(off + 2, 2),
                Value::Uint(h.word(1) as u64),
            );
        }
        PARAMETER_PROBLEM => {
            p.add(&POINTER, Span::new(off, 1), Value::Uint(h.rest[0] as u64));
            if words > 0 {
                add_original_length(p, off, words, false);
                p.add(&UNUSED, Span::new(off + 2, 2), Value::SpanBytes);
            } else {
                p.add(&UNUSED, Span::new(off + 1, 3), Value::SpanBytes);
            }
        }
        REDIRECT => p.add(&REDIR_GW, Span::new(off, 4), Value::Ipv4(h.rest)),
        TIME_EXCEEDED => {
            if words > 0 {
                add_original_length(p, off, words, true);
                p.add(&UNUSED, Span::new(off + 2, 2), Value::SpanBytes);
            } else {
                p.add(&UNUSED, Span::new(off, 4), Value::SpanBytes);
            }
        }
        EXT_ECHO | EXT_ECHO_REPLY => add_ident(p, off, h),
        _ => {}
    }
}

fn add_ident(p: &mut Packet, off: usize, h: &Header) {
    p.add(&IDENT, Span::new(off, 2), Value::Uint(h.word(0) as u64));
    p.add(
        &IDENT_LE,
        Span::new(off, 2),
        Value::Uint(h.word_le(0) as u64),
    );
}

/// RFC 4884's length byte (at `off + 1`), preceded by an unused byte when `unused_first`.
fn add_original_length(p: &mut Packet, off: usize, words: u8, unused_first: bool) {
    if unused_first {
        p.add(&UNUSED, Span::new(off, 1), Value::SpanBytes);
    }
    let span = Span::new(off + 1, 1);
    p.add(&LENGTH, span, Value::Uint(words as u64));
    p.add(&LENGTH_ORIGINAL, span, Value::Uint(words as u64 * 4));
}

/// Dissects the IP header and leading payload bytes an error message quotes, as a
/// nested IP layer. The columns keep describing the ICMP message itself.
fn dissect_quote(cx: &mut Cx<'_>, off: usize, buf: &[u8], h: &Header) {
    let Some(quote) = buf.get(HEADER_LEN..).filter(|q| !q.is_empty()) else {
        return;
    };
    let inner_hdr_len = quote.first().map_or(0, |b| (b & 0x0f) as usize * 4);
    let inner_total_len = be_u16_at(quote, 2).unwrap_or(0) as usize;
    let words = h.original_length_words() as usize * 4;
    let reported = ipv4::reported_len(cx.data.len(), cx.meta.orig_len as usize, off, buf.len());
    let len = if h.kind == REDIRECT {
        // A redirect quotes the header plus 64 bits and has no length field.
        inner_hdr_len + 8
    } else if words > 0 && reported > HEADER_LEN + words && inner_total_len > words {
        inner_hdr_len + words
    } else {
        quote.len()
    };
    let quote_len = len.min(quote.len());
    // RFC 4884 extensions follow a quote of at least 128 bytes. They are shown
    // first because the quote's layers come after this one's fields.
    if reported > HEADER_LEN + 128 && inner_total_len <= 128 {
        let at = if words > 0 { words } else { 128 };
        if let Some(ext) = quote.get(at..).filter(|e| !e.is_empty()) {
            dissect_extensions(cx.pkt, off + HEADER_LEN + at, ext);
        }
    }
    let quote = &quote[..quote_len];
    let saved_summary = cx.pkt.summary.clone();
    let saved_ip = cx.ip;
    let saved_in_error = cx.in_icmp_error;
    cx.in_icmp_error = true;
    ipv4::dissect_any_version(cx, off + HEADER_LEN, quote);
    cx.in_icmp_error = saved_in_error;
    cx.ip = saved_ip;
    cx.pkt.summary = saved_summary;
}

/// RFC 4884 multi-part extensions: a version/checksum header, then objects; MPLS
/// label stacks (RFC 4950) are decoded, other objects shown as bytes.
fn dissect_extensions(p: &mut Packet, off: usize, ext: &[u8]) {
    p.add(&EXT, Span::new(off, ext.len()), Value::None);
    let (Some(first), Some(stored)) = (be_u16_at(ext, 0), be_u16_at(ext, 2)) else {
        return;
    };
    p.subtree(|p| {
        let version = (first >> 12) as u8;
        p.add(&EXT_VERSION, Span::new(off, 1), Value::Uint(version as u64));
        p.add(
            &EXT_RESERVED,
            Span::new(off, 2),
            Value::Uint((first & 0x0fff) as u64),
        );
        let span = Span::new(off + 2, 2);
        p.add(&EXT_CHECKSUM, span, Value::Uint(stored as u64));
        let status = if stored == 0 {
            3
        } else if checksum::checksum(ext) == 0 {
            1
        } else {
            let expected = ipv4::checksum_should_be(ext, 2);
            ipv4::expert_field(
                p,
                &EXT_CHECKSUM_BAD,
                span,
                Severity::Warn,
                Group::Checksum,
                format!("Bad checksum [should be 0x{expected:04x}]"),
            );
            0
        };
        p.add(&EXT_CHECKSUM_STATUS, span, Value::Uint(status));
        if version != 1 && version != 2 {
            return;
        }
        let mut at = 4;
        while let (Some(len), Some(&class), Some(&ctype)) =
            (be_u16_at(ext, at), ext.get(at + 2), ext.get(at + 3))
        {
            let len = len as usize;
            let end = (at + len).min(ext.len());
            p.add(
                &EXT_OBJECT,
                Span::new(off + at, end.max(at + 4) - at),
                Value::None,
            );
            p.subtree(|p| {
                p.add(&EXT_LENGTH, Span::new(off + at, 2), Value::Uint(len as u64));
                p.add(
                    &EXT_CLASS,
                    Span::new(off + at + 2, 1),
                    Value::Uint(class as u64),
                );
                p.add(
                    &EXT_CTYPE,
                    Span::new(off + at + 3, 1),
                    Value::Uint(ctype as u64),
                );
                let body = ext.get(at + 4..end).unwrap_or(&[]);
                if class == 1 && ctype == 1 {
                    mpls_stack(p, off + at + 4, body);
                } else if !body.is_empty() {
                    p.add(
                        &EXT_DATA,
                        Span::new(off + at + 4, body.len()),
                        Value::SpanBytes,
                    );
                }
            });
            // An object shorter than its own header ends the list (it cannot advance).
            if len < 4 {
                break;
            }
            at = end;
        }
    });
}

fn mpls_stack(p: &mut Packet, off: usize, body: &[u8]) {
    let mut entries = body.chunks_exact(4);
    for (i, e) in (&mut entries).enumerate() {
        let at = off + 4 * i;
        let label = u32::from_be_bytes([0, e[0], e[1], e[2]]) >> 4;
        p.add(&MPLS_ENTRY, Span::new(at, 4), Value::None);
        p.subtree(|p| {
            p.add(&MPLS_LABEL, Span::new(at, 3), Value::Uint(label as u64));
            p.add(
                &MPLS_EXP,
                Span::new(at + 2, 1),
                Value::Uint(((e[2] >> 1) & 0x7) as u64),
            );
            p.add(&MPLS_S, Span::new(at + 2, 1), Value::Bool(e[2] & 1 != 0));
            p.add(&MPLS_TTL, Span::new(at + 3, 1), Value::Uint(e[3] as u64));
        });
    }
    let rest = entries.remainder();
    if !rest.is_empty() {
        let at = off + body.len() - rest.len();
        p.add(&MPLS_DATA, Span::new(at, rest.len()), Value::SpanBytes);
    }
}

/// Echo data: a `struct timeval` from ping when one fits near the capture time
/// (big-endian first, then little-endian, as Wireshark 4.0 guesses), then data.
fn dissect_echo_data(cx: &mut Cx<'_>, off: usize, body: &[u8]) {
    if body.len() < 8 {
        crate::app::data::dissect(cx, off, body);
        return;
    }
    let frame_ts = cx.meta.ts;
    let Some(ts) = ping_timestamp(body, frame_ts) else {
        crate::app::data::dissect(cx, off, body);
        return;
    };
    let span = Span::new(off, 8);
    cx.pkt.add_with(&DATA_TIME, span, || {
        Value::Str(crate::frame::format_utc(ts).into())
    });
    cx.pkt.add(
        &DATA_TIME_RELATIVE,
        span,
        Value::RelTime(frame_ts.since(ts)),
    );
    crate::app::data::dissect(cx, off + 8, &body[8..]);
}

fn ping_timestamp(body: &[u8], frame_ts: Timestamp) -> Option<Timestamp> {
    let plausible = |secs: u32, usecs: u32| {
        // Wireshark compares the difference truncated to a C int.
        let diff = (secs as i64).wrapping_sub(frame_ts.secs) as i32;
        diff.unsigned_abs() < 86_400 && usecs < 1_000_000
    };
    let be = (be_u32_at(body, 0)?, be_u32_at(body, 4)?);
    let le = (le_u32_at(body, 0)?, le_u32_at(body, 4)?);
    let (secs, usecs) = if plausible(be.0, be.1) { be } else { le };
    plausible(secs, usecs).then(|| Timestamp::new(secs as i64, usecs as u64 * 1000))
}

fn router_addresses(cx: &mut Cx<'_>, off: usize, body: &[u8], h: &Header) {
    let (count, entry_words) = (h.rest[0] as usize, h.rest[1]);
    if entry_words != 2 {
        crate::app::data::dissect(cx, off, body);
        return;
    }
    for i in 0..count {
        let at = 8 * i;
        let (Some(addr), Some(pref)) = (body.get(at..at + 4), be_u32_at(body, at + 4)) else {
            truncated(cx.pkt, off + at, body.len().saturating_sub(at));
            return;
        };
        let addr = [addr[0], addr[1], addr[2], addr[3]];
        cx.pkt
            .add(&ROUTER_ADDRESS, Span::new(off + at, 4), Value::Ipv4(addr));
        cx.pkt.add(
            &PREF_LEVEL,
            Span::new(off + at + 4, 4),
            Value::Int(pref as i32 as i64),
        );
    }
}

fn be_u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn be_u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

fn le_u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

// ---- Echo request/reply matching -------------------------------------------

/// Echo requests waiting for their reply. A reply matches the request between the
/// same two hosts with the same identifier and sequence number whose checksum
/// differs only by the type change, as Wireshark pairs them.
#[derive(Debug, Default)]
pub struct EchoTable {
    pending: HashMap<EchoKey, PendingEcho>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct EchoKey {
    hosts: (Address, Address),
    /// The checksum the reply will carry.
    reply_checksum: u16,
    ident_seq: u32,
}

#[derive(Clone, Copy, Debug)]
struct PendingEcho {
    frame: u64,
    ts: Timestamp,
}

impl EchoTable {
    /// Number of requests still waiting for a reply.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// The two addresses in a fixed order, so that a request and its reply share a key.
fn host_pair(a: Address, b: Address) -> (Address, Address) {
    let rank = |x: &Address| match *x {
        Address::None => (0, [0u8; 16]),
        Address::Mac(m) => {
            let mut k = [0u8; 16];
            k[..6].copy_from_slice(&m);
            (1, k)
        }
        Address::Ipv4(v) => {
            let mut k = [0u8; 16];
            k[..4].copy_from_slice(&v);
            (2, k)
        }
        Address::Ipv6(v) => (3, v),
    };
    if rank(&a) <= rank(&b) {
        (a, b)
    } else {
        (b, a)
    }
}

fn match_echo(cx: &mut Cx<'_>, off: usize, h: &Header) {
    let role = if h.kind == ECHO {
        // A reply differs from its request only in the type byte (8 -> 0):
        // its sum is the request's less 0x0800.
        EchoRole::Request {
            reply_sum_change: !0x0800,
        }
    } else {
        EchoRole::Reply
    };
    let ident_seq = u32::from_be_bytes(h.rest);
    if let Some(req) = pair_echo(cx, role, h.checksum, ident_seq) {
        let span = Span::new(off, 0);
        cx.pkt.add(&RESP_TO, span, Value::Uint(req.frame));
        cx.pkt.add(&RESPTIME, span, Value::Float(req.rtt_ms));
        cx.pkt
            .append_info_fmt(format_args!(" (request in {})", req.frame));
    }
}

/// Which side of an echo exchange a message is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum EchoRole {
    /// A request; its reply's one's-complement sum differs from its own by
    /// `reply_sum_change` (the type byte is the only difference).
    Request {
        reply_sum_change: u16,
    },
    Reply,
}

/// The request an echo reply answers.
pub(crate) struct EchoRequest {
    pub frame: u64,
    /// Milliseconds from the request, as Wireshark reports the response time.
    pub rtt_ms: f64,
}

/// Remembers an echo request, or finds the request a reply answers: between
/// the same two hosts, with the same identifier and sequence number and the
/// checksum the request's implies, as Wireshark pairs them (ICMP and ICMPv6).
pub(crate) fn pair_echo(
    cx: &mut Cx<'_>,
    role: EchoRole,
    checksum: u16,
    ident_seq: u32,
) -> Option<EchoRequest> {
    let ip = cx.ip?;
    let hosts = host_pair(ip.src, ip.dst);
    if let EchoRole::Request { reply_sum_change } = role {
        let key = EchoKey {
            hosts,
            reply_checksum: checksum::finish(!checksum as u32 + reply_sum_change as u32),
            ident_seq,
        };
        let table = &mut cx.state.icmp.pending;
        if table.len() < MAX_PENDING_ECHOES || table.contains_key(&key) {
            table.insert(
                key,
                PendingEcho {
                    frame: cx.meta.number,
                    ts: cx.meta.ts,
                },
            );
        }
        return None;
    }
    let key = EchoKey {
        hosts,
        reply_checksum: if checksum == 0xffff { 0 } else { checksum },
        ident_seq,
    };
    let req = cx.state.icmp.pending.remove(&key)?;
    Some(EchoRequest {
        frame: req.frame,
        rtt_ms: cx.meta.ts.since(req.ts).0 as f64 / 1e6,
    })
}

/// `Response time: 3.951 ms` (ICMP and ICMPv6).
pub(crate) fn resptime_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let ms = match v {
        Value::Float(ms) => *ms,
        _ => 0.0,
    };
    let _ = write!(out, "{}: {ms:.3} ms", def.label);
}

// ---- Names ---------------------------------------------------------------

/// ICMP type names, as Wireshark labels them.
pub fn type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Echo (ping) reply",
        1 | 2 => "Reserved",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        6 => "Alternate host address",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        19 => "Reserved (for security)",
        30 => "Traceroute",
        31 => "Datagram Conversion Error",
        32 => "Mobile Host Redirect",
        33 => "IPv6 Where-Are-You",
        34 => "IPv6 I-Am-Here",
        35 => "Mobile Registration Request",
        36 => "Mobile Registration Reply",
        37 => "Domain Name Request",
        38 => "Domain Name Reply",
        39 => "SKIP",
        40 => "Photuris",
        41 => "Experimental mobility protocols",
        42 => "Extended Echo request",
        43 => "Extended Echo reply",
        _ => return None,
    })
}

fn extension_class_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "MPLS Label Stack Class",
        2 => "Interface Information Object",
        3 => "Interface Identification Object",
        _ => return None,
    })
}

/// The type as the Info column names it (router advertisements with code 0 or 16
/// are Mobile IP advertisements there).
fn type_info_name(kind: u8, code: u8) -> &'static str {
    if kind == ROUTER_ADVERT && (code == 0 || code == 16) {
        return "Mobile IP Advertisement";
    }
    type_name(kind as u64).unwrap_or("Unknown ICMP (obsolete or malformed?)")
}

/// The code's meaning for the types that define codes.
fn code_name(kind: u8, code: u8) -> Option<std::borrow::Cow<'static, str>> {
    let known: Option<&'static str> = match kind {
        UNREACHABLE => match code {
            0 => Some("Network unreachable"),
            1 => Some("Host unreachable"),
            2 => Some("Protocol unreachable"),
            3 => Some("Port unreachable"),
            4 => Some("Fragmentation needed"),
            5 => Some("Source route failed"),
            6 => Some("Destination network unknown"),
            7 => Some("Destination host unknown"),
            8 => Some("Source host isolated"),
            9 => Some("Network administratively prohibited"),
            10 => Some("Host administratively prohibited"),
            11 => Some("Network unreachable for TOS"),
            12 => Some("Host unreachable for TOS"),
            13 => Some("Communication administratively filtered"),
            14 => Some("Host precedence violation"),
            15 => Some("Precedence cutoff in effect"),
            _ => None,
        },
        REDIRECT => match code {
            0 => Some("Redirect for network"),
            1 => Some("Redirect for host"),
            2 => Some("Redirect for TOS and network"),
            3 => Some("Redirect for TOS and host"),
            _ => None,
        },
        6 => (code == 0).then_some("Alternate address for host"),
        ROUTER_ADVERT => match code {
            0 => Some("Normal router advertisement"),
            16 => Some("Does not route common traffic"),
            _ => None,
        },
        TIME_EXCEEDED => match code {
            0 => Some("Time to live exceeded in transit"),
            1 => Some("Fragment reassembly time exceeded"),
            _ => None,
        },
        PARAMETER_PROBLEM => match code {
            0 => Some("Pointer indicates the error"),
            1 => Some("Required option missing"),
            2 => Some("Bad length"),
            _ => None,
        },
        40 => match code {
            0 => Some("Bad SPI"),
            1 => Some("Authentication Failed"),
            2 => Some("Decompression Failed"),
            3 => Some("Decryption Failed"),
            4 => Some("Need Authentication"),
            5 => Some("Need Authorization"),
            _ => None,
        },
        EXT_ECHO => (code == 0).then_some("No error"),
        EXT_ECHO_REPLY => match code {
            0 => Some("No error"),
            1 => Some("Malformed Query"),
            2 => Some("No Such Interface"),
            3 => Some("No Such Table Entry"),
            4 => Some("Multiple Interfaces Satisfy Query"),
            _ => None,
        },
        _ => return None,
    };
    Some(match known {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(format!("Unknown code: {code}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{
        chain, corpus_capture, dissect_frame_for_test, dissect_frames, has_expert, value, values,
        CorpusCapture, CorpusFrame, TestFrame,
    };
    use crate::{LinkType, Prefs};

    use crate::testutil::PING_REQUEST;
    /// Frame 2 of ip/icmp_ping.pcap (link type 1, captured at 1334173763.981906000).
    const PING_REPLY: CorpusFrame = CorpusFrame::new("ip/icmp_ping.pcap", 2);
    /// Frame 1 of ip/icmp_timeexceeded.pcap (link type 1, captured at 1334171878.154102000).
    const TIME_EXCEEDED: CorpusFrame = CorpusFrame::new("ip/icmp_timeexceeded.pcap", 1);
    /// Frame 1 of ip/icmp_destunreach_udp.pcap (link type 1, captured at 1258568548.135731000).
    const PORT_UNREACHABLE: CorpusFrame = CorpusFrame::new("ip/icmp_destunreach_udp.pcap", 1);

    /// `message` behind the IPv4 header of `TIME_EXCEEDED` (10.0.0.1 -> 10.0.0.2, TTL 64),
    /// with the ICMP checksum filled in.
    fn over_ipv4(message: &[u8]) -> Vec<u8> {
        let mut p = TIME_EXCEEDED.bytes()[14..34].to_vec();
        let total = (20 + message.len()) as u16;
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.extend_from_slice(message);
        if message.len() >= 4 {
            p[22..24].copy_from_slice(&[0, 0]);
            let sum = checksum::checksum(&p[20..]);
            p[22..24].copy_from_slice(&sum.to_be_bytes());
        }
        p
    }

    /// ip/icmp_ping.pcap: frame 1 is `PING_REQUEST`, frame 2 `PING_REPLY`.
    fn ping_capture() -> CorpusCapture {
        corpus_capture("ip/icmp_ping.pcap")
    }

    #[test]
    fn echo_request_matches_tshark() {
        let ping_request = PING_REQUEST.bytes();
        let ping = ping_capture();
        let ping_frames = &ping.test_frames()[..2];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, ping_frames);
        let pkt = &pkts[0];
        let v = |n| value(pkt, n, &ping_request);
        assert_eq!(v("icmp.type").as_deref(), Some("8"));
        assert_eq!(v("icmp.code").as_deref(), Some("0"));
        assert_eq!(v("icmp.checksum").as_deref(), Some("0x6909"));
        assert_eq!(v("icmp.checksum.status").as_deref(), Some("1"));
        assert_eq!(v("icmp.ident").as_deref(), Some("34844"));
        assert_eq!(v("icmp.ident_le").as_deref(), Some("7304"));
        assert_eq!(v("icmp.seq").as_deref(), Some("0"));
        assert_eq!(v("icmp.seq_le").as_deref(), Some("0"));
        assert_eq!(
            v("icmp.data_time").as_deref(),
            Some("Apr 11, 2012 19:49:23.977919000 UTC")
        );
        assert_eq!(v("icmp.data_time_relative").as_deref(), Some("0.000036000"));
        assert_eq!(v("data.len").as_deref(), Some("48"));
        assert_eq!(v("icmp.resp_to"), None);
        assert_eq!(
            pkt.summary.info,
            "Echo (ping) request  id=0x881c, seq=0/0, ttl=64"
        );
        assert_eq!(pkt.layers[3].title, "Internet Control Message Protocol");
    }

    #[test]
    fn echo_reply_points_back_to_its_request() {
        let ping_reply = PING_REPLY.bytes();
        let ping = ping_capture();
        let ping_frames = &ping.test_frames()[..2];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, ping_frames);
        let pkt = &pkts[1];
        assert_eq!(
            value(pkt, "icmp.resp_to", &ping_reply).as_deref(),
            Some("1")
        );
        assert_eq!(
            value(pkt, "icmp.resptime", &ping_reply).as_deref(),
            Some("3.951")
        );
        assert_eq!(
            value(pkt, "icmp.data_time_relative", &ping_reply).as_deref(),
            Some("0.003987000")
        );
        assert_eq!(
            pkt.summary.info,
            "Echo (ping) reply    id=0x881c, seq=0/0, ttl=56 (request in 1)"
        );
        // Matching happens on the fast path too, so the packet list gets the same Info.
        let fast = dissect_frames(LinkType::ETHERNET, Prefs::default(), false, ping_frames);
        assert_eq!(fast[1].summary.info, pkt.summary.info);
    }

    #[test]
    fn a_reply_is_matched_once_and_needs_the_same_ids() {
        let ping = ping_capture();
        let ping_frames = ping.test_frames();
        let frames = [ping_frames[0], ping_frames[1], ping_frames[1]];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &frames);
        assert!(pkts[1].find("icmp.resp_to").is_some());
        assert!(pkts[2].find("icmp.resp_to").is_none());

        let mut other_seq = PING_REPLY.bytes();
        other_seq[41] = 1;
        let frames = [ping_frames[0], TestFrame::new(&other_seq)];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &frames);
        assert!(pkts[1].find("icmp.resp_to").is_none());
    }

    #[test]
    fn time_exceeded_quotes_the_datagram() {
        let time_exceeded = TIME_EXCEEDED.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &time_exceeded);
        assert!(chain(&pkt).starts_with("eth:ethertype:ip:icmp:ip:"));
        assert_eq!(
            value(&pkt, "icmp.checksum.status", &time_exceeded).as_deref(),
            Some("1")
        );
        assert_eq!(
            value(&pkt, "icmp.unused", &time_exceeded).as_deref(),
            Some("00:00:00:00")
        );
        assert_eq!(values(&pkt, "ip.len", &time_exceeded), ["60", "32"]);
        assert_eq!(
            values(&pkt, "ip.src", &time_exceeded),
            ["10.0.0.1", "10.0.0.2"]
        );
        // The columns still describe the ICMP message, not the quoted packet.
        assert_eq!(pkt.summary.protocol, "ICMP");
        assert_eq!(
            pkt.summary.info,
            "Time-to-live exceeded (Time to live exceeded in transit)"
        );
        assert_eq!(pkt.summary.src, Address::Ipv4([10, 0, 0, 1]));
        assert_eq!(pkt.summary.src_port, None);
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn port_unreachable_quotes_a_whole_udp_datagram() {
        let port_unreachable = PORT_UNREACHABLE.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &port_unreachable);
        assert!(chain(&pkt).starts_with("eth:ethertype:ip:icmp:ip:"));
        assert_eq!(values(&pkt, "ip.len", &port_unreachable), ["176", "163"]);
        assert_eq!(
            value(&pkt, "icmp.checksum", &port_unreachable).as_deref(),
            Some("0x03bb")
        );
        assert_eq!(
            value(&pkt, "icmp.checksum.status", &port_unreachable).as_deref(),
            Some("1")
        );
        // The quoted IP header's length runs past the quote; that is no error in a quote.
        assert!(pkt.find("ip.bogus_ip_length").is_none());
        assert_eq!(
            pkt.summary.info,
            "Destination unreachable (Port unreachable)"
        );
        assert_eq!(pkt.summary.dst, Address::Ipv4([192, 168, 1, 1]));
    }

    #[test]
    fn quoted_icmp_is_not_verified_or_matched() {
        // An echo request quoted in a time-exceeded message.
        let echo = [8, 0, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x01];
        let mut quoted = TIME_EXCEEDED.bytes()[14..34].to_vec();
        quoted[9] = 1;
        quoted[2..4].copy_from_slice(&28u16.to_be_bytes());
        quoted.extend_from_slice(&echo);
        let mut msg = vec![11, 0, 0, 0, 0, 0, 0, 0];
        msg.extend_from_slice(&quoted);
        let frame = over_ipv4(&msg);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(values(&pkt, "icmp.checksum.status", &frame), ["1", "2"]);
        assert_eq!(values(&pkt, "icmp.type", &frame), ["11", "8"]);
        assert_eq!(
            pkt.summary.info,
            "Time-to-live exceeded (Time to live exceeded in transit)"
        );
    }

    #[test]
    fn bad_checksum_is_flagged() {
        let mut frame = PING_REQUEST.bytes();
        frame[37] ^= 1;
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &frame);
        assert_eq!(
            value(&pkt, "icmp.checksum.status", &frame).as_deref(),
            Some("0")
        );
        assert!(pkt.find("icmp.checksum_bad").is_some());
        assert!(has_expert(&pkt, "Bad checksum [should be 0x6909]"));
    }

    #[test]
    fn checksum_of_a_cut_message_is_not_verified() {
        let ping_request = PING_REQUEST.bytes();
        let frames = [TestFrame {
            wire_len: Some(200),
            ..TestFrame::new(&ping_request)
        }];
        let pkt = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &frames).remove(0);
        assert_eq!(
            value(&pkt, "icmp.checksum.status", &ping_request).as_deref(),
            Some("2")
        );
    }

    #[test]
    fn truncation_at_every_header_boundary_keeps_decoded_fields() {
        let ping_request = PING_REQUEST.bytes();
        let message = &ping_request[34..];
        for cut in 1..HEADER_LEN {
            let frame = over_ipv4(&message[..cut]);
            let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
            assert!(pkt.is_malformed(), "cut at {cut}");
            assert!(has_expert(&pkt, "ICMP message truncated"), "cut at {cut}");
            assert!(pkt.find("icmp.type").is_some());
            assert_eq!(pkt.find("icmp.code").is_some(), cut >= 2, "cut at {cut}");
            assert_eq!(
                pkt.find("icmp.checksum").is_some(),
                cut >= 4,
                "cut at {cut}"
            );
            assert!(pkt.find("icmp.ident").is_none());
        }
        let frame = over_ipv4(&message[..HEADER_LEN]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(!pkt.is_malformed());
        assert_eq!(value(&pkt, "icmp.seq", &frame).as_deref(), Some("0"));
    }

    #[test]
    fn echo_without_a_plausible_timestamp_is_all_data() {
        let mut msg = PING_REQUEST.bytes()[34..].to_vec();
        msg[8..16].copy_from_slice(&[0xff; 8]);
        let frame = over_ipv4(&msg);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.find("icmp.data_time").is_none());
        assert_eq!(value(&pkt, "data.len", &frame).as_deref(), Some("56"));
    }

    #[test]
    fn ping_timestamp_is_read_in_either_byte_order() {
        let frame_ts = Timestamp::new(1_334_173_763, 977_955_000);
        let be = [0x4f, 0x85, 0xe0, 0x43, 0x00, 0x0e, 0xec, 0x0f];
        let le = [0x43, 0xe0, 0x85, 0x4f, 0x0f, 0xec, 0x0e, 0x00];
        let want = Some(Timestamp::new(1_334_173_763, 977_935_000));
        assert_eq!(ping_timestamp(&be, frame_ts), want);
        assert_eq!(ping_timestamp(&le, frame_ts), want);
        let far = Timestamp::new(1_334_173_763 + 86_400, 0);
        assert_eq!(ping_timestamp(&be, far), None);
    }

    #[test]
    fn redirect_timestamp_and_mask_messages() {
        let time_exceeded = TIME_EXCEEDED.bytes();
        let mut redirect = vec![5, 1, 0, 0, 10, 0, 0, 254];
        redirect.extend_from_slice(&time_exceeded[42..]);
        let frame = over_ipv4(&redirect);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(
            value(&pkt, "icmp.redir_gw", &frame).as_deref(),
            Some("10.0.0.254")
        );
        assert_eq!(pkt.summary.info, "Redirect             (Redirect for host)");
        assert_eq!(values(&pkt, "ip.version", &frame).len(), 2);

        let ts = [13, 0, 0, 0, 0, 7, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        let frame = over_ipv4(&ts);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(
            value(&pkt, "icmp.originate_timestamp", &frame).as_deref(),
            Some("1")
        );
        assert_eq!(
            value(&pkt, "icmp.transmit_timestamp", &frame).as_deref(),
            Some("3")
        );
        assert!(pkt
            .summary
            .info
            .starts_with("Timestamp request    id=0x0007, seq=1/256"));

        let mask = [18, 0, 0, 0, 0, 1, 0, 2, 255, 255, 255, 0];
        let frame = over_ipv4(&mask);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(
            value(&pkt, "icmp.address_mask", &frame).as_deref(),
            Some("255.255.255.0")
        );
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame[..frame.len() - 1]);
        assert!(pkt.is_malformed());
    }

    #[test]
    fn fragmentation_needed_shows_the_mtu() {
        let time_exceeded = TIME_EXCEEDED.bytes();
        let mut msg = vec![3, 4, 0, 0, 0, 0, 0x05, 0xd4];
        msg.extend_from_slice(&time_exceeded[42..]);
        let frame = over_ipv4(&msg);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(value(&pkt, "icmp.mtu", &frame).as_deref(), Some("1492"));
        assert_eq!(value(&pkt, "icmp.unused", &frame).as_deref(), Some("00:00"));
    }

    #[test]
    fn rfc4884_length_limits_the_quote() {
        // Time exceeded saying the quote is 2 words (8 bytes) after the header, then 4 more bytes.
        let time_exceeded = TIME_EXCEEDED.bytes();
        let mut msg = vec![11, 0, 0, 0, 0, 2, 0, 0];
        msg.extend_from_slice(&time_exceeded[42..]);
        let frame = over_ipv4(&msg);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(value(&pkt, "icmp.length", &frame).as_deref(), Some("2"));
        assert_eq!(
            value(&pkt, "icmp.length.original_datagram", &frame).as_deref(),
            Some("8")
        );
        let inner_ip = pkt
            .layers
            .iter()
            .filter(|l| l.proto.name == "ip")
            .nth(1)
            .map(|l| l.span);
        assert_eq!(inner_ip, Some(Span::new(28, 20)));
    }

    #[test]
    fn reply_key_is_the_request_checksum_plus_the_type_change() {
        // Request 0x6909 (frame 1 of ip/icmp_ping.pcap) is answered by 0x7109 (frame 2).
        assert_eq!(
            checksum::finish(!0x6909u16 as u32 + !0x0800u16 as u32),
            0x7109
        );
    }

    #[test]
    fn mpls_label_stack_extension_after_a_128_byte_quote() {
        // Time exceeded, RFC 4884 length 32 words, a 28-byte datagram padded to 128 bytes,
        // then an extension with one MPLS label stack entry: label 20, S set, TTL 1.
        let time_exceeded = TIME_EXCEEDED.bytes();
        let mut msg = vec![11, 0, 0, 0, 0, 32, 0, 0];
        msg.extend_from_slice(&time_exceeded[42..70]);
        msg.resize(8 + 128, 0);
        let mut ext = vec![
            0x20, 0x00, 0, 0, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x41, 0x01,
        ];
        let sum = checksum::checksum(&ext);
        ext[2..4].copy_from_slice(&sum.to_be_bytes());
        msg.extend_from_slice(&ext);
        let frame = over_ipv4(&msg);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        let v = |n| value(&pkt, n, &frame);
        assert_eq!(v("icmp.ext.version").as_deref(), Some("2"));
        assert_eq!(v("icmp.ext.checksum.status").as_deref(), Some("1"));
        assert_eq!(v("icmp.ext.class").as_deref(), Some("1"));
        assert_eq!(v("icmp.mpls.label").as_deref(), Some("20"));
        assert_eq!(v("icmp.mpls.s").as_deref(), Some("1"));
        assert_eq!(v("icmp.mpls.ttl").as_deref(), Some("1"));
        // The extension belongs to the ICMP layer, even though the quote follows it.
        let icmp_layer = pkt.layers.iter().position(|l| l.proto.name == "icmp");
        assert_eq!(
            pkt.find("icmp.mpls.label").map(|n| n.layer as usize),
            icmp_layer
        );
        assert_eq!(values(&pkt, "ip.len", &frame)[1], "32");

        // A zero-length object ends the list instead of looping.
        let mut bad = msg.clone();
        bad[8 + 128 + 4..8 + 128 + 6].copy_from_slice(&[0, 0]);
        let frame = over_ipv4(&bad);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(values(&pkt, "icmp.ext.length", &frame), ["0"]);
        assert_eq!(
            value(&pkt, "icmp.ext.checksum.status", &frame).as_deref(),
            Some("0")
        );
    }
}
