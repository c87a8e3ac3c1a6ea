//! The open capture as the window sees it, on top of the capture session.
//!
//! - [`Capture`]: one file: its [`Session`] (loading in the background), the
//!   rows on screen, the list's order (filter, sort), the selected packet.
//! - [`dissection`]: the thread that dissects rows and the selected packet.
//! - [`detail`]: a dissected packet and the tree/hex selection.
//! - [`sort`]: column sorting from the index.
//! - [`connection`]: one connection dissected again with its full history
//!   (TCP graphs, handshake timelines).
//! - [`job`]: background work polled by the frame loop.

pub mod connection;
pub mod detail;
pub mod dissection;
pub mod export;
pub mod job;
pub mod live;
pub mod sort;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use wirelens_capture::session::filter::{FilterControl, FilterOutcome};
use wirelens_capture::session::{Config, LoadState, Progress, Session};
use wirelens_dissect::filter::Filter;
use wirelens_dissect::{Prefs, Timestamp};

use detail::{Detail, Selected};
use dissection::{Dissection, Reply, RowSummary, CHUNK};
use job::{Job, Notify};
use sort::SortOrder;

/// The session configuration for the window: the session's lean retention,
/// with the user's preferences.
fn session_config(prefs: Prefs) -> Config {
    Config {
        prefs: Prefs {
            retention: Config::default().prefs.retention,
            ..prefs
        },
        ..Config::default()
    }
}

/// Rows kept in the cache before the ones far from the screen go.
const ROW_CACHE: usize = 64 * 1024;

/// A display filter running (or run) over the session.
pub struct FilterRun {
    pub text: String,
    pub control: Arc<FilterControl>,
    job: Job<FilterOutcome>,
    /// Loading was still going on when it started: run it again at the end.
    partial: bool,
}

/// One open capture file.
pub struct Capture {
    pub path: PathBuf,
    pub session: Arc<Session>,
    dissection: Dissection,
    notify: Notify,
    rows: HashMap<u64, RowSummary>,
    first_ts: Option<Timestamp>,
    /// The packets the list shows, in order, when filtered or sorted;
    /// `None`: every loaded packet in capture order.
    shown: Option<Arc<Vec<u64>>>,
    /// Packets matching the applied filter (before sorting), if one is applied.
    matches: Option<Arc<Vec<u64>>>,
    pub filter: Option<FilterRun>,
    /// The filter text applied to the list (empty: none).
    pub applied_filter: String,
    pub sort: Option<SortOrder>,
    sort_job: Option<Job<Vec<u64>>>,
    pub selected: Option<u64>,
    pub detail: Option<Arc<Detail>>,
    pub selected_item: Option<Selected>,
    /// The hex view's data source.
    pub hex_source: u8,
    /// Set when a selection came from a byte click: the tree opens down to it
    /// and scrolls it into view once.
    pub reveal: bool,
    pub message: Option<String>,
    rerun_after_load: bool,
}

impl Capture {
    /// Opens `path` and starts loading it.
    pub fn open(path: &Path, prefs: Prefs, notify: Notify) -> Result<Capture, String> {
        let session = Session::open(path, session_config(prefs)).map_err(|e| e.to_string())?;
        Ok(Capture::start(path, session, notify))
    }

    /// Opens the file a live capture is writing and follows it as it grows,
    /// until [`Session::stop_following`].
    pub fn follow(path: &Path, prefs: Prefs, notify: Notify) -> Result<Capture, String> {
        let session = Session::follow(path, session_config(prefs)).map_err(|e| e.to_string())?;
        Ok(Capture::start(path, session, notify))
    }

    fn start(path: &Path, session: Session, notify: Notify) -> Capture {
        let session = Arc::new(session);
        spawn_progress_ticker(&session, notify.clone());
        let dissection = Dissection::start(Arc::clone(&session), notify.clone());
        Capture {
            path: path.to_path_buf(),
            session,
            dissection,
            notify,
            rows: HashMap::new(),
            first_ts: None,
            shown: None,
            matches: None,
            filter: None,
            applied_filter: String::new(),
            sort: None,
            sort_job: None,
            selected: None,
            detail: None,
            selected_item: None,
            hex_source: 0,
            reveal: false,
            message: None,
            rerun_after_load: false,
        }
    }

    pub fn progress(&self) -> Progress {
        self.session.progress()
    }

    pub fn is_loading(&self) -> bool {
        self.progress().state == LoadState::Loading
    }

    /// True while anything runs in the background for this capture.
    pub fn is_busy(&mut self) -> bool {
        self.is_loading()
            || self.dissection.is_waiting()
            || self.filter.as_mut().is_some_and(|f| f.job.is_running())
            || self.sort_job.as_mut().is_some_and(Job::is_running)
            || self
                .selected
                .is_some_and(|n| self.detail.as_ref().is_none_or(|d| d.number != n))
    }

    /// Takes in what the background threads produced since the last frame.
    pub fn poll(&mut self) {
        if self.first_ts.is_none() {
            self.first_ts = self.session.entry(1).map(|e| e.ts());
        }
        for reply in self.dissection.poll() {
            match reply {
                Reply::Rows(rows) => {
                    for r in rows {
                        self.rows.insert(r.number, r);
                    }
                }
                Reply::Dropped(_) => {}
                Reply::Detail(d) => {
                    if Some(d.number) == self.selected {
                        if self
                            .detail
                            .as_ref()
                            .is_none_or(|old| old.number != d.number)
                        {
                            self.hex_source = 0;
                        }
                        self.detail = Some(d);
                    }
                }
                Reply::NoDetail(n) => {
                    if Some(n) == self.selected {
                        self.message = Some(format!("packet {n} could not be dissected again"));
                    }
                }
            }
        }
        self.poll_filter();
        // A filter applied while loading covers what was loaded then: run it
        // again once the whole file is in.
        if self.rerun_after_load && self.filter.is_none() && !self.is_loading() {
            self.rerun_after_load = false;
            let text = self.applied_filter.clone();
            if let Err(e) = self.apply_filter(&text) {
                self.message = Some(e);
            }
        }
        if let Some(job) = &mut self.sort_job {
            if let Some(result) = job.take() {
                self.sort_job = None;
                match result {
                    Ok(order) => self.shown = Some(Arc::new(order)),
                    Err(e) => self.message = Some(e),
                }
            }
        }
    }

    fn poll_filter(&mut self) {
        let Some(run) = &mut self.filter else {
            return;
        };
        let Some(result) = run.job.take() else {
            return;
        };
        let text = run.text.clone();
        let partial = run.partial;
        match result {
            Ok(outcome) if !outcome.cancelled => {
                self.applied_filter = text.clone();
                self.matches = Some(Arc::new(outcome.matches));
                self.shown = self.matches.clone();
                self.filter = None;
                if let Some(order) = self.sort {
                    self.start_sort(order);
                }
                // Packets loaded since the run started are not in it yet.
                self.rerun_after_load = partial;
            }
            Ok(_) => self.filter = None,
            Err(e) => {
                self.message = Some(e);
                self.filter = None;
            }
        }
    }

    /// Number of rows the list shows.
    pub fn shown_len(&self) -> usize {
        match &self.shown {
            Some(v) => v.len(),
            None => self.session.len() as usize,
        }
    }

    /// The packet number on list line `i`.
    pub fn shown_number(&self, i: usize) -> Option<u64> {
        match &self.shown {
            Some(v) => v.get(i).copied(),
            None => (i < self.session.len() as usize).then_some(i as u64 + 1),
        }
    }

    /// The list line of packet `number`, if shown.
    pub fn line_of(&self, number: u64) -> Option<usize> {
        match &self.shown {
            Some(v) => v.iter().position(|&n| n == number),
            None => (number >= 1 && number <= self.session.len()).then(|| number as usize - 1),
        }
    }

    /// The row of packet `number`, asking for it (and its chunk) when not
    /// dissected yet.
    pub fn row(&mut self, number: u64) -> Option<&RowSummary> {
        if !self.rows.contains_key(&number) {
            self.dissection.request_rows(number);
            return None;
        }
        self.rows.get(&number)
    }

    /// Whether packet `number`'s row has been dissected (benchmarks, tests).
    pub fn has_row(&self, number: u64) -> bool {
        self.rows.contains_key(&number)
    }

    /// Drops cached rows far from `around` when the cache is full.
    pub fn trim_rows(&mut self, around: u64) {
        if self.rows.len() > ROW_CACHE {
            let keep = (ROW_CACHE / 4) as u64;
            self.rows.retain(|&n, _| n.abs_diff(around) < keep);
        }
    }

    /// Asks again for chunks whose rows were not loaded when first asked.
    pub fn retry_rows(&mut self, number: u64) {
        self.dissection
            .forget_pending(dissection::chunk_start(number));
    }

    /// Time of the first packet, the zero of the Time column.
    pub fn first_ts(&self) -> Option<Timestamp> {
        self.first_ts
    }

    /// Selects packet `number` and asks for its tree.
    pub fn select(&mut self, number: u64) {
        if self.selected == Some(number) {
            return;
        }
        self.selected = Some(number);
        self.selected_item = None;
        self.message = None;
        if !self.rows.contains_key(&number) {
            self.dissection.request_rows(number);
        }
        self.dissection.request_detail(number);
    }

    /// Selects the tree item under byte `offset` of the hex view's source.
    pub fn select_byte(&mut self, offset: usize) {
        if let Some(d) = &self.detail {
            self.selected_item = d.item_at(self.hex_source, offset);
            self.reveal = true;
        }
    }

    /// Starts `text` as the display filter; an empty text shows every packet.
    /// A filter that does not compile is refused with its error.
    pub fn apply_filter(&mut self, text: &str) -> Result<(), String> {
        self.cancel_filter();
        let text = text.trim();
        if text.is_empty() {
            self.applied_filter.clear();
            self.matches = None;
            self.shown = None;
            if let Some(order) = self.sort {
                self.start_sort(order);
            }
            return Ok(());
        }
        let filter = Filter::compile(text).map_err(|e| e.message)?;
        let control = Arc::new(FilterControl::default());
        let session = Arc::clone(&self.session);
        let partial = self.is_loading();
        let worker_control = Arc::clone(&control);
        let job = Job::spawn("wirelens-gui-filter", self.notify.clone(), move || {
            session.filter(&filter, &worker_control)
        });
        spawn_filter_ticker(&control, self.notify.clone());
        self.filter = Some(FilterRun {
            text: text.to_owned(),
            control,
            job,
            partial,
        });
        Ok(())
    }

    pub fn cancel_filter(&mut self) {
        if let Some(run) = self.filter.take() {
            run.control.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Sorts the list by a column (clicking a header).
    pub fn start_sort(&mut self, order: SortOrder) {
        self.sort = Some(order);
        if order.column == sort::Column::Number && !order.descending {
            self.shown = self.matches.clone();
            self.sort_job = None;
            return;
        }
        let session = Arc::clone(&self.session);
        let matches = self.matches.clone();
        self.sort_job = Some(Job::spawn(
            "wirelens-gui-sort",
            self.notify.clone(),
            move || sort::sorted(&session, matches.as_deref().map(Vec::as_slice), order),
        ));
    }

    pub fn is_sorting(&mut self) -> bool {
        self.sort_job.as_mut().is_some_and(Job::is_running)
    }

    /// The file name without its folders.
    pub fn file_name(&self) -> String {
        display_name(&self.path)
    }

    /// Packet numbers of the rows shown, in order (exports).
    pub fn shown_numbers(&self) -> Vec<u64> {
        match &self.shown {
            Some(v) => v.to_vec(),
            None => (1..=self.session.len()).collect(),
        }
    }

    pub fn notify(&self) -> Notify {
        self.notify.clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.session.cancel();
        self.cancel_filter();
    }
}

/// Wakes the window a few times a second while loading, so the progress
/// bar moves and newly loaded rows show without input.
fn spawn_progress_ticker(session: &Arc<Session>, notify: Notify) {
    let weak = Arc::downgrade(session);
    let _ = std::thread::Builder::new()
        .name("wirelens-gui-progress".into())
        .spawn(move || {
            while let Some(session) = weak.upgrade() {
                let done = session.progress().is_finished();
                drop(session);
                notify();
                if done {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
}

/// The same for a filter run's progress bar.
fn spawn_filter_ticker(control: &Arc<FilterControl>, notify: Notify) {
    let weak = Arc::downgrade(control);
    let _ = std::thread::Builder::new()
        .name("wirelens-gui-filter-progress".into())
        .spawn(move || {
            while weak.strong_count() > 1 {
                notify();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        });
}

/// `path`'s last component, or the whole path when it has none (`/`, `..`).
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// Rows ask for their chunk; this is how many rows one request brings.
pub const ROWS_PER_REQUEST: u64 = CHUNK;
