//! Pure protocol knowledge for wirelens: no I/O, no threads, no unsafe.
//!
//! A [`Dissector`] turns frames into [`Packet`]s: layers with byte spans, a tree of
//! fields named as in Wireshark's display filters, expert items and a summary line.
#![forbid(unsafe_code)]

pub mod app;
pub mod dispatch;
pub mod dissector;
pub mod export;
pub mod filter;
pub mod flow;
pub mod frame;
#[cfg(any(test, feature = "fuzz"))]
pub mod fuzz;
pub mod link;
pub mod model;
pub mod names;
pub mod net;
pub mod registry;
#[cfg(test)]
pub(crate) mod testutil;
pub mod transport;
pub mod tunnel;

pub use dissector::{Dissector, Prefs};
pub use frame::FrameMeta;
pub use link::LinkType;
pub use model::{Duration, Packet, Timestamp};
