//! The real binary in a real terminal: `wirelens FILE` inside tmux, driven
//! with `send-keys` and read back with `capture-pane`.

mod common;

use std::process::Command;

use common::corpus;
use common::tmux::Tmux;

#[test]
fn open_filter_inspect_follow_tcp_view_quit() {
    let version = Command::new("tmux").arg("-V").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "install tmux (apt-get install tmux)"
    );
    let file = corpus("mixed/http_get.pcap");
    let t = Tmux::start(
        "main",
        &format!("{} {}", env!("CARGO_BIN_EXE_wirelens"), file.display()),
    );

    // tmux can be read between two writes of one frame: wait for every
    // part this test looks at, not for the first of them.
    let main = t.wait_for("the packet list", |s| {
        s.contains("GET /download/CHANGES.bro-aux.txt HTTP/1.1")
            && s.contains("HTTP/1.1 200 OK  (text/plain)")
            && s.contains("Packets: 14 shown / 14")
            && s.contains("0000  00 10 db 88")
    });
    assert!(main.contains("No.     Time        Source"), "{main}");
    assert!(main.contains("▶ Transmission Control Protocol, Src Port: 59856, Dst Port: 80"));
    assert!(
        main.contains("0000  00 10 db 88 d2 ef c8 bc"),
        "hex pane: {main}"
    );

    t.send(&["/", "http"]);
    t.wait_for("the filter typed", |s| s.contains(" Filter  http"));
    t.send(&["Enter"]);
    let filtered = t.wait_for("the filter applied", |s| {
        s.contains("Packets: 2 shown / 14")
    });
    assert!(filtered.contains("2 of 14 packets match"), "{filtered}");

    // Details of the GET: open IP and select its source address.
    t.send(&["Enter", "j", "j", "Right"]);
    let details = t.wait_for("the IP layer opened", |s| {
        s.contains("▼ Internet Protocol Version 4") && s.contains("Total Length: 188")
    });
    assert!(details.contains(" Packet 4 "), "{details}");

    t.send(&["f"]);
    let follow = t.wait_for("the followed stream", |s| {
        s.contains("Follow TCP Stream (tcp.stream eq 0)")
    });
    assert!(
        follow.contains("User-Agent: Wget/1.14 (darwin12.2.0)"),
        "{follow}"
    );
    assert!(follow.contains("Server: Apache/2.4.3 (Fedora)"));
    t.escape();
    t.wait_for("the main view again", |s| s.contains("No.     Time"));

    t.send(&["t"]);
    let tcp = t.wait_for("the TCP view", |s| !s.contains("No.     Time"));
    assert!(
        tcp.contains("TCP stream 0: 141.142.228.5:59856 ⇄ 192.150.187.43:80"),
        "{tcp}"
    );
    t.escape();
    t.wait_for("the main view again", |s| s.contains("No.     Time"));

    t.send(&["q"]);
    let after = t.wait_for("the program to end", |s| s.contains("[exit "));
    assert!(after.contains("[exit 0]"), "{after}");
    assert_eq!(
        t.pane("#{alternate_on}"),
        "0",
        "the alternate screen was left"
    );
    assert_eq!(t.pane("#{mouse_any_flag}"), "0", "mouse reporting is off");
}

#[test]
fn a_missing_file_is_a_message_not_a_panic() {
    let t = Tmux::start(
        "missing",
        &format!(
            "{} /nonexistent/capture.pcap",
            env!("CARGO_BIN_EXE_wirelens")
        ),
    );
    let screen = t.wait_for("the program to end", |s| s.contains("[exit "));
    assert!(
        screen.contains("wirelens: /nonexistent/capture.pcap: cannot read the capture file"),
        "{screen}"
    );
    assert!(!screen.contains("panicked"));
    assert!(screen.contains("[exit 1]"), "{screen}");
}

#[test]
fn sigterm_quits_and_restores_the_terminal() {
    let file = corpus("mixed/http_get.pcap");
    let t = Tmux::start(
        "sigterm",
        &format!("{} {}", env!("CARGO_BIN_EXE_wirelens"), file.display()),
    );
    t.wait_for("the packet list", |s| s.contains("14 shown / 14"));
    assert_eq!(
        t.pane("#{alternate_on}"),
        "1",
        "the UI is on the alternate screen"
    );
    // The pane runs `sh -c '...'`; wirelens is its child.
    let shell = t.pane("#{pane_pid}");
    let killed = Command::new("pkill")
        .args(["-TERM", "-P", &shell, "-x", "wirelens"])
        .status()
        .expect("pkill (procps) runs");
    assert!(
        killed.success(),
        "no wirelens process under the pane's shell {shell}"
    );
    let after = t.wait_for("the program to end", |s| s.contains("[exit "));
    assert!(after.contains("[exit 0]"), "{after}");
    assert_eq!(
        t.pane("#{alternate_on}"),
        "0",
        "the alternate screen was left"
    );
    assert_eq!(t.pane("#{mouse_any_flag}"), "0", "mouse reporting is off");
}
