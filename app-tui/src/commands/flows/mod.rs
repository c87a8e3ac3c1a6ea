//! `wirelens flows -r FILE [--format ndjson|json]`: one JSON object per flow.
//!
//! Field names and meanings follow Zeek's `conn.log` where Zeek has the field:
//! `ts`, `uid`, `id.orig_h`, `id.orig_p`, `id.resp_h`, `id.resp_p`, `proto`,
//! `service`, `duration`, `orig_bytes`, `resp_bytes`, `conn_state`,
//! `missed_bytes`, `history`, `orig_pkts`, `orig_ip_bytes`, `resp_pkts`,
//! `resp_ip_bytes`, `vlan`. As in Zeek's JSON logs, a field without a value is
//! left out: `duration`, `orig_bytes` and `resp_bytes` when the flow lasted no
//! time (Zeek sets them only for a positive duration), `history` when empty.
//!
//! Where wirelens differs from Zeek, deliberately:
//! - `service` is what wirelens *recognises* (well-known port first, then a
//!   heuristic on the first payload bytes), not a protocol a parser confirmed as
//!   in Zeek; it is left out when nothing is recognised.
//! - flows are written in order of their first packet (Zeek writes a flow when it
//!   ends); `uid` is "C" and a base62 hash of the 5-tuple, zone and first time,
//!   so it is stable from run to run but not Zeek's.
//! - no `C` (bad checksum) history letter: checksums are not verified here, and
//!   no `G` (content gap) letter: `missed_bytes` counts the gaps instead.
//!
//! Ours, beyond Zeek: `tcp_stream` / `udp_stream` (tshark's stream index),
//! `ct_state` (the conntrack state of the flow's last packet), `related_icmp`
//! (ICMP errors quoting the flow), `tunnel_depth`, and for TCP the analysis
//! counts per sending side (`retransmissions`, `dup_acks`, `zero_windows`,
//! `out_of_order`, each `{"orig": n, "resp": n}`), the ACK RTT (`rtt_min`,
//! `rtt_avg`, `rtt_max`, seconds, over both sides' samples), and the series
//! `cwnd`, `bytes_in_flight` and `rtt`, each `{"orig": [[ts, value], ...],
//! "resp": [...]}` with `ts` in epoch seconds. A side's `bytes_in_flight` is the
//! data that side had sent and not yet seen acknowledged; its `rtt` the time its
//! data took to be acknowledged, at the time of the ACK. From the per-connection
//! tracking (`flow::tcp_state`): `tcp_state` (final RFC 793 state of each
//! endpoint), `handshake_rtt` (`client_side`, `server_side`), `timeline`
//! (handshake and teardown events: `ts`, `frame`, `dir` c2s/s2c, `kind`,
//! `label`), `cwnd` and `throughput` series, `phase` and `congestion_control`
//! per sending side. For SSH connections an `ssh` object (see [`ssh_json`]):
//! versions, negotiated algorithms, host key fingerprint, HASSH, timeline.
//! Series are thinned evenly to at most `MAX_SERIES_POINTS`
//! points.
//!
//! For DNS flows, a `dns` object: `query_count`, `response_count`, `queries`
//! (the distinct names asked, at most `MAX_QUERY_NAMES`) and `rcodes`
//! (responses per RCODE name).
//!
//! For TLS connections, a `tls` object: negotiated `version`, `cipher`,
//! `group`, `sni`, `alpn` (and `alpn_offered`), the `ja3`, `ja3s` and `ja4`
//! fingerprints (of the TLS software, not of users), `hello_retry`, `resumed`,
//! `psk`, `early_data`, `handshake_duration` (ClientHello to the last
//! Finished, seconds) and its `timeline` of handshake events.
//!
//! A BGP connection has a `bgp` object: `state` (FSM state at the
//! end), `hold_time` (negotiated) and `keepalive_expected`, `four_octet_as`,
//! `open` per side, `messages` and `keepalive` intervals observed per side,
//! `hold_time_exceeded`, `prefixes` announced/withdrawn/held per sending side,
//! the `notification` if any, and the FSM `timeline`.
//!
//! For an HTTP/2 connection, `http2`: its streams (method, path,
//! authority, status, content type, body sizes each way, frames, start/end
//! and time to response, reset), send windows, HPACK state and the handshake
//! timeline (preface, SETTINGS both ways, ACKs, first HEADERS, ..., GOAWAY).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};
use wirelens_dissect::filter::Filter;
use wirelens_dissect::flow::conntrack::{
    proto, FlowRecord, Series, TcpSideSummary, MAX_SERIES_POINTS,
};
use wirelens_dissect::flow::cwnd::SeriesPoint;
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::Side;
use wirelens_dissect::flow::timeline::Timeline;
use wirelens_dissect::flow::{ConvKey, State};
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Duration, Packet};

use crate::cli::{FlowsArgs, FlowsFormat};
use crate::Error;

mod bgp;
mod dns;
mod http2;
mod ssh;
mod tls;

use bgp::bgp_json;
use dns::dns_json;
use http2::http2_json;
use ssh::ssh_json;
use tls::tls_json;

pub fn run(args: &FlowsArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    for note in write(args, out)? {
        eprintln!("wirelens: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the flows `args` asks for to `out`; returns what the user should
/// be told besides (skipped key log lines, damage, flows dropped), for the
/// caller to show where it shows messages.
pub fn write(args: &FlowsArgs, out: &mut impl Write) -> Result<Vec<String>, Error> {
    let filter = super::print::compile_filter(args.display_filter.as_deref())?;
    let mut notes = Vec::new();
    let (dissector, selected) = dissect_selecting(args, filter.as_ref(), &mut notes)?;
    let dropped = dissector.state().flows.dropped;
    if dropped > 0 {
        // What the report lost is the report's business, not a packet's.
        notes.push(format!(
            "{dropped} flows were dropped from this report: more than {} ended flows",
            dissector.state().flows.max_retired
        ));
    }
    let flows = flows_json(dissector.state(), selected.as_ref());
    let mut out = BufWriter::new(out);
    // One flow object at a time: a capture with a full flow table would
    // otherwise hold hundreds of thousands of JSON trees at once.
    let written = match args.format {
        FlowsFormat::Ndjson => {
            let mut flows = flows;
            flows
                .try_for_each(|f| writeln!(out, "{f}"))
                .and_then(|_| out.flush())
        }
        FlowsFormat::Json => write_pretty_array(&mut out, flows).and_then(|_| out.flush()),
    };
    match written {
        Ok(()) => Ok(notes),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(notes),
        Err(e) => Err(e.into()),
    }
}

/// Every flow as its JSON object with each protocol's object in it; with
/// `selected`, only the flows opened by those frames.
pub fn flows_json<'a>(
    state: &'a State,
    selected: Option<&'a HashSet<u64>>,
) -> impl Iterator<Item = Value> + 'a {
    let by_stream: HashMap<u32, &Conversation> =
        state.tcp.conversations().map(|c| (c.stream, c)).collect();
    state
        .flows
        .all()
        .into_iter()
        .filter(move |f| selected.is_none_or(|s| s.contains(&f.first_frame)))
        .map(move |f| {
            let mut v = flow_json(f);
            let conv = f.tcp_stream.and_then(|s| by_stream.get(&s));
            if let (Some(conv), Value::Object(m)) = (conv, &mut v) {
                add_tracking(m, f, conv);
            }
            let h2 = f.tcp_stream.and_then(|s| state.http.http2(s));
            if let (Some(h2), Value::Object(m)) = (h2, &mut v) {
                m.insert("http2".into(), http2_json(h2));
            }
            let bgp = f.tcp_stream.and_then(|s| state.bgp.session(s));
            if let (Some(session), Value::Object(m)) = (bgp, &mut v) {
                let tcp = conv.map(|c| c.timeline());
                m.insert("bgp".into(), bgp_json(f, session, tcp));
            }
            let ssh = f.tcp_stream.and_then(|s| state.ssh.get(s));
            if let (Some(ssh), Value::Object(m)) = (ssh, &mut v) {
                m.insert("ssh".into(), ssh_json(ssh));
            }
            let (conv, _) = ConvKey::new(f.orig, f.resp);
            if let (Some(dns), Value::Object(m)) = (state.dns.flow(&conv), &mut v) {
                m.insert("dns".into(), dns_json(dns));
            }
            let tls = f.tcp_stream.and_then(|s| state.tls.get(s));
            if let (Some(tls), Value::Object(m)) = (tls, &mut v) {
                if let Some(obj) = tls_json(tls) {
                    m.insert("tls".into(), obj);
                }
            }
            v
        })
}

/// Writes `values` as `serde_json::to_writer_pretty` writes an array of
/// them, followed by a newline, without holding them all.
fn write_pretty_array(out: &mut impl Write, values: impl Iterator<Item = Value>) -> io::Result<()> {
    let mut empty = true;
    for v in values {
        out.write_all(if empty { b"[\n" } else { b",\n" })?;
        empty = false;
        let text = serde_json::to_string_pretty(&v).map_err(io::Error::other)?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            write!(out, "  {line}")?;
        }
    }
    out.write_all(if empty { b"[]\n" } else { b"\n]\n" })
}

/// Dissects the whole capture (every packet feeds the flow table) and, with a
/// filter, collects the flows (by opening frame) that a matching packet counted towards.
/// TLS is decrypted with `--tls-keylog` and the capture's Decryption Secrets Blocks.
fn dissect_selecting(
    args: &FlowsArgs,
    filter: Option<&Filter>,
    notes: &mut Vec<String>,
) -> Result<(Dissector, Option<HashSet<u64>>), Error> {
    let path = &args.file;
    let file = crate::input::open(path)?;
    let mut prefs = super::stats::tshark_prefs();
    if let Some(k) = &args.tls_keylog {
        prefs.read_tls_keylog(&k.to_string_lossy()).map_err(Error)?;
    }
    for (kind, data) in file.decryption_secrets() {
        prefs.add_decryption_secrets(kind, &data);
    }
    for w in prefs.tls_keylog_warnings.drain(..) {
        notes.push(format!("TLS key log {w} (skipped)"));
    }
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(filter.is_some_and(Filter::needs_tree));
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut selected = HashSet::new();
    let mut packets = file.packets();
    while let Some(item) = packets.next() {
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                notes.push(format!("{}: {e}", path.display()));
                break;
            }
        };
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        if filter.is_some_and(|f| f.matches(&pkt, &meta, frame.data)) {
            selected.extend(dissector.state().flows.last_flow);
        }
    }
    Ok((dissector, filter.map(|_| selected)))
}

/// Zeek's `proto` names.
fn proto_name(p: u8) -> &'static str {
    match p {
        proto::TCP => "tcp",
        proto::UDP => "udp",
        proto::ICMP | proto::ICMPV6 => "icmp",
        _ => "unknown_transport",
    }
}

/// A handshake timeline as `[{ts, frame, dir, kind, label}, ...]`, the same
/// shape for every protocol.
fn timeline_json(t: &Timeline) -> Value {
    t.events()
        .iter()
        .map(|e| {
            json!({
                "ts": e.ts.as_secs_f64(),
                "frame": e.frame,
                "dir": e.dir.as_str(),
                "kind": e.kind,
                "label": &*e.label,
            })
        })
        .collect()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// One flow as a JSON object.
pub fn flow_json(f: &FlowRecord) -> Value {
    let mut m = Map::new();
    m.insert("ts".into(), json!(f.first_ts.as_secs_f64()));
    m.insert("uid".into(), json!(uid(f)));
    m.insert("id.orig_h".into(), json!(f.orig.addr.to_string()));
    m.insert("id.orig_p".into(), json!(f.orig.port));
    m.insert("id.resp_h".into(), json!(f.resp.addr.to_string()));
    m.insert("id.resp_p".into(), json!(f.resp.port));
    m.insert("proto".into(), json!(proto_name(f.proto)));
    if let Some(s) = f.service {
        m.insert("service".into(), json!(s.name()));
    }
    if f.duration().0 > 0 {
        m.insert("duration".into(), json!(secs(f.duration())));
        m.insert("orig_bytes".into(), json!(f.payload_bytes(0)));
        m.insert("resp_bytes".into(), json!(f.payload_bytes(1)));
    }
    m.insert("conn_state".into(), json!(f.conn_state()));
    m.insert("missed_bytes".into(), json!(f.missed_bytes()));
    if !f.history.as_str().is_empty() {
        m.insert("history".into(), json!(f.history.as_str()));
    }
    m.insert("orig_pkts".into(), json!(f.sides[0].pkts));
    m.insert("orig_ip_bytes".into(), json!(f.sides[0].ip_bytes));
    m.insert("resp_pkts".into(), json!(f.sides[1].pkts));
    m.insert("resp_ip_bytes".into(), json!(f.sides[1].ip_bytes));
    if f.zone.vlan != 0 {
        m.insert("vlan".into(), json!(f.zone.vlan));
    }
    if f.zone.tunnel_depth != 0 {
        m.insert("tunnel_depth".into(), json!(f.zone.tunnel_depth));
    }
    if let Some(s) = f.tcp_stream {
        m.insert("tcp_stream".into(), json!(s));
    }
    if let Some(s) = f.udp_stream {
        m.insert("udp_stream".into(), json!(s));
    }
    m.insert("ct_state".into(), json!(f.state.name()));
    if f.related > 0 {
        m.insert("related_icmp".into(), json!(f.related));
    }
    if let Some(tcp) = &f.tcp {
        let [o, r] = &tcp.sides;
        let both = |get: fn(&TcpSideSummary) -> u32| json!({"orig": get(o), "resp": get(r)});
        m.insert("retransmissions".into(), both(|s| s.retransmissions));
        m.insert("dup_acks".into(), both(|s| s.dup_acks));
        m.insert("zero_windows".into(), both(|s| s.zero_windows));
        m.insert("out_of_order".into(), both(|s| s.out_of_order));
        if let Some((min, avg, max)) = rtt_stats(o, r) {
            m.insert("rtt_min".into(), json!(min));
            m.insert("rtt_avg".into(), json!(avg));
            m.insert("rtt_max".into(), json!(max));
        }
        let series = |get: fn(&TcpSideSummary) -> &Series| json!({"orig": points(get(o)), "resp": points(get(r))});
        m.insert("cwnd".into(), series(|s| &s.cwnd));
        m.insert("bytes_in_flight".into(), series(|s| &s.bytes_in_flight));
        m.insert("rtt".into(), series(|s| &s.rtt));
    }
    Value::Object(m)
}

/// What the per-connection TCP tracking (`flow::tcp_state`) found: final
/// endpoint states, handshake RTT halves, the handshake/teardown timeline, the
/// congestion-window estimate and throughput of each side as a sender, its
/// phase and congestion-control guess.
fn add_tracking(m: &mut Map<String, Value>, f: &FlowRecord, conv: &Conversation) {
    let orig = conv.side_of(f.orig_dir());
    let resp = match orig {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    };
    let by_side = |get: &dyn Fn(Side) -> Value| json!({"orig": get(orig), "resp": get(resp)});
    m.insert(
        "tcp_state".into(),
        by_side(&|s| json!(conv.states().current[s.index()].as_str())),
    );
    let rtt = conv.handshake_rtt();
    if rtt.client_side.is_some() || rtt.server_side.is_some() {
        m.insert(
            "handshake_rtt".into(),
            json!({
                "client_side": rtt.client_side.map(secs),
                "server_side": rtt.server_side.map(secs),
            }),
        );
    }
    let events = timeline_json(conv.timeline());
    m.insert("timeline".into(), events);
    m.insert("cwnd".into(), by_side(&|s| thin(&conv.cwnd_series(s))));
    m.insert(
        "throughput".into(),
        by_side(&|s| thin(conv.throughput_series(s))),
    );
    m.insert("phase".into(), by_side(&|s| json!(conv.phase(s).as_str())));
    m.insert(
        "congestion_control".into(),
        by_side(&|s| {
            let g = conv.congestion_control(s);
            json!({
                "algorithm": g.algorithm.as_str(),
                "confidence": g.confidence,
                "beta": g.beta,
                "cubic_c": g.cubic_c,
                "w_max": g.w_max,
            })
        }),
    );
}

/// A series as `[[ts, value], ...]`, evenly thinned to at most `MAX_SERIES_POINTS`.
fn thin(points: &[SeriesPoint]) -> Value {
    let step = points.len().div_ceil(MAX_SERIES_POINTS).max(1);
    Value::Array(
        points
            .iter()
            .step_by(step)
            .map(|p| json!([p.ts.as_secs_f64(), p.value]))
            .collect(),
    )
}

fn points(s: &Series) -> Value {
    Value::Array(s.points.iter().map(|(t, v)| json!([t, v])).collect())
}

/// Minimum, mean and maximum ACK RTT over both sides' samples, in seconds.
pub(crate) fn rtt_stats(o: &TcpSideSummary, r: &TcpSideSummary) -> Option<(f64, f64, f64)> {
    let sides: Vec<&TcpSideSummary> = [o, r].into_iter().filter(|s| s.rtt_samples > 0).collect();
    let n: u32 = sides.iter().map(|s| s.rtt_samples).sum();
    if n == 0 {
        return None;
    }
    let min = sides.iter().map(|s| s.rtt_min).min()?;
    let max = sides.iter().map(|s| s.rtt_max).max()?;
    let sum: f64 = sides
        .iter()
        .filter_map(|s| s.rtt_avg().map(|a| secs(a) * f64::from(s.rtt_samples)))
        .sum();
    Some((secs(min), sum / f64::from(n), secs(max)))
}

/// "C" and the base62 form of a 64-bit FNV-1a hash of the flow's identity.
pub fn uid(f: &FlowRecord) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(&[f.proto, f.zone.tunnel_depth]);
    eat(&f.zone.vlan.to_be_bytes());
    for ep in [&f.orig, &f.resp] {
        match ep.addr {
            Address::Ipv4(a) => eat(&a),
            Address::Ipv6(a) => eat(&a),
            Address::Mac(a) => eat(&a),
            Address::None => eat(&[0]),
        }
        eat(&ep.port.to_be_bytes());
    }
    eat(&f.first_ts.as_nanos().to_be_bytes());
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut s = vec![b'C'];
    let mut n = h;
    for _ in 0..11 {
        s.push(DIGITS[(n % 62) as usize]);
        n /= 62;
    }
    String::from_utf8(s).unwrap_or_default()
}
