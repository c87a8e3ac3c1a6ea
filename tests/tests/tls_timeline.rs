//! TLS handshake timelines on the corpus: for every TLS session of every
//! capture in `shared/captures/tls/`, the sequence of handshake events
//! (ClientHello → ServerHello (→ HelloRetryRequest) → Certificate/… → Finished
//! → first application data) with the packet numbers and directions they were
//! seen in, and what the hellos negotiated. Packet numbers were checked against
//! tshark's Info column (`tshark -r FILE -T fields -e frame.number -e _ws.col.Info`).
//! TLS 1.3 hides its handshake after the ServerHello: there the server's first
//! encrypted flight and the client's first encrypted record stand for their
//! Finished messages.

use wirelens_tests::corpus_dir;

/// (capture, tcp.stream, "frame:dir:kind ...").
const EXPECTED: &[(&str, u32, &str)] = &[
        ("tls12_client_cert_sni_alpn.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 11:s2c:certificate 11:s2c:server_key_exchange 11:s2c:certificate_request 11:s2c:server_hello_done 15:c2s:certificate 15:c2s:client_key_exchange 15:c2s:certificate_verify 15:c2s:change_cipher_spec 15:c2s:finished 21:s2c:new_session_ticket 21:s2c:change_cipher_spec 21:s2c:finished 23:c2s:application_data 25:s2c:application_data"),
        ("tls12_conn_with_extensions.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 7:s2c:certificate 7:s2c:server_key_exchange 7:s2c:server_hello_done 9:c2s:client_key_exchange 9:c2s:change_cipher_spec 9:c2s:finished 9:c2s:application_data 12:s2c:new_session_ticket 12:s2c:change_cipher_spec 12:s2c:finished 14:s2c:application_data"),
        ("tls12_ecdhe.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 9:s2c:certificate 10:s2c:server_key_exchange 10:s2c:server_hello_done 13:c2s:client_key_exchange 13:c2s:change_cipher_spec 13:c2s:finished 16:s2c:new_session_ticket 16:s2c:change_cipher_spec 16:s2c:finished 18:c2s:application_data 19:s2c:application_data 23:c2s:alert"),
        ("tls12_sni_heise.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:certificate 6:s2c:server_key_exchange 6:s2c:server_hello_done 8:c2s:client_key_exchange 8:c2s:change_cipher_spec 8:c2s:finished 9:s2c:new_session_ticket 9:s2c:change_cipher_spec 9:s2c:finished 10:c2s:application_data 11:s2c:application_data 13:c2s:alert"),
        ("tls13_chrome_kyber_grease.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:change_cipher_spec 10:s2c:finished 12:c2s:change_cipher_spec 12:c2s:finished 14:s2c:application_data"),
        ("tls13_draft19_early_data.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:finished 11:c2s:finished 12:s2c:application_data 14:c2s:application_data"),
        ("tls13_draft19_early_data.pcap", 1, "25:c2s:client_hello 27:c2s:early_data 28:s2c:server_hello 28:s2c:finished 32:c2s:finished 32:c2s:application_data 34:s2c:application_data"),
        ("tls13_ech.pcap", 1, "7:c2s:client_hello 9:s2c:server_hello 9:s2c:change_cipher_spec 9:s2c:finished 13:c2s:change_cipher_spec 13:c2s:finished 14:c2s:application_data 16:s2c:application_data"),
        ("tls13_ech.pcap", 2, "39:c2s:client_hello 41:s2c:server_hello 41:s2c:change_cipher_spec 41:s2c:finished 45:c2s:change_cipher_spec 45:c2s:finished 46:c2s:application_data 49:s2c:application_data"),
        ("tls13_hello_retry_request.pcap", 0, "4:c2s:client_hello 6:s2c:hello_retry_request 6:s2c:change_cipher_spec 8:c2s:change_cipher_spec 8:c2s:client_hello 11:s2c:server_hello 11:s2c:finished 13:c2s:finished 14:s2c:application_data 16:c2s:application_data"),
        ("tls13_openjdk_sni_alpn.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:change_cipher_spec 6:s2c:finished"),
        ("tls13_psk_resumption.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:change_cipher_spec 6:s2c:finished 8:c2s:change_cipher_spec 8:c2s:finished 9:s2c:application_data 11:c2s:application_data"),
        ("tls_nss_tls12_tls13.pcap", 0, "4:c2s:client_hello 6:s2c:server_hello 6:s2c:certificate 6:s2c:server_key_exchange 6:s2c:server_hello_done 8:c2s:client_key_exchange 8:c2s:change_cipher_spec 8:c2s:finished 9:s2c:new_session_ticket 9:s2c:change_cipher_spec 9:s2c:finished 10:c2s:application_data 11:s2c:application_data 12:s2c:alert 14:c2s:alert"),
        ("tls_nss_tls12_tls13.pcap", 1, "22:c2s:client_hello 24:s2c:server_hello 24:s2c:change_cipher_spec 24:s2c:finished 26:c2s:change_cipher_spec 26:c2s:finished 27:s2c:application_data 30:c2s:application_data"),
];

fn timeline(file: &str, stream: u32) -> (String, Option<String>) {
    let path = corpus_dir().join("tls").join(file);
    let d =
        wirelens::commands::stats::dissect_all(&path).unwrap_or_else(|e| panic!("{file}: {e:?}"));
    let s = d
        .state()
        .tls
        .get(stream)
        .unwrap_or_else(|| panic!("{file}: no TLS session on stream {stream}"));
    let events: Vec<String> = s
        .timeline
        .events()
        .iter()
        .map(|e| format!("{}:{}:{}", e.frame, e.dir.as_str(), e.kind))
        .collect();
    let summary = s.version.map(|v| {
        format!(
            "{v:04x} {:04x} {:?} {:?} hrr={} resumed={} 0rtt={}",
            s.cipher.unwrap_or(0),
            s.sni,
            s.alpn,
            s.hello_retry,
            s.resumed,
            s.early_data_sent
        )
    });
    (events.join(" "), summary)
}

#[test]
fn every_tls_handshake_timeline_matches() {
    let mut failed = Vec::new();
    for (file, stream, want) in EXPECTED {
        let (got, _) = timeline(file, *stream);
        if got != *want {
            failed.push(format!(
                "{file} stream {stream}:\n  want {want}\n  got  {got}"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn negotiated_parameters_of_some_sessions() {
    let cases = [
        (
            "tls12_client_cert_sni_alpn.pcap",
            0,
            "0303 c030 Some(\"certauth.idrix.fr\") Some(\"http/1.1\") hrr=false resumed=false 0rtt=false",
        ),
        (
            "tls13_hello_retry_request.pcap",
            0,
            "0304 1302 None None hrr=true resumed=false 0rtt=false",
        ),
        (
            "tls13_psk_resumption.pcap",
            0,
            "0304 1303 None None hrr=false resumed=true 0rtt=false",
        ),
        (
            "tls13_draft19_early_data.pcap",
            1,
            "7f13 1302 None None hrr=false resumed=true 0rtt=true",
        ),
    ];
    for (file, stream, want) in cases {
        let (_, got) = timeline(file, stream);
        assert_eq!(got.as_deref(), Some(want), "{file} stream {stream}");
    }
}
