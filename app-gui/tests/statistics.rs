//! The Statistics windows, compared with tshark's output stored beside the
//! corpus captures (`-z io,phs`, `-z conv,tcp`).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use wirelens_gui::WirelensApp;

const HTTP_GET: &str = "mixed/http_get.pcap";

/// The labels inside the window titled `title`, row by row (top to bottom,
/// left to right), from the first row whose first cell is `first`.
fn window_rows(
    harness: &Harness<'_, WirelensApp>,
    first: &str,
    columns: usize,
) -> Vec<Vec<String>> {
    let labels = labels(harness);
    let start = labels
        .iter()
        // Windows are drawn after the main panes: the last match is theirs.
        .rposition(|(_, t)| t.trim() == first)
        .unwrap_or_else(|| panic!("{first:?} is shown"));
    labels[start..]
        .chunks(columns)
        .take_while(|row| {
            row.len() == columns
                && (row[0].0.center().y - row[columns - 1].0.center().y).abs() < 1.0
        })
        .map(|row| row.iter().map(|(_, t)| t.clone()).collect())
        .collect()
}

/// The rows of the window table whose header ends with `last_title`.
fn rows_after_header(
    harness: &Harness<'_, WirelensApp>,
    last_title: &str,
    columns: usize,
) -> Vec<Vec<String>> {
    let labels = labels(harness);
    let header = labels
        .iter()
        .rposition(|(_, t)| t == last_title)
        .unwrap_or_else(|| panic!("a table headed {last_title:?}"));
    labels[header + 1..]
        .chunks(columns)
        .take_while(|row| {
            row.len() == columns
                && (row[0].0.center().y - row[columns - 1].0.center().y).abs() < 1.0
        })
        .map(|row| row.iter().map(|(_, t)| t.clone()).collect())
        .collect()
}

/// tshark's `-z io,phs` lines as (indent, protocol, frames, bytes).
fn tshark_hierarchy(path: &Path) -> Vec<(usize, String, String, String)> {
    let text = std::fs::read_to_string(path.with_extension("phs.txt"))
        .expect("the stored tshark hierarchy");
    text.lines()
        .filter(|l| l.contains("frames:"))
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let mut words = l.split_whitespace();
            let proto = words.next().unwrap_or_default().to_owned();
            let frames = words
                .next()
                .unwrap_or_default()
                .trim_start_matches("frames:")
                .to_owned();
            let bytes = words
                .next()
                .unwrap_or_default()
                .trim_start_matches("bytes:")
                .to_owned();
            (indent / 2, proto, frames, bytes)
        })
        .collect()
}

/// What tshark's hierarchy of http_get.pcap has that wirelens does not
/// count (as in tests/tests/session.rs): tshark's reassembled-segments node
/// under the HTTP body's `data-text-lines`.
const NOT_DISSECTED: [&str; 1] = ["tcp.segments"];

#[test]
fn protocol_hierarchy_matches_tshark() {
    let path = corpus_file(HTTP_GET);
    let mut expected = tshark_hierarchy(&path);
    assert_eq!(expected.len(), 6);
    expected.retain(|row| !NOT_DISSECTED.contains(&row.1.as_str()));
    let mut harness = harness(WirelensApp::new(Some(path)));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Protocol Hierarchy");
    let rows = window_rows(&harness, "eth", 5);
    let shown: Vec<(usize, String, String, String)> = rows
        .iter()
        .map(|r| {
            let indent = (r[0].len() - r[0].trim_start().len()) / 2;
            (indent, r[0].trim().to_owned(), r[2].clone(), r[4].clone())
        })
        .collect();
    assert_eq!(shown, expected);
    assert_eq!(rows[0][1], "100.0");
}

#[test]
fn tcp_conversations_match_tshark() {
    let path = corpus_file(HTTP_GET);
    let text =
        std::fs::read_to_string(path.with_extension("conv.txt")).expect("the stored tshark table");
    let line = text
        .lines()
        .find(|l| l.contains("<->"))
        .expect("a conversation line");
    let w: Vec<&str> = line.split_whitespace().collect();
    // A <-> B, then "<-" frames and bytes (B to A), "->" frames and bytes (A to B).
    let (a, b, back_frames, back_bytes, fwd_frames, fwd_bytes) =
        (w[0], w[2], w[3], w[4], w[6], w[7]);

    let mut harness = harness(WirelensApp::new(Some(path)));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Conversations");
    let tab = [Role::Button, Role::CheckBox, Role::Tab]
        .into_iter()
        .find_map(|role| harness.query_by_role_and_label(role, "TCP"))
        .expect("the TCP tab");
    tab.click();
    harness.run();
    let rows = window_rows(&harness, a, 8);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][..6],
        [a, b, fwd_frames, fwd_bytes, back_frames, back_bytes].map(str::to_owned)
    );
}

#[test]
fn endpoints_sum_their_conversations() {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Endpoints");
    // IPv4 endpoints of the one conversation: 14 frames each, 6087 bytes.
    let rows = window_rows(&harness, "141.142.228.5", 7);
    assert_eq!(rows[0][1..3], ["14", "6087"].map(str::to_owned));
    assert!(has_label(&harness, "192.150.187.43"));
}

#[test]
fn the_io_graph_counts_every_packet_and_a_filtered_series() {
    let path = corpus_file(HTTP_GET);
    let phs = tshark_hierarchy(&path);
    let total = (&phs[0].2, &phs[0].3);
    let http = phs
        .iter()
        .find(|p| p.1 == "http")
        .expect("http in the hierarchy");
    let mut harness = harness(WirelensApp::new(Some(path)));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "I/O Graph");
    harness.get_by_label("Add series:").focus();
    harness.run();
    harness.get_by_label("Add series:").type_text("http");
    harness.run();
    harness.get_by_label("Add").click();
    run_until_idle(&mut harness);
    harness.run();
    run_until_idle(&mut harness);
    let graph = &harness.state().state.io_graph;
    let sums: Vec<(String, String)> = graph
        .series
        .iter()
        .map(|s| {
            let b = s.buckets.as_ref().expect("a computed series");
            (
                b.frames.iter().sum::<u64>().to_string(),
                b.bytes.iter().sum::<u64>().to_string(),
            )
        })
        .collect();
    assert_eq!(
        sums,
        [
            (total.0.clone(), total.1.clone()),
            (http.2.clone(), http.3.clone())
        ]
    );
    assert!(harness.query_by_label("all packets").is_some() || has_label(&harness, "all packets"));
}

/// tshark's `-z expert` table (stored in tests/tests/data) as sorted
/// (severity, group, protocol, summary, count) rows.
fn tshark_expert(name: &str) -> Vec<[String; 5]> {
    let path =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/tests/data")).join(name);
    let text = std::fs::read_to_string(&path).expect("the stored tshark expert table");
    let mut severity = "";
    let mut rows = Vec::new();
    for line in text.lines() {
        if let Some(section) = ["Errors", "Warns", "Notes", "Chats"]
            .iter()
            .find(|s| line.starts_with(**s))
        {
            severity = match *section {
                "Errors" => "Error",
                "Warns" => "Warning",
                "Notes" => "Note",
                _ => "Chat",
            };
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(count) = words.first().filter(|w| w.parse::<u64>().is_ok()) else {
            continue;
        };
        rows.push([
            severity.to_owned(),
            words[1].to_owned(),
            words[2].to_owned(),
            words[3..].join(" "),
            (*count).to_owned(),
        ]);
    }
    rows.sort();
    rows
}

#[test]
fn expert_information_matches_tshark() {
    let expected = tshark_expert("tcp_ooo_small.expert.txt");
    assert_eq!(expected.len(), 11);
    let mut harness = harness(WirelensApp::new(Some(corpus_file(
        "tcp/tcp_ooo_small.pcap",
    ))));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Expert Information");
    let mut rows: Vec<[String; 5]> = rows_after_header(&harness, "Count", 5)
        .into_iter()
        .map(|r| {
            [
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].clone(),
            ]
        })
        .collect();
    rows.sort();
    assert_eq!(rows, expected);
}

/// A capture whose first packet is 281 days before the other four
/// (icmpv6_misc) at a 1-second interval: the series is counted at 243 s so it
/// stays within `MAX_IO_BUCKETS`, and the buckets carry that interval for the
/// plot's time axis; the filtered series shares the grid.
#[test]
fn io_graph_buckets_carry_the_widened_interval() {
    use wirelens_capture::session::{Config, Session};
    use wirelens_capture::CaptureFile;
    use wirelens_gui::views::stats::io_graph::compute;
    let file = CaptureFile::open(&corpus_file("ip/icmpv6_misc.pcap")).expect("the capture opens");
    let session = Session::start(file, Config::default());
    session.wait();
    let all = compute(&session, "", 1_000_000_000).expect("all packets");
    assert_eq!(all.interval_ns, 243_000_000_000);
    assert_eq!(all.frames.len(), 24_251_308 / 243 + 1);
    assert_eq!(all.frames.iter().sum::<u64>(), 5);
    let icmpv6 = compute(&session, "icmpv6", 1_000_000_000).expect("a filter");
    assert_eq!(icmpv6.interval_ns, all.interval_ns);
    assert_eq!(icmpv6.frames.len(), all.frames.len());
}
