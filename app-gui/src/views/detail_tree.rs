//! The detail tree: the selected packet's layers and fields, as `tshark -V`
//! prints them. Clicking a line selects its bytes in the hex view; a byte
//! clicked in the hex view opens the tree down to its field.

use egui::{CollapsingHeader, Ui};

use crate::model::detail::{Detail, Selected};
use crate::model::Capture;

pub fn show(ui: &mut Ui, capture: &mut Capture) {
    let Some(detail) = &capture.detail else {
        let text = match capture.selected {
            Some(n) => format!("Dissecting packet {n}…"),
            None => "Select a packet to see its fields.".to_owned(),
        };
        ui.weak(text);
        return;
    };
    if capture.selected != Some(detail.number) {
        ui.weak(format!(
            "Dissecting packet {}…",
            capture.selected.unwrap_or(detail.number)
        ));
    }
    let reveal = capture.reveal.then_some(capture.selected_item).flatten();
    let open_path = reveal.map(|sel| path_to(detail, sel));
    let mut clicked = None;
    egui::ScrollArea::both()
        .id_salt("detail_tree")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for layer in 0..detail.packet.layers.len() {
                let text = detail.layer_text(layer);
                let open = open_path.as_ref().map(|p| p.0 == Some(layer));
                let header = CollapsingHeader::new(text)
                    .id_salt(("layer", detail.number, layer))
                    .open(open.filter(|o| *o));
                let response = header.show(ui, |ui| {
                    let fields: Vec<usize> = detail
                        .packet
                        .shown_layer_fields(layer as u8)
                        .map(|(i, _)| i)
                        .collect();
                    fields_ui(
                        ui,
                        detail,
                        &fields,
                        0,
                        capture.selected_item,
                        open_path.as_ref(),
                        &mut clicked,
                    );
                    for e in detail.packet.unplaced_experts(layer as u8) {
                        ui.label(format!(
                            "[Expert Info ({}/{}): {}]",
                            e.severity.name(),
                            e.group.name(),
                            e.message
                        ));
                    }
                });
                if response.header_response.clicked() {
                    clicked = Some(Selected::Layer(layer));
                }
                if capture.selected_item == Some(Selected::Layer(layer)) {
                    let r = response.header_response.rect;
                    ui.painter().rect_stroke(
                        r,
                        2.0,
                        ui.visuals().selection.stroke,
                        egui::StrokeKind::Inside,
                    );
                }
            }
        });
    if let Some(sel) = clicked {
        capture.selected_item = Some(sel);
        capture.reveal = false;
        if let Some((source, _)) = capture.detail.as_ref().and_then(|d| d.span_of(sel)) {
            capture.hex_source = source;
        }
    } else if reveal.is_some() {
        capture.reveal = false;
    }
}

/// The layer and the ancestor fields of a selection: what must be open to see it.
fn path_to(detail: &Detail, sel: Selected) -> (Option<usize>, Vec<usize>) {
    let ancestors = match sel {
        Selected::Field(i) => detail.ancestors(i),
        Selected::Layer(_) => Vec::new(),
    };
    (detail.layer_of(sel), ancestors)
}

/// Draws the fields `list[start..]` at `depth` and below; returns where it stopped.
fn fields_ui(
    ui: &mut Ui,
    detail: &Detail,
    list: &[usize],
    mut at: usize,
    selected: Option<Selected>,
    open_path: Option<&(Option<usize>, Vec<usize>)>,
    clicked: &mut Option<Selected>,
) -> usize {
    let Some(&first) = list.get(at) else {
        return at;
    };
    let depth = detail.packet.fields[first].depth;
    while let Some(&i) = list.get(at) {
        let f = &detail.packet.fields[i];
        if f.depth < depth {
            break;
        }
        let has_children = list
            .get(at + 1)
            .is_some_and(|&j| detail.packet.fields[j].depth > f.depth);
        let is_selected = selected == Some(Selected::Field(i));
        let text = detail.field_text(i);
        if has_children {
            let open = open_path.is_some_and(|p| p.1.contains(&i));
            let mut next = at + 1;
            let response = CollapsingHeader::new(text)
                .id_salt(("field", detail.number, i))
                .open(open.then_some(true))
                .show(ui, |ui| {
                    next = fields_ui(ui, detail, list, at + 1, selected, open_path, clicked);
                });
            if response.body_returned.is_none() {
                // Closed: skip the children without drawing them.
                next = at + 1;
                while list
                    .get(next)
                    .is_some_and(|&j| detail.packet.fields[j].depth > f.depth)
                {
                    next += 1;
                }
            }
            if response.header_response.clicked() {
                *clicked = Some(Selected::Field(i));
            }
            if is_selected {
                ui.painter().rect_stroke(
                    response.header_response.rect,
                    2.0,
                    ui.visuals().selection.stroke,
                    egui::StrokeKind::Inside,
                );
                if open_path.is_some() {
                    response
                        .header_response
                        .scroll_to_me(Some(egui::Align::Center));
                }
            }
            at = next;
        } else {
            let response = ui.selectable_label(is_selected, text);
            if response.clicked() {
                *clicked = Some(Selected::Field(i));
            }
            if is_selected && open_path.is_some() {
                response.scroll_to_me(Some(egui::Align::Center));
            }
            at += 1;
        }
    }
    at
}
