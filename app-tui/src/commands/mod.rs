//! Headless subcommands.

pub mod fields;
pub mod flows;
pub mod follow;
pub mod follow_http2;
pub mod print;
pub mod stats;
