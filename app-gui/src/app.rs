//! The window's top level: the menu bar, filter bar, the three panes, the
//! status bar and the other windows. The same [`WirelensApp::show`] runs in
//! the real window (through [`eframe::App`]) and in the headless tests.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{CentralPanel, Panel, Ui, ViewportCommand};
use wirelens_capture::write::SaveFormat;

use crate::model::export;
use crate::model::job::Job;
use crate::state::AppState;
use crate::views::file_browser::{self, FileBrowser, Outcome, Purpose};
use crate::views::flow_table::FlowTable;
use crate::views::follow::FollowView;
use crate::views::menu_bar::{self, Action};
use crate::views::stats::{self, ConvTab, TableCache};
use crate::views::tcp_graph::ConnectionView;
use crate::views::{
    detail_tree, filter_bar, flow_table, follow, hex_view, open_prompt, packet_list, status_bar,
    tcp_graph, timeline,
};

/// The wirelens desktop application.
#[derive(Default)]
pub struct WirelensApp {
    pub state: AppState,
    fonts_installed: bool,
    conv_tab: ConvTab,
    endpoint_tab: ConvTab,
    /// Rows of the hierarchy, conversations, endpoints and expert windows.
    tables: [TableCache; 4],
    timeline_tab: usize,
    scroll_to_selected: bool,
    export: Option<Job<Result<String, String>>>,
    /// The TLS key log path given on the command line, for the flow report.
    pub tls_keylog: Option<PathBuf>,
    /// What the command line asked for once the file is loaded.
    pub startup: Startup,
}

/// Command-line requests carried out once the capture allows: select a
/// packet (`--packet`), then open windows (`--show`).
#[derive(Clone, Debug, Default)]
pub struct Startup {
    pub packet: Option<u64>,
    pub windows: Vec<Action>,
}

impl WirelensApp {
    /// An app that opens `file` (if any) as soon as it is first shown.
    pub fn new(file: Option<PathBuf>) -> Self {
        WirelensApp::with_prefs(file, wirelens_dissect::Prefs::default())
    }

    /// An app that dissects with `prefs` (a TLS key log, `-o` settings).
    pub fn with_prefs(file: Option<PathBuf>, prefs: wirelens_dissect::Prefs) -> Self {
        WirelensApp {
            state: AppState::with_file_and_prefs(file, prefs),
            ..WirelensApp::default()
        }
    }

    /// Draws one frame into `ui` and handles its input.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            install_fonts(&ctx);
            self.fonts_installed = true;
        }
        if self.state.notify.is_none() {
            let repaint = ctx.clone();
            self.state.notify = Some(Arc::new(move || repaint.request_repaint()));
        }
        if let Some(path) = dropped_file(&ctx) {
            self.state.pending_open = Some(path);
        }
        if let Some(path) = self.state.pending_open.take() {
            self.open(&ctx, path);
        }
        self.state.poll();
        self.poll_export();
        self.carry_out_startup(&ctx);

        let has_capture = self.state.capture.is_some();
        let has_selection = self
            .state
            .capture
            .as_ref()
            .is_some_and(|c| c.selected.is_some());
        let action = Panel::top("menu_bar")
            .show(ui, |ui| {
                let action = menu_bar::show(ui, &self.state.recent, has_capture, has_selection);
                if let Some(capture) = &mut self.state.capture {
                    filter_bar::show(ui, &mut self.state.filter_input, capture);
                }
                action
            })
            .inner;
        if let Some(action) = action {
            self.act(&ctx, action);
        }
        Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, &self.state));
        self.panes(ui);
        self.windows(&ctx);
    }

    fn panes(&mut self, ui: &mut Ui) {
        let Some(capture) = &mut self.state.capture else {
            CentralPanel::default_margins().show(ui, |ui| self.prompt(ui));
            return;
        };
        Panel::bottom("detail_panes")
            .resizable(true)
            .default_size(ui.available_height() * 0.45)
            .show(ui, |ui| {
                Panel::right("hex_pane")
                    .resizable(true)
                    .default_size(ui.available_width() * 0.45)
                    .show(ui, |ui| hex_view::show(ui, capture));
                CentralPanel::default_margins().show(ui, |ui| detail_tree::show(ui, capture));
            });
        let scroll = std::mem::take(&mut self.scroll_to_selected);
        let asked = CentralPanel::default_margins()
            .show(ui, |ui| packet_list::show(ui, capture, scroll))
            .inner;
        if let Some(action) = asked {
            let ctx = ui.ctx().clone();
            self.act(&ctx, action);
        }
    }

    /// Nothing open: offer to open a file.
    fn prompt(&mut self, ui: &mut Ui) {
        let state = &mut self.state;
        let asked = open_prompt::show(ui, &mut state.path_input, &mut state.keylog_input);
        if let Some(e) = &state.keylog_error {
            ui.vertical_centered(|ui| ui.colored_label(ui.visuals().error_fg_color, e));
        }
        if let Some(path) = asked {
            match state.apply_keylog_input() {
                Ok(()) => {
                    state.keylog_error = None;
                    // The flow report reads the key log itself.
                    let keylog = state.keylog_input.trim();
                    if !keylog.is_empty() {
                        self.tls_keylog = Some(PathBuf::from(keylog));
                    }
                    let ctx = ui.ctx().clone();
                    self.open(&ctx, path);
                }
                Err(e) => state.keylog_error = Some(e),
            }
        }
    }

    fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        let name = crate::model::display_name(&path);
        ctx.send_viewport_cmd(ViewportCommand::Title(format!("{name} - wirelens")));
        self.tables = Default::default();
        self.state.open(path);
    }

    fn carry_out_startup(&mut self, ctx: &egui::Context) {
        let Some(capture) = &mut self.state.capture else {
            return;
        };
        if let Some(n) = self.startup.packet {
            // Wait until loading has reached the packet (or ended).
            if capture.session.len() < n && capture.is_loading() {
                return;
            }
            self.startup.packet = None;
            capture.select(n);
            self.scroll_to_selected = true;
        }
        // Following a stream needs the selected packet's tree.
        let ready = capture.selected.is_none()
            || capture.detail.as_ref().map(|d| d.number) == capture.selected;
        if ready && !self.startup.windows.is_empty() {
            for action in std::mem::take(&mut self.startup.windows) {
                self.act(ctx, action);
            }
        }
    }

    /// Carries out a menu item.
    pub fn act(&mut self, ctx: &egui::Context, action: Action) {
        let w = &mut self.state.windows;
        match action {
            Action::Browse(purpose) => {
                let start = self
                    .state
                    .capture
                    .as_ref()
                    .and_then(|c| c.path.parent().map(PathBuf::from))
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_else(|| PathBuf::from("/"));
                self.state.browser = Some(FileBrowser::new(purpose, &start));
            }
            Action::OpenRecent(path) => self.open(ctx, path),
            Action::Close => {
                self.state.capture = None;
                self.state.connection = None;
                ctx.send_viewport_cmd(ViewportCommand::Title("wirelens".into()));
            }
            Action::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
            Action::GoToSelected => self.scroll_to_selected = true,
            Action::ClearFieldSelection => {
                if let Some(c) = &mut self.state.capture {
                    c.selected_item = None;
                }
            }
            Action::Hierarchy => w.hierarchy = true,
            Action::Conversations => w.conversations = true,
            Action::Endpoints => w.endpoints = true,
            Action::Expert => w.expert = true,
            Action::IoGraph => w.io_graph = true,
            Action::Flows => {
                w.flows = true;
                if self.state.flows.is_none() {
                    if let Some(c) = &self.state.capture {
                        self.state.flows = Some(FlowTable::start(
                            c.path.clone(),
                            self.tls_keylog.clone(),
                            self.state.notifier(),
                        ));
                    }
                }
            }
            Action::TcpGraph | Action::Timeline => {
                if action == Action::TcpGraph {
                    w.tcp_graph = true;
                } else {
                    w.timeline = true;
                }
                self.open_connection();
            }
            Action::FollowStream => self.follow_selected(),
            Action::About => w.about = true,
        }
    }

    /// Dissects the selected packet's connection again, unless already shown.
    pub fn open_connection(&mut self) {
        let Some(capture) = &self.state.capture else {
            return;
        };
        let Some(n) = capture.selected else {
            return;
        };
        let same_flow = |a: u64, b: u64| {
            let s = |n| capture.session.entry(n).map(|e| e.stream);
            s(a).is_some_and(|x| x != 0 && Some(x) == s(b))
        };
        if self
            .state
            .connection
            .as_ref()
            .is_some_and(|c| c.number == n || same_flow(c.number, n))
        {
            return;
        }
        self.timeline_tab = 0;
        self.state.connection = Some(ConnectionView::start(
            &capture.session,
            n,
            self.state.notifier(),
        ));
    }

    fn follow_selected(&mut self) {
        let Some(capture) = &self.state.capture else {
            return;
        };
        if capture.selected.is_none() {
            self.state.notice = Some("select a packet of a TCP or UDP stream first".into());
            return;
        }
        // The stream number is in the selected packet's tree: wait for it.
        let Some(detail) = capture
            .detail
            .as_ref()
            .filter(|d| Some(d.number) == capture.selected)
        else {
            self.startup.windows.push(Action::FollowStream);
            return;
        };
        let (stream, udp) = match (
            detail.number_of("tcp.stream"),
            detail.number_of("udp.stream"),
        ) {
            (Some(s), _) => (s, false),
            (None, Some(s)) => (s, true),
            _ => {
                self.state.notice = Some(format!(
                    "packet {} is not part of a TCP or UDP stream",
                    detail.number
                ));
                return;
            }
        };
        self.state.follow = Some(FollowView::start(
            capture.path.clone(),
            stream as u32,
            udp,
            self.state.notifier(),
        ));
        self.state.windows.follow = true;
    }

    fn windows(&mut self, ctx: &egui::Context) {
        self.browser(ctx);
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

    /// Opens, saves or exports to the path chosen in the file browser.
    pub fn carry_out(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        if purpose == Purpose::Open {
            self.open(ctx, path);
            return;
        }
        let Some(capture) = &self.state.capture else {
            return;
        };
        let session = Arc::clone(&capture.session);
        let numbers = capture.shown_numbers();
        let source = capture.path.clone();
        let keylog = self.tls_keylog.clone();
        self.state.notice = Some(format!("writing {}…", path.display()));
        self.export = Some(Job::spawn(
            "wirelens-gui-export",
            self.state.notifier(),
            move || match purpose {
                Purpose::SavePcapng => {
                    export::save_packets(&session, &numbers, &path, SaveFormat::PcapNg)
                }
                Purpose::SavePcap => {
                    export::save_packets(&session, &numbers, &path, SaveFormat::Pcap)
                }
                Purpose::ExportJson => export::export_json(&session, &numbers, &path),
                Purpose::ExportFlows => export::export_flows(source, keylog, &path),
                Purpose::Open => Ok(String::new()),
            },
        ));
    }

    /// True while an export runs (tests wait for it).
    pub fn is_exporting(&mut self) -> bool {
        self.poll_export();
        self.export.is_some()
    }

    fn poll_export(&mut self) {
        if let Some(result) = self.export.as_mut().and_then(Job::take) {
            self.export = None;
            self.state.notice = Some(match result.and_then(|r| r) {
                Ok(m) | Err(m) => m,
            });
        }
    }
}

/// The first file dropped on the window in this frame, if any.
fn dropped_file(ctx: &egui::Context) -> Option<PathBuf> {
    ctx.input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()))
}

impl eframe::App for WirelensApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// Adds the built-in monospace font (Hack) behind the proportional one: the
/// proportional font has no arrows, and the Info column is full of them
/// ("59856 → 80 [SYN]"). Without a fallback egui refuses to draw the text.
fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

#[cfg(test)]
mod tests {
    /// The symbols the views draw beyond ASCII: egui panics in tests (and
    /// draws boxes in the window) for a glyph no installed font has.
    #[test]
    fn every_symbol_the_views_draw_has_a_glyph() {
        let ctx = egui::Context::default();
        super::install_fonts(&ctx);
        ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Panic);
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
                let font = egui::FontId::new(12.0, family);
                let _ = ui.painter().layout_no_wrap(
                    "↔ → ← … Δ ▲ ▼ µ ⇄".replace('⇄', ""),
                    font,
                    egui::Color32::WHITE,
                );
            }
        });
        out.textures_delta.clear();
    }
}
