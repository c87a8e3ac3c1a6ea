//! DHCP and BOOTP (RFC 951, RFC 2131, RFC 2132), as Wireshark 4.0's `dhcp`
//! protocol shows them: the fixed BOOTP header, then the options after the
//! magic cookie. A message without a DHCP Message Type option is plain BOOTP
//! (the Protocol column says so).
//!
//! Wireshark reads the message in two passes, and so does this module: the
//! first only looks for the options that change how the rest is shown (53,
//! the message type, and 52, the overload of `sname` and `file`), the second
//! builds the tree. Where the bytes run out, what Wireshark does depends on
//! why: bytes the capture cut off stop the dissection as "packet size
//! limited during capture", bytes the message claims but does not have make
//! it malformed. [`Msg`] tells the two apart.

mod fields;
mod options;

use std::fmt::Write as _;

use super::udp_message::{report_stop, Msg, Stop};
use crate::dissector::Cx;
use crate::model::{Group, Packet, Protocol, Severity, Span, Value};

pub use fields::FIELDS;
use fields::*;

pub static DHCP: Protocol = Protocol {
    name: "dhcp",
    label: "Dynamic Host Configuration Protocol",
    short: "DHCP",
};

const OP_REQUEST: u8 = 1;
const OP_REPLY: u8 = 2;
/// ARP hardware types whose addresses are MAC addresses (Ethernet, IEEE 802).
const HTYPE_ETHERNET: u8 = 1;
const HTYPE_IEEE802: u8 = 6;

const CHADDR_OFFSET: usize = 28;
const CHADDR_LEN: usize = 16;
const SNAME_OFFSET: usize = 44;
const SNAME_LEN: usize = 64;
const FILE_OFFSET: usize = 108;
const FILE_LEN: usize = 128;
const VENDOR_OFFSET: usize = 236;
/// BOOTP's vendor area, where DHCP puts its cookie and options (RFC 951).
const VENDOR_LEN: usize = 64;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// Option 52's bits: which of the header's name fields hold options instead.
const OVERLOAD_FILE: u8 = 1;
const OVERLOAD_SNAME: u8 = 2;

/// Dissects a UDP payload (ports 67 and 68) as one DHCP/BOOTP message. Claims all of it.
pub fn dissect_udp(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let m = Msg::of_udp_payload(cx, off, buf);
    let layer = cx.pkt.begin_layer(&DHCP, m.whole());
    // Plain BOOTP until a DHCP Message Type option says otherwise.
    cx.pkt.summary.protocol = "BOOTP";
    cx.pkt.set_info(|_| {});
    if let Err(stop) = message(cx.pkt, &m, layer) {
        report_stop(cx.pkt, &m, stop, "DHCP/BOOTP");
    }
    buf.len()
}

/// The whole message, in Wireshark's order, so that a message cut short
/// stops where Wireshark's does.
fn message(p: &mut Packet, m: &Msg<'_>, layer: u8) -> Result<(), Stop> {
    let op = m.u8(0)?;
    let htype = m.u8(1)?;
    let hlen = m.u8(2)?;
    boot_info(p, m, op, htype, hlen)?;
    let cookie = m.exists(VENDOR_OFFSET, 4) && m.bytes(VENDOR_OFFSET, 4)? == MAGIC_COOKIE;
    let options_at = VENDOR_OFFSET + if cookie { 4 } else { VENDOR_LEN };
    let scan = options::scan(m, options_at)?;
    if let Some(t) = scan.dhcp_type {
        dhcp_info(p, m, t)?;
    }
    header(p, m, op, htype, hlen, scan.overload)?;
    if scan.dhcp_type.is_none() {
        p.add(&BOOTP, Span::new(m.off, 0), Value::Bool(true));
    }
    vendor_area(p, m, cookie)?;
    let mut ctx = options::Ctx {
        overload: scan.overload,
        layer,
    };
    let (end, at_end) = options::dissect_range(p, m, options_at, m.reported, &mut ctx)?;
    if scan.dhcp_type.is_some() && !at_end {
        p.expert_field(
            &END_OPTION_MISSING,
            Severity::Error,
            Group::Protocol,
            m.whole(),
            "End option missing",
        );
    }
    padding(p, m, end)
}

/// A DHCP message: the Protocol column says so, and Info gives its type.
fn dhcp_info(p: &mut Packet, m: &Msg<'_>, t: u8) -> Result<(), Stop> {
    let xid = m.u32(4)?;
    p.summary.protocol = DHCP.short;
    p.set_info(|i| {
        let _ = write!(
            i,
            "DHCP {:<8} - Transaction ID 0x{xid:x}",
            message_type_text(t)
        );
    });
    Ok(())
}

/// The magic cookie, or BOOTP's vendor area when there is none.
fn vendor_area(p: &mut Packet, m: &Msg<'_>, cookie: bool) -> Result<(), Stop> {
    if cookie {
        p.add(&COOKIE, m.span(VENDOR_OFFSET, 4), Value::Ipv4(MAGIC_COOKIE));
    } else {
        m.need(VENDOR_OFFSET, VENDOR_LEN)?;
        p.add(
            &VENDOR_SPECIFIC_OPTIONS,
            m.span(VENDOR_OFFSET, VENDOR_LEN),
            Value::SpanBytes,
        );
    }
    Ok(())
}

/// What follows the options (from `end`): padding, however long the message says.
fn padding(p: &mut Packet, m: &Msg<'_>, end: usize) -> Result<(), Stop> {
    if end < m.reported {
        m.need(end, m.reported - end)?;
        p.add(
            &OPTION_PADDING,
            m.span(end, m.reported - end),
            Value::SpanBytes,
        );
    }
    Ok(())
}

/// `Discover`, or what Wireshark writes for a type it does not know.
fn message_type_text(t: u8) -> std::borrow::Cow<'static, str> {
    match message_type_name(t.into()) {
        Some(name) => name.into(),
        None => format!("Unknown Message Type (0x{t:02x})").into(),
    }
}

/// Info for plain BOOTP, replaced when the message turns out to be DHCP.
fn boot_info(p: &mut Packet, m: &Msg<'_>, op: u8, htype: u8, hlen: u8) -> Result<(), Stop> {
    match op {
        OP_REQUEST => {
            // Wireshark writes an empty address without reading `chaddr`.
            let addr = match hlen {
                0 => &[][..],
                n => m.bytes(CHADDR_OFFSET, n.into())?,
            };
            let mac = is_mac(htype, hlen);
            p.set_info(|i| {
                i.push_str("Boot Request from ");
                write_hw_address(i, addr, mac);
                // The MAC again, where Wireshark would put its resolved name.
                if mac {
                    i.push_str(" (");
                    write_hw_address(i, addr, mac);
                    i.push(')');
                }
            });
        }
        OP_REPLY => p.set_info(|i| i.push_str("Boot Reply")),
        _ => p.set_info(|i| {
            let _ = write!(i, "Unknown BOOTP message type ({op})");
        }),
    }
    Ok(())
}

fn is_mac(htype: u8, hlen: u8) -> bool {
    matches!(htype, HTYPE_ETHERNET | HTYPE_IEEE802) && hlen == 6
}

/// The client's hardware address as Wireshark's `tvb_arphrdaddr_to_str`
/// writes it: a MAC with colons, other addresses in plain hex.
fn write_hw_address(out: &mut String, addr: &[u8], mac: bool) {
    if addr.is_empty() {
        out.push_str("<No address>");
    } else {
        write_address(out, addr, mac);
    }
}

fn write_address(out: &mut String, addr: &[u8], mac: bool) {
    if mac {
        crate::model::field::write_hex_colon(out, addr);
    } else {
        crate::model::field::write_tree_bytes(out, addr);
    }
}

/// The fixed header, from `op` to `file`.
fn header(
    p: &mut Packet,
    m: &Msg<'_>,
    op: u8,
    htype: u8,
    hlen: u8,
    overload: u8,
) -> Result<(), Stop> {
    p.add(&TYPE, m.span(0, 1), Value::Uint(op.into()));
    p.add(&HW_TYPE, m.span(1, 1), Value::Uint(htype.into()));
    p.add(&HW_LEN, m.span(2, 1), Value::Uint(hlen.into()));
    p.add(&HOPS, m.span(3, 1), Value::Uint(m.u8(3)?.into()));
    p.add(&ID, m.span(4, 4), Value::Uint(m.u32(4)?.into()));
    secs(p, m)?;
    flags(p, m)?;
    for (def, at) in [
        (&IP_CLIENT, 12),
        (&IP_YOUR, 16),
        (&IP_SERVER, 20),
        (&IP_RELAY, 24),
    ] {
        p.add(def, m.span(at, 4), Value::Ipv4(m.ipv4(at)?));
    }
    client_hw_address(p, m, htype, hlen)?;
    name_field(p, m, NameField::SNAME, overload & OVERLOAD_SNAME != 0)?;
    name_field(p, m, NameField::FILE, overload & OVERLOAD_FILE != 0)
}

/// Windows clients send `secs` little-endian; Wireshark takes a small
/// little-endian reading as the right one, and says so.
fn secs(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    let b = m.bytes(8, 2)?;
    let le = u16::from_le_bytes([b[0], b[1]]);
    let span = m.span(8, 2);
    if (1..=0xff).contains(&le) {
        p.add(&SECS, span, Value::Uint(le.into()));
        p.subtree(|p| {
            p.expert_field(
                &SECS_LE,
                Severity::Note,
                Group::Protocol,
                span,
                "Seconds elapsed appears to be encoded as little-endian",
            )
        });
    } else {
        p.add(&SECS, span, Value::Uint(m.u16(8)?.into()));
    }
    Ok(())
}

/// `Bootp flags: 0x8000, Broadcast flag (Broadcast)`.
fn flags(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    let flags = m.u16(10)?;
    let span = m.span(10, 2);
    let broadcast = flags & 0x8000 != 0;
    p.add(&FLAGS, span, Value::Uint(flags.into()));
    p.append_text(|t| {
        if broadcast {
            let _ = write!(t, ", {}", FLAGS_BC.label);
        }
        t.push_str(if broadcast {
            " (Broadcast)"
        } else {
            " (Unicast)"
        });
    });
    p.subtree(|p| {
        p.add(&FLAGS_BC, span, Value::Bool(broadcast));
        p.add(&FLAGS_RESERVED, span, Value::Uint((flags & 0x7fff).into()));
    });
    Ok(())
}

/// `chaddr`: a MAC and its padding for Ethernet, other addresses as bytes.
fn client_hw_address(p: &mut Packet, m: &Msg<'_>, htype: u8, hlen: u8) -> Result<(), Stop> {
    let len = usize::from(hlen);
    if !(1..=CHADDR_LEN).contains(&len) {
        m.need(CHADDR_OFFSET, CHADDR_LEN)?;
        let span = m.span(CHADDR_OFFSET, CHADDR_LEN);
        expert_item(
            p,
            &CLIENT_ADDRESS_NOT_GIVEN,
            span,
            Severity::Note,
            "Client address not given",
        );
        return Ok(());
    }
    if is_mac(htype, hlen) {
        let b = m.bytes(CHADDR_OFFSET, 6)?;
        let mac = [b[0], b[1], b[2], b[3], b[4], b[5]];
        p.add(&HW_MAC_ADDR, m.span(CHADDR_OFFSET, 6), Value::Mac(mac));
    } else {
        let all = m.bytes(CHADDR_OFFSET, CHADDR_LEN)?;
        p.add(
            &HW_ADDR,
            m.span(CHADDR_OFFSET, CHADDR_LEN),
            Value::SpanBytes,
        );
        p.set_text(|t| {
            let _ = write!(t, "{}: ", HW_ADDR.label);
            write_address(t, all.get(..len).unwrap_or(all), false);
        });
    }
    if len < CHADDR_LEN {
        m.need(CHADDR_OFFSET + len, CHADDR_LEN - len)?;
        p.add(
            &HW_ADDR_PADDING,
            m.span(CHADDR_OFFSET + len, CHADDR_LEN - len),
            Value::SpanBytes,
        );
    }
    Ok(())
}

/// One of the header's two name fields.
struct NameField {
    at: usize,
    len: usize,
    def: &'static crate::model::FieldDef,
    overloaded: &'static crate::model::FieldDef,
    empty: &'static str,
}

impl NameField {
    const SNAME: NameField = NameField {
        at: SNAME_OFFSET,
        len: SNAME_LEN,
        def: &SERVER,
        overloaded: &SERVER_OVERLOADED,
        empty: "Server host name not given",
    };
    const FILE: NameField = NameField {
        at: FILE_OFFSET,
        len: FILE_LEN,
        def: &FILE,
        overloaded: &FILE_OVERLOADED,
        empty: "Boot file name not given",
    };
}

/// `sname` or `file`: its text, a note that it is empty, or, when option 52
/// moved options into it, a note saying so (the options are shown under 52).
fn name_field(p: &mut Packet, m: &Msg<'_>, f: NameField, overloaded: bool) -> Result<(), Stop> {
    let span = m.span(f.at, f.len);
    if overloaded {
        m.need(f.at, f.len)?;
        expert_item(p, f.overloaded, span, Severity::Note, f.overloaded.label);
        return Ok(());
    }
    let first = m.u8(f.at)?;
    let bytes = m.bytes(f.at, f.len)?;
    if first == 0 {
        p.add(f.def, span, Value::Str("".into()));
        p.set_text(|t| t.push_str(f.empty));
    } else {
        text_field(p, f.def, span, bytes);
    }
    Ok(())
}

/// A line of its own carrying an expert item, as Wireshark's
/// `proto_tree_add_expert` adds it: the message, then the item under it.
fn expert_item(
    p: &mut Packet,
    def: &'static crate::model::FieldDef,
    span: Span,
    severity: Severity,
    message: &'static str,
) {
    p.add(def, span, Value::Text(message.into()));
    p.subtree(|p| p.expert_field(def, severity, Group::Protocol, span, message));
}

/// A string field that should end at its first NUL, if it has one: bytes
/// other than NUL after it get Wireshark's warning.
fn text_field(p: &mut Packet, def: &'static crate::model::FieldDef, span: Span, bytes: &[u8]) {
    p.add_with(def, span, || Value::Str(ascii_string(bytes).into()));
    if has_stray_characters(bytes) {
        p.subtree(|p| {
            p.expert_field(
                &STRAY_CHARACTERS,
                Severity::Warn,
                Group::Undecoded,
                span,
                STRAY_CHARACTERS.label,
            )
        });
    }
}

/// Whether Wireshark finds characters after the string's NUL. It looks in
/// its decoded string, where each byte past 0x7f became three (U+FFFD), but
/// only as far as the byte count: so it misses some, and this does too.
fn has_stray_characters(bytes: &[u8]) -> bool {
    let width = |b: u8| {
        if b.is_ascii() {
            1
        } else {
            '\u{fffd}'.len_utf8()
        }
    };
    let Some(nul) = bytes.iter().position(|&b| b == 0) else {
        return false;
    };
    // Where the NUL lands in the decoded string; then whether a decoded
    // position from there up to the byte count comes from a byte other than NUL.
    let from: usize = bytes[..nul].iter().map(|&b| width(b)).sum();
    let mut at = 0;
    for &b in bytes {
        if at >= bytes.len() {
            break;
        }
        if b != 0 && at + width(b) > from {
            return true;
        }
        at += width(b);
    }
    false
}

/// Bytes as Wireshark's ASCII decoding reads a string: up to the first NUL,
/// every byte past 0x7f replaced by U+FFFD.
fn ascii_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}

/// Appends to the layer's tree line (its title), as Wireshark appends the
/// message type to the protocol item.
fn append_title(p: &mut Packet, layer: u8, text: impl FnOnce(&mut String)) {
    if !p.tree {
        return;
    }
    if let Some(l) = p.layers.get_mut(usize::from(layer)) {
        if l.title.is_empty() {
            l.title.push_str(l.proto.label);
        }
        text(&mut l.title);
    }
}

#[cfg(test)]
mod tests;
