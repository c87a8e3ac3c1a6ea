//! The detail tree of the selected packet: layers and fields as `tshark -V`
//! words them, collapsible, with the packet's expert items under their layer.
//! What is expanded is remembered by protocol and field name, so moving to
//! the next packet keeps the same subtrees open, as in Wireshark.

use std::collections::HashSet;
use std::sync::Arc;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span as TextSpan};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use wirelens_dissect::model::{Severity, SourceId, Span};

use crate::tui::theme;
use crate::tui::worker::DetailPacket;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Layer,
    Field,
    /// An expert item, with its severity (1 chat .. 4 error).
    Expert(u8),
}

/// One line of the tree, expanded or not.
#[derive(Clone, Debug)]
pub struct TreeLine {
    pub depth: usize,
    pub text: String,
    /// The bytes the line stands for, in data source `source`.
    pub span: Span,
    pub source: SourceId,
    /// What expansion is remembered by: the protocol, and the field name.
    pub key: String,
    pub has_children: bool,
    pub kind: LineKind,
}

/// The tree of `d` as lines, in order.
pub fn tree_lines(d: &DetailPacket) -> Vec<TreeLine> {
    let pkt = &d.packet;
    let mut lines = Vec::with_capacity(pkt.fields.len() + pkt.layers.len());
    for (i, layer) in pkt.layers.iter().enumerate() {
        let text = if layer.title.is_empty() {
            layer.proto.label.to_string()
        } else {
            layer.title.clone()
        };
        lines.push(TreeLine {
            depth: 0,
            text,
            span: layer.span,
            source: layer.source,
            key: layer.proto.name.to_string(),
            has_children: false,
            kind: LineKind::Layer,
        });
        for (index, f) in pkt.shown_layer_fields(i as u8) {
            let mut text = String::new();
            pkt.node_text(&mut text, index, &d.data);
            lines.push(TreeLine {
                depth: usize::from(f.depth) + 1,
                text,
                span: f.span,
                source: f.source,
                key: format!("{}/{}", layer.proto.name, f.def.name),
                has_children: false,
                kind: pkt.expert_node(index).map_or(LineKind::Field, |e| {
                    LineKind::Expert(severity_rank(e.severity))
                }),
            });
        }
        for e in pkt.unplaced_experts(i as u8) {
            lines.push(TreeLine {
                depth: 1,
                text: format!(
                    "[Expert Info ({}/{}): {}]",
                    e.severity.name(),
                    e.group.name(),
                    e.message
                ),
                span: e.span,
                source: layer.source,
                key: String::new(),
                has_children: false,
                kind: LineKind::Expert(severity_rank(e.severity)),
            });
        }
    }
    for i in 0..lines.len() {
        let next_deeper = lines.get(i + 1).is_some_and(|n| n.depth > lines[i].depth);
        lines[i].has_children = next_deeper;
    }
    lines
}

/// A severity as the index ranks it: 1 chat .. 4 error.
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Chat => 1,
        Severity::Note => 2,
        Severity::Warn => 3,
        Severity::Error => 4,
    }
}

#[derive(Default)]
pub struct Detail {
    pub packet: Option<Arc<DetailPacket>>,
    /// The packet asked for and not yet dissected.
    pub pending: Option<u64>,
    pub lines: Vec<TreeLine>,
    /// Keys of the expanded lines.
    pub expanded: HashSet<String>,
    /// Position of the cursor among the visible lines.
    pub cursor: usize,
    pub offset: usize,
    pub height: usize,
    pub area: Rect,
}

impl Detail {
    /// Shows `d`, keeping the cursor on a line of the same key if there is one.
    pub fn set_packet(&mut self, d: Arc<DetailPacket>) {
        let key = self.selected().map(|l| l.key.clone());
        self.lines = tree_lines(&d);
        self.packet = Some(d);
        self.pending = None;
        let visible = self.visible();
        self.cursor = key
            .and_then(|k| visible.iter().position(|&i| self.lines[i].key == k))
            .unwrap_or(0);
        self.scroll_to_cursor();
    }

    pub fn clear(&mut self) {
        self.packet = None;
        self.lines.clear();
        self.cursor = 0;
        self.offset = 0;
    }

    fn is_expanded(&self, line: &TreeLine) -> bool {
        line.has_children && self.expanded.contains(&line.key)
    }

    /// Indices (into `lines`) of the lines not hidden by a collapsed parent.
    pub fn visible(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut hide_below: Option<usize> = None;
        for (i, l) in self.lines.iter().enumerate() {
            if let Some(d) = hide_below {
                if l.depth > d {
                    continue;
                }
                hide_below = None;
            }
            out.push(i);
            if l.has_children && !self.is_expanded(l) {
                hide_below = Some(l.depth);
            }
        }
        out
    }

    pub fn selected(&self) -> Option<&TreeLine> {
        let v = self.visible();
        v.get(self.cursor).and_then(|&i| self.lines.get(i))
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.visible().len();
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(n.saturating_sub(1));
        self.scroll_to_cursor();
    }

    pub fn home(&mut self) {
        self.cursor = 0;
        self.scroll_to_cursor();
    }

    pub fn end(&mut self) {
        self.cursor = self.visible().len().saturating_sub(1);
        self.scroll_to_cursor();
    }

    pub fn scroll_to_cursor(&mut self) {
        let h = self.height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 - h;
        }
    }

    pub fn toggle(&mut self) {
        let Some(l) = self.selected().cloned() else {
            return;
        };
        if !l.has_children {
            return;
        }
        if !self.expanded.remove(&l.key) {
            self.expanded.insert(l.key);
        }
    }

    pub fn expand(&mut self) {
        if let Some(l) = self.selected() {
            if l.has_children {
                let key = l.key.clone();
                self.expanded.insert(key);
            }
        }
    }

    /// Collapses the line, or when it is not open, goes to its parent.
    pub fn collapse(&mut self) {
        let Some(l) = self.selected().cloned() else {
            return;
        };
        if self.is_expanded(&l) {
            self.expanded.remove(&l.key);
            return;
        }
        let visible = self.visible();
        let parent = visible[..self.cursor.min(visible.len())]
            .iter()
            .rposition(|&i| self.lines[i].depth < l.depth);
        if let Some(p) = parent {
            self.cursor = p;
            self.scroll_to_cursor();
        }
    }

    pub fn expand_all(&mut self) {
        for l in &self.lines {
            if l.has_children {
                self.expanded.insert(l.key.clone());
            }
        }
    }

    pub fn collapse_all(&mut self) {
        self.expanded.clear();
        self.cursor = 0;
        self.offset = 0;
    }

    /// The line at screen row `y` (the mouse), as a cursor position.
    pub fn row_at(&self, y: u16) -> Option<usize> {
        let a = self.area;
        if y < a.y || y >= a.bottom() {
            return None;
        }
        let at = self.offset + (y - a.y) as usize;
        (at < self.visible().len()).then_some(at)
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect, focused: bool) {
        let title = match (&self.packet, self.pending) {
            (_, Some(n)) => format!(" Packet {n}: dissecting… "),
            (Some(p), None) => format!(" Packet {} ", p.number),
            (None, None) => " Details ".to_string(),
        };
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Line::from(title).style(theme::pane_title(focused)));
        self.area = block.inner(area);
        self.height = self.area.height as usize;
        self.scroll_to_cursor();
        let visible = self.visible();
        let lines: Vec<Line> = visible
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(self.height)
            .map(|(pos, &i)| self.line(&self.lines[i], pos == self.cursor, focused))
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn line(&self, l: &TreeLine, selected: bool, focused: bool) -> Line<'static> {
        let marker = match (l.has_children, self.is_expanded(l)) {
            (false, _) => "  ",
            (true, true) => "▼ ",
            (true, false) => "▶ ",
        };
        let indent = "  ".repeat(l.depth);
        let style = if selected {
            theme::selected_row(focused)
        } else {
            match l.kind {
                LineKind::Layer => Style::default().add_modifier(Modifier::BOLD),
                LineKind::Field => Style::default(),
                LineKind::Expert(s) => theme::severity(s),
            }
        };
        Line::from(vec![
            TextSpan::raw(indent),
            TextSpan::styled(format!("{marker}{}", l.text), style),
        ])
    }
}
