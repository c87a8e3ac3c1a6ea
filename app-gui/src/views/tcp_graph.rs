//! TCP stream graphs for the selected packet's connection (egui_plot):
//! Stevens time-sequence, throughput, RTT, and bytes in flight with the
//! congestion-window estimate and the sender's phase shaded. Drag to pan,
//! scroll or pinch to zoom, double-click to reset. Every series is
//! downsampled to the pixels in view before it is drawn.

use std::sync::Arc;

use egui::{Color32, Ui};
use egui_plot::{Legend, Line, MarkerShape, Plot, PlotUi, Points, Span};
use wirelens_capture::session::Session;
use wirelens_dissect::flow::cwnd::Phase;
use wirelens_dissect::flow::tcp_state::Side;

use super::plot_data::downsample;
use crate::model::connection::{analyse, ConnectionReport, TcpReport};
use crate::model::job::{Job, Notify};

/// Which graph the window shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Graph {
    #[default]
    TimeSequence,
    Throughput,
    Rtt,
    Window,
}

impl Graph {
    pub const ALL: [Graph; 4] = [
        Graph::TimeSequence,
        Graph::Throughput,
        Graph::Rtt,
        Graph::Window,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Graph::TimeSequence => "Time / Sequence (Stevens)",
            Graph::Throughput => "Throughput",
            Graph::Rtt => "Round Trip Time",
            Graph::Window => "Bytes in flight / cwnd",
        }
    }
}

/// The connection being looked at, shared by the TCP graph and timeline windows.
pub struct ConnectionView {
    /// The packet it was opened from.
    pub number: u64,
    job: Option<Job<Result<ConnectionReport, String>>>,
    pub report: Option<Result<ConnectionReport, String>>,
    pub graph: Graph,
    /// Whose sending the graphs show.
    pub sender: Side,
    /// The time-sequence points of `sender`, made once, not every frame.
    sequence: Option<(Side, SequencePoints)>,
}

/// The time-sequence graph's series for one sender.
#[derive(Default)]
struct SequencePoints {
    sent: Vec<[f64; 2]>,
    retransmitted: Vec<[f64; 2]>,
    acks: Vec<[f64; 2]>,
    window: Vec<[f64; 2]>,
    sack: Vec<[f64; 2]>,
}

impl SequencePoints {
    /// Each segment's end sequence number, the ACKs and receive window the
    /// other side advertised, and its SACK edges.
    fn of(tcp: &TcpReport, sender: Side) -> Self {
        let mut p = SequencePoints::default();
        for s in &tcp.segments {
            if s.side == sender {
                let point = [s.t, (s.seq + s.len) as f64];
                if s.retransmission {
                    p.retransmitted.push(point);
                } else {
                    p.sent.push(point);
                }
            } else if let Some(ack) = s.ack {
                p.acks.push([s.t, ack as f64]);
                if let Some(w) = s.window {
                    p.window.push([s.t, (ack + w) as f64]);
                }
                for &(l, r) in &s.sack {
                    p.sack.push([s.t, l as f64]);
                    p.sack.push([s.t, r as f64]);
                }
            }
        }
        p
    }
}

impl ConnectionView {
    /// Starts dissecting the connection of packet `number` again.
    pub fn start(session: &Arc<Session>, number: u64, notify: Notify) -> Self {
        let session = Arc::clone(session);
        ConnectionView {
            number,
            job: Some(Job::spawn("wirelens-gui-connection", notify, move || {
                analyse(&session, number)
            })),
            report: None,
            graph: Graph::default(),
            sender: Side::Client,
            sequence: None,
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.collect();
        self.job.is_some()
    }

    fn collect(&mut self) {
        if let Some(result) = self.job.as_mut().and_then(Job::take) {
            self.job = None;
            self.report = Some(result.and_then(|r| r));
        }
    }
}

pub fn show(ui: &mut Ui, view: &mut ConnectionView) {
    view.collect();
    let report = match &view.report {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Dissecting the connection of packet {}…",
                    view.number
                ));
            });
            return;
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        Some(Ok(r)) => r,
    };
    let Some(tcp) = &report.tcp else {
        ui.label(format!("{}: not a TCP connection", report.title));
        return;
    };
    ui.label(format!("{} ({} packets)", report.title, report.packets));
    ui.horizontal(|ui| {
        for g in Graph::ALL {
            ui.selectable_value(&mut view.graph, g, g.title());
        }
    });
    ui.horizontal(|ui| {
        ui.label("Sender:");
        ui.selectable_value(
            &mut view.sender,
            Side::Client,
            format!("client {}", report.endpoints[0]),
        );
        ui.selectable_value(
            &mut view.sender,
            Side::Server,
            format!("server {}", report.endpoints[1]),
        );
    });
    let sender = view.sender;
    let graph = view.graph;
    if view
        .sequence
        .as_ref()
        .is_none_or(|(side, _)| *side != sender)
    {
        view.sequence = Some((sender, SequencePoints::of(tcp, sender)));
    }
    let Some((_, sequence)) = &view.sequence else {
        return;
    };
    let plot = Plot::new(("tcp_graph", graph as u8))
        .legend(Legend::default())
        .x_axis_label("time since the first packet (s)")
        .y_axis_label(match graph {
            Graph::TimeSequence => "relative sequence number",
            Graph::Throughput => "bytes/s",
            Graph::Rtt => "seconds",
            Graph::Window => "bytes",
        })
        .height(ui.available_height().max(240.0));
    plot.show(ui, |plot| match graph {
        Graph::TimeSequence => time_sequence(plot, sequence),
        Graph::Throughput => {
            line(
                plot,
                "throughput",
                &tcp.senders[sender.index()].throughput,
                Color32::LIGHT_BLUE,
            );
        }
        Graph::Rtt => {
            let s = &tcp.senders[sender.index()];
            points(
                plot,
                "RTT",
                &s.rtt,
                Color32::LIGHT_GREEN,
                MarkerShape::Circle,
            );
        }
        Graph::Window => window(plot, tcp, sender),
    });
}

/// The visible x range and the plot's width in pixels.
fn view_of(plot: &PlotUi<'_>) -> (f64, f64, usize) {
    let b = plot.plot_bounds();
    let px = plot.response().rect.width().max(1.0) as usize;
    (b.min()[0], b.max()[0], px)
}

fn line(plot: &mut PlotUi<'_>, name: &str, data: &[[f64; 2]], colour: Color32) {
    let (lo, hi, px) = view_of(plot);
    plot.line(Line::new(name, downsample(data, lo, hi, px)).color(colour));
}

fn points(
    plot: &mut PlotUi<'_>,
    name: &str,
    data: &[[f64; 2]],
    colour: Color32,
    shape: MarkerShape,
) {
    let (lo, hi, px) = view_of(plot);
    plot.points(
        Points::new(name, downsample(data, lo, hi, px))
            .color(colour)
            .shape(shape)
            .radius(2.0),
    );
}

/// Stevens' graph of one sender: each segment's end sequence number, the
/// ACKs and receive window the other side advertised, SACK blocks, and
/// retransmissions in red.
fn time_sequence(plot: &mut PlotUi<'_>, p: &SequencePoints) {
    points(
        plot,
        "segments",
        &p.sent,
        Color32::LIGHT_BLUE,
        MarkerShape::Up,
    );
    points(
        plot,
        "retransmissions",
        &p.retransmitted,
        Color32::RED,
        MarkerShape::Diamond,
    );
    line(plot, "ACK", &p.acks, Color32::GOLD);
    line(plot, "receive window", &p.window, Color32::LIGHT_GREEN);
    points(
        plot,
        "SACK",
        &p.sack,
        Color32::from_rgb(0xff, 0x80, 0xff),
        MarkerShape::Square,
    );
}

/// Bytes in flight and the cwnd estimate, on the sender's phases.
fn window(plot: &mut PlotUi<'_>, tcp: &TcpReport, sender: Side) {
    let s = &tcp.senders[sender.index()];
    let end = s
        .in_flight
        .last()
        .map_or(0.0, |p| p[0])
        .max(s.cwnd.last().map_or(0.0, |p| p[0]));
    for (i, &(start, phase)) in s.phases.iter().enumerate() {
        let stop = s.phases.get(i + 1).map_or(end, |p| p.0);
        if stop > start {
            plot.span(Span::new(phase_name(phase), start..=stop).fill(phase_colour(phase)));
        }
    }
    line(plot, "bytes in flight", &s.in_flight, Color32::LIGHT_BLUE);
    line(plot, "cwnd estimate", &s.cwnd, Color32::GOLD);
}

pub fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::SlowStart => "slow start",
        Phase::CongestionAvoidance => "congestion avoidance",
        Phase::FastRecovery => "fast recovery",
        Phase::RtoRecovery => "RTO recovery",
    }
}

fn phase_colour(p: Phase) -> Color32 {
    match p {
        Phase::SlowStart => Color32::from_rgba_unmultiplied(0x40, 0xa0, 0xff, 28),
        Phase::CongestionAvoidance => Color32::from_rgba_unmultiplied(0x40, 0xff, 0x80, 28),
        Phase::FastRecovery | Phase::RtoRecovery => {
            Color32::from_rgba_unmultiplied(0xff, 0x60, 0x40, 40)
        }
    }
}
