//! Drawing the App: the rows on screen, the panes, the bars, the view on top.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use wirelens_capture::session::index::flags;
use wirelens_capture::session::LoadState;

use super::{App, Overlay, Pane};
use crate::tui::theme::RowColour;
use crate::tui::views::packet_list::{self, ListRow, Shown};
use crate::tui::views::{help, status_bar};

impl App {
    /// The rows on screen, built from the index and the summaries at hand.
    pub(super) fn screen_rows(&self) -> Vec<ListRow> {
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
                (addrs, self.shapes.get(&e.shape))
            })
            .collect();
        numbers
            .iter()
            .zip(entries.iter().zip(interned))
            .map(|(&number, (e, (addrs, shape)))| {
                let ts = e.ts();
                // A record without a time (pcapng simple packet) shows none.
                let time = if e.flags & flags::NO_TIMESTAMP != 0 {
                    String::new()
                } else {
                    let t = self.list.time.format(ts, first_ts, previous);
                    previous = Some(ts);
                    t
                };
                let summary = self.summaries.get(&number);
                let (src, dst) = match (addrs, summary) {
                    (Some((s, d)), _) => (s.to_string(), d.to_string()),
                    (None, Some(s)) => (s.src.to_string(), s.dst.to_string()),
                    (None, None) => (String::new(), String::new()),
                };
                let (protocol, protocols, bad_tcp) = match (shape, summary) {
                    (Some(sh), _) => (sh.column, &sh.protocols[..], sh.bad_tcp),
                    (None, Some(s)) => (s.protocol, &s.protocols[..], s.bad_tcp),
                    (None, None) => ("", &[][..], false),
                };
                let flags = summary.and_then(|s| s.tcp_flags);
                let colour = RowColour::classify(protocols, e.severity(), bad_tcp, flags);
                ListRow {
                    number,
                    time,
                    src,
                    dst,
                    protocol: protocol.to_string(),
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

    pub(super) fn render_overlay(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let Some(overlay) = self.overlay.as_mut() else {
            return;
        };
        match overlay {
            Overlay::Help { scroll } => help::render(frame, area, scroll),
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

    pub(super) fn render_status(&self, frame: &mut Frame<'_>, area: Rect) {
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
        let live = self.live_status();
        let status = status_bar::Status {
            file: &name,
            shown: self.list.len(self.loaded()),
            loaded: self.loaded(),
            loading: (!progress.is_finished()).then(|| progress.fraction()),
            damaged: matches!(progress.state, LoadState::Damaged(_)),
            job,
            live: live.as_deref(),
            message: self.message.as_deref(),
        };
        status_bar::render(frame, area, &status);
    }
}
