//! IPsec headers as they appear on the wire without keys: the Authentication
//! Header (RFC 4302), which continues the IPv6 extension chain, and the
//! Encapsulating Security Payload (RFC 4303), whose payload stays encrypted.

use std::fmt::Write as _;

use super::ext::Step;
use super::wire::{bytes_at, u32_at, u8_at};
use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::model::{Protocol, Span, Value};

pub static AH: Protocol = Protocol {
    name: "ah",
    label: "Authentication Header",
    short: "AH",
};

pub static ESP: Protocol = Protocol {
    name: "esp",
    label: "Encapsulating Security Payload",
    short: "ESP",
};

declare_fields! {
    AH_NEXT_HEADER = "ah.next_header", "Next header", U8, Dec, crate::names::ip_proto;
    AH_LENGTH = "ah.length", "Length", U8;
    AH_RESERVED = "ah.reserved", "Reserved", Bytes;
    AH_SPI = "ah.spi", "AH SPI", U32, Hex(8);
    AH_SEQUENCE = "ah.sequence", "AH Sequence", U32;
    AH_ICV = "ah.icv", "AH ICV", Bytes;
    ESP_SPI = "esp.spi", "ESP SPI", U32, Hex(8);
    ESP_SEQUENCE = "esp.sequence", "ESP Sequence", U32;
    ESP_ENCRYPTED_DATA = "esp.encrypted_data", "ESP Encrypted Data", Bytes;
}

/// Fixed part of the AH header: next header, length, reserved, SPI, sequence.
const AH_FIXED_LEN: usize = 12;
/// SPI and sequence number.
const ESP_HEADER_LEN: usize = 8;

/// Dissects the AH header at the start of `buf` into its own layer. Returns the
/// next header and the header length, or `None` when it is cut short.
fn ah_header(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<(u8, usize)> {
    cx.pkt.begin_layer(&AH, Span::new(off, buf.len()));
    cx.pkt.set_info(|_| {});
    let fields = (
        u8_at(buf, 0),
        u8_at(buf, 1),
        bytes_at(buf, 2, 2),
        u32_at(buf, 4),
        u32_at(buf, 8),
    );
    let (Some(nxt), Some(len), Some(_), Some(spi), Some(seq)) = fields else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!("AH header needs {AH_FIXED_LEN} bytes, {} left", buf.len()),
        );
        return None;
    };
    // The length counts 32-bit words minus 2.
    let hdr_len = (len as usize + 2) * 4;
    let icv_len = hdr_len.saturating_sub(AH_FIXED_LEN);
    cx.pkt.set_layer_len(hdr_len.min(buf.len()));
    cx.pkt.set_info(|i| {
        let _ = write!(i, "AH (SPI=0x{spi:08x})");
    });
    let p = &mut *cx.pkt;
    p.add(&AH_NEXT_HEADER, Span::new(off, 1), Value::Uint(nxt as u64));
    p.add(&AH_LENGTH, Span::new(off + 1, 1), Value::Uint(len as u64));
    p.add(&AH_RESERVED, Span::new(off + 2, 2), Value::SpanBytes);
    p.add(&AH_SPI, Span::new(off + 4, 4), Value::Uint(spi as u64));
    p.add(&AH_SEQUENCE, Span::new(off + 8, 4), Value::Uint(seq as u64));
    if bytes_at(buf, AH_FIXED_LEN, icv_len).is_none() {
        p.malformed(
            Span::new(off + AH_FIXED_LEN, buf.len().saturating_sub(AH_FIXED_LEN)),
            format!("AH ICV of {icv_len} bytes runs past the packet"),
        );
        return None;
    }
    p.add(
        &AH_ICV,
        Span::new(off + AH_FIXED_LEN, icv_len),
        Value::SpanBytes,
    );
    Some((nxt, hdr_len))
}

/// AH within an IPv6 extension chain: the chain goes on after it.
pub(super) fn ah_in_chain(cx: &mut Cx<'_>, at: usize, here: &[u8]) -> Step {
    match ah_header(cx, at, here) {
        Some((nxt, len)) => Step::Next { nxt, len },
        None => Step::Stop,
    }
}

/// AH after an IPv4 header; dissects what it protects by its next header.
pub fn dissect_ah(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    if let Some((nxt, len)) = ah_header(cx, off, buf) {
        dispatch::ip_proto(cx, nxt, off + len, &buf[len..]);
    }
    buf.len()
}

/// ESP: the SPI and sequence number in clear, the rest encrypted.
pub fn dissect_esp(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&ESP, Span::new(off, buf.len()));
    let (Some(spi), Some(seq)) = (u32_at(buf, 0), u32_at(buf, 4)) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "ESP header needs {ESP_HEADER_LEN} bytes, {} left",
                buf.len()
            ),
        );
        return buf.len();
    };
    cx.pkt.set_info(|i| {
        let _ = write!(i, "ESP (SPI=0x{spi:08x})");
    });
    let p = &mut *cx.pkt;
    p.add(&ESP_SPI, Span::new(off, 4), Value::Uint(spi as u64));
    p.add(
        &ESP_SEQUENCE,
        Span::new(off + 4, 4),
        Value::Uint(seq as u64),
    );
    let rest = buf.len() - ESP_HEADER_LEN;
    if rest > 0 {
        p.add(
            &ESP_ENCRYPTED_DATA,
            Span::new(off + ESP_HEADER_LEN, rest),
            Value::SpanBytes,
        );
    }
    buf.len()
}
