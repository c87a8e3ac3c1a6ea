//! The HTTP/1.x detail tree of `wirelens print -V` against tshark's `-V`
//! text, line for line: header lines as sent with their `\r\n`, generated
//! items in brackets (`[Full request URI: …]`, `[HTTP request 1/1]`), hidden
//! ones (`http.request.line`) left out, expert items in place, long lines cut
//! with `[truncated]`. tshark's output is stored under `tests/data/http-tree/`
//! (made by `generate.sh` there), so the test needs no tshark.

use std::path::Path;

use wirelens_tests::{assert_same_lines, corpus_dir, tree_layers, wirelens_print};

/// Each capture, and the file holding tshark's HTTP layers for it.
const CAPTURES: &[(&str, &str)] = &[
    ("mixed/http_get.pcap", "http_get.txt"),
    ("mixed/wikipedia_dns_http.pcap", "wikipedia_dns_http.txt"),
    ("link/null_ipv6_http.pcap", "null_ipv6_http.txt"),
    ("link/sll2_http.pcap", "sll2_http.txt"),
    ("link/vlan_qinqinq_http.pcap", "vlan_qinqinq_http.txt"),
    (
        "tcp/tcp_handshake_reorder.pcap",
        "tcp_handshake_reorder.txt",
    ),
    ("tcp/tcp_options.pcap", "tcp_options.txt"),
    (
        "tcp/tcp_out_of_order_sack.pcap",
        "tcp_out_of_order_sack.txt",
    ),
    (
        "mixed/var_services_std_ports.pcap",
        "var_services_std_ports.txt",
    ),
];

#[test]
fn http_tree_equals_tshark_verbose_text() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/http-tree");
    for (capture, truth) in CAPTURES {
        let path = corpus_dir().join(capture);
        let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path"), "-V"])
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let ours = tree_layers(
            &String::from_utf8_lossy(&printed),
            &["Hypertext Transfer Protocol", "Line-based text data"],
        );
        let theirs = std::fs::read_to_string(data.join(truth)).expect("tshark's tree");
        assert!(theirs.contains("Hypertext Transfer Protocol"), "{truth}");
        assert_same_lines(&format!("{capture}: the HTTP tree"), &ours, &theirs);
    }
}

#[test]
fn hidden_fields_stay_in_json_and_filters() {
    let path = corpus_dir().join("mixed/http_get.pcap");
    let path = path.to_str().expect("utf-8 path");
    let (_, json) =
        wirelens_print(&["-r", path, "-T", "json", "-Y", "frame.number==4"]).expect("print json");
    let json = String::from_utf8_lossy(&json);
    assert!(
        json.contains(r#""http.request.line": "User-Agent: Wget/1.14 (darwin12.2.0)\r\n""#),
        "{json}"
    );
    let (_, text) = wirelens_print(&[
        "-r",
        path,
        "-V",
        "-Y",
        "http.request.line contains \"Host\"",
    ])
    .expect("print -V");
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("Frame 4:"), "the filter matches: {text}");
    assert!(!text.contains("Request line"), "{text}");
}
