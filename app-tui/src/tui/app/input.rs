//! Keys and the mouse: what each does in each pane and view.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::path::PathBuf;
use wirelens_capture::session::access::Direction;

use super::{App, Overlay, Pane};
use crate::tui::actions;
use crate::tui::tcp_view::TcpViewAction;
use crate::tui::views::prompt::{Prompt, PromptKind};
use crate::tui::views::stats::StatsAction;

impl App {
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
        // Wireshark's key to stop a capture.
        if ctrl && key.code == KeyCode::Char('e') && self.live.is_some() && !self.filter.editing {
            self.message = Some(match self.stop_live() {
                Ok(()) => "capture stopped".into(),
                Err(e) => format!("capture stopped: {e}"),
            });
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
    pub(super) fn global_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.overlay = Some(Overlay::Help { scroll: 0 }),
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

    pub(super) fn list_key(&mut self, key: KeyEvent) {
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

    pub(super) fn detail_key(&mut self, key: KeyEvent) {
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

    pub(super) fn hex_key(&mut self, key: KeyEvent) {
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

    pub(super) fn filter_key(&mut self, key: KeyEvent) {
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

    pub(super) fn overlay_key(&mut self, key: KeyEvent) {
        let Some(overlay) = self.overlay.as_mut() else {
            return;
        };
        let close = matches!(key.code, KeyCode::Esc | KeyCode::Char('q'));
        match overlay {
            Overlay::Help { scroll } => match key.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                KeyCode::Char('?') => self.overlay = None,
                _ if close => self.overlay = None,
                _ => {}
            },
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

    pub(super) fn same_stream(&mut self, dir: Direction) {
        let loaded = self.loaded();
        let Some(n) = self.list.selected_number(loaded) else {
            return;
        };
        match self.session.same_stream(n, dir) {
            Some(to) => self.go_to_packet(to),
            None => self.message = Some("no other packet of this conversation that way".into()),
        }
    }
}
