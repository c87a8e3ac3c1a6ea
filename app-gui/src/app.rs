//! The window's top level: lays out the panels and routes between state and
//! views. The same [`WirelensApp::show`] runs in the real window (through
//! [`eframe::App`]) and in the headless tests.

use std::path::PathBuf;

use egui::{CentralPanel, Panel, Ui, ViewportCommand};

use crate::state::{AppState, LoadStatus};
use crate::views::{open_prompt, packet_list, status_bar};

/// The wirelens desktop application.
#[derive(Debug, Default)]
pub struct WirelensApp {
    pub state: AppState,
    fonts_installed: bool,
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
            fonts_installed: false,
        }
    }

    /// Draws one frame into `ui` and handles its input.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_installed {
            install_fonts(&ctx);
            self.fonts_installed = true;
        }
        if let Some(path) = dropped_file(&ctx) {
            self.state.pending_open = Some(path);
        }
        if let Some(path) = self.state.pending_open.take() {
            self.open(&ctx, path);
        }
        self.state.poll();

        Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, &self.state));
        CentralPanel::default_margins().show(ui, |ui| self.central(ui));
    }

    fn central(&mut self, ui: &mut Ui) {
        let state = &mut self.state;
        match &state.capture {
            Some(capture) if !matches!(capture.status, LoadStatus::Failed(_)) => {
                packet_list::show(ui, &capture.rows, &mut state.selected);
            }
            // Nothing open, or the last try failed (the status bar says
            // why): offer to open a file.
            _ => {
                let ctx = ui.ctx().clone();
                let asked = open_prompt::show(ui, &mut state.path_input, &mut state.keylog_input);
                if let Some(e) = &state.keylog_error {
                    ui.vertical_centered(|ui| ui.colored_label(ui.visuals().error_fg_color, e));
                }
                if let Some(path) = asked {
                    match state.apply_keylog_input() {
                        Ok(()) => {
                            state.keylog_error = None;
                            self.open(&ctx, path);
                        }
                        Err(e) => state.keylog_error = Some(e),
                    }
                }
            }
        }
    }

    fn open(&mut self, ctx: &egui::Context, path: PathBuf) {
        let name = crate::state::display_name(&path);
        ctx.send_viewport_cmd(ViewportCommand::Title(format!("{name} - wirelens")));
        let repaint = ctx.clone();
        // New rows arrive on the loader's thread; without a repaint request
        // they would only show on the next mouse move.
        self.state.open(path, move || repaint.request_repaint());
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
