//! The connection's charts (ratatui `Chart`): sequence number against time
//! (Stevens graph) with retransmissions marked, bytes in flight with the
//! cwnd estimate, retransmissions (`loss`, at the bytes in flight then) and
//! the estimator's loss episodes (at the window before the loss), RTT, and
//! throughput, each for one sender.
//!
//! A connection can have millions of segments while a chart is a hundred
//! cells wide, so each series is reduced to the lowest and highest point of
//! every braille column before drawing (spikes survive, the chart stays
//! fast), and the result is kept until the chart, sender or width changes.

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;
use wirelens_dissect::flow::tcp_state::Side;

use super::data::{Secs, Sender, TcpViewData};
use super::format;

/// The four charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Sequence number against time.
    Stevens,
    /// Bytes in flight and the congestion-window estimate, losses marked.
    InFlight,
    Rtt,
    Throughput,
}

impl ChartKind {
    pub fn title(self) -> &'static str {
        match self {
            ChartKind::Stevens => "Stevens",
            ChartKind::InFlight => "In flight/cwnd",
            ChartKind::Rtt => "RTT",
            ChartKind::Throughput => "Throughput",
        }
    }

    fn y_title(self) -> &'static str {
        match self {
            ChartKind::Stevens => "seq",
            ChartKind::InFlight => "bytes",
            ChartKind::Rtt => "RTT",
            ChartKind::Throughput => "bytes/s",
        }
    }

    fn y_label(self, v: f64) -> String {
        match self {
            ChartKind::Stevens => format!("{v:.0}"),
            ChartKind::InFlight => format::bytes(v),
            ChartKind::Rtt => format::duration(v),
            ChartKind::Throughput => format!("{}/s", format::bytes(v)),
        }
    }
}

/// One line or set of marks of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: &'static str,
    /// (seconds since the capture's first packet, value).
    pub points: Vec<(Secs, f64)>,
    /// Drawn as a line (else as separate marks).
    line: bool,
    colour: Color,
}

/// What a chart shows: its series and the ranges of its axes.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    pub series: Vec<Series>,
}

impl ChartSpec {
    pub fn series(&self, name: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == name)
    }
}

impl TcpViewData {
    /// The chart `kind` of the data `side` sent, with every point.
    pub fn chart(&self, kind: ChartKind, side: Side) -> ChartSpec {
        spec(self, kind, side, None)
    }
}

/// The chart's series, each reduced to at most `columns` columns' extremes
/// when `columns` is given. The x axis spans the stream (first to last
/// packet); the y axis from zero to the largest value shown.
fn spec(data: &TcpViewData, kind: ChartKind, side: Side, columns: Option<usize>) -> ChartSpec {
    let (first, last) = data.time_span();
    let x_bounds = [first, last];
    let reduce = |points: Vec<(Secs, f64)>| match columns {
        Some(n) => downsample(&points, x_bounds, n),
        None => points,
    };
    let s = data.sender(side);
    let mut series = Vec::new();
    // Stevens: the end of the furthest segment, not just its start.
    let mut y_max = match kind {
        ChartKind::Stevens => s.max_seq() as f64,
        _ => 0.0f64,
    };
    let mut add = |name, points: Vec<(Secs, f64)>, line, colour| {
        y_max = points.iter().map(|p| p.1).fold(y_max, f64::max);
        series.push(Series {
            name,
            points: reduce(points),
            line,
            colour,
        });
    };
    match kind {
        ChartKind::Stevens => {
            let seg = |retx: bool| {
                s.segments
                    .iter()
                    // Pure ACKs carry no sequence space; retransmitted ones still count.
                    .filter(|g| (g.len > 0 || retx) && g.retransmission == retx)
                    .map(|g| (g.time, g.seq as f64))
                    .collect()
            };
            add("segments", seg(false), false, Color::Cyan);
            add("retransmissions", seg(true), false, Color::Red);
        }
        ChartKind::InFlight => {
            add(
                "bytes in flight",
                s.bytes_in_flight.clone(),
                true,
                Color::Cyan,
            );
            add("cwnd estimate", s.cwnd.clone(), true, Color::Yellow);
            add("loss", loss_marks(s), false, Color::Red);
            let episodes = s.losses.iter().map(|l| (l.time, l.window)).collect();
            add("loss episode", episodes, false, Color::Magenta);
        }
        ChartKind::Rtt => add("RTT", s.rtt.clone(), false, Color::Green),
        ChartKind::Throughput => add("throughput", s.throughput.clone(), true, Color::Magenta),
    }
    ChartSpec {
        kind,
        x_bounds,
        y_bounds: [0.0, y_max],
        series,
    }
}

/// A mark at each retransmission's time, at the bytes in flight then.
fn loss_marks(s: &Sender) -> Vec<(Secs, f64)> {
    let flight = &s.bytes_in_flight;
    s.retransmissions()
        .map(|r| {
            let before = flight.partition_point(|p| p.0 <= r.time);
            let y = before
                .checked_sub(1)
                .and_then(|i| flight.get(i))
                .map_or(0.0, |p| p.1);
            (r.time, y)
        })
        .collect()
}

/// The lowest and highest point of each of `columns` equal slices of
/// `x_bounds`, in slice order. Small series pass unchanged.
pub fn downsample(points: &[(f64, f64)], x_bounds: [f64; 2], columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns {
        return points.to_vec();
    }
    let [x0, x1] = x_bounds;
    let width = (x1 - x0).max(f64::MIN_POSITIVE);
    let mut lo: Vec<Option<(f64, f64)>> = vec![None; columns];
    let mut hi: Vec<Option<(f64, f64)>> = vec![None; columns];
    for &(x, y) in points {
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let c = (((x - x0) / width) * columns as f64).floor();
        let c = (c.max(0.0) as usize).min(columns - 1);
        if lo[c].is_none_or(|p| y < p.1) {
            lo[c] = Some((x, y));
        }
        if hi[c].is_none_or(|p| y > p.1) {
            hi[c] = Some((x, y));
        }
    }
    let mut out = Vec::with_capacity(2 * columns);
    for (l, h) in lo.into_iter().zip(hi) {
        match (l, h) {
            (Some(l), Some(h)) if l == h => out.push(l),
            (Some(l), Some(h)) => {
                // In time order, so lines through them do not zigzag back.
                let (a, b) = if l.0 <= h.0 { (l, h) } else { (h, l) };
                out.push(a);
                out.push(b);
            }
            _ => {}
        }
    }
    out
}

/// The last chart drawn, reduced to the width it was drawn at.
#[derive(Default)]
pub struct ChartCache {
    key: Option<(ChartKind, Side, u16)>,
    spec: Option<ChartSpec>,
}

impl ChartCache {
    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        data: &TcpViewData,
        kind: ChartKind,
        side: Side,
    ) {
        // The addresses are in the window's title; `d` switches sides.
        let who = match side {
            Side::Client => "sent by the client",
            Side::Server => "sent by the server",
        };
        if area.height < 6 || area.width < 24 {
            frame.render_widget(Paragraph::new(who), area);
            return;
        }
        let key = (kind, side, area.width);
        if self.key != Some(key) || self.spec.is_none() {
            // Braille has two dots per cell across.
            self.spec = Some(spec(data, kind, side, Some(2 * area.width as usize)));
            self.key = Some(key);
        }
        let Some(spec) = &self.spec else {
            return;
        };
        draw(frame, area, spec, who);
    }
}

fn draw(frame: &mut Frame<'_>, area: Rect, spec: &ChartSpec, title: &str) {
    let datasets: Vec<Dataset<'_>> = spec
        .series
        .iter()
        .filter(|s| !s.points.is_empty())
        .map(|s| {
            Dataset::default()
                .name(s.name)
                .marker(if s.line { Marker::Braille } else { Marker::Dot })
                .graph_type(if s.line {
                    GraphType::Line
                } else {
                    GraphType::Scatter
                })
                .style(Style::default().fg(s.colour))
                .data(&s.points)
        })
        .collect();
    let [x0, x1] = drawable(spec.x_bounds);
    let [y0, y1] = drawable(spec.y_bounds);
    let span = x1 - x0;
    let x_axis = Axis::default().title("time (s)").bounds([x0, x1]).labels([
        Line::raw(format::time(x0, span)),
        Line::raw(format::time((x0 + x1) / 2.0, span)),
        Line::raw(format::time(x1, span)),
    ]);
    let y_axis = Axis::default()
        .title(spec.kind.y_title())
        .bounds([y0, y1])
        .labels([
            Line::raw(spec.kind.y_label(y0)),
            Line::raw(spec.kind.y_label((y0 + y1) / 2.0)),
            Line::raw(spec.kind.y_label(y1)),
        ]);
    // The legend goes in the title line: ratatui's own box covers the plot
    // and disappears in small windows.
    let mut heading = vec![Span::raw(title.to_string())];
    for s in spec.series.iter().filter(|s| !s.points.is_empty()) {
        heading.push(Span::raw("  "));
        heading.push(Span::styled(
            format!("{} {}", if s.line { "─" } else { "•" }, s.name),
            Style::default().fg(s.colour),
        ));
    }
    let chart = Chart::new(datasets)
        .block(ratatui::widgets::Block::default().title(Line::from(heading)))
        .legend_position(None)
        .x_axis(x_axis)
        .y_axis(y_axis);
    if spec.series.iter().all(|s| s.points.is_empty()) {
        let [top, rest] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(2),
            ratatui::layout::Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(format!("{title}\nnothing to draw for this sender")),
            top,
        );
        frame.render_widget(chart, rest);
        return;
    }
    frame.render_widget(chart, area);
}

/// Bounds a chart can draw: an empty range is widened around its value.
fn drawable([lo, hi]: [f64; 2]) -> [f64; 2] {
    if !(lo.is_finite() && hi.is_finite()) {
        return [0.0, 1.0];
    }
    if hi > lo {
        [lo, hi]
    } else {
        let pad = (lo.abs() * 0.01).max(1e-3);
        [lo - pad, hi + pad]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_keeps_each_columns_extremes_in_time_order() {
        let points: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64 / 1000.0, ((i * 7919) % 1000) as f64))
            .collect();
        let out = downsample(&points, [0.0, 10.0], 50);
        assert!(out.len() <= 100);
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0));
        let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
        let min = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        assert!(out.iter().any(|p| p.1 == max));
        assert!(out.iter().any(|p| p.1 == min));
        // Each column's maximum survives.
        for c in 0..50 {
            let col_max = points
                .iter()
                .filter(|p| ((p.0 / 10.0 * 50.0).floor() as usize).min(49) == c)
                .map(|p| p.1)
                .fold(f64::MIN, f64::max);
            assert!(out.iter().any(|p| p.1 == col_max), "column {c}");
        }
    }

    #[test]
    fn small_series_and_degenerate_bounds_pass() {
        let pts = vec![(1.0, 2.0), (1.0, 3.0)];
        assert_eq!(downsample(&pts, [1.0, 1.0], 10), pts);
        let many: Vec<(f64, f64)> = (0..100).map(|i| (1.0, i as f64)).collect();
        assert_eq!(
            downsample(&many, [1.0, 1.0], 3),
            vec![(1.0, 0.0), (1.0, 99.0)]
        );
        assert!(drawable([5.0, 5.0])[0] < 5.0);
        assert_eq!(drawable([f64::NAN, 1.0]), [0.0, 1.0]);
    }
}
