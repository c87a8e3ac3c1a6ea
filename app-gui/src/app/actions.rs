//! Carrying out what the user asked for: menu items, the command line's
//! start requests, the file browser's choice (open, save, export).

use std::path::PathBuf;
use std::sync::Arc;

use egui::ViewportCommand;
use wirelens_capture::write::SaveFormat;

use super::WirelensApp;
use crate::model::export;
use crate::model::job::Job;
use crate::views::capture_dialog::CaptureDialog;
use crate::views::file_browser::{FileBrowser, Purpose};
use crate::views::flow_table::FlowTable;
use crate::views::follow::FollowView;
use crate::views::menu_bar::Action;
use crate::views::tcp_graph::ConnectionView;

impl WirelensApp {
    pub(super) fn carry_out_startup(&mut self, ctx: &egui::Context) {
        let Some(capture) = &mut self.state.capture else {
            return;
        };
        if let Some(n) = self.startup.packet {
            // Wait until loading has reached the packet (or ended).
            if capture.session.len() < n && capture.is_loading() {
                return;
            }
            self.startup.packet = None;
            capture.select(n);
            self.scroll_to_selected = true;
        }
        // Following a stream needs the selected packet's tree.
        let ready = capture.selected.is_none()
            || capture.detail.as_ref().map(|d| d.number) == capture.selected;
        if ready && !self.startup.windows.is_empty() {
            for action in std::mem::take(&mut self.startup.windows) {
                self.act(ctx, action);
            }
        }
    }

    /// Carries out a menu item.
    pub fn act(&mut self, ctx: &egui::Context, action: Action) {
        let w = &mut self.state.windows;
        match action {
            Action::Browse(purpose) => {
                let start = self
                    .state
                    .capture
                    .as_ref()
                    .and_then(|c| c.path.parent().map(PathBuf::from))
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_else(|| PathBuf::from("/"));
                self.state.browser = Some(FileBrowser::new(purpose, &start));
            }
            Action::OpenRecent(path) => self.open(ctx, path),
            Action::Close => {
                self.state.capture = None;
                self.state.connection = None;
                ctx.send_viewport_cmd(ViewportCommand::Title("wirelens".into()));
            }
            Action::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
            Action::GoToSelected => self.scroll_to_selected = true,
            Action::ClearFieldSelection => {
                if let Some(c) = &mut self.state.capture {
                    c.selected_item = None;
                }
            }
            Action::Hierarchy => w.hierarchy = true,
            Action::Conversations => w.conversations = true,
            Action::Endpoints => w.endpoints = true,
            Action::Expert => w.expert = true,
            Action::IoGraph => w.io_graph = true,
            Action::Flows => {
                w.flows = true;
                if self.state.flows.is_none() {
                    if let Some(c) = &self.state.capture {
                        self.state.flows = Some(FlowTable::start(
                            c.path.clone(),
                            self.tls_keylog.clone(),
                            self.state.notifier(),
                        ));
                    }
                }
            }
            Action::TcpGraph | Action::Timeline => {
                if action == Action::TcpGraph {
                    w.tcp_graph = true;
                } else {
                    w.timeline = true;
                }
                self.open_connection();
            }
            Action::FollowStream => self.follow_selected(),
            Action::About => w.about = true,
            Action::CaptureOptions => {
                if self.state.capture_dialog.is_none() {
                    self.state.capture_dialog = Some(CaptureDialog::new());
                }
            }
            Action::StopCapture => self.state.stop_live(),
        }
    }

    /// Dissects the selected packet's connection again, unless already shown.
    pub fn open_connection(&mut self) {
        let Some(capture) = &self.state.capture else {
            return;
        };
        let Some(n) = capture.selected else {
            return;
        };
        let same_flow = |a: u64, b: u64| {
            let s = |n| capture.session.entry(n).map(|e| e.stream);
            s(a).is_some_and(|x| x != 0 && Some(x) == s(b))
        };
        if self
            .state
            .connection
            .as_ref()
            .is_some_and(|c| c.number == n || same_flow(c.number, n))
        {
            return;
        }
        self.timeline_tab = 0;
        self.state.connection = Some(ConnectionView::start(
            &capture.session,
            n,
            self.state.notifier(),
        ));
    }

    fn follow_selected(&mut self) {
        let Some(capture) = &self.state.capture else {
            return;
        };
        if capture.selected.is_none() {
            self.state.notice = Some("select a packet of a TCP or UDP stream first".into());
            return;
        }
        // The stream number is in the selected packet's tree: wait for it.
        let Some(detail) = capture
            .detail
            .as_ref()
            .filter(|d| Some(d.number) == capture.selected)
        else {
            self.startup.windows.push(Action::FollowStream);
            return;
        };
        let (stream, udp) = match (
            detail.number_of("tcp.stream"),
            detail.number_of("udp.stream"),
        ) {
            (Some(s), _) => (s, false),
            (None, Some(s)) => (s, true),
            _ => {
                self.state.notice = Some(format!(
                    "packet {} is not part of a TCP or UDP stream",
                    detail.number
                ));
                return;
            }
        };
        self.state.follow = Some(FollowView::start(
            capture.path.clone(),
            stream as u32,
            udp,
            self.state.notifier(),
        ));
        self.state.windows.follow = true;
    }

    /// Opens, saves or exports to the path chosen in the file browser.
    pub fn carry_out(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        if purpose == Purpose::Open {
            self.open(ctx, path);
            return;
        }
        let Some(capture) = &self.state.capture else {
            return;
        };
        let session = Arc::clone(&capture.session);
        let numbers = capture.shown_numbers();
        let source = capture.path.clone();
        let keylog = self.tls_keylog.clone();
        self.state.notice = Some(format!("writing {}…", path.display()));
        self.export = Some(Job::spawn(
            "wirelens-gui-export",
            self.state.notifier(),
            move || match purpose {
                Purpose::SavePcapng => {
                    export::save_packets(&session, &numbers, &path, SaveFormat::PcapNg)
                }
                Purpose::SavePcap => {
                    export::save_packets(&session, &numbers, &path, SaveFormat::Pcap)
                }
                Purpose::ExportJson => export::export_json(&session, &numbers, &path),
                Purpose::ExportFlows => export::export_flows(source, keylog, &path),
                Purpose::Open => Ok(String::new()),
            },
        ));
    }

    /// True while an export runs (tests wait for it).
    pub fn is_exporting(&mut self) -> bool {
        self.poll_export();
        self.export.is_some()
    }

    pub(super) fn poll_export(&mut self) {
        if let Some(result) = self.export.as_mut().and_then(Job::take) {
            self.export = None;
            self.state.notice = Some(match result.and_then(|r| r) {
                Ok(m) | Err(m) => m,
            });
        }
    }
}
