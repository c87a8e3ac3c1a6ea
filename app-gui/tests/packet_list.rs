//! The GUI driven headless through egui_kittest: no window, no GPU; what the
//! user would read is taken from the accessibility tree.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use wirelens_capture::CaptureFile;
use wirelens_dissect::{Dissector, FrameMeta, Packet, Prefs};
use wirelens_gui::views::packet_list::COLUMNS;
use wirelens_gui::WirelensApp;

const HTTP_GET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/captures/mixed/http_get.pcap"
);

/// A capture of the shared corpus, or a failure that says what is missing.
fn corpus_file(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "test capture {} is missing: these tests read the shared corpus \
         (shared/captures/) beside the repository",
        path.display()
    );
    path
}

/// A harness large enough that all 14 rows of http_get.pcap are on screen
/// (the table only builds visible rows).
fn harness(file: Option<PathBuf>) -> Harness<'static, WirelensApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 800.0))
        .build_ui_state(
            |ui, app: &mut WirelensApp| app.show(ui),
            WirelensApp::new(file),
        )
}

/// Steps frames until the background load has finished, then lets the UI
/// settle. Loading runs on a real thread, so this waits in real time.
fn run_until_loaded(harness: &mut Harness<'_, WirelensApp>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        harness.step();
        let state = &harness.state().state;
        if state.pending_open.is_none() && !state.is_loading() {
            break;
        }
        assert!(Instant::now() < deadline, "loading did not finish in 30 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

/// Texts of all labels, in accessibility-tree order.
fn labels(harness: &Harness<'_, WirelensApp>) -> Vec<(egui::Rect, String)> {
    harness
        .query_all_by_role(Role::Label)
        .map(|node| (node.rect(), node.value().unwrap_or_default()))
        .collect()
}

/// The packet-list rows on screen, each as its cells' texts, read from the
/// labels after the header's last title. Each cell holds one label (an
/// empty one has no value), so rows are runs of `COLUMNS.len()` labels; the
/// cells of a row are checked to sit on one line, so a layout change fails
/// here instead of silently misreading the table.
fn table_rows(harness: &Harness<'_, WirelensApp>) -> Vec<Vec<String>> {
    let labels = labels(harness);
    let header_end = labels
        .iter()
        .position(|(_, text)| text == COLUMNS[COLUMNS.len() - 1])
        .expect("the packet list header is shown");
    let header: Vec<&str> = labels[header_end + 1 - COLUMNS.len()..=header_end]
        .iter()
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(header, COLUMNS);
    let cells = &labels[header_end + 1..];
    assert_eq!(cells.len() % COLUMNS.len(), 0, "incomplete table row");
    cells
        .chunks(COLUMNS.len())
        .map(|row| {
            let y = row[0].0.center().y;
            for (rect, text) in row {
                assert!(
                    (rect.center().y - y).abs() < 1.0,
                    "cell {text:?} is not on the line of {:?}",
                    row[0].1
                );
            }
            row.iter().map(|(_, text)| text.clone()).collect()
        })
        .collect()
}

/// The status bar's main text (the first label of the window).
fn status_text(harness: &Harness<'_, WirelensApp>) -> String {
    labels(harness)
        .into_iter()
        .next()
        .map(|(_, text)| text)
        .expect("the status bar has a label")
}

/// Frame 1 of `path` as the dissector sums it up, in packet-list columns.
fn dissected_first_row(path: &Path) -> Vec<String> {
    let file = CaptureFile::open(path).expect("the capture opens");
    let frame = file
        .packets()
        .next()
        .expect("the capture has a packet")
        .expect("the first packet is readable");
    // A plain pcap record: no section, interface or comments.
    let meta = FrameMeta::new(frame.number, frame.ts, frame.orig_len, frame.link_type);
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(false);
    dissector.dissect(&meta, frame.data, &mut pkt);
    let s = &pkt.summary;
    vec![
        "1".to_owned(),
        "0.000000000".to_owned(),
        s.src.to_string(),
        s.dst.to_string(),
        s.protocol.to_owned(),
        frame.orig_len.to_string(),
        s.info.clone(),
    ]
}

#[test]
fn http_get_lists_all_fourteen_packets() {
    let path = corpus_file(HTTP_GET);
    let mut harness = harness(Some(path.clone()));
    run_until_loaded(&mut harness);

    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert!(harness
        .query_by_label("pcap 2.4 little-endian µs, 6.3 KB")
        .is_some());

    let rows = table_rows(&harness);
    assert_eq!(rows.len(), 14);
    let numbers: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(
        numbers,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]
    );
    assert_eq!(rows[0], dissected_first_row(&path));
    // The capture is Ethernet, so whatever the upper layers say, frame 1's
    // source is at least a known address and the Length column is its size.
    assert!(!rows[0][2].is_empty());
    assert_eq!(rows[0][5], "78");
    assert_eq!(
        harness.state().state.capture.as_ref().map(|c| c.rows.len()),
        Some(14)
    );
}

#[test]
fn missing_file_shows_a_one_line_error_and_the_open_prompt() {
    let mut harness = harness(Some(PathBuf::from("/nonexistent-dir/missing.pcap")));
    run_until_loaded(&mut harness);

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

    let mut harness = harness(Some(cut.0.clone()));
    run_until_loaded(&mut harness);

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
    let mut harness = harness(None);
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
    run_until_loaded(&mut harness);

    assert_eq!(status_text(&harness), "http_get.pcap: 14 packets");
    assert_eq!(table_rows(&harness).len(), 14);
}

#[test]
fn clicking_a_row_selects_it() {
    let mut harness = harness(Some(corpus_file(HTTP_GET)));
    run_until_loaded(&mut harness);
    assert_eq!(harness.state().state.selected, None);

    harness.get_by_label("3").click();
    harness.run();
    assert_eq!(harness.state().state.selected, Some(2));
}

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("wirelens-gui-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("the temporary folder is writable");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temporary folder is harmless.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A TLS key log given on the command line (`WirelensApp::with_prefs`)
/// decrypts: the HTTP requests curl sent inside TLS 1.2 show in the list,
/// where without it there are only TLS records.
#[test]
fn a_tls_key_log_shows_the_decrypted_http() {
    let sample = |name: &str| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../samples/captures/tls/"
        ))
        .join(name)
    };
    let infos = |prefs: Prefs| {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1400.0, 800.0))
            .build_ui_state(
                |ui, app: &mut WirelensApp| app.show(ui),
                WirelensApp::with_prefs(Some(sample("tls12_aead.pcap")), prefs),
            );
        run_until_loaded(&mut harness);
        let state = &harness.state().state;
        let rows = &state.capture.as_ref().expect("a capture").rows;
        assert_eq!(rows.len(), 99);
        let shown = table_rows(&harness);
        let infos: Vec<String> = rows.iter().map(|r| r.info.to_string()).collect();
        (infos, shown)
    };
    let mut prefs = Prefs::default();
    prefs
        .read_tls_keylog(&sample("tls12_aead.keys").to_string_lossy())
        .expect("key log");
    let (decrypted, shown) = infos(prefs);
    let gets = decrypted
        .iter()
        .filter(|i| i.starts_with("GET /medium.http HTTP/1.1"))
        .count();
    assert_eq!(gets, 3, "one request per connection");
    assert_eq!(
        decrypted
            .iter()
            .filter(|i| i.starts_with("HTTP/1.1 200 OK"))
            .count(),
        3
    );
    assert!(shown
        .iter()
        .any(|row| row.iter().any(|c| c.starts_with("GET /medium.http"))));
    let (plain, _) = infos(Prefs::default());
    assert!(plain.iter().all(|i| !i.contains("GET /medium.http")));
}
