//! Capture › Start: Wireshark's capture options in one window. Choose the
//! interfaces, type a capture filter (checked by libpcap as you type), a
//! packet count and a file to keep, then Start; while capturing it shows the
//! counters and a Stop button.

use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::{Color32, RichText, TextEdit, Ui};

use crate::model::live::{self, CaptureRequest, Interface, LiveRun};

/// What the dialog asks the app to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAction {
    Start(CaptureRequest),
    Stop,
}

/// The dialog's fields, kept while it is open.
pub struct CaptureDialog {
    /// libpcap's interfaces, or why they cannot be listed.
    interfaces: Result<Vec<Interface>, String>,
    pub chosen: BTreeSet<String>,
    pub filter: String,
    /// The filter `check` was made for, and its verdict.
    check: (String, Result<(), String>),
    pub count: String,
    pub output: String,
    /// Why the last Start failed.
    pub error: Option<String>,
}

impl CaptureDialog {
    /// Lists the interfaces now (no privileges needed).
    pub fn new() -> CaptureDialog {
        CaptureDialog::with_interfaces(live::interfaces())
    }

    pub fn with_interfaces(interfaces: Result<Vec<Interface>, String>) -> CaptureDialog {
        CaptureDialog {
            interfaces,
            chosen: BTreeSet::new(),
            filter: String::new(),
            check: (String::new(), Ok(())),
            count: String::new(),
            output: String::new(),
            error: None,
        }
    }

    /// The request the fields make, or what is wrong with them.
    pub fn request(&self) -> Result<CaptureRequest, String> {
        if self.chosen.is_empty() {
            return Err("choose an interface".into());
        }
        let count = match self.count.trim() {
            "" => None,
            n => Some(
                n.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("packet count: {n:?} is not a number above 0"))?,
            ),
        };
        let filter = self.filter.trim();
        let output = self.output.trim();
        Ok(CaptureRequest {
            interfaces: self.chosen.iter().cloned().collect(),
            filter: (!filter.is_empty()).then(|| filter.to_string()),
            count,
            output: (!output.is_empty()).then(|| PathBuf::from(output)),
        })
    }

    /// Draws the dialog's contents; `running` is the capture shown, if any.
    pub fn show(&mut self, ui: &mut Ui, running: Option<&mut LiveRun>) -> Option<DialogAction> {
        if let Some(live) = running.filter(|l| l.is_running()) {
            let rate = live.sample_rate();
            ui.label(live.describe(rate));
            ui.label(format!("Writing {}", live.file.display()));
            return ui.button("Stop").clicked().then_some(DialogAction::Stop);
        }
        let interfaces = match &self.interfaces {
            Ok(list) => list,
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return None;
            }
        };
        ui.label(RichText::new("Interfaces").strong());
        egui::ScrollArea::vertical()
            .max_height(180.0)
            .show(ui, |ui| {
                for interface in interfaces {
                    let mut on = self.chosen.contains(&interface.name);
                    let text = describe(interface);
                    if ui.checkbox(&mut on, text).changed() {
                        if on {
                            self.chosen.insert(interface.name.clone());
                        } else {
                            self.chosen.remove(&interface.name);
                        }
                    }
                }
            });
        ui.separator();
        self.filter_field(ui);
        ui.horizontal(|ui| {
            let label = ui.label("Stop after packets:");
            ui.add(TextEdit::singleline(&mut self.count).desired_width(80.0))
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("Keep in file:");
            ui.add(
                TextEdit::singleline(&mut self.output)
                    .hint_text("optional: a pcapng file (else a temporary one)")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let request = self.request();
        let ready = request.is_ok() && self.check.1.is_ok();
        let start = ui.add_enabled(ready, egui::Button::new("Start")).clicked();
        if let Err(why) = &request {
            ui.weak(why);
        }
        match request {
            Ok(r) if start => Some(DialogAction::Start(r)),
            _ => None,
        }
    }

    /// The capture filter field, green when libpcap compiles it, red with
    /// libpcap's reason when not.
    fn filter_field(&mut self, ui: &mut Ui) {
        if self.check.0 != self.filter {
            self.check = (
                self.filter.clone(),
                live::check_capture_filter(&self.filter),
            );
        }
        let colour = match (&self.check.1, self.filter.trim().is_empty()) {
            (_, true) => None,
            (Ok(()), false) => Some(Color32::from_rgb(0x2e, 0x7d, 0x32)),
            (Err(_), false) => Some(ui.visuals().error_fg_color),
        };
        ui.horizontal(|ui| {
            let label = ui.label("Capture filter:");
            let mut field = TextEdit::singleline(&mut self.filter)
                .hint_text("BPF, e.g. tcp port 443")
                .desired_width(320.0);
            if let Some(c) = colour {
                field = field.text_color(c);
            }
            ui.add(field).labelled_by(label.id);
        });
        if let Err(e) = &self.check.1 {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
}

impl Default for CaptureDialog {
    fn default() -> Self {
        CaptureDialog::new()
    }
}

/// "lo [up, running, loopback] 127.0.0.1 ::1".
fn describe(interface: &Interface) -> String {
    let mut text = interface.name.clone();
    if let Some(d) = &interface.description {
        text.push_str(&format!(" ({d})"));
    }
    text.push_str(&format!(" [{}]", interface.flags));
    for a in &interface.addresses {
        text.push(' ');
        text.push_str(a);
    }
    text
}
