//! `wirelens flows` on TLS and DNS captures: the `service` of each flow and
//! its `tls` object (negotiated version, cipher, SNI, ALPN, fingerprints,
//! handshake duration, timeline) or `dns` object (queries, RCODEs).

use serde_json::Value;
use wirelens::cli::{FlowsArgs, FlowsFormat};
use wirelens_tests::corpus_dir;

fn ndjson(path: &str) -> Vec<Value> {
    let args = FlowsArgs {
        file: corpus_dir().join(path),
        format: FlowsFormat::Ndjson,
        display_filter: None,
        tls_keylog: None,
    };
    let mut out = Vec::new();
    wirelens::commands::flows::run(&args, &mut out).expect("flows");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn tls_flow_has_its_session() {
    let flows = ndjson("tls/tls12_client_cert_sni_alpn.pcap");
    let f = flows
        .iter()
        .find(|f| f.get("tls").is_some())
        .expect("a TLS flow");
    assert_eq!(f["service"], "tls");
    let t = &f["tls"];
    assert_eq!(t["version"], "TLS 1.2");
    assert_eq!(t["cipher"], "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assert_eq!(t["sni"], "certauth.idrix.fr");
    assert_eq!(t["alpn"], "http/1.1");
    // tshark's own JA3/JA3S of this handshake.
    assert_eq!(t["ja3"], "579ccef312d18482fc42e2b822ca2430");
    assert_eq!(t["ja3s"], "d154fcfa5bb4f0748e1dd1992c681104");
    assert!(t["ja4"].as_str().is_some_and(|s| s.starts_with("t13d")));
    let d = t["handshake_duration"].as_f64().expect("a duration");
    assert!(d > 0.0 && d < 10.0, "{d}");
    let kinds: Vec<&str> = t["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"client_hello"));
    assert!(kinds.contains(&"finished"));
}

#[test]
fn dns_flow_has_queries_and_rcodes() {
    let flows = ndjson("dns/dns_a_aaaa_mx.pcap");
    let f = flows
        .iter()
        .find(|f| f.get("dns").is_some())
        .expect("a DNS flow");
    assert_eq!(f["service"], "dns");
    assert_eq!(f["dns"]["queries"][0], "google.com");
    assert_eq!(f["dns"]["rcodes"]["NOERROR"], 1);
    assert_eq!(f["dns"]["query_count"], 1);
}
