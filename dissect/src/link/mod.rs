//! Link layers: the first dissector of a frame is chosen by its link type.

pub mod ethernet;
pub mod ieee80211;
pub mod juniper;
pub mod linktype;
pub mod llc;
pub mod null;
pub mod oui;
pub mod radiotap;
pub mod raw;
pub mod sll;
pub mod stp;
pub mod vlan;
pub mod wlan_radio;

pub use linktype::LinkType;
