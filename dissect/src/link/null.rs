//! BSD loopback: LINKTYPE_NULL (a 4-byte address family in the byte order of the
//! capturing host) and LINKTYPE_LOOP (the same in network byte order).

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Protocol, Span, Value};

pub static NULL: Protocol = Protocol {
    name: "null",
    label: "Null/Loopback",
    short: "N/A",
};

declare_fields! {
    FAMILY = "null.family", "Family", U32, Dec, family_name;
    TYPE = "null.type", "Type", U16, Hex(4), crate::names::ethertype;
}

/// Byte order of the 4-byte address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Host,
    Network,
}

const HEADER_LEN: usize = 4;
const AF_INET: u32 = 2;
/// AF_INET6 differs between the BSDs: NetBSD/OpenBSD, FreeBSD, and macOS.
const AF_INET6_BSD: u32 = 24;
const AF_INET6_FREEBSD: u32 = 28;
const AF_INET6_DARWIN: u32 = 30;
/// Values above this are EtherTypes (old Linux DLT_NULL captures).
const MAX_802_3_LEN: u32 = 1500;

/// What the 4-byte header says follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    Family(u32),
    EtherType(u16),
}

/// Decodes a LINKTYPE_NULL header the way Wireshark does on a little-endian host:
/// the family is in the writer's byte order, so a value whose upper half is set was
/// written by the other byte order (or is an IRIX/UNICOS 16-bit family, or an old
/// Linux header holding a swapped EtherType).
fn decode_host_order(raw: [u8; 4]) -> Next {
    let mut v = u32::from_le_bytes(raw);
    if v & 0xffff_0000 != 0 {
        if v & 0xff00_0000 == 0 && v & 0x00ff_0000 < 0x0006_0000 {
            v >>= 16;
        } else {
            v = v.swap_bytes();
        }
    } else if v & 0x0000_00ff == 0 && v & 0x0000_ff00 < 0x0000_0600 {
        v = (v as u16).swap_bytes() as u32;
    }
    if v > MAX_802_3_LEN {
        Next::EtherType(v as u16)
    } else {
        Next::Family(v)
    }
}

/// Dissects a NULL or LOOP frame; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8], order: Order) -> usize {
    if order == Order::Host && buf.starts_with(&[0xff, 0x03]) {
        // PPP in HDLC-like framing, written with DLT_NULL by some ISDN drivers.
        return crate::app::data::dissect(cx, off, buf);
    }
    cx.pkt
        .begin_layer(&NULL, Span::new(off, buf.len().min(HEADER_LEN)));
    cx.pkt.set_info(|s| s.push_str("Null/Loopback"));
    cx.pkt.set_title(|t| t.push_str(NULL.label));
    let Some(raw) = buf
        .get(..HEADER_LEN)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
    else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "loopback header needs {HEADER_LEN} bytes, {} captured",
                buf.len()
            ),
        );
        return buf.len();
    };
    let next = match order {
        Order::Host => decode_host_order(raw),
        Order::Network => Next::Family(u32::from_be_bytes(raw)),
    };
    let span = Span::new(off, HEADER_LEN);
    let payload = &buf[HEADER_LEN..];
    let payload_off = off + HEADER_LEN;
    match next {
        Next::EtherType(etype) => {
            cx.pkt.add(&TYPE, span, Value::Uint(etype as u64));
            // Wireshark looks the type up directly, without an `ethertype` layer.
            let at = cx.pkt.protocols.len();
            crate::dispatch::ethertype(cx, etype, payload_off, payload);
            if cx.pkt.protocols.get(at) == Some(&"ethertype") {
                cx.pkt.protocols.remove(at);
            }
        }
        Next::Family(family) => {
            cx.pkt.add(&FAMILY, span, Value::Uint(family as u64));
            match family {
                AF_INET => {
                    crate::net::ipv4::dissect_any_version(cx, payload_off, payload);
                }
                AF_INET6_BSD | AF_INET6_FREEBSD | AF_INET6_DARWIN => {
                    crate::net::ipv6::dissect(cx, payload_off, payload);
                }
                _ => {
                    crate::app::data::dissect(cx, payload_off, payload);
                }
            }
        }
    }
    buf.len()
}

fn family_name(v: u64) -> Option<&'static str> {
    Some(match v {
        2 => "IP",
        7 => "OSI",
        16 => "Appletalk",
        23 => "Netware IPX/SPX",
        24 | 28 | 30 => "IPv6",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{chain, dissect_frame_for_test, has_expert, value, CorpusFrame};
    use crate::LinkType;

    /// Frame 1 of link/null_ipv4_http2_deflate.pcap (link type 0): an IPv4 TCP SYN
    /// behind a little-endian AF_INET header.
    fn null_ipv4() -> Vec<u8> {
        CorpusFrame::new("link/null_ipv4_http2_deflate.pcap", 1).bytes()
    }

    #[test]
    fn little_endian_af_inet() {
        let frame = null_ipv4();
        let pkt = dissect_frame_for_test(LinkType::NULL, &frame);
        assert!(chain(&pkt).starts_with("null:ip:"));
        assert_eq!(value(&pkt, "null.family", &frame).as_deref(), Some("2"));
        assert_eq!(pkt.layers[1].title, "Null/Loopback");
    }

    #[test]
    fn big_endian_header_is_byte_swapped() {
        let mut f = null_ipv4();
        f[..4].copy_from_slice(&[0, 0, 0, 2]);
        let pkt = dissect_frame_for_test(LinkType::NULL, &f);
        assert_eq!(value(&pkt, "null.family", &f).as_deref(), Some("2"));
        assert!(chain(&pkt).starts_with("null:ip:"));
    }

    #[test]
    fn header_decoding_like_wireshark() {
        assert_eq!(decode_host_order([30, 0, 0, 0]), Next::Family(30));
        assert_eq!(decode_host_order([0, 0, 0, 24]), Next::Family(24));
        // IRIX: a 16-bit family in the upper half, either byte order.
        assert_eq!(decode_host_order([0, 0, 2, 0]), Next::Family(2));
        assert_eq!(decode_host_order([0, 2, 0, 0]), Next::Family(2));
        // Old Linux: two zero bytes and an EtherType.
        assert_eq!(
            decode_host_order([0, 0, 0x08, 0x00]),
            Next::EtherType(0x0800)
        );
    }

    #[test]
    fn loop_is_network_order() {
        let mut f = null_ipv4();
        f[..4].copy_from_slice(&[0, 0, 0, 2]);
        let pkt = dissect_frame_for_test(LinkType::LOOP, &f);
        assert_eq!(value(&pkt, "null.family", &f).as_deref(), Some("2"));
        assert!(chain(&pkt).starts_with("null:ip:"));
    }

    #[test]
    fn ipv6_families_and_unknown_ones() {
        for family in [24u8, 28, 30] {
            let mut f = null_ipv4();
            f[..4].copy_from_slice(&[family, 0, 0, 0]);
            let pkt = dissect_frame_for_test(LinkType::NULL, &f);
            assert_eq!(value(&pkt, "null.family", &f), Some(family.to_string()));
            assert!(!chain(&pkt).starts_with("null:ip:"));
        }
        let mut f = null_ipv4();
        f[..4].copy_from_slice(&[7, 0, 0, 0]);
        let pkt = dissect_frame_for_test(LinkType::NULL, &f);
        assert_eq!(chain(&pkt), "null:data");
    }

    #[test]
    fn ethertype_in_the_header_skips_the_ethertype_layer() {
        let mut f = null_ipv4();
        f[..4].copy_from_slice(&[0, 0, 0x08, 0x00]);
        let pkt = dissect_frame_for_test(LinkType::NULL, &f);
        assert_eq!(value(&pkt, "null.type", &f).as_deref(), Some("0x0800"));
        assert!(chain(&pkt).starts_with("null:ip:"));
    }

    #[test]
    fn truncated_header_is_malformed() {
        let frame = null_ipv4();
        for cut in 0..HEADER_LEN {
            let pkt = dissect_frame_for_test(LinkType::NULL, &frame[..cut]);
            assert!(
                has_expert(&pkt, "loopback header needs 4 bytes"),
                "cut at {cut}"
            );
        }
    }
}
