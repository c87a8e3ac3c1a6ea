//! The windows besides the main one: statistics, connection views, follow
//! stream, the file browser, About.

use super::WirelensApp;
use crate::views::capture_dialog::DialogAction;
use crate::views::file_browser::{self, Outcome};
use crate::views::{flow_table, follow, stats, tcp_graph, timeline};

impl WirelensApp {
    pub(super) fn windows(&mut self, ctx: &egui::Context) {
        self.browser(ctx);
        self.capture_dialog(ctx);
        let state = &mut self.state;
        let w = &mut state.windows;
        if let Some(capture) = &state.capture {
            let session = &capture.session;
            egui::Window::new("Protocol Hierarchy")
                .min_height(300.0)
                .open(&mut w.hierarchy)
                .default_size([520.0, 360.0])
                .show(ctx, |ui| {
                    stats::hierarchy::show(ui, session, &mut self.tables[0])
                });
            egui::Window::new("Conversations")
                .min_height(300.0)
                .open(&mut w.conversations)
                .default_size([820.0, 360.0])
                .show(ctx, |ui| {
                    stats::conversations::show(ui, session, &mut self.conv_tab, &mut self.tables[1])
                });
            egui::Window::new("Endpoints")
                .min_height(300.0)
                .open(&mut w.endpoints)
                .default_size([720.0, 360.0])
                .show(ctx, |ui| {
                    stats::endpoints::show(ui, session, &mut self.endpoint_tab, &mut self.tables[2])
                });
            egui::Window::new("Expert Information")
                .min_height(300.0)
                .open(&mut w.expert)
                .default_size([720.0, 360.0])
                .show(ctx, |ui| {
                    stats::expert::show(ui, session, &mut self.tables[3])
                });
            let notify = state
                .notify
                .clone()
                .unwrap_or_else(crate::model::job::no_notify);
            egui::Window::new("I/O Graph")
                .open(&mut w.io_graph)
                .default_size([720.0, 420.0])
                .show(ctx, |ui| {
                    stats::io_graph::show(ui, &mut state.io_graph, session, &notify)
                });
        }
        if let Some(flows) = &mut state.flows {
            egui::Window::new("Flows")
                .min_height(300.0)
                .open(&mut w.flows)
                .default_size([900.0, 400.0])
                .show(ctx, |ui| flow_table::show(ui, flows));
        }
        let mut jump = None;
        if let Some(conn) = &mut state.connection {
            egui::Window::new("TCP Stream Graph")
                .open(&mut w.tcp_graph)
                .default_size([820.0, 520.0])
                .show(ctx, |ui| tcp_graph::show(ui, conn));
            egui::Window::new("Handshake Timeline")
                .open(&mut w.timeline)
                .default_size([760.0, 520.0])
                .show(ctx, |ui| {
                    jump = timeline::show(ui, conn, &mut self.timeline_tab)
                });
        }
        if let Some(f) = &mut state.follow {
            let title = f.title.clone();
            egui::Window::new(title)
                .open(&mut w.follow)
                .default_size([720.0, 480.0])
                .show(ctx, |ui| follow::show(ui, f));
        }
        egui::Window::new("About wirelens")
            .open(&mut w.about)
            .show(ctx, |ui| {
                ui.label(format!("wirelens {}", env!("CARGO_PKG_VERSION")));
                ui.label(
                    "A packet analyzer: the same dissection engine as the wirelens command line.",
                );
            });
        if let (Some(n), Some(c)) = (jump, &mut state.capture) {
            c.select(n);
            self.scroll_to_selected = true;
        }
    }

    /// Capture › Start: the dialog, and starting or stopping what it asks.
    fn capture_dialog(&mut self, ctx: &egui::Context) {
        let state = &mut self.state;
        let Some(dialog) = &mut state.capture_dialog else {
            return;
        };
        let mut open = true;
        let live = &mut state.live;
        let asked = egui::Window::new("Capture")
            .open(&mut open)
            .default_size([560.0, 360.0])
            .show(ctx, |ui| dialog.show(ui, live.as_mut()))
            .and_then(|r| r.inner)
            .flatten();
        if !open {
            state.capture_dialog = None;
        }
        match asked {
            Some(DialogAction::Start(request)) => {
                let started = state.start_live(&request);
                if let Some(dialog) = &mut state.capture_dialog {
                    dialog.error = started.err();
                }
                if state.live.is_some() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
                        "Capturing on {} - wirelens",
                        request.interfaces.join(", ")
                    )));
                }
            }
            Some(DialogAction::Stop) => state.stop_live(),
            None => {}
        }
    }

    fn browser(&mut self, ctx: &egui::Context) {
        let Some(browser) = &mut self.state.browser else {
            return;
        };
        match file_browser::show(ctx, browser) {
            Outcome::Stay => {}
            Outcome::Cancel => self.state.browser = None,
            Outcome::Chosen(purpose, path) => {
                self.state.browser = None;
                self.carry_out(ctx, purpose, path);
            }
        }
    }
}
