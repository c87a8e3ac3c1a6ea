//! The TCP connection view of one stream (handshake sequence diagram, state
//! history, charts). This placeholder keeps the interface the packet list
//! calls until the view itself lands; it shows the stream's packets only.

use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use wirelens_capture::session::Session;

/// What the view shows, built off the UI thread.
pub struct TcpViewData {
    stream: u64,
    packets: Vec<u64>,
}

/// Collects the packets of TCP stream `stream` (as `tcp.stream` numbers it).
pub fn build(session: &Session, stream: u64, cancel: &AtomicBool) -> Result<TcpViewData, String> {
    let mut packets = Vec::new();
    let last = session.len();
    let mut number = 1;
    while number <= last {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        let count = 4096.min(last - number + 1);
        session.visit(number, count, true, |d| {
            let this = d.packet.find("tcp.stream").and_then(|f| f.value.as_u64());
            if this == Some(stream) {
                packets.push(d.frame.number);
            }
        });
        number += count;
    }
    if packets.is_empty() {
        return Err(format!("TCP stream {stream} has no packets"));
    }
    Ok(TcpViewData { stream, packets })
}

pub struct TcpView {
    data: TcpViewData,
    selected: usize,
}

/// What a key did in the view.
pub enum TcpViewAction {
    Consumed,
    Ignored,
    Close,
    /// Select this packet in the packet list.
    JumpTo(u64),
}

impl TcpView {
    pub fn new(data: TcpViewData) -> TcpView {
        TcpView { data, selected: 0 }
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let lines: Vec<Line> = self
            .data
            .packets
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mark = if i == self.selected { "> " } else { "  " };
                Line::from(format!("{mark}packet {n}"))
            })
            .collect();
        let title = format!(" TCP stream {} ", self.data.stream);
        frame.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            area,
        );
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> TcpViewAction {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => TcpViewAction::Close,
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.data.packets.len().saturating_sub(1));
                TcpViewAction::Consumed
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                TcpViewAction::Consumed
            }
            KeyCode::Enter => match self.data.packets.get(self.selected) {
                Some(&n) => TcpViewAction::JumpTo(n),
                None => TcpViewAction::Ignored,
            },
            _ => TcpViewAction::Ignored,
        }
    }
}
