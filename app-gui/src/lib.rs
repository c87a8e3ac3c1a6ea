//! wirelens desktop GUI (egui/eframe).
//!
//! - [`app`]: the top-level layout, shared by the window and the tests.
//! - [`state`]: what is open and which windows show, independent of drawing.
//! - [`model`]: the open capture on top of the capture session, and the
//!   background work (dissection on demand, filters, sorting, connection
//!   history, exports).
//! - [`views`]: one module per part of the window.

pub mod app;
pub mod model;
pub mod state;
pub mod views;

pub use app::WirelensApp;
