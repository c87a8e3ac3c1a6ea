//! Stateful analysis across frames: conversations and streams.

pub mod tcp;

use crate::model::Timestamp;

/// Everything remembered from earlier frames of the capture.
#[derive(Debug, Default)]
pub struct State {
    pub first_ts: Option<Timestamp>,
    pub prev_ts: Option<Timestamp>,
    /// Number and time of the frame being dissected.
    pub frame_number: u64,
    pub frame_ts: Timestamp,
    pub tcp: tcp::TcpTable,
    pub icmp: crate::net::icmp::EchoTable,
    pub arp: crate::net::arp::AddressTable,
}
