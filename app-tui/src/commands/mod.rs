//! Headless subcommands.

pub mod bgp_report;
pub mod fields;
pub mod flows;
pub mod follow;
pub mod follow_http2;
pub mod live;
pub mod print;
pub mod stats;
pub mod wlan_report;
