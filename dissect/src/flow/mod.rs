//! Stateful analysis across frames: conversations and streams.

pub mod cc;
pub mod conntrack;
pub mod conv;
pub mod cwnd;
pub mod defrag;
pub mod neighbours;
pub mod reassembly;
pub mod tcp;
pub mod tcp_state;
pub mod timeline;
pub mod udp;
pub mod wifi;

use crate::model::{Address, Timestamp};

/// The map of the per-flow tables. Their keys are addresses and ports that
/// whoever sends the traffic chooses, so the hasher is keyed at random against
/// collision flooding, as SipHash is, but aHash is several times cheaper on
/// the summary pass's hottest lookups.
pub type FlowMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

/// What the analysis keeps for reports (the `flows` and `bgp` commands, a
/// connection's charts) beyond what packet trees need. It never changes a
/// packet's tree: a session that shows trees and tables, but draws a
/// connection's charts by dissecting that connection again, keeps less.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Per-connection history: both endpoints' state transitions, the
    /// handshake timeline, the congestion-window estimate with its phases and
    /// loss episodes, and the bytes-in-flight and RTT series. The current
    /// states and every `tcp.analysis` result are kept either way.
    pub tcp_history: bool,
    /// The routes each BGP speaker learned and their announce/withdraw
    /// events (the counts are always kept).
    pub bgp_routes: bool,
    /// Flow records kept after they leave the live flow table (at most
    /// [`conntrack::MAX_RETIRED`]).
    pub retired_flows: usize,
    /// Per-flow summaries for the flows report: each TCP flow's analysis
    /// counters (retransmissions, duplicate ACKs, RTT) and each DNS
    /// conversation's query and response counts, names and RCODEs.
    pub flow_summaries: bool,
}

impl Retention {
    /// Everything the reports show, up to the tables' own limits.
    pub const FULL: Retention = Retention {
        tcp_history: true,
        bgp_routes: true,
        retired_flows: conntrack::MAX_RETIRED,
        flow_summaries: true,
    };

    /// Only what packet trees, conversation tables and flow counts need:
    /// memory then grows with concurrent connections, not with their history.
    pub const LEAN: Retention = Retention {
        tcp_history: false,
        bgp_routes: false,
        retired_flows: 4096,
        flow_summaries: false,
    };
}

impl Default for Retention {
    fn default() -> Self {
        Retention::FULL
    }
}

/// Everything remembered from earlier frames of the capture.
#[derive(Debug, Default)]
pub struct State {
    pub first_ts: Option<Timestamp>,
    pub prev_ts: Option<Timestamp>,
    /// Number and time of the frame being dissected.
    pub frame_number: u64,
    pub frame_ts: Timestamp,
    /// Length on the wire of the frame being dissected (not of a reassembled
    /// payload within it): what per-frame statistics count.
    pub frame_len: u32,
    pub tcp: tcp::TcpTable,
    pub udp: udp::UdpTable,
    pub icmp: crate::net::icmp::EchoTable,
    pub arp: crate::net::arp::AddressTable,
    /// DNS query/response matching.
    pub dns: crate::app::dns::state::DnsTable,
    /// SSH connections: versions, negotiated algorithms, host key, timeline.
    pub ssh: crate::app::ssh::state::SshTable,
    /// BGP sessions: FSM timeline, negotiation and routes, by TCP stream.
    pub bgp: crate::app::bgp::fsm::BgpTable,
    /// TLS sessions by `tcp.stream`: negotiated parameters and handshake timelines.
    pub tls: crate::app::tls::state::TlsTable,
    /// HTTP/1.x and HTTP/2 connections: framing, HPACK, streams, windows.
    pub http: crate::app::http2::state::HttpTable,
    /// The conntrack-like flow table.
    pub flows: conntrack::FlowTable,
    /// tshark's `-z conv` tables.
    pub conv: conv::ConvStats,
    /// The ARP / NDP neighbour table.
    pub neighbours: neighbours::NeighbourTable,
    /// IPv4 and IPv6 datagrams being reassembled from fragments.
    pub defrag: defrag::DefragTable,
    /// TCP stream directions being reassembled for their application protocol.
    pub streams: reassembly::Streams,
    /// 802.11 BSS table and per-station association timelines.
    pub wifi: wifi::WifiState,
}

impl State {
    /// An empty state keeping what `retention` asks for.
    pub fn new(retention: &Retention) -> State {
        let mut state = State::default();
        state.tcp.keep_history = retention.tcp_history;
        state.bgp.keep_routes = retention.bgp_routes;
        state.flows.keep_history = retention.tcp_history;
        state.flows.max_retired = retention.retired_flows.min(conntrack::MAX_RETIRED);
        state.flows.keep_summaries = retention.flow_summaries;
        state.dns.no_flow_summaries = !retention.flow_summaries;
        state
    }

    /// Counts the frame being dissected in a tshark address-pair conversation
    /// table (`-z conv,eth|ip|ipv6`). `skip`: the header is not counted (quoted
    /// in an ICMP error, or cut short where tshark's tap would not run).
    pub fn note_conversation(
        &mut self,
        kind: conv::PairKind,
        src: Address,
        dst: Address,
        orig_len: u32,
        skip: bool,
    ) {
        if skip {
            return;
        }
        let now = self.frame_ts;
        let rel = now.since(self.first_ts.unwrap_or(now));
        self.conv.note_pair(kind, src, dst, orig_len, rel);
    }
}

/// One side of a transport conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub addr: Address,
    pub port: u16,
}

impl Endpoint {
    /// A total order on endpoints, so that both directions of a conversation share one key.
    fn order_key(&self) -> (u8, [u8; 16], u16) {
        let mut bytes = [0u8; 16];
        let tag = match self.addr {
            Address::None => 0,
            Address::Mac(m) => {
                bytes[..6].copy_from_slice(&m);
                1
            }
            Address::Ipv4(a) => {
                bytes[..4].copy_from_slice(&a);
                2
            }
            Address::Ipv6(a) => {
                bytes = a;
                3
            }
        };
        (tag, bytes, self.port)
    }
}

/// The key of a bidirectional conversation: its two endpoints in a canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvKey {
    lo: Endpoint,
    hi: Endpoint,
}

impl ConvKey {
    /// The key of the conversation a `src → dst` packet belongs to, and the index
    /// (0 or 1) of that packet's direction within the conversation.
    pub fn new(src: Endpoint, dst: Endpoint) -> (ConvKey, usize) {
        if src.order_key() <= dst.order_key() {
            (ConvKey { lo: src, hi: dst }, 0)
        } else {
            (ConvKey { lo: dst, hi: src }, 1)
        }
    }
}

/// Removes the least recently used eighth of a full table's entries, so that the
/// scan is paid once per many insertions. Returns how many entries were removed.
pub(crate) fn evict_least_recent<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher>(
    map: &mut std::collections::HashMap<K, V, S>,
    last_frame: impl Fn(&V) -> u64,
) -> usize {
    let mut ages: Vec<u64> = map.values().map(&last_frame).collect();
    let n = (ages.len() / 8).max(1).min(ages.len());
    if n == 0 {
        return 0;
    }
    let (_, cutoff, _) = ages.select_nth_unstable(n - 1);
    let cutoff = *cutoff;
    let before = map.len();
    let mut budget = n;
    map.retain(|_, v| {
        if budget > 0 && last_frame(v) <= cutoff {
            budget -= 1;
            false
        } else {
            true
        }
    });
    before - map.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(a: [u8; 4], port: u16) -> Endpoint {
        Endpoint {
            addr: Address::Ipv4(a),
            port,
        }
    }

    #[test]
    fn both_directions_share_a_key() {
        let a = ep([10, 0, 0, 1], 1234);
        let b = ep([10, 0, 0, 2], 80);
        let (k1, d1) = ConvKey::new(a, b);
        let (k2, d2) = ConvKey::new(b, a);
        assert_eq!(k1, k2);
        assert_ne!(d1, d2);
    }

    #[test]
    fn eviction_removes_the_oldest_eighth() {
        let mut map = std::collections::HashMap::new();
        for i in 0..16u16 {
            let (k, _) = ConvKey::new(ep([1, 1, 1, 1], i), ep([2, 2, 2, 2], 1));
            map.insert(k, i as u64);
        }
        assert_eq!(evict_least_recent(&mut map, |v| *v), 2);
        assert_eq!(map.len(), 14);
        assert!(map.values().all(|v| *v >= 2));
    }
}
