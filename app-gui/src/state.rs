//! Application state, kept apart from drawing: what is open, which windows
//! show, what the fields hold. Views read it and turn input into changes.

use std::path::{Path, PathBuf};

use wirelens_dissect::Prefs;

use crate::model::job::{no_notify, Notify};
use crate::model::live::{CaptureRequest, LiveRun};
use crate::model::Capture;
use crate::views::capture_dialog::CaptureDialog;
use crate::views::file_browser::FileBrowser;
use crate::views::flow_table::FlowTable;
use crate::views::follow::FollowView;
use crate::views::stats::io_graph::IoGraph;
use crate::views::tcp_graph::ConnectionView;

/// Recent files kept in the File menu.
const RECENT_MAX: usize = 10;

/// The windows besides the main one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Windows {
    pub hierarchy: bool,
    pub conversations: bool,
    pub endpoints: bool,
    pub expert: bool,
    pub io_graph: bool,
    pub flows: bool,
    pub tcp_graph: bool,
    pub timeline: bool,
    pub follow: bool,
    pub about: bool,
}

/// Everything the window shows, independent of how it is drawn.
#[derive(Default)]
pub struct AppState {
    /// The capture being shown or loaded, if any.
    pub capture: Option<Capture>,
    /// The last file that could not be opened, and why (one line).
    pub open_error: Option<(PathBuf, String)>,
    /// The text of the "open a file" path field.
    pub path_input: String,
    /// The text of the TLS key log field (`tls.keylog_file`).
    pub keylog_input: String,
    /// Dissection preferences for the next file opened (`-o`, the key log).
    pub prefs: Prefs,
    /// Why the key log in the field could not be read.
    pub keylog_error: Option<String>,
    /// A file to open on the next frame. Opening needs the egui context (for
    /// repaint requests from the loading threads), which exists only inside
    /// a frame, so a path given before the first frame waits here.
    pub pending_open: Option<PathBuf>,
    /// Files opened before, newest first.
    pub recent: Vec<PathBuf>,
    /// Where the recent list is kept between runs (none in tests).
    pub recent_store: Option<PathBuf>,
    /// The display filter field.
    pub filter_input: String,
    pub windows: Windows,
    pub browser: Option<FileBrowser>,
    pub connection: Option<ConnectionView>,
    pub follow: Option<FollowView>,
    pub flows: Option<FlowTable>,
    pub io_graph: IoGraph,
    /// The last export's outcome, for the status bar.
    pub notice: Option<String>,
    /// The live capture shown, if any (Capture › Start).
    pub live: Option<LiveRun>,
    /// The live capture's packets per second, sampled each frame.
    pub live_rate: f64,
    /// The capture dialog, while open.
    pub capture_dialog: Option<CaptureDialog>,
    pub notify: Option<Notify>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("open", &self.capture.as_ref().map(|c| c.path.clone()))
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State that opens `path` on the first frame, dissected with `prefs`.
    pub fn with_file_and_prefs(path: Option<PathBuf>, prefs: Prefs) -> Self {
        AppState {
            pending_open: path,
            prefs,
            ..AppState::default()
        }
    }

    /// Reads the TLS key log named in the key log field into the preferences
    /// used for the next file opened, in place of the one before. An empty
    /// field keeps what the command line gave.
    pub fn apply_keylog_input(&mut self) -> Result<(), String> {
        let path = self.keylog_input.trim();
        if path.is_empty() {
            return Ok(());
        }
        let mut prefs = Prefs {
            tls_keylog: None,
            ..self.prefs.clone()
        };
        prefs.read_tls_keylog(path)?;
        self.prefs = prefs;
        Ok(())
    }

    /// The notifier background work calls (a repaint request in the window).
    pub fn notifier(&self) -> Notify {
        self.notify.clone().unwrap_or_else(no_notify)
    }

    /// Starts a live capture and shows it in place of the current capture.
    pub fn start_live(&mut self, request: &CaptureRequest) -> Result<(), String> {
        self.stop_live();
        let mut live = LiveRun::start(request)?;
        self.close_capture();
        match Capture::follow(&live.file, self.prefs.clone(), self.notifier()) {
            Ok(capture) => {
                self.open_error = None;
                self.capture = Some(capture);
                self.live = Some(live);
                Ok(())
            }
            Err(e) => {
                live.stop();
                Err(format!("{}: {e}", live.file.display()))
            }
        }
    }

    /// Stops the live capture, if one runs; the session then loads the rest
    /// of its file as it would a file. The file stays (named in the status).
    pub fn stop_live(&mut self) {
        if let Some(live) = &mut self.live {
            live.stop();
        }
        if let Some(capture) = &self.capture {
            capture.session.stop_following();
        }
    }

    /// Forgets the shown capture and every window made from it.
    fn close_capture(&mut self) {
        self.capture = None;
        self.connection = None;
        self.follow = None;
        self.flows = None;
        self.io_graph = IoGraph::default();
        self.filter_input.clear();
    }

    /// Opens `path`, replacing (and so cancelling) the current capture.
    pub fn open(&mut self, path: PathBuf) {
        self.stop_live();
        self.live = None;
        self.close_capture();
        match Capture::open(&path, self.prefs.clone(), self.notifier()) {
            Ok(capture) => {
                self.open_error = None;
                self.capture = Some(capture);
                self.remember(&path);
            }
            Err(e) => self.open_error = Some((path, e)),
        }
    }

    /// Takes in what background work produced since the last frame.
    pub fn poll(&mut self) {
        if let Some(c) = &mut self.capture {
            c.poll();
        }
        if let Some(live) = &mut self.live {
            self.live_rate = live.sample_rate();
        }
        // A stop condition (the packet count) ended the capture: the file
        // is complete, so the session stops waiting for more.
        let ended = self.live.as_ref().is_some_and(|l| !l.is_running());
        let following = self
            .capture
            .as_ref()
            .is_some_and(|c| c.session.is_following());
        if ended && following {
            self.stop_live();
        }
    }

    /// True while anything runs in the background (tests wait for it).
    pub fn is_loading(&mut self) -> bool {
        self.capture.as_mut().is_some_and(Capture::is_busy)
            || self
                .connection
                .as_mut()
                .is_some_and(ConnectionView::is_running)
            || self.flows.as_mut().is_some_and(FlowTable::is_running)
            || self.follow.as_mut().is_some_and(FollowView::is_running)
            || self.io_graph.is_running()
    }

    /// Puts `path` first in the recent list and saves the list.
    fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_MAX);
        if let Some(store) = &self.recent_store {
            let text: String = self
                .recent
                .iter()
                .filter_map(|p| p.to_str())
                .map(|p| format!("{p}\n"))
                .collect();
            if let Some(dir) = store.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            // Best effort: a recent list that cannot be saved only costs the
            // list at the next start.
            let _ = std::fs::write(store, text);
        }
    }

    /// Loads the recent list kept at `store`.
    pub fn load_recent(&mut self, store: PathBuf) {
        if let Ok(text) = std::fs::read_to_string(&store) {
            self.recent = text
                .lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .take(RECENT_MAX)
                .collect();
        }
        self.recent_store = Some(store);
    }
}

/// Where the recent-files list lives: `$XDG_CONFIG_HOME/wirelens/recent`
/// or `~/.config/wirelens/recent`.
pub fn default_recent_store() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("wirelens").join("recent"))
}

pub use crate::model::display_name;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        format!(
            "{}/../samples/captures/tls/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    }

    fn keys(state: &AppState) -> usize {
        state.prefs.tls_keylog.as_ref().map_or(0, |k| k.len())
    }

    #[test]
    fn the_key_log_field_replaces_the_key_log_only_when_it_names_a_readable_file() {
        let mut prefs = Prefs::default();
        prefs
            .read_tls_keylog(&sample("tls12_aead.keys"))
            .expect("key log");
        let mut state = AppState::with_file_and_prefs(None, prefs);
        let from_command_line = keys(&state);
        assert!(from_command_line > 0);

        // Empty: the command line's key log stays.
        state.apply_keylog_input().expect("empty field");
        assert_eq!(keys(&state), from_command_line);

        // Unreadable: an error, and the key log before stays.
        state.keylog_input = "/nonexistent/keys.txt".into();
        let e = state.apply_keylog_input().expect_err("missing file");
        assert!(e.contains("cannot read the TLS key log file"), "{e}");
        assert_eq!(keys(&state), from_command_line);

        // Another file: it replaces the key log rather than adding to it.
        state.keylog_input = sample("tls13_keyupdate.keys");
        state.apply_keylog_input().expect("key log");
        let mut alone = Prefs::default();
        alone
            .read_tls_keylog(&sample("tls13_keyupdate.keys"))
            .expect("key log");
        assert_eq!(keys(&state), alone.tls_keylog.map_or(0, |k| k.len()));
    }

    #[test]
    fn recent_files_are_kept_newest_first_without_duplicates() {
        let store =
            std::env::temp_dir().join(format!("wirelens-gui-recent-{}", std::process::id()));
        let mut state = AppState::default();
        state.load_recent(store.clone());
        let a = PathBuf::from("/nonexistent/a.pcap");
        let b = PathBuf::from("/nonexistent/b.pcap");
        state.remember(&a);
        state.remember(&b);
        state.remember(&a);
        assert_eq!(state.recent, vec![a.clone(), b.clone()]);
        let mut again = AppState::default();
        again.load_recent(store.clone());
        let _ = std::fs::remove_file(&store);
        assert_eq!(again.recent, vec![a, b]);
    }
}
