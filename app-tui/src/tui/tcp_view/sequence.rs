//! The handshake timeline as a sequence diagram: the client's lifeline on
//! the left, the server's on the right, one arrow per event labelled with
//! what was sent, its capture time on the left and its packet, the time
//! since the previous event and any round trip it completes on the right.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use wirelens_dissect::flow::timeline::Direction;

use super::data::{Event, EventSource, TcpViewData};
use super::format;
use super::list::ListCursor;

/// Width of the time column ("12345.123456").
const TIME_WIDTH: usize = 12;
/// Width of the right-hand notes ("#123456 +12.345 ms RTT 1.234 ms").
const NOTES_WIDTH: usize = 32;
/// Arrows get this much before the notes get any room.
const MIN_ARROW: usize = 36;

/// Column layout of one diagram, computed from the width.
struct Columns {
    time: usize,
    /// Between the two lifelines, the lifelines included.
    arrow: usize,
    notes: usize,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        let time = TIME_WIDTH.min(width / 4);
        let rest = width.saturating_sub(time + 1);
        let notes = rest.saturating_sub(MIN_ARROW + 1).min(NOTES_WIDTH);
        let arrow = rest.saturating_sub(notes + usize::from(notes > 0));
        Columns { time, arrow, notes }
    }
}

pub fn render(frame: &mut Frame<'_>, area: Rect, data: &TcpViewData, cursor: &mut ListCursor) {
    let cols = Columns::for_width(area.width as usize);
    let events = data.events();
    let mut lines = vec![header(data, &cols)];
    if events.is_empty() {
        lines.push(Line::raw("no handshake or teardown packets in this stream"));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let rows = cursor.visible(area.height.saturating_sub(1) as usize, events.len());
    for i in rows {
        let prev = i.checked_sub(1).and_then(|p| events.get(p));
        let selected = i == cursor.selected();
        lines.push(event_line(&events[i], prev, &cols, selected));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The endpoints' names over their lifelines: "client ADDRESS" from the
/// left one, "server ADDRESS" ending at the right one; without the words
/// when both do not fit, cut to half the width each when even that does not.
fn header(data: &TcpViewData, cols: &Columns) -> Line<'static> {
    let fits = |a: &str, b: &str| a.chars().count() + 1 + b.chars().count() <= cols.arrow;
    let (mut client, mut server) = (
        format!("client {}", data.client()),
        format!("server {}", data.server()),
    );
    if !fits(&client, &server) {
        (client, server) = (data.client().to_string(), data.server().to_string());
    }
    if !fits(&client, &server) {
        let half = cols.arrow.saturating_sub(1) / 2;
        (client, server) = (fit(&client, half), fit(&server, half));
    }
    let gap = cols.arrow.saturating_sub(client.chars().count());
    let text = format!("{:<w$} {client}{server:>gap$}", "time", w = cols.time);
    Line::styled(text, Style::default().add_modifier(Modifier::BOLD))
}

fn event_line(ev: &Event, prev: Option<&Event>, cols: &Columns, selected: bool) -> Line<'static> {
    let style = if selected {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    let time = fit(&format!("{:.6}", ev.time), cols.time);
    let mut spans = vec![Span::styled(format!("{time:>w$} ", w = cols.time), style)];
    spans.push(Span::styled(
        arrow(&label(ev), ev.dir, cols.arrow),
        style.fg(colour(ev.source)),
    ));
    if cols.notes > 0 {
        spans.push(Span::styled(
            format!(" {}", fit(&notes(ev, prev), cols.notes)),
            style.fg(Color::DarkGray),
        ));
    }
    Line::from(spans)
}

/// What the arrow says: the event's own label, prefixed with its protocol
/// when that is not TCP.
pub fn label(ev: &Event) -> String {
    match ev.source {
        EventSource::Tcp => ev.label.clone(),
        s => format!("{} {}", s.name(), ev.label),
    }
}

/// `#frame`, the time since the previous event and the round trip the
/// event completes, if any.
fn notes(ev: &Event, prev: Option<&Event>) -> String {
    let mut out = format!("#{}", ev.frame);
    if let Some(p) = prev {
        out.push_str(&format!(" +{}", format::duration(ev.time - p.time)));
    }
    if let Some(rtt) = ev.rtt {
        out.push_str(&format!(" RTT {}", format::duration(rtt)));
    }
    out
}

/// `│──── SYN ────▶│` (client to server) or `│◀──── SYN, ACK ────│`, exactly
/// `width` characters wide.
pub fn arrow(label: &str, dir: Direction, width: usize) -> String {
    if width < 4 {
        return " ".repeat(width);
    }
    // Lifelines, head and at least one dash each side of the label.
    let room = width - 3;
    let text = fit(label, room.saturating_sub(4));
    let text = if text.is_empty() {
        String::new()
    } else {
        format!(" {text} ")
    };
    let dashes = room - text.chars().count();
    let left = dashes / 2;
    let right = dashes - left;
    let body = format!("{}{}{}", "─".repeat(left), text, "─".repeat(right));
    match dir {
        Direction::ClientToServer => format!("│{body}▶│"),
        Direction::ServerToClient => format!("│◀{body}│"),
    }
}

/// `s` cut to `width` characters (with `…` when cut).
fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

fn colour(source: EventSource) -> Color {
    match source {
        EventSource::Tcp => Color::Cyan,
        EventSource::Tls => Color::Green,
        EventSource::Ssh => Color::Magenta,
        EventSource::Http2 => Color::Yellow,
        EventSource::Bgp => Color::LightBlue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_fill_their_width_and_point_the_right_way() {
        let a = arrow("SYN", Direction::ClientToServer, 20);
        assert_eq!(a.chars().count(), 20);
        assert!(a.starts_with('│') && a.ends_with("▶│") && a.contains(" SYN "));
        let b = arrow("SYN, ACK", Direction::ServerToClient, 20);
        assert_eq!(b.chars().count(), 20);
        assert!(b.starts_with("│◀") && b.contains(" SYN, ACK "));
        let tiny = arrow("a very long label", Direction::ClientToServer, 9);
        assert_eq!(tiny.chars().count(), 9);
        assert_eq!(arrow("x", Direction::ClientToServer, 2), "  ");
    }

    #[test]
    fn columns_fit_any_width() {
        for w in 0..300 {
            let c = Columns::for_width(w);
            let used = c.time + 1 + c.arrow + c.notes + usize::from(c.notes > 0);
            assert!(used <= w.max(1), "width {w}: {used}");
        }
    }
}
