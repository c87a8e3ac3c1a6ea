//! What the window shows when no capture is loaded: how to open one.
//!
//! A path field and an Open button for now; the native file dialog comes
//! with the menus.

use std::path::PathBuf;

use egui::{Key, TextEdit, Ui};

const FIELD_WIDTH: f32 = 420.0;
/// The field plus its label and the button.
const ROW_WIDTH: f32 = FIELD_WIDTH + 100.0;

/// Shows the prompt. Returns the path to open when the user asks for one;
/// `keylog_input` is the optional TLS key log (`SSLKEYLOGFILE`) to decrypt with.
pub fn show(ui: &mut Ui, path_input: &mut String, keylog_input: &mut String) -> Option<PathBuf> {
    let mut open = false;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 4.0);
        ui.heading("No capture open");
        ui.add_space(8.0);
        ui.label(
            "Type the path of a pcap or pcapng file and press Open, \
             drop a file on this window, or start wirelens-gui with the file as argument.",
        );
        ui.add_space(8.0);
        // A fixed-width row, so that the centred layout can centre it (a
        // horizontal layout would otherwise take the whole width).
        let row = egui::vec2(ROW_WIDTH, ui.spacing().interact_size.y);
        ui.allocate_ui(row, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("File:");
                let field = ui
                    .add(
                        TextEdit::singleline(path_input)
                            .hint_text("/path/to/capture.pcapng")
                            .desired_width(FIELD_WIDTH),
                    )
                    .labelled_by(label.id);
                // Enter in the field opens, as in a browser's address bar.
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                let clicked = ui
                    .add_enabled(!path_input.trim().is_empty(), egui::Button::new("Open"))
                    .clicked();
                open = entered || clicked;
            });
        });
        ui.allocate_ui(row, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("TLS key log:");
                ui.add(
                    TextEdit::singleline(keylog_input)
                        .hint_text("optional: an SSLKEYLOGFILE to decrypt TLS")
                        .desired_width(FIELD_WIDTH - 40.0),
                )
                .labelled_by(label.id);
            });
        });
    });
    let path = path_input.trim();
    (open && !path.is_empty()).then(|| PathBuf::from(path))
}
