//! Errors of opening and of reading a capture file.

use std::fmt;
use std::io;

/// Why a file could not be opened as a capture at all.
#[derive(Debug)]
pub enum OpenError {
    /// The file could not be opened, measured or mapped.
    Io(io::Error),
    /// The first bytes are not the magic number of pcap or pcapng.
    NotACapture { reason: String },
    /// The file is pcap or pcapng, but its file header (pcap) or first
    /// section header (pcapng) is unusable.
    BadHeader { offset: u64, reason: String },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Io(e) => write!(f, "cannot read the capture file: {e}"),
            OpenError::NotACapture { reason } => write!(f, "not a pcap or pcapng file: {reason}"),
            OpenError::BadHeader { offset, reason } => {
                write!(
                    f,
                    "unusable capture file header at byte offset {offset}: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for OpenError {
    fn from(e: io::Error) -> Self {
        OpenError::Io(e)
    }
}

/// Damage found while reading records or blocks.
///
/// `offset` is where the damaged record or block starts, so a user can find
/// it with a hex viewer and a tool can cut the file there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub offset: u64,
    pub reason: String,
}

impl ReadError {
    pub(crate) fn new(offset: usize, reason: impl Into<String>) -> Self {
        ReadError {
            offset: offset as u64,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte offset {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for ReadError {}

/// "1 byte", "5 bytes": counts in messages.
pub(crate) fn byte_count(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}
