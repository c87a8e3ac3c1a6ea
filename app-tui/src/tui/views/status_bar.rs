//! The status bar: file, packets shown and loaded, loading and job progress,
//! and the last message.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// What the bar shows, gathered by the app.
pub struct Status<'a> {
    pub file: &'a str,
    pub shown: usize,
    pub loaded: u64,
    /// Share of the file read while loading.
    pub loading: Option<f64>,
    /// The file ended in damage after this many packets.
    pub damaged: bool,
    /// A background job: its label and share done, if known.
    pub job: Option<(&'a str, Option<f64>)>,
    /// A live capture's counters and rate.
    pub live: Option<&'a str>,
    pub message: Option<&'a str>,
}

pub fn render(frame: &mut Frame<'_>, area: Rect, s: &Status<'_>) {
    let base = Style::default().fg(Color::Black).bg(Color::Gray);
    let mut spans = vec![
        Span::styled(format!(" {} ", s.file), base.bg(Color::White)),
        Span::styled(format!(" Packets: {} shown / {} ", s.shown, s.loaded), base),
    ];
    if let Some(live) = s.live {
        spans.push(Span::styled(
            format!(" {live} "),
            base.bg(Color::LightGreen),
        ));
    }
    // A followed capture file is never "loaded": its share means nothing.
    if let Some(f) = s.loading.filter(|_| s.live.is_none()) {
        spans.push(Span::styled(
            format!(" Loading {:.0}% ", f * 100.0),
            base.bg(Color::Yellow),
        ));
    }
    if s.damaged {
        spans.push(Span::styled(
            " file damaged: packets after the damage are missing ",
            base.bg(Color::Red),
        ));
    }
    if let Some((label, fraction)) = s.job {
        let text = match fraction {
            Some(f) => format!(" {label} {:.0}% (Esc cancels) ", f * 100.0),
            None => format!(" {label}… (Esc cancels) "),
        };
        spans.push(Span::styled(text, base.bg(Color::Cyan)));
    }
    if let Some(m) = s.message {
        spans.push(Span::styled(format!(" {m} "), base));
    }
    spans.push(Span::styled(" ? help ", base.fg(Color::DarkGray)));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}
