//! The detail tree, the hex view and the filter bar, driven headless: a
//! packet's tree as `tshark -V` words it, field → bytes and byte → field
//! selection, filtering with validity and completion.

mod common;

use std::path::Path;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use wirelens_capture::CaptureFile;
use wirelens_dissect::export::text;
use wirelens_dissect::filter::Filter;
use wirelens_dissect::{Dissector, FrameMeta, Packet, Prefs};
use wirelens_gui::model::detail::Selected;
use wirelens_gui::WirelensApp;

const HTTP_GET: &str = "mixed/http_get.pcap";

/// Packet `number` of `path` dissected with its tree in a plain pass, as
/// `tshark -V` text lines, and its bytes.
fn tree_lines(path: &Path, number: u64) -> (Vec<String>, Vec<u8>) {
    let file = CaptureFile::open(path).expect("the capture opens");
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(true);
    for frame in file.packets() {
        let frame = frame.expect("a readable packet");
        let meta = FrameMeta::new(frame.number, frame.ts, frame.orig_len, frame.link_type);
        dissector.dissect(&meta, frame.data, &mut pkt);
        if frame.number == number {
            let mut out = String::new();
            text::tree(&mut out, &pkt, frame.data);
            return (
                out.lines().map(str::to_owned).collect(),
                frame.data.to_vec(),
            );
        }
    }
    panic!("no packet {number}");
}

/// Packet numbers of `path` that `filter` matches in a plain pass.
fn matching(path: &Path, filter: &str) -> Vec<String> {
    let filter = Filter::compile(filter).expect("the filter compiles");
    let file = CaptureFile::open(path).expect("the capture opens");
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(filter.needs_tree());
    let mut out = Vec::new();
    for frame in file.packets() {
        let frame = frame.expect("a readable packet");
        let meta = FrameMeta::new(frame.number, frame.ts, frame.orig_len, frame.link_type);
        dissector.dissect(&meta, frame.data, &mut pkt);
        if filter.matches(&pkt, &meta, frame.data) {
            out.push(frame.number.to_string());
        }
    }
    out
}

fn selected_field(harness: &Harness<'_, WirelensApp>) -> Option<&'static str> {
    let capture = harness.state().state.capture.as_ref()?;
    let detail = capture.detail.as_ref()?;
    match capture.selected_item? {
        Selected::Field(i) => Some(detail.packet.fields[i].def.name),
        Selected::Layer(_) => None,
    }
}

/// The hex view's byte labels on the line starting at `offset` (a multiple
/// of 16), left to right.
fn hex_line(harness: &Harness<'_, WirelensApp>, offset: usize) -> Vec<(egui::Rect, String)> {
    let labels = labels(harness);
    let rect = labels
        .iter()
        .find(|(_, t)| *t == format!("{offset:04x}"))
        .map(|(r, _)| *r)
        .unwrap_or_else(|| panic!("hex line {offset:04x} is shown"));
    let y = rect.center().y;
    let mut bytes: Vec<(egui::Rect, String)> = labels
        .into_iter()
        .filter(|(r, t)| {
            (r.center().y - y).abs() < 1.0
                && r.left() > rect.right()
                && t.len() == 2
                && t.chars().all(|c| c.is_ascii_hexdigit())
        })
        .collect();
    bytes.sort_by(|a, b| a.0.left().total_cmp(&b.0.left()));
    bytes
}

fn click_at(harness: &mut Harness<'_, WirelensApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run();
}

fn open_and_select(number: u64) -> Harness<'static, WirelensApp> {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    harness.get_by_label(&number.to_string()).click();
    run_until_idle(&mut harness);
    harness
}

#[test]
fn the_detail_tree_shows_every_layer_as_tshark_words_it() {
    let (lines, _) = tree_lines(&corpus_file(HTTP_GET), 1);
    let mut harness = open_and_select(1);
    let layers: Vec<&String> = lines.iter().filter(|l| !l.starts_with(' ')).collect();
    assert!(layers.len() >= 4, "{layers:?}");
    for layer in &layers {
        assert!(
            harness.query_by_label(layer).is_some(),
            "layer line {layer:?} is not shown"
        );
    }
    // Opening the TCP layer shows its fields, worded as in `tshark -V`.
    let tcp = layers
        .iter()
        .find(|l| l.starts_with("Transmission Control Protocol"))
        .expect("a TCP layer");
    harness.get_by_label(tcp).click();
    harness.run();
    let source_port = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("Source Port: "))
        .expect("a source port line");
    assert!(harness.query_by_label(source_port).is_some());
}

#[test]
fn clicking_a_field_highlights_its_bytes_and_clicking_a_byte_selects_its_field() {
    let (lines, bytes) = tree_lines(&corpus_file(HTTP_GET), 1);
    let mut harness = open_and_select(1);

    // Field → bytes: the TCP source port is bytes 34 and 35 of an
    // Ethernet/IPv4 (no options) frame.
    let tcp = lines
        .iter()
        .find(|l| l.starts_with("Transmission Control Protocol"))
        .expect("a TCP layer");
    harness.get_by_label(tcp).click();
    harness.run();
    let source_port = lines
        .iter()
        .map(|l| l.trim().to_owned())
        .find(|l| l.starts_with("Source Port: "))
        .expect("a source port line");
    harness.get_by_label(&source_port).click();
    harness.run();
    assert_eq!(selected_field(&harness), Some("tcp.srcport"));
    let capture = harness.state().state.capture.as_ref().expect("a capture");
    let detail = capture.detail.as_ref().expect("a detail");
    let (source, span) = detail
        .span_of(capture.selected_item.expect("a selection"))
        .expect("a span");
    assert_eq!((source, span.range()), (0, 34..36));
    let line = hex_line(&harness, 32);
    let shown: Vec<&str> = line[2..4].iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        shown,
        [format!("{:02x}", bytes[34]), format!("{:02x}", bytes[35])]
    );

    // Byte → field: byte 36 starts the destination port.
    let pos = line[4].0.center();
    click_at(&mut harness, pos);
    assert_eq!(selected_field(&harness), Some("tcp.dstport"));
    let destination_port = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("Destination Port: "))
        .expect("a destination port line");
    assert!(harness.query_by_label(destination_port).is_some());

    // Byte 26 is the first of the IPv4 source address: the IP layer opens
    // down to it.
    let ip_source = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("Source Address: "))
        .expect("an IPv4 source line");
    assert!(
        harness.query_by_label(ip_source).is_none(),
        "the IP layer starts closed"
    );
    let pos = hex_line(&harness, 16)[10].0.center();
    click_at(&mut harness, pos);
    assert_eq!(selected_field(&harness), Some("ip.src"));
    assert!(harness.query_by_label(ip_source).is_some());
}

#[test]
fn a_filter_shows_the_packets_a_plain_pass_matches() {
    let path = corpus_file(HTTP_GET);
    let mut harness = harness(WirelensApp::new(Some(path.clone())));
    run_until_idle(&mut harness);
    for filter in [
        "tcp.flags.syn == 1",
        "http",
        "tcp.len > 100 && tcp.srcport == 80",
    ] {
        let expected = matching(&path, filter);
        assert!(
            !expected.is_empty(),
            "{filter} matches nothing: a useless check"
        );
        harness.state_mut().state.filter_input.clear();
        apply_filter(&mut harness, filter);
        let numbers: Vec<String> = table_rows(&harness)
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(numbers, expected, "{filter}");
        assert_eq!(
            status_text(&harness),
            format!("http_get.pcap: 14 packets, {} displayed", expected.len())
        );
    }
}

#[test]
fn the_filter_field_says_why_a_filter_is_wrong_and_completes_names() {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    let field = harness.get_by_label("Filter:");
    field.focus();
    harness.run();
    harness.get_by_label("Filter:").type_text("tcp.port ==");
    harness.run();
    let message = match Filter::compile("tcp.port ==") {
        Ok(_) => panic!("an incomplete comparison compiles"),
        Err(e) => e.message,
    };
    assert!(
        has_label(&harness, &message),
        "the compiler's message {message:?} is shown"
    );

    // Completion offers registered names for the word being typed; Tab takes the first.
    harness.state_mut().state.filter_input = "tcp.port == 80 && tcp.str".into();
    harness.run();
    assert!(harness.query_by_label("tcp.stream").is_some());
    harness.key_press(egui::Key::Tab);
    harness.run();
    assert_eq!(
        harness.state().state.filter_input,
        "tcp.port == 80 && tcp.stream"
    );
    assert!(harness.query_all_by_role(Role::TextInput).count() >= 1);
}
