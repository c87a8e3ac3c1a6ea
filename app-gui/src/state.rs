//! Application state, kept apart from drawing so that the later panes
//! (detail tree, hex, filters, plots) read and change one model.

use std::path::{Path, PathBuf};

use wirelens_capture::{FileFormat, ReadError};
use wirelens_dissect::Prefs;

use crate::loader::{LoadEvent, Loader, PacketRow};

/// Everything the window shows, independent of how it is drawn.
#[derive(Debug, Default)]
pub struct AppState {
    /// The capture being shown or loaded, if any.
    pub capture: Option<Capture>,
    /// The text of the "open a file" path field.
    pub path_input: String,
    /// The text of the TLS key log field (`tls.keylog_file`).
    pub keylog_input: String,
    /// Dissection preferences for the next file opened (`-o`, the key log).
    pub prefs: Prefs,
    /// Why the key log in the field could not be read.
    pub keylog_error: Option<String>,
    /// Index into [`Capture::rows`] of the selected packet.
    pub selected: Option<usize>,
    /// A file to open on the next frame. Opening needs the egui context (for
    /// the loader's repaint requests), which exists only inside a frame, so a
    /// path given before the first frame (the command line) waits here.
    pub pending_open: Option<PathBuf>,
}

impl AppState {
    /// State that opens `path` on the first frame.
    pub fn with_file(path: Option<PathBuf>) -> Self {
        AppState::with_file_and_prefs(path, Prefs::default())
    }

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

    /// Starts loading `path`, replacing (and so cancelling) any current load.
    /// `notify` is called from the loading thread whenever rows arrive.
    pub fn open(&mut self, path: PathBuf, notify: impl Fn() + Send + 'static) {
        self.selected = None;
        self.capture = Some(Capture::start(path, self.prefs.clone(), notify));
    }

    /// Takes in what the loader sent since the last frame. Returns true if
    /// anything changed.
    pub fn poll(&mut self) -> bool {
        self.capture.as_mut().is_some_and(Capture::poll)
    }

    /// True while a file is being read.
    pub fn is_loading(&self) -> bool {
        self.capture.as_ref().is_some_and(Capture::is_loading)
    }
}

/// Where the load of a capture stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadStatus {
    /// Waiting for the file header to be read.
    Opening,
    /// Rows are arriving.
    Loading,
    /// The whole file was read.
    Complete,
    /// Reading stopped at damage; the rows before it are kept.
    Damaged(ReadError),
    /// Loading broke off for another reason; the rows so far are kept.
    Aborted(String),
    /// The file could not be opened as a capture (one-line message).
    Failed(String),
}

/// One open capture file: its rows so far and how loading is going.
#[derive(Debug)]
pub struct Capture {
    pub path: PathBuf,
    pub format: Option<FileFormat>,
    pub file_size: u64,
    pub bytes_read: u64,
    pub rows: Vec<PacketRow>,
    pub status: LoadStatus,
    /// Present while the background thread runs; dropping it cancels the load.
    loader: Option<Loader>,
}

impl Capture {
    fn start(path: PathBuf, prefs: Prefs, notify: impl Fn() + Send + 'static) -> Self {
        let (loader, status) = match Loader::spawn_with(path.clone(), prefs, notify) {
            Ok(loader) => (Some(loader), LoadStatus::Opening),
            Err(e) => (
                None,
                LoadStatus::Failed(format!("cannot start reading the file: {e}")),
            ),
        };
        Capture {
            path,
            format: None,
            file_size: 0,
            bytes_read: 0,
            rows: Vec::new(),
            status,
            loader,
        }
    }

    /// A capture with no loader behind it, for tests of the views.
    #[cfg(test)]
    pub(crate) fn detached(path: PathBuf, status: LoadStatus) -> Self {
        Capture {
            path,
            format: None,
            file_size: 0,
            bytes_read: 0,
            rows: Vec::new(),
            status,
            loader: None,
        }
    }

    /// The file name without its folders, for the status bar and title.
    pub fn file_name(&self) -> String {
        display_name(&self.path)
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.status, LoadStatus::Opening | LoadStatus::Loading)
    }

    /// Share of the file read so far, for the progress bar.
    pub fn progress(&self) -> f32 {
        if self.file_size == 0 {
            0.0
        } else {
            (self.bytes_read as f64 / self.file_size as f64).clamp(0.0, 1.0) as f32
        }
    }

    fn poll(&mut self) -> bool {
        let Some(loader) = &mut self.loader else {
            return false;
        };
        let events = loader.poll();
        let changed = !events.is_empty();
        for event in events {
            self.apply(event);
        }
        if !self.is_loading() {
            self.loader = None;
        }
        changed
    }

    fn apply(&mut self, event: LoadEvent) {
        match event {
            LoadEvent::Opened { format, file_size } => {
                self.format = Some(format);
                self.file_size = file_size;
                self.status = LoadStatus::Loading;
            }
            LoadEvent::OpenFailed(message) => self.status = LoadStatus::Failed(message),
            LoadEvent::Rows {
                mut rows,
                bytes_read,
            } => {
                self.rows.append(&mut rows);
                self.bytes_read = bytes_read;
            }
            LoadEvent::Aborted(message) => self.status = LoadStatus::Aborted(message),
            LoadEvent::Finished { damage } => {
                self.status = match damage {
                    Some(e) => LoadStatus::Damaged(e),
                    None => {
                        // The last batch may end before trailing non-packet
                        // blocks; the whole file has been read now.
                        self.bytes_read = self.file_size;
                        LoadStatus::Complete
                    }
                };
            }
        }
    }
}

/// `path`'s last component, or the whole path when it has none (`/`, `..`).
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

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
}
