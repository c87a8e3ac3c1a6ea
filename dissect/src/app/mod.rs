//! Application protocols, one module each.

pub mod data;
