//! Exports: tshark-shaped JSON and text renderings.

pub mod json;
pub mod text;
pub mod time_format;
