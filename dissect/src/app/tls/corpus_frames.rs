//! Real frames of the shared corpus the TLS unit tests use, named by file and
//! frame number and read from the corpus (once per test run) when a test first
//! needs them.

use std::sync::LazyLock;

use crate::testutil::CorpusFrame;

/// Frame 4 of tls/tls12_client_cert_sni_alpn.pcap (link type 1, 583 bytes): a
/// ClientHello with SNI certauth.idrix.fr, ALPN, key_share, padding.
pub static CLIENT_HELLO: LazyLock<Vec<u8>> =
    LazyLock::new(|| CorpusFrame::new("tls/tls12_client_cert_sni_alpn.pcap", 4).bytes());

/// Frame 6 of tls/tls12_client_cert_sni_alpn.pcap (link type 1, 1506 bytes):
/// the TLS 1.2 ServerHello answering it.
pub static SERVER_HELLO: LazyLock<Vec<u8>> =
    LazyLock::new(|| CorpusFrame::new("tls/tls12_client_cert_sni_alpn.pcap", 6).bytes());

/// Frame 6 of tls/tls13_hello_retry_request.pcap (link type 1, 173 bytes): a
/// HelloRetryRequest (secp256r1) and a ChangeCipherSpec in one segment.
pub static HELLO_RETRY: LazyLock<Vec<u8>> =
    LazyLock::new(|| CorpusFrame::new("tls/tls13_hello_retry_request.pcap", 6).bytes());

/// Frame 4 of tls/tls13_psk_resumption.pcap (link type 1, 473 bytes): a TLS 1.3
/// ClientHello offering a PSK.
pub static PSK_CLIENT_HELLO: LazyLock<Vec<u8>> =
    LazyLock::new(|| CorpusFrame::new("tls/tls13_psk_resumption.pcap", 4).bytes());
