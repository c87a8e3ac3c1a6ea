//! TLS against tshark: every capture in `shared/captures/tls/` (TLS 1.0–1.3,
//! records spanning segments and several per segment, HelloRetryRequest, PSK
//! resumption, 0-RTT, GREASE, certificates with embedded SCTs) is compared
//! field by field with tshark's JSON by `shared/tools/tshark-compare` on
//! protocols `tls` and, for certificates, `x509af`, `x509if`, `x509sat`,
//! `x509ce`, `pkcs1`, `pkix1implicit`, `pkix1explicit` and `ber`, each file on
//! its own: agreement ≥ 99.5 %, coverage ≥ 90 %.

use wirelens_tests::assert_corpus_agrees;

#[test]
fn every_tls_capture_agrees_with_tshark() {
    let files = assert_corpus_agrees(
        |p| p.contains("/tls/"),
        "tls,x509af,x509if,x509sat,x509ce,pkcs1,pkix1implicit,pkix1explicit,ber",
        99.5,
        90.0,
    );
    assert!(files >= 11, "expected the 11 TLS captures, found {files}");
}
