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

use wirelens_tests::assert_tree_equals_stored;

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
    for capture in CAPTURES {
        assert_tree_equals_stored("icmp-tree", capture, LAYERS, "== frame ", |l| {
            match l.strip_prefix(OUR_LIFETIME) {
                Some(v) => format!("{THEIR_LIFETIME}{v}"),
                None => l.to_string(),
            }
        });
    }
}
