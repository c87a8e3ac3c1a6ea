//! Headless subcommands.

pub mod fields;
pub mod print;
