//! Reading a capture file while another program (or a live capture) is
//! still appending to it, as `tail -f` follows a log.
//!
//! Writers append whole records, but a reader can look between two writes
//! and see the start of a record without its end. [`Follower`] takes such a
//! cut-short record at the end of the file as "not written yet": it reads it
//! again at the next [`poll`](Follower::poll). Only [`finish`](Follower::finish),
//! called once the writer is done, treats it as damage.

use std::path::{Path, PathBuf};

use wirelens_dissect::FrameMeta;

use super::{CaptureFile, FileFormat, OpenError, ReadError, ResumePoint};

/// What one [`Follower::poll`] read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Polled {
    /// Packets handed to the callback by this call.
    pub packets: u64,
    /// Bytes at the end of the file that do not yet form a whole record.
    pub pending_bytes: u64,
}

/// Why following stopped.
#[derive(Debug)]
pub enum FollowError {
    /// The file cannot be opened, or its header is not a capture's.
    Open(OpenError),
    /// The file is damaged before its end, or ends inside a record after the
    /// writer finished.
    Damaged(ReadError),
}

impl std::fmt::Display for FollowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FollowError::Open(e) => e.fmt(f),
            FollowError::Damaged(e) => write!(f, "the file is damaged {e}"),
        }
    }
}

impl std::error::Error for FollowError {}

/// Reads the packets of a growing pcap or pcapng file, a few at a time.
///
/// Each [`poll`](Follower::poll) maps the file as it is now and reads the
/// records appended since the last call. Frame numbers go on across calls,
/// and pcapng interfaces and sections seen before stay known.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    /// Where the next poll starts; `None` until the file header was read.
    resume: Option<ResumePoint>,
    /// File length at the last poll, to skip polls where nothing was written.
    seen_len: u64,
    /// The error that ended the last poll early, if the tail was incomplete.
    pending: Option<ReadError>,
}

impl Follower {
    /// Follows `path`; nothing is read before the first poll, and the file
    /// need not exist yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Follower {
            path: path.into(),
            resume: None,
            seen_len: 0,
            pending: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames read so far.
    pub fn frames_read(&self) -> u64 {
        self.resume.as_ref().map_or(0, ResumePoint::frames_read)
    }

    /// Reads the records appended since the last call and hands each packet
    /// to `each`, with the packet's metadata and bytes. A record cut short
    /// at the end is left for the next call.
    pub fn poll(&mut self, each: impl FnMut(&FrameMeta<'_>, &[u8])) -> Result<Polled, FollowError> {
        self.read(each, false)
    }

    /// The last poll, once the writer has finished: a record still cut short
    /// is now an error.
    pub fn finish(
        &mut self,
        each: impl FnMut(&FrameMeta<'_>, &[u8]),
    ) -> Result<Polled, FollowError> {
        self.read(each, true)
    }

    fn read(
        &mut self,
        mut each: impl FnMut(&FrameMeta<'_>, &[u8]),
        writer_done: bool,
    ) -> Result<Polled, FollowError> {
        let len = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        if len == self.seen_len && !writer_done && self.resume.is_some() {
            return Ok(Polled {
                packets: 0,
                pending_bytes: self.pending_bytes(len),
            });
        }
        let file = match CaptureFile::open(&self.path) {
            Ok(file) => file,
            // A header not yet written whole, or a file not yet created.
            Err(e) if !writer_done && header_may_be_incomplete(&e) => {
                return Ok(Polled {
                    packets: 0,
                    pending_bytes: len,
                })
            }
            Err(e) => return Err(FollowError::Open(e)),
        };
        self.seen_len = file.len();
        let pcapng = matches!(file.format(), FileFormat::PcapNg);
        let mut packets = match &self.resume {
            Some(at) => file.packets_from(at),
            None => file.packets(),
        };
        let before = packets.number;
        self.pending = None;
        while let Some(item) = packets.next() {
            match item {
                Ok(frame) => each(&frame.meta(packets.interfaces(), pcapng), frame.data),
                Err(e) if is_cut_short(&e) => {
                    self.pending = Some(e);
                    break;
                }
                Err(e) => return Err(FollowError::Damaged(e)),
            }
        }
        let read = packets.number - before;
        self.resume = Some(packets.resume_point_to_continue());
        match self.pending.take() {
            Some(e) if writer_done => Err(FollowError::Damaged(e)),
            pending => {
                self.pending = pending;
                Ok(Polled {
                    packets: read,
                    pending_bytes: self.pending_bytes(self.seen_len),
                })
            }
        }
    }

    fn pending_bytes(&self, len: u64) -> u64 {
        self.pending
            .as_ref()
            .map_or(0, |e| len.saturating_sub(e.offset))
    }
}

/// A record that runs past the end of the file: the rest may still come.
fn is_cut_short(e: &ReadError) -> bool {
    e.reason.contains("file truncated")
}

/// An I/O error (no file yet) or a header cut short may go away as the
/// writer goes on; a wrong magic number will not, unless the file is still
/// too short to hold one.
fn header_may_be_incomplete(e: &OpenError) -> bool {
    match e {
        OpenError::Io(_) => true,
        OpenError::BadHeader { reason, .. } => reason.contains("truncated"),
        OpenError::NotACapture { reason } => reason.contains("short") || reason.contains("empty"),
    }
}
