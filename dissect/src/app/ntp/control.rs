//! NTP control messages (mode 6, RFC 1305 appendix B and ntpd's
//! extensions): the header, the status word as the opcode and the
//! association make it, the data, and the authenticator of requests.

use super::*;

const R_BIT: u8 = 0x80;
const ERROR_BIT: u8 = 0x40;
const OPCODE_MASK: u8 = 0x1f;

const OP_READSTAT: u8 = 1;
const OP_READVAR: u8 = 2;
const OP_WRITEVAR: u8 = 3;
const OP_READCLOCK: u8 = 4;
const OP_WRITECLOCK: u8 = 5;
const OP_ASYNCMSG: u8 = 7;
const OP_CONFIGURE: u8 = 8;
const OP_SAVECONFIG: u8 = 9;
const OP_READ_MRU: u8 = 10;
const OP_READ_ORDLIST_A: u8 = 11;
const OP_REQ_NONCE: u8 = 12;

const DATA_OFFSET: u16 = 12;
/// Authenticators follow the data padded to a multiple of 8 bytes.
const AUTH_ALIGN: u16 = 8;
const MD5_AUTH_LEN: usize = 20;
const SHA1_AUTH_LEN: usize = 24;

const PEER_STATUS: &[&FieldDef] = &[
    &PEER_CONFIG,
    &PEER_AUTHENABLE,
    &PEER_AUTHENTIC,
    &PEER_REACH,
    &PEER_BCAST,
    &PEER_SELECTION,
    &PEER_COUNT,
    &PEER_CODE,
];
const SYSTEM_STATUS: &[&FieldDef] = &[&SYS_LI, &SYS_CLKSRC, &SYS_COUNT, &SYS_CODE];
const CLOCK_STATUS: &[&FieldDef] = &[&CLK_STATUS, &CLK_CODE];
const ERROR_STATUS: &[&FieldDef] = &[&CTRL_ERR_STATUS];

/// A whole control message.
pub(super) fn message(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    header_flags(p, m)?;
    let flags2 = m.u8(1)?;
    bitmask(
        p,
        &CTRL_FLAGS2,
        m.span(1, 1),
        flags2.into(),
        &[&CTRL_R, &CTRL_ERROR, &CTRL_MORE, &CTRL_OPCODE],
    );
    p.add(&CTRL_SEQUENCE, m.span(2, 2), Value::Uint(m.u16(2)?.into()));
    // Wireshark reads the association before the status that depends on it.
    let assoc = m.u16(6)?;
    status(p, m, flags2, assoc)?;
    p.add(&CTRL_ASSOCID, m.span(6, 2), Value::Uint(assoc.into()));
    p.add(&CTRL_OFFSET, m.span(8, 2), Value::Uint(m.u16(8)?.into()));
    let count = m.u16(10)?;
    p.add(&CTRL_COUNT, m.span(10, 2), Value::Uint(count.into()));
    let mut authenticated = flags2 & R_BIT == 0;
    let mut data_len = count;
    if count > 0 {
        let (auth, left) = data(p, m, flags2 & OPCODE_MASK, assoc, count)?;
        authenticated |= auth;
        data_len = left;
    }
    if authenticated {
        authenticator(p, m, DATA_OFFSET.wrapping_add(data_len))?;
    }
    Ok(())
}

/// The status word: only responses say what it holds, by their error bit,
/// opcode and association.
fn status(p: &mut Packet, m: &Msg<'_>, flags2: u8, assoc: u16) -> Result<(), Stop> {
    let word = m.u16(4)?;
    let span = m.span(4, 2);
    let bits = match flags2 & OPCODE_MASK {
        _ if flags2 & R_BIT == 0 => None,
        _ if flags2 & ERROR_BIT != 0 => Some(ERROR_STATUS),
        OP_READSTAT | OP_READVAR | OP_WRITEVAR | OP_ASYNCMSG if assoc != 0 => Some(PEER_STATUS),
        OP_READSTAT | OP_READVAR | OP_WRITEVAR | OP_ASYNCMSG => Some(SYSTEM_STATUS),
        OP_READCLOCK | OP_WRITECLOCK => Some(CLOCK_STATUS),
        _ => None,
    };
    match bits {
        Some(bits) => bitmask(p, &CTRL_STATUS, span, word.into(), bits),
        None => p.add(&CTRL_STATUS, span, Value::Uint(word.into())),
    }
    Ok(())
}

/// The data of `count` bytes. Returns whether the opcode's messages carry
/// an authenticator even as responses, and the data's length as Wireshark
/// has it afterwards: the association list counts it down to zero, so
/// Wireshark then looks for the authenticator right after the header.
fn data(
    p: &mut Packet,
    m: &Msg<'_>,
    opcode: u8,
    assoc: u16,
    count: u16,
) -> Result<(bool, u16), Stop> {
    let at = usize::from(DATA_OFFSET);
    let len = usize::from(count);
    p.add(&CTRL_DATA, m.span(at, len), Value::None);
    let authenticated = match opcode {
        OP_READSTAT if assoc == 0 => {
            status_list(p, m, count)?;
            return Ok((false, 0));
        }
        OP_READSTAT | OP_READVAR | OP_WRITEVAR | OP_READCLOCK | OP_WRITECLOCK => {
            let found = vars::parse(m, at, at + len);
            p.subtree(|p| vars::add(p, m, &found.elems));
            if let Some(stop) = found.stop {
                return Err(stop);
            }
            false
        }
        OP_ASYNCMSG => {
            text(p, m, &CTRL_TRAPMSG, at, len)?;
            false
        }
        OP_CONFIGURE | OP_SAVECONFIG => {
            text(p, m, &CTRL_CONFIGURATION, at, len)?;
            true
        }
        OP_READ_MRU => {
            text(p, m, &CTRL_MRU, at, len)?;
            true
        }
        OP_READ_ORDLIST_A => {
            text(p, m, &CTRL_ORDLIST, at, len)?;
            true
        }
        OP_REQ_NONCE => {
            text(p, m, &CTRL_NONCE, at, len)?;
            true
        }
        _ => false,
    };
    Ok((authenticated, count))
}

/// Data that is one string: a trap message, configuration text, a list.
fn text(
    p: &mut Packet,
    m: &Msg<'_>,
    def: &'static FieldDef,
    at: usize,
    len: usize,
) -> Result<(), Stop> {
    let s = ascii_text(m.bytes(at, len)?);
    p.subtree(|p| p.add(def, m.span(at, len), Value::Str(s.into())));
    Ok(())
}

/// The system's list of associations, four bytes each: the association
/// under Data, its status word (Wireshark puts it at the top level) after it.
fn status_list(p: &mut Packet, m: &Msg<'_>, count: u16) -> Result<(), Stop> {
    let mut words = Vec::new();
    let mut at = usize::from(DATA_OFFSET);
    // Wireshark counts down by four from a 16-bit count, so a count that is
    // no multiple of four runs on until the bytes run out.
    let mut left = count;
    let outcome = p.subtree(|p| -> Result<(), Stop> {
        while left != 0 {
            p.add(&CTRL_ITEM, m.span(at, 4), Value::None);
            let assoc = m.u16(at)?;
            p.subtree(|p| p.add(&CTRL_ASSOCID, m.span(at, 2), Value::Uint(assoc.into())));
            words.push((at + 2, m.u16(at + 2)?));
            at += 4;
            left = left.wrapping_sub(4);
        }
        Ok(())
    });
    for (at, word) in words {
        bitmask(p, &CTRL_STATUS, m.span(at, 2), word.into(), PEER_STATUS);
    }
    outcome
}

/// Padding to the authenticator's alignment, then the authenticator:
/// its key and digest when it has the length of an MD5 or SHA-1 one.
/// `at` is where the data ends, in Wireshark's 16 bits.
fn authenticator(p: &mut Packet, m: &Msg<'_>, at: u16) -> Result<(), Stop> {
    let mut at = usize::from(at);
    let mut left = m.remaining(at);
    let padding = match at % usize::from(AUTH_ALIGN) {
        0 => 0,
        r => usize::from(AUTH_ALIGN) - r,
    };
    if left <= padding {
        return Ok(());
    }
    if padding > 0 {
        m.need(at, padding)?;
        p.add(&PADDING, m.span(at, padding), Value::SpanBytes);
        at += padding;
        left -= padding;
    }
    p.add(&AUTHENTICATOR, m.span(at, left), Value::None);
    let (key_type, digest_len) = match left {
        MD5_AUTH_LEN => (0, 16),
        SHA1_AUTH_LEN => (1, 20),
        _ => return Ok(()),
    };
    p.subtree(|p| {
        p.add(&KEY_TYPE, m.span(at, 0), Value::Uint(key_type));
        p.add(&KEY_INDEX, m.span(at, 4), Value::Uint(m.u32(at)?.into()));
        m.need(at + 4, digest_len)?;
        p.add(&KEY_SIGNATURE, m.span(at + 4, digest_len), Value::SpanBytes);
        Ok(())
    })
}

/// Bytes as Wireshark's ASCII decoding reads a counted string: up to the
/// first NUL, every byte past 0x7f replaced by U+FFFD.
fn ascii_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}
