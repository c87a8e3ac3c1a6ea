//! TLS against tshark: every capture in `shared/captures/tls/` (TLS 1.0–1.3,
//! records spanning segments and several per segment, HelloRetryRequest, PSK
//! resumption, 0-RTT, GREASE, certificates with embedded SCTs) is compared
//! field by field with tshark's JSON by `shared/tools/tshark-compare` on
//! protocols `tls` and, for certificates, `x509af`, `x509if`, `x509sat`,
//! `x509ce`, `pkcs1`, `pkix1implicit`, `pkix1explicit` and `ber`, each file on
//! its own: agreement ≥ 99.5 %, coverage ≥ 90 %.

use std::process::Command;

use wirelens_tests::{captures, corpus_dir, sidecar, tshark_compare_tool, wirelens_print};

#[test]
fn every_tls_capture_agrees_with_tshark() {
    let tool = tshark_compare_tool();
    let tmp = std::env::temp_dir().join(format!("wirelens-tls-{}.json", std::process::id()));
    let mut files = 0;
    let mut failed = Vec::new();
    for cap in captures(&corpus_dir(), &[]) {
        if !cap.to_string_lossy().contains("/tls/") {
            continue;
        }
        files += 1;
        let (_, json) = wirelens_print(&[
            "-r",
            cap.to_str().expect("utf-8"),
            "-T",
            "json",
            "-o",
            "ip.check_checksum:FALSE",
            "-o",
            "tcp.check_checksum:FALSE",
            "-o",
            "udp.check_checksum:FALSE",
        ])
        .unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        std::fs::write(&tmp, json).expect("write json");
        let out = Command::new("python3")
            .arg(&tool)
            .arg(&tmp)
            .arg(sidecar(&cap, "tshark.json"))
            .args([
                "--proto",
                "tls,x509af,x509if,x509sat,x509ce,pkcs1,pkix1implicit,pkix1explicit,ber",
                "--min-agreement",
                "99.5",
                "--min-coverage",
                "90",
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
    assert!(files >= 11, "expected the 11 TLS captures, found {files}");
    assert!(
        failed.is_empty(),
        "below 99.5 % agreement or 90 % coverage:\n{}",
        failed.join("\n")
    );
}
