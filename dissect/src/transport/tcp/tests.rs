//! TCP dissector tests: real segments read from the shared corpus (file and frame
//! named on each), compared with what tshark 4.0 shows for them, and hand-made
//! edge cases (truncation at every header boundary, bad lengths, option loops).

use super::testing::{has_expert, value, values, Seg, Session};
use super::*;
use crate::model::Severity;
use crate::testutil::CorpusFrame;
use std::sync::LazyLock;

/// Where the TCP header starts in a frame of Ethernet and IPv4 without options.
const ETH_IPV4: usize = 14 + 20;
/// Where the TCP header starts in a raw IPv4 frame (IPv4 without options).
const RAW_IPV4: usize = 20;

/// The TCP segment (header and payload) of a corpus frame: the frame from
/// `tcp_at`, where its link and IPv4 headers end, to its end.
fn segment(file: &'static str, number: usize, tcp_at: usize) -> Vec<u8> {
    CorpusFrame::new(file, number).bytes()[tcp_at..].to_vec()
}

// mixed/http_get.pcap frames 1-4: 141.142.228.5:59856 <-> 192.150.187.43:80, the
// handshake and the GET.
const CLIENT: [u8; 4] = [141, 142, 228, 5];
const SERVER: [u8; 4] = [192, 150, 187, 43];
static GET_SYN: LazyLock<Vec<u8>> = LazyLock::new(|| segment("mixed/http_get.pcap", 1, ETH_IPV4));
static GET_SYNACK: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("mixed/http_get.pcap", 2, ETH_IPV4));
static GET_ACK: LazyLock<Vec<u8>> = LazyLock::new(|| segment("mixed/http_get.pcap", 3, ETH_IPV4));
static GET_REQUEST: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("mixed/http_get.pcap", 4, ETH_IPV4));

fn tcp(s: &mut Session, seg: Seg<'_>) -> Packet {
    s.run(seg, dissect)
}

fn syn(s: &mut Session) -> Packet {
    tcp(s, Seg::new(CLIENT, SERVER, (1362692526, 869344), &GET_SYN))
}

fn v(p: &Packet, data: &[u8], name: &str) -> String {
    value(p, data, name).unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn syn_fields_and_info_match_tshark() {
    let mut s = Session::tshark();
    let p = syn(&mut s);
    let d = &GET_SYN;
    assert_eq!(values(&p, d, "tcp.port"), ["59856", "80"]);
    assert_eq!(v(&p, d, "tcp.stream"), "0");
    assert_eq!(v(&p, d, "tcp.completeness"), "0");
    assert_eq!(v(&p, d, "tcp.len"), "0");
    assert_eq!(v(&p, d, "tcp.seq"), "0");
    assert_eq!(v(&p, d, "tcp.seq_raw"), "4263588410");
    assert_eq!(v(&p, d, "tcp.nxtseq"), "1");
    assert_eq!(v(&p, d, "tcp.ack"), "0");
    assert_eq!(v(&p, d, "tcp.hdr_len"), "44");
    assert_eq!(v(&p, d, "tcp.flags"), "0x0002");
    assert_eq!(v(&p, d, "tcp.flags.syn"), "1");
    assert_eq!(v(&p, d, "tcp.flags.str"), "\u{b7}".repeat(10) + "S\u{b7}");
    assert_eq!(v(&p, d, "tcp.window_size"), "65535");
    // SYNs are never scaled, and show no scale factor.
    assert_eq!(value(&p, d, "tcp.window_size_scalefactor"), None);
    assert_eq!(v(&p, d, "tcp.checksum"), "0x3bc0");
    assert_eq!(v(&p, d, "tcp.checksum.status"), "2");
    assert_eq!(v(&p, d, "tcp.options.mss_val"), "1460");
    assert_eq!(v(&p, d, "tcp.options.wscale.shift"), "4");
    assert_eq!(v(&p, d, "tcp.options.wscale.multiplier"), "16");
    assert_eq!(v(&p, d, "tcp.options.timestamp.tsval"), "374005024");
    // The two zero bytes after the SACK-permitted option are both EOLs.
    assert_eq!(values(&p, d, "tcp.options.eol").len(), 2);
    assert_eq!(values(&p, d, "tcp.options.nop").len(), 3);
    assert_eq!(v(&p, d, "tcp.time_relative"), "0.000000000");
    assert!(p.find("tcp.analysis").is_none());
    assert_eq!(
        p.summary.info,
        "59856 \u{2192} 80 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=16 TSval=374005024 TSecr=0 SACK_PERM"
    );
    assert_eq!(p.summary.protocol, "TCP");
    assert!(has_expert(
        &p,
        "Connection establish request (SYN): server port 80"
    ));
    assert!(!p.is_malformed());
}

#[test]
fn handshake_and_request_follow_the_connection() {
    let mut s = Session::tshark();
    syn(&mut s);
    let p = tcp(
        &mut s,
        Seg::new(SERVER, CLIENT, (1362692526, 939084), &GET_SYNACK),
    );
    let d = &GET_SYNACK;
    assert_eq!(v(&p, d, "tcp.stream"), "0");
    assert_eq!(v(&p, d, "tcp.completeness"), "1");
    assert_eq!(v(&p, d, "tcp.seq"), "0");
    assert_eq!(v(&p, d, "tcp.ack"), "1");
    assert_eq!(v(&p, d, "tcp.ack_raw"), "4263588411");
    assert_eq!(v(&p, d, "tcp.analysis.acks_frame"), "1");
    assert_eq!(v(&p, d, "tcp.analysis.ack_rtt"), "0.069740000");
    assert_eq!(v(&p, d, "tcp.time_delta"), "0.069740000");

    let p = tcp(
        &mut s,
        Seg::new(CLIENT, SERVER, (1362692526, 939378), &GET_ACK),
    );
    let d = &GET_ACK;
    assert_eq!(v(&p, d, "tcp.completeness"), "3");
    assert_eq!(v(&p, d, "tcp.seq"), "1");
    assert_eq!(v(&p, d, "tcp.ack"), "1");
    // Both SYNs carried the window scale option: 8235 << 4.
    assert_eq!(v(&p, d, "tcp.window_size_value"), "8235");
    assert_eq!(v(&p, d, "tcp.window_size"), "131760");
    assert_eq!(v(&p, d, "tcp.window_size_scalefactor"), "16");
    assert_eq!(v(&p, d, "tcp.analysis.acks_frame"), "2");
    assert_eq!(v(&p, d, "tcp.analysis.ack_rtt"), "0.000294000");
    assert_eq!(v(&p, d, "tcp.analysis.initial_rtt"), "0.070034000");
    assert_eq!(
        p.summary.info,
        "59856 \u{2192} 80 [ACK] Seq=1 Ack=1 Win=131760 Len=0 TSval=374005094 TSecr=797524569"
    );

    let p = tcp(
        &mut s,
        Seg::new(CLIENT, SERVER, (1362692526, 939527), &GET_REQUEST),
    );
    let d = &GET_REQUEST;
    assert_eq!(v(&p, d, "tcp.completeness"), "7");
    assert_eq!(v(&p, d, "tcp.len"), "136");
    assert_eq!(v(&p, d, "tcp.nxtseq"), "137");
    assert_eq!(v(&p, d, "tcp.analysis.bytes_in_flight"), "136");
    assert_eq!(v(&p, d, "tcp.analysis.push_bytes_sent"), "136");
    assert_eq!(v(&p, d, "tcp.payload").len(), 136 * 3 - 1);
    assert_eq!(v(&p, d, "tcp.time_relative"), "0.070183000");
}

#[test]
fn checksum_is_verified_when_asked() {
    let mut s = Session::verifying();
    let p = syn(&mut s);
    assert_eq!(v(&p, &GET_SYN, "tcp.checksum.status"), "1");
    assert_eq!(v(&p, &GET_SYN, "tcp.checksum_calculated"), "0x3bc0");

    let mut bad = GET_SYN.to_vec();
    bad[17] ^= 0x01;
    let p = tcp(
        &mut Session::verifying(),
        Seg::new(CLIENT, SERVER, (1, 0), &bad),
    );
    assert_eq!(v(&p, &bad, "tcp.checksum.status"), "0");
    assert_eq!(v(&p, &bad, "tcp.checksum_calculated"), "0x3bc0");
    assert!(p
        .summary
        .info
        .contains(" Win=65535 [TCP CHECKSUM INCORRECT] Len=0"));
    assert!(p
        .experts
        .iter()
        .any(|e| e.severity == Severity::Error && e.group == Group::Checksum));
}

#[test]
fn offloaded_checksum_is_a_note_not_an_error() {
    let src = Address::Ipv4(CLIENT);
    let dst = Address::Ipv4(SERVER);
    let pseudo = checksum::pseudo_header(&src, &dst, 6, GET_SYN.len() as u32).expect("IPv4");
    let mut seg = GET_SYN.to_vec();
    // What a sender leaves for its NIC to finish: the folded pseudo-header sum.
    let partial = !checksum::finish(pseudo);
    seg[16..18].copy_from_slice(&partial.to_be_bytes());
    let p = tcp(
        &mut Session::verifying(),
        Seg::new(CLIENT, SERVER, (1, 0), &seg),
    );
    assert_eq!(v(&p, &seg, "tcp.checksum.status"), "2");
    assert!(has_expert(&p, "likely offloaded"));
    assert!(p.experts.iter().all(|e| e.severity != Severity::Error));
}

#[test]
fn syn_with_a_new_isn_on_the_same_ports_is_a_new_stream() {
    let mut s = Session::tshark();
    syn(&mut s);
    let mut again = GET_SYN.to_vec();
    again[7] ^= 0xff;
    let p = tcp(&mut s, Seg::new(CLIENT, SERVER, (1362692530, 0), &again));
    assert_eq!(v(&p, &again, "tcp.stream"), "1");
    assert_eq!(v(&p, &again, "tcp.completeness"), "1");
    assert!(p.summary.info.starts_with("[TCP Port numbers reused] "));
    // The other direction starts a stream of its own only with its own ports.
    let p = tcp(
        &mut s,
        Seg::new(SERVER, CLIENT, (1362692530, 1), &GET_SYNACK),
    );
    assert_eq!(v(&p, &GET_SYNACK, "tcp.stream"), "1");
}

#[test]
fn retransmitted_data_is_flagged() {
    let mut s = Session::tshark();
    syn(&mut s);
    tcp(
        &mut s,
        Seg::new(SERVER, CLIENT, (1362692526, 939084), &GET_SYNACK),
    );
    tcp(
        &mut s,
        Seg::new(CLIENT, SERVER, (1362692526, 939378), &GET_ACK),
    );
    tcp(
        &mut s,
        Seg::new(CLIENT, SERVER, (1362692526, 939527), &GET_REQUEST),
    );
    let p = tcp(
        &mut s,
        Seg::new(CLIENT, SERVER, (1362692527, 500000), &GET_REQUEST),
    );
    assert!(p.summary.info.starts_with("[TCP Retransmission] 59856"));
    assert_eq!(v(&p, &GET_REQUEST, "tcp.analysis.rto_frame"), "4");
    assert!(has_expert(&p, "(suspected) retransmission"));
}

// tcp/tcp_fast_open.pcap frames 1 and 2: a SYN asking for a Fast Open cookie in the
// experimental option, and the SYN-ACK carrying one.
static TFO_SYN: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_fast_open.pcap", 1, ETH_IPV4));
static TFO_SYNACK: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_fast_open.pcap", 2, ETH_IPV4));

#[test]
fn fast_open_in_the_experimental_option() {
    let mut s = Session::tshark();
    let (a, b) = ([10, 99, 99, 1], [10, 99, 99, 45]);
    let p = tcp(&mut s, Seg::new(a, b, (1402321033, 739117), &TFO_SYN));
    assert_eq!(v(&p, &TFO_SYN, "tcp.options.experimental"), "fe:04:f9:89");
    assert_eq!(v(&p, &TFO_SYN, "tcp.options.experimental.exid"), "0xf989");
    assert_eq!(v(&p, &TFO_SYN, "tcp.options.tfo.request"), "");
    assert!(p.summary.info.ends_with(" WS=128 TFO=R"));
    let p = tcp(&mut s, Seg::new(b, a, (1402321033, 739719), &TFO_SYNACK));
    assert_eq!(
        v(&p, &TFO_SYNACK, "tcp.options.tfo.cookie"),
        "26:1f:b0:60:ce:ca:b6:90"
    );
    assert_eq!(
        v(&p, &TFO_SYNACK, "tcp.options.timestamp.tsval"),
        "4294965494"
    );
}

// tcp/tcp_keepalive_empty_sack_rawip.pcap frame 24: a SACK option with no blocks.
// tshark counts 0 blocks, then fails reading the D-SACK edges past the option.
static EMPTY_SACK: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_keepalive_empty_sack_rawip.pcap", 24, RAW_IPV4));

#[test]
fn empty_sack_option_is_malformed_after_its_count() {
    let p = tcp(
        &mut Session::tshark(),
        Seg::new(
            [17, 173, 66, 179],
            [192, 168, 0, 54],
            (1571309125, 547150),
            &EMPTY_SACK,
        ),
    );
    assert_eq!(v(&p, &EMPTY_SACK, "tcp.options.sack.count"), "0");
    assert_eq!(value(&p, &EMPTY_SACK, "tcp.options.sack.dsack_le"), None);
    assert!(p.is_malformed());
    // What came before stays, and the conversation times are still shown.
    assert_eq!(v(&p, &EMPTY_SACK, "tcp.window_size_value"), "65375");
    assert!(p.find("tcp.time_delta").is_some());
    assert!(p.find("tcp.analysis").is_none());
}

// tcp/tcp_window_scale.pcap frame 1: a SYN announcing window shift 255.
static WSCALE_255: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_window_scale.pcap", 1, ETH_IPV4));

#[test]
fn window_shift_over_14_is_used_as_14() {
    let p = tcp(
        &mut Session::tshark(),
        Seg::new([10, 0, 0, 1], [10, 0, 0, 2], (1700000000, 0), &WSCALE_255),
    );
    assert_eq!(v(&p, &WSCALE_255, "tcp.options.wscale.shift"), "255");
    assert_eq!(v(&p, &WSCALE_255, "tcp.options.wscale.multiplier"), "16384");
    assert!(has_expert(&p, "Window scale shift exceeds 14"));
}

// tcp/tcp_rst_data.pcap frame 1: a RST whose payload explains the reset.
static RST_DATA: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_rst_data.pcap", 1, ETH_IPV4));

#[test]
fn rst_payload_is_the_reset_cause() {
    let p = tcp(
        &mut Session::tshark(),
        Seg::new(
            [199, 204, 31, 89],
            [172, 16, 133, 41],
            (1361916199, 190965),
            &RST_DATA,
        ),
    );
    assert_eq!(
        v(&p, &RST_DATA, "tcp.reset_cause"),
        "BIG-IP: [0x11c5672:3045] {peer} TCP RST from remote system"
    );
    assert_eq!(value(&p, &RST_DATA, "tcp.payload"), None);
    // No SYN seen: numbers start at 1, scaling unknown.
    assert_eq!(v(&p, &RST_DATA, "tcp.seq"), "1");
    assert_eq!(v(&p, &RST_DATA, "tcp.window_size_scalefactor"), "-1");
    assert_eq!(v(&p, &RST_DATA, "tcp.analysis.bytes_in_flight"), "58");
}

// tcp/tcp_option_sack.pcap frame 1: a SYN carrying a SACK block and no MSS.
static SYN_SACK: LazyLock<Vec<u8>> =
    LazyLock::new(|| segment("tcp/tcp_option_sack.pcap", 1, ETH_IPV4));

#[test]
fn sack_blocks_and_missing_mss() {
    let lo = [127, 0, 0, 1];
    let p = tcp(
        &mut Session::tshark(),
        Seg::new(lo, lo, (1570152237, 968859), &SYN_SACK),
    );
    assert_eq!(v(&p, &SYN_SACK, "tcp.options.sack_le"), "1");
    assert_eq!(v(&p, &SYN_SACK, "tcp.options.sack_re"), "16");
    assert_eq!(v(&p, &SYN_SACK, "tcp.options.sack.count"), "1");
    assert!(p.summary.info.ends_with(" SLE=1 SRE=16"));
    assert!(has_expert(&p, "does not contain a MSS option"));
}

#[test]
fn truncation_at_every_boundary_keeps_what_was_decoded() {
    for cut in 0..GET_SYN.len() {
        let bytes = &GET_SYN[..cut];
        let mut seg = Seg::new(CLIENT, SERVER, (1, 0), bytes);
        seg.wire_len = Some(GET_SYN.len());
        let p = tcp(&mut Session::tshark(), seg);
        assert!(p.is_malformed(), "cut at {cut} is not malformed");
        assert_eq!(p.find("tcp.srcport").is_some(), cut >= 4, "cut {cut}");
        assert_eq!(p.find("tcp.stream").is_some(), cut >= 16, "cut {cut}");
        if cut >= 16 {
            // The length comes from what was on the wire.
            assert_eq!(v(&p, bytes, "tcp.len"), "0", "cut {cut}");
        }
        if cut >= 18 {
            assert_eq!(v(&p, bytes, "tcp.checksum.status"), "2", "cut {cut}");
        }
        assert_eq!(
            p.find("tcp.urgent_pointer").is_some(),
            cut >= 20,
            "cut {cut}"
        );
        if cut >= 24 {
            assert_eq!(v(&p, bytes, "tcp.options.mss_val"), "1460", "cut {cut}");
        }
    }
    let p = tcp(
        &mut Session::tshark(),
        Seg::new(CLIENT, SERVER, (1, 0), &GET_SYN),
    );
    assert!(!p.is_malformed());
}

/// A bare ACK from 10.0.0.1:1000 to 10.0.0.2:80 with the given data offset and options.
fn with_options(data_offset_words: u8, opts: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x03,
        0xe8,
        0x00,
        0x50,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        1,
        data_offset_words << 4,
        0x10,
        0x10,
        0x00,
        0,
        0,
        0,
        0,
    ];
    v.extend_from_slice(opts);
    v
}

fn run(bytes: &[u8]) -> Packet {
    tcp(
        &mut Session::tshark(),
        Seg::new([10, 0, 0, 1], [10, 0, 0, 2], (1, 0), bytes),
    )
}

#[test]
fn header_length_below_20_is_bogus() {
    let seg = with_options(4, &[]);
    let p = run(&seg);
    assert_eq!(v(&p, &seg, "tcp.hdr_len"), "16");
    assert!(has_expert(
        &p,
        "Bogus TCP header length (16, must be at least 20)"
    ));
    assert!(p
        .summary
        .info
        .ends_with(", bogus TCP header length (16, must be at least 20)"));
    assert!(p.find("tcp.flags").is_none());
}

#[test]
fn option_lengths_that_cannot_be_right_end_the_loop() {
    // Zero length: the loop stops at the bad option, nothing after it is read.
    let seg = with_options(7, &[0x01, 0x0f, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01]);
    let p = run(&seg);
    assert!(has_expert(
        &p,
        "Unknown (0x0f) (with too-short option length = 0 bytes)"
    ));
    assert_eq!(values(&p, &seg, "tcp.options.nop").len(), 1);
    assert!(!p.is_malformed());
    // Length 1.
    let seg = with_options(6, &[0x13, 0x01, 0x01, 0x01]);
    assert!(has_expert(
        &run(&seg),
        "TCP MD5 signature (with too-short option length = 1 byte)"
    ));
    // Past the end of the options area.
    let seg = with_options(6, &[0x02, 0x08, 0x05, 0xb4]);
    assert!(has_expert(
        &run(&seg),
        "MSS (option length = 8 bytes says option goes past end of options)"
    ));
    // The kind is the last byte: no room for its length.
    let seg = with_options(6, &[0x01, 0x01, 0x01, 0x02]);
    assert!(has_expert(
        &run(&seg),
        "MSS (length byte past end of options)"
    ));
    // A known option with the wrong fixed length: noted, its value not read.
    let seg = with_options(6, &[0x02, 0x03, 0x05, 0x01]);
    let p = run(&seg);
    assert!(has_expert(&p, "option length should be 4"));
    assert!(p.find("tcp.options.mss_val").is_none());
}

#[test]
fn four_nops_in_a_word_and_nonzero_padding_are_noted() {
    let seg = with_options(7, &[0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x07, 0x00]);
    let p = run(&seg);
    assert!(has_expert(&p, "4 NOP in a row"));
    assert_eq!(values(&p, &seg, "tcp.options.eol").len(), 2);
    assert!(has_expert(&p, "Non-zero header padding"));
}

#[test]
fn options_past_the_capture_are_short() {
    // The header says 8 option bytes; the capture has 3.
    let seg = with_options(7, &[0x02, 0x04, 0x05]);
    let mut s = Seg::new([10, 0, 0, 1], [10, 0, 0, 2], (1, 0), &seg);
    s.wire_len = Some(seg.len() + 5);
    let p = tcp(&mut Session::tshark(), s);
    assert!(p.is_malformed());
    assert_eq!(v(&p, &seg, "tcp.options"), "02:04:05");
    assert_eq!(v(&p, &seg, "tcp.option_kind"), "2");
    assert!(p.find("tcp.options.mss_val").is_none());
}

#[test]
fn segment_quoted_in_an_icmp_error() {
    let mut s = Session::tshark();
    syn(&mut s);
    // Only the first 8 bytes quoted: ports and the raw sequence number.
    let mut seg = Seg::new(CLIENT, SERVER, (1362692527, 0), &GET_ACK[..8]);
    seg.in_icmp_error = true;
    let p = tcp(&mut s, seg);
    assert_eq!(v(&p, &GET_ACK[..8], "tcp.seq"), "4263588411");
    assert!(p.is_malformed());
    // The whole header quoted: numbers stay raw, no length, same conversation.
    let mut seg = Seg::new(CLIENT, SERVER, (1362692527, 0), &GET_ACK);
    seg.in_icmp_error = true;
    let p = tcp(&mut s, seg);
    assert_eq!(v(&p, &GET_ACK, "tcp.stream"), "0");
    assert_eq!(v(&p, &GET_ACK, "tcp.seq"), "4263588411");
    assert_eq!(value(&p, &GET_ACK, "tcp.seq_raw"), None);
    assert_eq!(value(&p, &GET_ACK, "tcp.len"), None);
    assert_eq!(v(&p, &GET_ACK, "tcp.ack"), "2779762239");
}

fn flags_text(flags: u16) -> String {
    FlagNames(flags).to_string()
}

#[test]
fn flags_strings() {
    assert_eq!(flags_text(th::SYN | th::ACK), "SYN, ACK");
    assert_eq!(flags_text(th::FIN | th::PUSH | th::ACK), "FIN, PSH, ACK");
    assert_eq!(flags_text(0x0c30), "ACK, URG, Reserved");
    assert_eq!(flags_text(0), "<None>");
    assert_eq!(
        flags_letters(0x0c30),
        "RR\u{b7}\u{b7}\u{b7}\u{b7}UA\u{b7}\u{b7}\u{b7}\u{b7}"
    );
    assert_eq!(
        flags_letters(0x0f00),
        "RRRA\u{b7}\u{b7}\u{b7}\u{b7}\u{b7}\u{b7}\u{b7}\u{b7}"
    );
}

#[test]
fn fast_path_builds_the_summary_only() {
    let mut s = Session::tshark();
    let meta = crate::frame::FrameMeta::new(
        1,
        crate::model::Timestamp::new(1362692526, 869344000),
        GET_SYN.len() as u32,
        crate::link::LinkType::IPV4,
    );
    let mut pkt = Packet::new(false);
    let mut cx = Cx {
        tcp: None,
        data: &GET_SYN,
        frame: &GET_SYN,
        pkt: &mut pkt,
        state: &mut s.state,
        prefs: &s.prefs,
        meta: &meta,
        nesting: 0,
        ip: Some(crate::dissector::IpContext {
            src: Address::Ipv4(CLIENT),
            dst: Address::Ipv4(SERVER),
            fragment: false,
        }),
        in_icmp_error: false,
    };
    dissect(&mut cx, 0, &GET_SYN);
    assert!(pkt.fields.is_empty());
    assert!(pkt
        .summary
        .info
        .starts_with("59856 \u{2192} 80 [SYN] Seq=0"));
    assert_eq!(pkt.summary.src_port, Some(59856));
    assert_eq!(s.state.tcp.len(), 1);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Any bytes, any claimed wire length, quoted or not: no panic, and the layer
        // is there.
        #[test]
        fn arbitrary_segments_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..96),
            extra in 0usize..2000,
            quoted in any::<bool>(),
        ) {
            let mut seg = Seg::new([10, 0, 0, 1], [10, 0, 0, 2], (1, 0), &bytes);
            seg.wire_len = Some(bytes.len() + extra);
            seg.in_icmp_error = quoted;
            let p = tcp(&mut Session::verifying(), seg);
            prop_assert_eq!(p.layers[0].proto.name, "tcp");
        }

        // A run of random segments on one connection exercises the analysis state.
        #[test]
        fn arbitrary_conversations_never_panic(
            segs in proptest::collection::vec(
                (any::<bool>(), any::<u32>(), any::<u32>(), any::<u16>(), any::<u16>(), 0usize..40),
                1..40,
            ),
        ) {
            let mut s = Session::tshark();
            for (i, (back, seq, ack, flags, win, len)) in segs.into_iter().enumerate() {
                let mut b = with_options(5, &vec![0x41; len]);
                b[4..8].copy_from_slice(&seq.to_be_bytes());
                b[8..12].copy_from_slice(&ack.to_be_bytes());
                b[12] = 0x50 | ((flags >> 8) as u8 & 0x0f);
                b[13] = flags as u8;
                b[14..16].copy_from_slice(&win.to_be_bytes());
                let (a, c) = ([10, 0, 0, 1], [10, 0, 0, 2]);
                let (src, dst) = if back { (c, a) } else { (a, c) };
                if back {
                    b.swap(0, 2);
                    b.swap(1, 3);
                }
                tcp(&mut s, Seg::new(src, dst, (1, i as u64 * 1000), &b));
            }
        }
    }
}

/// Our own fields and per-connection tracking over the real handshake of
/// mixed/http_get.pcap frames 1-4 (shown in the tree only, never by tshark).
#[test]
fn endpoint_states_and_timeline_follow_the_handshake() {
    use crate::flow::tcp_state::Side;
    use crate::flow::timeline::Direction;
    let mut s = Session::tshark();
    let p = syn(&mut s);
    assert_eq!(v(&p, &GET_SYN, "tcp.state.client"), "SYN_SENT");
    assert_eq!(v(&p, &GET_SYN, "tcp.state.server"), "LISTEN");
    let p = tcp(
        &mut s,
        Seg::new(SERVER, CLIENT, (1362692526, 939084), &GET_SYNACK),
    );
    assert_eq!(v(&p, &GET_SYNACK, "tcp.state.client"), "ESTABLISHED");
    assert_eq!(v(&p, &GET_SYNACK, "tcp.state.server"), "SYN_RCVD");
    for (ts, bytes) in [(939378, &GET_ACK), (939445, &GET_REQUEST)] {
        let p = tcp(&mut s, Seg::new(CLIENT, SERVER, (1362692526, ts), bytes));
        assert_eq!(v(&p, bytes, "tcp.state.client"), "ESTABLISHED");
        assert_eq!(v(&p, bytes, "tcp.state.server"), "ESTABLISHED");
    }

    let conv = s.state.tcp.conversations().next().expect("one connection");
    let kinds: Vec<_> = conv
        .timeline()
        .events()
        .iter()
        .map(|e| (e.kind, e.dir, e.frame))
        .collect();
    assert_eq!(
        kinds,
        [
            ("tcp.syn", Direction::ClientToServer, 1),
            ("tcp.synack", Direction::ServerToClient, 2),
            ("tcp.ack", Direction::ClientToServer, 3),
            ("tcp.first_data", Direction::ClientToServer, 4),
        ]
    );
    // The halves add up to tshark's tcp.analysis.initial_rtt (0.070034 s).
    let rtt = conv.handshake_rtt();
    assert_eq!(rtt.server_side, Some(crate::model::Duration(69_740_000)));
    assert_eq!(rtt.client_side, Some(crate::model::Duration(294_000)));
    assert_eq!(rtt.total(), Some(conv.ts_first_rtt));
    assert_eq!(conv.side_of(0), Side::Client);
    assert_eq!(conv.states().history().len(), 5);
}

/// Summary-only dissection (packet list) adds none of our fields, but the
/// tracking still runs.
#[test]
fn endpoint_states_are_tree_only() {
    let mut s = Session::tshark();
    let seg = Seg::new(CLIENT, SERVER, (1362692526, 869344), &GET_SYN);
    let p = s.run_as(seg, dissect, false);
    assert!(p.find_all("tcp.state.client").next().is_none());
    let conv = s.state.tcp.conversations().next().expect("one connection");
    assert_eq!(conv.states().client().as_str(), "SYN_SENT");
}
