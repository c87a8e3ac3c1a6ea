//! Headless subcommands.

pub mod fields;
pub mod follow;
pub mod print;
