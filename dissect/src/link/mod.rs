//! Link layers: the first dissector of a frame is chosen by its link type.

pub mod linktype;

pub use linktype::LinkType;
