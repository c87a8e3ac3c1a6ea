//! The BGP message header (RFC 4271 section 4.1) and the stream framing built
//! on it: a 16-byte marker, a 2-byte length counting the header, a type.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::flow::reassembly::{PduLen, PduParser};
use crate::model::{Group, Packet, Severity, Span, Value};

use super::fields as f;

pub const HEADER_LEN: usize = 19;
/// Longest message: 4096 bytes, or 65535 with the Extended Message capability (RFC 8654).
pub const MAX_MESSAGE_LEN: usize = 65535;

pub const OPEN: u8 = 1;
pub const UPDATE: u8 = 2;
pub const NOTIFICATION: u8 = 3;
pub const KEEPALIVE: u8 = 4;
pub const ROUTE_REFRESH: u8 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    pub marker: &'a [u8],
    pub length: u16,
    pub kind: u8,
}

impl Header<'_> {
    pub fn marker_ok(&self) -> bool {
        self.marker.iter().all(|b| *b == 0xff)
    }
}

pub fn parse(buf: &[u8]) -> Option<Header<'_>> {
    let (_, (marker, length, kind)) = (take(16usize), be_u16, be_u8::<_, nom::error::Error<&[u8]>>)
        .parse(buf)
        .ok()?;
    Some(Header {
        marker,
        length,
        kind,
    })
}

/// Cuts the TCP byte stream into messages by their length field.
pub struct Framing;

impl PduParser for Framing {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
        let Some(len) = buf.get(16..18) else {
            return PduLen::NeedMore(18 - buf.len());
        };
        let len = u16::from_be_bytes([len[0], len[1]]) as usize;
        if len < HEADER_LEN {
            // A length shorter than the header cannot frame anything after it.
            return PduLen::Invalid;
        }
        if buf.len() >= len {
            PduLen::Complete(len)
        } else {
            PduLen::NeedMore(len - buf.len())
        }
    }
}

/// Adds the header's fields and returns its length and type, or `None` when
/// the message is too short for a header.
pub fn add(p: &mut Packet, off: usize, msg: &[u8]) -> Option<(u16, u8)> {
    let h = parse(msg)?;
    p.add(&f::MARKER, Span::new(off, 16), Value::SpanBytes);
    if !h.marker_ok() {
        p.expert_field(
            &f::EXPERT_MARKER_INVALID,
            Severity::Error,
            Group::Protocol,
            Span::new(off, 16),
            "Marker is not all ones",
        );
    }
    p.add(
        &f::LENGTH,
        Span::new(off + 16, 2),
        Value::Uint(h.length.into()),
    );
    if (h.length as usize) < HEADER_LEN {
        p.expert_field(
            &f::EXPERT_LENGTH_INVALID,
            Severity::Error,
            Group::Malformed,
            Span::new(off + 16, 2),
            format!("Length is invalid {} < {HEADER_LEN}", h.length),
        );
    }
    p.add(&f::TYPE, Span::new(off + 18, 1), Value::Uint(h.kind.into()));
    Some((h.length, h.kind))
}
