//! Helpers shared by the GUI tests: corpus paths, a harness, waiting for
//! background work, and reading what the window shows from the
//! accessibility tree (egui_kittest renders nothing without wgpu, so the
//! tests read what a screen reader would).

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use wirelens_gui::views::packet_list::COLUMNS;
use wirelens_gui::WirelensApp;

/// A capture of the shared corpus, or a failure that says what is missing.
pub fn corpus_file(relative: &str) -> PathBuf {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/captures/"
    ))
    .join(relative);
    assert!(
        path.is_file(),
        "test capture {} is missing: these tests read the shared corpus \
         (shared/captures/) beside the repository",
        path.display()
    );
    path
}

/// A capture recorded for this repository (samples/captures).
pub fn sample_file(relative: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/captures/")).join(relative)
}

pub const HEIGHT: f32 = 900.0;

/// A harness large enough that a screenful of rows is on screen (the table
/// only builds visible rows).
pub fn harness(app: WirelensApp) -> Harness<'static, WirelensApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, HEIGHT))
        .build_ui_state(|ui, app: &mut WirelensApp| app.show(ui), app)
}

/// Steps frames until the background work (loading, dissection of the rows
/// on screen and of the selection, filters, sorting, connection reports)
/// has finished, then lets the UI settle. The work runs on real threads, so
/// this waits in real time.
pub fn run_until_idle(harness: &mut Harness<'_, WirelensApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut quiet = 0;
    loop {
        harness.step();
        let app = harness.state_mut();
        let busy = app.state.pending_open.is_some() || app.state.is_loading() || app.is_exporting();
        // Idle for a few frames in a row: a frame can ask for new rows.
        quiet = if busy { 0 } else { quiet + 1 };
        if quiet >= 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "background work did not finish in 60 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
}

/// Texts of all labels, with their rectangles, in accessibility-tree order.
pub fn labels(harness: &Harness<'_, WirelensApp>) -> Vec<(egui::Rect, String)> {
    harness
        .query_all_by_role(Role::Label)
        .map(|node| (node.rect(), node.value().unwrap_or_default()))
        .collect()
}

pub fn has_label(harness: &Harness<'_, WirelensApp>, text: &str) -> bool {
    labels(harness).iter().any(|(_, t)| t == text)
}

/// The packet-list rows on screen, each as its cells' texts, read from the
/// labels after the header's last title. The list is drawn last (the other
/// panes are panels around it), so its labels end the tree when no window
/// is open. Each cell holds one label, so rows are runs of `COLUMNS.len()`
/// labels; the cells of a row are checked to sit on one line, so a layout
/// change fails here instead of silently misreading the table.
pub fn table_rows(harness: &Harness<'_, WirelensApp>) -> Vec<Vec<String>> {
    let labels = labels(harness);
    let header_end = labels
        .iter()
        .rposition(|(_, text)| text.trim_end_matches([' ', '▲', '▼']) == COLUMNS[COLUMNS.len() - 1])
        .expect("the packet list header is shown");
    // A sorted column's title carries the direction (▲ or ▼).
    let header: Vec<&str> = labels[header_end + 1 - COLUMNS.len()..=header_end]
        .iter()
        .map(|(_, text)| text.trim_end_matches([' ', '▲', '▼']))
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

/// The status bar's main text: the leftmost label of the bottom line.
pub fn status_text(harness: &Harness<'_, WirelensApp>) -> String {
    let labels = labels(harness);
    let bottom = labels
        .iter()
        .map(|(r, _)| r.center().y)
        .fold(f32::MIN, f32::max);
    labels
        .into_iter()
        .filter(|(r, _)| (r.center().y - bottom).abs() < 2.0)
        .min_by(|a, b| a.0.left().total_cmp(&b.0.left()))
        .map(|(_, text)| text)
        .expect("the status bar has a label")
}

/// Clicks a menu, then one of its items, and waits for the work the item
/// starts (a report's window shows a spinner, which repaints, until then).
pub fn menu(harness: &mut Harness<'_, WirelensApp>, menu: &str, item: &str) {
    harness.get_by_label(menu).click();
    harness.run();
    harness.get_by_label(item).click();
    run_until_idle(harness);
}

/// Types `text` into the display filter field and presses Enter.
pub fn apply_filter(harness: &mut Harness<'_, WirelensApp>, text: &str) {
    let field = harness.get_by_label("Filter:");
    field.focus();
    harness.run();
    harness.get_by_label("Filter:").type_text(text);
    harness.run();
    harness.key_press(egui::Key::Enter);
    run_until_idle(harness);
}

/// A file in the temporary folder, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str, contents: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("wirelens-gui-test-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("the temporary folder is writable");
        TempFile(path)
    }

    /// A path for the program to write to.
    pub fn path(name: &str) -> Self {
        TempFile(
            std::env::temp_dir().join(format!("wirelens-gui-test-{}-{name}", std::process::id())),
        )
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temporary folder is harmless.
        let _ = std::fs::remove_file(&self.0);
    }
}
