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
        tls_keylog: None,
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

/// samples/captures/h2c_session.pcap (nghttp against nghttpd, see
/// samples/README.md): the first connection's `http2` object lists the three
/// concurrent GETs with their statuses and body sizes as nghttp logged them
/// (h2c_session.nghttp.txt: DATA of 16384 + 16384 + 8192 bytes on stream 13,
/// 20 on 15, 147 on 17), the server's connection window as 65,535 less those
/// 41,127 bytes, and the timeline from the server's SETTINGS to GOAWAY; the
/// second connection's POST of 24,000 bytes was reset by the server.
#[test]
fn http2_object_of_the_recorded_session() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/captures/h2c_session.pcap");
    let all = ndjson(path.to_str().expect("utf-8"));
    let h2: Vec<&Value> = all
        .iter()
        .map(|f| get(f, "http2"))
        .filter(|v| !v.is_null())
        .collect();
    assert_eq!(h2.len(), 2);
    let streams = get(h2[0], "streams").as_array().expect("streams");
    let summary: Vec<(u64, &str, &str, u64, u64)> = streams
        .iter()
        .map(|s| {
            (
                get(s, "stream_id").as_u64().unwrap_or(0),
                get(s, "method").as_str().unwrap_or(""),
                get(s, "path").as_str().unwrap_or(""),
                get(s, "status").as_u64().unwrap_or(0),
                get(s, "response_body_bytes").as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (13, "GET", "/page.txt", 200, 40960),
            (15, "GET", "/hello.txt", 200, 20),
            (17, "GET", "/missing", 404, 147),
        ]
    );
    assert_eq!(
        get(get(h2[0], "connection_send_window"), "server").as_i64(),
        Some(65_535 - 41_127)
    );
    let kinds: Vec<&str> = get(h2[0], "timeline")
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| get(e, "kind").as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"http2.settings"));
    assert_eq!(kinds.last(), Some(&"http2.goaway"));
    let post = &get(h2[1], "streams").as_array().expect("streams")[0];
    assert_eq!(get(post, "method").as_str(), Some("POST"));
    assert_eq!(get(post, "request_body_bytes").as_u64(), Some(24_000));
    assert_eq!(get(get(post, "reset"), "error").as_str(), Some("NO_ERROR"));
    assert_eq!(get(get(post, "reset"), "by").as_str(), Some("server"));
}

/// http2/h2c_upgrade.pcap: curl's HTTP/1.1 request upgraded to h2c becomes
/// stream 1, answered over HTTP/2 with status 200 and a 62-byte body.
#[test]
fn http2_object_of_an_upgraded_connection() {
    let all = ndjson("http2/h2c_upgrade.pcap");
    let h2 = get(&all[0], "http2");
    let s = &get(h2, "streams").as_array().expect("streams")[0];
    assert_eq!(get(s, "stream_id").as_u64(), Some(1));
    assert_eq!(get(s, "method").as_str(), Some("GET"));
    assert_eq!(get(s, "path").as_str(), Some("/robots.txt"));
    assert_eq!(get(s, "status").as_u64(), Some(200));
    assert_eq!(get(s, "response_body_bytes").as_u64(), Some(62));
}
