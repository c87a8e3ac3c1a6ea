//! The TCP connection view: one stream's handshake timeline as a sequence
//! diagram, both endpoints' state-machine history, and charts of sequence
//! numbers (Stevens), bytes in flight with the cwnd estimate, RTT and
//! throughput.
//!
//! [`build`] runs off the UI thread (it dissects the stream's packets again);
//! [`TcpView`] then only draws what was built, so every key is instant.

mod builder;
mod charts;
mod data;
mod format;
mod list;
mod packets;
mod segment;
mod sequence;
mod states;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};
use ratatui::Frame;
use wirelens_dissect::flow::tcp_state::Side;

pub use builder::{build, build_for_packet};
pub use charts::{ChartKind, ChartSpec, Series};
pub use data::{Event, EventSource, Loss, Secs, Segment, Sender, StateChange, TcpViewData};

use charts::ChartCache;
use list::ListCursor;

/// What the caller should do after a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpViewAction {
    /// The view used the key.
    Consumed,
    /// Not a key of this view.
    Ignored,
    /// Close the view.
    Close,
    /// Close the view and select this packet (its number).
    JumpTo(u64),
}

/// The sub-views, in the order of their number keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Timeline,
    States,
    Chart(ChartKind),
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Timeline,
        Tab::States,
        Tab::Chart(ChartKind::Stevens),
        Tab::Chart(ChartKind::InFlight),
        Tab::Chart(ChartKind::Rtt),
        Tab::Chart(ChartKind::Throughput),
    ];

    fn title(self) -> &'static str {
        match self {
            Tab::Timeline => "Timeline",
            Tab::States => "States",
            Tab::Chart(k) => k.title(),
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The view of one TCP connection, drawn full-screen.
pub struct TcpView {
    data: TcpViewData,
    tab: Tab,
    timeline: ListCursor,
    states: ListCursor,
    /// Whose data the charts show.
    sender: Side,
    charts: ChartCache,
}

impl TcpView {
    pub fn new(data: TcpViewData) -> TcpView {
        // The charts start on the side that sent more: the interesting one
        // in a download or an upload.
        let sender =
            if data.sender(Side::Server).bytes_sent() > data.sender(Side::Client).bytes_sent() {
                Side::Server
            } else {
                Side::Client
            };
        TcpView {
            data,
            tab: Tab::Timeline,
            timeline: ListCursor::default(),
            states: ListCursor::default(),
            sender,
            charts: ChartCache::default(),
        }
    }

    pub fn data(&self) -> &TcpViewData {
        &self.data
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// The endpoint whose data the charts show.
    pub fn sender(&self) -> Side {
        self.sender
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect) {
        frame.render_widget(ratatui::widgets::Clear, area);
        let title = format!(
            " TCP stream {}: {} ⇄ {} ",
            self.data.stream(),
            self.data.client(),
            self.data.server()
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 4 || inner.width < 20 {
            frame.render_widget(Paragraph::new("window too small"), inner);
            return;
        }
        let [summary, tabs, body, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(self.summary_line(summary.width)), summary);
        frame.render_widget(self.tabs(), tabs);
        match self.tab {
            Tab::Timeline => sequence::render(frame, body, &self.data, &mut self.timeline),
            Tab::States => states::render(frame, body, &self.data, &mut self.states),
            Tab::Chart(kind) => self
                .charts
                .render(frame, body, &self.data, kind, self.sender),
        }
        frame.render_widget(Paragraph::new(self.help_line()), help);
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> TcpViewAction {
        if key.kind == KeyEventKind::Release {
            return TcpViewAction::Ignored;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => TcpViewAction::Close,
            KeyCode::Char('c') if ctrl => TcpViewAction::Close,
            KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => self.switch(1),
            KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => {
                self.switch(Tab::ALL.len() - 1)
            }
            KeyCode::Char(c @ '1'..='6') => {
                let i = c as usize - '1' as usize;
                self.tab = Tab::ALL[i];
                TcpViewAction::Consumed
            }
            KeyCode::Char('d') if matches!(self.tab, Tab::Chart(_)) => {
                self.sender = match self.sender {
                    Side::Client => Side::Server,
                    Side::Server => Side::Client,
                };
                TcpViewAction::Consumed
            }
            KeyCode::Enter => match self.selected_frame() {
                Some(n) => TcpViewAction::JumpTo(n),
                None => TcpViewAction::Ignored,
            },
            code => self.move_cursor(code),
        }
    }

    fn switch(&mut self, by: usize) -> TcpViewAction {
        self.tab = Tab::ALL[(self.tab.index() + by) % Tab::ALL.len()];
        TcpViewAction::Consumed
    }

    /// The packet behind the selected row of a list tab.
    fn selected_frame(&self) -> Option<u64> {
        match self.tab {
            Tab::Timeline => self
                .data
                .events()
                .get(self.timeline.selected())
                .map(|e| e.frame),
            Tab::States => self
                .data
                .states()
                .get(self.states.selected())
                .map(|s| s.frame),
            Tab::Chart(_) => None,
        }
    }

    fn move_cursor(&mut self, code: KeyCode) -> TcpViewAction {
        let (cursor, len) = match self.tab {
            Tab::Timeline => (&mut self.timeline, self.data.events().len()),
            Tab::States => (&mut self.states, self.data.states().len()),
            Tab::Chart(_) => return TcpViewAction::Ignored,
        };
        let page = cursor.page().max(1);
        match code {
            KeyCode::Down | KeyCode::Char('j') => cursor.move_by(1, len),
            KeyCode::Up | KeyCode::Char('k') => cursor.move_by(-1, len),
            KeyCode::PageDown => cursor.move_by(page as isize, len),
            KeyCode::PageUp => cursor.move_by(-(page as isize), len),
            KeyCode::Home | KeyCode::Char('g') => cursor.select(0, len),
            KeyCode::End | KeyCode::Char('G') => cursor.select(len.saturating_sub(1), len),
            _ => return TcpViewAction::Ignored,
        }
        TcpViewAction::Consumed
    }

    fn tabs(&self) -> Tabs<'static> {
        let titles: Vec<String> = Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{} {}", i + 1, t.title()))
            .collect();
        Tabs::new(titles).select(self.tab.index()).highlight_style(
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        )
    }

    /// The connection in one line of at most `width` columns: the facts
    /// that fit, most useful first, then the flow's id if there is room.
    fn summary_line(&self, width: u16) -> Line<'static> {
        let d = &self.data;
        let (first, last) = d.time_span();
        let mut parts = vec![
            format!("{} packets", d.frames().len()),
            format!("{} long", format::duration(last - first)),
            format!(
                "client {} server {}",
                d.final_state(Side::Client).as_str(),
                d.final_state(Side::Server).as_str()
            ),
        ];
        if let Some(rtt) = d.handshake_rtt() {
            parts.push(format!("handshake RTT {}", format::duration(rtt)));
        }
        if let Some((min, avg, max)) = d.ack_rtt() {
            parts.push(format!(
                "ACK RTT {}/{}/{}",
                format::duration(min),
                format::duration(avg),
                format::duration(max)
            ));
        }
        let width = usize::from(width);
        let mut text = String::new();
        for part in parts {
            let sep = if text.is_empty() { "" } else { " · " };
            if text.chars().count() + sep.chars().count() + part.chars().count() > width {
                break;
            }
            text.push_str(sep);
            text.push_str(&part);
        }
        let mut spans = vec![Span::raw(text.clone())];
        if text.chars().count() + 2 + d.uid().len() <= width {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(
                d.uid().to_string(),
                Style::default().fg(Color::DarkGray),
            ));
        }
        Line::from(spans)
    }

    fn help_line(&self) -> Line<'static> {
        let keys = match self.tab {
            Tab::Timeline | Tab::States => "j/k move  Enter go to packet  Tab/1-6 view  Esc close",
            Tab::Chart(_) => "d other direction  Tab/1-6 view  Esc close",
        };
        Line::styled(keys, Style::default().fg(Color::DarkGray))
    }
}
