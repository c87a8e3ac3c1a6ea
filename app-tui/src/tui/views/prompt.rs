//! A one-line question over the main view: where to save, where to export.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::line_edit::LineEdit;
use crate::tui::views::help::centered;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Save the packets shown as pcapng.
    SaveShown,
    /// Export the selected packet's flow as JSON.
    ExportFlow,
}

pub struct Prompt {
    pub kind: PromptKind,
    pub edit: LineEdit,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Prompt {
        Prompt {
            kind,
            edit: LineEdit::new(text),
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect) {
        let title = match self.kind {
            PromptKind::SaveShown => {
                " Save the shown packets as pcapng to (Enter saves, Esc cancels) "
            }
            PromptKind::ExportFlow => {
                " Export the packet's flow as JSON to (Enter exports, Esc cancels) "
            }
        };
        let r = centered(area, area.width.saturating_sub(4).max(20), 3);
        frame.render_widget(Clear, r);
        frame.render_widget(
            Paragraph::new(Line::from(self.edit.text().to_string()))
                .block(Block::default().borders(Borders::ALL).title(title)),
            r,
        );
        let x = r.x + 1 + self.edit.cursor() as u16;
        if x < r.right().saturating_sub(1) {
            frame.set_cursor_position((x, r.y + 1));
        }
    }
}
