//! The application state and its reactions to keys, the mouse and the
//! background work, independent of any terminal: tests and the benchmark
//! drive it and draw it into a `TestBackend`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use wirelens_capture::session::access::Direction;
use wirelens_capture::session::filter::{FilterControl, FilterOutcome};
use wirelens_capture::session::index::{IndexSnapshot, NOT_INTERNED};
use wirelens_capture::session::{LoadState, Session};
use wirelens_dissect::model::Address;
use wirelens_dissect::Timestamp;

use super::actions;
use super::jobs::{Job, Poll};
use super::tcp_view::{self, TcpView, TcpViewAction, TcpViewData};
use super::theme::RowColour;
use super::views::detail::Detail;
use super::views::filter_bar::FilterBar;
use super::views::follow::FollowView;
use super::views::hex::Hex;
use super::views::packet_list::{self, ListRow, PacketList, Shown};
use super::views::prompt::{Prompt, PromptKind};
use super::views::stats::{StatsAction, StatsView};
use super::views::{help, status_bar};
use super::worker::{DetailPacket, Lookup, Reply, RowSummary, ShapeInfo, Worker};

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
    Help,
    Follow(Box<FollowView>),
    Stats(Box<StatsView>),
    Tcp(Box<TcpView>),
    Prompt(Prompt),
}

/// Work running in the background besides filtering, one at a time.
enum Task {
    Follow(Job<Result<FollowView, String>>),
    TcpView(Job<Result<TcpViewData, String>>),
    /// Saving or exporting: the message to show when done.
    Write(Job<Result<String, String>>),
    FindExpert(Job<Option<u64>>),
}

impl Task {
    fn label(&self) -> &str {
        match self {
            Task::Follow(j) => &j.label,
            Task::TcpView(j) => &j.label,
            Task::Write(j) => &j.label,
            Task::FindExpert(j) => &j.label,
        }
    }

    fn cancel(&self) {
        match self {
            Task::Follow(j) => j.cancel(),
            Task::TcpView(j) => j.cancel(),
            Task::Write(j) => j.cancel(),
            Task::FindExpert(j) => j.cancel(),
        }
    }
}

struct FilterRun {
    job: Job<FilterOutcome>,
    control: Arc<FilterControl>,
    text: String,
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
    quit: bool,
}

impl App {
    pub fn new(session: Session, path: &Path, tls_keylog: Option<PathBuf>) -> App {
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
            message: None,
            quit: false,
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
    }

    fn reveal_selected_bytes(&mut self) {
        if let Some(l) = self.detail.selected() {
            let (source, span) = (l.source, l.span);
            self.hex.reveal(source, span);
        }
    }

    /// Every row on screen has its Info and the selected packet its tree.
    pub fn screen_ready(&self) -> bool {
        self.asked.is_empty() && self.looked_up.is_empty() && self.detail.pending.is_none()
    }

    /// Nothing is loading, dissecting or running: for tests and the benchmark.
    pub fn is_idle(&self) -> bool {
        self.session.progress().is_finished()
            && self.session.len() == self.loaded()
            && self.worker.is_idle()
            && self.asked.is_empty()
            && self.looked_up.is_empty()
            && self.detail.pending.is_none()
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

    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(k) => self.handle_key(*k),
            Event::Mouse(m) => self.handle_mouse(*m),
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if self.overlay.is_some() {
            self.overlay_key(key);
            return;
        }
        if self.filter.editing {
            self.filter_key(key);
            return;
        }
        self.message = None;
        if self.global_key(key) {
            return;
        }
        match self.focus {
            Pane::List => self.list_key(key),
            Pane::Detail => self.detail_key(key),
            Pane::Hex => self.hex_key(key),
        }
    }

    /// Keys that act the same in every pane; true when `key` was one.
    fn global_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.overlay = Some(Overlay::Help),
            KeyCode::Char('/') => self.filter.start_editing(),
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::BackTab => self.focus = self.focus.previous(),
            KeyCode::Esc => self.cancel_jobs(),
            KeyCode::Char('T') => self.list.time = self.list.time.next(),
            KeyCode::Char('F') => {
                self.list.follow_tail = !self.list.follow_tail;
                self.message = Some(
                    if self.list.follow_tail {
                        "following new packets"
                    } else {
                        "not following new packets"
                    }
                    .into(),
                );
            }
            KeyCode::Char('f') => self.follow_stream(),
            KeyCode::Char('t') => self.open_tcp_view(),
            KeyCode::Char('s') => self.open_stats(),
            KeyCode::Char('w') => {
                let name = actions::default_save_name(&self.path);
                self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::SaveShown, &name)));
            }
            KeyCode::Char('x') => {
                let name = actions::default_flow_name(&self.path);
                self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::ExportFlow, &name)));
            }
            _ => return false,
        }
        true
    }

    fn list_key(&mut self, key: KeyEvent) {
        let loaded = self.loaded();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.list.move_by(1, loaded),
            KeyCode::Up | KeyCode::Char('k') => self.list.move_by(-1, loaded),
            KeyCode::PageDown => self.list.move_by(self.list.page(), loaded),
            KeyCode::PageUp => self.list.move_by(-self.list.page(), loaded),
            KeyCode::Char('f') if ctrl => self.list.move_by(self.list.page(), loaded),
            KeyCode::Char('b') if ctrl => self.list.move_by(-self.list.page(), loaded),
            KeyCode::Char('d') if ctrl => self.list.move_by(self.list.page() / 2, loaded),
            KeyCode::Char('u') if ctrl => self.list.move_by(-self.list.page() / 2, loaded),
            KeyCode::Home | KeyCode::Char('g') => {
                self.list.follow_tail = false;
                self.list.select(0, loaded);
            }
            KeyCode::End | KeyCode::Char('G') => {
                // At the end while loading: stay there as packets arrive.
                self.list.follow_tail = !self.session.progress().is_finished();
                self.list.select(usize::MAX, loaded);
            }
            KeyCode::Enter => self.focus = Pane::Detail,
            KeyCode::Char(']') => self.same_stream(Direction::Next),
            KeyCode::Char('[') => self.same_stream(Direction::Previous),
            _ => {}
        }
    }

    fn detail_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.detail.move_by(1),
            KeyCode::Up | KeyCode::Char('k') => self.detail.move_by(-1),
            KeyCode::PageDown => self.detail.move_by(self.detail.height.max(2) as isize - 1),
            KeyCode::PageUp => self.detail.move_by(1 - self.detail.height.max(2) as isize),
            KeyCode::Home | KeyCode::Char('g') => self.detail.home(),
            KeyCode::End | KeyCode::Char('G') => self.detail.end(),
            KeyCode::Enter | KeyCode::Char(' ') => self.detail.toggle(),
            KeyCode::Right | KeyCode::Char('l') => self.detail.expand(),
            KeyCode::Left | KeyCode::Char('h') => self.detail.collapse(),
            KeyCode::Char('e') => self.detail.expand_all(),
            KeyCode::Char('E') => self.detail.collapse_all(),
            _ => return,
        }
        self.reveal_selected_bytes();
    }

    fn hex_key(&mut self, key: KeyEvent) {
        let Some(d) = self.detail.packet.clone() else {
            return;
        };
        let len = d.packet.source_data(self.hex.tab, &d.data).len();
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.hex.scroll(1, len),
            KeyCode::Up | KeyCode::Char('k') => self.hex.scroll(-1, len),
            KeyCode::PageDown => self.hex.scroll(self.hex.height as isize, len),
            KeyCode::PageUp => self.hex.scroll(-(self.hex.height as isize), len),
            KeyCode::Right | KeyCode::Char('l') => self.hex.next_tab(&d, true),
            KeyCode::Left | KeyCode::Char('h') => self.hex.next_tab(&d, false),
            KeyCode::Home | KeyCode::Char('g') => self.hex.offset = 0,
            _ => {}
        }
    }

    fn filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.apply_filter(),
            KeyCode::Esc => self.filter.abandon(),
            KeyCode::Tab => self.filter.complete(),
            KeyCode::Up => self.filter.history_back(),
            KeyCode::Down => self.filter.history_forward(),
            _ => {
                if self.filter.edit.handle(key) {
                    self.filter.completions.clear();
                    self.filter.validate();
                }
            }
        }
    }

    fn overlay_key(&mut self, key: KeyEvent) {
        let Some(overlay) = self.overlay.as_mut() else {
            return;
        };
        let close = matches!(key.code, KeyCode::Esc | KeyCode::Char('q'));
        match overlay {
            Overlay::Help => {
                if close || key.code == KeyCode::Char('?') {
                    self.overlay = None;
                }
            }
            Overlay::Tcp(view) => match view.handle_key(key) {
                TcpViewAction::Close => self.overlay = None,
                TcpViewAction::JumpTo(n) => {
                    self.overlay = None;
                    self.go_to_packet(n);
                }
                TcpViewAction::Consumed | TcpViewAction::Ignored => {}
            },
            Overlay::Follow(view) => {
                if close {
                    self.overlay = None;
                } else if key.code == KeyCode::Char('f') {
                    let text = view.filter_text();
                    self.overlay = None;
                    self.filter.edit.set(&text);
                    self.apply_filter();
                } else {
                    view.handle_key(key);
                }
            }
            Overlay::Stats(view) => match view.handle_key(key) {
                StatsAction::Close => self.overlay = None,
                StatsAction::FindExpert(row) => {
                    self.overlay = None;
                    self.find_expert(row);
                }
                StatsAction::None => {}
            },
            Overlay::Prompt(p) => match key.code {
                KeyCode::Esc => self.overlay = None,
                KeyCode::Enter => {
                    let (kind, path) = (p.kind, PathBuf::from(p.edit.text()));
                    self.overlay = None;
                    self.write(kind, path);
                }
                _ => {
                    p.edit.handle(key);
                }
            },
        }
    }

    pub fn handle_mouse(&mut self, m: MouseEvent) {
        if self.overlay.is_some() || self.filter.editing {
            return;
        }
        let loaded = self.loaded();
        let in_list = self.list.rows_area.contains((m.column, m.row).into());
        let in_detail = self.detail.area.contains((m.column, m.row).into());
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(row) = self.list.row_at(m.row, loaded) {
                    self.focus = Pane::List;
                    self.list.follow_tail = false;
                    self.list.select(row, loaded);
                } else if let Some(at) = self.detail.row_at(m.row).filter(|_| in_detail) {
                    self.focus = Pane::Detail;
                    if self.detail.cursor == at {
                        self.detail.toggle();
                    }
                    self.detail.cursor = at;
                    self.reveal_selected_bytes();
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let step = if m.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if in_list {
                    self.list.move_by(step, loaded);
                } else if in_detail {
                    self.detail.move_by(step);
                    self.reveal_selected_bytes();
                } else if let Some(d) = self.detail.packet.clone() {
                    let len = d.packet.source_data(self.hex.tab, &d.data).len();
                    self.hex.scroll(step, len);
                }
            }
            _ => {}
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

    fn same_stream(&mut self, dir: Direction) {
        let loaded = self.loaded();
        let Some(n) = self.list.selected_number(loaded) else {
            return;
        };
        match self.session.same_stream(n, dir) {
            Some(to) => self.go_to_packet(to),
            None => self.message = Some("no other packet of this conversation that way".into()),
        }
    }

    fn apply_filter(&mut self) {
        self.filter.editing = false;
        self.filter.completions.clear();
        let text = self.filter.edit.text().to_string();
        match self.filter.compiled() {
            Err(e) => {
                self.filter.error = Some(e.clone());
                self.filter.editing = true;
                self.message = Some(format!("filter error: {}", e.message));
            }
            Ok(None) => {
                self.cancel_filter();
                let keep = self.list.selected_number(self.loaded());
                self.list.shown = Shown::All;
                self.filter.applied = None;
                if let Some(n) = keep {
                    self.go_to_packet(n);
                }
            }
            Ok(Some(filter)) => {
                self.cancel_filter();
                self.filter.remember(&text);
                self.run_filter(filter, text);
            }
        }
    }

    /// Runs the shown filter again once loading has ended, if it ran over
    /// part of the file only.
    fn refilter_after_loading(&mut self) {
        let Shown::Filtered { text, .. } = &self.list.shown else {
            return;
        };
        if self.filter_run.is_some()
            || self.filtered_upto >= self.loaded()
            || !self.session.progress().is_finished()
        {
            return;
        }
        let Ok(filter) = wirelens_dissect::filter::Filter::compile(text) else {
            return;
        };
        let text = text.clone();
        self.run_filter(filter, text);
    }

    fn run_filter(&mut self, filter: wirelens_dissect::filter::Filter, text: String) {
        let control = Arc::new(FilterControl::default());
        let theirs = Arc::clone(&control);
        let session = Arc::clone(&self.session);
        let job = Job::spawn("Filtering", move |_| session.filter(&filter, &theirs));
        self.filter_run = Some(FilterRun { job, control, text });
    }

    fn cancel_filter(&mut self) {
        if let Some(run) = self.filter_run.take() {
            run.control.cancel.store(true, Ordering::Relaxed);
        }
    }

    fn poll_filter(&mut self) {
        let Some(run) = &self.filter_run else { return };
        let outcome = match run.job.poll() {
            Poll::Running => return,
            Poll::Lost => {
                self.message = Some("the filter run stopped unexpectedly".into());
                None
            }
            Poll::Done(o) => Some(o),
        };
        let Some(run) = self.filter_run.take() else {
            return;
        };
        let Some(outcome) = outcome.filter(|o| !o.cancelled) else {
            return;
        };
        let loaded = self.loaded();
        let keep = self.list.selected_number(loaded);
        self.message = Some(format!(
            "{} of {} packets match ({:.2} s)",
            outcome.matches.len(),
            outcome.scanned,
            run.job.elapsed().as_secs_f64()
        ));
        self.filtered_upto = outcome.scanned;
        self.filter.applied = Some(run.text.clone());
        self.list.shown = Shown::Filtered {
            text: run.text,
            matches: Arc::from(outcome.matches),
        };
        self.list.offset = 0;
        let row = keep.map_or(0, |n| self.list.row_of(n, loaded));
        self.list.select(row, loaded);
    }

    fn cancel_jobs(&mut self) {
        if let Some(run) = self.filter_run.take() {
            run.control.cancel.store(true, Ordering::Relaxed);
            self.message = Some("filter cancelled".into());
        }
        if let Some(t) = self.task.take() {
            t.cancel();
            self.message = Some(format!("{} cancelled", t.label()));
        }
    }

    fn poll_task(&mut self) {
        let Some(task) = &self.task else { return };
        let done = match task {
            Task::Follow(j) => match j.poll() {
                Poll::Running => return,
                Poll::Done(Ok(view)) => {
                    self.overlay = Some(Overlay::Follow(Box::new(view)));
                    None
                }
                Poll::Done(Err(e)) => Some(e),
                Poll::Lost => Some("following stopped unexpectedly".into()),
            },
            Task::TcpView(j) => match j.poll() {
                Poll::Running => return,
                Poll::Done(Ok(data)) => {
                    self.overlay = Some(Overlay::Tcp(Box::new(TcpView::new(data))));
                    None
                }
                Poll::Done(Err(e)) => Some(e),
                Poll::Lost => Some("the TCP view stopped unexpectedly".into()),
            },
            Task::Write(j) => match j.poll() {
                Poll::Running => return,
                Poll::Done(Ok(m)) | Poll::Done(Err(m)) => Some(m),
                Poll::Lost => Some("writing stopped unexpectedly".into()),
            },
            Task::FindExpert(j) => match j.poll() {
                Poll::Running => return,
                Poll::Done(Some(n)) => {
                    self.go_to_packet(n);
                    None
                }
                Poll::Done(None) => Some("no packet with that expert item".into()),
                Poll::Lost => Some("the search stopped unexpectedly".into()),
            },
        };
        self.task = None;
        if done.is_some() {
            self.message = done;
        }
    }

    fn start(&mut self, task: Task) {
        if let Some(old) = self.task.replace(task) {
            old.cancel();
        }
    }

    /// The selected packet's tree, when it is the one shown.
    fn selected_detail(&self) -> Option<Arc<DetailPacket>> {
        let n = self.list.selected_number(self.loaded())?;
        self.detail.packet.clone().filter(|d| d.number == n)
    }

    fn follow_stream(&mut self) {
        let Some(d) = self.selected_detail() else {
            self.message = Some("select a packet first".into());
            return;
        };
        let (stream, udp) = match (d.field_u64("tcp.stream"), d.field_u64("udp.stream")) {
            (Some(s), _) => (s, false),
            (None, Some(s)) => (s, true),
            (None, None) => {
                self.message = Some("not a TCP or UDP packet".into());
                return;
            }
        };
        let Ok(stream) = u32::try_from(stream) else {
            return;
        };
        let session = Arc::clone(&self.session);
        let label = format!(
            "Following {} stream {stream}",
            if udp { "UDP" } else { "TCP" }
        );
        self.start(Task::Follow(Job::spawn(label, move |_| {
            actions::follow(&session, stream, udp)
        })));
    }

    fn open_tcp_view(&mut self) {
        let Some(d) = self.selected_detail() else {
            self.message = Some("select a packet first".into());
            return;
        };
        let Some(stream) = d.field_u64("tcp.stream") else {
            self.message = Some("not a TCP packet".into());
            return;
        };
        let session = Arc::clone(&self.session);
        let label = format!("Building the TCP view of stream {stream}");
        self.start(Task::TcpView(Job::spawn(
            label,
            move |cancel: &AtomicBool| tcp_view::build(&session, stream, cancel),
        )));
    }

    fn open_stats(&mut self) {
        let view = self.session.with_analysis(StatsView::new);
        self.overlay = Some(Overlay::Stats(Box::new(view)));
    }

    fn find_expert(&mut self, row: wirelens_capture::session::stats::ExpertRow) {
        let from = self.list.selected_number(self.loaded()).unwrap_or(0);
        let session = Arc::clone(&self.session);
        self.start(Task::FindExpert(Job::spawn(
            "Finding the expert item",
            move |cancel: &AtomicBool| actions::find_expert(&session, &row, from, cancel),
        )));
    }

    fn write(&mut self, kind: PromptKind, path: PathBuf) {
        let session = Arc::clone(&self.session);
        match kind {
            PromptKind::SaveShown => {
                let shown = match &self.list.shown {
                    Shown::All => None,
                    Shown::Filtered { matches, .. } => Some(Arc::clone(matches)),
                };
                self.start(Task::Write(Job::spawn("Saving", move |_| {
                    actions::save_shown(&session, shown.as_deref(), &path)
                })));
            }
            PromptKind::ExportFlow => {
                let Some(d) = self.selected_detail() else {
                    self.message = Some("select a packet first".into());
                    return;
                };
                let Some(filter) = actions::flow_filter(&d) else {
                    self.message = Some("the packet belongs to no flow".into());
                    return;
                };
                let args = actions::flow_export_args(&self.path, &self.tls_keylog, filter);
                self.start(Task::Write(Job::spawn("Exporting", move |_| {
                    actions::export_flows(&args, &path)
                })));
            }
        }
    }

    /// The rows on screen, built from the index and the summaries at hand.
    fn screen_rows(&self) -> Vec<ListRow> {
        let loaded = self.loaded();
        let numbers = self.list.visible_numbers(loaded);
        let first_ts = self.first_ts.unwrap_or_default();
        let mut previous = self
            .list
            .offset
            .checked_sub(1)
            .and_then(|r| self.list.number_at(r, loaded))
            .and_then(|n| self.snapshot.get(n))
            .map(|e| e.ts());
        let entries: Vec<_> = match &self.list.shown {
            // Consecutive packets decode a group at a time.
            Shown::All => match numbers.first() {
                Some(&first) => self
                    .snapshot
                    .range(first, numbers.len() as u64)
                    .map(|(_, e)| e)
                    .collect(),
                None => Vec::new(),
            },
            Shown::Filtered { .. } => numbers
                .iter()
                .filter_map(|&n| self.snapshot.get(n))
                .collect(),
        };
        let interned: Vec<_> = entries
            .iter()
            .map(|e| {
                let addrs = self.addrs.get(&e.addrs).copied();
                let shape = self
                    .shapes
                    .get(&e.shape)
                    .map(|s| (s.column, RowColour::classify(&s.protocols, e.severity())));
                (addrs, shape)
            })
            .collect();
        numbers
            .iter()
            .zip(entries.iter().zip(interned))
            .map(|(&number, (e, (addrs, shape)))| {
                let ts = e.ts();
                let time = self.list.time.format(ts, first_ts, previous);
                previous = Some(ts);
                let summary = self.summaries.get(&number);
                let (src, dst) = match (addrs, summary) {
                    (Some((s, d)), _) => (s.to_string(), d.to_string()),
                    (None, Some(s)) => (s.src.to_string(), s.dst.to_string()),
                    (None, None) => (String::new(), String::new()),
                };
                let (protocol, colour) = match (shape, summary) {
                    (Some((p, c)), _) => (p.to_string(), c),
                    (None, Some(s)) => (s.protocol.to_string(), RowColour::Plain),
                    (None, None) => (String::new(), RowColour::Plain),
                };
                ListRow {
                    number,
                    time,
                    src,
                    dst,
                    protocol,
                    length: e.orig_len,
                    info: summary.map(|s| s.info.clone()),
                    colour,
                }
            })
            .collect()
    }

    pub fn render(&mut self, frame: &mut Frame<'_>) {
        let area = frame.area();
        let [bar, main, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let [list_area, detail_area, hex_area] = Layout::vertical([
            Constraint::Percentage(44),
            Constraint::Percentage(30),
            Constraint::Fill(1),
        ])
        .areas(main);
        // Border and header lines come off the list's height.
        self.list.height = list_area.height.saturating_sub(2) as usize;
        self.list.update(self.loaded());
        let rows = self.screen_rows();
        packet_list::render(
            frame,
            list_area,
            &mut self.list,
            &rows,
            self.focus == Pane::List,
        );
        self.detail
            .render(frame, detail_area, self.focus == Pane::Detail);
        let highlight = self.detail.selected().map(|l| (l.source, l.span));
        let packet = self.detail.packet.clone();
        self.hex.render(
            frame,
            hex_area,
            packet.as_deref(),
            highlight,
            self.focus == Pane::Hex,
        );
        self.filter.render(frame, bar);
        self.render_status(frame, status);
        if self.filter.editing && !self.filter.completions.is_empty() {
            let lines = self.filter.completion_lines();
            let r = Rect {
                x: main.x + 9,
                y: main.y,
                width: 48.min(main.width.saturating_sub(9)),
                height: (lines.len() as u16 + 2).min(main.height),
            };
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(Block::default().borders(Borders::ALL).title(" Fields ")),
                r,
            );
        }
        self.render_overlay(frame, main);
    }

    fn render_overlay(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let Some(overlay) = self.overlay.as_mut() else {
            return;
        };
        match overlay {
            Overlay::Help => help::render(frame, area),
            Overlay::Follow(v) => {
                frame.render_widget(Clear, area);
                v.render(frame, area);
            }
            Overlay::Stats(v) => {
                frame.render_widget(Clear, area);
                v.render(frame, area);
            }
            Overlay::Tcp(v) => {
                frame.render_widget(Clear, area);
                v.render(frame, area);
            }
            Overlay::Prompt(p) => p.render(frame, area),
        }
    }

    fn render_status(&self, frame: &mut Frame<'_>, area: Rect) {
        let progress = self.session.progress();
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let job = match (&self.filter_run, &self.task) {
            (Some(run), _) => Some(("Filtering", Some(run.control.fraction()))),
            (None, Some(t)) => Some((t.label(), None)),
            (None, None) => None,
        };
        let status = status_bar::Status {
            file: &name,
            shown: self.list.len(self.loaded()),
            loaded: self.loaded(),
            loading: (!progress.is_finished()).then(|| progress.fraction()),
            damaged: matches!(progress.state, LoadState::Damaged(_)),
            job,
            message: self.message.as_deref(),
        };
        status_bar::render(frame, area, &status);
    }
}
