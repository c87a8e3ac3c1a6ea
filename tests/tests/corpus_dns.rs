//! DNS against tshark: every capture in `shared/captures/dns/` (UDP, TCP with
//! several messages per segment and messages split across segments, IP
//! fragments) is compared field by field with tshark's JSON by
//! `shared/tools/tshark-compare` on protocol `dns`, each file on its own:
//! agreement ≥ 99.5 %, coverage ≥ 90 %.

use wirelens_tests::assert_corpus_agrees;

#[test]
fn every_dns_capture_agrees_with_tshark() {
    let files = assert_corpus_agrees(|p| p.contains("/dns/"), "dns", 99.5, 90.0);
    assert!(files >= 14, "expected the 14 DNS captures, found {files}");
}
