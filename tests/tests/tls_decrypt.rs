//! TLS decryption with key logs, on the recorded sessions of
//! `samples/captures/tls/` (each with the key log its client wrote, the
//! bytes the client sent and received, and tshark's decrypted dissection)
//! and on the two corpus captures whose keys are public
//! (`tests/data/tls-keys/`, see its README):
//!
//! - the decrypted HTTP/1.1 messages, HTTP/2 DATA frames and raw
//!   application data are exactly what the clients sent and received;
//! - the dissection agrees with tshark's made with the same key log;
//! - a wrong key log decrypts nothing and says so with expert items;
//! - secrets embedded in a pcapng Decryption Secrets Block decrypt too.

use std::path::{Path, PathBuf};

use wirelens_capture::{CaptureFile, FileFormat};
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_tests::{tshark_compare_tool, wirelens_print};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/captures/tls")
}

fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tls-keys")
}

/// What the dissection of one capture showed, in capture order.
#[derive(Default)]
struct Seen {
    /// The bytes of every HTTP/1.x message (head and body).
    http: Vec<Vec<u8>>,
    /// HTTP/2 DATA frame payloads: (stream id, from the client, bytes,
    /// whether it is the whole body: the last frame of a body in several
    /// frames shows the body put together, as tshark does).
    h2_data: Vec<(u64, bool, Vec<u8>, bool)>,
    /// HTTP/2 request pseudo-headers (:method, :path).
    h2_requests: Vec<(String, String)>,
    /// Decrypted application data without a dissector: (from the client, bytes).
    data: Vec<(bool, Vec<u8>)>,
    /// TLS handshake message types, as decoded (decrypted ones included).
    handshake_types: Vec<u64>,
    /// Messages of the `tls.decryption_failed` expert items.
    failures: Vec<String>,
    /// "Decrypted TLS" data sources shown.
    decrypted_sources: usize,
}

fn prefs_with(keylog: Option<&Path>) -> Prefs {
    let mut prefs = Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    };
    if let Some(k) = keylog {
        prefs
            .read_tls_keylog(k.to_str().expect("utf-8 path"))
            .expect("read key log");
    }
    prefs
}

/// Dissects `capture` with `keylog` (and its own Decryption Secrets Blocks,
/// as `wirelens print` does).
fn dissect(capture: &Path, keylog: Option<&Path>) -> Seen {
    let file = CaptureFile::open(capture).expect("open capture");
    let mut prefs = prefs_with(keylog);
    for (kind, data) in file.decryption_secrets() {
        prefs.add_decryption_secrets(kind, &data);
    }
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(true);
    let mut packets = file.packets();
    let mut seen = Seen::default();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        collect(&pkt, frame.data, &mut seen);
    }
    seen
}

fn collect(pkt: &Packet, frame: &[u8], seen: &mut Seen) {
    let bytes = |source, span: wirelens_dissect::model::Span| {
        let data = pkt.source_data(source, frame);
        data[span.start as usize..(span.start + span.len) as usize].to_vec()
    };
    let uint = |name: &str| {
        pkt.find(name).and_then(|n| match n.value {
            wirelens_dissect::model::Value::Uint(v) => Some(v),
            _ => None,
        })
    };
    // The servers' ports: HTTPS, the samples' echo server, the TLS 1.0/1.1 test's.
    let from_client = uint("tcp.srcport").is_some_and(|p| ![443, 4433, 44301, 44302].contains(&p));
    seen.decrypted_sources += pkt
        .sources
        .iter()
        .filter(|s| s.name == "Decrypted TLS")
        .count();
    for (i, layer) in pkt.layers.iter().enumerate() {
        let in_layer = || pkt.fields.iter().filter(move |f| f.layer as usize == i);
        match layer.proto.name {
            "http" => seen.http.push(bytes(layer.source, layer.span)),
            // Only decrypted payload: the frame's own data is not ours to check.
            "data" if layer.source != 0 => {
                seen.data
                    .push((from_client, bytes(layer.source, layer.span)));
            }
            "http2" => {
                let stream = in_layer()
                    .find(|f| f.def.name == "http2.streamid")
                    .and_then(|f| match f.value {
                        wirelens_dissect::model::Value::Uint(v) => Some(v),
                        _ => None,
                    })
                    .unwrap_or(0);
                for f in in_layer().filter(|f| f.def.name == "http2.data.data") {
                    let (b, whole) = match &f.value {
                        wirelens_dissect::model::Value::Bytes(b) => (b.to_vec(), true),
                        _ => (bytes(f.source, f.span), false),
                    };
                    seen.h2_data.push((stream, from_client, b, whole));
                }
                let headers: Vec<(String, String)> = in_layer()
                    .filter(|f| f.def.name == "http2.header.name")
                    .map(|f| text(&f.value))
                    .zip(
                        in_layer()
                            .filter(|f| f.def.name == "http2.header.value")
                            .map(|f| text(&f.value)),
                    )
                    .collect();
                let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                if let (Some(m), Some(p)) = (get(":method"), get(":path")) {
                    seen.h2_requests.push((m, p));
                }
            }
            _ => {}
        }
    }
    for f in &pkt.fields {
        if f.def.name == "tls.handshake.type" {
            if let wirelens_dissect::model::Value::Uint(t) = f.value {
                seen.handshake_types.push(t);
            }
        }
    }
    for e in &pkt.experts {
        if e.name.is_some_and(|f| f.name == "tls.decryption_failed") {
            seen.failures.push(e.message.to_string());
        }
    }
}

fn text(v: &wirelens_dissect::model::Value) -> String {
    match v {
        wirelens_dissect::model::Value::Str(s) => s.to_string(),
        wirelens_dissect::model::Value::Text(s) => s.to_string(),
        other => format!("{other:?}"),
    }
}

/// Asserts equal bytes, reporting lengths and the first difference (not the bytes).
fn same_bytes(what: &str, ours: &[u8], want: &[u8]) {
    let first = ours.iter().zip(want).position(|(a, b)| a != b);
    assert!(
        ours == want,
        "{what}: {} bytes, expected {}; first difference at {first:?}",
        ours.len(),
        want.len()
    );
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(samples().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The HTTP/1.1 requests and response heads curl logged (`> ` and `< `
/// lines of `curl --verbose`), in order, as bytes on the wire.
fn curl_messages(name: &str) -> Vec<Vec<u8>> {
    let log = String::from_utf8(read(name)).expect("utf-8");
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<(char, Vec<u8>)> = None;
    for line in log.lines() {
        let Some(dir) = line.chars().next().filter(|c| *c == '>' || *c == '<') else {
            continue;
        };
        let Some(content) = line.get(2..).or(Some("")) else {
            continue;
        };
        let entry = current.get_or_insert_with(|| (dir, Vec::new()));
        entry.1.extend_from_slice(content.as_bytes());
        entry.1.extend_from_slice(b"\r\n");
        if content.is_empty() {
            // The blank line ends the head.
            if let Some((_, m)) = current.take() {
                out.push(m);
            }
        }
    }
    out
}

/// curl's messages with each response head followed by its body file.
fn with_bodies(heads: Vec<Vec<u8>>, bodies: &[&str]) -> Vec<Vec<u8>> {
    let mut bodies = bodies.iter();
    heads
        .into_iter()
        .map(|mut m| {
            if m.starts_with(b"HTTP/") {
                m.extend(read(bodies.next().expect("a body per response")));
            }
            m
        })
        .collect()
}

fn assert_http_matches(capture: &str, expected: &[Vec<u8>]) {
    let name = capture.trim_end_matches(".pcap");
    let seen = dissect(
        &samples().join(capture),
        Some(&samples().join(format!("{name}.keys"))),
    );
    assert!(seen.failures.is_empty(), "{capture}: {:?}", seen.failures);
    assert_eq!(seen.http.len(), expected.len(), "{capture}: HTTP messages");
    for (i, (ours, want)) in seen.http.iter().zip(expected).enumerate() {
        assert!(
            ours == want,
            "{capture}: message {i} differs: ours {:?}… want {:?}…",
            String::from_utf8_lossy(&ours[..ours.len().min(80)]),
            String::from_utf8_lossy(&want[..want.len().min(80)])
        );
    }
}

#[test]
fn tls13_http11_messages_are_what_curl_sent_and_received() {
    let expected = with_bodies(
        curl_messages("tls13_http11.curl.txt"),
        &[
            "tls13_http11.TLS_AES_128_GCM_SHA256.body",
            "tls13_http11.TLS_AES_256_GCM_SHA384.body",
            "tls13_http11.TLS_CHACHA20_POLY1305_SHA256.body",
        ],
    );
    assert_eq!(expected.len(), 6);
    assert_http_matches("tls13_http11.pcap", &expected);
}

#[test]
fn tls12_aead_messages_are_what_curl_sent_and_received() {
    let expected = with_bodies(
        curl_messages("tls12_aead.curl.txt"),
        &[
            "tls12_aead.ECDHE-RSA-AES128-GCM-SHA256.body",
            "tls12_aead.ECDHE-RSA-AES256-GCM-SHA384.body",
            "tls12_aead.ECDHE-RSA-CHACHA20-POLY1305.body",
        ],
    );
    assert_http_matches("tls12_aead.pcap", &expected);
}

/// AES-CBC with HMAC: encrypt-then-MAC, MAC-then-encrypt, and SHA-1 with RSA key exchange.
#[test]
fn tls12_cbc_messages_are_what_curl_sent_and_received() {
    let expected = with_bodies(
        curl_messages("tls12_cbc.curl.txt"),
        &[
            "tls12_cbc.ECDHE-RSA-AES128-SHA256-etm.body",
            "tls12_cbc.ECDHE-RSA-AES128-SHA256-noetm.body",
            "tls12_cbc.AES256-SHA.body",
        ],
    );
    assert_http_matches("tls12_cbc.pcap", &expected);
}

/// Resumed sessions (by session ID and by ticket) use the master secret of
/// the key log line for their own client random.
#[test]
fn tls12_resumed_sessions_decrypt() {
    let mut expected = with_bodies(
        curl_messages("tls12_resume.curl.txt"),
        &[
            "tls12_resume.session-id.full.body",
            "tls12_resume.session-id.resumed.body",
        ],
    );
    for response in [
        "tls12_resume.ticket.full.response",
        "tls12_resume.ticket.resumed.response",
    ] {
        expected.push(read("tls12_resume.request.txt"));
        expected.push(read(response));
    }
    assert_http_matches("tls12_resume.pcap", &expected);
}

/// HTTP/2 by ALPN after a HelloRetryRequest: DATA frames (one spanning two
/// records) are the bodies curl saved and posted.
#[test]
fn tls13_h2_data_is_what_curl_sent_and_received() {
    let seen = dissect(
        &samples().join("tls13_h2.pcap"),
        Some(&samples().join("tls13_h2.keys")),
    );
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    let body = |stream: u64, client: bool| -> Vec<u8> {
        let frames = || {
            seen.h2_data
                .iter()
                .filter(move |(s, c, _, _)| *s == stream && *c == client)
        };
        match frames().find(|(_, _, _, whole)| *whole) {
            Some((_, _, b, _)) => b.clone(),
            None => frames()
                .flat_map(|(_, _, b, _)| b.iter().copied())
                .collect(),
        }
    };
    same_bytes("stream 1", &body(1, false), &read("tls13_h2.hello.body"));
    same_bytes("stream 3", &body(3, false), &read("tls13_h2.page.body"));
    same_bytes(
        "stream 5 request",
        &body(5, true),
        &read("tls13_h2.post.sent"),
    );
    same_bytes(
        "stream 5 response",
        &body(5, false),
        &read("tls13_h2.post.body"),
    );
    let requests: Vec<(&str, &str)> = seen
        .h2_requests
        .iter()
        .map(|(m, p)| (m.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        requests,
        [
            ("GET", "/hello.txt"),
            ("GET", "/page.txt"),
            ("POST", "/hello.txt")
        ]
    );
    // EncryptedExtensions, Certificate, CertificateVerify and both Finished
    // are decrypted and dissected.
    for t in [8, 11, 15, 20] {
        assert!(seen.handshake_types.contains(&t), "handshake type {t}");
    }
}

/// KeyUpdates in both directions (one requested): the data after each is
/// decrypted with the next traffic secret.
#[test]
fn tls13_key_updates_are_followed() {
    let seen = dissect(
        &samples().join("tls13_keyupdate.pcap"),
        Some(&samples().join("tls13_keyupdate.keys")),
    );
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    assert_eq!(seen.handshake_types.iter().filter(|&&t| t == 24).count(), 3);
    let lines = [
        "line 1 before any key update\n",
        "line 2 after the client's key update\n",
        "line 3 after the requested key update\n",
    ];
    let sent: Vec<u8> = seen
        .data
        .iter()
        .filter(|(c, _)| *c)
        .flat_map(|(_, b)| b.clone())
        .collect();
    assert_eq!(String::from_utf8_lossy(&sent), lines.concat());
    let received: Vec<u8> = seen
        .data
        .iter()
        .filter(|(c, _)| !*c)
        .flat_map(|(_, b)| b.clone())
        .collect();
    let reversed: String = lines
        .iter()
        .map(|l| format!("{}\n", l.trim_end().chars().rev().collect::<String>()))
        .collect();
    assert_eq!(String::from_utf8_lossy(&received), reversed);
}

/// 0-RTT: the early data record decrypts with the client early traffic
/// secret, then EndOfEarlyData moves the client to its handshake keys.
#[test]
fn tls13_early_data_decrypts() {
    let seen = dissect(
        &samples().join("tls13_early_data.pcap"),
        Some(&samples().join("tls13_early_data.keys")),
    );
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    let early = read("tls13_early_data.early.txt");
    assert!(
        seen.data.iter().any(|(c, b)| *c && *b == early),
        "the early data record: {:?}",
        seen.data
    );
    assert!(seen.handshake_types.contains(&5), "EndOfEarlyData");
}

/// Secrets from a Decryption Secrets Block decrypt like the key log file.
#[test]
fn decryption_secrets_block_decrypts_without_a_key_log() {
    let with_file = dissect(
        &samples().join("tls13_http11.pcap"),
        Some(&samples().join("tls13_http11.keys")),
    );
    let embedded = dissect(&samples().join("tls13_http11.dsb.pcapng"), None);
    assert_eq!(embedded.http.len(), 6);
    assert_eq!(embedded.http, with_file.http);
    // And through `wirelens print`, without any option.
    let dsb = samples().join("tls13_http11.dsb.pcapng");
    let (_, out) = wirelens_print(&["-r", dsb.to_str().expect("utf-8")]).expect("print");
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("GET /medium.http HTTP/1.1"), "{text}");
}

/// A key log whose secrets are wrong: every connection has keys, none
/// decrypts. Each direction says so once; nothing decrypted is shown.
#[test]
fn wrong_key_logs_give_expert_items_and_no_garbage() {
    for (capture, keys, connections) in [
        ("tls13_h2.pcap", "tls13_h2.badkeys", 1),
        ("tls12_aead.pcap", "tls12_aead.badkeys", 3),
    ] {
        let seen = dissect(&samples().join(capture), Some(&samples().join(keys)));
        assert!(seen.http.is_empty() && seen.h2_data.is_empty() && seen.data.is_empty());
        assert_eq!(seen.decrypted_sources, 0, "{capture}");
        assert_eq!(
            seen.failures.len(),
            2 * connections,
            "{capture}: {:?}",
            seen.failures
        );
        assert!(seen
            .failures
            .iter()
            .all(|m| m.contains("decryption failed")));
        // TLS 1.3: the encrypted handshake stays opaque (no Certificate).
        assert!(!seen.handshake_types.contains(&11) || capture.starts_with("tls12"));
    }
    // A key log without this connection's secrets: one note per direction.
    let seen = dissect(
        &samples().join("tls13_h2.pcap"),
        Some(&samples().join("tls12_aead.keys")),
    );
    assert_eq!(seen.decrypted_sources, 0);
    assert_eq!(seen.failures.len(), 2, "{:?}", seen.failures);
    assert!(seen.failures.iter().all(|m| m.contains("no secret")));
    // Without any key log nothing is tried and nothing is reported.
    let seen = dissect(&samples().join("tls12_aead.pcap"), None);
    assert!(seen.failures.is_empty() && seen.http.is_empty());
}

/// Runs `print -T json` with `keylog` and compares with tshark's `truth`.
fn agrees_with_tshark(capture: &Path, keylog: Option<&Path>, truth: &Path) -> (bool, String) {
    let mut args = vec![
        "-r",
        capture.to_str().expect("utf-8"),
        "-T",
        "json",
        "-o",
        "ip.check_checksum:FALSE",
        "-o",
        "tcp.check_checksum:FALSE",
        "-o",
        "udp.check_checksum:FALSE",
    ];
    if let Some(k) = keylog {
        args.extend(["--tls-keylog", k.to_str().expect("utf-8")]);
    }
    let (_, json) = wirelens_print(&args).expect("print");
    let stem = capture.file_name().and_then(|n| n.to_str()).unwrap_or("x");
    let ours = std::env::temp_dir().join(format!(
        "wirelens-tlsdec-{}-{stem}-{}.json",
        std::process::id(),
        keylog.map_or(0, |k| k.to_string_lossy().len())
    ));
    std::fs::write(&ours, json).expect("write json");
    let out = std::process::Command::new("python3")
        .arg(tshark_compare_tool())
        .arg(&ours)
        .arg(truth)
        .args(["--proto", "tls,http2,http,data"])
        .args([
            "--min-agreement",
            "99.5",
            "--min-coverage",
            "90",
            "--show",
            "5",
        ])
        .output()
        .expect("python3 runs shared/tools/tshark-compare");
    let _ = std::fs::remove_file(&ours);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn samples_agree_with_tshark_decrypting_with_the_same_keys() {
    let dir = samples();
    let mut failed = Vec::new();
    let cases: Vec<(String, Option<String>, String)> = [
        "tls13_h2",
        "tls13_http11",
        "tls12_aead",
        "tls12_cbc",
        "tls12_resume",
        "tls13_keyupdate",
        "tls13_early_data",
    ]
    .iter()
    .map(|n| {
        (
            format!("{n}.pcap"),
            Some(format!("{n}.keys")),
            format!("{n}.tshark.json"),
        )
    })
    .chain([
        (
            "tls13_http11.dsb.pcapng".into(),
            None,
            "tls13_http11.dsb.tshark.json".into(),
        ),
        (
            "tls13_h2.pcap".into(),
            Some("tls13_h2.badkeys".into()),
            "tls13_h2.badkeys.tshark.json".into(),
        ),
        (
            "tls12_aead.pcap".into(),
            Some("tls12_aead.badkeys".into()),
            "tls12_aead.badkeys.tshark.json".into(),
        ),
    ])
    .collect();
    for (capture, keys, truth) in &cases {
        let keys = keys.as_ref().map(|k| dir.join(k));
        let (ok, report) =
            agrees_with_tshark(&dir.join(capture), keys.as_deref(), &dir.join(truth));
        let total = report.lines().last().unwrap_or("").to_string();
        println!("{capture} {keys:?}: {total}");
        if !ok {
            failed.push(format!("{capture}: {report}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// TLS 1.0 (CBC IVs chained from record to record, 1/n-1 record splitting)
/// and TLS 1.1 (explicit IVs), both with the MD5+SHA-1 PRF, recorded for
/// this test (samples/captures/tls/README.md): the lines sent and their
/// reversal, and tshark's dissection.
#[test]
fn tls10_and_tls11_cbc_decrypt() {
    let keys = samples();
    let capture = keys.join("tls10_tls11_cbc.pcap");
    let keylog = keys.join("tls10_tls11_cbc.keys");
    let seen = dissect(&capture, Some(&keylog));
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
    // Each connection: the client's two lines, the server's reversal.
    let sent: Vec<u8> = seen
        .data
        .iter()
        .filter(|(c, _)| *c)
        .flat_map(|(_, b)| b.clone())
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&sent),
        "hello tls 1.0 record one\nsecond line\nhello tls 1.1 record one\nsecond line\n"
    );
    let received: Vec<u8> = seen
        .data
        .iter()
        .filter(|(c, _)| !*c)
        .flat_map(|(_, b)| b.clone())
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&received),
        "eno drocer 0.1 slt olleh\nenil dnoces\neno drocer 1.1 slt olleh\nenil dnoces\n"
    );
    let (ok, report) = agrees_with_tshark(
        &capture,
        Some(&keylog),
        &keys.join("tls10_tls11_cbc.tshark.json"),
    );
    assert!(ok, "{report}");
}

/// The corpus captures whose key logs are public (tests/data/tls-keys/README.md).
#[test]
fn corpus_captures_with_keys_agree_with_tshark() {
    let corpus = wirelens_tests::corpus_dir().join("tls");
    let keys = keys_dir();
    let mut failed = Vec::new();
    for name in ["tls12_sni_heise", "tls_nss_tls12_tls13"] {
        let capture = corpus.join(format!("{name}.pcap"));
        let keylog = keys.join(format!("{name}.keys"));
        let (ok, report) = agrees_with_tshark(
            &capture,
            Some(&keylog),
            &keys.join(format!("{name}.tshark.json")),
        );
        println!("{name}: {}", report.lines().last().unwrap_or(""));
        if !ok {
            failed.push(format!("{name}: {report}"));
        }
        let seen = dissect(&capture, Some(&keylog));
        assert!(seen.failures.is_empty(), "{name}: {:?}", seen.failures);
        assert!(!seen.http.is_empty(), "{name}: decrypted HTTP");
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Every packet's JSON from one pass, as `print -T json` makes it.
fn full_pass_json(capture: &Path, keylog: Option<&Path>) -> Vec<String> {
    let file = CaptureFile::open(capture).expect("open capture");
    let mut prefs = prefs_with(keylog);
    for (kind, data) in file.decryption_secrets() {
        prefs.add_decryption_secrets(kind, &data);
    }
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(true);
    let mut out = Vec::new();
    let mut packets = file.packets();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let mut json = String::new();
        wirelens_dissect::export::json::render_packet(&mut json, &meta, &pkt, frame.data);
        out.push(json);
    }
    out
}

/// The session's on-demand trees (replayed by its parked dissectors) decrypt
/// as a full pass does: with a key log in its preferences, and with the
/// secrets of a Decryption Secrets Block.
#[test]
fn on_demand_trees_decrypt_like_a_full_pass() {
    use wirelens_capture::session::{Config, Session};
    for (capture, keylog) in [
        ("tls13_h2.pcap", Some("tls13_h2.keys")),
        ("tls13_http11.dsb.pcapng", None),
    ] {
        let path = samples().join(capture);
        let keylog = keylog.map(|k| samples().join(k));
        let full = full_pass_json(&path, keylog.as_deref());
        let config = Config {
            prefs: prefs_with(keylog.as_deref()),
            ..Config::default()
        };
        let session = Session::open(&path, config).expect("open session");
        session.wait();
        assert_eq!(session.len(), full.len() as u64);
        // Backwards, so each packet is replayed from an earlier cursor or the start.
        for n in (1..=full.len() as u64).rev() {
            let d = session.dissect(n).expect("packet in the index");
            let mut json = String::new();
            wirelens_dissect::export::json::render_packet(
                &mut json,
                &d.meta(),
                &d.packet,
                d.frame.data,
            );
            assert!(
                json == full[n as usize - 1],
                "{capture}: packet {n} differs"
            );
        }
        assert!(
            full.iter().any(|j| j.contains("\"http")),
            "{capture}: decrypted HTTP"
        );
    }
}

/// `wirelens flows --tls-keylog`: the decrypted TLS 1.3 handshake joins the
/// timeline, and the flow says it was decrypted.
#[test]
fn flows_show_the_decrypted_handshake() {
    let run = |keylog: Option<PathBuf>| {
        let args = wirelens::cli::FlowsArgs {
            file: samples().join("tls13_early_data.pcap"),
            format: wirelens::cli::FlowsFormat::Ndjson,
            display_filter: None,
            tls_keylog: keylog,
        };
        let mut out = Vec::new();
        wirelens::commands::flows::run(&args, &mut out).expect("flows");
        String::from_utf8(out).expect("utf-8")
    };
    let decrypted = run(Some(samples().join("tls13_early_data.keys")));
    let plain = run(None);
    for kind in [
        "\"encrypted_extensions\"",
        "\"certificate_verify\"",
        "\"end_of_early_data\"",
        "\"new_session_ticket\"",
        "\"decrypted\":true",
    ] {
        assert!(decrypted.contains(kind), "{kind} in {decrypted}");
        assert!(!plain.contains(kind), "{kind} without keys");
    }
    assert!(plain.contains("\"decrypted\":false"));
}

/// A key log without the 0-RTT secret: the early data record and the
/// EndOfEarlyData (both under the early keys) are left encrypted with one
/// note; the rest of the connection decrypts.
#[test]
fn a_missing_early_secret_leaves_only_the_early_data_encrypted() {
    let full = std::fs::read_to_string(samples().join("tls13_early_data.keys")).expect("keys");
    let partial: String = full
        .lines()
        .filter(|l| !l.starts_with("CLIENT_EARLY_TRAFFIC_SECRET"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = std::env::temp_dir().join(format!(
        "wirelens-tlsdec-{}-noearly.keys",
        std::process::id()
    ));
    std::fs::write(&path, partial).expect("write keys");
    let seen = dissect(&samples().join("tls13_early_data.pcap"), Some(&path));
    let _ = std::fs::remove_file(&path);
    assert_eq!(seen.failures.len(), 1, "{:?}", seen.failures);
    assert!(seen.failures[0].contains("no secret"));
    let early = read("tls13_early_data.early.txt");
    assert!(!seen.data.iter().any(|(_, b)| *b == early));
    assert!(
        !seen.handshake_types.contains(&5),
        "EndOfEarlyData needs the early keys"
    );
    let finished = seen.handshake_types.iter().filter(|&&t| t == 20).count();
    assert_eq!(finished, 4, "both Finished of both connections");
    assert!(
        seen.data.len() >= 4,
        "the data after the handshake: {:?}",
        seen.data.len()
    );
}

/// `-o tls.keylog_file:FILE` is `--tls-keylog FILE`; a key log that cannot be read is an error.
#[test]
fn the_tshark_preference_names_the_key_log_too() {
    let capture = samples().join("tls12_aead.pcap");
    let pref = format!(
        "tls.keylog_file:{}",
        samples().join("tls12_aead.keys").display()
    );
    let (_, out) =
        wirelens_print(&["-r", capture.to_str().expect("utf-8"), "-o", &pref]).expect("print");
    let text = String::from_utf8_lossy(&out);
    assert_eq!(
        text.matches("GET /medium.http HTTP/1.1").count(),
        3,
        "{text}"
    );
    let err = wirelens_print(&[
        "-r",
        capture.to_str().expect("utf-8"),
        "--tls-keylog",
        "/nonexistent/keys.log",
    ])
    .expect_err("missing key log");
    assert!(err.contains("cannot read the TLS key log file"), "{err}");
}

/// Corrupted records (one byte flipped somewhere in a frame's TLS payload)
/// never panic, and a record that does not authenticate is reported, never
/// shown as plaintext.
#[test]
fn flipped_bytes_fail_cleanly() {
    let mut reported = 0;
    for name in ["tls12_cbc", "tls13_h2", "tls12_aead"] {
        let file = CaptureFile::open(&samples().join(format!("{name}.pcap"))).expect("open");
        let lens: Vec<usize> = {
            let mut packets = file.packets();
            std::iter::from_fn(|| packets.next().and_then(Result::ok).map(|f| f.data.len()))
                .collect()
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..12 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let victim = (seed >> 33) as usize % lens.len();
            // Past Ethernet, IPv4 and TCP with timestamps (66 bytes).
            if lens[victim] <= 70 {
                continue;
            }
            let at = 66 + (seed >> 13) as usize % (lens[victim] - 66);
            let keys = samples().join(format!("{name}.keys"));
            let mut d = Dissector::new(prefs_with(Some(&keys)));
            let mut pkt = Packet::new(true);
            let mut packets = file.packets();
            let mut i = 0;
            let mut failures = 0;
            while let Some(Ok(frame)) = packets.next() {
                let meta = frame.meta(packets.interfaces(), false);
                let mut data = frame.data.to_vec();
                if i == victim {
                    data[at] ^= 0x5a;
                }
                d.dissect(&meta, &data, &mut pkt);
                failures += pkt
                    .experts
                    .iter()
                    .filter(|e| e.message.contains("decryption failed"))
                    .count();
                i += 1;
            }
            // At most one report per direction of each connection.
            assert!(failures <= 6, "{name}: {failures} failures");
            reported += failures;
        }
    }
    assert!(reported > 0, "some flips land in protected records");
}

/// The pcapng reader surfaces the Decryption Secrets Block: one TLS key log
/// with every secret of the file the capture was made with.
#[test]
fn the_decryption_secrets_block_is_read() {
    let file = CaptureFile::open(&samples().join("tls13_http11.dsb.pcapng")).expect("open");
    let secrets = file.decryption_secrets();
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        secrets[0].0,
        wirelens_dissect::dissector::SECRETS_TLS_KEYLOG
    );
    let text = String::from_utf8_lossy(&secrets[0].1).into_owned();
    let (embedded, bad) = wirelens_dissect::app::tls::decrypt::KeyLog::parse(&text);
    assert!(bad.is_empty(), "{bad:?}");
    let file_text = std::fs::read_to_string(samples().join("tls13_http11.keys")).expect("keys");
    let (from_file, _) = wirelens_dissect::app::tls::decrypt::KeyLog::parse(&file_text);
    assert_eq!(embedded, from_file);
    assert_eq!(
        embedded.len(),
        15,
        "five secrets for each of three connections"
    );
    // A pcap has no such block.
    let pcap = CaptureFile::open(&samples().join("tls13_http11.pcap")).expect("open");
    assert!(pcap.decryption_secrets().is_empty());
}
