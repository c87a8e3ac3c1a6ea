//! `wirelens stats -r FILE bgp`: the BGP sessions of a capture as text — each
//! session's FSM timeline (with its TCP connect and close), what its OPENs
//! negotiated and the keepalive intervals seen; the routes each side learned
//! (its Adj-RIB-In at the end of the capture) and their history; and, for
//! prefixes several sessions carry, the path the BGP decision process selects
//! and the step that decided it.

use std::io::{self, Write};
use std::net::Ipv4Addr;

use wirelens_dissect::app::bgp::fsm::Session;
use wirelens_dissect::app::bgp::names;
use wirelens_dissect::app::bgp::rib::{Change, PathAttrs};
use wirelens_dissect::flow::State;
use wirelens_dissect::{Duration, Timestamp};

const RULE: &str =
    "================================================================================";

fn rel(state: &State, ts: Timestamp) -> f64 {
    ts.since(state.first_ts.unwrap_or(ts)).as_secs_f64()
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.3}", d.as_secs_f64()))
}

/// One line of path attributes: next hop, AS path, origin, MED, LOCAL_PREF, communities.
pub fn attrs_line(a: &PathAttrs) -> String {
    let opt = |v: Option<u32>| v.map_or("-".into(), |v| v.to_string());
    let mut s = format!(
        "next hop {}  AS_PATH [{}]  ORIGIN {}  MED {}  LOCAL_PREF {}",
        a.next_hop.map_or("-".into(), |n| n.to_string()),
        a.as_path,
        a.origin
            .and_then(|o| names::origin(o.into()))
            .unwrap_or("-"),
        opt(a.med),
        opt(a.local_pref),
    );
    if !a.communities.is_empty() {
        let c: Vec<String> = a
            .communities
            .iter()
            .map(|c| match names::well_known_community((*c).into()) {
                Some(n) => n.to_string(),
                None => format!("{}:{}", c >> 16, c & 0xffff),
            })
            .collect();
        s.push_str(&format!("  COMMUNITIES {}", c.join(" ")));
    }
    if a.large_communities > 0 {
        s.push_str(&format!("  LARGE_COMMUNITIES x{}", a.large_communities));
    }
    if let Some(id) = a.originator_id {
        s.push_str(&format!("  ORIGINATOR_ID {}", Ipv4Addr::from(id)));
    }
    if let Some(m) = a.aigp {
        s.push_str(&format!("  AIGP {m}"));
    }
    s
}

fn side(s: &Session, dir: usize) -> String {
    let who = if dir == s.client_dir() {
        "client"
    } else {
        "server"
    };
    match &s.opens[dir] {
        Some(o) => format!(
            "{} ({who}, AS {}, id {})",
            s.addrs[dir],
            o.asn(),
            Ipv4Addr::from(o.identifier)
        ),
        None => format!("{} ({who})", s.addrs[dir]),
    }
}

fn write_session(out: &mut impl Write, state: &State, s: &Session) -> io::Result<()> {
    let c = s.client_dir();
    writeln!(
        out,
        "Session tcp.stream {}: {} -> {}",
        s.stream,
        side(s, c),
        side(s, 1 - c)
    )?;
    writeln!(
        out,
        "  state {}, hold time {}, 4-octet AS {}, messages {}/{}, hold time exceeded {}",
        s.state.as_str(),
        s.negotiated_hold_time()
            .map_or("not negotiated (OPENs not both seen)".into(), |h| format!(
                "{h} s"
            )),
        match s.four_octet_as() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
        s.messages[c],
        s.messages[1 - c],
        s.hold_time_exceeded
    )?;
    for d in [c, 1 - c] {
        let k = &s.keepalives[d];
        writeln!(
            out,
            "  keepalives from {}: {} intervals, min {} s, mean {} s, max {} s",
            s.addrs[d],
            k.count,
            secs(k.min),
            secs(k.mean()),
            secs(k.max)
        )?;
    }
    let tcp = state
        .tcp
        .conversations()
        .find(|t| t.stream == s.stream)
        .map(|t| t.timeline());
    writeln!(out, "  FSM timeline:")?;
    for e in s.fsm_timeline(tcp).events() {
        writeln!(
            out,
            "    frame {:<6} {:>12.6}  {}  {}",
            e.frame,
            rel(state, e.ts),
            e.dir.as_str(),
            e.label
        )?;
    }
    for d in [c, 1 - c] {
        let rib = &s.ribs[d];
        if rib.announced + rib.withdrawn == 0 {
            continue;
        }
        writeln!(
            out,
            "  routes from {} (learned by the other side): {} announced, {} withdrawn, {} held at the end",
            s.addrs[d],
            rib.announced,
            rib.withdrawn,
            rib.routes().len()
        )?;
        for (p, r) in rib.routes() {
            writeln!(
                out,
                "    {p:<20} {}  (frame {})",
                attrs_line(&r.attrs),
                r.frame
            )?;
        }
        writeln!(out, "    history:")?;
        for e in rib.events() {
            let what = match &e.change {
                Change::Announced(_) => "announced",
                Change::Withdrawn => "withdrawn",
            };
            writeln!(
                out,
                "      frame {:<6} {:>12.6}  {what:<9}  {}",
                e.frame,
                rel(state, e.ts),
                e.prefix
            )?;
        }
        if rib.events_dropped > 0 || rib.routes_dropped > 0 {
            writeln!(
                out,
                "    ({} events and {} routes past the limits not kept)",
                rib.events_dropped, rib.routes_dropped
            )?;
        }
    }
    Ok(())
}

/// Writes the BGP report (see the module comment).
pub fn write_bgp(out: &mut impl Write, state: &State) -> io::Result<()> {
    writeln!(out, "{RULE}")?;
    writeln!(out, "BGP sessions")?;
    let sessions = state.bgp.sessions();
    if sessions.is_empty() {
        writeln!(out, "no BGP session in the capture")?;
    }
    for s in &sessions {
        write_session(out, state, s)?;
    }
    let decisions = state.bgp.decisions();
    if !decisions.is_empty() {
        writeln!(
            out,
            "Best paths for prefixes carried by several sessions (the IGP metric step is skipped: a capture does not show it)"
        )?;
    }
    for d in &decisions {
        let best = &d.paths[d.decision.best];
        let at = match &d.receiver {
            Some(r) => format!("at {r}"),
            None => "over every session (different receivers)".to_string(),
        };
        writeln!(
            out,
            "  {} {at}: best from {} (tcp.stream {}), decided by {}",
            d.prefix,
            best.sender,
            best.stream,
            d.decision.step.as_str()
        )?;
        for (i, p) in d.paths.iter().enumerate() {
            writeln!(
                out,
                "    {} from {:<15} stream {:<3} {}",
                if i == d.decision.best { "*" } else { " " },
                p.sender.to_string(),
                p.stream,
                attrs_line(&p.attrs)
            )?;
        }
    }
    writeln!(out, "{RULE}")
}
