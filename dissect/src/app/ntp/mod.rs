//! NTP (RFC 5905, RFC 1305 and their predecessors), as Wireshark 4.0's `ntp`
//! protocol shows it: the 48-byte header of the time-keeping modes with its
//! extension fields, key identifier and MAC; control messages (mode 6, see
//! [`control`]) and ntpd's private messages (mode 7, see [`private`]).
//!
//! Wireshark throws at the first field whose bytes are missing, keeping
//! what it added before; each function here returns [`Stop`] at the same
//! place. Bytes the capture cut off are a short capture, bytes the datagram
//! never had make the message malformed.

mod control;
mod fields;
mod private;
mod vars;

use std::fmt::Write as _;

use super::udp_message::{report_stop, Msg, Stop};
use crate::dissector::Cx;
use crate::model::{FieldDef, Group, Packet, Protocol, Severity, Span, Value};

pub use fields::FIELDS;
use fields::*;

pub static NTP: Protocol = Protocol {
    name: "ntp",
    label: "Network Time Protocol",
    short: "NTP",
};

const MODE_CONTROL: u8 = 6;
const MODE_PRIVATE: u8 = 7;

/// The fixed header of the time-keeping modes.
const HEADER_LEN: usize = 48;
/// An extension field is at least this long (RFC 7822).
const MIN_EXTENSION_LEN: usize = 16;
/// Shorter trailing data cannot be a MAC, except a crypto-NAK's zero key ID
/// (RFC 7822 section 7.5).
const MIN_MAC_LEN: usize = 20;
/// Seconds from 1900 (NTP era 0) to 1970, and from 1970 to the start of
/// era 1 in 2036.
const EPOCH_1900_TO_1970: i64 = 2_208_988_800;
const EPOCH_1970_TO_2036: i64 = 2_085_978_496;

/// Dissects a UDP payload (port 123) as one NTP message. Claims all of it.
pub fn dissect_udp(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let m = Msg::of_udp_payload(cx, off, buf);
    cx.pkt.begin_layer(&NTP, m.whole());
    cx.pkt.set_info(|_| {});
    let result = m.u8(0).and_then(|flags| {
        version_and_mode(cx.pkt, flags);
        match flags & 0x07 {
            MODE_CONTROL => control::message(cx.pkt, &m),
            MODE_PRIVATE => private::message(cx.pkt, &m),
            _ => standard(cx.pkt, &m),
        }
    });
    if let Err(stop) = result {
        report_stop(cx.pkt, &m, stop, "NTP");
    }
    buf.len()
}

/// `NTP Version 4, client` in Info and the layer's title, from the first
/// byte alone: Wireshark writes both before it reads further.
fn version_and_mode(p: &mut Packet, flags: u8) {
    let version = version_name(((flags >> 3) & 0x07).into()).unwrap_or("Unknown version");
    let mode = info_mode_name(flags & 0x07);
    p.set_info(|i| {
        let _ = write!(i, "{version}, {mode}");
    });
    p.set_title(|t| {
        let _ = write!(t, "{} ({version}, {mode})", NTP.label);
    });
}

/// A word of bit fields as Wireshark's `proto_tree_add_bitmask` shows it:
/// the word, after it the names of its set flags and named values, and
/// each field under it.
fn bitmask(
    p: &mut Packet,
    parent: &'static FieldDef,
    span: Span,
    word: u64,
    bits: &[&'static FieldDef],
) {
    p.add(parent, span, Value::Uint(word));
    let mut names = String::new();
    for &def in bits {
        append_bit_name(&mut names, def, word);
    }
    append_within_line(p, parent, &Value::Uint(word), &names);
    p.subtree(|p| {
        for &def in bits {
            p.add(def, span, bit_value(def, word));
        }
    });
}

/// Appends to the last field's line what fits of `text`: Wireshark cuts
/// appended text silently where the line reaches its 239-byte limit.
fn append_within_line(p: &mut Packet, def: &FieldDef, value: &Value, text: &str) {
    const LINE_MAX: usize = 239;
    if !p.tree || text.is_empty() {
        return;
    }
    let mut line = String::new();
    crate::model::render_tree_label(&mut line, def, value, Span::default(), &[]);
    let mut room = LINE_MAX.saturating_sub(line.len()).min(text.len());
    while !text.is_char_boundary(room) {
        room -= 1;
    }
    p.append_text(|t| t.push_str(&text[..room]));
}

/// `, Leap Indicator: no warning` for a named value (`Unknown` where its
/// table has no name), `, Peer Status` for a set flag; nothing for a number.
fn append_bit_name(out: &mut String, def: &FieldDef, word: u64) {
    let value = bit_value(def, word);
    match (value, def.names) {
        (Value::Bool(true), _) => {
            let _ = write!(out, ", {}", def.label);
        }
        (Value::Bool(false), _) => {}
        (v, Some(names)) => {
            let name = v.as_u64().and_then(names).unwrap_or("Unknown");
            let _ = write!(out, ", {}: {name}", def.label);
        }
        _ => {}
    }
}

/// The value of bit field `def` in `word`, shifted down.
fn bit_value(def: &FieldDef, word: u64) -> Value {
    let mask = def.bits.map_or(u64::MAX, |b| b.mask);
    let v = (word & mask) >> mask.trailing_zeros().min(63);
    match def.kind {
        crate::model::FieldKind::Bool => Value::Bool(v != 0),
        _ => Value::Uint(v),
    }
}

/// The first byte of the header: leap indicator, version and mode.
fn header_flags(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    let flags = m.u8(0)?;
    bitmask(
        p,
        &FLAGS,
        m.span(0, 1),
        flags.into(),
        &[&FLAGS_LI, &FLAGS_VN, &FLAGS_MODE],
    );
    Ok(())
}

/// A client, server, symmetric or broadcast message.
fn standard(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    header_flags(p, m)?;
    let stratum = m.u8(1)?;
    p.add(&STRATUM, m.span(1, 1), Value::Uint(stratum.into()));
    p.add(&PPOLL, m.span(2, 1), Value::Uint(m.u8(2)?.into()));
    p.add(&PRECISION, m.span(3, 1), Value::Uint(m.u8(3)?.into()));
    p.add(&ROOTDELAY, m.span(4, 4), Value::Uint(m.u32(4)?.into()));
    p.add(&ROOTDISPERSION, m.span(8, 4), Value::Uint(m.u32(8)?.into()));
    reference_id(p, m, stratum)?;
    for (def, at) in [(&REFTIME, 16), (&ORG, 24), (&REC, 32), (&XMT, 40)] {
        timestamp(p, m, def, at)?;
    }
    let efs_end = extensions_end(m)?;
    let mut at = HEADER_LEN;
    while at < efs_end {
        at = extension(p, m, at)?;
    }
    key_and_mac(p, m, at)
}

/// `Reference ID: 192.43.244.18` from servers of stratum 2 and up; below,
/// the name of the primary source, or its code quoted.
fn reference_id(p: &mut Packet, m: &Msg<'_>, stratum: u8) -> Result<(), Stop> {
    let id = m.ipv4(12)?;
    p.add(&REFID, m.span(12, 4), Value::SpanBytes);
    p.set_text(|t| {
        let _ = write!(t, "{}: ", REFID.label);
        write_reference_id(t, stratum, id);
    });
    Ok(())
}

fn write_reference_id(out: &mut String, stratum: u8, id: [u8; 4]) {
    if stratum >= 2 {
        let _ = write!(out, "{}", std::net::Ipv4Addr::from(id));
        return;
    }
    match primary_source_name(id) {
        Some(name) => out.push_str(name),
        None => {
            out.push_str("Unidentified reference source '");
            // Wireshark's ASCII decoding: up to a NUL, other bytes past 0x7f
            // replaced, control characters as they are.
            for &b in id.iter().take_while(|&&b| b != 0) {
                out.push(if b.is_ascii() { b as char } else { '\u{fffd}' });
            }
            out.push('\'');
        }
    }
}

/// One of the header's four timestamps.
fn timestamp(p: &mut Packet, m: &Msg<'_>, def: &'static FieldDef, at: usize) -> Result<(), Stop> {
    let raw = m.u64(at)?;
    p.add_with(def, m.span(at, 8), || {
        Value::Str(ntp_time_text((raw >> 32) as u32, raw as u32).into())
    });
    Ok(())
}

/// An NTP timestamp as Wireshark 4.0 writes it: `NULL` for zero, else UTC
/// to the nanosecond. Seconds with the top bit clear belong to era 1
/// (2036 on), as RFC 2030 section 3 suggests.
fn ntp_time_text(secs: u32, frac: u32) -> String {
    let unix = if secs & 0x8000_0000 != 0 {
        i64::from(secs) - EPOCH_1900_TO_1970
    } else {
        i64::from(secs) + EPOCH_1970_TO_2036
    };
    // Wireshark's own conversion, truncation included.
    let nanos = (1_000_000_000.0 * (f64::from(frac) / 4_294_967_296.0)) as u64;
    if (secs == 0 && frac == 0) || (unix == 0 && nanos == 0) {
        return "NULL".to_string();
    }
    crate::frame::format_utc(crate::model::Timestamp::new(unix, nanos))
}

/// Where the extension fields end and the MAC begins. Lengths alone cannot
/// tell a long MAC from an extension field, so Wireshark takes fields while
/// their lengths fit, then gives the last one back to the MAC if what
/// follows is too short to be one.
fn extensions_end(m: &Msg<'_>) -> Result<usize, Stop> {
    let mut end = HEADER_LEN;
    let mut last = 0;
    while m.remaining(end) >= MIN_EXTENSION_LEN {
        let len = usize::from(m.u16(end + 2)?);
        if len < MIN_EXTENSION_LEN || m.remaining(end) < len {
            break;
        }
        end += len;
        last = len;
    }
    let mac_len = m.remaining(end);
    let crypto_nak = mac_len == 4 && m.u32(end)? == 0;
    if mac_len != 0 && !crypto_nak && mac_len < MIN_MAC_LEN {
        end -= last;
    }
    Ok(end)
}

/// One extension field at `at`; returns where the next one starts (the end
/// of the message when its length is unusable).
fn extension(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<usize, Stop> {
    let len = usize::from(m.u16(at + 2)?);
    p.add(&EXT, m.span(at, len), Value::None);
    p.subtree(|p| {
        let field_type = m.u16(at)?;
        p.add(&EXT_TYPE, m.span(at, 2), Value::Uint(field_type.into()));
        let len_span = m.span(at + 2, 2);
        p.add(&EXT_LENGTH, len_span, Value::Uint(len as u64));
        let invalid = if len < 8 {
            Some(format!("Extension length {len} < 8"))
        } else if len % 4 != 0 {
            Some(format!("Extension length {len} isn't a multiple of 4"))
        } else {
            None
        };
        if let Some(message) = invalid {
            p.subtree(|p| {
                p.expert_field(
                    &EXT_INVALID_LENGTH,
                    Severity::Warn,
                    Group::Protocol,
                    len_span,
                    message,
                )
            });
            return Ok(m.reported);
        }
        m.need(at + 4, len - 4)?;
        p.add(&EXT_VALUE, m.span(at + 4, len - 4), Value::SpanBytes);
        Ok(at + len)
    })
}

/// The key identifier and the message digest after it, if there are bytes for them.
fn key_and_mac(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<(), Stop> {
    if m.remaining(at) >= 4 {
        m.need(at, 4)?;
        p.add(&KEYID, m.span(at, 4), Value::SpanBytes);
    }
    let mac_at = at + 4;
    let mac_len = m.remaining(mac_at);
    if mac_len > 0 {
        m.need(mac_at, mac_len)?;
        p.add(&MAC, m.span(mac_at, mac_len), Value::SpanBytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
