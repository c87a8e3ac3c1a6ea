//! The hex view: the selected packet's bytes, 16 to a line, with the bytes
//! of the selected field highlighted. Clicking a byte selects the most
//! specific field that covers it. Reassembled and decrypted data show as
//! extra tabs, as in Wireshark.

use egui::{Color32, Label, RichText, Sense, TextStyle, Ui};

use crate::model::Capture;

/// Bytes per line.
pub const WIDTH: usize = 16;

pub fn show(ui: &mut Ui, capture: &mut Capture) {
    let Some(detail) = &capture.detail else {
        return;
    };
    let names = detail.source_names();
    if names.len() > 1 {
        ui.horizontal(|ui| {
            for (i, name) in names.iter().enumerate() {
                if ui
                    .selectable_label(capture.hex_source as usize == i, name)
                    .clicked()
                {
                    capture.hex_source = i as u8;
                }
            }
        });
        ui.separator();
    }
    let source = capture.hex_source;
    let bytes = detail.source_bytes(source);
    let highlight = capture
        .selected_item
        .and_then(|s| detail.span_of(s))
        .filter(|(s, _)| *s == source)
        .map(|(_, span)| span.range());
    let mut clicked = None;
    let line_height = TextStyle::Monospace.resolve(ui.style()).size + 4.0;
    let lines = bytes.len().div_ceil(WIDTH);
    let sel_bg = ui.visuals().selection.bg_fill;
    let sel_fg = ui.visuals().selection.stroke.color;
    egui::ScrollArea::vertical()
        .id_salt("hex_view")
        .auto_shrink([false, false])
        .show_rows(ui, line_height, lines, |ui, range| {
            for line in range {
                let start = line * WIDTH;
                let chunk = &bytes[start..(start + WIDTH).min(bytes.len())];
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(RichText::new(format!("{start:04x}")).monospace().weak());
                    ui.add_space(8.0);
                    for (k, b) in chunk.iter().enumerate() {
                        let offset = start + k;
                        let on = highlight.as_ref().is_some_and(|r| r.contains(&offset));
                        let mut text = RichText::new(format!("{b:02x}")).monospace();
                        if on {
                            text = text.background_color(sel_bg).color(sel_fg);
                        }
                        if ui
                            .add(Label::new(text).selectable(false).sense(Sense::click()))
                            .clicked()
                        {
                            clicked = Some(offset);
                        }
                        if k == 7 {
                            ui.add_space(6.0);
                        }
                    }
                    // Pad short last lines so the text column lines up.
                    let missing = WIDTH - chunk.len();
                    if missing > 0 {
                        ui.add_space(missing as f32 * 22.0);
                    }
                    ui.add_space(12.0);
                    ui.label(ascii_line(chunk, start, highlight.as_ref(), sel_bg));
                });
            }
        });
    if let Some(offset) = clicked {
        capture.select_byte(offset);
    }
}

/// The printable-ASCII column of one line, highlighted like the bytes.
fn ascii_line(
    chunk: &[u8],
    start: usize,
    highlight: Option<&std::ops::Range<usize>>,
    bg: Color32,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    for (k, &b) in chunk.iter().enumerate() {
        let c = if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        };
        let on = highlight.is_some_and(|r| r.contains(&(start + k)));
        let mut format = egui::TextFormat {
            font_id: egui::FontId::monospace(12.0),
            ..Default::default()
        };
        if on {
            format.background = bg;
        }
        job.append(&c.to_string(), 0.0, format);
    }
    job
}
