//! The NTP detail tree of `wirelens print -V` against tshark's `-V -n` text,
//! line for line, on every corpus capture that carries NTP: a client request
//! and a server reply (flags drawn bit by bit, the polling interval and
//! precision as tshark words them, the reference ID by stratum, `NULL` for a
//! zero timestamp), and a ten-byte message out of reassembled IPv4
//! fragments that ends where tshark's does. tshark's output is stored under
//! `tests/data/ntp-tree/` (made by the `generate.sh` there), so the test
//! needs no tshark.

use wirelens_tests::assert_tree_equals_stored;

const LAYERS: &[&str] = &["Network Time Protocol"];

const CAPTURES: &[&str] = &[
    // An NTPv4 client request and the server's reply.
    "mixed/var_services_std_ports.pcap",
    // Ten bytes of NTP in a datagram reassembled from overlapping fragments.
    "ip/ipv4_fragmented_ntp.pcap",
];

/// wirelens shows a message that ends early with an expert item at the end
/// of the layer; tshark with an item of its own after the layer. The
/// comparison takes one for the other, so the place where each stops is
/// still checked.
const OUR_MALFORMED: &str = "    [Expert Info (Error/Malformed): Malformed Packet: NTP";
const THEIR_MALFORMED: &str = "[Malformed Packet: NTP]";
const OUR_SHORT: &str =
    "    [Expert Info (Error/Malformed): Packet size limited during capture: NTP truncated]";
const THEIR_SHORT: &str = "[Packet size limited during capture: NTP truncated]";

#[test]
fn ntp_trees_equal_tshark_verbose_text() {
    for capture in CAPTURES {
        assert_tree_equals_stored(
            "ntp-tree",
            capture,
            LAYERS,
            "\nNetwork Time Protocol",
            |l| {
                match l {
                    l if l.starts_with(OUR_MALFORMED) => THEIR_MALFORMED,
                    OUR_SHORT => THEIR_SHORT,
                    l => l,
                }
                .to_string()
            },
        );
    }
}
