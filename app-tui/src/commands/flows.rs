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
use wirelens_dissect::app::bgp::fsm::Session as BgpSession;
use wirelens_dissect::app::dns::state::FlowSummary as DnsFlowSummary;
use wirelens_dissect::app::http2::{self, state::Connection};
use wirelens_dissect::app::ssh::banner;
use wirelens_dissect::app::ssh::state::{Side as SshSide, SshConnection};
use wirelens_dissect::app::tls::names as tls_names;
use wirelens_dissect::app::tls::state::TlsSession;
use wirelens_dissect::filter::Filter;
use wirelens_dissect::flow::conntrack::{
    proto, FlowRecord, Series, TcpSideSummary, MAX_SERIES_POINTS,
};
use wirelens_dissect::flow::cwnd::SeriesPoint;
use wirelens_dissect::flow::tcp::Conversation;
use wirelens_dissect::flow::tcp_state::Side;
use wirelens_dissect::flow::timeline::Timeline;
use wirelens_dissect::flow::ConvKey;
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Duration, Packet};

use crate::cli::{FlowsArgs, FlowsFormat};
use crate::Error;

pub fn run(args: &FlowsArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let filter = super::print::compile_filter(args.display_filter.as_deref())?;
    let (dissector, selected) = dissect_selecting(&args.file, filter.as_ref())?;
    let state = dissector.state();
    let by_stream: HashMap<u32, &Conversation> =
        state.tcp.conversations().map(|c| (c.stream, c)).collect();
    let flows: Vec<Value> = state
        .flows
        .all()
        .into_iter()
        .filter(|f| selected.as_ref().is_none_or(|s| s.contains(&f.first_frame)))
        .map(|f| {
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
        .collect();
    let mut out = BufWriter::new(out);
    let written = match args.format {
        FlowsFormat::Ndjson => flows
            .iter()
            .try_for_each(|f| writeln!(out, "{f}"))
            .and_then(|_| out.flush()),
        FlowsFormat::Json => serde_json::to_writer_pretty(&mut out, &flows)
            .map_err(io::Error::other)
            .and_then(|_| writeln!(out))
            .and_then(|_| out.flush()),
    };
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// Dissects the whole capture (every packet feeds the flow table) and, with a
/// filter, collects the flows (by opening frame) that a matching packet counted towards.
fn dissect_selecting(
    path: &std::path::Path,
    filter: Option<&Filter>,
) -> Result<(Dissector, Option<HashSet<u64>>), Error> {
    let Some(filter) = filter else {
        return Ok((super::stats::dissect_all(path)?, None));
    };
    let file = crate::input::open(path)?;
    let mut dissector = Dissector::new(super::stats::tshark_prefs());
    let mut pkt = Packet::new(filter.needs_tree());
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut selected = HashSet::new();
    let mut packets = file.packets();
    while let Some(item) = packets.next() {
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                eprintln!("wirelens: {}: {e}", path.display());
                break;
            }
        };
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        if filter.matches(&pkt, &meta, frame.data) {
            selected.extend(dissector.state().flows.last_flow);
        }
    }
    Ok((dissector, Some(selected)))
}

/// The `ssh` object of an SSH connection: each side's version line, the
/// negotiated algorithms (`enc`, `mac`, `comp` per direction), the server's
/// host key with its OpenSSH-style SHA256 fingerprint, HASSH and HASSHServer,
/// encrypted packets and bytes per direction, and the handshake timeline
/// (banners, KEXINITs, key exchange, NEWKEYS, first encrypted packets).
pub fn ssh_json(c: &SshConnection) -> Value {
    let mut m = Map::new();
    let [client, server] = &c.sides;
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, |s| json!(s));
    m.insert("client".into(), opt(&client.banner));
    m.insert("server".into(), opt(&server.banner));
    if let Some(v) = client.banner.as_deref().and_then(version_of) {
        m.insert("version".into(), json!(v));
    }
    for (key, side) in [("client_software", client), ("server_software", server)] {
        if let Some(b) = side.banner.as_deref() {
            let b = banner::parse(b.as_bytes());
            m.insert(
                key.into(),
                json!(String::from_utf8_lossy(b.software_version)),
            );
            if let Some(c) = b.comments {
                let key = key.replace("software", "comments");
                m.insert(key, json!(String::from_utf8_lossy(c)));
            }
        }
    }
    m.insert("kex_alg".into(), opt(&c.kex));
    m.insert("host_key_alg".into(), opt(&c.host_key_algorithm));
    let dir = |s: &SshSide| {
        json!({
            "enc": opt(&s.algorithms.enc),
            "mac": opt(&s.algorithms.mac),
            "comp": opt(&s.algorithms.comp),
            "encrypted_packets": s.encrypted_packets,
            "encrypted_bytes": s.encrypted_bytes,
        })
    };
    m.insert("c2s".into(), dir(client));
    m.insert("s2c".into(), dir(server));
    if let Some(k) = &c.host_key {
        m.insert("host_key".into(), json!(k.key_type));
        m.insert("host_key_fingerprint".into(), json!(k.fingerprint));
    }
    if let Some((algos, hash)) = &client.hassh {
        m.insert("hassh".into(), json!(hash));
        m.insert("hassh_algorithms".into(), json!(algos));
    }
    if let Some((algos, hash)) = &server.hassh {
        m.insert("hasshServer".into(), json!(hash));
        m.insert("hasshServer_algorithms".into(), json!(algos));
    }
    let events: Vec<Value> = c
        .timeline
        .events()
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
        .collect();
    m.insert("timeline".into(), Value::Array(events));
    Value::Object(m)
}

/// `2.0` from `SSH-2.0-OpenSSH_9.6 comments`.
fn version_of(banner: &str) -> Option<&str> {
    banner.strip_prefix("SSH-")?.split('-').next()
}

/// The `http2` object of an HTTP/2 connection: one entry per stream (request
/// and response, sizes, timings, frames, how it ended), the connection's
/// send windows as last seen, the handshake timeline and HPACK health.
/// Sides are named `client` and `server` (the side that sent the preface is
/// the client).
pub fn http2_json(c: &Connection) -> Value {
    let client = c.client.unwrap_or(0);
    let server = 1 - client;
    let streams: Vec<Value> = c
        .streams
        .values()
        .filter(|s| s.id != 0)
        .map(|s| {
            let mut o = Map::new();
            o.insert("stream_id".into(), json!(s.id));
            o.insert("state".into(), json!(s.state.name()));
            for (k, v) in [
                ("method", &s.method),
                ("path", &s.path),
                ("authority", &s.authority),
                ("scheme", &s.scheme),
                ("content_type", &s.content_type),
            ] {
                if let Some(v) = v {
                    o.insert(k.into(), json!(v));
                }
            }
            if let Some(st) = s.status {
                o.insert("status".into(), json!(st));
            }
            o.insert("request_body_bytes".into(), json!(s.body_len[client]));
            o.insert("response_body_bytes".into(), json!(s.body_len[server]));
            o.insert("first_frame".into(), json!(s.first_frame));
            o.insert("last_frame".into(), json!(s.last_frame));
            o.insert("start".into(), json!(s.first_ts.as_secs_f64()));
            o.insert("end".into(), json!(s.last_ts.as_secs_f64()));
            o.insert("duration".into(), json!(secs(s.last_ts.since(s.first_ts))));
            if let Some(f) = s.request_frame {
                o.insert("request_frame".into(), json!(f));
            }
            if let Some(f) = s.response_frame {
                o.insert("response_frame".into(), json!(f));
            }
            if let Some(ts) = s.response_ts {
                o.insert("time_to_response".into(), json!(secs(ts.since(s.first_ts))));
            }
            if let Some((code, by)) = s.reset {
                o.insert(
                    "reset".into(),
                    json!({
                        "error_code": code,
                        "error": http2::frame::error_name(code.into()).unwrap_or("unknown"),
                        "by": if by == client { "client" } else { "server" },
                    }),
                );
            }
            o.insert(
                "send_window".into(),
                json!({"client": s.window[client], "server": s.window[server]}),
            );
            Value::Object(o)
        })
        .collect();
    let timeline: Vec<Value> = c
        .timeline
        .events()
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
        .collect();
    json!({
        "streams": streams,
        "streams_forgotten": c.streams_dropped,
        "connection_send_window": {"client": c.conn_window[client], "server": c.conn_window[server]},
        "initial_stream_window": {"client": c.initial_window[client], "server": c.initial_window[server]},
        "hpack_lost_at_frame": {"client": c.hpack[client].lost_at(), "server": c.hpack[server].lost_at()},
        "timeline": timeline,
    })
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
    let events: Vec<Value> = conv
        .timeline()
        .events()
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
        .collect();
    m.insert("timeline".into(), Value::Array(events));
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

/// The TLS session of a flow: what the hellos negotiated, the fingerprints
/// (JA3/JA3S/JA4 identify TLS software, not users), and the handshake timeline.
/// Left out when no hello was seen.
pub fn tls_json(s: &TlsSession) -> Option<Value> {
    if s.client_hello_ts.is_none() && s.version.is_none() {
        return None;
    }
    let version = s
        .version
        .and_then(|v| tls_names::version(v.into()))
        .map(str::to_owned);
    let cipher = s.cipher.map(|c| {
        tls_names::cipher_suite(c.into())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("0x{c:04x}"))
    });
    let group = s
        .group
        .map(wirelens_dissect::app::tls::handshake::group_name);
    let events: Vec<Value> = s
        .timeline
        .events()
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
        .collect();
    Some(json!({
        "version": version,
        "cipher": cipher,
        "group": group,
        "sni": s.sni,
        "alpn": s.alpn,
        "alpn_offered": s.alpn_offered,
        "ja3": s.ja3,
        "ja3s": s.ja3s,
        "ja4": s.ja4,
        "hello_retry": s.hello_retry,
        "resumed": s.resumed,
        "psk": s.psk_accepted,
        "early_data": s.early_data_sent,
        "handshake_duration": s.handshake_duration().map(secs),
        "timeline": events,
    }))
}

/// The BGP session of a TCP flow: FSM state and timeline (with the TCP
/// connect and close around it), what the OPENs negotiated, keepalive
/// intervals observed per side, and the prefixes each side announced and
/// withdrew (and the other still holds from it).
fn bgp_json(f: &FlowRecord, s: &BgpSession, tcp: Option<&Timeline>) -> Value {
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
    let timeline: Vec<Value> = s
        .fsm_timeline(tcp)
        .events()
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
        .collect();
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
    m.insert("timeline".into(), Value::Array(timeline));
    Value::Object(m)
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
fn rtt_stats(o: &TcpSideSummary, r: &TcpSideSummary) -> Option<(f64, f64, f64)> {
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
