//! The application state and its reactions to keys, the mouse and the
//! background work, independent of any terminal: tests and the benchmark
//! drive it and draw it into a `TestBackend`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wirelens_capture::session::index::{IndexSnapshot, NOT_INTERNED};
use wirelens_capture::session::Session;
use wirelens_dissect::model::Address;
use wirelens_dissect::Timestamp;

mod draw;
mod input;
mod tasks;

use super::live::{self, LiveCounts, LiveFeed, Rate};
use super::tcp_view::TcpView;
use super::views::detail::Detail;
use super::views::filter_bar::FilterBar;
use super::views::follow::FollowView;
use super::views::hex::Hex;
use super::views::packet_list::{PacketList, Shown};
use super::views::prompt::Prompt;
use super::views::stats::StatsView;
use super::worker::{DetailPacket, Lookup, Reply, RowSummary, ShapeInfo, Worker};
use tasks::{FilterRun, Task};

/// The three panes of the main view, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
    Hex,
}

impl Pane {
    fn next(self) -> Pane {
        match self {
            Pane::List => Pane::Detail,
            Pane::Detail => Pane::Hex,
            Pane::Hex => Pane::List,
        }
    }

    fn previous(self) -> Pane {
        self.next().next()
    }
}

/// A view drawn over the main view; it takes the keys while open.
pub enum Overlay {
    /// The key list, scrolled by this many lines (it is longer than a
    /// small terminal).
    Help {
        scroll: u16,
    },
    Follow(Box<FollowView>),
    Stats(Box<StatsView>),
    Tcp(Box<TcpView>),
    Prompt(Prompt),
}

/// What the TLS key log had that could not be used, said once at the start.
fn keylog_message(session: &Session) -> Option<String> {
    let skipped = &session.config().prefs.tls_keylog_warnings;
    let first = skipped.first()?;
    Some(format!(
        "TLS key log: {} line(s) skipped, the first: {first}",
        skipped.len()
    ))
}

/// Summaries kept at most; past it, only the rows on screen stay.
const MAX_SUMMARIES: usize = 20_000;

/// Address sets copied at most (a capture can have a million); past it the
/// copies start again from the rows on screen.
const MAX_INTERNED: usize = 100_000;

pub struct App {
    session: Arc<Session>,
    /// The file as the user named it, for the status bar and file names.
    path: PathBuf,
    tls_keylog: Option<PathBuf>,
    worker: Worker,
    summaries: HashMap<u64, RowSummary>,
    /// The rows last asked of the worker.
    asked: Vec<u64>,
    /// Copies of interned values (ids never change meaning), so drawing
    /// never takes the loader's lock.
    addrs: HashMap<u32, (Address, Address)>,
    shapes: HashMap<u32, ShapeInfo>,
    /// The ids last asked of the worker.
    looked_up: Lookup,
    /// The packet whose tree was last asked for.
    detail_for: Option<u64>,
    snapshot: IndexSnapshot,
    first_ts: Option<Timestamp>,
    pub list: PacketList,
    pub detail: Detail,
    pub hex: Hex,
    pub filter: FilterBar,
    filter_run: Option<FilterRun>,
    /// Packets the shown filter result covers: a filter applied while
    /// loading runs again over the rest once loading ends.
    filtered_upto: u64,
    task: Option<Task>,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    pub message: Option<String>,
    /// What to do once the selected packet's tree arrives (a key that needs
    /// it was pressed before it did).
    after_tree: Option<(u64, AfterTree)>,
    /// The dissection thread stopped, and the user was told.
    worker_lost: bool,
    /// The live capture shown, if any.
    live: Option<Box<dyn LiveFeed>>,
    live_rate: Rate,
    quit: bool,
}

/// Keys that act on the selected packet's tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AfterTree {
    Follow,
}

impl App {
    pub fn new(session: Session, path: &Path, tls_keylog: Option<PathBuf>) -> App {
        let message = keylog_message(&session);
        let session = Arc::new(session);
        App {
            worker: Worker::spawn(Arc::clone(&session)),
            session,
            path: path.to_path_buf(),
            tls_keylog,
            summaries: HashMap::new(),
            asked: Vec::new(),
            addrs: HashMap::new(),
            shapes: HashMap::new(),
            looked_up: Lookup::default(),
            detail_for: None,
            snapshot: IndexSnapshot::default(),
            first_ts: None,
            list: PacketList::default(),
            detail: Detail::default(),
            hex: Hex::default(),
            filter: FilterBar::default(),
            filter_run: None,
            filtered_upto: 0,
            task: None,
            focus: Pane::List,
            overlay: None,
            message,
            after_tree: None,
            worker_lost: false,
            live: None,
            live_rate: Rate::default(),
            quit: false,
        }
    }

    /// Shows a live capture whose file this app's session follows: new
    /// packets are followed at the tail (`F` stops), Ctrl-E stops capturing.
    pub fn with_live(mut self, feed: Box<dyn LiveFeed>) -> App {
        self.live = Some(feed);
        self.list.follow_tail = true;
        self
    }

    /// The live capture's counters, if there is one.
    pub fn live_counts(&self) -> Option<LiveCounts> {
        self.live.as_ref().map(|l| l.counts())
    }

    /// Stops the live capture (if running) and lets the session load the
    /// rest of its file.
    pub fn stop_live(&mut self) -> Result<(), String> {
        let Some(live) = self.live.as_mut() else {
            return Ok(());
        };
        let stopped = live.stop();
        self.session.stop_following();
        stopped
    }

    /// The status bar's live text.
    pub(super) fn live_status(&self) -> Option<String> {
        let live = self.live.as_ref()?;
        Some(live::describe(
            &live.counts(),
            self.live_rate.per_sec(),
            !live.is_finished(),
        ))
    }

    fn tick_live(&mut self) {
        let Some(live) = self.live.as_ref() else {
            return;
        };
        self.live_rate
            .sample(Instant::now(), live.counts().captured);
        // A stop condition ended the capture: the file is complete.
        if live.is_finished() && self.session.is_following() {
            if let Err(e) = self.stop_live() {
                self.message = Some(format!("capture stopped: {e}"));
            }
        }
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    fn loaded(&self) -> u64 {
        self.snapshot.len() as u64
    }

    /// Takes in what arrived since the last call: new packets, dissections,
    /// finished jobs; asks for what the screen needs next.
    pub fn tick(&mut self) {
        if self.session.len() != self.loaded() {
            self.snapshot = self.session.snapshot();
            if self.first_ts.is_none() {
                self.first_ts = self.snapshot.get(1).map(|e| e.ts());
            }
        }
        let loaded = self.loaded();
        self.list.update(loaded);
        for reply in self.worker.poll() {
            match reply {
                Reply::Rows(rows) => self.summaries.extend(rows),
                Reply::Interned { addrs, shapes } => {
                    self.addrs
                        .extend(addrs.into_iter().map(|(id, s, d)| (id, (s, d))));
                    self.shapes.extend(shapes);
                }
                Reply::Detail(d) => self.show_detail(d),
            }
        }
        if self.worker.is_dead() && !self.worker_lost {
            self.worker_lost = true;
            self.message = Some(
                "the dissection thread stopped: Info and trees are not available; \
                 please report the capture"
                    .into(),
            );
        }
        self.tick_live();
        self.poll_filter();
        self.refilter_after_loading();
        self.poll_task();
        self.ask_for_screen();
    }

    /// Asks the worker for the selected tree and the rows on screen it lacks.
    fn ask_for_screen(&mut self) {
        let loaded = self.loaded();
        let selected = self.list.selected_number(loaded);
        if selected != self.detail_for {
            self.detail_for = selected;
            match selected {
                Some(n) => {
                    self.detail.pending = Some(n);
                    self.worker.request_detail(n);
                }
                None => self.detail.clear(),
            }
        }
        let visible = self.list.visible_numbers(loaded);
        if self.summaries.len() > MAX_SUMMARIES {
            self.summaries
                .retain(|n, _| visible.binary_search(n).is_ok());
        }
        let missing: Vec<u64> = visible
            .into_iter()
            .filter(|n| !self.summaries.contains_key(n))
            .collect();
        if !missing.is_empty() && missing != self.asked {
            self.worker.request_rows(missing.clone());
        }
        self.asked = missing;
        let lookup = self.missing_interned(loaded);
        if !lookup.is_empty() && lookup != self.looked_up {
            self.worker.request_lookup(lookup.clone());
        }
        self.looked_up = lookup;
    }

    /// Interned ids of the rows on screen without a copy here.
    fn missing_interned(&mut self, loaded: u64) -> Lookup {
        if self.addrs.len() > MAX_INTERNED {
            self.addrs.clear();
        }
        let mut l = Lookup::default();
        for n in self.list.visible_numbers(loaded) {
            let Some(e) = self.snapshot.get(n) else {
                continue;
            };
            if e.addrs != NOT_INTERNED && !self.addrs.contains_key(&e.addrs) {
                l.addrs.push(e.addrs);
            }
            if e.shape != NOT_INTERNED && !self.shapes.contains_key(&e.shape) {
                l.shapes.push(e.shape);
            }
        }
        l.addrs.sort_unstable();
        l.addrs.dedup();
        l.shapes.sort_unstable();
        l.shapes.dedup();
        l
    }

    fn show_detail(&mut self, d: Arc<DetailPacket>) {
        if Some(d.number) != self.detail_for {
            return;
        }
        self.detail.set_packet(d);
        self.reveal_selected_bytes();
        let then = self.after_tree.take();
        match then.filter(|(n, _)| Some(*n) == self.detail_for) {
            Some((_, AfterTree::Follow)) => self.follow_stream(),
            None => {}
        }
    }

    fn reveal_selected_bytes(&mut self) {
        if let Some(l) = self.detail.selected() {
            let (source, span) = (l.source, l.span);
            self.hex.reveal(source, span);
        }
    }

    /// Every row on screen has all its columns and the selected packet its
    /// tree (as of the last draw, which sets how many rows fit).
    pub fn screen_ready(&self) -> bool {
        let loaded = self.loaded();
        let visible = self.list.visible_numbers(loaded);
        let rows_done = visible.iter().all(|n| {
            self.summaries.contains_key(n)
                && self.snapshot.get(*n).is_some_and(|e| {
                    (e.addrs == NOT_INTERNED || self.addrs.contains_key(&e.addrs))
                        && (e.shape == NOT_INTERNED || self.shapes.contains_key(&e.shape))
                })
        });
        let selected = self.list.selected_number(loaded);
        let tree_done = selected == self.detail.packet.as_ref().map(|d| d.number);
        rows_done && tree_done
    }

    /// Nothing is loading, dissecting or running: the event loop then waits
    /// longer for input, and tests know the screen is final.
    pub fn is_idle(&self) -> bool {
        let awaited = !self.worker.is_dead()
            && (!self.asked.is_empty()
                || !self.looked_up.is_empty()
                || self.detail.pending.is_some());
        self.session.progress().is_finished()
            && self.session.len() == self.loaded()
            && self.worker.is_idle()
            && !awaited
            && self.filter_run.is_none()
            && self.task.is_none()
    }

    /// Ticks until idle or `timeout`; true when idle. Tests draw once first
    /// so the list knows its height.
    pub fn settle(&mut self, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            self.tick();
            if self.is_idle() {
                return true;
            }
            if start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Selects packet `n`, showing every packet if the filter hides it.
    pub fn go_to_packet(&mut self, n: u64) {
        let loaded = self.loaded();
        if let Shown::Filtered { matches, .. } = &self.list.shown {
            if matches.binary_search(&n).is_err() {
                self.list.shown = Shown::All;
                self.filter.applied = None;
                self.filter.edit.set("");
                self.filter.validate();
            }
        }
        self.list.follow_tail = false;
        let row = self.list.row_of(n, loaded);
        self.list.select(row, loaded);
    }

    /// The selected packet's tree, when it is the one shown.
    fn selected_detail(&self) -> Option<Arc<DetailPacket>> {
        let n = self.list.selected_number(self.loaded())?;
        self.detail.packet.clone().filter(|d| d.number == n)
    }

    /// The selected packet's tree, or `None` after arranging for `then` to
    /// run when it arrives (or saying there is no packet).
    fn tree_for(&mut self, then: AfterTree) -> Option<Arc<DetailPacket>> {
        if let Some(d) = self.selected_detail() {
            return Some(d);
        }
        match self.list.selected_number(self.loaded()) {
            Some(n) => {
                self.after_tree = Some((n, then));
                self.message = Some(format!("dissecting packet {n} first…"));
            }
            None => self.message = Some("no packet selected".into()),
        }
        None
    }
}
