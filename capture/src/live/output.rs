//! The pcapng files a live capture writes: one file, or a ring of files
//! named as dumpcap names them (`NAME_00001_20240102150405.pcapng`).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use wirelens_dissect::{LinkType, Timestamp};

use super::config::RingBuffer;
use super::error::LiveError;
use super::source::Record;
use super::stats::Shared;
use crate::write::{InterfaceCounters, InterfaceDescription, PcapNgWriter};

/// Large enough that a busy capture writes in big chunks; small enough
/// that a follower is never far behind once the writer flushes.
const WRITE_BUFFER: usize = 1 << 20;

/// What each file's Interface Description Blocks say.
pub(super) struct InterfaceHeader {
    pub name: String,
    pub link_type: LinkType,
    pub snaplen: u32,
    pub filter: Option<String>,
}

/// Where the capture goes.
pub(super) enum Target {
    /// One file, named by the user.
    File(PathBuf),
    /// A new file in the temporary directory.
    Temporary,
    /// Files named after `base`, rotated as `ring` says.
    Ring { base: PathBuf, ring: RingBuffer },
}

pub(super) struct Output {
    target: Target,
    interfaces: Vec<InterfaceHeader>,
    shared: Arc<Shared>,
    started: Timestamp,
    path: PathBuf,
    writer: PcapNgWriter<Counting<BufWriter<File>>>,
    /// Files started so far (the ring's sequence number).
    files_started: u32,
}

impl Output {
    /// Creates the first file and writes its headers.
    pub fn create(
        target: Target,
        interfaces: Vec<InterfaceHeader>,
        shared: Arc<Shared>,
    ) -> Result<Self, LiveError> {
        let started = now();
        let path = first_path(&target, &interfaces, started)?;
        let writer = start_file(&path, &interfaces)?;
        shared
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.clone());
        Ok(Output {
            target,
            interfaces,
            shared,
            started,
            path,
            writer,
            files_started: 1,
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes in the file being written.
    pub fn current_len(&self) -> u64 {
        self.writer.get_ref().count
    }

    /// Appends a packet, going on in the next file of a ring when this one is full.
    pub fn write(&mut self, interface: u32, record: Record, data: &[u8]) -> Result<(), LiveError> {
        let before = self.current_len();
        self.writer
            .write_packet(interface, record.ts, data, record.orig_len, None)
            .map_err(|e| self.error(e))?;
        self.shared
            .bytes_written
            .fetch_add(self.current_len() - before, Relaxed);
        if let Target::Ring { ring, .. } = &self.target {
            if self.current_len() >= ring.filesize_kb.saturating_mul(1000) {
                let ring = *ring;
                self.rotate(ring)?;
            }
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), LiveError> {
        self.writer.flush().map_err(|e| self.error(e))
    }

    /// Ends the file with each interface's statistics.
    pub fn finish(mut self) -> Result<(), LiveError> {
        self.write_statistics()?;
        self.flush()
    }

    fn rotate(&mut self, ring: RingBuffer) -> Result<(), LiveError> {
        self.write_statistics()?;
        self.flush()?;
        let Target::Ring { base, .. } = &self.target else {
            return Ok(());
        };
        self.files_started += 1;
        let path = ring_path(base, self.files_started, now());
        self.writer = start_file(&path, &self.interfaces)?;
        self.path = path.clone();
        let mut files = self
            .shared
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        files.push(path);
        if let Some(keep) = ring.files {
            while files.len() > keep.max(1) as usize {
                let oldest = files.remove(0);
                std::fs::remove_file(&oldest).map_err(|error| LiveError::Output {
                    path: oldest,
                    error,
                })?;
            }
        }
        Ok(())
    }

    /// One Interface Statistics Block per interface, with the counters so far.
    fn write_statistics(&mut self) -> Result<(), LiveError> {
        let end = now();
        for (id, counters) in self.shared.counters.iter().enumerate() {
            let isb = InterfaceCounters {
                start: Some(self.started),
                end: Some(end),
                received: Some(counters.received.load(Relaxed)),
                if_dropped: Some(counters.dropped_by_interface.load(Relaxed)),
                os_dropped: Some(counters.dropped_by_kernel.load(Relaxed)),
                delivered: Some(counters.written.load(Relaxed)),
            };
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            self.writer
                .write_interface_statistics(id, end, &isb)
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn error(&self, error: io::Error) -> LiveError {
        LiveError::Output {
            path: self.path.clone(),
            error,
        }
    }
}

fn start_file(
    path: &Path,
    interfaces: &[InterfaceHeader],
) -> Result<PcapNgWriter<Counting<BufWriter<File>>>, LiveError> {
    let error = |error| LiveError::Output {
        path: path.to_path_buf(),
        error,
    };
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(error)?;
    let out = Counting {
        inner: BufWriter::with_capacity(WRITE_BUFFER, file),
        count: 0,
    };
    let mut writer = PcapNgWriter::new(out).map_err(error)?;
    for interface in interfaces {
        writer
            .add_interface_description(&InterfaceDescription {
                link_type: interface.link_type,
                snaplen: interface.snaplen,
                name: Some(&interface.name),
                description: None,
                capture_filter: interface.filter.as_deref(),
                nanosecond: false,
            })
            .map_err(error)?;
    }
    // A follower can open the file as soon as the capture has started.
    writer.flush().map_err(error)?;
    Ok(writer)
}

fn first_path(
    target: &Target,
    interfaces: &[InterfaceHeader],
    started: Timestamp,
) -> Result<PathBuf, LiveError> {
    match target {
        Target::File(path) => Ok(path.clone()),
        Target::Ring { base, .. } => Ok(ring_path(base, 1, started)),
        Target::Temporary => temporary_path(interfaces, started),
    }
}

/// A new, empty file in the temporary directory, named after the first
/// interface as dumpcap names its temporary files.
fn temporary_path(
    interfaces: &[InterfaceHeader],
    started: Timestamp,
) -> Result<PathBuf, LiveError> {
    let label: String = interfaces
        .first()
        .map_or("capture", |i| i.name.as_str())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = std::env::temp_dir();
    for attempt in 0u32.. {
        let path = dir.join(format!(
            "wirelens_{label}_{}_{}_{attempt}.pcapng",
            date_time(started),
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => continue,
            Err(error) => return Err(LiveError::Output { path, error }),
        }
    }
    Err(LiveError::Config("no free temporary file name".into()))
}

/// `dir/name.pcapng` becomes `dir/name_00003_20240102150405.pcapng`.
fn ring_path(base: &Path, number: u32, ts: Timestamp) -> PathBuf {
    let stem = base
        .file_stem()
        .map_or_else(|| "capture".into(), |s| s.to_string_lossy().into_owned());
    let ext = base
        .extension()
        .map_or_else(|| "pcapng".into(), |e| e.to_string_lossy().into_owned());
    base.with_file_name(format!("{stem}_{number:05}_{}.{ext}", date_time(ts)))
}

fn now() -> Timestamp {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp::new(
        i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        u64::from(since.subsec_nanos()),
    )
}

/// `YYYYMMDDhhmmss` in UTC.
fn date_time(ts: Timestamp) -> String {
    let days = ts.secs.div_euclid(86_400);
    let secs = ts.secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Counts the bytes written through it: the size of the current file.
pub(super) struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(
            date_time(Timestamp::new(1_709_251_199, 0)),
            "20240229235959"
        );
        assert_eq!(date_time(Timestamp::new(0, 0)), "19700101000000");
    }

    #[test]
    fn ring_files_are_numbered_after_the_base_name() {
        let path = ring_path(
            Path::new("/tmp/x/trace.pcapng"),
            3,
            Timestamp::new(1_709_251_199, 0),
        );
        assert_eq!(path, Path::new("/tmp/x/trace_00003_20240229235959.pcapng"));
    }
}
