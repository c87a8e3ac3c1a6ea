//! The display filter bar: the field turns green when the text compiles and
//! red when it does not (with the compiler's message), offers field names
//! that complete the word being typed, and applies on Enter. A running
//! filter shows its progress and can be cancelled.

use egui::{Color32, Key, ProgressBar, TextEdit, Ui};
use wirelens_dissect::filter::Filter;

use crate::model::Capture;

/// Suggestions shown at most.
const MAX_SUGGESTIONS: usize = 8;

/// Whether a filter text compiles: what the field's colour says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Validity {
    Empty,
    Valid,
    Invalid(String),
}

pub fn validity(text: &str) -> Validity {
    if text.trim().is_empty() {
        return Validity::Empty;
    }
    match Filter::compile(text) {
        Ok(_) => Validity::Valid,
        Err(e) => Validity::Invalid(e.message),
    }
}

/// The word being typed at the end of `text` (a field or protocol name).
pub fn current_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_' || *c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

/// Field and protocol names that start with the word being typed.
pub fn completions(text: &str) -> Vec<&'static str> {
    let word = current_word(text);
    if word.is_empty() || word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    let mut names: Vec<&'static str> = wirelens_dissect::registry::fields()
        .flat_map(|f| [f.protocol(), f.name])
        .filter(|n| n.starts_with(word) && *n != word)
        .collect();
    names.sort_unstable();
    names.dedup();
    // Shorter names first: the protocol before its fields.
    names.sort_by_key(|n| n.len());
    names.truncate(MAX_SUGGESTIONS);
    names
}

/// Replaces the word being typed with `name`.
pub fn complete(text: &mut String, name: &str) {
    let word = current_word(text).len();
    text.truncate(text.len() - word);
    text.push_str(name);
}

pub fn show(ui: &mut Ui, input: &mut String, capture: &mut Capture) {
    let validity = validity(input);
    let id = egui::Id::unique("display_filter");
    let mut apply = false;
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        let fill = match &validity {
            Validity::Empty => None,
            Validity::Valid => Some(Color32::from_rgb(0xaf, 0xff, 0xaf)),
            Validity::Invalid(_) => Some(Color32::from_rgb(0xff, 0xaf, 0xaf)),
        };
        // Tab completes instead of moving the focus away.
        let mut edit = TextEdit::singleline(input)
            .id(id)
            .lock_focus(true)
            .hint_text("display filter, e.g. tcp.port == 443")
            .desired_width(ui.available_width() - 260.0);
        if let Some(fill) = fill {
            edit = edit.background_color(fill).text_color(Color32::BLACK);
        }
        let response = ui.add(edit).labelled_by(label.id);
        let has_focus = response.has_focus();
        if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            apply = true;
        }
        if ui.button("Apply").clicked() {
            apply = true;
        }
        if ui.button("Clear").clicked() {
            input.clear();
            apply = true;
        }
        if let Some(run) = &capture.filter {
            let fraction = run.control.fraction() as f32;
            ui.add(
                ProgressBar::new(fraction)
                    .desired_width(80.0)
                    .show_percentage(),
            );
            if ui.button("Cancel").clicked() {
                capture.cancel_filter();
            }
        }
        // Completion: Tab takes the first suggestion.
        let suggestions = if has_focus {
            completions(input)
        } else {
            Vec::new()
        };
        if has_focus
            && !suggestions.is_empty()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Tab))
        {
            complete(input, suggestions[0]);
            response.request_focus();
        }
        if !suggestions.is_empty() {
            egui::Area::new(id.with("completions"))
                .fixed_pos(response.rect.left_bottom())
                .order(egui::Order::Foreground)
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        for name in &suggestions {
                            if ui.selectable_label(false, *name).clicked() {
                                complete(input, name);
                            }
                        }
                    });
                });
        }
    });
    if let Validity::Invalid(message) = &validity {
        ui.colored_label(ui.visuals().error_fg_color, message);
    }
    if apply {
        if let Err(e) = capture.apply_filter(input) {
            capture.message = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_follows_the_compiler() {
        assert_eq!(validity("  "), Validity::Empty);
        assert_eq!(validity("tcp.port == 80"), Validity::Valid);
        assert!(matches!(validity("tcp.port =="), Validity::Invalid(_)));
        assert!(matches!(validity("no.such.field"), Validity::Invalid(_)));
    }

    #[test]
    fn completion_replaces_the_last_word_with_a_registered_name() {
        let names = completions("ip.src == 10.0.0.1 && tcp.str");
        assert_eq!(names.first(), Some(&"tcp.stream"));
        let mut text = "ip.src == 10.0.0.1 && tcp.str".to_owned();
        complete(&mut text, names[0]);
        assert_eq!(text, "ip.src == 10.0.0.1 && tcp.stream");
        assert!(completions("tcp.port == 8").is_empty());
        // A word after a character of several bytes.
        assert_eq!(current_word("é€tcp.s"), "tcp.s");
        assert_eq!(current_word("€"), "");
    }
}
