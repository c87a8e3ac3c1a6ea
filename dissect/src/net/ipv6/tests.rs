use super::*;
use crate::link::LinkType;
use crate::model::Severity;
use crate::testutil::{
    chain, dissect_frame_fast, dissect_frame_for_test, dissect_frame_with_orig_len, has_expert,
    hex, only as one, values as v, CorpusFrame,
};

/// ip/icmpv6_misc.pcap frame 2: Hop-by-Hop (Router Alert, PadN) before an MLDv2 report.
const HBH_MLDV2: CorpusFrame = CorpusFrame::new("ip/icmpv6_misc.pcap", 2);

/// ip/ipv6_routing_header.pcap frame 1: type 0 routing header with one address left.
const RT0_ECHO: CorpusFrame = CorpusFrame::new("ip/ipv6_routing_header.pcap", 1);

/// ip/ipv6_srh.pcap frame 1: segment routing header, then IPv6 in IPv6 carrying an echo.
const SRH_ECHO: CorpusFrame = CorpusFrame::new("ip/ipv6_srh.pcap", 1);

/// ip/ipv6_dstopts_mobility.pcap frame 3: a Home Address option of length 1, then UDP.
const DSTOPTS_HOME: CorpusFrame = CorpusFrame::new("ip/ipv6_dstopts_mobility.pcap", 3);

/// ip/ipv6_hbh_routing0_dns.pcap frame 1 without its Ethernet header: Hop-by-Hop,
/// routing type 0 with two addresses, UDP.
fn hbh_rt0_udp() -> Vec<u8> {
    CorpusFrame::new("ip/ipv6_hbh_routing0_dns.pcap", 1).bytes()[14..].to_vec()
}

#[test]
fn hop_by_hop_options_then_icmpv6() {
    let data = HBH_MLDV2.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(chain(&pkt), "eth:ethertype:ipv6:ipv6.hopopts:icmpv6");
    assert_eq!(one(&pkt, "ipv6.plen", &data), "36");
    assert_eq!(one(&pkt, "ipv6.nxt", &data), "0");
    assert_eq!(one(&pkt, "ipv6.hopopts.nxt", &data), "58");
    assert_eq!(one(&pkt, "ipv6.hopopts.len_oct", &data), "8");
    assert_eq!(v(&pkt, "ipv6.opt.type", &data), ["0x05", "0x01"]);
    assert_eq!(one(&pkt, "ipv6.opt.router_alert", &data), "0");
    assert_eq!(one(&pkt, "ipv6.opt.padn", &data), "");
    assert_eq!(v(&pkt, "ipv6.slaac_mac", &data), ["00:15:17:cc:e5:46"]);
    assert_eq!(
        pkt.layers[2].title,
        "Internet Protocol Version 6, Src: fe80::215:17ff:fecc:e546, Dst: ff02::16"
    );
    assert!(!pkt.is_malformed());
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
}

#[test]
fn tclass_flow_and_address_fields() {
    let data = SRH_ECHO.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(v(&pkt, "ipv6.flow", &data), ["0x0889ad", "0x0889ad"]);
    assert_eq!(v(&pkt, "ipv6.tclass", &data)[0], "0x00000000");
    assert_eq!(
        v(&pkt, "ipv6.addr", &data)[..2],
        ["a:b:c:12::1", "a:b:c:2::f1:0"]
    );
    assert_eq!(v(&pkt, "ipv6.src_host", &data)[0], "a:b:c:12::1");
    assert_eq!(v(&pkt, "ip.version", &data)[0], "6");
}

#[test]
fn routing_type0_sends_the_destination_column_to_the_next_hop() {
    let data = RT0_ECHO.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(chain(&pkt), "eth:ethertype:ipv6:ipv6.routing:icmpv6");
    assert_eq!(one(&pkt, "ipv6.routing.type", &data), "0");
    assert_eq!(one(&pkt, "ipv6.routing.segleft", &data), "1");
    assert_eq!(one(&pkt, "ipv6.routing.src.reserved", &data), "00:00:00:00");
    assert_eq!(
        one(&pkt, "ipv6.routing.src.addr", &data),
        "2200::210:2:0:0:4"
    );
    assert_eq!(v(&pkt, "ipv6.routing.deprecated", &data).len(), 1);
    assert!(has_expert(&pkt, "Routing header type is deprecated"));
    assert_eq!(pkt.summary.dst.to_string(), "2200::210:2:0:0:4");
    // The pseudo-header uses that final destination, so the checksum verifies.
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
    assert_eq!(
        pkt.summary.info,
        "Echo (ping) request id=0x0000, seq=0, hop limit=4"
    );
}

#[test]
fn segment_routing_header_and_ipv6_in_ipv6() {
    let data = SRH_ECHO.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(
        chain(&pkt),
        "eth:ethertype:ipv6:ipv6.routing:ipv6:icmpv6:data"
    );
    assert_eq!(one(&pkt, "ipv6.routing.type", &data), "4");
    assert_eq!(one(&pkt, "ipv6.routing.srh.last_entry", &data), "1");
    assert_eq!(one(&pkt, "ipv6.routing.srh.flags", &data), "0x00");
    assert_eq!(one(&pkt, "ipv6.routing.srh.tag", &data), "00:00");
    assert_eq!(
        v(&pkt, "ipv6.routing.srh.addr", &data),
        ["a:b:c:3::d6", "a:b:c:2::f1:0"]
    );
    assert_eq!(v(&pkt, "ipv6.dst", &data), ["a:b:c:2::f1:0", "b2::2"]);
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
    assert_eq!(pkt.summary.protocol, "ICMPv6");
    assert_eq!(pkt.summary.dst.to_string(), "b2::2");
}

#[test]
fn home_address_option_of_bad_length() {
    let data = DSTOPTS_HOME.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert!(chain(&pkt).starts_with("eth:ethertype:ipv6:ipv6.dstopts:"));
    assert_eq!(one(&pkt, "ipv6.dstopts.len_oct", &data), "24");
    assert_eq!(v(&pkt, "ipv6.opt.length", &data), ["2", "1"]);
    assert_eq!(v(&pkt, "ipv6.opt.invalid_len", &data).len(), 1);
    assert!(has_expert(&pkt, "Home Address: Invalid length (1 bytes)"));
    assert_eq!(
        one(&pkt, "ipv6.opt.mipv6.home_address", &data),
        "2001:78:1:32::1"
    );
    // The home address is the source the columns show.
    assert_eq!(pkt.summary.src.to_string(), "2001:78:1:32::1");
    assert!(pkt.is_malformed());
}

#[test]
fn fragment_payload_is_data() {
    // ip/ipv6_fragmented_dns.pcap frame 7 (1494 bytes), as a 96-byte snaplen would keep it.
    let mut data = CorpusFrame::new("ip/ipv6_fragmented_dns.pcap", 7).bytes();
    data.truncate(96);
    let pkt = dissect_frame_with_orig_len(LinkType::ETHERNET, &data, 1494);
    assert_eq!(chain(&pkt), "eth:ethertype:ipv6:ipv6.fraghdr:data");
    assert_eq!(one(&pkt, "ipv6.fraghdr.nxt", &data), "17");
    assert_eq!(one(&pkt, "ipv6.fraghdr.offset", &data), "179");
    assert_eq!(one(&pkt, "ipv6.fraghdr.more", &data), "1");
    assert_eq!(one(&pkt, "ipv6.fraghdr.ident", &data), "0x00000002");
    assert_eq!(one(&pkt, "ipv6.fraghdr.reserved_octet", &data), "0x00");
    assert_eq!(
        pkt.summary.info,
        "IPv6 fragment (off=1432 more=y ident=0x00000002 nxt=17)"
    );
    assert_eq!(pkt.summary.protocol, "IPv6");
    assert!(!pkt.is_malformed());
}

#[test]
fn atomic_fragment_goes_on_to_the_upper_layer() {
    let mut payload = vec![58, 0, 0, 0, 0, 0, 0, 9];
    payload.extend_from_slice(&ECHO_REQUEST);
    let data = ipv6_packet(44, &payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(chain(&pkt), "ipv6:ipv6.fraghdr:icmpv6");
    assert_eq!(one(&pkt, "ipv6.fraghdr.more", &data), "0");
}

#[test]
fn extension_header_missing_entirely() {
    // malformed/ip6_ext_trunc.pcap frame 1: the payload length promises 20 bytes, none captured.
    let data = CorpusFrame::new("malformed/ip6_ext_trunc.pcap", 1).bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(chain(&pkt), "eth:ethertype:ipv6:ipv6.hopopts");
    assert_eq!(one(&pkt, "ipv6.plen", &data), "20");
    assert_eq!(v(&pkt, "ipv6.plen_exceeds_framing", &data).len(), 1);
    assert!(has_expert(
        &pkt,
        "IPv6 payload length exceeds framing length (0 bytes)"
    ));
    assert!(has_expert(&pkt, "IPv6 options header truncated"));
    assert!(pkt.is_malformed());
    assert_eq!(pkt.summary.info, "IPv6 hop-by-hop options");
}

#[test]
fn routing_header_cut_by_the_snapshot_length() {
    // malformed/ipv6_rthdr_oobr.pcap frame 1: 45 of 262144 bytes captured.
    let data = CorpusFrame::new("malformed/ipv6_rthdr_oobr.pcap", 1).bytes();
    let pkt = dissect_frame_with_orig_len(LinkType::IPV6, &data, 262_144);
    assert_eq!(chain(&pkt), "ipv6:ipv6.routing");
    assert_eq!(one(&pkt, "ipv6.tclass", &data), "0x000000a3");
    assert_eq!(one(&pkt, "ipv6.tclass.dscp", &data), "40");
    assert_eq!(one(&pkt, "ipv6.routing.len_oct", &data), "392");
    assert_eq!(one(&pkt, "ipv6.routing.segleft", &data), "48");
    // Type 0 whose address list was not captured is not called deprecated.
    assert!(v(&pkt, "ipv6.routing.deprecated", &data).is_empty());
    assert!(v(&pkt, "ipv6.plen_exceeds_framing", &data).is_empty());
    assert!(pkt.is_malformed());
}

#[test]
fn option_running_past_the_datagram() {
    // malformed/ipv6hdr_heapoverflow_linktype_bits.pcap frame 1: a PMTU option of length 48.
    let data = CorpusFrame::new("malformed/ipv6hdr_heapoverflow_linktype_bits.pcap", 1).bytes();
    let pkt = dissect_frame_with_orig_len(LinkType::IPV6, &data, 3_158_064);
    assert_eq!(chain(&pkt), "ipv6:ipv6.hopopts");
    assert_eq!(one(&pkt, "ipv6.opt.type", &data), "0x30");
    assert_eq!(one(&pkt, "ipv6.opt.type.change", &data), "1");
    assert_eq!(one(&pkt, "ipv6.opt.length", &data), "48");
    assert_eq!(v(&pkt, "ipv6.opt.invalid_len", &data).len(), 1);
    assert_eq!(one(&pkt, "ipv6.opt.pmtu.min", &data), "12336");
    assert_eq!(one(&pkt, "ipv6.opt.pmtu.rtn", &data), "12336");
    assert_eq!(one(&pkt, "ipv6.opt.pmtu.r_flag", &data), "0");
    assert!(has_expert(&pkt, "IPv6 option runs past the datagram"));
}

#[test]
fn truncation_at_every_length_keeps_what_was_decoded() {
    let full = hbh_rt0_udp();
    for cut in 0..full.len() {
        let data = &full[..cut];
        let pkt = dissect_frame_for_test(LinkType::IPV6, data);
        let ext_end = HEADER_LEN + 8 + 40;
        let ipv6_malformed = pkt
            .layers
            .iter()
            .any(|l| l.malformed && l.proto.name.starts_with("ipv6"));
        assert_eq!(ipv6_malformed, cut < ext_end, "cut at {cut}");
        if cut >= 1 {
            assert_eq!(one(&pkt, "ipv6.version", data), "6");
        }
        if cut >= 8 {
            assert_eq!(one(&pkt, "ipv6.hlim", data), "64", "cut at {cut}");
        }
        if cut >= HEADER_LEN {
            assert_eq!(
                one(&pkt, "ipv6.dst", data),
                "2001:4f8:4:7:2e0:81ff:fe52:9a6b"
            );
            assert!(pkt.protocols.contains(&"ipv6.hopopts"));
        }
        if cut >= HEADER_LEN + 2 {
            assert_eq!(one(&pkt, "ipv6.hopopts.nxt", data), "43", "cut at {cut}");
        }
        if cut >= HEADER_LEN + 8 + 4 {
            assert_eq!(one(&pkt, "ipv6.routing.segleft", data), "2", "cut at {cut}");
        }
        if cut >= HEADER_LEN + 8 + 24 {
            assert_eq!(v(&pkt, "ipv6.routing.src.addr", data)[0], "2001:78:1:32::1");
        }
        if cut > ext_end {
            assert!(
                pkt.layers.len() > 2,
                "the upper layer follows, cut at {cut}"
            );
        }
    }
}

#[test]
fn jumbo_payload_replaces_a_zero_length() {
    // malformed/ipv6_jumbogram_invalid_length.pcap frame 1 (65590 bytes), first 96 captured.
    let mut data = CorpusFrame::new("malformed/ipv6_jumbogram_invalid_length.pcap", 1).bytes();
    data.truncate(96);
    let pkt = dissect_frame_with_orig_len(LinkType::ETHERNET, &data, 65_590);
    assert_eq!(chain(&pkt), "eth:ethertype:ipv6:ipv6.hopopts:icmpv6:data");
    assert_eq!(one(&pkt, "ipv6.plen", &data), "0");
    assert_eq!(one(&pkt, "ipv6.opt.jumbo", &data), "65537");
    assert_eq!(v(&pkt, "ipv6.plen_exceeds_framing", &data).len(), 1);
    assert!(has_expert(&pkt, "exceeds framing length (65536 bytes)"));
    assert!(v(&pkt, "ipv6.opt.jumbo.truncated", &data).is_empty());
    // The capture cut the message short, so its checksum is left unverified.
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "2");
}

#[test]
fn zero_length_without_jumbo_option() {
    let data = ipv6_packet_with_plen(0, 0, &[59, 0, 1, 4, 0, 0, 0, 0]);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(v(&pkt, "ipv6.opt.jumbo.missing", &data).len(), 1);
    assert!(pkt.is_malformed());
    // As tshark: "Invalid IPv6 payload length , IPv6 hop-by-hop options".
    assert_eq!(
        pkt.summary.info,
        "Invalid IPv6 payload length , IPv6 hop-by-hop options"
    );
    // Nothing beyond the header is claimed, so the Hop-by-Hop header is missing.
    assert!(pkt.protocols.contains(&"ipv6.hopopts"));
    assert!(has_expert(&pkt, "IPv6 options header truncated"));
}

#[test]
fn zero_length_with_an_upper_layer_is_only_a_chat_item() {
    let data = ipv6_packet_with_plen(0, 58, &ECHO_REQUEST);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(v(&pkt, "ipv6.plen_zero", &data).len(), 1);
    assert!(pkt
        .experts
        .iter()
        .any(|e| e.severity == Severity::Chat && e.message.contains("TCP segmentation offload")));
}

#[test]
fn trailer_beyond_the_payload_length_is_left_to_the_link_layer() {
    let mut data = hex("00112233445566778899aabb86dd");
    data.extend(ipv6_packet(59, &[]));
    data.extend([0u8; 6]);
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(pkt.summary.info, "IPv6 no next header");
    assert_eq!(v(&pkt, "eth.padding", &data), ["00:00:00:00:00:00"]);
}

#[test]
fn extension_chain_is_bounded() {
    let headers = MAX_EXTENSION_HEADERS + 20;
    let mut payload = Vec::new();
    for i in 0..headers {
        let nxt = if i + 1 == headers { 59 } else { 60 };
        payload.extend_from_slice(&[nxt, 0, 1, 4, 0, 0, 0, 0]);
    }
    let data = ipv6_packet(60, &payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    let dstopts = pkt
        .protocols
        .iter()
        .filter(|p| **p == "ipv6.dstopts")
        .count();
    assert_eq!(dstopts, MAX_EXTENSION_HEADERS);
    assert_eq!(v(&pkt, "ipv6.ext_chain_too_long", &data).len(), 1);
    assert_eq!(pkt.protocols.last(), Some(&"data"));
    assert!(has_expert(
        &pkt,
        "extension headers: the rest is shown as data"
    ));
}

#[test]
fn a_long_chain_below_the_bound_is_walked_to_the_end() {
    let mut payload = Vec::new();
    for i in 0..100 {
        let nxt = if i == 99 { 58 } else { 60 };
        payload.extend_from_slice(&[nxt, 0, 1, 4, 0, 0, 0, 0]);
    }
    payload.extend(ECHO_REQUEST);
    let data = ipv6_packet(60, &payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(
        pkt.protocols
            .iter()
            .filter(|p| **p == "ipv6.dstopts")
            .count(),
        100
    );
    assert_eq!(pkt.protocols.last(), Some(&"icmpv6"));
    assert!(!pkt.is_malformed());
}

#[test]
fn hop_by_hop_out_of_place() {
    let data = ipv6_packet(60, &[0, 0, 1, 4, 0, 0, 0, 0, 59, 0, 1, 4, 0, 0, 0, 0]);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(v(&pkt, "ipv6.hopopts.not_first", &data).len(), 1);
}

#[test]
fn option_in_the_wrong_header() {
    // A Router Alert belongs in a Hop-by-Hop header.
    let data = ipv6_packet(60, &[59, 0, 5, 2, 0, 0, 1, 0]);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert!(has_expert(
        &pkt,
        "Router Alert must use a hop-by-hop options header"
    ));
    assert_eq!(one(&pkt, "ipv6.opt.router_alert", &data), "0");
}

#[test]
fn not_version_6() {
    let mut data = ipv6_packet(59, &[]);
    data[0] = 0x45;
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "ipv6.version", &data), "4");
    assert_eq!(v(&pkt, "ipv6.bogus_ipv6_version", &data).len(), 1);
    assert!(pkt.is_malformed());
    assert_eq!(pkt.summary.info, "Bogus IPv6 version (4, must be 6)");
}

#[test]
fn embedded_ipv4_addresses() {
    // RFC 3056 and RFC 4380 examples.
    let src: [u8; 16] = hex("2002c0000204000100000000000000ff")
        .try_into()
        .expect("16 bytes");
    let dst: [u8; 16] = hex("200100004136e378800063bf3ffffdd2")
        .try_into()
        .expect("16 bytes");
    let data = ipv6_packet_between(59, &[], src, dst);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "ipv6.src_6to4_gw_ipv4", &data), "192.0.2.4");
    assert_eq!(one(&pkt, "ipv6.src_6to4_sla_id", &data), "1");
    assert_eq!(one(&pkt, "ipv6.6to4_gw_ipv4", &data), "192.0.2.4");
    assert_eq!(one(&pkt, "ipv6.dst_ts_ipv4", &data), "65.54.227.120");
    assert_eq!(one(&pkt, "ipv6.dst_tc_port", &data), "40000");
    assert_eq!(one(&pkt, "ipv6.dst_tc_ipv4", &data), "192.0.2.45");
    assert_eq!(one(&pkt, "ipv6.tc_ipv4", &data), "192.0.2.45");

    let src: [u8; 16] = hex("fe8000000000000000005efec0000201")
        .try_into()
        .expect("16 bytes");
    let dst: [u8; 16] = hex("0064ff9b0000000000000000c0000221")
        .try_into()
        .expect("16 bytes");
    let data = ipv6_packet_between(59, &[], src, dst);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "ipv6.src_isatap_ipv4", &data), "192.0.2.1");
    assert_eq!(one(&pkt, "ipv6.dst_embed_ipv4", &data), "192.0.2.33");
    assert_eq!(one(&pkt, "ipv6.embed_ipv4", &data), "192.0.2.33");
}

#[test]
fn authentication_header_continues_the_chain() {
    let mut payload = vec![59, 4, 0, 0];
    payload.extend_from_slice(&0x0000_1234u32.to_be_bytes());
    payload.extend_from_slice(&7u32.to_be_bytes());
    payload.extend_from_slice(&[0xaa; 12]);
    let data = ipv6_packet(51, &payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(chain(&pkt), "ipv6:ah");
    assert_eq!(one(&pkt, "ah.next_header", &data), "59");
    assert_eq!(one(&pkt, "ah.spi", &data), "0x00001234");
    assert_eq!(one(&pkt, "ah.sequence", &data), "7");
    assert_eq!(one(&pkt, "ah.icv", &data).len(), 12 * 3 - 1);
    assert_eq!(pkt.summary.info, "IPv6 no next header");
}

#[test]
fn esp_payload_stays_encrypted() {
    let mut payload = 0xdead_beefu32.to_be_bytes().to_vec();
    payload.extend_from_slice(&1u32.to_be_bytes());
    payload.extend_from_slice(&[1, 2, 3]);
    let data = ipv6_packet(50, &payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(chain(&pkt), "ipv6:esp");
    assert_eq!(one(&pkt, "esp.spi", &data), "0xdeadbeef");
    assert_eq!(one(&pkt, "esp.sequence", &data), "1");
    assert_eq!(one(&pkt, "esp.encrypted_data", &data), "01:02:03");
    assert_eq!(pkt.summary.info, "ESP (SPI=0xdeadbeef)");
    let truncated = &data[..data.len() - 8];
    let pkt = dissect_frame_for_test(LinkType::IPV6, truncated);
    assert!(pkt.is_malformed());
}

#[test]
fn summary_is_the_same_without_the_tree() {
    for frame in [HBH_MLDV2, RT0_ECHO, SRH_ECHO, DSTOPTS_HOME] {
        let data = frame.bytes();
        let full = dissect_frame_for_test(LinkType::ETHERNET, &data);
        let fast = dissect_frame_fast(LinkType::ETHERNET, &data);
        assert!(fast.fields.is_empty());
        assert_eq!(fast.protocols, full.protocols);
        assert_eq!(fast.summary.info, full.summary.info);
        assert_eq!(fast.summary.src, full.summary.src);
        assert_eq!(fast.summary.dst, full.summary.dst);
        assert_eq!(fast.summary.protocol, full.summary.protocol);
        assert_eq!(fast.experts, full.experts);
    }
}

/// An ICMPv6 echo request without data (checksum not filled in).
const ECHO_REQUEST: [u8; 8] = [128, 0, 0, 0, 0, 1, 0, 1];

const SRC: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const DST: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// An IPv6 datagram 2001:db8::1 -> 2001:db8::2 with the given next header and payload.
pub(crate) fn ipv6_packet(nxt: u8, payload: &[u8]) -> Vec<u8> {
    ipv6_packet_between(nxt, payload, SRC, DST)
}

pub(crate) fn ipv6_packet_between(
    nxt: u8,
    payload: &[u8],
    src: [u8; 16],
    dst: [u8; 16],
) -> Vec<u8> {
    let mut p = ipv6_packet_with_plen(payload.len() as u16, nxt, payload);
    p[8..24].copy_from_slice(&src);
    p[24..40].copy_from_slice(&dst);
    p
}

fn ipv6_packet_with_plen(plen: u16, nxt: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&plen.to_be_bytes());
    p.extend_from_slice(&[nxt, 64]);
    p.extend_from_slice(&SRC);
    p.extend_from_slice(&DST);
    p.extend_from_slice(payload);
    p
}

#[test]
fn header_parses_from_nom() {
    let data = ipv6_packet(17, &[]);
    let h = parse_header(&data).expect("a full header");
    assert_eq!(h.version, 6);
    assert_eq!(h.nxt, 17);
    assert_eq!(h.hlim, 64);
    assert_eq!(h.src, SRC);
    assert!(parse_header(&data[..39]).is_none());
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Real datagrams (without link headers) to mutate: every extension header
    /// kind and every ICMPv6 family the dissectors know.
    static SEEDS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(seeds);

    fn seeds() -> Vec<Vec<u8>> {
        let mut seeds: Vec<Vec<u8>> = [HBH_MLDV2, RT0_ECHO, SRH_ECHO, DSTOPTS_HOME]
            .iter()
            .map(|f| f.bytes()[14..].to_vec())
            .collect();
        seeds.push(hbh_rt0_udp());
        seeds
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn mutated_datagrams_never_panic(
            seed in 0usize..5,
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut data = SEEDS[seed].clone();
            for (at, byte) in flips {
                let i = at % data.len();
                data[i] = byte;
            }
            data.truncate(cut % (data.len() + 1));
            let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
            prop_assert!(pkt.layers.len() >= 2);
        }

        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut data = data;
            if let Some(b) = data.first_mut() {
                *b = 0x60 | (*b & 0x0f);
            }
            dissect_frame_for_test(LinkType::IPV6, &data);
        }
    }
}

/// An Ethernet frame with an IPv6 header and one Fragment header carrying `frag`.
fn v6_fragment(ident: u32, offset: u16, more: bool, frag: &[u8]) -> Vec<u8> {
    let mut f = hex("00000000000200000000000186dd");
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&((8 + frag.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[44, 64]);
    f.extend_from_slice(&hex("20010db8000000000000000000000001"));
    f.extend_from_slice(&hex("20010db8000000000000000000000002"));
    f.extend_from_slice(&[17, 0]);
    f.extend_from_slice(&(offset | more as u16).to_be_bytes());
    f.extend_from_slice(&ident.to_be_bytes());
    f.extend_from_slice(frag);
    f
}

#[test]
fn fragments_are_reassembled_and_the_last_dissects_udp() {
    use crate::testutil::{dissect_frames, TestFrame};
    // UDP 1000 -> 2000, length 24, checksum 0 (not verified), 16 bytes of payload.
    let udp = hex("03e807d0001800004142434445464748494a4b4c4d4e4f50");
    let frames = [
        v6_fragment(9, 0, true, &udp[..16]),
        v6_fragment(9, 16, false, &udp[16..]),
    ];
    let tf: Vec<TestFrame> = frames.iter().map(|b| TestFrame::new(b)).collect();
    let pkts = dissect_frames(LinkType::ETHERNET, crate::Prefs::default(), true, &tf);
    assert_eq!(chain(&pkts[0]), "eth:ethertype:ipv6:ipv6.fraghdr:data");
    let (p, f) = (&pkts[1], &frames[1]);
    assert_eq!(chain(p), "eth:ethertype:ipv6:ipv6.fraghdr:udp:data");
    assert_eq!(v(p, "ipv6.fragment", f), ["1", "2"]);
    assert_eq!(one(p, "ipv6.fragment.count", f), "2");
    assert_eq!(one(p, "ipv6.reassembled.length", f), "24");
    assert_eq!(one(p, "udp.length", f), "24");
    assert_eq!(one(p, "udp.srcport", f), "1000");
    assert_eq!(p.sources[0].name, "Reassembled IPv6");
}

#[test]
fn a_fragment_of_another_ident_does_not_complete_the_datagram() {
    use crate::testutil::{dissect_frames, TestFrame};
    let udp = hex("03e807d0001800004142434445464748494a4b4c4d4e4f50");
    let frames = [
        v6_fragment(9, 0, true, &udp[..16]),
        v6_fragment(10, 16, false, &udp[16..]),
    ];
    let tf: Vec<TestFrame> = frames.iter().map(|b| TestFrame::new(b)).collect();
    let pkts = dissect_frames(LinkType::ETHERNET, crate::Prefs::default(), true, &tf);
    assert_eq!(chain(&pkts[1]), "eth:ethertype:ipv6:ipv6.fraghdr:data");
}
