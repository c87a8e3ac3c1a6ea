//! The help overlay: every key.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Every key, by where it works: (keys, what they do); a key of "" starts a section.
pub const KEYS: &[(&str, &str)] = &[
    ("", "Everywhere"),
    ("q", "quit (close the view on top first)"),
    ("Ctrl-C", "quit"),
    ("Ctrl-E", "stop a live capture (wirelens -i)"),
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

/// Width of the key column.
const KEY_COLUMN: usize = 28;

/// Draws the key list; `scroll` is kept within what does not fit.
pub fn render(frame: &mut Frame<'_>, area: Rect, scroll: &mut u16) {
    let area = centered(area, 100, KEYS.len() as u16 + 2);
    let text_width = usize::from(area.width.saturating_sub(2)).saturating_sub(KEY_COLUMN);
    let lines = key_lines(text_width.max(10));
    let hidden = (lines.len() as u16 + 2).saturating_sub(area.height);
    *scroll = (*scroll).min(hidden);
    let title = if hidden > 0 {
        " Keys (↑↓ scroll, Esc closes) "
    } else {
        " Keys (Esc closes) "
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((*scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

/// The key list as lines, descriptions wrapped at `width` columns (so the
/// number of lines, and how far it scrolls, is known).
fn key_lines(width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (k, what) in KEYS {
        if k.is_empty() {
            lines.push(Line::from(Span::styled(
                *what,
                Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            )));
            continue;
        }
        for (i, part) in wrap(what, width).into_iter().enumerate() {
            let key = if i == 0 { *k } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {key:<w$}", w = KEY_COLUMN - 2),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(part),
            ]));
        }
    }
    lines
}

/// `text` in pieces of at most `width` characters, broken between words
/// (a word longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.len() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        while line.chars().count() + word.len() > width {
            let room = width - line.chars().count();
            line.extend(word.drain(..room));
            out.push(std::mem::take(&mut line));
        }
        line.extend(word);
    }
    out.push(line);
    out
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_between_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("short", 40), ["short"]);
    }
}
