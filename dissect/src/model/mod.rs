//! The data model every consumer reads: packets, layers, fields, values, expert items.

pub mod time;

pub use time::{Duration, Timestamp};
