//! The views over the main view, drawn into a `TestBackend` on corpus
//! captures: follow stream, statistics, the TCP view's place, save and export.

mod common;

use common::{corpus, Ui};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use wirelens::commands::stats::{conv_table, ConvKind};
use wirelens::tui::app::Overlay;
use wirelens_capture::CaptureFile;

const HTTP: &str = "mixed/http_get.pcap";
const DNS_HTTP: &str = "mixed/wikipedia_dns_http.pcap";

#[test]
fn follow_stream_shows_both_sides_in_their_colours_and_filters_the_stream() {
    let mut ui = Ui::open(HTTP, 160, 48);
    ui.keys("jjj"); // packet 4, the GET
    ui.key(KeyCode::Char('f'));
    assert!(
        matches!(ui.app.overlay, Some(Overlay::Follow(_))),
        "{}",
        ui.text()
    );
    let text = ui.text();
    assert!(text.contains("Follow TCP Stream (tcp.stream eq 0)"));
    let followed = wirelens::commands::follow::follow(
        &CaptureFile::open(&corpus(HTTP)).expect("opens"),
        0,
        false,
    )
    .expect("follows");
    let request = String::from_utf8_lossy(&followed.bytes_from(0)).into_owned();
    let response = String::from_utf8_lossy(&followed.bytes_from(1)).into_owned();
    let first_request_line = request.lines().next().expect("a request");
    let first_response_line = response.lines().next().expect("a response");
    assert_eq!(
        first_request_line,
        "GET /download/CHANGES.bro-aux.txt HTTP/1.1"
    );
    let (x, y) = ui.find(first_request_line.trim_end()).expect("the request");
    assert_eq!(ui.cell(x, y).fg, Color::Rgb(0x7f, 0, 0), "client in red");
    let (x, y) = ui
        .find(first_response_line.trim_end())
        .expect("the response");
    assert_eq!(ui.cell(x, y).fg, Color::Rgb(0, 0, 0x7f), "server in blue");
    // The request comes before the response, interleaved as captured.
    assert!(ui.find("Host: bro.org").map(|p| p.1) < Some(y));
    ui.key(KeyCode::Char('h'));
    assert!(ui.text().contains("00000000  47 45 54 20"), "hex: GET");
    ui.key(KeyCode::Char('f'));
    assert!(ui.app.overlay.is_none());
    assert_eq!(ui.app.filter.applied.as_deref(), Some("tcp.stream eq 0"));
    assert!(ui.text().contains("Packets: 14 shown / 14"));
}

#[test]
fn conversations_endpoints_hierarchy_and_expert_tables() {
    let mut ui = Ui::open(DNS_HTTP, 160, 60);
    ui.key(KeyCode::Char('s'));
    let Some(Overlay::Stats(view)) = &ui.app.overlay else {
        panic!("statistics open");
    };
    let rows = ui
        .app
        .session()
        .with_analysis(|a| conv_table(a.state(), ConvKind::Tcp).1.rows.clone());
    assert_eq!(view.cells().len(), rows.len());
    let r = rows[0];
    let first = format!("{}:{}", r.a.addr, r.a.port);
    assert!(ui.text().contains(&first), "{first}");
    // Sorted by packets (third column), largest first.
    ui.keys("sss");
    let Some(Overlay::Stats(view)) = &ui.app.overlay else {
        panic!("statistics open");
    };
    let packets: Vec<u64> = view
        .cells()
        .iter()
        .map(|c| c[2].parse().expect("a count"))
        .collect();
    assert!(packets.windows(2).all(|w| w[0] >= w[1]), "{packets:?}");
    let most = rows.iter().map(|r| r.tx_frames + r.rx_frames).max();
    assert_eq!(packets.first().copied(), most);
    assert!(ui.text().contains("Packets ▼"));
    ui.key(KeyCode::Char('r'));
    assert!(ui.text().contains("Packets ▲"));
    // UDP endpoints.
    ui.key(KeyCode::Char('2'));
    ui.key(KeyCode::Right);
    assert!(ui.text().contains("Tx Packets"));
    let udp = ui.app.session().with_analysis(|a| {
        wirelens::commands::stats::endpoints(conv_table(a.state(), ConvKind::Udp).1)
    });
    let (ep, row) = &udp[0];
    let line = ui
        .lines()
        .into_iter()
        .find(|l| l.contains(&format!("{}:{} ", ep.addr, ep.port)))
        .expect("the busiest UDP endpoint");
    assert!(
        line.contains(&format!(" {} ", row.tx_frames + row.rx_frames)),
        "{line}"
    );
    ui.key(KeyCode::Char('3'));
    let text = ui.text();
    for p in [
        "eth",
        "  ip",
        "    udp",
        "      dns",
        "    tcp",
        "      http",
    ] {
        assert!(text.contains(p), "hierarchy has {p:?}: {text}");
    }
    ui.key(KeyCode::Char('4'));
    assert!(ui.text().contains("Severity"));
    ui.key(KeyCode::Esc);
    assert!(ui.app.overlay.is_none());
}

#[test]
fn an_expert_item_jumps_to_its_packet() {
    let mut ui = Ui::open("tcp/tcp_retransmit_fast.pcap", 160, 48);
    ui.key(KeyCode::Char('s'));
    ui.key(KeyCode::Char('4'));
    // The first warning in the table.
    let Some(Overlay::Stats(view)) = &ui.app.overlay else {
        panic!("statistics open");
    };
    let at = view
        .cells()
        .iter()
        .position(|c| c[0] == "Warning")
        .expect("a warning");
    let message = view.cells()[at][4].clone();
    for _ in 0..at {
        ui.key(KeyCode::Down);
    }
    ui.key(KeyCode::Enter);
    assert!(ui.app.overlay.is_none());
    let d = ui.app.detail.packet.clone().expect("a packet");
    assert!(
        d.packet
            .experts
            .iter()
            .any(|e| e.message == message.as_str()),
        "packet {} has {message:?}",
        d.number
    );
    assert_eq!(
        ui.app.list.selected_number(ui.app.session().len()),
        Some(d.number)
    );
}

#[test]
fn t_opens_the_tcp_view_of_the_stream_esc_returns_and_enter_jumps() {
    let mut ui = Ui::open(HTTP, 160, 48);
    ui.keys("jj");
    ui.key(KeyCode::Char('t'));
    let Some(Overlay::Tcp(view)) = &ui.app.overlay else {
        panic!("the TCP view: {}", ui.text());
    };
    let events: Vec<u64> = view.data().events().iter().map(|e| e.frame).collect();
    let text = ui.text();
    assert!(
        text.contains("TCP stream 0: 141.142.228.5:59856 ⇄ 192.150.187.43:80"),
        "{text}"
    );
    assert!(!text.contains("No.     Time"), "drawn over the list");
    ui.key(KeyCode::Esc);
    assert!(ui.app.overlay.is_none());
    assert!(ui.text().contains("No.     Time"));
    // Enter on the timeline's second event selects its packet.
    ui.key(KeyCode::Char('t'));
    ui.key(KeyCode::Char('j'));
    ui.key(KeyCode::Enter);
    assert!(ui.app.overlay.is_none());
    let total = ui.app.session().len();
    assert_eq!(ui.app.list.selected_number(total), Some(events[1]));
    assert!(ui.text().contains(&format!(" Packet {} ", events[1])));
}

#[test]
fn t_on_a_packet_without_tcp_says_so() {
    let mut ui = Ui::open("dns/dns_a_aaaa_mx.pcap", 160, 48);
    ui.key(KeyCode::Char('t'));
    assert!(ui.app.overlay.is_none());
    assert!(ui.text().contains("not a TCP packet"), "{}", ui.text());
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("wirelens-tui-{}-{name}", std::process::id()))
}

#[test]
fn save_the_filtered_packets_as_pcapng() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    ui.keys("/http");
    ui.key(KeyCode::Enter);
    let shown: Vec<u64> = match &ui.app.list.shown {
        wirelens::tui::views::packet_list::Shown::Filtered { matches, .. } => matches.to_vec(),
        _ => panic!("filtered"),
    };
    let out = temp("saved.pcapng");
    ui.key(KeyCode::Char('w'));
    assert!(ui.text().contains("Save the shown packets"));
    ui.ctrl('u');
    ui.keys(&out.display().to_string());
    ui.key(KeyCode::Enter);
    assert!(
        ui.text()
            .contains(&format!("saved {} packets", shown.len())),
        "{}",
        ui.text()
    );
    let saved = CaptureFile::open(&out).expect("a capture");
    let original = CaptureFile::open(&corpus(DNS_HTTP)).expect("opens");
    let originals: Vec<Vec<u8>> = original
        .packets()
        .map_while(Result::ok)
        .filter(|f| shown.contains(&f.number))
        .map(|f| f.data.to_vec())
        .collect();
    let written: Vec<Vec<u8>> = saved
        .packets()
        .map_while(Result::ok)
        .map(|f| f.data.to_vec())
        .collect();
    assert_eq!(written, originals);
    assert!(matches!(
        saved.format(),
        wirelens_capture::FileFormat::PcapNg
    ));
    let _ = std::fs::remove_file(&out);
}

#[test]
fn export_the_selected_flow_as_json() {
    let mut ui = Ui::open(HTTP, 160, 48);
    let out = temp("flow.json");
    ui.key(KeyCode::Char('x'));
    ui.ctrl('u');
    ui.keys(&out.display().to_string());
    ui.key(KeyCode::Enter);
    assert!(
        ui.text().contains("exported the flow (tcp.stream == 0)"),
        "{}",
        ui.text()
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("written")).expect("JSON");
    let flows = json.as_array().expect("an array");
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0]["id.orig_h"], "141.142.228.5");
    assert_eq!(flows[0]["id.resp_p"], 80);
    let _ = std::fs::remove_file(&out);
}

#[test]
fn follow_a_udp_stream() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    // Packet 1 is an mDNS query: UDP stream 0.
    ui.key(KeyCode::Char('f'));
    assert!(matches!(ui.app.overlay, Some(Overlay::Follow(_))));
    assert!(
        ui.text().contains("Follow UDP Stream (udp.stream eq 0)"),
        "{}",
        ui.text()
    );
    let followed = wirelens::commands::follow::follow(
        &CaptureFile::open(&corpus(DNS_HTTP)).expect("opens"),
        0,
        true,
    )
    .expect("follows");
    let [a, b] = followed.nodes.expect("two sides");
    assert!(
        ui.text().contains(&format!("{a} → {b}: 1 chunks")),
        "{}",
        ui.text()
    );
    ui.key(KeyCode::Esc);
    assert!(ui.app.overlay.is_none());
}

#[test]
fn a_key_pressed_before_the_tree_arrives_acts_when_it_does() {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let mut ui = Ui::open(HTTP, 160, 48);
    // No tick between the two keys: packet 4's tree is not there yet.
    for c in ['j', 'j', 'j', 'f'] {
        ui.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    assert!(ui.app.overlay.is_none());
    ui.settle();
    assert!(
        matches!(ui.app.overlay, Some(Overlay::Follow(_))),
        "{}",
        ui.text()
    );
    assert!(ui.text().contains("Follow TCP Stream (tcp.stream eq 0)"));
}
