//! Headless subcommands.

pub mod fields;
pub mod flows;
pub mod print;
pub mod stats;
