//! wirelens desktop GUI (egui/eframe).
//!
//! - [`app`]: the top-level layout, shared by the window and the tests.
//! - [`state`]: what is open and selected, independent of drawing.
//! - [`loader`]: reading and dissecting a capture on a background thread.
//! - [`views`]: one module per part of the window.

pub mod app;
pub mod loader;
pub mod state;
pub mod views;

pub use app::WirelensApp;
