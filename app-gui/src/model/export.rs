//! File › Save and Export, run as background jobs.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use wirelens_capture::session::Session;
use wirelens_capture::write::{save_with_interfaces, SaveFormat};
use wirelens_capture::FileFormat;
use wirelens_dissect::export::json::JsonWriter;
use wirelens_dissect::{Dissector, Packet};

/// Saves the packets `numbers` of the session's file to `path`.
pub fn save_packets(
    session: &Session,
    numbers: &[u64],
    path: &Path,
    format: SaveFormat,
) -> Result<String, String> {
    let wanted: HashSet<u64> = numbers.iter().copied().collect();
    let file = session.file();
    let frames: Vec<_> = file
        .packets()
        .map_while(Result::ok)
        .filter(|f| wanted.contains(&f.number))
        .collect();
    let n = save_with_interfaces(frames.iter(), path, format, file.interfaces())
        .map_err(|e| format!("cannot save {}: {e}", path.display()))?;
    Ok(format!("saved {n} packets to {}", path.display()))
}

/// Writes the packets `numbers` as tshark-shaped JSON. Every packet is
/// dissected in order (stateful analysis), the chosen ones with their tree.
pub fn export_json(session: &Session, numbers: &[u64], path: &Path) -> Result<String, String> {
    let wanted: HashSet<u64> = numbers.iter().copied().collect();
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut out = BufWriter::new(File::create(path).map_err(fail)?);
    let file = session.file();
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut dissector = Dissector::new(session.config().prefs.clone());
    let mut writer = JsonWriter::begin(&mut out).map_err(fail)?;
    let mut packets = file.packets();
    let mut count = 0;
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        let mut pkt = Packet::new(wanted.contains(&frame.number));
        dissector.dissect(&meta, frame.data, &mut pkt);
        if pkt.tree {
            writer
                .write_packet(&mut out, &meta, &pkt, frame.data)
                .map_err(fail)?;
            count += 1;
        }
    }
    writer.finish(&mut out).map_err(fail)?;
    out.flush().map_err(fail)?;
    Ok(format!("exported {count} packets to {}", path.display()))
}

/// Writes `wirelens flows` NDJSON for `source` to `path`.
pub fn export_flows(
    source: PathBuf,
    tls_keylog: Option<PathBuf>,
    path: &Path,
) -> Result<String, String> {
    let report = crate::views::flow_table::report(source, tls_keylog)?;
    std::fs::write(path, &report.ndjson)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!(
        "exported {} flows to {}",
        report.flows.len(),
        path.display()
    ))
}
