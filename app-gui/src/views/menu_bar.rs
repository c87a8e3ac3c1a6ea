//! The menu bar: File, View, Capture, Statistics, Help. Menus only say what the user
//! asked for ([`Action`]); the app carries it out.

use std::path::PathBuf;

use egui::Ui;

use super::file_browser::Purpose;

/// What a menu item asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Browse(Purpose),
    OpenRecent(PathBuf),
    Close,
    Quit,
    GoToSelected,
    ClearFieldSelection,
    Hierarchy,
    Conversations,
    Endpoints,
    Expert,
    IoGraph,
    Flows,
    TcpGraph,
    Timeline,
    FollowStream,
    CaptureOptions,
    StopCapture,
    About,
}

/// Windows `--show` can open at start, by name.
pub const WINDOW_NAMES: [(&str, Action); 9] = [
    ("hierarchy", Action::Hierarchy),
    ("conversations", Action::Conversations),
    ("endpoints", Action::Endpoints),
    ("expert", Action::Expert),
    ("io-graph", Action::IoGraph),
    ("flows", Action::Flows),
    ("tcp-graph", Action::TcpGraph),
    ("timeline", Action::Timeline),
    ("follow", Action::FollowStream),
];

impl Action {
    /// The window named `name` in [`WINDOW_NAMES`].
    pub fn window(name: &str) -> Option<Action> {
        WINDOW_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| a.clone())
    }
}

/// Draws the bar; returns the item clicked, if any.
pub fn show(
    ui: &mut Ui,
    recent: &[PathBuf],
    has_capture: bool,
    has_selection: bool,
    capturing: bool,
) -> Option<Action> {
    let mut action = None;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(
                ui,
                "Open…",
                true,
                Action::Browse(Purpose::Open),
                &mut action,
            );
            ui.menu_button("Open Recent", |ui| {
                if recent.is_empty() {
                    ui.weak("(none)");
                }
                for path in recent {
                    item(
                        ui,
                        &path.to_string_lossy(),
                        true,
                        Action::OpenRecent(path.clone()),
                        &mut action,
                    );
                }
            });
            ui.separator();
            item(
                ui,
                "Save Displayed as pcapng…",
                has_capture,
                Action::Browse(Purpose::SavePcapng),
                &mut action,
            );
            item(
                ui,
                "Save Displayed as pcap…",
                has_capture,
                Action::Browse(Purpose::SavePcap),
                &mut action,
            );
            item(
                ui,
                "Export Packets as JSON…",
                has_capture,
                Action::Browse(Purpose::ExportJson),
                &mut action,
            );
            item(
                ui,
                "Export Flows as NDJSON…",
                has_capture,
                Action::Browse(Purpose::ExportFlows),
                &mut action,
            );
            ui.separator();
            item(ui, "Close", has_capture, Action::Close, &mut action);
            item(ui, "Quit", true, Action::Quit, &mut action);
        });
        ui.menu_button("View", |ui| {
            item(
                ui,
                "Go to Selected Packet",
                has_selection,
                Action::GoToSelected,
                &mut action,
            );
            item(
                ui,
                "Clear Field Selection",
                has_selection,
                Action::ClearFieldSelection,
                &mut action,
            );
        });
        ui.menu_button("Capture", |ui| {
            item(ui, "Start…", true, Action::CaptureOptions, &mut action);
            item(ui, "Stop", capturing, Action::StopCapture, &mut action);
        });
        ui.menu_button("Statistics", |ui| {
            item(
                ui,
                "Protocol Hierarchy",
                has_capture,
                Action::Hierarchy,
                &mut action,
            );
            item(
                ui,
                "Conversations",
                has_capture,
                Action::Conversations,
                &mut action,
            );
            item(ui, "Endpoints", has_capture, Action::Endpoints, &mut action);
            item(
                ui,
                "Expert Information",
                has_capture,
                Action::Expert,
                &mut action,
            );
            item(ui, "I/O Graph", has_capture, Action::IoGraph, &mut action);
            item(ui, "Flows", has_capture, Action::Flows, &mut action);
            ui.separator();
            item(
                ui,
                "TCP Stream Graph",
                has_selection,
                Action::TcpGraph,
                &mut action,
            );
            item(
                ui,
                "Handshake Timeline",
                has_selection,
                Action::Timeline,
                &mut action,
            );
            item(
                ui,
                "Follow Stream",
                has_selection,
                Action::FollowStream,
                &mut action,
            );
        });
        ui.menu_button("Help", |ui| {
            item(ui, "About wirelens", true, Action::About, &mut action);
        });
    });
    action
}

fn item(ui: &mut Ui, text: &str, enabled: bool, what: Action, out: &mut Option<Action>) {
    if ui.add_enabled(enabled, egui::Button::new(text)).clicked() {
        *out = Some(what);
        ui.close();
    }
}
