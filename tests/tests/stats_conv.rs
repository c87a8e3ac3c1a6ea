//! Issue #3, test 2: `wirelens stats -r F conv` matches `F.conv.txt`
//! (`tshark -r F -n -q -z conv,tcp`, tshark 4.0.17) for every corpus capture
//! that has one: the rows in the same order, the same A and B endpoints, frames
//! and bytes in each direction and in total, relative start and duration.
//!
//! Captures that differ for a reason outside the conversation tables are listed
//! in [`KNOWN`] with the reason; the test prints how they compare but does not
//! fail on them. Every other capture must match exactly.

use std::path::Path;

use wirelens::commands::stats::{dissect_all, write_conv, ConvKind};
use wirelens_tests::{captures, corpus_dir, sidecar};

/// Deliberate or not-yet-closed differences, with the reason.
const KNOWN: &[(&str, &str)] = &[
    (
        "malformed/bgp_capabilities_oobr.pcap",
        "IPv4 header with MF and offset 0: tshark dissects the TCP inside, wirelens treats it as a fragment (IPv4 / reassembly)",
    ),
    (
        "malformed/timestamp_invalid_micro.pcap",
        "a record with microseconds >= 1e6: the capture reader normalises the time differently from wiretap, so the duration differs",
    ),
];

/// One parsed row: A, B, then frames/bytes "<-", "->", total, start, duration, as text.
#[derive(Debug, PartialEq)]
struct Row {
    a: String,
    b: String,
    rx: (String, String),
    tx: (String, String),
    total: (String, String),
    start: String,
    duration: String,
}

fn parse(table: &str) -> Vec<Row> {
    table
        .lines()
        .filter_map(|line| {
            let (a, rest) = line.split_once(" <-> ")?;
            let w: Vec<&str> = rest.split_whitespace().collect();
            if w.len() != 12 {
                return None;
            }
            let size = |n: &str, unit: &str| format!("{n} {unit}");
            Some(Row {
                a: a.trim().to_string(),
                b: w[0].to_string(),
                rx: (w[1].to_string(), size(w[2], w[3])),
                tx: (w[4].to_string(), size(w[5], w[6])),
                total: (w[7].to_string(), size(w[8], w[9])),
                start: w[10].to_string(),
                duration: w[11].to_string(),
            })
        })
        .collect()
}

fn ours(capture: &Path) -> String {
    let d = dissect_all(capture).expect("read capture");
    let mut out = Vec::new();
    write_conv(&mut out, d.state(), ConvKind::Tcp).expect("write");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn conv_tcp_matches_tshark_on_the_corpus() {
    let dir = corpus_dir();
    let mut files = 0;
    let mut exact = 0;
    let mut rows_ok = 0;
    let mut rows_total = 0;
    let mut failures = Vec::new();
    for capture in captures(&dir, &[]) {
        let truth_path = sidecar(&capture, "conv.txt");
        let Ok(truth) = std::fs::read_to_string(&truth_path) else {
            continue;
        };
        files += 1;
        let name = capture
            .strip_prefix(&dir)
            .unwrap_or(&capture)
            .to_string_lossy()
            .to_string();
        let mine = ours(&capture);
        let (want, got) = (parse(&truth), parse(&mine));
        rows_total += want.len();
        rows_ok += want.iter().zip(&got).filter(|(w, g)| w == g).count();
        if mine == truth {
            exact += 1;
            if KNOWN.iter().any(|(f, _)| *f == name) {
                println!("{name} now matches: remove it from KNOWN");
                failures.push(name);
            }
            continue;
        }
        let known = KNOWN.iter().find(|(f, _)| *f == name);
        match known {
            Some((_, why)) => println!("known difference {name}: {why}"),
            None => {
                println!("MISMATCH {name}\n--- tshark\n{truth}--- wirelens\n{mine}");
                failures.push(name);
            }
        }
    }
    println!(
        "conv,tcp: {exact}/{files} files byte-identical to tshark, {rows_ok}/{rows_total} rows equal; {} known differences",
        KNOWN.len()
    );
    assert!(
        files >= 70,
        "expected the corpus's conv.txt files, found {files}"
    );
    assert!(
        failures.is_empty(),
        "conv,tcp differs from tshark on {failures:?}"
    );
}

/// The other tables, on a capture with TCP, UDP and ICMP: compared with
/// `tshark -n -q -z conv,udp|conv,ip -r mixed/wikipedia_dns_http.pcap`, stored beside this test.
#[test]
fn conv_udp_and_ip_match_tshark_on_a_mixed_capture() {
    let capture = corpus_dir().join("mixed/wikipedia_dns_http.pcap");
    let d = dissect_all(&capture).expect("read capture");
    for (kind, truth) in [
        (
            ConvKind::Udp,
            include_str!("data/wikipedia_dns_http.conv_udp.txt"),
        ),
        (
            ConvKind::Ipv4,
            include_str!("data/wikipedia_dns_http.conv_ip.txt"),
        ),
        (
            ConvKind::Eth,
            include_str!("data/wikipedia_dns_http.conv_eth.txt"),
        ),
    ] {
        let mut out = Vec::new();
        write_conv(&mut out, d.state(), kind).expect("write");
        let mine = String::from_utf8(out).expect("utf-8");
        assert_eq!(mine, truth, "{kind:?}");
    }
}
