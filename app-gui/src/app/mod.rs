//! The window's top level: the menu bar, filter bar, the three panes, the
//! status bar and the other windows. The same [`WirelensApp::show`] runs in
//! the real window (through [`eframe::App`]) and in the headless tests.
//!
//! - [`actions`]: carrying out menu items, start requests and file choices.
//! - [`windows`]: the statistics, connection and other windows.

mod actions;
mod windows;

use std::path::PathBuf;
use std::sync::Arc;

use egui::{CentralPanel, Panel, Ui, ViewportCommand};

use crate::model::job::Job;
use crate::model::live::LiveRun;
use crate::state::AppState;
use crate::views::menu_bar::{self, Action};
use crate::views::stats::{ConvTab, TableCache};
use crate::views::{detail_tree, filter_bar, hex_view, open_prompt, packet_list, status_bar};

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
                let capturing = self.state.live.as_ref().is_some_and(LiveRun::is_running);
                let action = menu_bar::show(
                    ui,
                    &self.state.recent,
                    has_capture,
                    has_selection,
                    capturing,
                );
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
