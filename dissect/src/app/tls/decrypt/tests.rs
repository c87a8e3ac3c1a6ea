//! Decryption through the dissector, on real captures of the shared corpus
//! with their public secrets (see tests/data/tls-keys/README.md).

use std::sync::Arc;

use super::KeyLog;
use crate::model::Packet;
use crate::testutil::{chain, corpus_capture, dissect_frames, has_expert, only, values};
use crate::Prefs;

/// zeek's master secret for tls/tls12_sni_heise.pcap (its decryption.zeek test).
const HEISE_KEYS: &str = "CLIENT_RANDOM 4d98940fb40a244b48e42eac287144b1b7393057caa131f961a78e38b0e77c1e bd01e589d105199e9ab5fc9bd758b5f288db28fd80aa02261e4765ac1357d007fd08c7bdab45450e015a01d08e5e7ca6";

fn prefs(keys: &str) -> Prefs {
    let (log, bad) = KeyLog::parse(keys);
    assert!(bad.is_empty(), "{bad:?}");
    Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        tls_keylog: Some(Arc::new(log)),
        ..Prefs::default()
    }
}

fn dissect(file: &str, keys: &str) -> (Vec<Packet>, Vec<Vec<u8>>) {
    let cap = corpus_capture(file);
    let pkts = dissect_frames(cap.link, prefs(keys), true, &cap.test_frames());
    let frames = cap.records.iter().map(|r| r.bytes.clone()).collect();
    (pkts, frames)
}

/// TLS 1.2, ECDHE-RSA-AES256-GCM-SHA384 (PRF with SHA-384): both Finished
/// messages and the HTTP/1.1 exchange decrypt.
#[test]
fn tls12_gcm_records_decrypt_into_http() {
    let (pkts, frames) = dissect("tls/tls12_sni_heise.pcap", HEISE_KEYS);
    // Frame 8: ClientKeyExchange, ChangeCipherSpec, then the client's Finished.
    assert_eq!(
        pkts[7].summary.info,
        "Client Key Exchange, Change Cipher Spec, Finished"
    );
    assert_eq!(
        values(&pkts[7], "tls.handshake.type", &frames[7]),
        ["16", "20"]
    );
    assert_eq!(pkts[7].sources[0].name, "Decrypted TLS");
    assert_eq!(pkts[7].sources[0].bytes.len(), 16);
    // Frame 10: the request, from a source of the plaintext (347 bytes less
    // the 8-byte explicit nonce and the 16-byte tag).
    assert_eq!(chain(&pkts[9]), "eth:ethertype:ip:tcp:tls:http");
    assert_eq!(pkts[9].sources[0].bytes.len(), 347 - 24);
    assert_eq!(only(&pkts[9], "http.request.uri", &frames[9]), "/");
    assert_eq!(
        only(&pkts[9], "http.request.full_uri", &frames[9]),
        "https://heise.de/"
    );
    assert_eq!(only(&pkts[10], "http.response.code", &frames[10]), "301");
    // Frame 13: the close_notify alert, decrypted.
    assert_eq!(only(&pkts[12], "tls.alert_message.desc", &frames[12]), "0");
    assert!(pkts.iter().all(|p| !has_expert(p, "decryption failed")));
}

/// A wrong master secret: the first protected record of each direction says
/// so, nothing decrypted is shown, and the records stay encrypted.
#[test]
fn a_wrong_master_secret_is_an_expert_item_not_garbage() {
    let wrong = HEISE_KEYS.replace(" bd01e589", " bd01e588");
    let (pkts, frames) = dissect("tls/tls12_sni_heise.pcap", &wrong);
    assert!(has_expert(&pkts[7], "decryption failed"));
    assert!(has_expert(&pkts[8], "decryption failed"));
    assert_eq!(
        pkts[7].summary.info,
        "Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message"
    );
    assert!(pkts.iter().all(|p| p.sources.is_empty()));
    assert!(pkts.iter().all(|p| !chain(p).contains("http")));
    assert_eq!(
        values(&pkts[9], "tls.app_data_proto", &frames[9]),
        ["Hypertext Transfer Protocol"]
    );
    let failures = pkts
        .iter()
        .flat_map(|p| &p.experts)
        .filter(|e| e.message.contains("decryption failed"))
        .count();
    assert_eq!(failures, 2, "one per direction");
}

/// TLS 1.3 (TLS_AES_256_GCM_SHA384) after a TLS 1.2 connection, from scapy's
/// NSS example: the server's encrypted flight becomes its handshake messages.
#[test]
fn tls13_handshake_messages_become_visible() {
    let keys = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/tls-keys/tls_nss_tls12_tls13.keys"),
    )
    .expect("key log");
    let (pkts, frames) = dissect("tls/tls_nss_tls12_tls13.pcap", &keys);
    let p = &pkts[23];
    assert_eq!(
        p.summary.info,
        "Server Hello, Change Cipher Spec, Encrypted Extensions, Certificate, Certificate Verify, Finished"
    );
    assert_eq!(
        values(p, "tls.handshake.type", &frames[23]),
        ["2", "8", "11", "15", "20"]
    );
    assert_eq!(
        values(p, "tls.record.content_type", &frames[23]),
        ["22", "20", "22", "22", "22", "22"]
    );
    assert_eq!(p.sources.len(), 4);
    // Frame 27: a NewSessionTicket under the server's application keys.
    assert_eq!(
        only(
            &pkts[26],
            "tls.handshake.session_ticket_nonce_length",
            &frames[26]
        ),
        "8"
    );
    // Frame 30: the request under the client's application keys.
    assert_eq!(
        only(&pkts[29], "http.request.uri", &frames[29]),
        "/pki/srv_key.pem"
    );
}

/// A suite without a decryptor (here AES-CCM) is remembered, so the note
/// can say why nothing is decrypted; its records are left alone.
#[test]
fn an_unsupported_suite_is_named_not_tried() {
    use super::cipher::Header;
    use super::session::{Decryption, Outcome, Tls12Hello};
    let mut d = Decryption::default();
    let hello = Tls12Hello {
        client_random: [1; 32],
        server_random: [2; 32],
        suite: 0xc0ac,
        version: 0x0303,
        encrypt_then_mac: false,
    };
    d.change_cipher_spec(&KeyLog::default(), &hello, true, 0);
    assert_eq!(d.unsupported, Some(0xc0ac));
    let h = Header {
        content_type: 23,
        version: 0x0303,
    };
    assert!(matches!(d.record(0, h, &[0; 40]), Outcome::NoKeys));
}
