//! Work started from the UI that runs in the background: filter runs,
//! following a stream, building the TCP view, saving and exporting, finding
//! an expert item. The UI polls each tick and draws meanwhile.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use wirelens_capture::session::filter::{FilterControl, FilterOutcome};
use wirelens_capture::session::stats::ExpertRow;
use wirelens_dissect::filter::Filter;

use super::{AfterTree, App, Overlay};
use crate::tui::actions;
use crate::tui::jobs::{Job, Poll};
use crate::tui::tcp_view::{self, TcpView, TcpViewData};
use crate::tui::views::follow::FollowView;
use crate::tui::views::packet_list::Shown;
use crate::tui::views::prompt::PromptKind;
use crate::tui::views::stats::StatsView;

/// Work running in the background besides filtering, one at a time.
pub(super) enum Task {
    Follow(Job<Result<FollowView, String>>),
    TcpView(Job<Result<TcpViewData, String>>),
    /// Saving or exporting: the message to show when done.
    Write(Job<Result<String, String>>),
    FindExpert(Job<Option<u64>>),
}

impl Task {
    pub(super) fn label(&self) -> &str {
        match self {
            Task::Follow(j) => &j.label,
            Task::TcpView(j) => &j.label,
            Task::Write(j) => &j.label,
            Task::FindExpert(j) => &j.label,
        }
    }

    pub(super) fn cancel(&self) {
        match self {
            Task::Follow(j) => j.cancel(),
            Task::TcpView(j) => j.cancel(),
            Task::Write(j) => j.cancel(),
            Task::FindExpert(j) => j.cancel(),
        }
    }
}

pub(super) struct FilterRun {
    job: Job<FilterOutcome>,
    pub(super) control: Arc<FilterControl>,
    text: String,
}

impl App {
    pub(super) fn apply_filter(&mut self) {
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
    pub(super) fn refilter_after_loading(&mut self) {
        let Shown::Filtered { text, .. } = &self.list.shown else {
            return;
        };
        if self.filter_run.is_some()
            || self.filtered_upto >= self.loaded()
            || !self.session.progress().is_finished()
        {
            return;
        }
        let Ok(filter) = Filter::compile(text) else {
            return;
        };
        let text = text.clone();
        self.run_filter(filter, text);
    }

    pub(super) fn run_filter(&mut self, filter: Filter, text: String) {
        let control = Arc::new(FilterControl::default());
        let theirs = Arc::clone(&control);
        let session = Arc::clone(&self.session);
        let job = Job::spawn("Filtering", move |_| session.filter(&filter, &theirs));
        self.filter_run = Some(FilterRun { job, control, text });
    }

    pub(super) fn cancel_filter(&mut self) {
        if let Some(run) = self.filter_run.take() {
            run.control.cancel.store(true, Ordering::Relaxed);
        }
    }

    pub(super) fn poll_filter(&mut self) {
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

    pub(super) fn cancel_jobs(&mut self) {
        if let Some(run) = self.filter_run.take() {
            run.control.cancel.store(true, Ordering::Relaxed);
            self.message = Some("filter cancelled".into());
        }
        if let Some(t) = self.task.take() {
            t.cancel();
            self.message = Some(format!("{} cancelled", t.label()));
        }
    }

    pub(super) fn poll_task(&mut self) {
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

    pub(super) fn start(&mut self, task: Task) {
        if let Some(old) = self.task.replace(task) {
            old.cancel();
        }
    }

    pub(super) fn follow_stream(&mut self) {
        let Some(d) = self.tree_for(AfterTree::Follow) else {
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
        self.start(Task::Follow(Job::spawn(
            label,
            move |cancel: &AtomicBool| actions::follow(&session, stream, udp, cancel),
        )));
    }

    pub(super) fn open_tcp_view(&mut self) {
        let Some(packet) = self.list.selected_number(self.loaded()) else {
            self.message = Some("no packet selected".into());
            return;
        };
        // With the tree at hand, a packet without TCP is said at once;
        // otherwise the builder finds out.
        if let Some(d) = self.selected_detail() {
            if d.field_u64("tcp.stream").is_none() {
                self.message = Some("not a TCP packet".into());
                return;
            }
        }
        let session = Arc::clone(&self.session);
        let label = format!("Building the TCP view of packet {packet}'s connection");
        self.start(Task::TcpView(Job::spawn(
            label,
            move |cancel: &AtomicBool| tcp_view::build_for_packet(&session, packet, cancel),
        )));
    }

    pub(super) fn open_stats(&mut self) {
        let view = self.session.with_analysis(StatsView::new);
        self.overlay = Some(Overlay::Stats(Box::new(view)));
    }

    pub(super) fn find_expert(&mut self, row: ExpertRow) {
        let from = self.list.selected_number(self.loaded()).unwrap_or(0);
        let session = Arc::clone(&self.session);
        self.start(Task::FindExpert(Job::spawn(
            "Finding the expert item",
            move |cancel: &AtomicBool| actions::find_expert(&session, &row, from, cancel),
        )));
    }

    pub(super) fn write(&mut self, kind: PromptKind, path: PathBuf) {
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
                    self.message =
                        Some("no packet selected, or its tree is not dissected yet".into());
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
}
