//! The packet list: one row per frame, as in Wireshark's top pane.
//!
//! The table is virtualised ([`egui_extras::TableBody::rows`]): only the
//! rows in view are laid out each frame, so a capture of millions of packets
//! costs the same to draw as one of fifty.

use egui::{Label, Sense, TextStyle, Ui};
use egui_extras::{Column, TableBuilder};

use crate::loader::PacketRow;

/// Column titles, in display order.
pub const COLUMNS: [&str; 7] = [
    "No.",
    "Time",
    "Source",
    "Destination",
    "Protocol",
    "Length",
    "Info",
];

/// Shows `rows` and updates `selected` when a row is clicked.
pub fn show(ui: &mut Ui, rows: &[PacketRow], selected: &mut Option<usize>) {
    let row_height = TextStyle::Body
        .resolve(ui.style())
        .size
        .max(ui.spacing().interact_size.y);

    let table = TableBuilder::new(ui)
        .id_salt("packet_list")
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        // Keep the header and rows on one line each; long text is cut at the
        // column edge instead of wrapping and breaking the fixed row height.
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(64.0).at_least(40.0).clip(true))
        .column(Column::initial(110.0).at_least(60.0).clip(true))
        .column(Column::initial(160.0).at_least(60.0).clip(true))
        .column(Column::initial(160.0).at_least(60.0).clip(true))
        .column(Column::initial(80.0).at_least(40.0).clip(true))
        .column(Column::initial(64.0).at_least(40.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .min_scrolled_height(0.0);

    table
        .header(row_height, |mut header| {
            for title in COLUMNS {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let index = row.index();
                // `rows` only asks for indices below `rows.len()`; a miss
                // would be an egui bug, and drawing an empty row is the
                // harmless answer.
                let Some(packet) = rows.get(index) else {
                    return;
                };
                row.set_selected(*selected == Some(index));
                for text in cells(packet) {
                    row.col(|ui| {
                        ui.add(Label::new(text).truncate().selectable(false));
                    });
                }
                if row.response().clicked() {
                    *selected = Some(index);
                }
            });
        });
}

/// The cell texts of one row, in [`COLUMNS`] order.
pub fn cells(row: &PacketRow) -> [String; 7] {
    [
        row.number.to_string(),
        row.time.to_string(),
        row.src.to_string(),
        row.dst.to_string(),
        row.protocol.to_owned(),
        row.length.to_string(),
        row.info.to_string(),
    ]
}
