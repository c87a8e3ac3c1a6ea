//! Pure protocol knowledge for wirelens: no I/O, no threads, no unsafe.
#![forbid(unsafe_code)]

pub mod link;
pub mod model;

pub use link::LinkType;
pub use model::{Duration, Timestamp};
