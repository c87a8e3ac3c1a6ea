//! Saving frames to a file ("Save as", `-w`).

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wirelens_dissect::LinkType;

use super::{invalid_input, PcapNgWriter, PcapWriter};
use crate::file::{Frame, Interface};

/// libpcap's default and maximum snaplen, used when the source's is unknown.
const DEFAULT_SNAPLEN: u32 = 262_144;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveFormat {
    /// Classic pcap: one link type per file, no comments.
    Pcap,
    /// pcapng: one interface per source interface, comments kept.
    PcapNg,
}

/// Writes `frames` to `path`; returns the number of frames written.
///
/// Without the source's interface table, timestamps are written with
/// nanosecond resolution (so none is lost), pcapng interfaces get no name
/// and no snaplen, and pcap files the default snaplen of 262144. Use
/// [`save_with_interfaces`] to keep the source's names, snaplens and
/// resolutions.
pub fn save<'f, 'a: 'f, I>(frames: I, path: &Path, format: SaveFormat) -> io::Result<u64>
where
    I: IntoIterator<Item = &'f Frame<'a>>,
{
    save_with_interfaces(frames, path, format, &[])
}

/// Like [`save`], taking interface names, snaplens and timestamp
/// resolutions from `interfaces`, the source's interface table (such as
/// [`CaptureFile::interfaces`](crate::CaptureFile::interfaces)), indexed by
/// [`Frame::interface_id`].
///
/// The file appears at `path` only when complete: it is written beside it
/// under a temporary name and renamed at the end, so a failed save leaves
/// no partial file and saving over the file being read does not destroy it
/// while it is mapped. Saving frames of different link types as pcap fails
/// with [`io::ErrorKind::InvalidInput`] and a message suggesting pcapng.
/// Frames without a timestamp (pcapng simple packets) are written with
/// timestamp 0.
pub fn save_with_interfaces<'f, 'a: 'f, I>(
    frames: I,
    path: &Path,
    format: SaveFormat,
    interfaces: &[Interface],
) -> io::Result<u64>
where
    I: IntoIterator<Item = &'f Frame<'a>>,
{
    let (temp, file) = TempFile::create_beside(path)?;
    let mut out = BufWriter::new(file);
    let count = match format {
        SaveFormat::Pcap => write_pcap(frames, &mut out, interfaces)?,
        SaveFormat::PcapNg => write_pcapng(frames, &mut out, interfaces)?,
    };
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    temp.persist(path)?;
    Ok(count)
}

fn write_pcap<'f, 'a: 'f>(
    frames: impl IntoIterator<Item = &'f Frame<'a>>,
    out: impl Write,
    interfaces: &[Interface],
) -> io::Result<u64> {
    let mut frames = frames.into_iter().peekable();
    let link_type = frames
        .peek()
        .filter(|frame| frame.custom.is_none())
        .map(|frame| frame.link_type)
        .or_else(|| interfaces.first().map(|i| i.link_type))
        .unwrap_or(LinkType::ETHERNET);
    let nanosecond =
        interfaces.is_empty() || interfaces.iter().any(|i| i.ts_units_per_sec > 1_000_000);
    let snaplen = interfaces
        .iter()
        .map(|i| i.snaplen)
        .max()
        .filter(|&snaplen| snaplen != 0)
        .unwrap_or(DEFAULT_SNAPLEN);
    let mut writer = PcapWriter::new(out, link_type, snaplen, nanosecond)?;
    let mut count = 0;
    // pcap has no place for pcapng custom blocks: they are left out.
    for frame in frames.filter(|f| f.custom.is_none()) {
        if frame.link_type != link_type {
            return Err(invalid_input(format!(
                "cannot save frame {} as pcap: its link type {} differs from the {} of the \
                 frames before it, and a pcap file holds one link type; save as pcapng instead",
                frame.number, frame.link_type, link_type
            )));
        }
        writer.write_packet(frame.ts, frame.data, frame.orig_len)?;
        count += 1;
    }
    writer.finish()?;
    Ok(count)
}

fn write_pcapng<'f, 'a: 'f>(
    frames: impl IntoIterator<Item = &'f Frame<'a>>,
    out: impl Write,
    interfaces: &[Interface],
) -> io::Result<u64> {
    let mut writer = PcapNgWriter::new(out)?;
    // Source interface (and link type, in case frames of several files are
    // mixed) to the interface id in the new file.
    let mut ids: HashMap<(u32, LinkType), u32> = HashMap::new();
    let mut count = 0;
    for frame in frames {
        if let Some(custom) = frame.custom {
            // Blocks their owner marked "do not copy" stay behind, as the format asks.
            if custom.copyable {
                writer.write_custom_block(custom.pen, frame.data)?;
                count += 1;
            }
            continue;
        }
        let key = (frame.interface_id, frame.link_type);
        let id = match ids.get(&key) {
            Some(&id) => id,
            None => {
                let source = interfaces
                    .get(frame.interface_id as usize)
                    .filter(|i| i.link_type == frame.link_type);
                let id = writer.add_interface(
                    frame.link_type,
                    source.map_or(0, |i| i.snaplen),
                    source.and_then(|i| i.name.as_deref()),
                    source.is_none_or(|i| i.ts_units_per_sec > 1_000_000),
                )?;
                ids.insert(key, id);
                id
            }
        };
        writer.write_packet_with_comments(
            id,
            frame.ts,
            frame.data,
            frame.orig_len,
            &frame.comments,
        )?;
        count += 1;
    }
    writer.finish()?;
    Ok(count)
}

/// A file beside the target that is removed unless persisted.
struct TempFile {
    path: PathBuf,
    persisted: bool,
}

impl TempFile {
    fn create_beside(target: &Path) -> io::Result<(TempFile, File)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = target.file_name().ok_or_else(|| {
            invalid_input(format!(
                "cannot save to {}: not a file path",
                target.display()
            ))
        })?;
        loop {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(
                ".{}-{}.wirelens-tmp",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let path = target.with_file_name(temp_name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    let temp = TempFile {
                        path,
                        persisted: false,
                    };
                    return Ok((temp, file));
                }
                // Left over from an earlier process with the same id.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn persist(mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: the error being returned matters more.
            let _ = fs::remove_file(&self.path);
        }
    }
}
