//! ARP and its relatives that share the packet format (RFC 826, 903, 2390):
//! request/reply, RARP, InARP, with Wireshark's gratuitous/probe/announcement
//! classification. Addresses of other sizes than Ethernet/IPv4 are shown as bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Address, Group, Packet, Protocol, Severity, Span, Value};

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
    DUPLICATE = "arp.duplicate", "Duplicate IP address detected", None;
    DUPLICATE_FRAME = "arp.duplicate-address-frame", "Frame showing earlier use of IP address", FrameNum;
    DUPLICATE_SECONDS = "arp.seconds-since-duplicate-address-frame", "Seconds since earlier frame seen", U32;
    DUPLICATE_DETECTED = "arp.duplicate-address-detected", "Duplicate IP address configured", None;
}

/// Most IPv4 addresses remembered for duplicate detection; later ones are not checked.
pub const MAX_ADDRESS_BINDINGS: usize = 1 << 16;

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

/// Wireshark's classification. It compares the whole protocol addresses but reads
/// six bytes at the target hardware address and four at the sender protocol
/// address whatever the sizes say; so do we, counting bytes not there as non-zero.
fn classify(f: &Fixed, a: &Addresses<'_>, buf: &[u8]) -> Kind {
    let mut k = Kind::default();
    if f.opcode != OP_REQUEST && f.opcode != OP_REPLY {
        return k;
    }
    let [_, spa, tha, _] = f.offsets();
    let all_zero = |at: usize, n: usize| {
        buf.get(at..at + n)
            .is_some_and(|b| b.iter().all(|&x| x == 0))
    };
    let tha_zero = all_zero(tha, 6);
    if a.spa == a.tpa {
        k.gratuitous = true;
        k.announcement = f.opcode == OP_REQUEST && tha_zero;
    } else {
        k.probe = f.opcode == OP_REQUEST && tha_zero && all_zero(spa, 4);
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
    let kind = classify(&f, &a, buf);
    let duplicates = find_duplicates(cx, &f, &a);
    track_neighbour(cx, off, &f, &a);
    let p = &mut *cx.pkt;
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
    for d in duplicates.found.iter().flatten() {
        report_duplicate(p, off, d);
    }
    if let Some(ip) = duplicates.info {
        let ip = std::net::Ipv4Addr::from(ip);
        p.append_info_fmt(format_args!(" (duplicate use of {ip} detected!)"));
    }
    total
}

/// Feeds an Ethernet/IPv4 request or reply to the neighbour table. A changed
/// binding is left to the duplicate-address check above, which Wireshark has.
fn track_neighbour(cx: &mut Cx<'_>, off: usize, f: &Fixed, a: &Addresses<'_>) {
    use crate::flow::neighbours::{self, Message, Via};
    let (Ok(sha), Ok(spa), Ok(tpa)) = (
        <[u8; 6]>::try_from(a.sha),
        <[u8; 4]>::try_from(a.spa),
        <[u8; 4]>::try_from(a.tpa),
    ) else {
        return;
    };
    if cx.in_icmp_error {
        return;
    }
    let msg = match f.opcode {
        OP_REQUEST => Message::Request {
            sender: (spa != [0; 4]).then_some(Address::Ipv4(spa)),
            sender_mac: Some(sha),
            target: Address::Ipv4(tpa),
        },
        OP_REPLY => Message::Reply {
            ip: Address::Ipv4(spa),
            mac: Some(sha),
            solicited: spa != tpa,
        },
        _ => return,
    };
    let events = cx
        .state
        .neighbours
        .observe(Via::Arp, msg, cx.meta.number, cx.meta.ts);
    neighbours::report(cx.pkt, Span::new(off, 0), &events, false);
}

/// Which MAC address each IPv4 address was seen at, to flag two hosts configured
/// with one address (Wireshark's "duplicate IP address" check, on by default).
#[derive(Debug, Default)]
pub struct AddressTable {
    by_ip: HashMap<[u8; 4], Binding>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Binding {
    mac: [u8; 6],
    frame: u64,
    secs: i64,
}

/// An address seen at a second MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Duplicate {
    ip: [u8; 4],
    earlier: Binding,
    secs: i64,
}

/// What the duplicate checks of one packet found.
#[derive(Clone, Copy, Debug, Default)]
struct Duplicates {
    /// Sender's and target's findings, shown in the tree.
    found: [Option<Duplicate>; 2],
    /// The address the Info column reports: the last check's finding, as in Wireshark.
    info: Option<[u8; 4]>,
}

impl AddressTable {
    /// Records `ip` at `mac`; returns the earlier binding when it named another MAC.
    /// A conflicting sighting does not replace the first binding, as in Wireshark.
    fn observe(&mut self, ip: [u8; 4], mac: [u8; 6], frame: u64, secs: i64) -> Option<Binding> {
        match self.by_ip.get_mut(&ip) {
            Some(b) if frame > b.frame => {
                if b.mac == mac {
                    b.frame = frame;
                    b.secs = secs;
                    None
                } else {
                    Some(*b)
                }
            }
            Some(_) => None,
            None => {
                if self.by_ip.len() < MAX_ADDRESS_BINDINGS {
                    self.by_ip.insert(ip, Binding { mac, frame, secs });
                }
                None
            }
        }
    }
}

/// Checks the sender's binding, and the target's in replies (a request's target
/// MAC means nothing). Only Ethernet/IPv4 requests and replies take part.
fn find_duplicates(cx: &mut Cx<'_>, f: &Fixed, a: &Addresses<'_>) -> Duplicates {
    let mut out = Duplicates::default();
    if !(f.opcode == OP_REQUEST || f.opcode == OP_REPLY) || !f.hw_is_ether() || !f.proto_is_ipv4() {
        return out;
    }
    let (frame, secs) = (cx.meta.number, cx.meta.ts.secs);
    let table = &mut cx.state.arp;
    let mut check = |mac: &[u8], ip: &[u8]| -> Option<Duplicate> {
        let mac: [u8; 6] = mac.try_into().ok()?;
        let ip: [u8; 4] = ip.try_into().ok()?;
        // Broadcast, multicast and unset addresses bind nothing.
        if mac[0] & 1 != 0 || mac == [0; 6] || ip == [0; 4] {
            return None;
        }
        let earlier = table.observe(ip, mac, frame, secs)?;
        Some(Duplicate { ip, earlier, secs })
    };
    let sender = check(a.sha, a.spa);
    out.found[0] = sender;
    out.info = sender.map(|d| d.ip);
    // A gratuitous reply names the same address twice; report it once.
    if f.opcode == OP_REPLY && sender.is_none_or(|d| d.ip != a.tpa) {
        let target = check(a.tha, a.tpa);
        out.found[1] = target;
        out.info = target.map(|d| d.ip);
    }
    out
}

fn report_duplicate(p: &mut Packet, off: usize, d: &Duplicate) {
    let span = Span::new(off, 0);
    p.add(&DUPLICATE, span, Value::None);
    p.subtree(|p| {
        p.add(&DUPLICATE_FRAME, span, Value::Uint(d.earlier.frame));
        crate::net::ipv4::expert_field(
            p,
            &DUPLICATE_DETECTED,
            span,
            Severity::Warn,
            Group::Sequence,
            format!(
                "Duplicate IP address configured ({})",
                std::net::Ipv4Addr::from(d.ip)
            ),
        );
        let since = d
            .secs
            .saturating_sub(d.earlier.secs)
            .clamp(0, u32::MAX as i64);
        p.add(&DUPLICATE_SECONDS, span, Value::Uint(since as u64));
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{
        chain, dissect_frame_for_test, dissect_frames, has_expert, value, CorpusFrame, TestFrame,
    };
    use crate::{LinkType, Prefs};

    /// Frame 1 of link/eth_arp_who_has.pcap (link type 1, captured at 1461764814.520906000).
    const WHO_HAS: CorpusFrame = CorpusFrame::new("link/eth_arp_who_has.pcap", 1);
    /// Frame 2 of link/eth_arp_who_has.pcap (link type 1, captured at 1461764814.526359000).
    const IS_AT: CorpusFrame = CorpusFrame::new("link/eth_arp_who_has.pcap", 2);
    /// Frame 1 of malformed/arp_too_long_tha.pcap (link type 1, captured at 1994721059.680304000, 262144 bytes on the wire).
    const TOO_LONG_THA: CorpusFrame = CorpusFrame::new("malformed/arp_too_long_tha.pcap", 1);

    /// The ARP packet of `WHO_HAS` behind a fresh Ethernet header, with `edit` applied.
    fn arp_frame(edit: impl FnOnce(&mut [u8])) -> Vec<u8> {
        let mut f = WHO_HAS.bytes();
        edit(&mut f[14..]);
        f
    }

    #[test]
    fn request_matches_tshark() {
        let who_has = WHO_HAS.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &who_has);
        let v = |n| value(&pkt, n, &who_has);
        assert_eq!(chain(&pkt), "eth:ethertype:arp");
        assert_eq!(v("arp.hw.type").as_deref(), Some("1"));
        assert_eq!(v("arp.proto.type").as_deref(), Some("0x0800"));
        assert_eq!(v("arp.hw.size").as_deref(), Some("6"));
        assert_eq!(v("arp.proto.size").as_deref(), Some("4"));
        assert_eq!(v("arp.opcode").as_deref(), Some("1"));
        assert_eq!(v("arp.src.hw_mac").as_deref(), Some("78:31:c1:c6:3f:c2"));
        assert_eq!(v("arp.src.proto_ipv4").as_deref(), Some("10.0.0.2"));
        assert_eq!(v("arp.dst.hw_mac").as_deref(), Some("00:00:00:00:00:00"));
        assert_eq!(v("arp.dst.proto_ipv4").as_deref(), Some("10.0.0.1"));
        assert_eq!(v("arp.isgratuitous"), None);
        assert_eq!(pkt.summary.info, "Who has 10.0.0.1? Tell 10.0.0.2");
        assert_eq!(pkt.summary.protocol, "ARP");
        assert_eq!(pkt.layers[2].title, "Address Resolution Protocol (request)");
    }

    #[test]
    fn reply_leaves_the_rest_of_the_frame_to_ethernet() {
        let is_at = IS_AT.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &is_at);
        assert_eq!(pkt.summary.info, "10.0.0.1 is at f8:ed:a5:c0:a4:f1");
        assert_eq!(pkt.layers[2].span, Span::new(14, 28));
        assert_eq!(
            value(&pkt, "eth.trailer", &is_at).as_deref(),
            Some("00:00:00:00:00:00:00:00:00:00:00:00:00:00:1f:0b:60:ce")
        );
    }

    #[test]
    fn oversized_hardware_addresses_are_bytes() {
        let too_long_tha = TOO_LONG_THA.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &too_long_tha);
        let v = |n| value(&pkt, n, &too_long_tha);
        assert_eq!(chain(&pkt), "eth:ethertype:ieee8021ad:ethertype:arp");
        assert_eq!(v("arp.hw.type").as_deref(), Some("12336"));
        assert_eq!(v("arp.hw.size").as_deref(), Some("14"));
        assert_eq!(v("arp.isgratuitous").as_deref(), Some("1"));
        assert_eq!(v("arp.src.hw").as_deref(), Some(&*["30"; 14].join(":")));
        assert_eq!(v("arp.dst.hw").as_deref(), Some(&*["30"; 14].join(":")));
        assert_eq!(v("arp.src.proto_ipv4").as_deref(), Some("48.48.48.48"));
        assert_eq!(v("arp.src.hw_mac"), None);
        assert_eq!(v("ieee8021ah.trailer").as_deref(), Some("30:30"));
        assert_eq!(pkt.summary.info, "Gratuitous ARP for 48.48.48.48 (Request)");
    }

    #[test]
    fn announcement_probe_and_gratuitous_reply() {
        // Request for its own address with a zero target MAC: an announcement.
        let f = arp_frame(|a| a[24..28].copy_from_slice(&[10, 0, 0, 2]));
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(value(&pkt, "arp.isgratuitous", &f).as_deref(), Some("1"));
        assert_eq!(value(&pkt, "arp.isannouncement", &f).as_deref(), Some("1"));
        assert_eq!(pkt.summary.info, "ARP Announcement for 10.0.0.2");

        // From 0.0.0.0 with a zero target MAC: a probe.
        let f = arp_frame(|a| a[14..18].copy_from_slice(&[0, 0, 0, 0]));
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(value(&pkt, "arp.isprobe", &f).as_deref(), Some("1"));
        assert_eq!(pkt.summary.info, "Who has 10.0.0.1? (ARP Probe)");

        let f = arp_frame(|a| {
            a[7] = 2;
            a[24..28].copy_from_slice(&[10, 0, 0, 2]);
        });
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(pkt.summary.info, "Gratuitous ARP for 10.0.0.2 (Reply)");
        assert!(pkt.layers[2].title.ends_with("(reply/gratuitous ARP)"));
    }

    #[test]
    fn reverse_arp_sets_its_own_protocol_column() {
        let f = arp_frame(|a| a[7] = 3);
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(pkt.summary.protocol, "RARP");
        assert_eq!(
            pkt.summary.info,
            "Who is 00:00:00:00:00:00? Tell 78:31:c1:c6:3f:c2"
        );
    }

    #[test]
    fn truncation_at_every_boundary_keeps_decoded_fields() {
        let who_has = WHO_HAS.bytes();
        let arp = &who_has[14..];
        let order = [
            (2, "arp.hw.type"),
            (4, "arp.proto.type"),
            (5, "arp.hw.size"),
            (6, "arp.proto.size"),
            (8, "arp.opcode"),
            (14, "arp.src.hw_mac"),
            (18, "arp.src.proto_ipv4"),
            (24, "arp.dst.hw_mac"),
        ];
        for cut in 0..arp.len() {
            let mut f = who_has[..14].to_vec();
            f.extend_from_slice(&arp[..cut]);
            let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
            assert!(pkt.is_malformed(), "cut at {cut}");
            assert!(has_expert(&pkt, "captured"), "cut at {cut}");
            for (need, name) in order {
                assert_eq!(
                    pkt.find(name).is_some(),
                    cut >= need,
                    "{name} with {cut} bytes"
                );
            }
            assert!(pkt.find("arp.dst.proto_ipv4").is_none());
        }
    }

    #[test]
    fn zero_sizes_give_no_address_fields() {
        let f = arp_frame(|a| {
            a[4] = 0;
            a[5] = 0;
        });
        let pkt = dissect_frames(
            LinkType::ETHERNET,
            Prefs::default(),
            true,
            &[TestFrame::new(&f)],
        )
        .remove(0);
        assert!(!pkt.is_malformed());
        assert!(pkt.find("arp.src.hw").is_none() && pkt.find("arp.src.hw_mac").is_none());
        // Empty addresses are equal: Wireshark calls that gratuitous.
        assert_eq!(
            pkt.summary.info,
            "Gratuitous ARP for <No address> (Request)"
        );
        assert_eq!(pkt.layers[2].span, Span::new(14, 8));
    }

    #[test]
    fn a_second_mac_for_an_address_is_flagged() {
        let is_at = IS_AT.bytes();
        let mut other = is_at.clone();
        other[22..28].copy_from_slice(&[0x02, 0, 0, 0, 0, 0x01]);
        let frames = [
            TestFrame::at(&is_at, 100, 0),
            TestFrame::at(&is_at, 101, 0),
            TestFrame::at(&other, 105, 0),
        ];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &frames);
        assert!(pkts[1].find("arp.duplicate-address-frame").is_none());
        let dup = &pkts[2];
        assert_eq!(
            value(dup, "arp.duplicate-address-frame", &other).as_deref(),
            Some("2")
        );
        assert_eq!(
            value(dup, "arp.seconds-since-duplicate-address-frame", &other).as_deref(),
            Some("4")
        );
        assert!(dup.find("arp.duplicate-address-detected").is_some());
        assert!(has_expert(
            dup,
            "Duplicate IP address configured (10.0.0.1)"
        ));
        // The target's check, which finds nothing, decides the Info column (as in Wireshark).
        assert_eq!(dup.summary.info, "10.0.0.1 is at 02:00:00:00:00:01");
        let mut request = other;
        request[21] = 1;
        let frames = [
            TestFrame::at(&is_at, 100, 0),
            TestFrame::at(&request, 101, 0),
        ];
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &frames);
        assert_eq!(
            pkts[1].summary.info,
            "Who has 10.0.0.2? Tell 10.0.0.1 (duplicate use of 10.0.0.1 detected!)"
        );
        // Broadcast and zero addresses never bind.
        let mut table = AddressTable::default();
        assert_eq!(table.observe([10, 0, 0, 1], [2; 6], 1, 0), None);
        assert_eq!(table.observe([10, 0, 0, 1], [2; 6], 2, 0), None);
        assert!(table.observe([10, 0, 0, 1], [4; 6], 3, 0).is_some());
    }
}
