//! The packet list of `wirelens print` (one summary line per frame) against
//! tshark's, frame by frame: addresses, protocol column, length and Info,
//! including the `[TCP segment of a reassembled PDU]` note on segments whose
//! bytes only went into an unfinished message, and what each protocol wrote
//! to Info before it asked for the rest (HTTP's start line; HTTP/2, SSH and
//! TLS clear it). tshark's lines are stored under `tests/data/packet-list/`
//! (made by the `generate.sh` there), so the test needs no tshark.
//!
//! The lines must be the same byte for byte: the column widths (number,
//! time, source and destination padded to 5, 10, 12 and 12) and the time to
//! the precision of the file's timestamps (six decimals for these microsecond
//! captures).

use std::path::Path;

use wirelens_tests::{assert_same_lines, corpus_dir, wirelens_print};

const CAPTURES: &[&str] = &[
    "mixed/http_get.pcap",
    // A chunked response: HTTP looks at it again with every segment.
    "link/null_ipv6_http.pcap",
    "link/vlan_qinqinq_http.pcap",
    // Five bytes to port 80 with no line end: held for a line end to come.
    "tcp/tcp_window_scale.pcap",
    "tcp/tcp_handshake_reorder.pcap",
    "ip/ipv6_frag_tcp.pcap",
    "http2/h2c_continuation.pcap",
    "ssh/ssh_mlkem_openssh10.pcap",
    "tls/tls12_client_cert_sni_alpn.pcap",
    "tls/tls12_ecdhe.pcap",
];

#[test]
fn packet_lists_equal_tshark() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packet-list");
    for capture in CAPTURES {
        let path = corpus_dir().join(capture);
        let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path")])
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let name = Path::new(capture).file_stem().expect("file name");
        let truth = data.join(name).with_extension("txt");
        let theirs =
            std::fs::read_to_string(&truth).unwrap_or_else(|e| panic!("{}: {e}", truth.display()));
        assert!(theirs.starts_with("    1 "), "{}", truth.display());
        assert_same_lines(
            &format!("{capture}: the packet list"),
            &String::from_utf8_lossy(&printed),
            &theirs,
        );
    }
}

/// The same columns printed with `-T fields -e _ws.col.…`, tshark's names for
/// them: unpadded, tab-separated.
#[test]
fn column_fields_equal_tshark() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packet-list");
    let path = corpus_dir().join("mixed/http_get.pcap");
    let mut args = vec!["-r", path.to_str().expect("utf-8 path"), "-T", "fields"];
    for column in [
        "_ws.col.No.",
        "_ws.col.Time",
        "_ws.col.Source",
        "_ws.col.Destination",
        "_ws.col.Protocol",
        "_ws.col.Length",
        "_ws.col.Info",
    ] {
        args.extend(["-e", column]);
    }
    let (_, printed) = wirelens_print(&args).expect("print -T fields");
    let theirs = std::fs::read_to_string(data.join("http_get.fields.txt")).expect("stored");
    assert!(theirs.starts_with("1\t0.000000\t141.142.228.5\t"));
    assert_same_lines(
        "http_get.pcap: -T fields with the columns",
        &String::from_utf8_lossy(&printed),
        &theirs,
    );
}

/// The time column in tshark's other `-t` formats (those in UTC, so that
/// the test does not depend on the machine's time zone), with a filter so
/// that the previous captured and the previous displayed frame differ.
#[test]
fn time_formats_equal_tshark() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/packet-list");
    let path = corpus_dir().join("mixed/http_get.pcap");
    for format in ["ud", "udoy", "e", "d", "dd"] {
        let args = [
            "-r",
            path.to_str().expect("utf-8 path"),
            "-t",
            format,
            "-Y",
            "frame.number != 2",
        ];
        let (_, printed) = wirelens_print(&args).expect("print -t");
        let truth = data.join(format!("http_get.t-{format}.txt"));
        let theirs = std::fs::read_to_string(&truth).expect("stored");
        assert!(theirs.starts_with("    1 "), "{}", truth.display());
        assert_same_lines(
            &format!("http_get.pcap -t {format}"),
            &String::from_utf8_lossy(&printed),
            &theirs,
        );
    }
}
