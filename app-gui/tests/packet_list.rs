//! The main window driven headless through egui_kittest: opening files, the
//! packet list, sorting, the status bar. No window, no GPU: what the user
//! would read is taken from the accessibility tree.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use wirelens_capture::CaptureFile;
use wirelens_dissect::{Dissector, FrameMeta, Packet, Prefs};
use wirelens_gui::WirelensApp;

const HTTP_GET: &str = "mixed/http_get.pcap";

/// Every packet of `path` as the dissector sums it up, in packet-list
/// columns (a plain pcap: no interfaces or comments).
fn dissected_rows(path: &Path) -> Vec<Vec<String>> {
    let file = CaptureFile::open(path).expect("the capture opens");
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(false);
    let mut first = None;
    let mut rows = Vec::new();
    for frame in file.packets() {
        let frame = frame.expect("a readable packet");
        let meta = FrameMeta::new(frame.number, frame.ts, frame.orig_len, frame.link_type);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let first = *first.get_or_insert(frame.ts);
        let s = &pkt.summary;
        rows.push(vec![
            frame.number.to_string(),
            frame.ts.since(first).to_string(),
            s.src.to_string(),
            s.dst.to_string(),
            s.protocol.to_owned(),
            frame.orig_len.to_string(),
            s.info.clone(),
        ]);
    }
    rows
}

#[test]
fn http_get_lists_all_fourteen_packets() {
    let path = corpus_file(HTTP_GET);
    let mut harness = harness(WirelensApp::new(Some(path.clone())));
    run_until_idle(&mut harness);

    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert!(harness
        .query_by_label("pcap 2.4 little-endian µs, 6.3 KB")
        .is_some());
    let rows = table_rows(&harness);
    assert_eq!(rows, dissected_rows(&path));
    assert_eq!(rows[0][5], "78");
}

#[test]
fn missing_file_shows_a_one_line_error_and_the_open_prompt() {
    let mut harness = harness(WirelensApp::new(Some(PathBuf::from(
        "/nonexistent-dir/missing.pcap",
    ))));
    run_until_idle(&mut harness);

    let status = status_text(&harness);
    assert!(
        status.starts_with("Cannot open missing.pcap: cannot read the capture file: "),
        "{status}"
    );
    assert!(!status.contains('\n'), "{status:?}");
    // No table; the user can type another path instead.
    assert!(harness.query_by_label("No.").is_none());
    // The file field and the TLS key log field.
    assert_eq!(harness.query_all_by_role(Role::TextInput).count(), 2);
    assert!(harness.query_by_label("Open").is_some());
}

#[test]
fn damaged_file_keeps_the_rows_before_the_damage_and_names_its_offset() {
    let source = corpus_file(HTTP_GET);
    let bytes = std::fs::read(&source).expect("the capture is readable");
    // Cut into the last record: every packet but the last stays readable.
    let cut = TempFile::new("truncated.pcap", &bytes[..bytes.len() - 5]);

    // What the capture engine itself reports for this file.
    let file = CaptureFile::open(&cut.0).expect("the header is intact");
    let mut good = 0;
    let mut damage = None;
    for item in file.packets() {
        match item {
            Ok(_) => good += 1,
            Err(e) => damage = Some(e),
        }
    }
    let damage = damage.expect("the cut file is damaged");
    assert_eq!(good, 13);

    let mut harness = harness(WirelensApp::new(Some(cut.0.clone())));
    run_until_idle(&mut harness);

    let name = cut
        .0
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert_eq!(
        status_text(&harness),
        format!("{name}: 13 packets; reading stopped {damage}")
    );
    assert!(status_text(&harness).contains(&format!("at byte offset {}", damage.offset)));
    assert_eq!(table_rows(&harness).len(), 13);
}

#[test]
fn typing_a_path_and_pressing_open_loads_it() {
    let path = corpus_file(HTTP_GET);
    let mut harness = harness(WirelensApp::new(None));
    harness.run();
    assert_eq!(status_text(&harness), "No capture open");

    // The first text field is the file's (the second, the TLS key log).
    harness
        .get_all_by_role(Role::TextInput)
        .next()
        .expect("the file field")
        .focus();
    harness.run();
    harness
        .get_all_by_role(Role::TextInput)
        .next()
        .expect("the file field")
        .type_text(&path.to_string_lossy());
    harness.run();
    harness.get_by_label("Open").click();
    run_until_idle(&mut harness);

    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert_eq!(table_rows(&harness).len(), 14);
}

#[test]
fn clicking_a_row_selects_its_packet() {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    let selected = |h: &egui_kittest::Harness<'_, WirelensApp>| {
        h.state().state.capture.as_ref().and_then(|c| c.selected)
    };
    assert_eq!(selected(&harness), None);

    harness.get_by_label("3").click();
    run_until_idle(&mut harness);
    assert_eq!(selected(&harness), Some(3));
}

#[test]
fn clicking_a_column_header_sorts_by_it_both_ways() {
    let path = corpus_file(HTTP_GET);
    let mut expected = dissected_rows(&path);
    let mut harness = harness(WirelensApp::new(Some(path)));
    run_until_idle(&mut harness);

    harness.get_by_label("Length").click();
    run_until_idle(&mut harness);
    let length = |r: &Vec<String>| r[5].parse::<u32>().expect("a length");
    expected.sort_by_key(length);
    let rows = table_rows(&harness);
    assert_eq!(rows, expected);

    harness.get_by_label("Length ▲").click();
    run_until_idle(&mut harness);
    let rows = table_rows(&harness);
    let lengths: Vec<u32> = rows.iter().map(length).collect();
    let mut descending = lengths.clone();
    descending.sort_by(|a, b| b.cmp(a));
    assert_eq!(lengths, descending);
    assert_eq!(rows.len(), 14);
}

/// A TLS key log given on the command line (`WirelensApp::with_prefs`)
/// decrypts: the HTTP requests curl sent inside TLS 1.2 match a filter,
/// where without it there are only TLS records.
#[test]
fn a_tls_key_log_shows_the_decrypted_http() {
    let capture = sample_file("tls/tls12_aead.pcap");
    let rows_for = |prefs: Prefs, filter: &str| {
        let mut harness = harness(WirelensApp::with_prefs(Some(capture.clone()), prefs));
        run_until_idle(&mut harness);
        assert!(status_text(&harness).starts_with("tls12_aead.pcap: 99 packets"));
        apply_filter(&mut harness, filter);
        table_rows(&harness)
    };
    let mut prefs = Prefs::default();
    prefs
        .read_tls_keylog(&sample_file("tls/tls12_aead.keys").to_string_lossy())
        .expect("key log");
    let requests = rows_for(prefs.clone(), "http.request");
    assert_eq!(
        requests.len(),
        3,
        "one request per connection: {requests:?}"
    );
    assert!(requests
        .iter()
        .all(|r| r[6].starts_with("GET /medium.http HTTP/1.1")));
    let responses = rows_for(prefs, "http.response");
    assert_eq!(responses.len(), 3);
    assert!(responses
        .iter()
        .all(|r| r[6].starts_with("HTTP/1.1 200 OK")));
    assert!(rows_for(Prefs::default(), "http").is_empty());
}

#[test]
fn arrow_keys_move_the_selection_through_the_list() {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    let selected = |h: &egui_kittest::Harness<'_, WirelensApp>| {
        h.state().state.capture.as_ref().and_then(|c| c.selected)
    };
    harness.get_by_label("3").click();
    run_until_idle(&mut harness);
    for (key, expected) in [
        (egui::Key::ArrowDown, 4),
        (egui::Key::ArrowDown, 5),
        (egui::Key::ArrowUp, 4),
        (egui::Key::End, 14),
        (egui::Key::Home, 1),
        (egui::Key::PageDown, 14),
    ] {
        harness.key_press(key);
        run_until_idle(&mut harness);
        assert_eq!(selected(&harness), Some(expected), "{key:?}");
    }
    // The detail pane follows the selection.
    let detail = harness
        .state()
        .state
        .capture
        .as_ref()
        .and_then(|c| c.detail.as_ref().map(|d| d.number));
    assert_eq!(detail, Some(14));
}

#[test]
fn a_rows_context_menu_opens_its_connection_views() {
    let mut harness = harness(WirelensApp::new(Some(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    harness.get_by_label("6").click_secondary();
    harness.run();
    harness.get_by_label("Follow Stream").click();
    run_until_idle(&mut harness);
    assert_eq!(
        harness
            .state()
            .state
            .capture
            .as_ref()
            .and_then(|c| c.selected),
        Some(6)
    );
    assert!(harness.query_by_label("Follow TCP stream 0").is_some());
}
