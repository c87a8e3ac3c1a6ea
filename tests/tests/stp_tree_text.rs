//! The Spanning Tree Protocol detail tree of `wirelens print -V` against
//! tshark's `-V` text, line for line: the BPDU flags bit by bit with the
//! names of those set after the value, the root and bridge identifiers as
//! text items with their priority, system ID extension and system ID under
//! them, and the timers in seconds. tshark's output is stored under
//! `tests/data/stp-tree/` (made by the `generate.sh` there), so the test
//! needs no tshark.

use wirelens_tests::assert_tree_equals_stored;

const LAYERS: &[&str] = &["Spanning Tree Protocol"];

/// Captures with BPDUs: mixed/wikipedia_dns_http.pcap has four RST BPDUs
/// (frames 4, 112, 118 and 131) behind IEEE 802.3 and LLC.
const CAPTURES: &[&str] = &["mixed/wikipedia_dns_http.pcap"];

#[test]
fn stp_trees_equal_tshark_verbose_text() {
    for capture in CAPTURES {
        assert_tree_equals_stored("stp-tree", capture, LAYERS, "== frame ", str::to_string);
    }
}
