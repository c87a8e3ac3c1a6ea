//! A small file browser inside the window, for Open, Save and Export.
//!
//! A native dialog (`rfd`) needs GTK or the xdg-desktop-portal over D-Bus at
//! run time, neither of which a bare X server (or Xvfb) has; an in-app
//! browser works everywhere eframe does and adds no system library.

use std::path::{Path, PathBuf};

use egui::{Key, TextEdit, Ui};

/// What the chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    SavePcapng,
    SavePcap,
    ExportJson,
    ExportFlows,
}

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a capture",
            Purpose::SavePcapng => "Save displayed packets as pcapng",
            Purpose::SavePcap => "Save displayed packets as pcap",
            Purpose::ExportJson => "Export displayed packets as JSON",
            Purpose::ExportFlows => "Export flows as NDJSON",
        }
    }

    fn saves(self) -> bool {
        self != Purpose::Open
    }

    fn default_name(self) -> &'static str {
        match self {
            Purpose::Open => "",
            Purpose::SavePcapng => "filtered.pcapng",
            Purpose::SavePcap => "filtered.pcap",
            Purpose::ExportJson => "packets.json",
            Purpose::ExportFlows => "flows.ndjson",
        }
    }
}

/// The browser's state: where it is and what is typed.
#[derive(Clone, Debug)]
pub struct FileBrowser {
    pub purpose: Purpose,
    pub dir: PathBuf,
    pub name: String,
    entries: Vec<(String, bool)>,
    error: Option<String>,
}

impl FileBrowser {
    pub fn new(purpose: Purpose, start: &Path) -> Self {
        let mut b = FileBrowser {
            purpose,
            dir: start.to_path_buf(),
            name: purpose.default_name().to_owned(),
            entries: Vec::new(),
            error: None,
        };
        b.read_dir();
        b
    }

    fn read_dir(&mut self) {
        self.entries.clear();
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                self.error = None;
                for e in rd.flatten() {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    self.entries.push((name, is_dir));
                }
                self.entries
                    .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            }
            Err(e) => self.error = Some(format!("cannot list {}: {e}", self.dir.display())),
        }
    }

    fn enter(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.read_dir();
    }
}

/// What the user did in the browser this frame.
pub enum Outcome {
    Stay,
    Cancel,
    Chosen(Purpose, PathBuf),
}

pub fn show(ctx: &egui::Context, browser: &mut FileBrowser) -> Outcome {
    let mut outcome = Outcome::Stay;
    egui::Window::new(browser.purpose.title())
        .collapsible(false)
        .default_size([560.0, 420.0])
        .show(ctx, |ui| outcome = body(ui, browser));
    outcome
}

fn body(ui: &mut Ui, b: &mut FileBrowser) -> Outcome {
    let mut outcome = Outcome::Stay;
    ui.horizontal(|ui| {
        if ui.button("Up").clicked() {
            if let Some(parent) = b.dir.parent().map(Path::to_path_buf) {
                b.enter(parent);
            }
        }
        let mut dir = b.dir.to_string_lossy().into_owned();
        let label = ui.label("Folder:");
        let r = ui
            .add(TextEdit::singleline(&mut dir).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if r.changed() {
            b.dir = PathBuf::from(&dir);
        }
        if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            b.read_dir();
        }
    });
    if let Some(e) = &b.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    ui.separator();
    let mut go = None;
    egui::ScrollArea::vertical()
        .max_height(280.0)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (name, is_dir) in &b.entries {
                let text = if *is_dir {
                    format!("{name}/")
                } else {
                    name.clone()
                };
                let r = ui.selectable_label(&b.name == name, text);
                if r.clicked() {
                    if *is_dir {
                        go = Some((name.clone(), true));
                    } else {
                        b.name = name.clone();
                    }
                }
                if r.double_clicked() && !is_dir {
                    go = Some((name.clone(), false));
                }
            }
        });
    match go {
        Some((name, true)) => {
            let dir = b.dir.join(name);
            b.enter(dir);
        }
        Some((name, false)) => outcome = Outcome::Chosen(b.purpose, b.dir.join(name)),
        None => {}
    }
    ui.separator();
    ui.horizontal(|ui| {
        let label = ui.label("File name:");
        ui.add(TextEdit::singleline(&mut b.name).desired_width(300.0))
            .labelled_by(label.id);
        let verb = if b.purpose.saves() { "Save" } else { "Open" };
        if ui
            .add_enabled(!b.name.trim().is_empty(), egui::Button::new(verb))
            .clicked()
        {
            outcome = Outcome::Chosen(b.purpose, b.dir.join(b.name.trim()));
        }
        if ui.button("Cancel").clicked() {
            outcome = Outcome::Cancel;
        }
    });
    outcome
}
