//! Ethernet II and IEEE 802.3 framing, with Wireshark's padding/trailer/FCS rules.

use nom::number::complete::{be_u16, be_u32};
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::model::{Address, Group, Packet, Protocol, Severity, Span, Value};

pub static ETH: Protocol = Protocol {
    name: "eth",
    label: "Ethernet II",
    short: "Ethernet",
};

declare_fields! {
    DST = "eth.dst", "Destination", Mac;
    #[hidden] DST_RESOLVED = "eth.dst_resolved", "Destination (resolved)", String;
    #[hidden] DST_OUI = "eth.dst.oui", "Destination OUI", U32;
    #[hidden] DST_OUI_RESOLVED = "eth.dst.oui_resolved", "Destination OUI (resolved)", String;
    #[hidden] DST_LG = "eth.dst.lg", "LG bit", Bool(24) & 0x020000, Dec, lg_name;
    #[hidden] DST_IG = "eth.dst.ig", "IG bit", Bool(24) & 0x010000, Dec, ig_name;
    SRC = "eth.src", "Source", Mac;
    #[hidden] SRC_RESOLVED = "eth.src_resolved", "Source (resolved)", String;
    #[hidden] SRC_OUI = "eth.src.oui", "Source OUI", U32;
    #[hidden] SRC_OUI_RESOLVED = "eth.src.oui_resolved", "Source OUI (resolved)", String;
    #[hidden] SRC_LG = "eth.src.lg", "LG bit", Bool(24) & 0x020000, Dec, lg_name;
    #[hidden] SRC_IG = "eth.src.ig", "IG bit", Bool(24) & 0x010000, Dec, ig_name;
    ADDR = "eth.addr", "Address", Mac;
    #[hidden] ADDR_RESOLVED = "eth.addr_resolved", "Address (resolved)", String;
    #[hidden] ADDR_OUI = "eth.addr.oui", "Address OUI", U32;
    #[hidden] ADDR_OUI_RESOLVED = "eth.addr.oui_resolved", "Address OUI (resolved)", String;
    LG = "eth.lg", "LG bit", Bool(24) & 0x020000, Dec, lg_name;
    IG = "eth.ig", "IG bit", Bool(24) & 0x010000, Dec, ig_name;
    TYPE = "eth.type", "Type", U16, Hex(4), crate::names::ethertype;
    LEN = "eth.len", "Length", U16;
    PADDING = "eth.padding", "Padding", Bytes;
    TRAILER = "eth.trailer", "Trailer", Bytes;
    FCS = "eth.fcs", "Frame check sequence", U32, Hex(8);
    #[generated] FCS_STATUS = "eth.fcs.status", "FCS Status", U8, NameOnly, crate::names::checksum_status;
}

/// What the LG bit of an address says (IEEE 802 section 8.4).
fn lg_name(bit: u64) -> Option<&'static str> {
    Some(match bit {
        0 => "Globally unique address (factory default)",
        _ => "Locally administered address (this is NOT the factory default)",
    })
}

/// What the IG bit of an address says.
fn ig_name(bit: u64) -> Option<&'static str> {
    Some(match bit {
        0 => "Individual address (unicast)",
        _ => "Group address (multicast/broadcast)",
    })
}

/// Smallest Ethernet frame without FCS; shorter payloads are padded up to it.
const MIN_FRAME_LEN: usize = 60;
/// Ethernet header: two addresses and the type/length field.
pub const HEADER_LEN: usize = 14;

/// The fixed header as it is on the wire.
struct Header {
    dst: [u8; 6],
    src: [u8; 6],
    type_or_len: u16,
}

fn parse_header(buf: &[u8]) -> Option<Header> {
    let (_, (dst, src, type_or_len)) = (mac, mac, be_u16::<_, nom::error::Error<&[u8]>>)
        .parse(buf)
        .ok()?;
    Some(Header {
        dst,
        src,
        type_or_len,
    })
}

fn mac(i: &[u8]) -> nom::IResult<&[u8], [u8; 6]> {
    let (rest, b) = nom::bytes::complete::take(6usize).parse(i)?;
    let mut m = [0u8; 6];
    m.copy_from_slice(b);
    Ok((rest, m))
}

/// Dissects an Ethernet frame starting at `off`; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let layer = cx.pkt.begin_layer(&ETH, Span::new(off, buf.len()));
    let Some(h) = parse_header(buf) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "Ethernet header needs {HEADER_LEN} bytes, frame has {}",
                buf.len()
            ),
        );
        return buf.len();
    };
    cx.pkt
        .set_addresses(Address::Mac(h.src), Address::Mac(h.dst));
    cx.pkt.note(crate::model::NetFact::Eth {
        src: h.src,
        dst: h.dst,
    });
    cx.state.note_conversation(
        crate::flow::conv::PairKind::Eth,
        Address::Mac(h.src),
        Address::Mac(h.dst),
        cx.meta.orig_len,
        cx.in_icmp_error,
    );
    cx.pkt.set_title(|t| {
        t.push_str("Ethernet II, Src: ");
        crate::model::field::write_mac(t, &h.src);
        t.push_str(", Dst: ");
        crate::model::field::write_mac(t, &h.dst);
    });
    add_address(cx.pkt, off, &h.dst, Role::Dst);
    add_address(cx.pkt, off + 6, &h.src, Role::Src);
    let payload = &buf[HEADER_LEN..];
    let type_span = Span::new(off + 12, 2);
    let used = if h.type_or_len <= 1500 {
        // IEEE 802.3: a length, and an LLC header follows (shown as data for now).
        // The title is tshark's, trailing space included.
        cx.pkt.set_title(|t| t.push_str("IEEE 802.3 Ethernet "));
        cx.pkt
            .add(&LEN, type_span, Value::Uint(h.type_or_len as u64));
        let len = (h.type_or_len as usize).min(payload.len());
        crate::link::llc::dissect(cx, off + HEADER_LEN, &payload[..len]);
        len
    } else {
        cx.pkt
            .add(&TYPE, type_span, Value::Uint(h.type_or_len as u64));
        dispatch::ethertype(cx, h.type_or_len, off + HEADER_LEN, payload)
    };
    let end = HEADER_LEN + used.min(payload.len());
    add_trailer(
        cx.pkt,
        layer,
        cx.data.len(),
        off + end,
        &buf[end..],
        TrailerFields {
            trailer: &TRAILER,
            fcs_possible: true,
        },
        cx.meta.orig_len as usize,
    );
    buf.len()
}

#[derive(Clone, Copy)]
enum Role {
    Src,
    Dst,
}

fn add_address(p: &mut Packet, off: usize, m: &[u8; 6], role: Role) {
    let span = Span::new(off, 6);
    let (addr, resolved, oui, oui_resolved, lg, ig) = match role {
        Role::Dst => (
            &DST,
            &DST_RESOLVED,
            &DST_OUI,
            &DST_OUI_RESOLVED,
            &DST_LG,
            &DST_IG,
        ),
        Role::Src => (
            &SRC,
            &SRC_RESOLVED,
            &SRC_OUI,
            &SRC_OUI_RESOLVED,
            &SRC_LG,
            &SRC_IG,
        ),
    };
    if !p.tree {
        return;
    }
    let text = || {
        let mut s = String::with_capacity(17);
        crate::model::field::write_mac(&mut s, m);
        Value::Str(s.into())
    };
    let oui_value = Value::Uint(u32::from_be_bytes([0, m[0], m[1], m[2]]) as u64);
    let lg_bit = Value::Bool(m[0] & 0x02 != 0);
    let ig_bit = Value::Bool(m[0] & 0x01 != 0);
    let oui_span = Span::new(off, 3);
    let bit_span = Span::new(off, 3);
    let vendor = super::oui::vendor(m);
    p.add_tree(addr, span, Value::Mac(*m), |p| {
        p.add(resolved, span, text());
        p.add(oui, oui_span, oui_value.clone());
        if let Some(v) = &vendor {
            p.add(oui_resolved, oui_span, Value::Str(v.as_ref().into()));
        }
        p.add(&ADDR, span, Value::Mac(*m));
        p.add(&ADDR_RESOLVED, span, text());
        p.add(&ADDR_OUI, oui_span, oui_value.clone());
        if let Some(v) = &vendor {
            p.add(&ADDR_OUI_RESOLVED, oui_span, Value::Str(v.as_ref().into()));
        }
        p.add(lg, bit_span, lg_bit.clone());
        p.add(&LG, bit_span, lg_bit.clone());
        p.add(ig, bit_span, ig_bit.clone());
        p.add(&IG, bit_span, ig_bit.clone());
    });
}

/// Which fields a link layer uses for what follows its payload.
pub struct TrailerFields {
    pub trailer: &'static crate::model::FieldDef,
    /// Ethernet may carry a 4-byte FCS; Linux cooked captures never do.
    pub fcs_possible: bool,
}

/// Shows the bytes after the payload the way Wireshark's `add_ethernet_trailer` does:
/// zero padding up to the 60-byte minimum, then a trailer, then a 4-byte FCS when
/// the frame is 64 bytes or longer (the FCS is not verified: most captures strip it).
#[allow(clippy::too_many_arguments)]
pub fn add_trailer(
    p: &mut Packet,
    layer: u8,
    frame_len: usize,
    off: usize,
    rest: &[u8],
    fields: TrailerFields,
    wire_len: usize,
) {
    if rest.is_empty() {
        return;
    }
    let captured_short = wire_len > frame_len;
    let reported_trailer = rest.len() + wire_len.saturating_sub(frame_len);
    let mut padding = 0;
    let mut padding_bad = false;
    if wire_len >= MIN_FRAME_LEN {
        // A record may claim a wire length below what it captured: the
        // trailer can then be longer than the whole frame on the wire.
        let before = wire_len.saturating_sub(reported_trailer);
        if before < MIN_FRAME_LEN {
            padding = (MIN_FRAME_LEN - before).min(rest.len());
        }
        if padding > 0 && rest[..padding].iter().any(|&b| b != 0) {
            padding = 0;
            padding_bad = true;
        }
    }
    if padding > 0 {
        p.add_to_layer(layer, &PADDING, Span::new(off, padding), Value::SpanBytes);
    }
    let mut trailer_len = rest.len() - padding;
    let mut reported = reported_trailer - padding;
    let mut has_fcs = false;
    if fields.fcs_possible && wire_len >= 64 && reported >= 4 {
        reported -= 4;
        has_fcs = true;
        if captured_short {
            trailer_len = trailer_len.min(reported);
        } else {
            trailer_len -= 4;
        }
    }
    if trailer_len > 0 {
        let span = Span::new(off + padding, trailer_len);
        p.add_to_layer(layer, fields.trailer, span, Value::SpanBytes);
        if padding_bad {
            p.experts.push(crate::model::Expert {
                severity: Severity::Warn,
                group: Group::Malformed,
                message: "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.".into(),
                layer,
                span,
                name: None,
            });
        }
    }
    let fcs_at = padding + trailer_len;
    if has_fcs && !captured_short {
        if let Ok((_, fcs)) = be_u32::<_, nom::error::Error<&[u8]>>.parse(&rest[fcs_at..]) {
            let span = Span::new(off + fcs_at, 4);
            p.add_to_layer(layer, &FCS, span, Value::Uint(fcs as u64));
            p.append_text(|t| t.push_str(" [unverified]"));
            p.add_to_layer(layer, &FCS_STATUS, span, Value::Uint(2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{
        dissect_frame_for_test, dissect_frame_with_orig_len, value as one, values, CorpusFrame,
    };
    use crate::LinkType;

    /// Frame 2 of link/eth_arp_who_has.pcap: an ARP reply padded to 60 bytes with
    /// bytes that are not all zero (tshark: eth.trailer, "padding of non-zeros").
    const ARP_NONZERO_PADDING: CorpusFrame = CorpusFrame::new("link/eth_arp_who_has.pcap", 2);
    /// Frame 2 of tls/tls13_hello_retry_request.pcap: 82 bytes, IPv4 of 60, then a
    /// 4-byte trailer and a 4-byte FCS (tshark: eth.trailer ae:7d:fa:3a, eth.fcs 0x5276d4ff).
    const TRAILER_AND_FCS: CorpusFrame = CorpusFrame::new("tls/tls13_hello_retry_request.pcap", 2);
    /// Frame 4 of mixed/wikipedia_dns_http.pcap: IEEE 802.3 (length 39) carrying STP, 7 bytes of zero padding.
    const IEEE_802_3: CorpusFrame = CorpusFrame::new("mixed/wikipedia_dns_http.pcap", 4);
    /// Frame 2 of ssh/ssh_dh_group_exchange.pcap: 78 bytes, IPv4 of 60, the last 4 are the FCS.
    const FCS_ONLY: CorpusFrame = CorpusFrame::new("ssh/ssh_dh_group_exchange.pcap", 2);

    #[test]
    fn header_fields_and_vendor() {
        let data = ARP_NONZERO_PADDING.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
        assert_eq!(
            one(&pkt, "eth.dst", &data).as_deref(),
            Some("78:31:c1:c6:3f:c2")
        );
        assert_eq!(
            one(&pkt, "eth.src", &data).as_deref(),
            Some("f8:ed:a5:c0:a4:f1")
        );
        assert_eq!(one(&pkt, "eth.type", &data).as_deref(), Some("0x0806"));
        assert_eq!(one(&pkt, "eth.src.oui", &data).as_deref(), Some("16313765"));
        assert_eq!(
            one(&pkt, "eth.src.oui_resolved", &data).as_deref(),
            Some("ARRIS Group, Inc.")
        );
        assert_eq!(values(&pkt, "eth.addr", &data).len(), 2);
        assert_eq!(one(&pkt, "eth.dst.ig", &data).as_deref(), Some("0"));
    }

    #[test]
    fn nonzero_padding_is_a_trailer_with_a_warning() {
        let data = ARP_NONZERO_PADDING.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
        assert_eq!(
            one(&pkt, "eth.trailer", &data).as_deref(),
            Some("00:00:00:00:00:00:00:00:00:00:00:00:00:00:1f:0b:60:ce")
        );
        assert!(pkt.find("eth.padding").is_none());
        assert!(pkt.find("eth.fcs").is_none(), "a 60-byte frame has no FCS");
        assert!(pkt
            .experts
            .iter()
            .any(|e| e.message.starts_with("Didn't find padding of zeros")));
    }

    #[test]
    fn trailer_then_fcs_on_frames_of_64_bytes_or_more() {
        let data = TRAILER_AND_FCS.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
        assert_eq!(
            one(&pkt, "eth.trailer", &data).as_deref(),
            Some("ae:7d:fa:3a")
        );
        assert_eq!(one(&pkt, "eth.fcs", &data).as_deref(), Some("0x5276d4ff"));
        assert_eq!(one(&pkt, "eth.fcs.status", &data).as_deref(), Some("2"));
        let data = FCS_ONLY.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
        assert!(pkt.find("eth.trailer").is_none());
        assert_eq!(one(&pkt, "eth.fcs", &data).as_deref(), Some("0xbf10884a"));
    }

    #[test]
    fn ieee_802_3_length_and_zero_padding() {
        let data = IEEE_802_3.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
        assert_eq!(one(&pkt, "eth.len", &data).as_deref(), Some("39"));
        assert!(pkt.find("eth.type").is_none());
        assert_eq!(
            one(&pkt, "eth.padding", &data).as_deref(),
            Some("00:00:00:00:00:00:00")
        );
        assert_eq!(pkt.protocols, ["eth", "llc", "stp"]);
    }

    #[test]
    fn a_cut_frame_reports_no_fcs_it_does_not_have() {
        // The same 78-byte frame captured with a snaplen of 76: the FCS is on the
        // wire but not in the capture, so nothing is shown for it.
        let full = FCS_ONLY.bytes();
        let data = &full[..76];
        let pkt = dissect_frame_with_orig_len(LinkType::ETHERNET, data, 78);
        assert!(pkt.find("eth.fcs").is_none());
    }

    #[test]
    fn truncated_header_is_malformed_at_every_length() {
        let full = ARP_NONZERO_PADDING.bytes();
        for cut in 0..HEADER_LEN {
            let data = &full[..cut];
            let pkt = dissect_frame_for_test(LinkType::ETHERNET, data);
            assert!(
                pkt.layers
                    .iter()
                    .any(|l| l.proto.name == "eth" && l.malformed),
                "cut at {cut}"
            );
            assert!(pkt
                .experts
                .iter()
                .any(|e| e.message.contains("Ethernet header needs 14 bytes")));
        }
        // With the header complete, Ethernet itself is fine (ARP is then cut short).
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &full[..HEADER_LEN]);
        assert!(!pkt.layers[1].malformed);
        assert_eq!(one(&pkt, "eth.type", &full).as_deref(), Some("0x0806"));
    }

    /// Found by the `pipeline` fuzz target: a record whose wire length (60)
    /// is below its captured length, with a trailer longer than that, made
    /// the padding computation underflow.
    #[test]
    fn trailer_longer_than_the_wire_length_does_not_underflow() {
        let mut frame = crate::testutil::PING_REQUEST.bytes();
        frame.extend([0xab; 150]);
        let pkt = dissect_frame_with_orig_len(LinkType::ETHERNET, &frame, 60);
        assert!(pkt.protocols.contains(&"icmp"));
    }
}
