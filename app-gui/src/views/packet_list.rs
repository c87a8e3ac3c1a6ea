//! The packet list: one row per frame, as in Wireshark's top pane.
//!
//! The table is virtualised ([`egui_extras::TableBody::rows`]): only the
//! rows in view are laid out and asked for, so a capture of millions of
//! packets costs the same to draw as one of fifty. A row not dissected yet
//! shows its number and "…" until the dissection thread has it.

use egui::{Color32, Key, Label, RichText, Sense, TextStyle, Ui};
use egui_extras::{Column as TableColumn, TableBuilder};

use crate::model::dissection::{RowColour, RowSummary};
use crate::model::sort::{Column, SortOrder};
use crate::model::Capture;
use crate::views::menu_bar::Action;

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

/// Shows the list and updates the selection when a row is clicked or the
/// arrow keys move it; returns what a row's context menu asked for.
pub fn show(ui: &mut Ui, capture: &mut Capture, scroll_to_selected: bool) -> Option<Action> {
    let moved = keyboard_move(ui, capture);
    let scroll_to_selected = scroll_to_selected || moved;
    let row_height = TextStyle::Body
        .resolve(ui.style())
        .size
        .max(ui.spacing().interact_size.y);
    let total = capture.shown_len();
    let mut table = TableBuilder::new(ui)
        .id_salt("packet_list")
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        // Keep the header and rows on one line each; long text is cut at the
        // column edge instead of wrapping and breaking the fixed row height.
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(TableColumn::initial(64.0).at_least(40.0).clip(true))
        .column(TableColumn::initial(110.0).at_least(60.0).clip(true))
        .column(TableColumn::initial(160.0).at_least(60.0).clip(true))
        .column(TableColumn::initial(160.0).at_least(60.0).clip(true))
        .column(TableColumn::initial(80.0).at_least(40.0).clip(true))
        .column(TableColumn::initial(64.0).at_least(40.0).clip(true))
        .column(TableColumn::remainder().at_least(120.0).clip(true))
        .min_scrolled_height(0.0)
        .max_scroll_height(f32::INFINITY);
    if scroll_to_selected {
        if let Some(line) = capture.selected.and_then(|n| capture.line_of(n)) {
            table = table.scroll_to_row(line, Some(egui::Align::Center));
        }
    }
    let mut clicked_header = None;
    let mut clicked_row = None;
    let mut asked = None;
    let mut first_drawn = None;
    table
        .header(row_height, |mut header| {
            for column in Column::ALL {
                header.col(|ui| {
                    let mut title = column.title().to_owned();
                    if let Some(order) = capture.sort.filter(|o| o.column == column) {
                        title.push_str(if order.descending { " ▼" } else { " ▲" });
                    }
                    let response = ui.add(
                        Label::new(RichText::new(title).strong())
                            .selectable(false)
                            .sense(if column.sortable() {
                                Sense::click()
                            } else {
                                Sense::hover()
                            }),
                    );
                    if response.clicked() {
                        clicked_header = Some(column);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, total, |mut row| {
                let line = row.index();
                let Some(number) = capture.shown_number(line) else {
                    return;
                };
                first_drawn.get_or_insert(number);
                let first_ts = capture.first_ts();
                let selected = capture.selected == Some(number);
                row.set_selected(selected);
                let summary = capture.row(number).cloned();
                let texts = match &summary {
                    Some(r) => cells(r, first_ts),
                    None => placeholder(number),
                };
                let colour = summary.as_ref().map_or(RowColour::Plain, |r| r.colour);
                let (bg, fg) = colours(colour);
                for text in texts {
                    row.col(|ui| {
                        if let (Some(bg), false) = (bg, selected) {
                            // The whole cell, spacing included, so a row reads
                            // as one band; the cell clips to itself, so the
                            // clip widens too.
                            let band = ui.max_rect().expand2(ui.spacing().item_spacing * 0.5);
                            let mut painter = ui.painter().clone();
                            painter.set_clip_rect(band);
                            painter.rect_filled(band, 0.0, bg);
                        }
                        let mut rich = RichText::new(text);
                        if let (Some(fg), false) = (fg, selected) {
                            rich = rich.color(fg);
                        }
                        ui.add(Label::new(rich).truncate().selectable(false));
                    });
                }
                let response = row.response();
                if response.clicked() || response.secondary_clicked() {
                    clicked_row = Some(number);
                }
                response.context_menu(|ui| {
                    for (text, action) in ROW_MENU {
                        if ui.button(text).clicked() {
                            clicked_row = Some(number);
                            asked = Some(action);
                            ui.close();
                        }
                    }
                });
            });
        });
    if let Some(column) = clicked_header {
        let descending = capture
            .sort
            .is_some_and(|o| o.column == column && !o.descending);
        capture.start_sort(SortOrder { column, descending });
    }
    if let Some(number) = clicked_row {
        capture.select(number);
    }
    // Rows far from the screen go when the cache is full.
    if let Some(n) = first_drawn {
        capture.trim_rows(n);
    }
    asked
}

/// A row's context menu: the views of its connection.
const ROW_MENU: [(&str, Action); 3] = [
    ("TCP Stream Graph", Action::TcpGraph),
    ("Handshake Timeline", Action::Timeline),
    ("Follow Stream", Action::FollowStream),
];

/// Moves the selection with the arrow, Page and Home/End keys (unless a
/// text field has the keyboard); returns whether it moved.
fn keyboard_move(ui: &Ui, capture: &mut Capture) -> bool {
    if ui.ctx().egui_wants_keyboard_input() {
        return false;
    }
    let total = capture.shown_len();
    if total == 0 {
        return false;
    }
    let page = 20;
    let current = capture.selected.and_then(|n| capture.line_of(n));
    let target = ui.input(|i| {
        let from = current.unwrap_or(0);
        if i.key_pressed(Key::ArrowDown) {
            Some(current.map_or(0, |l| l + 1))
        } else if i.key_pressed(Key::ArrowUp) {
            Some(from.saturating_sub(1))
        } else if i.key_pressed(Key::PageDown) {
            Some(from + page)
        } else if i.key_pressed(Key::PageUp) {
            Some(from.saturating_sub(page))
        } else if i.key_pressed(Key::Home) {
            Some(0)
        } else if i.key_pressed(Key::End) {
            Some(total - 1)
        } else {
            None
        }
    });
    let Some(line) = target.map(|l| l.min(total - 1)) else {
        return false;
    };
    match capture.shown_number(line) {
        Some(n) => {
            capture.select(n);
            true
        }
        None => false,
    }
}

/// The cell texts of one row, in [`COLUMNS`] order.
pub fn cells(row: &RowSummary, first_ts: Option<wirelens_dissect::Timestamp>) -> [String; 7] {
    let time = first_ts.map_or_else(String::new, |t| row.ts.since(t).to_string());
    [
        row.number.to_string(),
        time,
        row.src.to_string(),
        row.dst.to_string(),
        row.protocol.to_owned(),
        row.length.to_string(),
        row.info.to_string(),
    ]
}

fn placeholder(number: u64) -> [String; 7] {
    [
        number.to_string(),
        "…".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// Background and text colours of a colouring rule (Wireshark's defaults).
pub fn colours(c: RowColour) -> (Option<Color32>, Option<Color32>) {
    let dark = Color32::from_rgb(0x12, 0x12, 0x12);
    let bg = |r, g, b| (Some(Color32::from_rgb(r, g, b)), Some(dark));
    match c {
        RowColour::Plain => (None, None),
        RowColour::Bad => (
            Some(Color32::from_rgb(0x12, 0x12, 0x12)),
            Some(Color32::from_rgb(0xff, 0x5f, 0x5f)),
        ),
        RowColour::TcpProblem => (
            Some(Color32::from_rgb(0x12, 0x12, 0x12)),
            Some(Color32::from_rgb(0xf7, 0x87, 0x87)),
        ),
        RowColour::TcpReset => bg(0xa4, 0x00, 0x00),
        RowColour::TcpSynFin => bg(0xa0, 0xa0, 0xa0),
        RowColour::Http => bg(0xe4, 0xff, 0xc7),
        RowColour::Dns => bg(0xda, 0xee, 0xff),
        RowColour::Tls => bg(0xd7, 0xd2, 0xff),
        RowColour::Arp => bg(0xfa, 0xf0, 0xd7),
        RowColour::Icmp => bg(0xfc, 0xe0, 0xff),
        RowColour::Routing => bg(0xff, 0xf3, 0xd6),
        RowColour::Tcp => bg(0xe7, 0xe6, 0xff),
        RowColour::Udp => bg(0xda, 0xee, 0xff),
    }
}
