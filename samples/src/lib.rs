//! Sample captures for wirelens: a generator of large, realistic synthetic
//! captures for benchmarks (`gen-capture`), and the recorded captures under
//! `samples/captures/` with the scripts that made them.

pub mod adversarial;
pub mod gen;
pub mod seeds;
pub mod size;

pub use gen::{write_capture, Format, Generator, Options, Summary};
