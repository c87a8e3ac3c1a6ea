//! The help overlay: every key.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Every key, by where it works: (keys, what they do); a key of "" starts a section.
pub const KEYS: &[(&str, &str)] = &[
    ("", "Everywhere"),
    ("q", "quit (close the view on top first)"),
    ("Ctrl-C", "quit"),
    ("?", "this help"),
    ("Esc", "close the view on top, cancel a running job"),
    ("Tab / Shift-Tab", "next / previous pane"),
    ("/", "type a display filter"),
    ("", "Moving"),
    ("↑ ↓ / k j", "previous / next line"),
    ("PgUp PgDn / Ctrl-B Ctrl-F", "a page up / down"),
    ("Ctrl-U / Ctrl-D", "half a page up / down (packet list)"),
    (
        "g / Home, G / End",
        "first / last line (G follows new packets)",
    ),
    ("mouse", "click selects, wheel scrolls"),
    ("", "Packet list"),
    ("Enter", "go to the packet's details"),
    ("T", "time column: relative, absolute, delta"),
    ("F", "follow new packets as they arrive"),
    ("[ ]", "previous / next packet of the same conversation"),
    ("f", "follow the TCP or UDP stream"),
    ("t", "TCP connection view of the packet's stream"),
    (
        "s",
        "statistics: conversations, endpoints, hierarchy, expert info",
    ),
    ("w", "save the shown packets (pcapng)"),
    ("x", "export the packet's flow as JSON"),
    ("", "Details"),
    ("Enter / Space", "expand or collapse"),
    ("→ l / ← h", "expand / collapse (or go to the parent)"),
    ("e / E", "expand all / collapse all"),
    ("", "Bytes"),
    (
        "← → / h l",
        "previous / next data source (reassembled, decrypted)",
    ),
    ("", "Filter bar"),
    ("Enter", "apply (empty: show every packet)"),
    ("Tab", "complete the field name"),
    (
        "Ctrl-A / Ctrl-E / Ctrl-U",
        "start / end of the text, clear it",
    ),
    ("↑ ↓", "history"),
    ("Esc", "leave the bar, keeping the applied filter"),
];

pub fn render(frame: &mut Frame<'_>, area: Rect) {
    let area = centered(area, 100, KEYS.len() as u16 + 2);
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            if k.is_empty() {
                Line::from(Span::styled(
                    *what,
                    Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ))
            } else {
                Line::from(vec![
                    Span::styled(
                        format!("  {k:<26}"),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(*what),
                ])
            }
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (Esc closes) "),
        ),
        area,
    );
}

/// A rectangle of at most `w` × `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
