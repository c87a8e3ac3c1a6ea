//! The Spanning Tree Protocol detail tree of `wirelens print -V` against
//! tshark's `-V` text, line for line: the BPDU flags bit by bit with the
//! names of those set after the value, the root and bridge identifiers as
//! text items with their priority, system ID extension and system ID under
//! them, and the timers in seconds. tshark's output is stored under
//! `tests/data/stp-tree/` (made by the `generate.sh` there), so the test
//! needs no tshark.

use std::path::Path;

use wirelens_tests::{assert_same_lines, corpus_dir, tree_layers, wirelens_print};

const LAYERS: &[&str] = &["Spanning Tree Protocol"];

/// Captures with BPDUs: mixed/wikipedia_dns_http.pcap has four RST BPDUs
/// (frames 4, 112, 118 and 131) behind IEEE 802.3 and LLC.
const CAPTURES: &[&str] = &["mixed/wikipedia_dns_http.pcap"];

#[test]
fn stp_trees_equal_tshark_verbose_text() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/stp-tree");
    for capture in CAPTURES {
        let path = corpus_dir().join(capture);
        let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path"), "-V"])
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let ours = tree_layers(&String::from_utf8_lossy(&printed), LAYERS);
        let name = Path::new(capture).file_stem().expect("file name");
        let truth = data.join(name).with_extension("txt");
        let theirs =
            std::fs::read_to_string(&truth).unwrap_or_else(|e| panic!("{}: {e}", truth.display()));
        assert!(theirs.starts_with("== frame "), "{}", truth.display());
        assert_same_lines(&format!("{capture}: the STP tree"), &ours, &theirs);
    }
}
