//! Every file of `shared/captures/malformed/`, with what it must give:
//! how many packets, then a clean end, an error at a given offset, or a
//! refusal to open. Packets are compared with tshark's where tshark could
//! read them.

mod common;

use common::{assert_matches_tshark, captures_in, corpus_file, ground_truth, open, read_all};
use wirelens_capture::{CaptureFile, OpenError};

enum Expect {
    /// All `n` packets, then a clean end.
    Clean(usize),
    /// `packets` packets, then one error at `offset` whose reason contains
    /// `reason`.
    Error {
        packets: usize,
        offset: u64,
        reason: &'static str,
    },
    /// `CaptureFile::open` fails with `OpenError::BadHeader`.
    BadHeader { offset: u64, reason: &'static str },
}

use Expect::{BadHeader, Clean, Error};

const CASES: &[(&str, Expect)] = &[
    // Damage inside packets: the container is fine.
    ("malformed/arp_too_long_tha.pcap", Clean(1)),
    ("malformed/bgp_as_path_oobr.pcap", Clean(4)),
    ("malformed/bgp_capabilities_oobr.pcap", Clean(1)),
    ("malformed/bgp_mp_reach_nlri_oobr.pcap", Clean(1)),
    ("malformed/dns_bad_label.pcap", Clean(1)),
    ("malformed/dns_corrupt.pcap", Clean(2)),
    ("malformed/dns_forward_pointer.pcap", Clean(1)),
    ("malformed/dns_max_compression_depth.pcap", Clean(1)),
    ("malformed/dns_zlip_compression_loop.pcap", Clean(1)),
    ("malformed/icmpv6_length_zero.pcapng", Clean(1)),
    ("malformed/ip6_ext_trunc.pcap", Clean(1)),
    ("malformed/ipv4_invalid_hdr_length.pcap", Clean(1)),
    ("malformed/ipv6_frag6_negative_len.pcap", Clean(1)),
    ("malformed/ipv6_frag_asan.pcap", Clean(1)),
    ("malformed/ipv6_jumbogram_invalid_length.pcap", Clean(1)),
    ("malformed/mptcp_dss_oobr.pcap", Clean(1)),
    ("malformed/pcapng_buffer_too_small.pcapng", Clean(27)),
    ("malformed/tcp_truncated_header.pcap", Clean(24)),
    ("malformed/wifi_prism_wpaclean_crash.pcap", Clean(1)),
    // Link-type fields 0x3000007f / 0x300000e5 / 0x30000001: the upper bits
    // are masked as libpcap does.
    (
        "malformed/ieee80211_meshhdr_oobr_linktype_bits.pcap",
        Clean(1),
    ),
    ("malformed/ieee80211_rates_oobr.pcap", Clean(1)),
    ("malformed/radiotap_heapoverflow.pcap", Clean(1)),
    ("malformed/ipv6_rthdr_oobr.pcap", Clean(1)),
    (
        "malformed/ipv6hdr_heapoverflow_linktype_bits.pcap",
        Clean(1),
    ),
    ("malformed/tcp_auth_heapoverflow.pcap", Clean(1)),
    ("malformed/tcp_header_heapoverflow.pcap", Clean(1)),
    ("malformed/udp_length_heapoverflow.pcap", Clean(1)),
    // Fractions of a second >= 1: kept, carried into the seconds (see
    // `invalid_fractions_carry_into_seconds`).
    ("malformed/timestamp_invalid_micro.pcap", Clean(3)),
    ("malformed/timestamp_invalid_nano.pcap", Clean(3)),
    // Damage to the container.
    (
        "malformed/tls_der_incomplete_header.pcap",
        Error {
            packets: 6,
            offset: 5035,
            reason: "record claims 4325376 captured bytes but only 645 remain",
        },
    ),
    (
        // One stray byte after the last complete record.
        "malformed/radiotap_bad_rsn.pcap",
        Error {
            packets: 1,
            offset: 359,
            reason: "the file ends 1 byte into a 16-byte record header",
        },
    ),
    (
        // The 2nd section has major version 2 and no section length.
        "malformed/pcapng_shb_v2_middle_section.pcapng",
        Error {
            packets: 1,
            offset: 480,
            reason: "has pcapng version 2.0, which cannot be read, and no section length",
        },
    ),
    (
        "malformed/pcap_linktype_reserved_bits.pcap",
        BadHeader {
            offset: 20,
            reason: "link-type field 0x00300000 has reserved bits set",
        },
    ),
    (
        "malformed/pcap_invalid_version.pcap",
        BadHeader {
            offset: 4,
            reason: "pcap format version 1.4 is not supported",
        },
    ),
    (
        "malformed/pcapng_invalid_version.pcapng",
        BadHeader {
            offset: 0,
            reason: "has pcapng version 0.1, which cannot be read",
        },
    ),
    (
        // The first option claims 12336 bytes; the block's trailing length
        // (0x30303030) disagrees with its leading one (52) before that.
        "malformed/pcapng_shb_option_too_long.pcapng",
        BadHeader {
            offset: 0,
            reason: "starts with length 52 but ends with length 808464432",
        },
    ),
];

#[test]
fn every_malformed_file_has_a_case() {
    let listed: Vec<&str> = CASES.iter().map(|(file, _)| *file).collect();
    let present = captures_in("malformed");
    for capture in &present {
        assert!(
            listed.contains(&capture.as_str()),
            "{capture} has no case in tests/malformed.rs"
        );
    }
    assert_eq!(present.len(), CASES.len(), "cases without a file");
}

#[test]
fn malformed_files_give_what_the_table_says() {
    for (capture, expect) in CASES {
        let path = corpus_file(capture);
        let opened = CaptureFile::open(&path);
        if let BadHeader { offset, reason } = expect {
            match opened {
                Err(OpenError::BadHeader {
                    offset: got,
                    reason: why,
                }) => {
                    assert_eq!(got, *offset, "{capture}: offset");
                    assert!(why.contains(reason), "{capture}: {why}");
                }
                other => panic!("{capture}: expected BadHeader, got {other:?}"),
            }
            continue;
        }
        let file = opened.unwrap_or_else(|e| panic!("{capture}: {e}"));
        let (frames, error) = read_all(&file);
        match expect {
            Clean(n) => {
                assert_eq!(error, None, "{capture}");
                assert_eq!(frames.len(), *n, "{capture}: packets");
            }
            Error {
                packets,
                offset,
                reason,
            } => {
                assert_eq!(frames.len(), *packets, "{capture}: packets");
                let error = error.unwrap_or_else(|| panic!("{capture}: expected an error"));
                assert_eq!(error.offset, *offset, "{capture}: {error}");
                assert!(error.reason.contains(reason), "{capture}: {error}");
            }
            BadHeader { .. } => unreachable!("handled above"),
        }
        if capture.contains("timestamp_invalid") {
            continue;
        }
        // tshark read the same packets before stopping where it stopped.
        if ground_truth(capture).is_some() {
            assert_matches_tshark(capture, &file, &frames);
        }
    }
}

#[test]
fn the_iterator_ends_after_its_error() {
    let file = open("malformed/tls_der_incomplete_header.pcap");
    let mut packets = file.packets();
    assert_eq!(packets.by_ref().filter(Result::is_ok).count(), 6);
    assert_eq!(packets.next(), None);
    assert_eq!(packets.bytes_read(), 5035);
}

/// tv_usec >= 1e6 or tv_nsec >= 1e9: the packet is kept and the excess is
/// carried into the seconds, which is the instant the fields describe.
///
/// tshark prints such fields raw ("1418145370.1000000000", the same instant
/// as our 1418145371.000000000), and for 0x80000000 it overflows: the micro
/// file's third packet becomes ".000000000" (2^31 µs * 1000 wraps to 0 in
/// 32 bits) and the nano file's a negative time. tcpdump prints the raw
/// fraction with "(invalid us)". Neither is a time; the carried value is.
#[test]
fn invalid_fractions_carry_into_seconds() {
    let cases = [
        (
            "malformed/timestamp_invalid_micro.pcap",
            [
                "1418145369.999999000",
                "1418145371.000000000",
                "1418147517.483648000",
            ],
        ),
        (
            "malformed/timestamp_invalid_nano.pcap",
            [
                "1418145369.999999999",
                "1418145371.000000000",
                "1418145372.147483648",
            ],
        ),
    ];
    for (capture, expected) in cases {
        let file = open(capture);
        let (frames, error) = read_all(&file);
        assert_eq!(error, None);
        let epochs: Vec<String> = frames.iter().map(|f| f.ts.to_string()).collect();
        assert_eq!(epochs, expected, "{capture}");
        // Everything but the time agrees with tshark.
        let truth = ground_truth(capture).expect("tshark JSON");
        assert_eq!(truth[0].time_epoch.as_deref(), Some(expected[0]));
        assert_eq!(
            truth[1].time_epoch.as_deref(),
            Some("1418145370.1000000000")
        );
        let lengths: Vec<(u32, u32)> = truth.iter().map(|r| (r.len, r.cap_len)).collect();
        let ours: Vec<(u32, u32)> = frames
            .iter()
            .map(|f| (f.orig_len, f.data.len() as u32))
            .collect();
        assert_eq!(ours, lengths, "{capture}");
    }
}

#[test]
fn masked_link_type_bits_leave_the_link_type() {
    for (capture, link_type) in [
        ("malformed/radiotap_heapoverflow.pcap", 127),
        ("malformed/ipv6_rthdr_oobr.pcap", 229),
        ("malformed/udp_length_heapoverflow.pcap", 1),
    ] {
        let file = open(capture);
        let interface = &file.interfaces()[0];
        assert_eq!(interface.link_type.0, link_type, "{capture}");
        // 0x3....... without bit 26: libpcap reads no FCS length.
        assert_eq!(interface.fcs_len, None, "{capture}");
    }
}
