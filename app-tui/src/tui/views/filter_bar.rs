//! The display filter bar: green while the text compiles, red with the error
//! and its position while it does not, field-name completion on Tab, history
//! on Up/Down.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wirelens_dissect::filter::{Filter, FilterError};
use wirelens_dissect::registry;

use crate::tui::line_edit::LineEdit;

/// Completions listed at most.
const MAX_COMPLETIONS: usize = 8;

#[derive(Default)]
pub struct FilterBar {
    pub edit: LineEdit,
    /// Keys go to the bar.
    pub editing: bool,
    /// The filter the packet list shows, if any.
    pub applied: Option<String>,
    pub error: Option<FilterError>,
    /// Field names the word before the cursor could become (after a Tab).
    pub completions: Vec<&'static str>,
    history: Vec<String>,
    /// Position while browsing the history with Up/Down.
    history_at: Option<usize>,
}

impl FilterBar {
    pub fn start_editing(&mut self) {
        self.editing = true;
        self.history_at = None;
        self.completions.clear();
    }

    /// Leaves the bar, putting back the applied text.
    pub fn abandon(&mut self) {
        self.editing = false;
        self.completions.clear();
        self.edit.set(self.applied.as_deref().unwrap_or(""));
        self.validate();
    }

    /// Compiles the text as typed; an empty text is valid (no filter).
    pub fn validate(&mut self) {
        let text = self.edit.text();
        self.error = if text.trim().is_empty() {
            None
        } else {
            Filter::compile(text).err()
        };
    }

    /// The text as a compiled filter to apply (`Ok(None)`: show every packet).
    pub fn compiled(&self) -> Result<Option<Filter>, FilterError> {
        let text = self.edit.text();
        if text.trim().is_empty() {
            return Ok(None);
        }
        Filter::compile(text).map(Some)
    }

    pub fn remember(&mut self, text: &str) {
        if !text.trim().is_empty() && self.history.last().map(String::as_str) != Some(text) {
            self.history.push(text.to_string());
        }
        self.history_at = None;
    }

    pub fn history_back(&mut self) {
        if self.history.is_empty() {
            return;
        }
        let at = match self.history_at {
            None => self.history.len() - 1,
            Some(i) => i.saturating_sub(1),
        };
        self.history_at = Some(at);
        let text = self.history[at].clone();
        self.edit.set(&text);
        self.validate();
    }

    pub fn history_forward(&mut self) {
        let Some(i) = self.history_at else { return };
        if i + 1 < self.history.len() {
            self.history_at = Some(i + 1);
            let text = self.history[i + 1].clone();
            self.edit.set(&text);
        } else {
            self.history_at = None;
            self.edit.set("");
        }
        self.validate();
    }

    /// Extends the word before the cursor to the longest prefix its
    /// completions share, and lists them.
    pub fn complete(&mut self) {
        let word = self.edit.word_before_cursor().to_string();
        if word.is_empty() {
            self.completions.clear();
            return;
        }
        let mut names: Vec<&'static str> = registry::fields()
            .map(|f| f.name)
            .filter(|n| n.starts_with(&word))
            .collect();
        if let Some(p) = registry::protocol(&word) {
            names.push(p);
        }
        names.sort_unstable();
        names.dedup();
        let common = common_prefix(&names);
        if common.len() > word.len() {
            self.edit.insert_str(&common[word.len()..]);
        }
        self.completions = names;
        self.validate();
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect) {
        let empty = self.edit.text().trim().is_empty();
        let colour = match (&self.error, empty) {
            (Some(_), _) => Color::Red,
            (None, true) => Color::DarkGray,
            (None, false) => Color::Green,
        };
        let label_style = Style::default().fg(Color::Black).bg(colour);
        let mut spans = vec![Span::styled(" Filter ", label_style), Span::raw(" ")];
        let text = self.edit.text();
        if text.is_empty() && !self.editing {
            spans.push(Span::styled(
                "press / to type a display filter",
                Style::default().fg(Color::DarkGray),
            ));
        } else {
            spans.extend(self.text_spans());
        }
        if let Some(e) = &self.error {
            spans.push(Span::styled(
                format!("  {} (column {})", e.message, e.pos + 1),
                Style::default().fg(Color::Red),
            ));
        } else if !empty && self.editing {
            spans.push(Span::styled("  ✓", Style::default().fg(Color::Green)));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        if self.editing {
            let x = area.x + 9 + self.edit.cursor() as u16;
            if x < area.right() {
                frame.set_cursor_position((x, area.y));
            }
        }
    }

    /// The text, with the character at the error position marked.
    fn text_spans(&self) -> Vec<Span<'static>> {
        let text = self.edit.text();
        let base = match &self.error {
            Some(_) => Style::default().fg(Color::Red),
            None => Style::default().fg(Color::Green),
        };
        let Some(e) = &self.error else {
            return vec![Span::styled(text.to_string(), base)];
        };
        let at = e.pos.min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let (head, tail) = text.split_at(at);
        let mut chars = tail.chars();
        let mark = chars.next().map_or(" ".to_string(), String::from);
        vec![
            Span::styled(head.to_string(), base),
            Span::styled(mark, base.add_modifier(Modifier::REVERSED)),
            Span::styled(chars.as_str().to_string(), base),
        ]
    }

    /// The completion list under the bar, when there is one.
    pub fn completion_lines(&self) -> Vec<Line<'static>> {
        let more = self.completions.len().saturating_sub(MAX_COMPLETIONS);
        let mut lines: Vec<Line> = self
            .completions
            .iter()
            .take(MAX_COMPLETIONS)
            .map(|n| Line::from(format!(" {n}")))
            .collect();
        if more > 0 {
            lines.push(Line::from(format!(" … {more} more")));
        }
        lines
    }
}

fn common_prefix(names: &[&str]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut len = first.len();
    for n in &names[1..] {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_extends_to_the_shared_prefix() {
        let mut bar = FilterBar::default();
        bar.edit.set("tcp.analysis.retr");
        bar.complete();
        assert_eq!(bar.edit.text(), "tcp.analysis.retransmission");
        assert!(bar.completions.contains(&"tcp.analysis.retransmission"));
    }

    #[test]
    fn errors_carry_their_position() {
        let mut bar = FilterBar::default();
        bar.edit.set("ip.src == ");
        bar.validate();
        assert!(bar.error.is_some());
        bar.edit.set("tcp.port == 80");
        bar.validate();
        assert!(bar.error.is_none());
    }
}
