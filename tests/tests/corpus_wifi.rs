//! 802.11 against tshark: every capture in `shared/captures/wifi/` that has
//! tshark's JSON beside it (radiotap and plain 802.11 link types, beacons,
//! SAE and open authentication, (re)association, the EAPOL 4-way handshake,
//! QoS data over LLC/SNAP, protected data) is compared field by field with
//! `shared/tools/tshark-compare` on `radiotap,wlan,wlan_radio,eapol,llc`,
//! each file on its own: agreement ≥ 99.5 %, coverage ≥ 85 %. The two damaged
//! 802.11 captures of `malformed/` (a PV1 frame behind a radiotap header of an
//! unknown version, a truncated mesh header) are held to the same bounds.

use wirelens_tests::assert_corpus_agrees;

#[test]
fn every_wifi_capture_agrees_with_tshark() {
    // The damaged 802.11 frames of malformed/ are held to the same bound.
    let files = assert_corpus_agrees(
        |p| p.contains("/wifi/") || p.contains("/malformed/ieee80211"),
        "radiotap,wlan,wlan_radio,eapol,llc",
        99.5,
        85.0,
    );
    assert!(
        files >= 10,
        "expected the 10 802.11 captures with tshark JSON (8 in wifi/, 2 in malformed/), found {files}"
    );
}
