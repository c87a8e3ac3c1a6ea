//! The status bar: which file, how many packets, and how loading went.

use egui::{ProgressBar, RichText, Ui};
use wirelens_capture::session::{LoadState, Progress};

use crate::model::Capture;
use crate::state::AppState;

pub fn show(ui: &mut Ui, state: &AppState) {
    ui.horizontal(|ui| {
        if let Some((path, e)) = &state.open_error {
            let name = crate::model::display_name(path);
            ui.label(
                RichText::new(format!("Cannot open {name}: {}", one_line(e)))
                    .color(ui.visuals().error_fg_color),
            );
            return;
        }
        let Some(capture) = &state.capture else {
            ui.label("No capture open");
            return;
        };
        if let Some(live) = &state.live {
            ui.label(RichText::new(live.describe(state.live_rate)).strong());
            if let Some(e) = &live.error {
                ui.label(RichText::new(one_line(e)).color(ui.visuals().error_fg_color));
            }
            ui.separator();
        }
        let progress = capture.progress();
        let text = status_text(capture, &progress);
        match &progress.state {
            LoadState::Damaged(_) => {
                ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
            }
            // A live capture's file grows: there is no share of it to show.
            LoadState::Loading if capture.session.is_following() => {
                ui.label(text);
            }
            LoadState::Loading => {
                ui.label(text);
                ui.add(
                    ProgressBar::new(progress.fraction() as f32)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(rate_text(&progress));
            }
            LoadState::Done | LoadState::Cancelled => {
                ui.label(text);
            }
        }
        if let Some(m) = capture.message.as_ref().or(state.notice.as_ref()) {
            ui.separator();
            ui.label(one_line(m));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(format!(
                "{}, {}",
                capture.session.file().format(),
                bytes(progress.file_len)
            ));
        });
    });
}

/// The status line's main text: one line, whatever the state.
pub fn status_text(capture: &Capture, progress: &Progress) -> String {
    let name = capture.file_name();
    let packets = count(progress.packets, "packet", "packets");
    let shown = if capture.applied_filter.is_empty() {
        String::new()
    } else {
        format!(", {} displayed", thousands(capture.shown_len() as u64))
    };
    match &progress.state {
        LoadState::Loading => format!(
            "{name}: loading, {packets} so far ({} of {})",
            bytes(progress.bytes_read),
            bytes(progress.file_len)
        ),
        LoadState::Done => format!("{name}: {packets}{shown}"),
        LoadState::Cancelled => format!("{name}: {packets}{shown}; loading cancelled"),
        LoadState::Damaged(e) => format!(
            "{name}: {packets}{shown}; reading stopped {}",
            one_line(&e.to_string())
        ),
    }
}

/// "120,000 packets/s, 3 s left".
fn rate_text(p: &Progress) -> String {
    let mut text = format!("{} packets/s", thousands(p.packets_per_sec() as u64));
    if let Some(left) = p.remaining() {
        text.push_str(&format!(", {} s left", left.as_secs()));
    }
    text
}

/// Messages from the system or a parser could in principle hold line
/// breaks, which would break the one-line bar.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "1 packet", "1,234 packets".
fn count(n: u64, one: &str, many: &str) -> String {
    let unit = if n == 1 { one } else { many };
    format!("{} {unit}", thousands(n))
}

/// Groups digits by three, as people read large counts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in the largest unit that keeps it at or above 1.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return count(n, "byte", "bytes");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn counts_use_singular_for_one() {
        assert_eq!(count(1, "packet", "packets"), "1 packet");
        assert_eq!(count(14, "packet", "packets"), "14 packets");
    }

    #[test]
    fn bytes_pick_a_readable_unit() {
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1500), "1.5 KB");
        assert_eq!(bytes(2_500_000_000), "2.5 GB");
    }

    #[test]
    fn one_line_removes_line_breaks() {
        assert_eq!(one_line("a\nb  c\r\n"), "a b c");
    }
}
