//! Handshake timelines as sequence diagrams: the client's and the server's
//! lifelines, one arrow per handshake message, labelled with its name, the
//! frame, the time since the first message, and the time since the other
//! side's previous message (the round trip the reply took).

use egui::{Align2, Color32, FontId, Label, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2};

use super::tcp_graph::ConnectionView;
use crate::model::connection::{from_index, HandshakeTimeline};

/// Vertical distance between two arrows.
const STEP: f32 = 40.0;

pub fn show(ui: &mut Ui, view: &mut ConnectionView, tab: &mut usize) -> Option<u64> {
    view.is_running();
    let report = match &view.report {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Dissecting the connection of packet {}…",
                    view.number
                ));
            });
            return None;
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return None;
        }
        Some(Ok(r)) => r,
    };
    if report.timelines.is_empty() {
        ui.label(format!("{}: no handshake seen", report.title));
        return None;
    }
    ui.horizontal(|ui| {
        for (i, t) in report.timelines.iter().enumerate() {
            ui.selectable_value(tab, i, t.protocol);
        }
    });
    let i = (*tab).min(report.timelines.len() - 1);
    let endpoints = report.endpoints.clone();
    let timeline = report.timelines[i].clone();
    let mut jump = None;
    egui::ScrollArea::both()
        .id_salt("timeline")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            jump = diagram(ui, &endpoints, &timeline);
        });
    jump
}

/// Draws one diagram; returns the frame of a clicked arrow label.
fn diagram(ui: &mut Ui, endpoints: &[String; 2], timeline: &HandshakeTimeline) -> Option<u64> {
    let width = ui.available_width().max(560.0);
    let height = 60.0 + STEP * timeline.events.len() as f32 + 20.0;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let x = [rect.left() + width * 0.3, rect.left() + width * 0.75];
    let painter = ui.painter_at(rect);
    let line = Stroke::new(1.0, ui.visuals().weak_text_color());
    let text = ui.visuals().text_color();
    for (k, name) in endpoints.iter().enumerate() {
        let who = if k == 0 { "client" } else { "server" };
        put(
            ui,
            Pos2::new(x[k], rect.top() + 16.0),
            Align2::CENTER_CENTER,
            RichText::new(format!("{who} {name}")).strong(),
        );
        painter.line_segment(
            [
                Pos2::new(x[k], rect.top() + 32.0),
                Pos2::new(x[k], rect.bottom()),
            ],
            line,
        );
    }
    let first = timeline.events.first().map(|e| e.ts)?;
    let mut clicked = None;
    for (n, e) in timeline.events.iter().enumerate() {
        let y = rect.top() + 60.0 + STEP * n as f32;
        let from = from_index(e.dir);
        let to = 1 - from;
        let colour = if from == 0 {
            Color32::LIGHT_BLUE
        } else {
            Color32::GOLD
        };
        arrow(
            &painter,
            Pos2::new(x[from], y),
            Pos2::new(x[to], y),
            Stroke::new(1.5, colour),
        );
        let mid = Pos2::new((x[0] + x[1]) / 2.0, y - 9.0);
        let r = put(
            ui,
            mid,
            Align2::CENTER_CENTER,
            RichText::new(&*e.label).color(text),
        );
        if r.clicked() {
            clicked = Some(e.frame);
        }
        let t = e.ts.since(first).as_secs_f64() * 1000.0;
        put(
            ui,
            Pos2::new(rect.left() + 4.0, y),
            Align2::LEFT_CENTER,
            RichText::new(format!("{t:.3} ms  #{}", e.frame))
                .weak()
                .font(FontId::monospace(11.0)),
        );
        // The other side's previous message: the reply time.
        if let Some(prev) = timeline.events[..n].iter().rev().find(|p| p.dir != e.dir) {
            let rtt = e.ts.since(prev.ts).as_secs_f64() * 1000.0;
            put(
                ui,
                Pos2::new(x[1] + 12.0, y),
                Align2::LEFT_CENTER,
                RichText::new(format!("Δ {rtt:.3} ms"))
                    .weak()
                    .font(FontId::monospace(11.0)),
            );
        }
    }
    clicked
}

/// A label at `pos`, as a widget (so it can be read and clicked).
fn put(ui: &mut Ui, pos: Pos2, align: Align2, text: RichText) -> egui::Response {
    let galley = egui::WidgetText::from(text.clone()).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Body,
    );
    let rect = align.anchor_size(pos, galley.size());
    ui.put(
        Rect::from_min_size(rect.min, galley.size() + Vec2::new(2.0, 0.0)),
        Label::new(text).selectable(false).sense(Sense::click()),
    )
}

fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    painter.line_segment([from, to], stroke);
    let dir = if to.x > from.x { -1.0 } else { 1.0 };
    painter.line_segment([to, Pos2::new(to.x + dir * 8.0, to.y - 4.0)], stroke);
    painter.line_segment([to, Pos2::new(to.x + dir * 8.0, to.y + 4.0)], stroke);
}
