//! Both endpoints' RFC 793 state-machine history: one row per transition,
//! the client's in the left column and the server's in the right, in
//! capture order, with the packet that caused it.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wirelens_dissect::flow::tcp_state::{Side, StateEvent};

use super::data::{StateChange, TcpViewData};
use super::list::ListCursor;

/// Width of the time and packet columns ("12345.123456  #123456 ").
const LEAD: usize = 22;

pub fn render(frame: &mut Frame<'_>, area: Rect, data: &TcpViewData, cursor: &mut ListCursor) {
    let side_width = (area.width as usize).saturating_sub(LEAD) / 2;
    let states = data.states();
    let client = format!("client now {}", data.final_state(Side::Client).as_str());
    let server = format!("server now {}", data.final_state(Side::Server).as_str());
    let mut lines = vec![Line::styled(
        format!("{:<LEAD$}{client:<side_width$}{server}", "time      packet"),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if states.is_empty() {
        lines.push(Line::raw("no state changes recorded"));
    }
    let rows = cursor.visible(area.height.saturating_sub(1) as usize, states.len());
    for i in rows {
        let text = row(&states[i], side_width);
        let style = if i == cursor.selected() {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// `time  #frame  FROM → TO (event)`, in the column of the side that changed.
pub fn row(s: &StateChange, side_width: usize) -> String {
    let change = transition_text(s);
    let lead = format!("{:<12.6}  #{:<6} ", s.time, s.frame);
    match s.side {
        Side::Client => format!("{lead:<LEAD$}{change}"),
        Side::Server => format!("{lead:<LEAD$}{:side_width$}{change}", ""),
    }
}

/// `SYN_SENT → ESTABLISHED (received SYN/ACK)`.
pub fn transition_text(s: &StateChange) -> String {
    format!(
        "{} → {} ({})",
        s.from.as_str(),
        s.to.as_str(),
        event_text(s.event)
    )
}

fn event_text(e: StateEvent) -> &'static str {
    match e {
        StateEvent::SentSyn => "sent SYN",
        StateEvent::RcvdSyn => "received SYN",
        StateEvent::SentSynAck => "sent SYN/ACK",
        StateEvent::RcvdSynAck => "received SYN/ACK",
        StateEvent::HandshakeAck => "handshake ACK",
        StateEvent::SentFin => "sent FIN",
        StateEvent::RcvdFin => "received FIN",
        StateEvent::FinAcked => "its FIN acknowledged",
        StateEvent::SentRst => "sent RST",
        StateEvent::RcvdRst => "received RST",
        StateEvent::MidStream => "picked up mid-stream",
    }
}
