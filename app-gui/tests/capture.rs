//! Capture › Start: the capture dialog, and a live capture followed in the
//! window. With the `live` feature the capture runs on the loopback
//! interface, with a capture filter on a port this test owns, so only its own
//! datagrams are seen (needs root or CAP_NET_RAW, as in `.ci/run`).

mod common;

use common::{harness, menu};
use wirelens_gui::WirelensApp;

#[cfg(not(feature = "live"))]
#[test]
fn without_the_live_feature_the_dialog_says_how_to_build_it() {
    use common::has_label;

    let mut harness = harness(WirelensApp::new(None));
    harness.run();
    menu(&mut harness, "Capture", "Start…");
    assert!(
        has_label(&harness, wirelens_gui::model::live::NOT_BUILT),
        "the dialog says how to build live capture"
    );
}

#[cfg(feature = "live")]
#[test]
fn a_loopback_capture_shows_its_packets_and_stops_at_the_count() {
    use std::net::UdpSocket;
    use std::time::{Duration, Instant};

    use common::{run_until_idle, status_text, table_rows, TempFile};
    use egui_kittest::kittest::Queryable;

    let receiver = UdpSocket::bind("127.0.0.1:0").expect("a UDP port");
    let port = receiver.local_addr().expect("its address").port();
    let kept = TempFile::path("gui-live.pcapng");

    let mut harness = harness(WirelensApp::new(None));
    harness.run();
    menu(&mut harness, "Capture", "Start…");
    {
        let dialog = harness
            .state_mut()
            .state
            .capture_dialog
            .as_mut()
            .expect("the dialog is open");
        dialog.chosen.insert("lo".into());
        dialog.filter = format!("udp port {port} and nonsense");
        dialog.count = "5".into();
        dialog.output = kept.0.to_string_lossy().into_owned();
    }
    harness.run();
    // libpcap's own words for a filter it cannot compile.
    assert!(
        common::labels(&harness)
            .iter()
            .any(|(_, t)| t.contains("nonsense")),
        "the bad filter is explained"
    );
    harness
        .state_mut()
        .state
        .capture_dialog
        .as_mut()
        .expect("the dialog is open")
        .filter = format!("udp port {port}");
    harness.run();
    harness.get_by_label("Start").click();
    harness.run();
    assert!(
        harness.state().state.live.is_some(),
        "the capture started: {:?}",
        harness
            .state()
            .state
            .capture_dialog
            .as_ref()
            .and_then(|d| d.error.clone())
    );

    let sender = UdpSocket::bind("127.0.0.1:0").expect("a UDP port");
    for n in 0..5 {
        sender
            .send_to(format!("wirelens {n}").as_bytes(), ("127.0.0.1", port))
            .expect("a datagram to loopback");
        std::thread::sleep(Duration::from_millis(20));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        harness.step();
        let state = &harness.state().state;
        let stopped = state.live.as_ref().is_some_and(|l| !l.is_running());
        let done = state
            .capture
            .as_ref()
            .is_some_and(|c| !c.session.is_following() && c.session.len() == 5);
        if stopped && done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the capture never ended at 5 packets"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // The dialog would cover the list.
    harness.state_mut().state.capture_dialog = None;
    run_until_idle(&mut harness);

    assert_eq!(
        status_text(&harness),
        "Capture on lo stopped: 5 captured, dropped 0 kernel · 0 interface · 0 queue"
    );
    let rows = table_rows(&harness);
    assert_eq!(rows.len(), 5, "{rows:?}");
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row[0], (n + 1).to_string());
        assert_eq!(
            (row[2].as_str(), row[3].as_str()),
            ("127.0.0.1", "127.0.0.1")
        );
        assert_eq!(row[4], "UDP");
        assert!(row[6].contains(&format!("→ {port}")), "{row:?}");
    }
    assert!(kept.0.is_file(), "the capture file is kept");
}
