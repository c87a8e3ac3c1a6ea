//! Follow stream: the application bytes of one conversation, both directions
//! interleaved in capture order as Wireshark shows them, the client's in red
//! and the server's in blue, as ASCII or hex.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::commands::follow::Followed;
use crate::tui::theme;

pub struct FollowView {
    followed: Followed,
    stream: u32,
    udp: bool,
    hex: bool,
    lines: Vec<Line<'static>>,
    offset: usize,
    height: usize,
}

impl FollowView {
    pub fn new(followed: Followed, stream: u32, udp: bool) -> FollowView {
        let mut v = FollowView {
            followed,
            stream,
            udp,
            hex: false,
            lines: Vec::new(),
            offset: 0,
            height: 0,
        };
        v.lines = v.build_lines();
        v
    }

    /// The display filter for this stream ("filter this stream").
    pub fn filter_text(&self) -> String {
        format!("{}.stream eq {}", self.protocol(), self.stream)
    }

    fn protocol(&self) -> &'static str {
        if self.udp {
            "udp"
        } else {
            "tcp"
        }
    }

    /// The text lines, as shown.
    pub fn lines(&self) -> &[Line<'static>] {
        &self.lines
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        let page = self.height.max(2) as isize - 1;
        match key.code {
            KeyCode::Char('h') | KeyCode::Char('a') => {
                self.hex = !self.hex;
                self.lines = self.build_lines();
                self.offset = 0;
            }
            KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll(page),
            KeyCode::PageUp => self.scroll(-page),
            KeyCode::Home | KeyCode::Char('g') => self.offset = 0,
            KeyCode::End | KeyCode::Char('G') => {
                self.offset = self.lines.len().saturating_sub(self.height)
            }
            _ => {}
        }
    }

    fn scroll(&mut self, delta: isize) {
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(self.lines.len().saturating_sub(1));
    }

    fn build_lines(&self) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let mut sent = [0usize; 2];
        for chunk in &self.followed.chunks {
            let style = side_style(chunk.from);
            if self.hex {
                // Wireshark indents the server's side in hex.
                let indent = if chunk.from == 0 { "" } else { "    " };
                for (i, row) in chunk.data.chunks(16).enumerate() {
                    let mut text = format!("{indent}{:08X}  ", sent[chunk.from % 2] + i * 16);
                    for b in row {
                        text.push_str(&format!("{b:02x} "));
                    }
                    text.push_str(&"   ".repeat(16 - row.len()));
                    text.push(' ');
                    text.extend(row.iter().map(|&b| printable(b)));
                    lines.push(Line::from(Span::styled(text, style)));
                }
            } else {
                let text: String = chunk
                    .data
                    .iter()
                    .filter(|&&b| b != b'\r')
                    .map(|&b| if b == b'\n' { '\n' } else { printable(b) })
                    .collect();
                let text = text.strip_suffix('\n').unwrap_or(&text);
                for l in text.split('\n') {
                    lines.push(Line::from(Span::styled(l.to_string(), style)));
                }
            }
            sent[chunk.from % 2] += chunk.data.len();
        }
        lines
    }

    fn summary(&self) -> Line<'static> {
        let count = |from: usize| {
            let chunks = self.followed.chunks.iter().filter(|c| c.from == from);
            let (n, bytes) = chunks.fold((0, 0), |(n, b), c| (n + 1, b + c.data.len()));
            (n, bytes)
        };
        let (cn, cb) = count(0);
        let (sn, sb) = count(1);
        let mut spans = Vec::new();
        if let Some([a, b]) = self.followed.nodes {
            spans.push(Span::styled(
                format!(" {a} → {b}: {cn} chunks, {cb} bytes "),
                theme::client(),
            ));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!(" {b} → {a}: {sn} chunks, {sb} bytes "),
                theme::server(),
            ));
        } else {
            spans.push(Span::raw(" no data in this stream"));
        }
        if self.followed.damage.is_some() {
            spans.push(Span::raw(
                "  (the file is damaged: followed up to the damage)",
            ));
        }
        Line::from(spans)
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let title = format!(
            " Follow {} Stream ({}) ",
            self.protocol().to_uppercase(),
            self.filter_text()
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        self.height = body.height as usize;
        frame.render_widget(Paragraph::new(self.summary()), head);
        let shown: Vec<Line> = self
            .lines
            .iter()
            .skip(self.offset)
            .take(self.height)
            .cloned()
            .collect();
        frame.render_widget(Paragraph::new(shown), body);
        let mode = if self.hex { "hex" } else { "ASCII" };
        let keys = format!(
            " {mode} · h: ASCII/hex · f: filter this stream · ↑↓ PgUp PgDn: scroll · Esc: close "
        );
        frame.render_widget(
            Paragraph::new(keys).style(Style::default().add_modifier(Modifier::REVERSED)),
            foot,
        );
    }
}

fn side_style(from: usize) -> Style {
    if from == 0 {
        theme::client()
    } else {
        theme::server()
    }
}

fn printable(b: u8) -> char {
    if b.is_ascii_graphic() || b == b' ' {
        b as char
    } else {
        '.'
    }
}
