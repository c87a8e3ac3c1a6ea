//! The TCP stream graph and the handshake timelines, driven headless on
//! corpus captures and checked against tshark's TCP analysis and the
//! `wirelens flows` report of the same file.

mod common;

use std::path::Path;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use wirelens::commands::flows::flows_json;
use wirelens_capture::CaptureFile;
use wirelens_dissect::flow::Retention;
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_gui::model::connection::ConnectionReport;
use wirelens_gui::WirelensApp;

/// tshark's `tcp.analysis` columns of `capture`: (frame, stream, retransmission).
fn tshark_tcp(capture: &Path) -> Vec<(u64, u64, bool)> {
    let text = std::fs::read_to_string(capture.with_extension("tcpanalysis.tsv"))
        .expect("the stored tshark TCP analysis");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((
                cols.first()?.parse().ok()?,
                cols.get(1)?.parse().ok()?,
                cols.get(4).is_some_and(|c| !c.is_empty()),
            ))
        })
        .collect()
}

/// Opens `capture`, selects packet `number`, opens a Statistics item and
/// waits for the connection report.
fn open_connection(
    capture: &Path,
    prefs: Prefs,
    number: u64,
    item: &str,
) -> Harness<'static, WirelensApp> {
    let mut harness = harness(WirelensApp::with_prefs(Some(capture.to_path_buf()), prefs));
    run_until_idle(&mut harness);
    harness
        .state_mut()
        .state
        .capture
        .as_mut()
        .expect("a capture")
        .select(number);
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", item);
    run_until_idle(&mut harness);
    harness
}

fn report(harness: &Harness<'_, WirelensApp>) -> ConnectionReport {
    harness
        .state()
        .state
        .connection
        .as_ref()
        .and_then(|c| c.report.clone())
        .expect("a finished report")
        .expect("the connection was analysed")
}

#[test]
fn the_tcp_graph_has_every_segment_and_tsharks_retransmissions() {
    for name in [
        "tcp/tcp_retransmit_fast.pcap",
        "tcp/tcp_reassembly_retrans_dupack.pcap",
    ] {
        let capture = corpus_file(name);
        let truth = tshark_tcp(&capture);
        let stream0: Vec<u64> = truth.iter().filter(|t| t.1 == 0).map(|t| t.0).collect();
        let retransmitted: Vec<u64> = truth
            .iter()
            .filter(|t| t.1 == 0 && t.2)
            .map(|t| t.0)
            .collect();
        assert!(!retransmitted.is_empty());

        let harness = open_connection(&capture, Prefs::default(), stream0[0], "TCP Stream Graph");
        let report = report(&harness);
        let tcp = report.tcp.as_ref().expect("a TCP connection");
        let numbers: Vec<u64> = tcp.segments.iter().map(|s| s.number).collect();
        assert_eq!(numbers, stream0, "{name}");
        let flagged: Vec<u64> = tcp
            .segments
            .iter()
            .filter(|s| s.retransmission)
            .map(|s| s.number)
            .collect();
        assert_eq!(flagged, retransmitted, "{name}");
        // The window shows the connection and the graph choices.
        assert!(has_label(
            &harness,
            &format!("{} ({} packets)", report.title, stream0.len())
        ));
        for graph in [
            "Time / Sequence (Stevens)",
            "Throughput",
            "Round Trip Time",
            "Bytes in flight / cwnd",
        ] {
            assert!(harness.query_by_label(graph).is_some(), "{graph}");
        }
        // The sender's congestion window and flight size were estimated.
        let busiest = tcp
            .senders
            .iter()
            .max_by_key(|s| s.in_flight.len())
            .expect("two senders");
        assert!(
            !busiest.in_flight.is_empty() && !busiest.cwnd.is_empty(),
            "{name}"
        );
    }
}

/// Every flow's timeline labels from `wirelens flows` (a full pass with
/// full retention), by protocol key ("timeline" for TCP, "tls", ...).
fn flows_timelines(capture: &Path, prefs: Prefs) -> Vec<serde_json::Value> {
    let file = CaptureFile::open(capture).expect("the capture opens");
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut dissector = Dissector::new(Prefs {
        retention: Retention::FULL,
        ..prefs
    });
    let mut pkt = Packet::new(false);
    let mut packets = file.packets();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
    }
    flows_json(dissector.state(), None).collect()
}

fn labels_of(events: &serde_json::Value) -> Vec<String> {
    events
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|e| e["label"].as_str().expect("a label").to_owned())
        .collect()
}

#[test]
fn the_tcp_handshake_timeline_is_the_flow_reports() {
    let capture = corpus_file("mixed/http_get.pcap");
    let flows = flows_timelines(&capture, Prefs::default());
    assert_eq!(flows.len(), 1);
    let expected = labels_of(&flows[0]["timeline"]);
    assert_eq!(expected[..3], ["SYN", "SYN, ACK", "ACK"].map(str::to_owned));

    // Opened from the last packet of the connection, not its first.
    let harness = open_connection(&capture, Prefs::default(), 14, "Handshake Timeline");
    let report = report(&harness);
    let tcp = &report.timelines[0];
    assert_eq!(tcp.protocol, "TCP");
    let shown: Vec<String> = tcp.events.iter().map(|e| e.label.to_string()).collect();
    assert_eq!(shown, expected);
    for label in &expected {
        assert!(has_label(&harness, label), "arrow {label:?} is drawn");
    }
    assert!(has_label(
        &harness,
        &format!("client {}", report.endpoints[0])
    ));
    assert!(has_label(
        &harness,
        &format!("server {}", report.endpoints[1])
    ));
}

#[test]
fn a_decrypted_tls_connection_has_a_tls_timeline_tab() {
    let capture = sample_file("tls/tls12_aead.pcap");
    let mut prefs = Prefs::default();
    prefs
        .read_tls_keylog(&sample_file("tls/tls12_aead.keys").to_string_lossy())
        .expect("key log");
    let flows = flows_timelines(&capture, prefs.clone());
    let expected = labels_of(&flows[0]["tls"]["timeline"]);
    assert!(
        expected.iter().any(|l| l.starts_with("ClientHello")),
        "{expected:?}"
    );

    let mut harness = harness(WirelensApp::with_prefs(Some(capture.clone()), prefs));
    run_until_idle(&mut harness);
    // The first packet of a flow (the capture starts with other traffic).
    let session = std::sync::Arc::clone(
        &harness
            .state()
            .state
            .capture
            .as_ref()
            .expect("a capture")
            .session,
    );
    let first = (1..=session.len())
        .find(|&n| session.entry(n).is_some_and(|e| e.stream != 0))
        .expect("a packet of a flow");
    harness
        .state_mut()
        .state
        .capture
        .as_mut()
        .expect("a capture")
        .select(first);
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Handshake Timeline");
    run_until_idle(&mut harness);
    let report = report(&harness);
    let tls = report
        .timelines
        .iter()
        .find(|t| t.protocol == "TLS")
        .expect("a TLS timeline");
    let shown: Vec<String> = tls.events.iter().map(|e| e.label.to_string()).collect();
    assert_eq!(shown, expected);
    harness.get_by_label("TLS").click();
    harness.run();
    assert!(has_label(&harness, &expected[0]));
}

#[test]
fn an_eapol_handshake_shows_as_the_stations_timeline() {
    let capture = corpus_file("wifi/ieee80211_noradiotap_4way.pcap");
    // The station timeline of a plain full pass with full retention.
    let file = CaptureFile::open(&capture).expect("the capture opens");
    let mut dissector = Dissector::new(Prefs {
        retention: Retention::FULL,
        ..Prefs::default()
    });
    let mut pkt = Packet::new(false);
    let mut packets = file.packets();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), false);
        dissector.dissect(&meta, frame.data, &mut pkt);
    }
    let (_, station) = dissector
        .state()
        .wifi
        .stations
        .iter()
        .find(|(_, s)| !s.eapol_msgs.is_empty())
        .expect("a station with an EAPOL handshake");
    let events = station.timeline.events().to_vec();
    let first = events[0].frame;

    let harness = open_connection(&capture, Prefs::default(), first, "Handshake Timeline");
    let report = report(&harness);
    assert_eq!(report.timelines.len(), 1);
    assert_eq!(report.timelines[0].protocol, "802.11");
    assert_eq!(report.timelines[0].events, events);
    for e in &events {
        assert!(has_label(&harness, &e.label), "{:?}", e.label);
    }
}

/// Payload bytes per sender in tshark's JSON of `capture` (`tcp.len`,
/// keyed by `ip.src`), in order of first appearance.
fn tshark_payload(capture: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(capture.with_extension("tshark.json"))
        .expect("the stored tshark JSON");
    let packets: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let mut out: Vec<(String, u64)> = Vec::new();
    for p in packets.as_array().expect("an array") {
        let layers = &p["_source"]["layers"];
        let src = layers["ip"]["ip.src"]
            .as_str()
            .expect("an IPv4 source")
            .to_owned();
        let len: u64 = layers["tcp"]["tcp.len"]
            .as_str()
            .expect("a TCP length")
            .parse()
            .expect("a number");
        match out.iter_mut().find(|(s, _)| *s == src) {
            Some((_, n)) => *n += len,
            None => out.push((src, len)),
        }
    }
    out
}

#[test]
fn follow_stream_collects_each_sides_payload() {
    let capture = corpus_file("mixed/http_get.pcap");
    let payload = tshark_payload(&capture);
    assert_eq!(payload.len(), 2);
    let mut harness = harness(WirelensApp::new(Some(capture)));
    run_until_idle(&mut harness);
    harness.get_by_label("4").click();
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Follow Stream");
    run_until_idle(&mut harness);
    assert!(harness.query_by_label("Follow TCP stream 0").is_some());
    let summary = format!(
        "client → server {} bytes, server → client {} bytes, missing 0 / 0 bytes",
        payload[0].1, payload[1].1
    );
    assert!(has_label(&harness, &summary), "{summary}");
    // The client's side, in its colour, starts with the request.
    assert!(labels(&harness).iter().any(|(_, t)| t.starts_with("GET /")));
}

#[test]
fn the_flow_table_shows_the_flow_report() {
    let capture = corpus_file("mixed/http_get.pcap");
    let flows = flows_timelines(&capture, Prefs::default());
    let flow = &flows[0];
    let mut harness = harness(WirelensApp::new(Some(capture)));
    run_until_idle(&mut harness);
    menu(&mut harness, "Statistics", "Flows");
    run_until_idle(&mut harness);
    assert!(has_label(&harness, "1 flows"));
    for key in ["conn_state", "history", "orig_bytes", "resp_bytes"] {
        let cell = wirelens_gui::views::flow_table::cell(flow.get(key));
        assert!(!cell.is_empty(), "{key}");
        assert!(has_label(&harness, &cell), "{key} = {cell}");
    }
}

/// The first packet of a flow to or from `port`, from the index's
/// interned addresses.
fn first_packet_on_port(session: &wirelens_capture::session::Session, port: u16) -> Option<u64> {
    let index = session.snapshot();
    session.with_analysis(|a| {
        index
            .iter()
            .find(|(_, e)| {
                e.stream != 0
                    && a.addrs
                        .get(e.addrs)
                        .is_some_and(|x| x.src_port == Some(port) || x.dst_port == Some(port))
            })
            .map(|(n, _)| n)
    })
}

/// SSH, HTTP/2 and BGP: the timeline tab of the first connection carrying
/// the protocol equals the `wirelens flows` report's timeline of that flow.
#[test]
fn ssh_http2_and_bgp_timelines_are_the_flow_reports() {
    for (file, key, protocol) in [
        ("ssh/ssh_kex_curve25519.pcap", "ssh", "SSH"),
        ("http2/h2c_doh_prior_knowledge.pcap", "http2", "HTTP/2"),
        ("bgp/bgp_4byte_asn_session.pcap", "bgp", "BGP"),
    ] {
        let capture = corpus_file(file);
        let flows = flows_timelines(&capture, Prefs::default());
        let flow = flows
            .iter()
            .find(|f| f.get(key).is_some())
            .unwrap_or_else(|| panic!("{file}: no {key} flow"));
        let expected = labels_of(&flow[key]["timeline"]);
        assert!(!expected.is_empty(), "{file}");
        // A packet of the flow: the first on its server port.
        let mut harness = harness(WirelensApp::new(Some(capture.clone())));
        run_until_idle(&mut harness);
        let session = std::sync::Arc::clone(
            &harness
                .state()
                .state
                .capture
                .as_ref()
                .expect("a capture")
                .session,
        );
        let port = flow["id.resp_p"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .expect("a port");
        let first = first_packet_on_port(&session, port).expect("a packet of the flow");
        harness
            .state_mut()
            .state
            .capture
            .as_mut()
            .expect("a capture")
            .select(first);
        run_until_idle(&mut harness);
        menu(&mut harness, "Statistics", "Handshake Timeline");
        run_until_idle(&mut harness);
        let report = report(&harness);
        let shown = report
            .timelines
            .iter()
            .find(|t| t.protocol == protocol)
            .unwrap_or_else(|| panic!("{file}: no {protocol} tab"));
        let labels: Vec<String> = shown.events.iter().map(|e| e.label.to_string()).collect();
        assert_eq!(labels, expected, "{file}");
        let tab = [Role::Button, Role::CheckBox, Role::Tab]
            .into_iter()
            .any(|role| harness.query_by_role_and_label(role, protocol).is_some());
        assert!(tab, "{file}: the {protocol} tab");
    }
}
