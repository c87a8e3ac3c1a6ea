//! Files in and out of the window: dropping a file on it, the file browser,
//! saving and exporting what is displayed, and every malformed capture of
//! the corpus opened and clicked through without a panic.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use egui_kittest::kittest::Queryable;
use wirelens_capture::CaptureFile;
use wirelens_gui::views::file_browser::Purpose;
use wirelens_gui::views::menu_bar::Action;
use wirelens_gui::WirelensApp;

const HTTP_GET: &str = "mixed/http_get.pcap";

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_file_dropped_on_the_window_opens() {
    let mut harness = harness(WirelensApp::new(None));
    harness.run();
    assert_eq!(status_text(&harness), "No capture open");
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(corpus_file(HTTP_GET))));
    run_until_idle(&mut harness);
    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert_eq!(table_rows(&harness).len(), 14);
    assert_eq!(
        harness
            .state()
            .state
            .recent
            .first()
            .and_then(|p| p.file_name()),
        Some("http_get.pcap".as_ref())
    );
}

#[test]
fn the_file_browser_opens_a_capture_by_name() {
    let path = corpus_file(HTTP_GET);
    let mut harness = harness(WirelensApp::new(None));
    harness.run();
    menu(&mut harness, "File", "Open…");
    // It starts in the current folder; go to the capture's.
    let browser = harness
        .state_mut()
        .state
        .browser
        .as_mut()
        .expect("the browser is open");
    *browser = wirelens_gui::views::file_browser::FileBrowser::new(
        Purpose::Open,
        path.parent().expect("a folder"),
    );
    harness.run();
    // The folder's captures are listed.
    assert!(harness.query_by_label("http_get.pcap").is_some());
    harness.get_by_label("File name:").focus();
    harness.run();
    harness
        .get_by_label("File name:")
        .type_text("http_get.pcap");
    harness.run();
    // The browser's button, not the open prompt's behind it (windows come last).
    harness
        .get_all_by_label("Open")
        .last()
        .expect("the browser's Open button")
        .click();
    run_until_idle(&mut harness);
    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert!(harness.state().state.browser.is_none());
}

/// Frames of `path` as (number, bytes).
fn frames(path: &Path) -> Vec<Vec<u8>> {
    let file = CaptureFile::open(path).expect("the capture opens");
    file.packets()
        .map(|f| f.expect("a readable packet").data.to_vec())
        .collect()
}

#[test]
fn saving_and_exporting_write_the_displayed_packets() {
    let source = corpus_file(HTTP_GET);
    let originals = frames(&source);
    let mut harness = harness(WirelensApp::new(Some(source.clone())));
    run_until_idle(&mut harness);
    apply_filter(&mut harness, "http");
    let shown: Vec<usize> = table_rows(&harness)
        .iter()
        .map(|r| r[0].parse().expect("a number"))
        .collect();
    assert_eq!(shown.len(), 2);

    let ctx = harness.ctx.clone();
    for (purpose, name) in [
        (Purpose::SavePcapng, "saved.pcapng"),
        (Purpose::SavePcap, "saved.pcap"),
    ] {
        let out = TempFile::path(name);
        harness.state_mut().carry_out(&ctx, purpose, out.0.clone());
        run_until_idle(&mut harness);
        let saved = frames(&out.0);
        let expected: Vec<Vec<u8>> = shown.iter().map(|&n| originals[n - 1].clone()).collect();
        assert_eq!(saved, expected, "{name}");
        assert_eq!(
            harness.state().state.notice.as_deref(),
            Some(format!("saved 2 packets to {}", out.0.display()).as_str())
        );
    }

    // JSON: tshark's shape; the packets' numbers and HTTP lines as tshark has them.
    let out = TempFile::path("export.json");
    harness
        .state_mut()
        .carry_out(&ctx, Purpose::ExportJson, out.0.clone());
    run_until_idle(&mut harness);
    let ours: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out.0).expect("written")).expect("JSON");
    let tshark: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(source.with_extension("tshark.json")).expect("tshark's JSON"),
    )
    .expect("JSON");
    let ours = ours.as_array().expect("an array");
    assert_eq!(ours.len(), 2);
    for (packet, &n) in ours.iter().zip(&shown) {
        let layers = &packet["_source"]["layers"];
        let truth = &tshark[n - 1]["_source"]["layers"];
        assert_eq!(
            layers["frame"]["frame.number"],
            truth["frame"]["frame.number"]
        );
        assert_eq!(layers["ip"]["ip.src"], truth["ip"]["ip.src"]);
        assert_eq!(layers["tcp"]["tcp.seq"], truth["tcp"]["tcp.seq"]);
        assert_eq!(layers["tcp"]["tcp.len"], truth["tcp"]["tcp.len"]);
    }

    // Flows: what `wirelens flows` writes for the file.
    let out = TempFile::path("flows.ndjson");
    harness
        .state_mut()
        .carry_out(&ctx, Purpose::ExportFlows, out.0.clone());
    run_until_idle(&mut harness);
    let mut expected = Vec::new();
    let args = wirelens::cli::FlowsArgs {
        file: source,
        format: wirelens::cli::FlowsFormat::Ndjson,
        display_filter: None,
        tls_keylog: None,
    };
    wirelens::commands::flows::run(&args, &mut expected).expect("the flow report");
    assert_eq!(std::fs::read(&out.0).expect("written"), expected);
}

/// Every malformed capture of the corpus: opened, each packet (up to 60)
/// selected with its tree and bytes shown, the statistics windows and the
/// connection views opened. Nothing may panic; the status bar says
/// something for each.
#[test]
fn malformed_captures_never_break_the_window() {
    let dir = corpus_file("malformed/arp_too_long_tha.pcap");
    let dir = dir.parent().expect("the malformed folder").to_path_buf();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the malformed folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng" || e == "cap")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{} captures", files.len());
    for path in files {
        let mut harness = harness(WirelensApp::new(Some(path.clone())));
        run_until_idle(&mut harness);
        assert!(!status_text(&harness).is_empty(), "{}", path.display());
        let Some(count) = harness
            .state()
            .state
            .capture
            .as_ref()
            .map(|c| c.session.len())
        else {
            continue;
        };
        for n in 1..=count.min(60) {
            harness
                .state_mut()
                .state
                .capture
                .as_mut()
                .expect("a capture")
                .select(n);
            run_until_idle(&mut harness);
        }
        if count > 0 {
            // Through the app rather than the menu: the windows opened
            // first would cover the menu bar.
            let ctx = harness.ctx.clone();
            for action in [
                Action::Hierarchy,
                Action::Expert,
                Action::Conversations,
                Action::TcpGraph,
                Action::Timeline,
                Action::FollowStream,
            ] {
                harness.state_mut().act(&ctx, action);
                run_until_idle(&mut harness);
            }
        }
    }
}
