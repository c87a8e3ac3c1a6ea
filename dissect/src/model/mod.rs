//! The data model every consumer reads: packets, layers, fields, values, expert items.

pub mod expert;
pub mod field;
pub mod packet;
pub mod time;
mod tree;

pub use expert::{Expert, Group, Severity};
pub use field::{
    render_display, render_tree_label, render_value, Base, Bits, FieldDef, FieldKind, Shown, Span,
    TreeFormat, Value, ValueNames,
};
pub use packet::{
    Address, DataSource, FieldNode, Latency, LatencyKind, Layer, NetFact, Packet, Protocol,
    SourceId, Summary, FRAME_SOURCE,
};
pub use time::{Duration, Timestamp};
