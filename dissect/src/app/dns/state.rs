//! Query/response matching, per conversation and transaction id, the way
//! Wireshark's DNS dissector does it in a single pass: a response points back
//! to its query with the time it took; a response with no query is
//! unsolicited; a query or response seen again is a retransmission.

use std::collections::HashMap;

use crate::flow::{evict_least_recent, ConvKey};
use crate::model::Timestamp;

/// Wireshark's `dns.retransmission_timer` default: a query repeated within
/// 5 seconds is a retransmission, later it is a new transaction.
const RETRANSMISSION_TIMER_NS: i128 = 5_000_000_000;

/// Transactions remembered at most; the least recently used go first.
const MAX_TRANSACTIONS: usize = 1 << 16;

/// A query waiting for or matched to a response.
#[derive(Clone, Copy, Debug)]
struct Transaction {
    query_frame: u64,
    query_ts: Timestamp,
    response_frame: Option<u64>,
    last_frame: u64,
}

/// What matching says about one message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Matched {
    /// For a response: the frame of its query and the time since.
    pub response_to: Option<(u64, crate::model::Duration)>,
    /// A response with no query seen.
    pub unsolicited: bool,
    /// For a query sent again: the frame of the first one.
    pub retransmitted_request_of: Option<u64>,
    /// For a response sent again: the frame of the first one.
    pub retransmitted_response_of: Option<u64>,
}

/// Conversations whose DNS summary is kept; later new ones are not summarised.
pub const MAX_FLOW_SUMMARIES: usize = 1 << 16;

/// Distinct query names kept per conversation.
pub const MAX_QUERY_NAMES: usize = 16;

/// What the DNS messages of one conversation asked and how they were answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowSummary {
    pub queries: u32,
    pub responses: u32,
    /// The first distinct names asked (first question of each query).
    pub names: Vec<String>,
    /// Responses per response code (RCODE, RFC 1035 4.1.1).
    pub rcodes: std::collections::BTreeMap<u8, u32>,
}

/// Every DNS transaction of the capture, keyed by conversation and id.
#[derive(Debug, Default)]
pub struct DnsTable {
    map: HashMap<(ConvKey, u16), Transaction>,
    flows: HashMap<ConvKey, FlowSummary>,
    /// Keep no per-conversation summaries ([`crate::flow::Retention::flow_summaries`]).
    pub no_flow_summaries: bool,
}

impl DnsTable {
    /// Counts a message in its conversation's summary.
    pub fn note_flow(&mut self, conv: ConvKey, response: bool, rcode: u8, name: Option<&str>) {
        if self.no_flow_summaries {
            return;
        }
        if self.flows.len() >= MAX_FLOW_SUMMARIES && !self.flows.contains_key(&conv) {
            return;
        }
        let f = self.flows.entry(conv).or_default();
        if response {
            f.responses = f.responses.saturating_add(1);
            *f.rcodes.entry(rcode).or_default() += 1;
        } else {
            f.queries = f.queries.saturating_add(1);
            if let Some(n) = name {
                if f.names.len() < MAX_QUERY_NAMES && !f.names.iter().any(|x| x == n) {
                    f.names.push(n.to_owned());
                }
            }
        }
    }

    /// The DNS summary of a conversation, if it carried DNS.
    pub fn flow(&self, conv: &ConvKey) -> Option<&FlowSummary> {
        self.flows.get(conv)
    }

    /// Records a query or response of frame `frame` at `ts`.
    pub fn observe(
        &mut self,
        conv: ConvKey,
        id: u16,
        response: bool,
        frame: u64,
        ts: Timestamp,
    ) -> Matched {
        let mut m = Matched::default();
        let key = (conv, id);
        if !response {
            match self.map.get_mut(&key) {
                // The same id again, unanswered and soon enough: a retransmission.
                Some(t)
                    if t.response_frame.is_none()
                        && t.query_frame != frame
                        && ts.since(t.query_ts).0 < RETRANSMISSION_TIMER_NS =>
                {
                    m.retransmitted_request_of = Some(t.query_frame);
                    t.last_frame = frame;
                }
                _ => {
                    if self.map.len() >= MAX_TRANSACTIONS {
                        evict_least_recent(&mut self.map, |t| t.last_frame);
                    }
                    self.map.insert(
                        key,
                        Transaction {
                            query_frame: frame,
                            query_ts: ts,
                            response_frame: None,
                            last_frame: frame,
                        },
                    );
                }
            }
            return m;
        }
        match self.map.get_mut(&key) {
            None => m.unsolicited = true,
            Some(t) => {
                match t.response_frame {
                    Some(first) if first != frame => m.retransmitted_response_of = Some(first),
                    _ => t.response_frame = Some(frame),
                }
                t.last_frame = frame;
                m.response_to = Some((t.query_frame, ts.since(t.query_ts)));
            }
        }
        m
    }
}
