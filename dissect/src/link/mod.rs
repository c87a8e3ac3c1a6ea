//! Link layers: the first dissector of a frame is chosen by its link type.

pub mod ethernet;
pub mod juniper;
pub mod linktype;
pub mod null;
pub mod oui;
pub mod raw;
pub mod sll;
pub mod vlan;

pub use linktype::LinkType;
