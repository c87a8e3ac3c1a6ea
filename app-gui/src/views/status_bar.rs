//! The status bar: which file, how many packets, and how loading went.

use egui::{ProgressBar, RichText, Ui};

use crate::state::{AppState, Capture, LoadStatus};

pub fn show(ui: &mut Ui, state: &AppState) {
    ui.horizontal(|ui| {
        let Some(capture) = &state.capture else {
            ui.label("No capture open");
            return;
        };
        let text = status_text(capture);
        match &capture.status {
            LoadStatus::Damaged(_) | LoadStatus::Aborted(_) | LoadStatus::Failed(_) => {
                ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
            }
            LoadStatus::Opening | LoadStatus::Loading => {
                ui.label(text);
                ui.add(
                    ProgressBar::new(capture.progress())
                        .desired_width(160.0)
                        .show_percentage(),
                );
            }
            LoadStatus::Complete => {
                ui.label(text);
            }
        }
        if let Some(format) = &capture.format {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("{format}, {}", bytes(capture.file_size)));
            });
        }
    });
}

/// The status line's main text: one line, whatever the state.
pub fn status_text(capture: &Capture) -> String {
    let name = capture.file_name();
    let packets = count(capture.rows.len() as u64, "packet", "packets");
    match &capture.status {
        LoadStatus::Opening => format!("{name}: opening"),
        LoadStatus::Loading => format!(
            "{name}: loading, {packets} so far ({} of {})",
            bytes(capture.bytes_read),
            bytes(capture.file_size)
        ),
        LoadStatus::Complete => format!("{name}: {packets}"),
        LoadStatus::Damaged(e) => {
            format!(
                "{name}: {packets}; reading stopped {}",
                one_line(&e.to_string())
            )
        }
        LoadStatus::Aborted(message) => {
            format!("{name}: {packets}; loading stopped: {}", one_line(message))
        }
        LoadStatus::Failed(message) => format!("Cannot open {name}: {}", one_line(message)),
    }
}

/// Messages from the system or a parser could in principle hold line
/// breaks, which would break the one-line bar.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "1 packet", "1,234 packets".
fn count(n: u64, one: &str, many: &str) -> String {
    let unit = if n == 1 { one } else { many };
    format!("{} {unit}", thousands(n))
}

/// Groups digits by three, as people read large counts.
fn thousands(n: u64) -> String {
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
fn bytes(n: u64) -> String {
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
    fn loading_shows_packets_and_bytes_so_far() {
        let mut capture = Capture::detached("/tmp/big.pcapng".into(), LoadStatus::Loading);
        capture.file_size = 3_000_000;
        capture.bytes_read = 1_500_000;
        assert_eq!(
            status_text(&capture),
            "big.pcapng: loading, 0 packets so far (1.5 MB of 3.0 MB)"
        );
        assert_eq!(capture.progress(), 0.5);
    }

    #[test]
    fn one_line_removes_line_breaks() {
        assert_eq!(one_line("a\nb  c\r\n"), "a b c");
    }
}
