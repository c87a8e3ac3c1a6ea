//! The detail tree as `tshark -V` and the front ends show it: which fields
//! appear and the text of each line. JSON export and display filters see
//! every field; the tree leaves out hidden ones and brackets generated ones.

use std::fmt::Write as _;

use super::field::{render_tree_label, Shown, Value};
use super::packet::{FieldNode, Packet, WS_EXPERT, WS_EXPERT_GROUP, WS_EXPERT_SEVERITY};
use super::Expert;

impl Packet {
    /// The fields of one layer the detail tree shows, with their index in
    /// [`Packet::fields`]: all but hidden ones and what is nested under them.
    pub fn shown_layer_fields(&self, layer: u8) -> impl Iterator<Item = (usize, &FieldNode)> {
        let mut hidden_at: Option<u8> = None;
        self.fields
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.layer == layer)
            .filter(move |(_, f)| {
                if hidden_at.is_some_and(|d| f.depth > d) {
                    return false;
                }
                hidden_at = matches!(f.def.shown, Shown::Hidden).then_some(f.depth);
                hidden_at.is_none()
            })
    }

    /// For each field of [`Packet::fields`], whether the detail tree shows it.
    pub fn shown_mask(&self) -> Vec<bool> {
        let mut mask = vec![false; self.fields.len()];
        for layer in 0..self.layers.len() {
            for (i, _) in self.shown_layer_fields(layer as u8) {
                mask[i] = true;
            }
        }
        mask
    }

    /// The expert items of a layer that have no node of their own in the
    /// tree, shown after its fields; the others are shown where they were raised.
    pub fn unplaced_experts(&self, layer: u8) -> impl Iterator<Item = &Expert> {
        let placed = self.tree;
        self.experts
            .iter()
            .filter(move |e| e.layer == layer && !(placed && e.name.is_some()))
    }

    /// The line of field `i` in the detail tree; `frame` is the frame's bytes.
    pub fn node_text(&self, out: &mut String, i: usize, frame: &[u8]) {
        let Some(f) = self.fields.get(i) else {
            return;
        };
        if let Some(e) = self.expert_item(i) {
            // An expert item's node reads as tshark's: the item, then its
            // message, severity and group, all generated.
            out.push('[');
            let start = out.len();
            match f.def {
                d if d == &WS_EXPERT => {
                    let _ = write!(
                        out,
                        "Expert Info ({}/{}): {}",
                        e.severity.name(),
                        e.group.name(),
                        e.message
                    );
                    mark_truncated(out, start, 0);
                }
                d if d == &WS_EXPERT_SEVERITY => {
                    let _ = write!(out, "{}: {}", d.label, e.severity.name());
                }
                d if d == &WS_EXPERT_GROUP => {
                    let _ = write!(out, "{}: {}", d.label, e.group.name());
                }
                // The expert's own item reads as its message, cut without a mark.
                _ => {
                    out.push_str(&e.message);
                    truncate_at_char(out, start + ITEM_LABEL_LENGTH - 1);
                }
            }
            out.push(']');
            return;
        }
        let generated = matches!(f.def.shown, Shown::Generated | Shown::GeneratedFormat(_));
        if generated {
            out.push('[');
        }
        let start = out.len();
        let replaced = self.replaced_text(i);
        match replaced {
            Some(text) => out.push_str(text),
            None => render_tree_label(out, f.def, &f.value, f.span, self.node_data(f, frame)),
        }
        for text in self.appended_text(i) {
            out.push_str(text);
        }
        let name_end = match (f.def.shown, &f.value) {
            _ if replaced.is_some() => 0,
            (_, Value::None | Value::Text(_))
            | (Shown::Line | Shown::Format(_) | Shown::GeneratedFormat(_), _) => {
                bits_prefix_len(f.def)
            }
            _ => f.def.label.len() + bits_prefix_len(f.def),
        };
        mark_truncated(out, start, name_end);
        if generated {
            out.push(']');
        }
    }

    /// The expert item whose `_ws.expert` node is field `i`, if it is one:
    /// what a front end colours by severity.
    pub fn expert_node(&self, i: usize) -> Option<&Expert> {
        let f = self.fields.get(i)?;
        (f.def == &WS_EXPERT).then(|| self.expert_item(i)).flatten()
    }

    /// The expert item field `i` stands for: the `_ws.expert` node or its
    /// expert name, severity or group (its message is hidden).
    fn expert_item(&self, i: usize) -> Option<&Expert> {
        let f = self.fields.get(i)?;
        // The node has four children: the name, message, severity and group.
        let top = (i.saturating_sub(4)..=i).rev().find(|&j| {
            let n = &self.fields[j];
            n.def == &WS_EXPERT && n.layer == f.layer && (j == i || n.depth + 1 == f.depth)
        })?;
        let node = &self.fields[top];
        let name = self.fields.get(top + 1)?.def;
        self.experts.iter().find(|e| {
            e.layer == node.layer && e.span == node.span && e.name.is_some_and(|n| n == name)
        })
    }
}

/// The width of a bit field's `0100 .... = ` before its label.
fn bits_prefix_len(def: &super::field::FieldDef) -> usize {
    def.bits.map_or(0, |b| b.pattern_len() + " = ".len())
}

/// Wireshark keeps tree lines under [`ITEM_LABEL_LENGTH`] bytes: a longer one
/// is cut, with " [truncated]" after the field's name (or first, when the
/// line has none).
fn mark_truncated(out: &mut String, start: usize, name_end: usize) {
    if out.len() - start < ITEM_LABEL_LENGTH {
        return;
    }
    let at = start + name_end;
    out.insert_str(at, TRUNCATED);
    truncate_at_char(out, start + ITEM_LABEL_LENGTH - 2);
}

/// Cuts `out` to at most `end` bytes, at a character boundary.
fn truncate_at_char(out: &mut String, mut end: usize) {
    if end >= out.len() {
        return;
    }
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
}

/// Wireshark's buffer for one tree line, its terminating NUL included.
const ITEM_LABEL_LENGTH: usize = 240;
const TRUNCATED: &str = " [truncated]";
