//! Statistics over the packets loaded: conversations and endpoints
//! (sortable by any column), the protocol hierarchy, and the expert items
//! (Enter jumps to a packet that raised one). The numbers are the session's,
//! kept current while loading; the view shows them as they were when opened.

use std::cmp::Ordering;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use wirelens_capture::session::stats::{ExpertRow, PhsNode};
use wirelens_capture::session::Analysis;

use crate::commands::stats::{conv_table, endpoints, ConvKind};
use crate::tui::theme;
use crate::tui::views::detail::severity_rank;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Conversations,
    Endpoints,
    Hierarchy,
    Expert,
}

const TABS: [Tab; 4] = [
    Tab::Conversations,
    Tab::Endpoints,
    Tab::Hierarchy,
    Tab::Expert,
];

impl Tab {
    fn title(self) -> &'static str {
        match self {
            Tab::Conversations => "Conversations",
            Tab::Endpoints => "Endpoints",
            Tab::Hierarchy => "Protocol Hierarchy",
            Tab::Expert => "Expert Info",
        }
    }
}

const KINDS: [(ConvKind, &str); 5] = [
    (ConvKind::Tcp, "TCP"),
    (ConvKind::Udp, "UDP"),
    (ConvKind::Ipv4, "IPv4"),
    (ConvKind::Ipv6, "IPv6"),
    (ConvKind::Eth, "Ethernet"),
];

/// A sort key of one cell.
#[derive(Clone, Debug, PartialEq)]
enum Key {
    Num(f64),
    Text(String),
}

impl Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Num(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Num(_)) => Ordering::Greater,
        }
    }
}

struct TableRow {
    cells: Vec<String>,
    keys: Vec<Key>,
    /// Index into the expert rows, for the expert table.
    expert: Option<usize>,
    severity: u8,
}

/// One table as shown: headers, rows and how they are sorted.
struct Data {
    headers: Vec<&'static str>,
    rows: Vec<TableRow>,
    sortable: bool,
}

pub enum StatsAction {
    None,
    Close,
    /// Find a packet with this expert item.
    FindExpert(ExpertRow),
}

pub struct StatsView {
    tab: Tab,
    kind: usize,
    conversations: Vec<Data>,
    endpoints: Vec<Data>,
    hierarchy: Data,
    expert: Data,
    experts: Vec<ExpertRow>,
    /// Sort column and direction (descending when true); `None`: capture order.
    sort: Option<(usize, bool)>,
    state: TableState,
}

impl StatsView {
    pub fn new(a: &Analysis) -> StatsView {
        let state = a.state();
        let conversations = KINDS
            .iter()
            .map(|&(k, _)| conversation_data(conv_table(state, k).1, conv_table(state, k).2))
            .collect();
        let endpoints = KINDS
            .iter()
            .map(|&(k, _)| endpoint_data(conv_table(state, k).1, conv_table(state, k).2))
            .collect();
        let experts = a.expert.rows().to_vec();
        StatsView {
            tab: Tab::Conversations,
            kind: 0,
            conversations,
            endpoints,
            hierarchy: hierarchy_data(&a.hierarchy()),
            expert: expert_data(&experts),
            experts,
            sort: None,
            state: TableState::default().with_selected(Some(0)),
        }
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.sort = None;
        self.state.select(Some(0));
    }

    fn data(&self) -> &Data {
        match self.tab {
            Tab::Conversations => &self.conversations[self.kind],
            Tab::Endpoints => &self.endpoints[self.kind],
            Tab::Hierarchy => &self.hierarchy,
            Tab::Expert => &self.expert,
        }
    }

    fn data_mut(&mut self) -> &mut Data {
        match self.tab {
            Tab::Conversations => &mut self.conversations[self.kind],
            Tab::Endpoints => &mut self.endpoints[self.kind],
            Tab::Hierarchy => &mut self.hierarchy,
            Tab::Expert => &mut self.expert,
        }
    }

    /// Sorts by `column`; sorting by the same column again reverses.
    pub fn sort_by(&mut self, column: usize) {
        if !self.data().sortable || column >= self.data().headers.len() {
            return;
        }
        let descending = match self.sort {
            Some((c, d)) if c == column => !d,
            // Numbers read best largest first.
            _ => matches!(
                self.data().rows.first().map(|r| &r.keys[column]),
                Some(Key::Num(_))
            ),
        };
        self.sort = Some((column, descending));
        let rows = &mut self.data_mut().rows;
        rows.sort_by(|a, b| {
            let o = a.keys[column].cmp(&b.keys[column]);
            if descending {
                o.reverse()
            } else {
                o
            }
        });
        self.state.select(Some(0));
    }

    /// The cells of the table shown, for tests.
    pub fn cells(&self) -> Vec<Vec<String>> {
        self.data().rows.iter().map(|r| r.cells.clone()).collect()
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> StatsAction {
        let len = self.data().rows.len();
        let at = self.state.selected().unwrap_or(0);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return StatsAction::Close,
            KeyCode::Tab => {
                let i = TABS.iter().position(|&t| t == self.tab).unwrap_or(0);
                self.set_tab(TABS[(i + 1) % TABS.len()]);
            }
            KeyCode::BackTab => {
                let i = TABS.iter().position(|&t| t == self.tab).unwrap_or(0);
                self.set_tab(TABS[(i + TABS.len() - 1) % TABS.len()]);
            }
            KeyCode::Char(c @ '1'..='4') => self.set_tab(TABS[c as usize - '1' as usize]),
            KeyCode::Left | KeyCode::Char('h') => {
                self.kind = (self.kind + KINDS.len() - 1) % KINDS.len();
                self.sort = None;
                self.state.select(Some(0));
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.kind = (self.kind + 1) % KINDS.len();
                self.sort = None;
                self.state.select(Some(0));
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.state.select(Some((at + 1).min(len.saturating_sub(1))))
            }
            KeyCode::Up | KeyCode::Char('k') => self.state.select(Some(at.saturating_sub(1))),
            KeyCode::PageDown => self
                .state
                .select(Some((at + 20).min(len.saturating_sub(1)))),
            KeyCode::PageUp => self.state.select(Some(at.saturating_sub(20))),
            KeyCode::Home | KeyCode::Char('g') => self.state.select(Some(0)),
            KeyCode::End | KeyCode::Char('G') => self.state.select(Some(len.saturating_sub(1))),
            KeyCode::Char('s') => {
                let next = self.sort.map_or(0, |(c, _)| c + 1) % self.data().headers.len().max(1);
                self.sort_by(next);
            }
            KeyCode::Char('r') => {
                if let Some((c, _)) = self.sort {
                    self.sort_by(c);
                }
            }
            KeyCode::Enter if self.tab == Tab::Expert => {
                let row = self.data().rows.get(at).and_then(|r| r.expert);
                if let Some(r) = row.and_then(|i| self.experts.get(i)) {
                    return StatsAction::FindExpert(r.clone());
                }
            }
            _ => {}
        }
        StatsAction::None
    }

    pub fn render(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Statistics (Esc closes) ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [tabs, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        let mut spans = Vec::new();
        for (i, t) in TABS.iter().enumerate() {
            let style = if *t == self.tab {
                theme::pane_title(true)
            } else {
                Style::default()
            };
            spans.push(Span::styled(format!(" {} {} ", i + 1, t.title()), style));
        }
        if matches!(self.tab, Tab::Conversations | Tab::Endpoints) {
            spans.push(Span::raw("  "));
            for (i, (_, name)) in KINDS.iter().enumerate() {
                let style = if i == self.kind {
                    Style::default().fg(Color::Black).bg(Color::Gray)
                } else {
                    Style::default().fg(Color::DarkGray)
                };
                spans.push(Span::styled(format!(" {name} "), style));
            }
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
        let sort = self.sort;
        let data = self.data();
        let header = Row::new(data.headers.iter().enumerate().map(|(i, h)| match sort {
            Some((c, d)) if c == i => format!("{h} {}", if d { "▼" } else { "▲" }),
            _ => h.to_string(),
        }))
        .style(Style::default().add_modifier(Modifier::BOLD));
        let widths: Vec<Constraint> = data
            .headers
            .iter()
            .enumerate()
            .map(|(i, _)| column_width(data, i))
            .collect();
        let expert = self.tab == Tab::Expert;
        let rows = data.rows.iter().map(|r| {
            let row = Row::new(r.cells.clone());
            if expert {
                row.style(theme::severity(r.severity))
            } else {
                row
            }
        });
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(2)
            .row_highlight_style(theme::selected_row(true));
        frame.render_stateful_widget(table, body, &mut self.state);
        let keys = match self.tab {
            Tab::Expert => " Tab/1-4: table · s: sort by next column · r: reverse · Enter: go to a packet · Esc: close ",
            Tab::Hierarchy => " Tab/1-4: table · ↑↓: move · Esc: close ",
            _ => " Tab/1-4: table · ←→: TCP/UDP/IPv4/IPv6/Ethernet · s: sort by next column · r: reverse · Esc: close ",
        };
        frame.render_widget(
            Paragraph::new(keys).style(Style::default().add_modifier(Modifier::REVERSED)),
            foot,
        );
    }
}

fn column_width(data: &Data, i: usize) -> Constraint {
    let widest = data
        .rows
        .iter()
        .map(|r| r.cells.get(i).map_or(0, |c| c.chars().count()))
        .chain(std::iter::once(data.headers[i].len() + 2))
        .max()
        .unwrap_or(0);
    Constraint::Length(widest.min(60) as u16)
}

fn num(n: u64) -> Key {
    Key::Num(n as f64)
}

fn endpoint_text(addr: &impl std::fmt::Display, port: u16, ports: bool) -> String {
    if ports {
        format!("{addr}:{port}")
    } else {
        addr.to_string()
    }
}

fn conversation_data(table: &wirelens_dissect::flow::conv::ConvTable, ports: bool) -> Data {
    let rows = table
        .rows
        .iter()
        .map(|r| {
            let a = endpoint_text(&r.a.addr, r.a.port, ports);
            let b = endpoint_text(&r.b.addr, r.b.port, ports);
            let frames = r.tx_frames + r.rx_frames;
            let bytes = r.tx_bytes + r.rx_bytes;
            let start = r.start.0 as f64 / 1e9;
            let duration = (r.stop.0 - r.start.0) as f64 / 1e9;
            TableRow {
                cells: vec![
                    a.clone(),
                    b.clone(),
                    frames.to_string(),
                    bytes.to_string(),
                    r.tx_frames.to_string(),
                    r.rx_frames.to_string(),
                    format!("{start:.6}"),
                    format!("{duration:.4}"),
                ],
                keys: vec![
                    Key::Text(a),
                    Key::Text(b),
                    num(frames),
                    num(bytes),
                    num(r.tx_frames),
                    num(r.rx_frames),
                    Key::Num(start),
                    Key::Num(duration),
                ],
                expert: None,
                severity: 0,
            }
        })
        .collect();
    Data {
        headers: vec![
            "Address A",
            "Address B",
            "Packets",
            "Bytes",
            "Packets A→B",
            "Packets B→A",
            "Rel Start",
            "Duration",
        ],
        rows,
        sortable: true,
    }
}

fn endpoint_data(table: &wirelens_dissect::flow::conv::ConvTable, ports: bool) -> Data {
    let rows = endpoints(table)
        .into_iter()
        .map(|(ep, r)| {
            let addr = endpoint_text(&ep.addr, ep.port, ports);
            let frames = r.tx_frames + r.rx_frames;
            let bytes = r.tx_bytes + r.rx_bytes;
            TableRow {
                cells: vec![
                    addr.clone(),
                    frames.to_string(),
                    bytes.to_string(),
                    r.tx_frames.to_string(),
                    r.rx_frames.to_string(),
                ],
                keys: vec![
                    Key::Text(addr),
                    num(frames),
                    num(bytes),
                    num(r.tx_frames),
                    num(r.rx_frames),
                ],
                expert: None,
                severity: 0,
            }
        })
        .collect();
    Data {
        headers: vec!["Address", "Packets", "Bytes", "Tx Packets", "Rx Packets"],
        rows,
        sortable: true,
    }
}

fn hierarchy_data(roots: &[PhsNode]) -> Data {
    let total_frames: u64 = roots.iter().map(|n| n.frames).sum();
    let total_bytes: u64 = roots.iter().map(|n| n.bytes).sum();
    let mut rows = Vec::new();
    fn walk(n: &PhsNode, depth: usize, totals: (u64, u64), rows: &mut Vec<TableRow>) {
        let pct = |x: u64, t: u64| 100.0 * x as f64 / t.max(1) as f64;
        rows.push(TableRow {
            cells: vec![
                format!("{}{}", "  ".repeat(depth), n.proto),
                format!("{:.1}", pct(n.frames, totals.0)),
                n.frames.to_string(),
                format!("{:.1}", pct(n.bytes, totals.1)),
                n.bytes.to_string(),
            ],
            keys: Vec::new(),
            expert: None,
            severity: 0,
        });
        for c in &n.children {
            walk(c, depth + 1, totals, rows);
        }
    }
    for r in roots {
        walk(r, 0, (total_frames, total_bytes), &mut rows);
    }
    Data {
        headers: vec!["Protocol", "% Packets", "Packets", "% Bytes", "Bytes"],
        rows,
        sortable: false,
    }
}

fn expert_data(experts: &[ExpertRow]) -> Data {
    let rows = experts
        .iter()
        .enumerate()
        .map(|(i, e)| TableRow {
            cells: vec![
                e.severity.name().to_string(),
                e.group.name().to_string(),
                e.protocol.to_string(),
                e.count.to_string(),
                e.message.clone(),
            ],
            keys: vec![
                num(u64::from(severity_rank(e.severity))),
                Key::Text(e.group.name().to_string()),
                Key::Text(e.protocol.to_string()),
                num(e.count),
                Key::Text(e.message.clone()),
            ],
            expert: Some(i),
            severity: severity_rank(e.severity),
        })
        .collect();
    Data {
        headers: vec!["Severity", "Group", "Protocol", "Count", "Summary"],
        rows,
        sortable: true,
    }
}
