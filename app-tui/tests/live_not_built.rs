//! A build without the `live` feature needs no libpcap; live capture
//! commands then say how to build it, and fail.

#![cfg(not(feature = "live"))]

use std::process::Command;

use wirelens::commands::live::NOT_BUILT;

#[test]
fn live_commands_say_how_to_enable_live_capture() {
    for args in [
        &["capture", "-i", "lo", "-c", "1"][..],
        &["interfaces"][..],
        &["-i", "lo"][..],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_wirelens"))
            .args(args)
            .output()
            .expect("the wirelens binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert_eq!(stderr.trim(), format!("wirelens: {NOT_BUILT}"), "{args:?}");
        assert!(stderr.contains("--features live"), "{stderr}");
        assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    }
}
