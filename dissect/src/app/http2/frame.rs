//! The HTTP/2 frame layer (RFC 9113 section 4 and 6): the 9-byte header, the
//! stream cutting of a connection into frames, and each frame type's payload.
//! Parsing only: nothing here knows about fields or state.

use nom::number::complete::{be_u16, be_u24, be_u32, be_u8};
use nom::Parser;

/// The client connection preface (RFC 9113 section 3.4).
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// Length of the frame header.
pub const HEADER_LEN: usize = 9;

pub const DATA: u8 = 0;
pub const HEADERS: u8 = 1;
pub const PRIORITY: u8 = 2;
pub const RST_STREAM: u8 = 3;
pub const SETTINGS: u8 = 4;
pub const PUSH_PROMISE: u8 = 5;
pub const PING: u8 = 6;
pub const GOAWAY: u8 = 7;
pub const WINDOW_UPDATE: u8 = 8;
pub const CONTINUATION: u8 = 9;

pub const FLAG_END_STREAM: u8 = 0x01;
pub const FLAG_ACK: u8 = 0x01;
pub const FLAG_END_HEADERS: u8 = 0x04;
pub const FLAG_PADDED: u8 = 0x08;
pub const FLAG_PRIORITY: u8 = 0x20;

/// The frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    pub length: u32,
    pub ftype: u8,
    pub flags: u8,
    /// The reserved bit, as the top bit of the 32-bit word.
    pub r: u32,
    pub stream: u32,
}

impl FrameHeader {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Parses the 9-byte frame header.
pub fn header(i: &[u8]) -> nom::IResult<&[u8], FrameHeader> {
    let (i, (length, ftype, flags, word)) = (be_u24, be_u8, be_u8, be_u32).parse(i)?;
    Ok((
        i,
        FrameHeader {
            length,
            ftype,
            flags,
            r: word & 0x8000_0000,
            stream: word & 0x7fff_ffff,
        },
    ))
}

/// Wireshark's name of a frame type.
pub fn type_name(t: u8) -> &'static str {
    match t {
        DATA => "DATA",
        HEADERS => "HEADERS",
        PRIORITY => "PRIORITY",
        RST_STREAM => "RST_STREAM",
        SETTINGS => "SETTINGS",
        PUSH_PROMISE => "PUSH_PROMISE",
        PING => "PING",
        GOAWAY => "GOAWAY",
        WINDOW_UPDATE => "WINDOW_UPDATE",
        CONTINUATION => "CONTINUATION",
        0xa => "ALTSVC",
        0xb => "BLOCKED",
        0xc => "ORIGIN",
        0x10 => "PRIORITY_UPDATE",
        _ => "Unknown",
    }
}

/// The field names table form of [`type_name`].
pub fn type_names(t: u64) -> Option<&'static str> {
    u8::try_from(t).ok().map(type_name)
}

/// RFC 9113 section 7 error code names.
pub fn error_name(code: u64) -> Option<&'static str> {
    Some(match code {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => return None,
    })
}

/// How long the PDU at the start of an HTTP/2 byte stream is: the preface, or
/// a frame (header and payload). `None` when more bytes are needed, with how many.
pub fn pdu_len(buf: &[u8]) -> Result<usize, usize> {
    if buf.len() < PREFACE.len() && PREFACE.starts_with(buf) && buf.first() == Some(&b'P') {
        return Err(PREFACE.len() - buf.len());
    }
    if buf.starts_with(PREFACE) {
        return Ok(PREFACE.len());
    }
    match header(buf) {
        Ok((_, h)) => {
            let n = HEADER_LEN + h.length as usize;
            if buf.len() >= n {
                Ok(n)
            } else {
                Err(n - buf.len())
            }
        }
        Err(_) => Err(HEADER_LEN - buf.len()),
    }
}

/// Padding of DATA, HEADERS and PUSH_PROMISE: the pad length octet (when
/// PADDED) and the payload without the padding. `Err` when the padding is
/// longer than the payload (a PROTOCOL_ERROR, section 6.1).
pub struct Padded<'a> {
    pub pad_len: u8,
    /// Bytes after the pad length octet, without the padding.
    pub body: &'a [u8],
    pub body_at: usize,
    pub padding: &'a [u8],
}

pub fn padded(payload: &[u8], flags: u8) -> Result<Padded<'_>, &'static str> {
    if flags & FLAG_PADDED == 0 {
        return Ok(Padded {
            pad_len: 0,
            body: payload,
            body_at: 0,
            padding: &[],
        });
    }
    let Some((&pad, rest)) = payload.split_first() else {
        return Err("PADDED frame without a pad length");
    };
    if pad as usize > rest.len() {
        return Err("padding is longer than the frame payload");
    }
    let (body, padding) = rest.split_at(rest.len() - pad as usize);
    Ok(Padded {
        pad_len: pad,
        body,
        body_at: 1,
        padding,
    })
}

/// The priority block of HEADERS (with PRIORITY) and PRIORITY frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Priority {
    pub exclusive: bool,
    pub dependency: u32,
    pub weight: u8,
}

pub const PRIORITY_LEN: usize = 5;

pub fn priority(i: &[u8]) -> nom::IResult<&[u8], Priority> {
    let (i, (word, weight)) = (be_u32, be_u8).parse(i)?;
    Ok((
        i,
        Priority {
            exclusive: word & 0x8000_0000 != 0,
            dependency: word & 0x7fff_ffff,
            weight,
        },
    ))
}

/// One SETTINGS parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub id: u16,
    pub value: u32,
}

pub const SETTING_LEN: usize = 6;

pub fn setting(i: &[u8]) -> nom::IResult<&[u8], Setting> {
    let (i, (id, value)) = (be_u16, be_u32).parse(i)?;
    Ok((i, Setting { id, value }))
}

/// A 32-bit word with a reserved top bit (WINDOW_UPDATE, GOAWAY, PUSH_PROMISE).
pub fn reserved_u31(i: &[u8]) -> nom::IResult<&[u8], (u32, u32)> {
    let (i, w) = be_u32(i)?;
    Ok((i, (w & 0x8000_0000, w & 0x7fff_ffff)))
}

/// GOAWAY's fixed part.
pub fn goaway(i: &[u8]) -> nom::IResult<&[u8], (u32, u32, u32)> {
    let (i, ((r, last), code)) = (reserved_u31, be_u32).parse(i)?;
    Ok((i, (r, last, code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_and_reserved_bit() {
        let (_, h) = header(&[0, 0, 18, 4, 1, 0x80, 0, 0, 3]).expect("header");
        assert_eq!(
            h,
            FrameHeader {
                length: 18,
                ftype: SETTINGS,
                flags: 1,
                r: 0x8000_0000,
                stream: 3
            }
        );
        assert!(header(&[0, 0, 18, 4]).is_err());
    }

    #[test]
    fn pdu_lengths() {
        assert_eq!(pdu_len(b"PRI * HT"), Err(PREFACE.len() - 8));
        assert_eq!(pdu_len(PREFACE), Ok(24));
        assert_eq!(pdu_len(&[0, 0, 4, 8, 0]), Err(4));
        assert_eq!(pdu_len(&[0, 0, 4, 8, 0, 0, 0, 0, 0, 1]), Err(3));
        assert_eq!(pdu_len(&[0, 0, 0, 4, 1, 0, 0, 0, 0, 9]), Ok(9));
    }

    #[test]
    fn padding_longer_than_payload_is_an_error() {
        assert!(padded(&[5, 1, 2], FLAG_PADDED).is_err());
        assert!(padded(&[], FLAG_PADDED).is_err());
        let p = padded(&[2, b'a', 0, 0], FLAG_PADDED).expect("padded");
        assert_eq!(
            (p.pad_len, p.body, p.padding),
            (2, &b"a"[..], &[0u8, 0][..])
        );
    }
}
