//! 802.11 against tshark: every capture in `shared/captures/wifi/` that has
//! tshark's JSON beside it (radiotap and plain 802.11 link types, beacons,
//! SAE and open authentication, (re)association, the EAPOL 4-way handshake,
//! QoS data over LLC/SNAP, protected data) is compared field by field with
//! `shared/tools/tshark-compare` on `radiotap,wlan,wlan_radio,eapol,llc`,
//! each file on its own: agreement ≥ 99.5 %, coverage ≥ 85 %. The two damaged
//! 802.11 captures of `malformed/` (a PV1 frame behind a radiotap header of an
//! unknown version, a truncated mesh header) are held to the same bounds.

use std::process::Command;

use wirelens_tests::{captures, corpus_dir, sidecar, tshark_compare_tool, wirelens_print};

#[test]
fn every_wifi_capture_agrees_with_tshark() {
    let tool = tshark_compare_tool();
    let tmp = std::env::temp_dir().join(format!("wirelens-wifi-{}.json", std::process::id()));
    let mut files = 0;
    let mut failed = Vec::new();
    for cap in captures(&corpus_dir(), &[]) {
        let path = cap.to_string_lossy();
        // The damaged 802.11 frames of malformed/ are held to the same bound.
        if !path.contains("/wifi/") && !path.contains("/malformed/ieee80211") {
            continue;
        }
        let truth = sidecar(&cap, "tshark.json");
        if !truth.is_file() {
            continue;
        }
        files += 1;
        let (_, json) = wirelens_print(&["-r", cap.to_str().expect("utf-8"), "-T", "json"])
            .unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        std::fs::write(&tmp, json).expect("write json");
        let out = Command::new("python3")
            .arg(&tool)
            .arg(&tmp)
            .arg(&truth)
            .args([
                "--proto",
                "radiotap,wlan,wlan_radio,eapol,llc",
                "--min-agreement",
                "99.5",
                "--min-coverage",
                "85",
                "--show",
                "5",
            ])
            .output()
            .expect("python3 is needed to run shared/tools/tshark-compare: install python3");
        let text = String::from_utf8_lossy(&out.stdout);
        let total = text.lines().last().unwrap_or("").to_string();
        println!(
            "{}: {total}",
            cap.file_name().unwrap_or_default().to_string_lossy()
        );
        if !out.status.success() {
            failed.push(format!("{}:\n{text}", cap.display()));
        }
    }
    let _ = std::fs::remove_file(&tmp);
    assert!(
        files >= 10,
        "expected the 10 802.11 captures with tshark JSON (8 in wifi/, 2 in malformed/), found {files}"
    );
    assert!(
        failed.is_empty(),
        "below 99.5 % agreement or 85 % coverage:\n{}",
        failed.join("\n")
    );
}
