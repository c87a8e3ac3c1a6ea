//! ARP and its relatives that share the packet format (RFC 826, 903, 2390):
//! request/reply, RARP, InARP, with Wireshark's gratuitous/probe/announcement
//! classification. Addresses of other sizes than Ethernet/IPv4 are shown as bytes.

use std::fmt::Write as _;

use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Packet, Protocol, Span, Value};

pub static ARP: Protocol = Protocol {
    name: "arp",
    label: "Address Resolution Protocol",
    short: "ARP",
};

declare_fields! {
    HW_TYPE = "arp.hw.type", "Hardware type", U16, Dec, hardware_type_name;
    PROTO_TYPE = "arp.proto.type", "Protocol type", U16, Hex(4), crate::names::ethertype;
    HW_SIZE = "arp.hw.size", "Hardware size", U8;
    PROTO_SIZE = "arp.proto.size", "Protocol size", U8;
    OPCODE = "arp.opcode", "Opcode", U16, Dec, opcode_name;
    IS_GRATUITOUS = "arp.isgratuitous", "Is gratuitous", Bool;
    IS_PROBE = "arp.isprobe", "Is probe", Bool;
    IS_ANNOUNCEMENT = "arp.isannouncement", "Is announcement", Bool;
    SRC_HW = "arp.src.hw", "Sender hardware address", Bytes;
    SRC_HW_MAC = "arp.src.hw_mac", "Sender MAC address", Mac;
    SRC_PROTO = "arp.src.proto", "Sender protocol address", Bytes;
    SRC_PROTO_IPV4 = "arp.src.proto_ipv4", "Sender IP address", Ipv4;
    DST_HW = "arp.dst.hw", "Target hardware address", Bytes;
    DST_HW_MAC = "arp.dst.hw_mac", "Target MAC address", Mac;
    DST_PROTO = "arp.dst.proto", "Target protocol address", Bytes;
    DST_PROTO_IPV4 = "arp.dst.proto_ipv4", "Target IP address", Ipv4;
    DRARP_ERROR_STATUS = "arp.dst.drarp_error_status", "DRARP error status", U16;
}

/// Hardware type, protocol type, the two sizes and the opcode.
const FIXED_LEN: usize = 8;

const OP_REQUEST: u16 = 1;
const OP_REPLY: u16 = 2;
const OP_RREQUEST: u16 = 3;
const OP_RREPLY: u16 = 4;
const OP_DRARP_REQUEST: u16 = 5;
const OP_DRARP_REPLY: u16 = 6;
const OP_DRARP_ERROR: u16 = 7;
const OP_IREQUEST: u16 = 8;
const OP_IREPLY: u16 = 9;

#[derive(Clone, Copy, Debug)]
struct Fixed {
    hw_type: u16,
    proto_type: u16,
    hw_size: usize,
    proto_size: usize,
    opcode: u16,
}

fn parse_fixed(buf: &[u8]) -> Option<Fixed> {
    let (_, (hw_type, proto_type, hw_size, proto_size, opcode)) = (
        be_u16::<_, nom::error::Error<&[u8]>>,
        be_u16,
        be_u8,
        be_u8,
        be_u16,
    )
        .parse(buf)
        .ok()?;
    Some(Fixed {
        hw_type,
        proto_type,
        hw_size: hw_size as usize,
        proto_size: proto_size as usize,
        opcode,
    })
}

/// The four addresses, borrowed from the packet.
struct Addresses<'a> {
    sha: &'a [u8],
    spa: &'a [u8],
    tha: &'a [u8],
    tpa: &'a [u8],
}

impl Fixed {
    fn total_len(&self) -> usize {
        FIXED_LEN + 2 * self.hw_size + 2 * self.proto_size
    }
    fn hw_is_ether(&self) -> bool {
        (self.hw_type == 1 || self.hw_type == 6) && self.hw_size == 6
    }
    fn proto_is_ipv4(&self) -> bool {
        // 0xcc is AX.25's PID for IP.
        (self.proto_type == 0x0800 || self.proto_type == 0xcc) && self.proto_size == 4
    }
    fn offsets(&self) -> [usize; 4] {
        let sha = FIXED_LEN;
        let spa = sha + self.hw_size;
        let tha = spa + self.proto_size;
        [sha, spa, tha, tha + self.hw_size]
    }
    fn addresses<'a>(&self, buf: &'a [u8]) -> Option<Addresses<'a>> {
        let [sha, spa, tha, tpa] = self.offsets();
        Some(Addresses {
            sha: buf.get(sha..spa)?,
            spa: buf.get(spa..tha)?,
            tha: buf.get(tha..tpa)?,
            tpa: buf.get(tpa..tpa + self.proto_size)?,
        })
    }
}

/// What kind of announcement a request or reply is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Kind {
    gratuitous: bool,
    probe: bool,
    announcement: bool,
}

fn classify(f: &Fixed, a: &Addresses<'_>) -> Kind {
    let mut k = Kind::default();
    if f.opcode != OP_REQUEST && f.opcode != OP_REPLY {
        return k;
    }
    let tha_zero = a.tha.get(..6).is_some_and(|m| m.iter().all(|&b| b == 0));
    if a.spa == a.tpa {
        k.gratuitous = true;
        k.announcement = f.opcode == OP_REQUEST && tha_zero;
    } else {
        let spa_zero = a.spa.get(..4).is_some_and(|m| m.iter().all(|&b| b == 0));
        k.probe = f.opcode == OP_REQUEST && tha_zero && spa_zero;
    }
    k
}

/// Dissects an ARP packet; returns the bytes it covers (its computed length).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&ARP, Span::new(off, buf.len()));
    cx.pkt.set_info(|_| {});
    let Some(f) = parse_fixed(buf) else {
        add_partial_fixed(cx.pkt, off, buf);
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!("ARP header needs {FIXED_LEN} bytes, {} captured", buf.len()),
        );
        return buf.len();
    };
    let total = f.total_len();
    cx.pkt.set_layer_len(total.min(buf.len()));
    cx.pkt.summary.protocol = protocol_column(f.opcode);
    let p = &mut *cx.pkt;
    p.add(&HW_TYPE, Span::new(off, 2), Value::Uint(f.hw_type as u64));
    p.add(
        &PROTO_TYPE,
        Span::new(off + 2, 2),
        Value::Uint(f.proto_type as u64),
    );
    p.add(
        &HW_SIZE,
        Span::new(off + 4, 1),
        Value::Uint(f.hw_size as u64),
    );
    p.add(
        &PROTO_SIZE,
        Span::new(off + 5, 1),
        Value::Uint(f.proto_size as u64),
    );
    p.add(&OPCODE, Span::new(off + 6, 2), Value::Uint(f.opcode as u64));
    let Some(a) = f.addresses(buf) else {
        add_addresses_that_fit(p, off, buf, &f);
        p.malformed(
            Span::new(off, buf.len()),
            format!("ARP packet needs {total} bytes, {} captured", buf.len()),
        );
        return buf.len();
    };
    let kind = classify(&f, &a);
    set_info(p, &f, &a, kind);
    p.set_title(|t| {
        t.push_str(ARP.label);
        match opcode_name(f.opcode as u64) {
            Some(_) if kind.announcement => t.push_str(" (ARP Announcement)"),
            Some(_) if kind.probe => t.push_str(" (ARP Probe)"),
            Some(_) if kind.gratuitous && f.opcode == OP_REQUEST => {
                t.push_str(" (request/gratuitous ARP)")
            }
            Some(_) if kind.gratuitous => t.push_str(" (reply/gratuitous ARP)"),
            Some(name) => {
                let _ = write!(t, " ({name})");
            }
            None => {
                let _ = write!(t, " (opcode 0x{:04x})", f.opcode);
            }
        }
    });
    let generated = Span::new(off, 0);
    if kind.gratuitous {
        p.add(&IS_GRATUITOUS, generated, Value::Bool(true));
    }
    if kind.probe {
        p.add(&IS_PROBE, generated, Value::Bool(true));
    }
    if kind.announcement {
        p.add(&IS_ANNOUNCEMENT, generated, Value::Bool(true));
    }
    add_addresses_that_fit(p, off, buf, &f);
    total
}

fn add_partial_fixed(p: &mut Packet, off: usize, buf: &[u8]) {
    let word = |at: usize| {
        buf.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    if let Some(v) = word(0) {
        p.add(&HW_TYPE, Span::new(off, 2), Value::Uint(v as u64));
    }
    if let Some(v) = word(2) {
        p.add(&PROTO_TYPE, Span::new(off + 2, 2), Value::Uint(v as u64));
    }
    if let Some(&v) = buf.get(4) {
        p.add(&HW_SIZE, Span::new(off + 4, 1), Value::Uint(v as u64));
    }
    if let Some(&v) = buf.get(5) {
        p.add(&PROTO_SIZE, Span::new(off + 5, 1), Value::Uint(v as u64));
    }
}

/// Adds each address field whose bytes were captured, in packet order.
fn add_addresses_that_fit(p: &mut Packet, off: usize, buf: &[u8], f: &Fixed) {
    let [sha, spa, tha, tpa] = f.offsets();
    let fields = [
        (sha, f.hw_size, true, &SRC_HW_MAC, &SRC_HW),
        (spa, f.proto_size, false, &SRC_PROTO_IPV4, &SRC_PROTO),
        (tha, f.hw_size, true, &DST_HW_MAC, &DST_HW),
        (tpa, f.proto_size, false, &DST_PROTO_IPV4, &DST_PROTO),
    ];
    for (i, (at, len, is_hw, typed, raw)) in fields.into_iter().enumerate() {
        if len == 0 {
            continue;
        }
        let Some(bytes) = buf.get(at..at + len) else {
            return;
        };
        let span = Span::new(off + at, len);
        // DRARP errors carry a status where the target protocol address would be.
        if i == 3 && f.opcode == OP_DRARP_ERROR {
            p.add(
                &DRARP_ERROR_STATUS,
                Span::new(off + at, 1),
                Value::Uint(bytes[0] as u64),
            );
            continue;
        }
        let typed_ok = if is_hw {
            f.hw_is_ether()
        } else {
            f.proto_is_ipv4()
        };
        let value = match (typed_ok, bytes.len()) {
            (true, 6) => Value::Mac([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]),
            (true, 4) => Value::Ipv4([bytes[0], bytes[1], bytes[2], bytes[3]]),
            _ => {
                p.add(raw, span, Value::SpanBytes);
                continue;
            }
        };
        p.add(typed, span, value);
    }
}

fn set_info(p: &mut Packet, f: &Fixed, a: &Addresses<'_>, kind: Kind) {
    let spa = || proto_addr_str(f, a.spa);
    let tpa = || proto_addr_str(f, a.tpa);
    let sha = || hw_addr_str(f, a.sha);
    let tha = || hw_addr_str(f, a.tha);
    let text = match f.opcode {
        OP_REQUEST if kind.announcement => format!("ARP Announcement for {}", tpa()),
        OP_REQUEST if kind.gratuitous => format!("Gratuitous ARP for {} (Request)", tpa()),
        OP_REQUEST if kind.probe => format!("Who has {}? (ARP Probe)", tpa()),
        OP_REQUEST => format!("Who has {}? Tell {}", tpa(), spa()),
        OP_REPLY if kind.gratuitous => format!("Gratuitous ARP for {} (Reply)", spa()),
        OP_REPLY => format!("{} is at {}", spa(), sha()),
        OP_RREQUEST | OP_IREQUEST | OP_DRARP_REQUEST => {
            format!("Who is {}? Tell {}", tha(), sha())
        }
        OP_RREPLY | OP_DRARP_REPLY => format!("{} is at {}", tha(), tpa()),
        OP_DRARP_ERROR => "DRARP Error".to_string(),
        OP_IREPLY => format!("{} is at {}", sha(), spa()),
        10 => "ARP NAK".to_string(),
        24 => format!("Experimental 1 ( opcode {} )", f.opcode),
        25 => format!("Experimental 2 ( opcode {} )", f.opcode),
        0 | 65535 => format!("Reserved opcode {}", f.opcode),
        op => format!("Unknown ARP opcode 0x{op:04x}"),
    };
    p.set_info(|s| s.push_str(&text));
}

/// A protocol address as Wireshark's Info column writes it.
fn proto_addr_str(f: &Fixed, b: &[u8]) -> String {
    if b.is_empty() {
        return "<No address>".to_string();
    }
    if f.proto_is_ipv4() {
        if let Ok(a) = <[u8; 4]>::try_from(b) {
            return std::net::Ipv4Addr::from(a).to_string();
        }
    }
    if f.proto_type == 0x86dd && f.proto_size == 16 {
        if let Ok(a) = <[u8; 16]>::try_from(b) {
            return std::net::Ipv6Addr::from(a).to_string();
        }
    }
    hex_string(b)
}

/// A hardware address as Wireshark's Info column writes it.
fn hw_addr_str(f: &Fixed, b: &[u8]) -> String {
    if b.is_empty() {
        return "<No address>".to_string();
    }
    if f.hw_is_ether() {
        let mut s = String::with_capacity(17);
        crate::model::field::write_mac(&mut s, &[b[0], b[1], b[2], b[3], b[4], b[5]]);
        return s;
    }
    hex_string(b)
}

fn hex_string(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 * b.len());
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn protocol_column(opcode: u16) -> &'static str {
    match opcode {
        OP_RREQUEST | OP_RREPLY => "RARP",
        OP_DRARP_REQUEST | OP_DRARP_REPLY | OP_DRARP_ERROR => "DRARP",
        OP_IREQUEST | OP_IREPLY => "Inverse ARP",
        11..=22 => "MARS",
        23 => "MAPOS",
        _ => "ARP",
    }
}

/// ARP opcodes (IANA), as Wireshark names them.
pub fn opcode_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "request",
        2 => "reply",
        3 => "reverse request",
        4 => "reverse reply",
        5 => "drarp request",
        6 => "drarp reply",
        7 => "drarp error",
        8 => "inverse request",
        9 => "inverse reply",
        10 => "arp nak",
        11 => "mars request",
        12 => "mars multi",
        13 => "mars mserv",
        14 => "mars join",
        15 => "mars leave",
        16 => "mars nak",
        17 => "mars unserv",
        18 => "mars sjoin",
        19 => "mars sleave",
        20 => "mars grouplist request",
        21 => "mars grouplist reply",
        22 => "mars redirect map",
        23 => "mapos unarp",
        24 => "experimental 1",
        25 => "experimental 2",
        0 | 65535 => "reserved",
        _ => return None,
    })
}

/// ARP hardware types (IANA), for the ones commonly seen.
pub fn hardware_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Ethernet",
        2 => "Experimental Ethernet",
        3 => "AX.25",
        4 => "ProNET",
        5 => "Chaos",
        6 => "IEEE 802",
        7 => "ARCNET",
        8 => "Hyperchannel",
        9 => "Lanstar",
        11 => "LocalTalk",
        15 => "Frame Relay DLCI",
        16 => "ATM",
        17 => "HDLC",
        18 => "Fibre Channel",
        19 => "ATM",
        20 => "Serial Line",
        24 => "IEEE 1394.1995",
        32 => "InfiniBand",
        256 => "Experimental Ethernet",
        _ => return None,
    })
}
