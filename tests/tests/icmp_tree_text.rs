//! The ICMP and ICMPv6 detail trees of `wirelens print -V` against tshark's
//! `-V` text, line for line: `Type: 8 (Echo (ping) request)`, checksum
//! verdicts, identifiers in decimal and hex, the echo reply's request frame
//! and response time, neighbor discovery flags drawn bit by bit with the set
//! ones named after the value, each option titled with what it says
//! (`ICMPv6 Option (Prefix information : 2001:db8:0:1::/64)`) and its length
//! in bytes, MLDv2 records titled with their type and address. tshark's
//! output is stored under `tests/data/icmp-tree/` (made by the `generate.sh`
//! there); each layer stops where tshark nests what the message carries,
//! which wirelens shows as layers of their own after it.

use std::path::Path;

use wirelens_tests::{assert_same_lines, corpus_dir, tree_layers, wirelens_print};

const LAYERS: &[&str] = &["Internet Control Message Protocol"];

const CAPTURES: &[&str] = &[
    "ip/icmp_ping.pcap",
    "ip/icmp_destunreach_udp.pcap",
    "ip/icmp_timeexceeded.pcap",
    "ip/icmpv6_ping.pcap",
    "ip/icmpv6_misc.pcap",
    "ip/icmpv6_nd_options.pcap",
    "ip/icmpv6_neighbor_solicit.pcap",
    "ip/icmpv6_neighbor_advert.pcap",
];

/// Wireshark 4.0 labels the Home Agent Lifetime field "Home Agent
/// Preference" (a copy of the field before it); wirelens names it for what
/// it is. The comparison takes one line for the other.
const OUR_LIFETIME: &str = "        Home Agent Lifetime: ";
const THEIR_LIFETIME: &str = "        Home Agent Preference: ";

#[test]
fn icmp_trees_equal_tshark_verbose_text() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icmp-tree");
    for capture in CAPTURES {
        let path = corpus_dir().join(capture);
        let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path"), "-V"])
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let ours: String = tree_layers(&String::from_utf8_lossy(&printed), LAYERS)
            .lines()
            .map(|l| match l.strip_prefix(OUR_LIFETIME) {
                Some(v) => format!("{THEIR_LIFETIME}{v}\n"),
                None => format!("{l}\n"),
            })
            .collect();
        let name = Path::new(capture).file_stem().expect("file name");
        let truth = data.join(name).with_extension("txt");
        let theirs =
            std::fs::read_to_string(&truth).unwrap_or_else(|e| panic!("{}: {e}", truth.display()));
        assert!(theirs.starts_with("== frame "), "{}", truth.display());
        assert_same_lines(&format!("{capture}: the ICMP layers"), &ours, &theirs);
    }
}
