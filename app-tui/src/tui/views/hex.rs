//! The hex pane: the bytes of one data source of the selected packet (the
//! frame, or a reassembled or decrypted PDU, one tab each), with the bytes
//! of the selected tree line highlighted in the hex and the ASCII columns.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span as TextSpan};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use wirelens_dissect::model::{SourceId, Span};

use crate::tui::theme;
use crate::tui::worker::DetailPacket;

pub const BYTES_PER_LINE: usize = 16;

#[derive(Default)]
pub struct Hex {
    /// The data source shown: 0 the frame, then the packet's sources.
    pub tab: SourceId,
    /// First line on screen.
    pub offset: usize,
    pub height: usize,
}

/// The data sources of a packet, as tab names.
pub fn tab_names(d: &DetailPacket) -> Vec<String> {
    std::iter::once(format!("Frame ({} bytes)", d.data.len()))
        .chain(
            d.packet
                .sources
                .iter()
                .map(|s| format!("{} ({} bytes)", s.name, s.bytes.len())),
        )
        .collect()
}

impl Hex {
    pub fn next_tab(&mut self, d: &DetailPacket, forward: bool) {
        let n = d.packet.sources.len() + 1;
        let t = usize::from(self.tab);
        let next = if forward {
            (t + 1) % n
        } else {
            (t + n - 1) % n
        };
        self.tab = next as SourceId;
        self.offset = 0;
    }

    /// Shows the source of the highlighted bytes and scrolls to them.
    pub fn reveal(&mut self, source: SourceId, span: Span) {
        self.tab = source;
        let first = span.start as usize / BYTES_PER_LINE;
        let last = span.end().saturating_sub(1) / BYTES_PER_LINE;
        let h = self.height.max(1);
        if first < self.offset || last >= self.offset + h {
            self.offset = first;
        }
    }

    pub fn scroll(&mut self, delta: isize, len: usize) {
        let lines = len.div_ceil(BYTES_PER_LINE);
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(lines.saturating_sub(1));
    }

    /// `highlight`: the selected line's bytes, when they are in this pane's tab.
    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        packet: Option<&DetailPacket>,
        highlight: Option<(SourceId, Span)>,
        focused: bool,
    ) {
        let Some(d) = packet else {
            let block = Block::default()
                .borders(Borders::TOP)
                .title(Line::from(" Bytes ").style(theme::pane_title(focused)));
            frame.render_widget(block, area);
            return;
        };
        let names = tab_names(d);
        if usize::from(self.tab) >= names.len() {
            self.tab = 0;
        }
        let mut title = vec![TextSpan::styled(" Bytes ", theme::pane_title(focused))];
        for (i, name) in names.iter().enumerate() {
            let style = if i == usize::from(self.tab) {
                Style::default().fg(Color::Black).bg(Color::Gray)
            } else {
                Style::default().fg(Color::DarkGray)
            };
            title.push(TextSpan::raw(" "));
            title.push(TextSpan::styled(format!("[{name}]"), style));
        }
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Line::from(title));
        let inner = block.inner(area);
        self.height = inner.height as usize;
        let bytes = d.packet.source_data(self.tab, &d.data);
        let marked = highlight
            .filter(|(s, _)| *s == self.tab)
            .map(|(_, span)| span.range());
        let lines: Vec<Line> = bytes
            .chunks(BYTES_PER_LINE)
            .enumerate()
            .skip(self.offset)
            .take(self.height)
            .map(|(row, chunk)| hex_line(row * BYTES_PER_LINE, chunk, marked.clone()))
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// One line: offset, 16 bytes in hex (a gap after 8), their ASCII.
fn hex_line(at: usize, chunk: &[u8], marked: Option<std::ops::Range<usize>>) -> Line<'static> {
    let is_marked = |i: usize| marked.as_ref().is_some_and(|r| r.contains(&(at + i)));
    let mut spans = vec![TextSpan::styled(
        format!("{at:04x}  "),
        Style::default().fg(Color::DarkGray),
    )];
    for i in 0..BYTES_PER_LINE {
        let text = chunk
            .get(i)
            .map_or("  ".to_string(), |b| format!("{b:02x}"));
        let style = if is_marked(i) && i < chunk.len() {
            theme::highlighted_bytes()
        } else {
            Style::default()
        };
        spans.push(TextSpan::styled(text, style));
        // The space between two marked bytes is marked too, so a field reads as one block.
        let gap_marked = is_marked(i) && is_marked(i + 1) && i + 1 < chunk.len();
        let gap = if i == 7 { "  " } else { " " };
        spans.push(TextSpan::styled(
            gap,
            if gap_marked {
                theme::highlighted_bytes()
            } else {
                Style::default()
            },
        ));
    }
    spans.push(TextSpan::raw(" "));
    for (i, &b) in chunk.iter().enumerate() {
        let c = if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        };
        let style = if is_marked(i) {
            theme::highlighted_bytes()
        } else {
            Style::default()
        };
        spans.push(TextSpan::styled(c.to_string(), style));
    }
    Line::from(spans)
}
