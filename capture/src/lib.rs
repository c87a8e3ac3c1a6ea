//! wirelens capture engine: reading and writing capture files.
//!
//! [`CaptureFile`] memory-maps a pcap or pcapng file and hands out
//! [`Packets`], a lazy iterator of borrowed [`Frame`]s: packet bytes are
//! never copied, and no heap allocation happens per packet except for
//! packet comments. Damage in a file ends the iteration with one
//! [`ReadError`] that names the byte offset; every packet before it is
//! delivered first.
//!
//! [`write`](mod@write) holds the pcap and pcapng writers and [`write::save()`].
//!
//! [`session`] is the engine the front ends drive: a file loaded in the
//! background into a 40-byte-per-packet index with progress and
//! cancellation, statistics kept current, filters over the index, and the
//! full tree of any packet dissected again on demand.
//!
//! ```no_run
//! use std::path::Path;
//! use wirelens_capture::CaptureFile;
//!
//! let file = CaptureFile::open(Path::new("trace.pcapng"))?;
//! for frame in file.packets() {
//!     let frame = frame?;
//!     println!("{} {} {} bytes", frame.number, frame.ts, frame.data.len());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The one unsafe operation (mapping the file) is allowed where it happens.
#![deny(unsafe_code)]

pub mod file;
#[cfg(feature = "live")]
pub mod live;
pub mod session;
pub mod write;

pub use file::{
    CaptureFile, CustomBlock, FileFormat, FollowError, Follower, Frame, Interface, InterfaceStats,
    Metadata, NameEntry, OpenError, Packets, Polled, ReadError, ResumePoint, Section,
};
