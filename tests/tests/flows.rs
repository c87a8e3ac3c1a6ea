//! `wirelens flows`: Zeek conn.log fields on corpus captures. Zeek is not
//! installed here, so the expectations were derived by hand from Zeek's rules
//! (`conn_state()` in base/protocols/conn/main.zeek, the history letters of
//! `TCP_Analyzer::UpdateStateMachine` / `update_history`, `TCP_Endpoint::Size`)
//! applied to the packets of each capture, as listed in each test.

use serde_json::Value;
use wirelens::cli::{FlowsArgs, FlowsFormat};
use wirelens_tests::corpus_dir;

fn flows(path: &str, format: FlowsFormat) -> String {
    flows_filtered(path, format, None)
}

fn flows_filtered(path: &str, format: FlowsFormat, filter: Option<&str>) -> String {
    let args = FlowsArgs {
        file: corpus_dir().join(path),
        format,
        display_filter: filter.map(str::to_owned),
    };
    let mut out = Vec::new();
    wirelens::commands::flows::run(&args, &mut out).expect("flows");
    String::from_utf8(out).expect("utf-8")
}

fn ndjson(path: &str) -> Vec<Value> {
    flows(path, FlowsFormat::Ndjson)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn get<'a>(v: &'a Value, k: &str) -> &'a Value {
    v.get(k).unwrap_or(&Value::Null)
}

/// mixed/http_get.pcap: one complete HTTP exchange. Client 141.142.228.5:59856
/// sends SYN (S), the server SYN-ACK (h), the client a pure ACK (A), then the
/// request (D, 136 bytes); the server ACKs (a) and sends 5007 bytes (d); FIN
/// from the client (F), then from the server (f). Both endpoints end CLOSED: SF.
/// Packets: 7 each way; IP bytes (IP total lengths summed): 512 from the client
/// and 5379 from the server. These are also the numbers of Zeek's own conn.log for
/// this trace (Zeek's test suite ships it as http/get.trace).
#[test]
fn http_get_is_sf_with_zeek_history_and_sizes() {
    let all = ndjson("mixed/http_get.pcap");
    assert_eq!(all.len(), 1);
    let f = &all[0];
    let want = [
        ("id.orig_h", Value::from("141.142.228.5")),
        ("id.orig_p", Value::from(59856)),
        ("id.resp_h", Value::from("192.150.187.43")),
        ("id.resp_p", Value::from(80)),
        ("proto", Value::from("tcp")),
        ("service", Value::from("http")),
        ("conn_state", Value::from("SF")),
        ("history", Value::from("ShADadFf")),
        ("orig_bytes", Value::from(136)),
        ("resp_bytes", Value::from(5007)),
        ("missed_bytes", Value::from(0)),
        ("orig_pkts", Value::from(7)),
        ("orig_ip_bytes", Value::from(512)),
        ("resp_pkts", Value::from(7)),
        ("resp_ip_bytes", Value::from(5379)),
        ("tcp_stream", Value::from(0)),
    ];
    for (k, v) in want {
        assert_eq!(get(f, k), &v, "{k}");
    }
    assert!(get(f, "uid")
        .as_str()
        .is_some_and(|u| u.starts_with('C') && u.len() == 12));
    // ts: the first packet; duration: first to last packet.
    assert_eq!(get(f, "ts").as_f64(), Some(1362692526.869344));
    assert!((get(f, "duration").as_f64().unwrap_or(0.0) - 0.211628).abs() < 1e-9);
    // Series: [[ts, value], ...] per side; the server's data in flight peaks at 5007.
    let bif = get(get(f, "bytes_in_flight"), "resp")
        .as_array()
        .expect("series");
    assert_eq!(bif.last().and_then(|p| p[1].as_f64()), Some(5007.0));
    // The per-connection tracking: final endpoint states (the client closed
    // first), handshake timeline, a window estimate for each sender.
    assert_eq!(
        get(f, "tcp_state"),
        &serde_json::json!({"orig": "TIME_WAIT", "resp": "CLOSED"})
    );
    let timeline = get(f, "timeline").as_array().expect("timeline");
    assert_eq!(get(&timeline[0], "kind"), "tcp.syn");
    assert_eq!(get(&timeline[0], "frame"), 1);
    assert!(get(get(f, "cwnd"), "resp")
        .as_array()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(
        get(get(f, "handshake_rtt"), "server_side").as_f64(),
        Some(0.06974)
    );
    assert_eq!(get(f, "rtt_min").as_f64(), Some(0.000112));
    assert_eq!(get(f, "rtt_max").as_f64(), Some(0.06974));
}

/// tcp/tcp_syn_then_rst.pcap: a SYN then a RST from the same host, no answer:
/// history "SR", and Zeek's RSTOS0 (originator SYN then RST, responder silent).
#[test]
fn syn_then_rst_is_rstos0() {
    let all = ndjson("tcp/tcp_syn_then_rst.pcap");
    assert_eq!(get(&all[0], "conn_state"), "RSTOS0");
    assert_eq!(get(&all[0], "history"), "SR");
    assert_eq!(get(&all[0], "resp_pkts"), 0);
}

/// tcp/tcp_handshake_reorder.pcap: the SYN-ACK is captured before the SYN. Zeek
/// takes port 80 for the server's (a likely server port) and flips the roles
/// (`^`); the server endpoint goes ESTABLISHED on its SYN-ACK, the client's SYN
/// follows: "^hSADadFf", and both FINs make it SF.
#[test]
fn a_reordered_handshake_is_flipped() {
    let all = ndjson("tcp/tcp_handshake_reorder.pcap");
    let f = &all[0];
    assert_eq!(get(f, "id.orig_p"), 59856);
    assert_eq!(get(f, "history"), "^hSADadFf");
    assert_eq!(get(f, "conn_state"), "SF");
}

/// tcp/tcp_rst_data.pcap: a lone RST (with text) from port 80. Zeek flips the
/// roles on the port (`^`), the responder is RESET and the originator never
/// seen: RSTRH. No duration, so no duration / orig_bytes / resp_bytes fields.
#[test]
fn a_lone_rst_from_a_server_is_rstrh() {
    let all = ndjson("tcp/tcp_rst_data.pcap");
    let f = &all[0];
    assert_eq!(get(f, "history"), "^r");
    assert_eq!(get(f, "conn_state"), "RSTRH");
    assert!(f.get("duration").is_none() && f.get("orig_bytes").is_none());
}

/// mixed/wikipedia_dns_http.pcap: DNS over UDP is "Dd" and SF (both sides sent),
/// a lone mDNS multicast "D" and S0; the analysis counters are per side.
#[test]
fn udp_flows_and_counters() {
    let all = ndjson("mixed/wikipedia_dns_http.pcap");
    let dns = all
        .iter()
        .find(|f| get(f, "id.resp_p") == 53)
        .expect("a DNS flow");
    assert_eq!(get(dns, "conn_state"), "SF");
    assert_eq!(get(dns, "history"), "Dd");
    assert_eq!(get(dns, "service"), "dns");
    assert!(dns.get("udp_stream").is_some());
    let mdns = all
        .iter()
        .find(|f| get(f, "id.resp_p") == 5353)
        .expect("an mDNS flow");
    assert_eq!(get(mdns, "conn_state"), "S0");
    // tshark flags 3 retransmissions (frames 32, 34, 36) by the server and 5
    // duplicate ACKs by the client in tcp_retransmit_fast.pcap.
    let all = ndjson("tcp/tcp_retransmit_fast.pcap");
    let f = &all[0];
    assert_eq!(
        get(f, "retransmissions"),
        &serde_json::json!({"orig": 0, "resp": 3})
    );
    assert_eq!(
        get(f, "dup_acks"),
        &serde_json::json!({"orig": 5, "resp": 0})
    );
}

/// `--format json` is one array with the same objects.
#[test]
fn json_format_is_one_array() {
    let text = flows("mixed/wikipedia_dns_http.pcap", FlowsFormat::Json);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let n = v.as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(n, ndjson("mixed/wikipedia_dns_http.pcap").len());
    assert!(n > 10);
}

/// mixed/icmp_and_ssh.pcap: 20 pings to 8.8.8.8 answered: one ICMP flow, Zeek's
/// ports (8 = echo request, 0 = its reply type), OTH, 20 packets each way of 84
/// IP bytes and 56 payload bytes.
#[test]
fn pings_are_one_icmp_flow() {
    let all = ndjson("mixed/icmp_and_ssh.pcap");
    let f = all
        .iter()
        .find(|f| get(f, "proto") == "icmp")
        .expect("an ICMP flow");
    assert_eq!(get(f, "id.orig_p"), 8);
    assert_eq!(get(f, "id.resp_p"), 0);
    assert_eq!(get(f, "conn_state"), "OTH");
    assert_eq!(
        (get(f, "orig_pkts"), get(f, "resp_pkts")),
        (&Value::from(20), &Value::from(20))
    );
    assert_eq!(get(f, "orig_ip_bytes"), 1680);
    assert_eq!(get(f, "orig_bytes"), 1120);
    assert!(f.get("history").is_none());
}

/// tcp/tcp_window_full_smtp.pcap: four ICMP "fragmentation needed" errors from
/// 192.168.1.1 quote segments of the SMTP connection 10.10.1.4:1470 → :25. They
/// are RELATED to it (counted in `related_icmp`, not as its packets), and are an
/// ICMP flow of their own (type 3, code 4) as in Zeek.
#[test]
fn icmp_errors_are_related_to_the_flow_they_quote() {
    let all = ndjson("tcp/tcp_window_full_smtp.pcap");
    let smtp = all
        .iter()
        .find(|f| get(f, "id.resp_p") == 25 && get(f, "id.orig_p") == 1470)
        .expect("the SMTP flow");
    assert_eq!(get(smtp, "related_icmp"), 4);
    assert_eq!(get(smtp, "conn_state"), "SF");
    let icmp = all
        .iter()
        .find(|f| get(f, "proto") == "icmp")
        .expect("the ICMP flow");
    assert_eq!(
        (get(icmp, "id.orig_p"), get(icmp, "id.resp_p")),
        (&Value::from(3), &Value::from(4))
    );
    assert_eq!(get(icmp, "orig_pkts"), 4);
}

#[test]
fn a_display_filter_keeps_the_flows_of_matching_packets() {
    let path = "mixed/wikipedia_dns_http.pcap";
    let all = ndjson(path);
    let http: Vec<Value> = flows_filtered(path, FlowsFormat::Ndjson, Some("tcp.port == 80"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // The TCP streams print -Y selects are exactly the flows kept.
    let path_str = corpus_dir().join(path);
    let (_, out) = wirelens_tests::wirelens_print(&[
        "-r",
        path_str.to_str().expect("utf-8"),
        "-Y",
        "tcp.port == 80",
        "-T",
        "fields",
        "-e",
        "tcp.stream",
    ])
    .expect("print");
    let mut streams: Vec<u64> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| l.parse().expect("stream number"))
        .collect();
    streams.sort();
    streams.dedup();
    let mut kept: Vec<u64> = http
        .iter()
        .map(|f| get(f, "tcp_stream").as_u64().expect("tcp flow"))
        .collect();
    kept.sort();
    assert_eq!(kept, streams);
    assert_eq!(kept.len(), 10);
    assert!(all.len() > http.len());
    assert!(http
        .iter()
        .all(|f| get(f, "id.resp_p") == 80 || get(f, "id.orig_p") == 80));
}
