//! Follow TCP/UDP stream: the conversation's payload in order, each side in
//! its colour, as `wirelens follow` collects it.

use std::path::PathBuf;

use egui::{Color32, RichText, Ui};
use wirelens::commands::follow::{follow, Followed};
use wirelens_capture::CaptureFile;

use crate::model::job::{Job, Notify};

/// A followed stream being collected or shown.
pub struct FollowView {
    pub title: String,
    job: Option<Job<Result<Followed, String>>>,
    pub result: Option<Result<Followed, String>>,
}

impl FollowView {
    /// Follows `tcp.stream` (or `udp.stream`) number `stream` of `path`.
    pub fn start(path: PathBuf, stream: u32, udp: bool, notify: Notify) -> Self {
        let proto = if udp { "UDP" } else { "TCP" };
        FollowView {
            title: format!("Follow {proto} stream {stream}"),
            job: Some(Job::spawn("wirelens-gui-follow", notify, move || {
                let file = CaptureFile::open(&path).map_err(|e| e.to_string())?;
                follow(&file, stream, udp).map_err(|e| e.0)
            })),
            result: None,
        }
    }

    pub fn is_running(&mut self) -> bool {
        if let Some(r) = self.job.as_mut().and_then(Job::take) {
            self.job = None;
            self.result = Some(r.and_then(|r| r));
        }
        self.job.is_some()
    }
}

pub fn show(ui: &mut Ui, view: &mut FollowView) {
    view.is_running();
    let followed = match &view.result {
        None => {
            ui.spinner();
            return;
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        Some(Ok(f)) => f,
    };
    let sent = |side: usize| {
        followed
            .chunks
            .iter()
            .filter(|c| c.from == side)
            .map(|c| c.data.len())
            .sum::<usize>()
    };
    ui.label(format!(
        "client → server {} bytes, server → client {} bytes, missing {} / {} bytes",
        sent(0),
        sent(1),
        followed.missing[0],
        followed.missing[1]
    ));
    egui::ScrollArea::both()
        .id_salt("follow")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for chunk in &followed.chunks {
                let text: String = chunk
                    .data
                    .iter()
                    .map(|&b| {
                        if b == b'\n' || b == b'\t' || (b' '..=b'~').contains(&b) {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                let colour = if chunk.from == 0 {
                    Color32::from_rgb(0xc0, 0x30, 0x30)
                } else {
                    Color32::from_rgb(0x30, 0x50, 0xc0)
                };
                ui.label(RichText::new(text).monospace().color(colour));
            }
        });
}
