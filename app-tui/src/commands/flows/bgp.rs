//! The `bgp` object of a BGP session's flow.

use serde_json::{json, Map, Value};
use wirelens_dissect::app::bgp::fsm::Session as BgpSession;
use wirelens_dissect::flow::conntrack::FlowRecord;
use wirelens_dissect::flow::timeline::Timeline;

use super::{secs, timeline_json};

/// The BGP session of a TCP flow: FSM state and timeline (with the TCP
/// connect and close around it), what the OPENs negotiated, keepalive
/// intervals observed per side, and the prefixes each side announced and
/// withdrew (and the other still holds from it).
pub fn bgp_json(f: &FlowRecord, s: &BgpSession, tcp: Option<&Timeline>) -> Value {
    let o = f.orig_dir();
    let by_side = |get: &dyn Fn(usize) -> Value| json!({"orig": get(o), "resp": get(1 - o)});
    let open = |d: usize| match &s.opens[d] {
        Some(op) => json!({
            "as": op.asn(),
            "hold_time": op.hold_time,
            "bgp_id": std::net::Ipv4Addr::from(op.identifier).to_string(),
            "four_octet_as": op.four_octet_as.is_some(),
            "graceful_restart": op.graceful_restart,
            "route_refresh": op.route_refresh,
            "enhanced_route_refresh": op.enhanced_route_refresh,
            "extended_message": op.extended_message,
            "add_path": op.add_path.iter().map(|(a, sa, sr)| json!([a, sa, sr])).collect::<Vec<_>>(),
        }),
        None => Value::Null,
    };
    let keepalive = |d: usize| {
        let k = &s.keepalives[d];
        json!({
            "intervals": k.count,
            "min": k.min.map(secs),
            "mean": k.mean().map(secs),
            "max": k.max.map(secs),
        })
    };
    let prefixes = |d: usize| {
        let r = &s.ribs[d];
        json!({"announced": r.announced, "withdrawn": r.withdrawn, "held": r.routes().len()})
    };
    let timeline = timeline_json(&s.fsm_timeline(tcp));
    let mut m = Map::new();
    m.insert("state".into(), json!(s.state.as_str()));
    m.insert("hold_time".into(), json!(s.negotiated_hold_time()));
    // RFC 4271 10: a third of the hold time is the suggested keepalive interval.
    m.insert(
        "keepalive_expected".into(),
        json!(s.negotiated_hold_time().map(|h| h / 3)),
    );
    m.insert("four_octet_as".into(), json!(s.four_octet_as()));
    m.insert("open".into(), by_side(&open));
    m.insert("messages".into(), by_side(&|d| json!(s.messages[d])));
    m.insert("keepalive".into(), by_side(&keepalive));
    m.insert("hold_time_exceeded".into(), json!(s.hold_time_exceeded));
    m.insert("prefixes".into(), by_side(&prefixes));
    if let Some((d, n)) = &s.notification {
        m.insert(
            "notification".into(),
            json!({
                "from": if *d == o { "orig" } else { "resp" },
                "code": n.major,
                "subcode": n.minor,
                "text": wirelens_dissect::app::bgp::names::notification_text(n.major, n.minor),
                "communication": n.communication,
            }),
        );
    }
    m.insert("timeline".into(), timeline);
    Value::Object(m)
}
