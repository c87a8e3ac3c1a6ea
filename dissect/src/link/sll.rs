//! Linux "cooked" captures: LINKTYPE_LINUX_SLL (16-byte header) and
//! LINKTYPE_LINUX_SLL2 (20-byte header, adds the interface index). The header
//! keeps only the sender's link-layer address and the protocol type.

use std::fmt::Write as _;

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::link::ethernet::{add_trailer, TrailerFields};
use crate::model::{Address, Protocol, Span, Value};

pub static SLL_V1: Protocol = Protocol {
    name: "sll",
    label: "Linux cooked capture v1",
    short: "SLL",
};

pub static SLL_V2: Protocol = Protocol {
    name: "sll",
    label: "Linux cooked capture v2",
    short: "SLL",
};

declare_fields! {
    PKTTYPE = "sll.pkttype", "Packet type", U16, Dec, packet_type_name;
    HATYPE = "sll.hatype", "Link-layer address type", U16, Dec, crate::net::arp::hardware_type_name;
    HALEN = "sll.halen", "Link-layer address length", U16;
    SRC_ETH = "sll.src.eth", "Source", Mac;
    SRC_IPV4 = "sll.src.ipv4", "Source", Ipv4;
    SRC_OTHER = "sll.src.other", "Source", Bytes;
    UNUSED = "sll.unused", "Unused", Bytes;
    LTYPE = "sll.ltype", "Protocol", U16, Hex(4), linux_protocol_name;
    GRETYPE = "sll.gretype", "Protocol", U16, Hex(4), crate::names::ethertype;
    ETYPE = "sll.etype", "Protocol", U16, Hex(4), crate::names::ethertype;
    IFINDEX = "sll.ifindex", "Interface index", U32;
    TRAILER = "sll.trailer", "Trailer", Bytes;
}

const V1_HEADER_LEN: usize = 16;
const V2_HEADER_LEN: usize = 20;
/// The address field is 8 bytes whatever the address length.
const ADDR_FIELD_LEN: usize = 8;

/// Linux `ARPHRD_IPGRE`: the protocol field is a GRE protocol type.
const ARPHRD_IPGRE: u16 = 778;
/// Linux `ARPHRD_NETLINK`: the whole packet is a netlink message.
const ARPHRD_NETLINK: u16 = 824;
/// Protocol values up to this are Linux-internal protocol numbers, not EtherTypes.
const MAX_LINUX_PROTOCOL: u16 = 1536;
const LINUX_SLL_P_ETHERNET: u16 = 0x0003;
const LINUX_SLL_P_802_2: u16 = 0x0004;

/// The header fields both versions carry, in their own order and widths.
#[derive(Clone, Copy, Debug)]
struct Header<'a> {
    pkttype: u16,
    hatype: u16,
    halen: u16,
    addr: &'a [u8],
    protocol: u16,
    ifindex: Option<u32>,
}

fn parse_v1(buf: &[u8]) -> Option<Header<'_>> {
    let (_, (pkttype, hatype, halen, addr, protocol)) = (
        be_u16::<_, nom::error::Error<&[u8]>>,
        be_u16,
        be_u16,
        take(ADDR_FIELD_LEN),
        be_u16,
    )
        .parse(buf)
        .ok()?;
    Some(Header {
        pkttype,
        hatype,
        halen,
        addr,
        protocol,
        ifindex: None,
    })
}

fn parse_v2(buf: &[u8]) -> Option<Header<'_>> {
    let (_, (protocol, _reserved, ifindex, hatype, pkttype, halen, addr)) = (
        be_u16::<_, nom::error::Error<&[u8]>>,
        be_u16,
        be_u32,
        be_u16,
        be_u8,
        be_u8,
        take(ADDR_FIELD_LEN),
    )
        .parse(buf)
        .ok()?;
    Some(Header {
        pkttype: pkttype as u16,
        hatype,
        halen: halen as u16,
        addr,
        protocol,
        ifindex: Some(ifindex),
    })
}

/// Dissects a LINKTYPE_LINUX_SLL frame; returns the bytes it covers (all of `buf`).
pub fn dissect_v1(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    dissect_common(cx, off, buf, &SLL_V1, V1_HEADER_LEN, parse_v1(buf))
}

/// Dissects a LINKTYPE_LINUX_SLL2 frame; returns the bytes it covers (all of `buf`).
pub fn dissect_v2(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    dissect_common(cx, off, buf, &SLL_V2, V2_HEADER_LEN, parse_v2(buf))
}

fn dissect_common(
    cx: &mut Cx<'_>,
    off: usize,
    buf: &[u8],
    proto: &'static Protocol,
    header_len: usize,
    header: Option<Header<'_>>,
) -> usize {
    let layer = cx
        .pkt
        .begin_layer(proto, Span::new(off, buf.len().min(header_len)));
    let Some(h) = header else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "{} header needs {header_len} bytes, {} captured",
                proto.label,
                buf.len()
            ),
        );
        return buf.len();
    };
    if h.hatype == ARPHRD_NETLINK {
        // Netlink messages span the whole packet; not dissected yet.
        cx.pkt.layers.pop();
        cx.pkt.protocols.pop();
        return crate::app::data::dissect(cx, off, buf);
    }
    cx.pkt.set_title(|t| t.push_str(proto.label));
    cx.pkt
        .set_info(|s| match packet_type_name(h.pkttype as u64) {
            Some(name) => s.push_str(name),
            None => {
                let _ = write!(s, "Unknown ({})", h.pkttype);
            }
        });
    let (v2, addr_at) = match h.ifindex {
        Some(_) => (true, 12),
        None => (false, 6),
    };
    if v2 {
        add_protocol(cx, off, &h);
        if let Some(ifindex) = h.ifindex {
            cx.pkt
                .add(&IFINDEX, Span::new(off + 4, 4), Value::Uint(ifindex as u64));
        }
        cx.pkt
            .add(&HATYPE, Span::new(off + 8, 2), Value::Uint(h.hatype as u64));
        cx.pkt.add(
            &PKTTYPE,
            Span::new(off + 10, 1),
            Value::Uint(h.pkttype as u64),
        );
        cx.pkt
            .add(&HALEN, Span::new(off + 11, 1), Value::Uint(h.halen as u64));
    } else {
        cx.pkt
            .add(&PKTTYPE, Span::new(off, 2), Value::Uint(h.pkttype as u64));
        cx.pkt
            .add(&HATYPE, Span::new(off + 2, 2), Value::Uint(h.hatype as u64));
        cx.pkt
            .add(&HALEN, Span::new(off + 4, 2), Value::Uint(h.halen as u64));
    }
    add_source_address(cx, off + addr_at, &h);
    if !v2 {
        add_protocol(cx, off + 14, &h);
    }
    let payload = &buf[header_len..];
    let payload_off = off + header_len;
    dissect_payload(cx, layer, payload_off, payload, &h);
    buf.len()
}

/// The sender's address: an Ethernet or IPv4 address by its length, else bytes,
/// then whatever of the 8-byte field it leaves unused.
fn add_source_address(cx: &mut Cx<'_>, off: usize, h: &Header<'_>) {
    let len = h.halen as usize;
    let shown = len.min(ADDR_FIELD_LEN);
    let span = Span::new(off, shown);
    match (len, h.addr.get(..shown)) {
        (4, Some(a)) => {
            let a = [a[0], a[1], a[2], a[3]];
            cx.pkt.set_addresses(Address::Ipv4(a), Address::None);
            cx.pkt.add(&SRC_IPV4, span, Value::Ipv4(a));
        }
        (6, Some(a)) => {
            let m = [a[0], a[1], a[2], a[3], a[4], a[5]];
            cx.pkt.set_addresses(Address::Mac(m), Address::None);
            cx.pkt.add(&SRC_ETH, span, Value::Mac(m));
        }
        (0, _) => {}
        _ => cx.pkt.add(&SRC_OTHER, span, Value::SpanBytes),
    }
    if len < ADDR_FIELD_LEN {
        cx.pkt.add(
            &UNUSED,
            Span::new(off + len, ADDR_FIELD_LEN - len),
            Value::SpanBytes,
        );
    }
}

fn add_protocol(cx: &mut Cx<'_>, off: usize, h: &Header<'_>) {
    let span = Span::new(off, 2);
    let def = if h.protocol <= MAX_LINUX_PROTOCOL {
        &LTYPE
    } else if h.hatype == ARPHRD_IPGRE {
        &GRETYPE
    } else {
        &ETYPE
    };
    cx.pkt.add(def, span, Value::Uint(h.protocol as u64));
}

fn dissect_payload(cx: &mut Cx<'_>, layer: u8, off: usize, payload: &[u8], h: &Header<'_>) {
    if h.protocol <= MAX_LINUX_PROTOCOL {
        // A Linux protocol number: nothing says how long the payload is, so no trailer.
        match h.protocol {
            LINUX_SLL_P_802_2 => {
                crate::app::data::dissect_as(cx, off, payload, &crate::app::data::LLC);
            }
            LINUX_SLL_P_ETHERNET => {
                crate::link::ethernet::dissect(cx, off, payload);
            }
            _ => {
                crate::app::data::dissect(cx, off, payload);
            }
        }
        return;
    }
    if h.hatype == ARPHRD_IPGRE {
        // GRE payloads are not dissected yet.
        crate::app::data::dissect(cx, off, payload);
        return;
    }
    let used = dispatch::ethertype(cx, h.protocol, off, payload).min(payload.len());
    add_trailer(
        cx.pkt,
        layer,
        cx.data.len(),
        off + used,
        &payload[used..],
        TrailerFields {
            trailer: &TRAILER,
            fcs_possible: false,
        },
        cx.meta.orig_len as usize,
    );
}

fn packet_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => return None,
    })
}

fn linux_protocol_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x0001 => "Raw 802.3",
        0x0003 => "Ethernet",
        0x0004 => "802.2 LLC",
        0x0007 => "PPP (HDLC)",
        0x000c => "CAN",
        0x000d => "CAN FD",
        0x0017 => "IrDA LAP",
        0x00f5 => "ISI",
        0x00f6 => "IEEE 802.15.4",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{chain, dissect_frame_for_test, has_expert, value, CorpusFrame};
    use crate::LinkType;

    /// Frame 1 of link/sll_arp.pcap (link type 113, captured at 1593626138.922595000).
    const SLL_ARP: CorpusFrame = CorpusFrame::new("link/sll_arp.pcap", 1);
    /// Frame 5 of link/sll_arp.pcap (link type 113, captured at 1593626142.076691000).
    const SLL_ANNOUNCEMENT: CorpusFrame = CorpusFrame::new("link/sll_arp.pcap", 5);
    /// Frame 5 of link/sll2_arp_icmp_icmpv6.pcap (link type 276, captured at 1660535793.578961000).
    const SLL2_ARP: CorpusFrame = CorpusFrame::new("link/sll2_arp_icmp_icmpv6.pcap", 5);
    /// Frame 6 of link/sll2_arp_icmp_icmpv6.pcap (link type 276, captured at 1660535793.578961000).
    const SLL2_RARP: CorpusFrame = CorpusFrame::new("link/sll2_arp_icmp_icmpv6.pcap", 6);

    #[test]
    fn version_1_matches_tshark() {
        let sll_arp = SLL_ARP.bytes();
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &sll_arp);
        let v = |n| value(&pkt, n, &sll_arp);
        assert_eq!(chain(&pkt), "sll:ethertype:arp");
        assert_eq!(v("sll.pkttype").as_deref(), Some("1"));
        assert_eq!(v("sll.hatype").as_deref(), Some("1"));
        assert_eq!(v("sll.halen").as_deref(), Some("6"));
        assert_eq!(v("sll.src.eth").as_deref(), Some("cc:2d:e0:26:19:99"));
        assert_eq!(v("sll.unused").as_deref(), Some("00:00"));
        assert_eq!(v("sll.etype").as_deref(), Some("0x0806"));
        // The ARP reply is padded to 60 bytes, then two more bytes follow.
        assert_eq!(v("eth.padding").as_deref(), Some(&*["00"; 16].join(":")));
        assert_eq!(v("sll.trailer").as_deref(), Some("00:00"));
        assert_eq!(pkt.layers[1].title, "Linux cooked capture v1");
        assert_eq!(
            pkt.summary.src,
            Address::Mac([0xcc, 0x2d, 0xe0, 0x26, 0x19, 0x99])
        );
    }

    #[test]
    fn announcement_over_sll() {
        let sll_announcement = SLL_ANNOUNCEMENT.bytes();
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &sll_announcement);
        assert_eq!(
            value(&pkt, "arp.isannouncement", &sll_announcement).as_deref(),
            Some("1")
        );
        assert_eq!(pkt.summary.info, "ARP Announcement for 192.168.22.81");
    }

    #[test]
    fn version_2_matches_tshark() {
        let sll2_arp = SLL2_ARP.bytes();
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL2, &sll2_arp);
        let v = |n| value(&pkt, n, &sll2_arp);
        assert_eq!(chain(&pkt), "sll:ethertype:arp");
        assert_eq!(v("sll.etype").as_deref(), Some("0x0806"));
        assert_eq!(v("sll.ifindex").as_deref(), Some("26"));
        assert_eq!(v("sll.hatype").as_deref(), Some("1"));
        assert_eq!(v("sll.pkttype").as_deref(), Some("4"));
        assert_eq!(v("sll.halen").as_deref(), Some("6"));
        assert_eq!(v("sll.src.eth").as_deref(), Some("8e:36:06:44:ac:af"));
        assert_eq!(v("sll.unused").as_deref(), Some("00:00"));
        assert!(pkt.find("sll.trailer").is_none());
        // Field order as tshark has it.
        let names: Vec<_> = pkt.layer_fields(1).map(|n| n.def.name).collect();
        assert_eq!(
            names,
            [
                "sll.etype",
                "sll.ifindex",
                "sll.hatype",
                "sll.pkttype",
                "sll.halen",
                "sll.src.eth",
                "sll.unused"
            ]
        );
    }

    #[test]
    fn reverse_arp_ethertype_goes_to_arp() {
        let sll2_rarp = SLL2_RARP.bytes();
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL2, &sll2_rarp);
        assert_eq!(chain(&pkt), "sll:ethertype:arp");
        assert_eq!(
            value(&pkt, "sll.etype", &sll2_rarp).as_deref(),
            Some("0x8035")
        );
    }

    #[test]
    fn truncated_headers_are_malformed() {
        let sll_arp = SLL_ARP.bytes();
        let sll2_arp = SLL2_ARP.bytes();
        for cut in 0..V1_HEADER_LEN {
            let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &sll_arp[..cut]);
            assert!(
                has_expert(&pkt, "Linux cooked capture v1 header needs 16 bytes"),
                "cut at {cut}"
            );
        }
        for cut in 0..V2_HEADER_LEN {
            let pkt = dissect_frame_for_test(LinkType::LINUX_SLL2, &sll2_arp[..cut]);
            assert!(
                has_expert(&pkt, "Linux cooked capture v2 header needs 20 bytes"),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn address_lengths_other_than_ethernet() {
        let mut f = SLL_ARP.bytes();
        f[5] = 4;
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &f);
        assert_eq!(
            value(&pkt, "sll.src.ipv4", &f).as_deref(),
            Some("204.45.224.38")
        );
        assert_eq!(
            value(&pkt, "sll.unused", &f).as_deref(),
            Some("19:99:00:00")
        );
        f[5] = 0;
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &f);
        assert_eq!(pkt.find("sll.src.eth").map(|_| ()), None);
        assert_eq!(
            value(&pkt, "sll.unused", &f).map(|s| s.len()),
            Some(8 * 3 - 1)
        );
        f[5] = 9;
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &f);
        assert_eq!(
            value(&pkt, "sll.src.other", &f).map(|s| s.len()),
            Some(8 * 3 - 1)
        );
        assert!(pkt.find("sll.unused").is_none());
    }

    #[test]
    fn linux_protocol_numbers_are_not_ethertypes() {
        let mut f = SLL_ARP.bytes();
        f[14..16].copy_from_slice(&[0x00, 0x04]);
        let pkt = dissect_frame_for_test(LinkType::LINUX_SLL, &f);
        assert_eq!(value(&pkt, "sll.ltype", &f).as_deref(), Some("0x0004"));
        assert_eq!(chain(&pkt), "sll:llc");
        assert!(pkt.find("sll.trailer").is_none());
    }
}
