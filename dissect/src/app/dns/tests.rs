//! DNS tests on real frames from the shared corpus (see `corpus_frames`), on
//! hand-made malformed messages, and against `hickory-proto` as an
//! independent parser.

use super::*;
use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::testutil::{
    chain, dissect_frame_fast, dissect_frame_for_test, dissect_frames, has_expert, hex, value,
    values, CorpusFrame, TestFrame,
};
use crate::{Dissector, FrameMeta, Prefs};
use corpus_frames::*;

#[path = "corpus_frames.rs"]
mod corpus_frames;

/// Ethernet + IPv4 (no options) + UDP in front of the DNS message.
const ETH_IPV4_UDP: usize = 14 + 20 + 8;

fn frame(f: CorpusFrame) -> Vec<u8> {
    f.bytes()
}

fn dissect(h: CorpusFrame) -> (Packet, Vec<u8>) {
    let bytes = frame(h);
    (dissect_frame_for_test(LinkType::ETHERNET, &bytes), bytes)
}

fn v(p: &Packet, d: &[u8], name: &str) -> Vec<String> {
    values(p, name, d)
}

fn one(p: &Packet, d: &[u8], name: &str) -> String {
    value(p, name, d).unwrap_or_else(|| panic!("no {name}"))
}

/// Every text node's label, in tree order.
fn labels(p: &Packet) -> Vec<String> {
    p.fields
        .iter()
        .filter_map(|f| match &f.value {
            Value::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

/// Builds a UDP/IPv4/Ethernet frame around a DNS message (checksums zero: not verified).
fn wrap(msg: &[u8], sport: u16, dport: u16) -> Vec<u8> {
    let mut f = hex("00112233445566778899aabb0800");
    let total = (20 + 8 + msg.len()) as u16;
    f.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0,
        0,
        64,
        17,
        0,
        0,
    ]);
    f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
    let ulen = (8 + msg.len()) as u16;
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&ulen.to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(msg);
    f
}

fn dissect_msg(msg: &[u8]) -> (Packet, Vec<u8>) {
    let f = wrap(msg, 5353 + 1, 53);
    (dissect_frame_for_test(LinkType::ETHERNET, &f), f)
}

#[test]
fn query_header_question_and_opt() {
    let (p, d) = dissect(MX_QUERY_A);
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:dns");
    assert_eq!(p.summary.protocol, "DNS");
    assert_eq!(p.summary.info, "Standard query 0x1a2d A google.com OPT");
    assert_eq!(
        p.layers.last().map(|l| l.title.as_str()),
        Some("Domain Name System (query)")
    );
    assert_eq!(one(&p, &d, "dns.id"), "0x1a2d");
    assert_eq!(one(&p, &d, "dns.flags"), "0x0120");
    assert_eq!(one(&p, &d, "dns.flags.recdesired"), "1");
    // AD set in a query is shown; AA, RA and RCODE are not (responses only).
    assert_eq!(one(&p, &d, "dns.flags.authenticated"), "1");
    assert!(v(&p, &d, "dns.flags.rcode").is_empty());
    assert_eq!(one(&p, &d, "dns.qry.name"), "google.com");
    assert_eq!(one(&p, &d, "dns.qry.name.len"), "10");
    assert_eq!(one(&p, &d, "dns.count.labels"), "2");
    assert_eq!(one(&p, &d, "dns.qry.class"), "0x0001");
    assert_eq!(one(&p, &d, "dns.rr.udp_payload_size"), "4096");
    assert_eq!(one(&p, &d, "dns.resp.name"), "<Root>");
    assert_eq!(
        labels(&p),
        ["google.com: type A, class IN", "<Root>: type OPT"]
    );
    assert!(p.experts.is_empty(), "{:?}", p.experts);
}

#[test]
fn response_answers_info_and_transaction() {
    let q = frame(MX_QUERY_A);
    let r = frame(MX_RESPONSE_A);
    let pkts = dissect_frames(
        LinkType::ETHERNET,
        Prefs::default(),
        true,
        &[
            TestFrame::at(&q, 100, 0),
            TestFrame::at(&r, 100, 65_260_000),
        ],
    );
    let (p, d) = (&pkts[1], &r);
    assert!(p.summary.info.starts_with(
        "Standard query response 0x1a2d A google.com A 216.197.242.244 A 216.197.242.217"
    ));
    assert!(p.summary.info.ends_with("A 216.197.242.245 OPT"));
    assert_eq!(v(p, d, "dns.a").len(), 12);
    assert_eq!(one(p, d, "dns.resp.ttl"), "299");
    assert_eq!(one(p, d, "dns.resp.len"), "4");
    assert_eq!(one(p, d, "dns.flags.rcode"), "0");
    assert_eq!(one(p, d, "dns.response_to"), "1");
    assert_eq!(one(p, d, "dns.time"), "0.065260000");
    assert_eq!(
        labels(p)[1],
        "google.com: type A, class IN, addr 216.197.242.244"
    );
    // The query of a pair is not unsolicited, and is no retransmission.
    assert!(v(&pkts[0], &q, "dns.unsolicited").is_empty());
    assert!(v(&pkts[0], &q, "dns.retransmission").is_empty());
}

#[test]
fn a_response_alone_is_unsolicited() {
    let (p, d) = dissect(MX_RESPONSE_AAAA);
    assert_eq!(one(&p, &d, "dns.aaaa"), "2607:f8b0:400f:801::200e");
    assert_eq!(one(&p, &d, "dns.unsolicited"), "1");
    assert!(v(&p, &d, "dns.response_to").is_empty());
}

#[test]
fn a_query_repeated_within_five_seconds_is_a_retransmission() {
    let q = frame(MX_QUERY_A);
    let pkts = dissect_frames(
        LinkType::ETHERNET,
        Prefs::default(),
        true,
        &[
            TestFrame::at(&q, 100, 0),
            TestFrame::at(&q, 101, 0),
            TestFrame::at(&q, 107, 0),
        ],
    );
    assert_eq!(one(&pkts[1], &q, "dns.retransmission"), "1");
    assert_eq!(one(&pkts[1], &q, "dns.retransmit_request_in"), "1");
    assert!(has_expert(
        &pkts[1],
        "DNS query retransmission. Original request in frame 1"
    ));
    // Seven seconds after the first it is a new transaction.
    assert!(v(&pkts[2], &q, "dns.retransmission").is_empty());
}

#[test]
fn mx_records() {
    let (p, d) = dissect(MX_RESPONSE_MX);
    assert_eq!(
        v(&p, &d, "dns.mx.preference"),
        ["10", "20", "30", "40", "50"]
    );
    assert_eq!(one(&p, &d, "dns.mx.mail_exchange"), "aspmx.l.google.com");
    assert!(p
        .summary
        .info
        .contains("MX 10 aspmx.l.google.com MX 20 alt1.aspmx.l.google.com"));
    assert_eq!(
        labels(&p)[1],
        "google.com: type MX, class IN, preference 10, mx aspmx.l.google.com"
    );
}

#[test]
fn txt_cname_ns_and_additional_a() {
    let (p, d) = dissect(TXT_RESPONSE);
    assert_eq!(
        v(&p, &d, "dns.cname"),
        ["fa14._domainkey.flickr.com", "fa14._domainkey.yahoo.com"]
    );
    // One TXT record of two strings; the second as tshark shows it.
    assert_eq!(v(&p, &d, "dns.txt.length"), ["127", "98"]);
    assert!(v(&p, &d, "dns.txt")[1]
        .starts_with("HSrDI23PU+HOuqJ6ergE1IOsL6LOEgG6YT53vMb8Z6UiBSsYPlrDEC+8CUI"));
    assert_eq!(v(&p, &d, "dns.ns").len(), 5);
    assert_eq!(v(&p, &d, "dns.a").len(), 5);
    assert!(p
        .summary
        .info
        .contains("CNAME fa14._domainkey.yahoo.com TXT NS ns5.yahoo.com"));
    let l = labels(&p);
    assert!(l.contains(
        &"flkr._domainkey.flickr.com: type CNAME, class IN, cname fa14._domainkey.flickr.com"
            .to_string()
    ));
}

#[test]
fn srv_owner_is_split_into_service_protocol_and_name() {
    let bytes = frame(SRV_RESPONSE_RAW);
    let p = dissect_frame_for_test(LinkType::RAW, &bytes);
    let d = &bytes;
    assert_eq!(one(&p, d, "dns.srv.service"), "_sip");
    assert_eq!(one(&p, d, "dns.srv.proto"), "_udp");
    assert_eq!(one(&p, d, "dns.srv.name"), "sip.voice.google.com");
    assert_eq!(v(&p, d, "dns.srv.priority"), ["20", "10"]);
    assert_eq!(one(&p, d, "dns.srv.port"), "5060");
    assert_eq!(
        one(&p, d, "dns.srv.target"),
        "sip-anycast-2.voice.google.com"
    );
    assert!(p
        .summary
        .info
        .contains("SRV 20 1 5060 sip-anycast-2.voice.google.com"));
}

#[test]
fn soa_ns_a_aaaa_and_opt_with_client_subnet() {
    let (p, d) = dissect(SOA_RESPONSE);
    assert_eq!(one(&p, &d, "dns.soa.mname"), "ns1.weberdns.de");
    assert_eq!(one(&p, &d, "dns.soa.rname"), "webmaster.weberdns.de");
    assert_eq!(one(&p, &d, "dns.soa.serial_number"), "2016051801");
    assert_eq!(one(&p, &d, "dns.soa.minimum_ttl"), "180");
    assert_eq!(one(&p, &d, "dns.aaaa"), "2003:51:6012:110::a07:53");
    assert_eq!(p.summary.info, "Standard query response 0xbc8d SOA weberdns.de SOA ns1.weberdns.de NS ns1.weberdns.de NS ns2.weberdns.de A 80.154.108.230 AAAA 2003:51:6012:110::a07:53 A 213.61.29.182 OPT");
    assert_eq!(one(&p, &d, "dns.resp.z.do"), "0");
}

#[test]
fn edns_cookie_and_client_subnet() {
    let (p, d) = dissect(EDNS_COOKIE_ECS);
    assert_eq!(v(&p, &d, "dns.opt.code"), ["10", "8"]);
    assert_eq!(
        one(&p, &d, "dns.opt.cookie.client"),
        "aa:aa:aa:aa:aa:aa:aa:aa"
    );
    assert_eq!(
        one(&p, &d, "dns.opt.cookie.server"),
        "70:a5:0c:a2:5d:b0:bf:14:d5:23:a3:f7:79:57:f7:88"
    );
    assert_eq!(one(&p, &d, "dns.opt.client.family"), "1");
    assert_eq!(one(&p, &d, "dns.opt.client.netmask"), "16");
    assert_eq!(one(&p, &d, "dns.opt.client.addr4"), "192.1.0.0");
}

#[test]
fn edns_chain_dhu_padding_nsid_and_keepalive() {
    let (p, d) = dissect(EDNS_CHAIN_DHU_PADDING_NSID);
    assert_eq!(v(&p, &d, "dns.opt.code"), ["13", "6", "12", "3"]);
    assert_eq!(one(&p, &d, "dns.opt.dhu"), "3");
    assert!(!v(&p, &d, "dns.opt.padding").is_empty());
    let (p, d) = dissect(EDNS_KEEPALIVE);
    assert_eq!(one(&p, &d, "dns.opt.edns_tcp_keepalive.timeout"), "1234");
}

#[test]
fn dnskey_key_tags_are_computed() {
    let (p, d) = dissect(DNSKEY_RESPONSE);
    // tshark's dns.dnskey.key_id for the three keys of this frame.
    assert_eq!(v(&p, &d, "dns.dnskey.key_id"), ["56805", "50475", "19785"]);
    assert_eq!(
        v(&p, &d, "dns.dnskey.flags"),
        ["0x0100", "0x0100", "0x0101"]
    );
    assert_eq!(
        v(&p, &d, "dns.dnskey.flags.secure_entry_point"),
        ["0", "0", "1"]
    );
    assert_eq!(one(&p, &d, "dns.rrsig.type_covered"), "48");
    assert_eq!(
        one(&p, &d, "dns.rrsig.signature_expiration"),
        "Oct  1, 2018 22:07:48.000000000 UTC"
    );
    assert_eq!(one(&p, &d, "dns.rrsig.signers_name"), "upenn.edu");
    assert_eq!(one(&p, &d, "dns.resp.z.do"), "1");
}

#[test]
fn ds_record() {
    let (p, d) = dissect(DS_RESPONSE);
    assert!(!v(&p, &d, "dns.ds.key_id").is_empty());
    assert!(!v(&p, &d, "dns.ds.digest").is_empty());
    assert!(p.experts.is_empty(), "{:?}", p.experts);
}

#[test]
fn nsec3_hash_in_base32hex_and_rcode_in_info() {
    let (p, d) = dissect(NSEC3_RESPONSE);
    assert_eq!(
        v(&p, &d, "dns.nsec3.hash_value"),
        [
            "7m53tdgqjnt9a6i2qtrpo7ol0q2q06a7",
            "so7gf8pjf86diqr1ahf14h4mvbhjaiu6"
        ]
    );
    assert_eq!(one(&p, &d, "dns.flags.rcode"), "3");
    assert!(p
        .summary
        .info
        .starts_with("Standard query response 0x266b No such name A foobar.sshfp.net NSEC3"));
}

#[test]
fn nsec_next_name_and_type_bitmap() {
    let (p, d) = dissect(NSEC_RESPONSE);
    assert_eq!(
        one(&p, &d, "dns.nsec.next_domain_name"),
        "dlxssvr.LIBRARY.upenn.edu"
    );
    assert!(p.summary.info.contains("NSEC dlxssvr.LIBRARY.upenn.edu"));
    // The bitmap entries (A, RRSIG, NSEC) follow the record's own type, 47.
    let types = v(&p, &d, "dns.resp.type");
    let at = types.iter().position(|t| t == "47").expect("NSEC record");
    assert_eq!(types[at + 1..at + 4], ["1", "46", "47"]);
}

#[test]
fn sshfp_record() {
    let (p, d) = dissect(SSHFP_RESPONSE);
    assert_eq!(one(&p, &d, "dns.sshfp.algorithm"), "1");
    assert_eq!(
        one(&p, &d, "dns.sshfp.fingerprint"),
        "f9:0f:d3:96:46:96:8e:a8:15:cc:cb:c8:df:17:d9:3a:6a:44:75:ab"
    );
}

#[test]
fn tsig_record() {
    let (p, d) = dissect(TSIG_QUERY);
    assert_eq!(one(&p, &d, "dns.tsig.algorithm_name"), "hmac-sha256");
    assert_eq!(one(&p, &d, "dns.tsig.fudge"), "300");
    assert_eq!(
        p.summary.info,
        "Standard query 0x1e6c SOA weberdns.de OPT TSIG"
    );
}

#[test]
fn raw_ipv4_link_type() {
    let bytes = frame(CNAME_ADDITIONALS_IPV4);
    let p = dissect_frame_for_test(LinkType::IPV4, &bytes);
    assert_eq!(chain(&p), "ip:udp:dns");
    assert_eq!(
        value(&p, "dns.cname", &bytes).as_deref(),
        Some("internal-service.example.net")
    );
}

#[test]
fn fast_path_has_info_and_chain_but_no_fields() {
    let bytes = frame(MX_RESPONSE_MX);
    let p = dissect_frame_fast(LinkType::ETHERNET, &bytes);
    assert!(p.fields.is_empty());
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:dns");
    let full = dissect_frame_for_test(LinkType::ETHERNET, &bytes);
    assert_eq!(p.summary.info, full.summary.info);
}

#[test]
fn mdns_and_llmnr_flavours() {
    // mDNS: a QM question and a cache-flush answer (hand-built, the framing of RFC 6762).
    let mut q = hex("000000000001000000000000");
    q.extend_from_slice(b"\x07tangent\x05local\x00");
    q.extend_from_slice(&[0, 1, 0x80, 1]); // A, QU + IN
    let f = wrap(&q, 5353, 5353);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:mdns");
    assert_eq!(p.summary.protocol, "MDNS");
    assert_eq!(
        p.summary.info,
        "Standard query 0x0000 A tangent.local, \"QU\" question"
    );
    assert_eq!(value(&p, "dns.qry.qu", &f).as_deref(), Some("1"));
    assert_eq!(value(&p, "dns.qry.class", &f).as_deref(), Some("0x0001"));
    // LLMNR: conflict and tentative flags instead of AA/RD.
    let f = wrap(&q, 50000, 5355);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:llmnr");
    assert_eq!(p.summary.protocol, "LLMNR");
    assert_eq!(value(&p, "dns.flags.tentative", &f).as_deref(), Some("0"));
    assert!(values(&p, "dns.flags.recdesired", &f).is_empty());
}

// ---- malformed input ----

#[test]
fn truncated_at_every_header_boundary() {
    let full = frame(MX_QUERY_A);
    let msg = &full[ETH_IPV4_UDP..];
    for cut in [0, 1, 2, 4, 6, 8, 10, 11] {
        let (p, _) = dissect_msg(&msg[..cut]);
        if cut == 0 {
            continue; // an empty payload carries no DNS layer at all
        }
        assert!(
            has_expert(&p, "shorter than its 12-byte header"),
            "cut {cut}"
        );
        // As tshark: Info holds only the exception's mark (ip/ipv6_hbh_routing0_dns.pcap).
        assert_eq!(p.summary.info, "[Malformed Packet]");
        assert!(p.layers.last().is_some_and(|l| l.malformed));
    }
}

#[test]
fn truncated_question_and_record_keep_what_was_decoded() {
    let full = frame(MX_RESPONSE_A);
    let msg = &full[ETH_IPV4_UDP..];
    // Inside the question's name.
    let (p, d) = dissect_msg(&msg[..16]);
    assert_eq!(value(&p, "dns.id", &d).as_deref(), Some("0x1a2d"));
    assert!(has_expert(&p, "DNS name runs past the end of the message"));
    // Inside the first answer's data: the question and the answer's header stay.
    let (p, d) = dissect_msg(&msg[..12 + 16 + 12 + 2]);
    assert_eq!(value(&p, "dns.qry.name", &d).as_deref(), Some("google.com"));
    assert_eq!(value(&p, "dns.resp.ttl", &d).as_deref(), Some("299"));
    assert!(
        p.summary.info.ends_with(" A[Malformed Packet]"),
        "{}",
        p.summary.info
    );
    assert!(has_expert(&p, "runs past the end of the message"));
    assert!(p.layers.last().is_some_and(|l| l.malformed));
}

#[test]
fn compression_loop_is_rejected() {
    // Two pointers pointing at each other: the second points forward of the first.
    let mut m = hex("abcd01000001000000000000");
    m.extend_from_slice(&[0xc0, 14, 0xc0, 12, 0, 1, 0, 1]);
    let (p, d) = dissect_msg(&m);
    assert!(has_expert(&p, "does not point backwards"));
    assert_eq!(
        value(&p, "dns.qry.name", &d).as_deref(),
        Some("<Name contains a pointer that loops>")
    );
    // A pointer to itself.
    let mut m = hex("abcd01000001000000000000");
    m.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let (p, _) = dissect_msg(&m);
    assert!(has_expert(&p, "does not point backwards"));
}

#[test]
fn forward_pointer_is_rejected() {
    let mut m = hex("abcd01000001000000000000");
    m.extend_from_slice(&[0xc0, 20, 0, 1, 0, 1, 0, 0, 1, b'a', 0]);
    let (p, _) = dissect_msg(&m);
    assert!(has_expert(&p, "does not point backwards"));
}

#[test]
fn deep_backward_pointer_chain_is_followed() {
    // malformed/dns_max_compression_depth frame 1: answers whose names are chains of pointers.
    let (p, d) = dissect(MAX_COMPRESSION_DEPTH);
    assert_eq!(v(&p, &d, "dns.a").len(), 7);
    assert!(p
        .summary
        .info
        .starts_with("Standard query response 0x1234 A a A 127.0.0.1"));
}

#[test]
fn bad_label_type_and_overlong_name() {
    let mut m = hex("abcd01000001000000000000");
    m.extend_from_slice(&[0x41, b'a', 0, 0, 1, 0, 1]);
    let (p, _) = dissect_msg(&m);
    assert!(has_expert(&p, "unknown label type"));
    let mut m = hex("abcd01000001000000000000");
    for _ in 0..5 {
        m.push(63);
        m.extend_from_slice(&[b'x'; 63]);
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]);
    let (p, d) = dissect_msg(&m);
    assert!(has_expert(&p, "longer than 255 octets"));
    assert_eq!(
        value(&p, "dns.qry.name", &d).as_deref(),
        Some("<Name too long>")
    );
}

#[test]
fn record_data_shorter_than_its_type_needs() {
    // An MX answer whose data is one byte long: the preference cannot be read.
    let mut m = hex("abcd81800000000100000000");
    m.extend_from_slice(&[0, 0, 15, 0, 1, 0, 0, 0, 60, 0, 1, 7]);
    let (p, d) = dissect_msg(&m);
    assert_eq!(value(&p, "dns.resp.type", &d).as_deref(), Some("15"));
    assert!(has_expert(&p, "DNS record data is malformed"));
}

#[test]
fn huge_counts_end_at_the_message_end() {
    let m = hex("abcd8180ffffffffffffffff");
    let (p, _) = dissect_msg(&m);
    assert!(p.layers.last().is_some_and(|l| l.malformed));
}

#[test]
fn every_truncation_of_real_messages_is_safe() {
    for h in [
        MX_RESPONSE_MX,
        TXT_RESPONSE,
        DNSKEY_RESPONSE,
        NSEC3_RESPONSE,
        EDNS_CHAIN_DHU_PADDING_NSID,
    ] {
        let full = frame(h);
        let msg = &full[ETH_IPV4_UDP..];
        for cut in 0..msg.len() {
            let (p, _) = dissect_msg(&msg[..cut]);
            if cut > 0 && cut < msg.len() {
                assert!(p.layers.last().is_some_and(|l| l.malformed), "cut {cut}");
            }
        }
    }
}

// ---- differential test against hickory-proto ----

/// The shared fields of one message as hickory-proto reads it.
fn hickory_view(msg: &[u8]) -> Vec<(String, String)> {
    use hickory_proto::op::{Message, MessageType};
    use hickory_proto::rr::RData;
    let m = Message::from_vec(msg).expect("hickory parses the message");
    let md = &m.metadata;
    let b = |x: bool| if x { "1" } else { "0" }.to_string();
    let mut out = vec![
        ("dns.id".into(), format!("0x{:04x}", md.id)),
        (
            "dns.flags.response".into(),
            b(md.message_type == MessageType::Response),
        ),
        ("dns.flags.truncated".into(), b(md.truncation)),
        ("dns.flags.recdesired".into(), b(md.recursion_desired)),
        ("dns.flags.checkdisable".into(), b(md.checking_disabled)),
    ];
    if md.message_type == MessageType::Response {
        out.push(("dns.flags.authoritative".into(), b(md.authoritative)));
        out.push(("dns.flags.recavail".into(), b(md.recursion_available)));
        out.push(("dns.flags.authenticated".into(), b(md.authentic_data)));
        out.push((
            "dns.flags.rcode".into(),
            (u16::from(md.response_code) & 0xf).to_string(),
        ));
    }
    let name = |n: &hickory_proto::rr::Name| n.to_string().trim_end_matches('.').to_string();
    for q in &m.queries {
        out.push(("dns.qry.name".into(), name(q.name())));
        out.push(("dns.qry.type".into(), u16::from(q.query_type()).to_string()));
    }
    for r in m.answers.iter().chain(&m.authorities) {
        out.push(("dns.resp.name".into(), name(&r.name)));
        out.push((
            "dns.resp.type".into(),
            u16::from(r.record_type()).to_string(),
        ));
        out.push(("dns.resp.ttl".into(), r.ttl.to_string()));
        match &r.data {
            RData::A(a) => out.push(("dns.a".into(), a.0.to_string())),
            RData::AAAA(a) => out.push(("dns.aaaa".into(), a.0.to_string())),
            RData::CNAME(c) => out.push(("dns.cname".into(), name(&c.0))),
            RData::MX(mx) => {
                out.push(("dns.mx.preference".into(), mx.preference.to_string()));
                out.push(("dns.mx.mail_exchange".into(), name(&mx.exchange)));
            }
            RData::TXT(t) => {
                for s in t.txt_data.iter() {
                    out.push(("dns.txt".into(), String::from_utf8_lossy(s).into_owned()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The same fields as wirelens shows them, leaving out the Additional records
/// section (hickory keeps EDNS apart from the records it parses).
fn our_view(p: &Packet, d: &[u8], wanted: &[(String, String)]) -> Vec<(String, String)> {
    let names: std::collections::HashSet<&str> = wanted.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = Vec::new();
    let mut skip_below: Option<u8> = None;
    for f in p
        .fields
        .iter()
        .filter(|f| f.def.protocol() == "dns" || f.def.name.starts_with("dns_"))
    {
        if skip_below.is_some_and(|depth| f.depth > depth) {
            continue;
        }
        skip_below = None;
        if f.def.name == "dns_additionals" {
            skip_below = Some(f.depth);
            continue;
        }
        if names.contains(f.def.name) {
            let mut s = String::new();
            crate::model::render_value(&mut s, f.def, &f.value, f.span, d);
            out.push((f.def.name.to_string(), s));
        }
    }
    out
}

/// Both views sorted by field name, each field's values kept in message order.
fn grouped(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn agrees_with_hickory_proto_on_corpus_messages() {
    let cases: &[(CorpusFrame, LinkType, usize)] = &[
        (MX_QUERY_A, LinkType::ETHERNET, ETH_IPV4_UDP),
        (MX_RESPONSE_A, LinkType::ETHERNET, ETH_IPV4_UDP),
        (MX_RESPONSE_AAAA, LinkType::ETHERNET, ETH_IPV4_UDP),
        (MX_RESPONSE_MX, LinkType::ETHERNET, ETH_IPV4_UDP),
        (TXT_QUERY, LinkType::ETHERNET, ETH_IPV4_UDP),
        (TXT_RESPONSE, LinkType::ETHERNET, ETH_IPV4_UDP),
        (SOA_RESPONSE, LinkType::ETHERNET, ETH_IPV4_UDP),
        (CNAME_ADDITIONALS_IPV4, LinkType::IPV4, 20 + 8),
        (CORRUPT_RESPONSE, LinkType::ETHERNET, ETH_IPV4_UDP),
    ];
    for (i, &(h, link, at)) in cases.iter().enumerate() {
        let bytes = frame(h);
        let theirs = hickory_view(&bytes[at..]);
        let mut d = Dissector::new(Prefs::default());
        let meta = FrameMeta::new(1, Timestamp::new(0, 0), bytes.len() as u32, link);
        let mut p = Packet::new(true);
        d.dissect(&meta, &bytes, &mut p);
        let ours = our_view(&p, &bytes, &theirs);
        assert_eq!(grouped(ours), grouped(theirs), "case {i}");
    }
}

proptest::proptest! {
    /// Arbitrary bytes after a plausible header never panic, in either speed.
    #[test]
    fn arbitrary_messages_never_panic(
        counts in proptest::collection::vec(0u8..4, 4),
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        response in proptest::bool::ANY,
    ) {
        let mut m = vec![0x12, 0x34, if response { 0x81 } else { 0x01 }, 0x00];
        for c in counts {
            m.extend_from_slice(&[0, c]);
        }
        m.extend_from_slice(&body);
        let f = wrap(&m, 40000, 53);
        let _ = dissect_frame_for_test(LinkType::ETHERNET, &f);
        let _ = dissect_frame_fast(LinkType::ETHERNET, &f);
    }
}

#[test]
fn txt_bytes_as_tshark_reads_them() {
    // Checked with tshark 4.0: "a\x01\xffb\t" shows as "a\u0001\u{fffd}b\t".
    let mut m = hex("abcd81800000000100000000");
    m.extend_from_slice(&[0, 0, 16, 0, 1, 0, 0, 0, 60, 0, 6, 5, b'a', 1, 0xff, b'b', 9]);
    let (p, d) = dissect_msg(&m);
    assert_eq!(
        value(&p, "dns.txt", &d).as_deref(),
        Some("a\u{1}\u{fffd}b\t")
    );
}

/// A response built by hand (not in the corpus) with one record of each type the corpus
/// lacks: HTTPS, SVCB, CAA (issue, iodef), NAPTR, LOC, TLSA, NSEC3PARAM, PTR, an unknown
/// type (65280) and HINFO. Expected values are what `tshark -r types.pcap -T json` (tshark
/// 4.0.17) printed for it; wirelens's JSON had the same tree, key for key.
const CRAFTED_TYPES: &str = concat!(
    "00000000000000000000000008004500025800000000401100000a0000010a00000200359c4002440000424281800001",
    "000b00000000076578616d706c6503636f6d0000410001076578616d706c6503636f6d00004100010000012c00480001",
    "000000000400010003000100060268320268330003000201bb00040008010203040506070800050002abcd0006001000",
    "0102030405060708090a0b0c0d0e0f0007000378797a045f646e73076578616d706c6503636f6d00004000010000012c",
    "001b000103646e73076578616d706c6503636f6d000001000403646f74076578616d706c6503636f6d00010100010000",
    "012c0016800569737375656c657473656e63727970742e6f7267076578616d706c6503636f6d00010100010000012c00",
    "130005696f6465666d61696c746f3a6140622e63076578616d706c6503636f6d00002300010000012c00260064000a01",
    "53075349502b44325500045f736970045f756470076578616d706c6503636f6d00076578616d706c6503636f6d00001d",
    "00010000012c0010001216138b3f2a407d1a5cc000989680045f343433045f746370076578616d706c6503636f6d0000",
    "3400010000012c0023030101000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f07657861",
    "6d706c6503636f6d00003300010000012c00090100000a04aabbccdd013401330132013107696e2d6164647204617270",
    "6100000c00010000012c001204686f7374076578616d706c6503636f6d00076578616d706c6503636f6d00ff00000100",
    "00012c0003010203076578616d706c6503636f6d00000d00010000012c000703435055024f53",
);

#[test]
fn record_types_without_corpus_examples_match_tshark() {
    let d = hex(CRAFTED_TYPES);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &d);
    let all = |n: &str| v(&p, &d, n).join(" ");
    assert_eq!(all("dns.svcb.svcparam.key"), "0 1 3 4 5 6 7 1");
    assert_eq!(all("dns.svcb.svcparam.alpn"), "h2 h3 dot");
    assert_eq!(all("dns.svcb.svcparam.port"), "443");
    assert_eq!(all("dns.svcb.svcparam.ipv4hint.ip"), "1.2.3.4 5.6.7.8");
    assert_eq!(
        all("dns.svcb.svcparam.ipv6hint.ip"),
        "1:203:405:607:809:a0b:c0d:e0f"
    );
    assert_eq!(all("dns.svcb.svcparam.mandatory.key"), "1 3");
    assert_eq!(all("dns.svcb.targetname"), "<Root> dns.example.com");
    assert_eq!(all("dns.caa.issue"), "letsencrypt.org");
    assert_eq!(all("dns.caa.iodef"), "mailto:a@b.c");
    assert_eq!(all("dns.loc.latitude"), "2336172608");
    assert_eq!(all("dns.tlsa.certificate_usage"), "3");
    assert_eq!(all("dns.nsec3.salt_value"), "aa:bb:cc:dd");
    assert_eq!(all("dns.ptr.domain_name"), "host.example.com");
    assert_eq!(all("dns.data"), "01:02:03");
    assert_eq!(all("dns.hinfo.os"), "OS");
    assert!(has_expert(
        &p,
        "Dissector for DNS Type (65280) code not implemented"
    ));
    assert_eq!(
        p.summary.info,
        "Standard query response 0x4242 HTTPS example.com HTTPS SVCB CAA CAA NAPTR 100 10 S LOC \
         TLSA _443._tcp.example.com NSEC3PARAM example.com PTR host.example.com Unknown (65280) \
         HINFO CPU OS"
    );
    let l = labels(&p);
    assert!(
        l.contains(&"example.com: type NAPTR, class IN, order 100, preference 10, flags S".into())
    );
    assert!(l.contains(&"4.3.2.1.in-addr.arpa: type PTR, class IN, host.example.com".into()));
    assert!(l.contains(&"example.com: type Unknown (65280), class IN".into()));
}

/// dns/dns_tcp.pcap frame 4: a query over TCP, the whole message in one segment.
const TCP_QUERY: CorpusFrame = CorpusFrame::new("dns/dns_tcp.pcap", 4);

#[test]
fn tcp_message_with_length_prefix() {
    // What stream reassembly will hand over: the payload after Ethernet, IPv4 and TCP.
    let bytes = frame(TCP_QUERY);
    let at = 14 + 20 + 20;
    let meta = FrameMeta::new(
        4,
        Timestamp::new(0, 0),
        bytes.len() as u32,
        LinkType::ETHERNET,
    );
    let mut pkt = Packet::new(true);
    let mut state = crate::flow::State::default();
    let prefs = Prefs::default();
    let mut cx = crate::dissector::Cx {
        tcp: None,
        data: &bytes,
        frame: &bytes,
        pkt: &mut pkt,
        state: &mut state,
        prefs: &prefs,
        meta: &meta,
        nesting: 0,
        ip: None,
        in_icmp_error: false,
    };
    dissect_tcp_message(&mut cx, at, &bytes[at..]);
    assert_eq!(chain(&pkt), "dns");
    // As tshark shows this frame: the length first, then the message.
    assert_eq!(value(&pkt, "dns.length", &bytes).as_deref(), Some("56"));
    assert_eq!(value(&pkt, "dns.id", &bytes).as_deref(), Some("0x4319"));
    assert_eq!(pkt.fields[0].def.name, "dns.length");
    assert_eq!(
        pkt.summary.info,
        "Standard query 0x4319 A www.tcpdump.org OPT"
    );
    assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    // A prefix alone is malformed.
    let mut pkt = Packet::new(true);
    let mut cx = crate::dissector::Cx {
        tcp: None,
        data: &bytes,
        frame: &bytes,
        pkt: &mut pkt,
        state: &mut state,
        prefs: &prefs,
        meta: &meta,
        nesting: 0,
        ip: None,
        in_icmp_error: false,
    };
    dissect_tcp_message(&mut cx, at, &bytes[at..at + 1]);
    assert!(has_expert(&pkt, "length prefix cut short"));
}

/// Found by the `dns` fuzz target (crash-d00c9036902937d6fe4f57edad0c13b930feff0a,
/// the fuzz input: a selector byte, then the message over UDP port 53): an
/// NSEC3 type bitmap of 160 bytes in window 255 named types past 65535 and
/// overflowed the 16-bit type computation.
#[test]
fn nsec3_bitmap_longer_than_32_bytes_does_not_overflow() {
    let input = crate::testutil::hex(
        "
            00ba7386000001000001040000076e6574666c697803fa6f6d00002b00012043
            4b30504f4a4d473837344c4a5245463745464e38383630515649543842534dc0
            1400320001000151740080002301010000ff746501a0c25720ee156f6c4e3963
            6b3ada0312d92a00072200009e06001000000100f90000010366673108776562
            65726c2e620264010051805b84d3c25b7b88dab58b07636f6d003c00651e5f27
            1230220e3924d8178e164f06c5fa99e7a09a17719c7e21b0d4403569707dc00c
            002e000100005460009c00050803000054600472697065036e6505008000000f
            0008000b0f000236002040000004001f0b00000000740034173019742f0e1e72
            21eba016821d7e54ff726c640ceb
        ",
    );
    crate::fuzz::dns(&input);
    let (pkt, data) = dissect_msg(&input[1..]);
    assert!(!v(&pkt, &data, "dns.resp.type").is_empty());
}
