//! What the UI's commands do, run on background threads: following a
//! stream, saving the shown packets, exporting a flow, finding an expert
//! item. Each reuses the headless command that does the same.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use wirelens_capture::session::stats::ExpertRow;
use wirelens_capture::session::Session;
use wirelens_capture::write::{save_with_interfaces, SaveFormat};

use super::views::follow::FollowView;
use super::worker::DetailPacket;
use crate::cli::{FlowsArgs, FlowsFormat};
use crate::commands;

/// Packets dissected between two looks at the cancel flag.
const STRIDE: u64 = 4096;

/// Follows TCP (or UDP) stream `stream` with the `follow` command's code.
pub fn follow(
    session: &Session,
    stream: u32,
    udp: bool,
    cancel: &AtomicBool,
) -> Result<FollowView, String> {
    let followed =
        commands::follow::follow_until(session.file(), stream, udp, cancel).map_err(|e| e.0)?;
    Ok(FollowView::new(followed, stream, udp))
}

/// Writes the packets shown (`shown`: the filter's matches; `None`: every
/// packet loaded) to `path` as pcapng.
pub fn save_shown(session: &Session, shown: Option<&[u64]>, path: &Path) -> Result<String, String> {
    let loaded = session.len();
    let file = session.file();
    let mut frames = Vec::new();
    for frame in file.packets().map_while(Result::ok) {
        if frame.number > loaded {
            break;
        }
        if shown.is_none_or(|s| s.binary_search(&frame.number).is_ok()) {
            frames.push(frame);
        }
    }
    let count = save_with_interfaces(&frames, path, SaveFormat::PcapNg, file.interfaces())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("saved {count} packets to {}", path.display()))
}

/// The display filter that selects the flow of packet `d`.
pub fn flow_filter(d: &DetailPacket) -> Option<String> {
    if let Some(s) = d.field_u64("tcp.stream") {
        return Some(format!("tcp.stream == {s}"));
    }
    d.field_u64("udp.stream")
        .map(|s| format!("udp.stream == {s}"))
}

pub fn flow_export_args(file: &Path, tls_keylog: &Option<PathBuf>, filter: String) -> FlowsArgs {
    FlowsArgs {
        file: file.to_path_buf(),
        format: FlowsFormat::Json,
        display_filter: Some(filter),
        tls_keylog: tls_keylog.clone(),
    }
}

/// Writes the flows `args` selects as a JSON array, with the `flows` command.
pub fn export_flows(args: &FlowsArgs, path: &Path) -> Result<String, String> {
    let mut out =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    commands::flows::run(args, &mut out).map_err(|e| e.0)?;
    Ok(format!(
        "exported the flow ({}) to {}",
        args.display_filter.as_deref().unwrap_or(""),
        path.display()
    ))
}

/// The first packet after `from` (then from the start) that raised an expert
/// item of `row`.
pub fn find_expert(
    session: &Session,
    row: &ExpertRow,
    from: u64,
    cancel: &AtomicBool,
) -> Option<u64> {
    let last = session.len();
    let ranges = [(from.saturating_add(1), last), (1, from.min(last))];
    for (start, end) in ranges {
        let mut n = start;
        while n <= end {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let count = STRIDE.min(end - n + 1);
            let mut found = None;
            session.visit(n, count, false, |d| {
                if found.is_some() {
                    return;
                }
                let pkt = &d.packet;
                let hit = pkt.experts.iter().any(|e| {
                    e.severity == row.severity
                        && e.group == row.group
                        && e.message == row.message.as_str()
                        && pkt
                            .layers
                            .get(e.layer as usize)
                            .is_some_and(|l| l.proto.short == row.protocol)
                });
                if hit {
                    found = Some(d.frame.number);
                }
            });
            if found.is_some() {
                return found;
            }
            n += count;
        }
    }
    None
}

/// `capture.pcap` → `capture-filtered.pcapng`, beside it.
pub fn default_save_name(path: &Path) -> String {
    sibling(path, "-filtered.pcapng")
}

/// `capture.pcap` → `capture-flow.json`, beside it.
pub fn default_flow_name(path: &Path) -> String {
    sibling(path, "-flow.json")
}

fn sibling(path: &Path, suffix: &str) -> String {
    let stem = path
        .file_stem()
        .map_or("capture".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}{suffix}"))
        .display()
        .to_string()
}
