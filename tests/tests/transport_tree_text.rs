//! The Frame, Ethernet, IPv4, IPv6 (with extension headers and fragments),
//! UDP and TCP detail trees of `wirelens print -V` against tshark's `-V` text, line for
//! line: bit fields drawn as `0100 .... = Version: 4`, generated items in
//! brackets, hidden ones (`ip.addr`, `eth.addr_resolved`) left out,
//! checksum verdicts, the TCP option summary and the SYN/FIN/RST expert
//! items under their flags. tshark's output is stored under
//! `tests/data/transport-tree/` and `tests/data/frame-tree/` (made by the
//! `generate.sh` there, with checksum validation on as wirelens has it), so
//! the test needs no tshark.

use std::path::Path;

use wirelens_tests::{assert_same_lines, corpus_dir, tree_layers, wirelens_print};

const LAYERS: &[&str] = &[
    "Ethernet II",
    "IEEE 802.3 Ethernet",
    "Internet Protocol Version 4",
    "Internet Protocol Version 6",
    "User Datagram Protocol",
    "Transmission Control Protocol",
];

/// Lines wirelens adds that tshark has no field for: each endpoint's TCP
/// state after the segment.
const WIRELENS_ONLY: &[&str] = &["    [Client state after", "    [Server state after"];

const CAPTURES: &[&str] = &[
    "mixed/http_get.pcap",
    "mixed/wikipedia_dns_http.pcap",
    // Not captures whose senders left checksums to the NIC (loopback, such as
    // link/null_ipv6_http.pcap): wirelens reports those as offloaded with a
    // note where tshark reports them bad.
    // Not tcp/tcp_window_scale.pcap: tshark holds its 5 bytes to port 80
    // ("hello", no line end) for an HTTP request to come, so its TCP layer
    // ends with `TCP segment data (5 bytes)`; wirelens shows them as an HTTP
    // continuation.
    // Not tcp/tcp_handshake_reorder.pcap: for its SYN that arrives after the
    // SYN-ACK, tshark shows an empty `[SEQ/ACK analysis]` item, and wirelens
    // shows none; every other line is the same.
    "tcp/tcp_options.pcap",
    "tcp/tcp_out_of_order_sack.pcap",
    "tcp/tcp_fin_retransmission.pcap",
    "tcp/tcp_syn_then_rst.pcap",
    "tcp/tcp_retransmit_fast.pcap",
    "ip/icmpv6_ping.pcap",
    "ip/icmpv6_neighbor_solicit.pcap",
    // IPv6 extension headers: options with their type bits, routing types 0
    // and 4 with numbered addresses, the fragment header; and IPv4 and IPv6
    // fragments reassembled, with the list of frames.
    "ip/icmpv6_misc.pcap",
    "ip/icmpv6_nd_options.pcap",
    "ip/ipv6_hbh_routing0_dns.pcap",
    "ip/ipv6_vlan_hbh_rt_dst_udp.pcap",
    "ip/ipv6_routing_header.pcap",
    "ip/ipv6_srh.pcap",
    "ip/ipv6_ext_chain_hbh_rt_frag_dst.pcap",
    "ip/ipv6_fragmented_dns.pcap",
    "ip/ipv6_frag_tcp.pcap",
    "ip/ipv4_frags_icmp.pcap",
    "ip/ipv4_frag_vlan_tcp_syn.pcap",
    // Not ip/ipv4_fragmented_ntp.pcap: wirelens adds a warning that its
    // overlapping fragments differ; tshark only flags the fragments.
    // Not ip/ipv6_dstopts_mobility.pcap: its options run past the header,
    // which tshark shows as a separate `[Malformed Packet]` layer.
];

#[test]
fn transport_trees_equal_tshark_verbose_text() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/transport-tree");
    for capture in CAPTURES {
        let path = corpus_dir().join(capture);
        let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path"), "-V"])
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let ours: String = tree_layers(&String::from_utf8_lossy(&printed), LAYERS)
            .lines()
            .filter(|l| !WIRELENS_ONLY.iter().any(|w| l.starts_with(w)))
            .flat_map(|l| [l, "\n"])
            .collect();
        let name = Path::new(capture).file_stem().expect("file name");
        let truth = data.join(name).with_extension("txt");
        let theirs =
            std::fs::read_to_string(&truth).unwrap_or_else(|e| panic!("{}: {e}", truth.display()));
        assert!(theirs.starts_with("== frame 1\n"), "{}", truth.display());
        assert_same_lines(
            &format!("{capture}: the link to transport trees"),
            &ours,
            &theirs,
        );
    }
}

/// The Frame layer of every frame shown, blank lines left out: what
/// `tests/data/frame-tree/generate.sh` keeps of tshark's.
fn frame_layers(text: &str) -> String {
    let mut out = String::new();
    let mut on = false;
    for line in text.lines() {
        if line.starts_with("Frame ") {
            on = true;
        } else if !line.starts_with(' ') {
            on = false;
        }
        if on && !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The Frame layer: encapsulation and interface names, generated times and
/// flags in brackets, lengths in bytes and bits, and under `-Y` the time
/// since the previous frame the filter let through.
#[test]
fn frame_layers_equal_tshark_verbose_text() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/frame-tree");
    let cases: &[(&str, &[&str], &str)] = &[
        ("link/sll2_http.pcap", &[], "sll2_http.txt"),
        (
            "link/sll2_http.pcap",
            &["-Y", "http"],
            "sll2_http-Y-http.txt",
        ),
        (
            "wifi/radiotap_qos_data_dns.pcap",
            &[],
            "radiotap_qos_data_dns.txt",
        ),
        ("link/vlan_pcp_dei.pcapng", &[], "vlan_pcp_dei.txt"),
    ];
    for (capture, extra, truth) in cases {
        let path = corpus_dir().join(capture);
        let mut args = vec!["-r", path.to_str().expect("utf-8 path"), "-V"];
        args.extend_from_slice(extra);
        let (_, printed) = wirelens_print(&args).unwrap_or_else(|e| panic!("{capture}: {e}"));
        let ours = frame_layers(&String::from_utf8_lossy(&printed));
        let theirs = std::fs::read_to_string(data.join(truth)).expect("tshark's frame layers");
        assert!(
            theirs.starts_with("Frame 1:") || !extra.is_empty(),
            "{truth}"
        );
        assert_same_lines(
            &format!("{capture} {extra:?}: the Frame layer"),
            &ours,
            &theirs,
        );
    }
}
