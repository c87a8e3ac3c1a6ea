//! The `dns` object of a DNS flow.

use serde_json::{json, Map, Value};
use wirelens_dissect::app::dns::state::FlowSummary as DnsFlowSummary;

/// The DNS messages of a flow: counts, the names asked (the first
/// `MAX_QUERY_NAMES` distinct ones) and the responses per RCODE, named as in
/// Zeek's `dns.log` (`NOERROR`, `NXDOMAIN`, ...).
pub fn dns_json(d: &DnsFlowSummary) -> Value {
    let rcodes: Map<String, Value> = d
        .rcodes
        .iter()
        .map(|(code, n)| (rcode_name(*code), json!(n)))
        .collect();
    json!({
        "query_count": d.queries,
        "response_count": d.responses,
        "queries": d.names,
        "rcodes": rcodes,
    })
}

fn rcode_name(code: u8) -> String {
    match code {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        6 => "YXDOMAIN".into(),
        7 => "YXRRSET".into(),
        8 => "NXRRSET".into(),
        9 => "NOTAUTH".into(),
        10 => "NOTZONE".into(),
        n => format!("RCODE{n}"),
    }
}
