//! SSH against tshark: every capture in `shared/captures/ssh/` (version
//! exchange, KEXINIT, DH group exchange, ECDH/curve25519 and the hybrid
//! sntrup761x25519 key exchange, NEWKEYS, encrypted packets, a KEXINIT split
//! across segments) is compared field by field with tshark's JSON by
//! `shared/tools/tshark-compare` on protocol `ssh`, each file on its own:
//! agreement ≥ 99.5 %, coverage ≥ 90 %.

use wirelens_tests::assert_corpus_agrees;

#[test]
fn every_ssh_capture_agrees_with_tshark() {
    let files = assert_corpus_agrees(|p| p.contains("/ssh/"), "ssh", 99.5, 90.0);
    assert!(files >= 6, "expected the 6 SSH captures, found {files}");
}
