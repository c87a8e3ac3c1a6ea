use super::*;
use crate::link::LinkType;
use crate::model::Address;
use crate::testutil::{
    dissect_frame_for_test, has_expert, hex, only as one, values as v, CorpusFrame,
};

/// ip/icmpv6_misc.pcap frame 1: a Router Advertisement with prefix, RDNSS, DNSSL,
/// MTU, source link-layer address, advertisement interval and home agent options.
const RA: CorpusFrame = CorpusFrame::new("ip/icmpv6_misc.pcap", 1);

/// ip/icmpv6_nd_options.pcap frame 2: a Neighbor Advertisement with a target
/// link-layer address.
const NA: CorpusFrame = CorpusFrame::new("ip/icmpv6_nd_options.pcap", 2);

/// ip/icmpv6_misc.pcap frame 3: an MLDv2 query behind a Hop-by-Hop header.
const MLDV2_QUERY: CorpusFrame = CorpusFrame::new("ip/icmpv6_misc.pcap", 3);

/// ip/icmpv6_ping.pcap frame 1: an echo request with 32 bytes of data.
const ECHO: CorpusFrame = CorpusFrame::new("ip/icmpv6_ping.pcap", 1);

#[test]
fn router_advertisement_with_its_options() {
    let data = RA.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(pkt.protocols.join(":"), "eth:ethertype:ipv6:icmpv6");
    assert_eq!(one(&pkt, "icmpv6.type", &data), "134");
    assert_eq!(one(&pkt, "icmpv6.checksum", &data), "0x2401");
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
    assert_eq!(one(&pkt, "icmpv6.nd.ra.cur_hop_limit", &data), "64");
    assert_eq!(one(&pkt, "icmpv6.nd.ra.flag", &data), "0x20");
    assert_eq!(one(&pkt, "icmpv6.nd.ra.flag.h", &data), "1");
    assert_eq!(one(&pkt, "icmpv6.nd.ra.router_lifetime", &data), "15");
    assert_eq!(
        v(&pkt, "icmpv6.opt.type", &data),
        ["3", "25", "31", "5", "1", "7", "8"]
    );
    assert_eq!(one(&pkt, "icmpv6.opt.prefix.length", &data), "72");
    assert_eq!(one(&pkt, "icmpv6.opt.prefix.flag", &data), "0xc0");
    assert_eq!(
        one(&pkt, "icmpv6.opt.prefix.valid_lifetime", &data),
        "2592000"
    );
    assert_eq!(
        one(&pkt, "icmpv6.opt.prefix", &data),
        "2222:3333:4444:5555:6600::"
    );
    assert_eq!(
        v(&pkt, "icmpv6.opt.rdnss", &data),
        ["abcd::efef", "1234:5678::1"]
    );
    assert_eq!(
        v(&pkt, "icmpv6.opt.dnssl", &data),
        ["example.com", "example.org", "dom1.dom2.tld"]
    );
    assert_eq!(v(&pkt, "icmpv6.opt.padding", &data), [""]);
    assert_eq!(one(&pkt, "icmpv6.opt.mtu", &data), "100");
    assert_eq!(
        one(&pkt, "icmpv6.opt.src_linkaddr", &data),
        "b0:99:28:c8:d6:6c"
    );
    assert_eq!(
        one(&pkt, "icmpv6.opt.advertisement_interval", &data),
        "5000"
    );
    assert_eq!(
        one(&pkt, "icmpv6.opt.home_agent_preference", &data),
        "50001"
    );
    assert_eq!(one(&pkt, "icmpv6.opt.home_agent_lifetime", &data), "15");
    assert_eq!(
        pkt.summary.info,
        "Router Advertisement from b0:99:28:c8:d6:6c"
    );
    assert_eq!(pkt.summary.protocol, "ICMPv6");
    assert!(!pkt.is_malformed());
}

#[test]
fn neighbor_advertisement_flags_and_target() {
    let data = NA.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(one(&pkt, "icmpv6.nd.na.flag", &data), "0xa0000000");
    assert_eq!(v(&pkt, "icmpv6.nd.na.flag.r", &data), ["1"]);
    assert_eq!(v(&pkt, "icmpv6.nd.na.flag.s", &data), ["0"]);
    assert_eq!(v(&pkt, "icmpv6.nd.na.flag.o", &data), ["1"]);
    assert_eq!(
        one(&pkt, "icmpv6.nd.na.target_address", &data),
        "fe80::c000:54ff:fef5:0"
    );
    assert_eq!(
        one(&pkt, "icmpv6.opt.target_linkaddr", &data),
        "c2:00:54:f5:00:00"
    );
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
    assert_eq!(
        pkt.summary.info,
        "Neighbor Advertisement fe80::c000:54ff:fef5:0 (rtr, ovr) is at c2:00:54:f5:00:00"
    );
}

#[test]
fn mldv2_query_decodes_its_codes() {
    let data = MLDV2_QUERY.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(
        one(&pkt, "icmpv6.mld.maximum_response_code", &data),
        "10000"
    );
    assert_eq!(one(&pkt, "icmpv6.mld.multicast_address", &data), "::");
    assert_eq!(one(&pkt, "icmpv6.mld.flag", &data), "0x02");
    assert_eq!(one(&pkt, "icmpv6.mld.flag.qrv", &data), "2");
    assert_eq!(one(&pkt, "icmpv6.mld.qqi", &data), "60");
    assert_eq!(one(&pkt, "icmpv6.mld.nb_sources", &data), "0");
    assert_eq!(pkt.summary.info, "Multicast Listener Query");
}

#[test]
fn mld_codes_above_the_threshold_are_floating_point() {
    assert_eq!(mld_float(10_000, 32768, 12, 12), 10_000);
    // RFC 3810: exp 0, mant 0x123 -> (0x123 | 0x1000) << 3.
    assert_eq!(mld_float(0x8123, 32768, 12, 12), (0x1123) << 3);
    assert_eq!(mld_float(0x90, 128, 4, 4), (0x10) << 4);
}

#[test]
fn echo_request_carries_data() {
    let data = ECHO.bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(pkt.protocols.join(":"), "eth:ethertype:ipv6:icmpv6:data");
    assert_eq!(one(&pkt, "icmpv6.echo.identifier", &data), "0x0001");
    assert_eq!(one(&pkt, "icmpv6.echo.sequence_number", &data), "3");
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
    assert_eq!(one(&pkt, "data.len", &data), "32");
    assert_eq!(
        pkt.summary.info,
        "Echo (ping) request id=0x0001, seq=3, hop limit=128"
    );
    // The data does not take over the Protocol column.
    assert_eq!(pkt.summary.protocol, "ICMPv6");
}

#[test]
fn bad_checksum_is_flagged() {
    let mut data = ECHO.bytes();
    let last = data.len() - 1;
    data[last] ^= 0xff;
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "0");
    assert_eq!(v(&pkt, "icmpv6.checksum_bad.expert", &data).len(), 1);
    assert!(has_expert(&pkt, "Bad checksum [should be 0x28e3]"));
}

#[test]
fn empty_message_is_malformed() {
    // malformed/icmpv6_length_zero.pcapng frame 1: a payload length of 0.
    let data = CorpusFrame::new("malformed/icmpv6_length_zero.pcapng", 1).bytes();
    let pkt = dissect_frame_for_test(LinkType::ETHERNET, &data);
    assert_eq!(pkt.protocols.join(":"), "eth:ethertype:ipv6:icmpv6");
    assert!(v(&pkt, "icmpv6.type", &data).is_empty());
    assert!(has_expert(&pkt, "ICMPv6 message truncated"));
    assert!(pkt.is_malformed());
    // The unclaimed bytes go to the Ethernet trailer.
    assert_eq!(v(&pkt, "eth.trailer", &data).len(), 1);
}

#[test]
fn zero_length_option_ends_the_list() {
    // The NA above with its option length set to 0, then another option.
    let mut payload = NA.bytes()[54..].to_vec();
    payload[25] = 0;
    payload.extend_from_slice(&hex("0201c20054f50000"));
    let data = ipv6_icmpv6(&mut payload);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(v(&pkt, "icmpv6.opt.type", &data), ["2"]);
    assert_eq!(v(&pkt, "icmpv6.invalid_option_length", &data).len(), 1);
    assert!(has_expert(&pkt, "Invalid option length (Zero)"));
    assert!(pkt.is_malformed());
    assert_eq!(one(&pkt, "icmpv6.checksum.status", &data), "1");
}

#[test]
fn every_truncation_of_an_advertisement() {
    let full = RA.bytes()[14..].to_vec();
    // Where the fixed part and each option end: a cut there leaves a shorter but
    // whole message, as tshark sees it too (only the payload length is flagged).
    let boundaries = [56, 88, 128, 184, 192, 200, 208];
    for cut in 40..full.len() {
        let data = &full[..cut];
        let pkt = dissect_frame_for_test(LinkType::IPV6, data);
        assert_eq!(v(&pkt, "ipv6.plen_exceeds_framing", data).len(), 1);
        assert_eq!(
            pkt.is_malformed(),
            !boundaries.contains(&cut),
            "cut at {cut}"
        );
        if cut > 40 {
            assert_eq!(one(&pkt, "icmpv6.type", data), "134");
        }
        if cut >= 44 {
            // Captured in full but shorter than its IPv6 header says: checked, and bad.
            assert_eq!(
                one(&pkt, "icmpv6.checksum.status", data),
                "0",
                "cut at {cut}"
            );
        }
        if cut >= 40 + 16 + 32 {
            assert_eq!(
                one(&pkt, "icmpv6.opt.prefix", data),
                "2222:3333:4444:5555:6600::"
            );
        }
    }
}

#[test]
fn destination_unreachable_quotes_the_invoking_packet() {
    // The echo request above, quoted in a Port Unreachable sent back to its source.
    let quoted = ECHO.bytes()[14..].to_vec();
    let mut msg = vec![1, 4, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&quoted);
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(pkt.protocols.join(":"), "ipv6:icmpv6:ipv6:icmpv6:data");
    assert_eq!(v(&pkt, "icmpv6.checksum.status", &data), ["1", "2"]);
    assert_eq!(one(&pkt, "icmpv6.reserved", &data), "00:00:00:00");
    assert_eq!(
        v(&pkt, "ipv6.src", &data),
        ["2001:db8::1", "2620:0:e00:400e:d1d:db37:beb:5aac"]
    );
    // The columns describe the error, not the packet it quotes.
    assert_eq!(
        pkt.summary.info,
        "Destination Unreachable (Port unreachable)"
    );
    assert_eq!(pkt.summary.protocol, "ICMPv6");
    assert_eq!(pkt.summary.dst.to_string(), "2001:db8::2");
}

#[test]
fn packet_too_big_and_parameter_problem() {
    let quoted = ECHO.bytes()[14..54].to_vec();
    let mut msg = vec![2, 0, 0, 0, 0, 0, 5, 0];
    msg.extend_from_slice(&quoted);
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "icmpv6.mtu", &data), "1280");
    // A quote cut short is not the error message's fault.
    assert!(v(&pkt, "ipv6.plen_exceeds_framing", &data).is_empty());

    let mut msg = vec![4, 1, 0, 0, 0, 0, 0, 6];
    msg.extend_from_slice(&quoted);
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "icmpv6.pointer", &data), "6");
    assert_eq!(
        pkt.summary.info,
        "Parameter Problem (unrecognized Next Header type encountered)"
    );
}

#[test]
fn redirect_with_redirected_header() {
    let quoted = ECHO.bytes()[14..].to_vec();
    let mut msg = vec![137, 0, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    msg.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
    // Room for the quote and 8 bytes more.
    let opt_len = (8 + quoted.len() + 8).div_ceil(8);
    msg.extend_from_slice(&[4, opt_len as u8, 0, 0, 0, 0, 0, 0]);
    msg.extend_from_slice(&quoted);
    msg.resize(40 + opt_len * 8, 0);
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "icmpv6.nd.rd.target_address", &data), "fe80::9");
    assert_eq!(
        one(&pkt, "icmpv6.rd.na.destination_address", &data),
        "2001:db8::7"
    );
    assert_eq!(v(&pkt, "icmpv6.opt.redirected_packet", &data).len(), 1);
    assert_eq!(pkt.protocols.join(":"), "ipv6:icmpv6:ipv6:icmpv6:data");
    // The 80-byte packet leaves 8 bytes of the option unexplained.
    assert_eq!(
        one(&pkt, "icmpv6.unknown_data", &data),
        "00:00:00:00:00:00:00:00"
    );
    assert_eq!(pkt.summary.info, "Redirect");
}

#[test]
fn neighbor_solicitation_with_an_eui64_source() {
    let mut msg = vec![135, 0, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&[
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99,
    ]);
    msg.extend_from_slice(&hex("0102001122334455667700000000 0000"));
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(
        one(&pkt, "icmpv6.opt.linkaddr_eui64", &data),
        "00:11:22:33:44:55:66:77"
    );
    assert_eq!(
        one(&pkt, "icmpv6.opt.src_linkaddr", &data),
        "00:11:22:33:44:55:66:77"
    );
    assert_eq!(
        pkt.summary.info,
        "Neighbor Solicitation for 2001:db8::99 from 00:11:22:33:44:55:66:77"
    );
}

#[test]
fn route_information_prefixes_of_each_size() {
    let mut msg = vec![134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&hex("18010008ffffffff"));
    msg.extend_from_slice(&hex("180230180000012c20010db8abcd0000"));
    msg.extend_from_slice(&hex("180340000000012c20010db8000000000000000000000099"));
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(
        v(&pkt, "icmpv6.opt.route_lifetime", &data),
        ["4294967295", "300", "300"]
    );
    assert_eq!(
        v(&pkt, "icmpv6.opt.route_info.flag.route_preference", &data),
        ["1", "3", "0"]
    );
    assert_eq!(
        v(&pkt, "icmpv6.opt.prefix", &data),
        ["2001:db8:abcd::", "2001:db8::99"]
    );
    assert!(!pkt.is_malformed());
}

#[test]
fn mldv2_report_records_with_sources() {
    let mut record = hex("05010001ff020000000000000000000000000123");
    record.extend_from_slice(&[
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99,
    ]);
    record.extend_from_slice(&[1, 2, 3, 4]);
    let mut msg = vec![143, 0, 0, 0, 0, 0, 0, 2];
    msg.extend_from_slice(&record);
    msg.extend_from_slice(&record);
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "icmpv6.mldr.nb_mcast_records", &data), "2");
    assert_eq!(v(&pkt, "icmpv6.mldr.mar.record_type", &data), ["5", "5"]);
    assert_eq!(
        v(&pkt, "icmpv6.mldr.mar.source_address", &data),
        ["2001:db8::99", "2001:db8::99"]
    );
    assert_eq!(
        v(&pkt, "icmpv6.mldr.mar.auxiliary_data", &data),
        ["01:02:03:04", "01:02:03:04"]
    );
    // A record cut in its source list.
    let cut = &data[..data.len() - 10];
    let pkt = dissect_frame_for_test(LinkType::IPV6, cut);
    assert!(pkt.is_malformed());
    assert_eq!(v(&pkt, "icmpv6.mldr.mar.record_type", cut), ["5", "5"]);
}

#[test]
fn unknown_type_shows_its_body_as_data() {
    let mut msg = vec![200, 5, 0, 0, b'h', b'i'];
    let data = ipv6_icmpv6(&mut msg);
    let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
    assert_eq!(one(&pkt, "icmpv6.data", &data), "68:69");
    assert_eq!(v(&pkt, "icmpv6.undecoded.type", &data).len(), 1);
    assert_eq!(pkt.summary.info, "Private experimentation");
}

#[test]
fn dns_names_in_a_search_list() {
    let buf = hex("076578616d706c6503636f6d00 00 c00c");
    assert_eq!(nd_dns_name(&buf, 0), Some(("example.com".to_string(), 13)));
    assert_eq!(nd_dns_name(&buf, 13), Some(("<Root>".to_string(), 1)));
    // A compression pointer (not allowed there) ends the name.
    assert_eq!(nd_dns_name(&buf, 14), Some(("<Root>".to_string(), 2)));
    assert_eq!(nd_dns_name(&buf[..5], 0), None);
}

fn nd_dns_name(buf: &[u8], at: usize) -> Option<(String, usize)> {
    nd::dns_name(buf, at)
}

/// Wraps an ICMPv6 message (checksum filled in) in IPv6 2001:db8::1 -> 2001:db8::2.
fn ipv6_icmpv6(msg: &mut [u8]) -> Vec<u8> {
    let src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    msg[2] = 0;
    msg[3] = 0;
    let pseudo = checksum::pseudo_header(
        &Address::Ipv6(src),
        &Address::Ipv6(dst),
        IP_PROTO_ICMPV6,
        msg.len() as u32,
    )
    .expect("IPv6 addresses");
    let c = checksum::finish(checksum::sum(pseudo, msg));
    msg[2..4].copy_from_slice(&c.to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    p.extend_from_slice(&[58, 255]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(msg);
    p
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    static SEEDS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(seeds);

    fn seeds() -> Vec<Vec<u8>> {
        let mut seeds: Vec<Vec<u8>> = [RA, NA, MLDV2_QUERY, ECHO]
            .iter()
            .map(|f| f.bytes()[14..].to_vec())
            .collect();
        let mut error = vec![1, 4, 0, 0, 0, 0, 0, 0];
        error.extend_from_slice(&ECHO.bytes()[14..]);
        seeds.push(ipv6_icmpv6(&mut error));
        seeds
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Mutations that keep the IPv6 header sane, so the ICMPv6 body gets the damage.
        #[test]
        fn mutated_messages_never_panic(
            seed in 0usize..5,
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut data = SEEDS[seed].clone();
            // Where the ICMPv6 message starts (after a Hop-by-Hop header, if any).
            let start = if data[6] == 0 { 48 } else { 40 };
            for (at, byte) in flips {
                let i = start + at % (data.len() - start);
                data[i] = byte;
            }
            data.truncate(start + cut % (data.len() - start + 1));
            let pkt = dissect_frame_for_test(LinkType::IPV6, &data);
            prop_assert!(pkt.protocols.contains(&"icmpv6"));
        }
    }
}
