//! Every capture in `shared/captures/malformed/` goes through the whole pipeline
//! (reading, dissection, the detail tree, JSON) without a panic or a hang, and
//! gives exactly what is expected: a number of packets, then either a clean end,
//! damage at a byte offset with a reason, or a clear file-level error.

use wirelens_tests::{corpus_dir, wirelens_print};

#[derive(Debug)]
enum Expect {
    /// All records read; this many packets.
    Packets(u64),
    /// This many packets, then damage at this byte offset with this reason.
    Damaged(u64, u64, &'static str),
    /// The file is refused with a message containing this.
    Refused(&'static str),
}

use Expect::*;

const FILES: &[(&str, Expect)] = &[
    ("arp_too_long_tha.pcap", Packets(1)),
    ("bgp_as_path_oobr.pcap", Packets(4)),
    ("bgp_capabilities_oobr.pcap", Packets(1)),
    ("bgp_mp_reach_nlri_oobr.pcap", Packets(1)),
    ("dns_bad_label.pcap", Packets(1)),
    ("dns_corrupt.pcap", Packets(2)),
    ("dns_forward_pointer.pcap", Packets(1)),
    ("dns_max_compression_depth.pcap", Packets(1)),
    ("dns_zlip_compression_loop.pcap", Packets(1)),
    ("icmpv6_length_zero.pcapng", Packets(1)),
    ("ieee80211_meshhdr_oobr_linktype_bits.pcap", Packets(1)),
    ("ieee80211_rates_oobr.pcap", Packets(1)),
    ("ip6_ext_trunc.pcap", Packets(1)),
    ("ipv4_invalid_hdr_length.pcap", Packets(1)),
    ("ipv6_frag6_negative_len.pcap", Packets(1)),
    ("ipv6_frag_asan.pcap", Packets(1)),
    ("ipv6_jumbogram_invalid_length.pcap", Packets(1)),
    ("ipv6_rthdr_oobr.pcap", Packets(1)),
    ("ipv6hdr_heapoverflow_linktype_bits.pcap", Packets(1)),
    ("mptcp_dss_oobr.pcap", Packets(1)),
    (
        "pcap_invalid_version.pcap",
        Refused("pcap format version 1.4 is not supported"),
    ),
    ("pcap_linktype_reserved_bits.pcap", Refused("reserved")),
    ("pcapng_buffer_too_small.pcapng", Packets(27)),
    ("pcapng_invalid_version.pcapng", Refused("version")),
    (
        "pcapng_shb_option_too_long.pcapng",
        Refused("ends with length"),
    ),
    (
        "pcapng_shb_v2_middle_section.pcapng",
        Damaged(1, 480, "version 2.0"),
    ),
    (
        "radiotap_bad_rsn.pcap",
        Damaged(1, 359, "the file ends 1 byte into a 16-byte record header"),
    ),
    ("radiotap_heapoverflow.pcap", Packets(1)),
    ("tcp_auth_heapoverflow.pcap", Packets(1)),
    ("tcp_header_heapoverflow.pcap", Packets(1)),
    ("tcp_truncated_header.pcap", Packets(24)),
    ("timestamp_invalid_micro.pcap", Packets(3)),
    ("timestamp_invalid_nano.pcap", Packets(3)),
    (
        "tls_der_incomplete_header.pcap",
        Damaged(6, 5035, "record claims 4325376 captured bytes"),
    ),
    ("udp_length_heapoverflow.pcap", Packets(1)),
    ("wifi_prism_wpaclean_crash.pcap", Packets(1)),
];

#[test]
fn every_malformed_capture_gives_what_is_expected() {
    let dir = corpus_dir().join("malformed");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("malformed dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        on_disk, listed,
        "the table must name every capture in malformed/"
    );

    for (name, expect) in FILES {
        let path = dir.join(name);
        let path = path.to_str().expect("utf-8 path");
        for format in [&["-T", "json"][..], &["-V", "-x"][..]] {
            let mut args = vec!["-r", path];
            args.extend_from_slice(format);
            let result = wirelens_print(&args);
            match (expect, result) {
                (Packets(n), Ok((outcome, out))) => {
                    assert_eq!(outcome.packets, *n, "{name}: packet count");
                    assert!(
                        outcome.damage.is_none(),
                        "{name}: unexpected damage {:?}",
                        outcome.damage
                    );
                    check_output(name, format, &out, *n);
                }
                (Damaged(n, offset, reason), Ok((outcome, out))) => {
                    assert_eq!(outcome.packets, *n, "{name}: packets before the damage");
                    let damage = outcome
                        .damage
                        .unwrap_or_else(|| panic!("{name}: damage expected"));
                    assert_eq!(damage.offset, *offset, "{name}: damage offset");
                    assert!(
                        damage.reason.contains(reason),
                        "{name}: reason {:?}",
                        damage.reason
                    );
                    check_output(name, format, &out, *n);
                }
                (Refused(msg), Err(e)) => {
                    assert!(
                        e.contains(msg),
                        "{name}: error {e:?} should mention {msg:?}"
                    );
                    assert!(!e.contains('\n'), "{name}: error must be one line: {e:?}");
                }
                (expect, got) => {
                    panic!("{name}: expected {expect:?}, got {:?}", got.map(|(o, _)| o))
                }
            }
        }
    }
}

/// JSON output must be a valid document with one object per packet; text output
/// must have one "Frame N:" tree per packet.
fn check_output(name: &str, format: &[&str], out: &[u8], packets: u64) {
    if format.contains(&"json") {
        let doc: serde_json::Value =
            serde_json::from_slice(out).unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}"));
        let n = doc.as_array().map(|a| a.len()).unwrap_or(0) as u64;
        assert_eq!(n, packets, "{name}: JSON packet objects");
    } else {
        let text = String::from_utf8_lossy(out);
        let frames = text.lines().filter(|l| l.starts_with("Frame ")).count() as u64;
        assert_eq!(frames, packets, "{name}: detail trees");
    }
}
