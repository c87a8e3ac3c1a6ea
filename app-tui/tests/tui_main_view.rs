//! The main view drawn into a `TestBackend` on corpus captures: packet list,
//! detail tree, hex pane, filter bar, status bar, help, small terminals.

mod common;

use common::{corpus, Ui};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use wirelens::cli::{Format, OpenArgs, PrintArgs, SaveFormatArg};
use wirelens::tui::app::{Overlay, Pane};
use wirelens::tui::open_session;
use wirelens::tui::views::detail::LineKind;
use wirelens::tui::views::help::KEYS;
use wirelens_capture::session::Config;
use wirelens_capture::CaptureFile;
use wirelens_dissect::model::{Severity, Summary};
use wirelens_dissect::{Dissector, Packet};

const DNS_HTTP: &str = "mixed/wikipedia_dns_http.pcap";

/// Every packet's summary, dissected in one pass outside the UI.
fn summaries(rel: &str) -> Vec<(Summary, u32)> {
    let file = CaptureFile::open(&corpus(rel)).expect("opens");
    let mut d = Dissector::new(Config::default().prefs);
    let mut pkt = Packet::new(false);
    let mut packets = file.packets();
    let mut out = Vec::new();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), false);
        d.dissect(&meta, frame.data, &mut pkt);
        out.push((pkt.summary.clone(), frame.orig_len));
    }
    out
}

/// Screen lines of the packet list rows, with the packet number each shows.
fn list_rows(ui: &Ui) -> Vec<(u64, String, u16)> {
    let (_, header) = ui.find("No.     Time").expect("the list header");
    ui.lines()
        .into_iter()
        .enumerate()
        .skip(header as usize + 1)
        .map_while(|(y, l)| {
            let n = l.split_whitespace().next()?.parse().ok()?;
            Some((n, l, y as u16))
        })
        .collect()
}

#[test]
fn packet_list_rows_show_the_dissected_columns() {
    let ui = Ui::open(DNS_HTTP, 160, 48);
    let expected = summaries(DNS_HTTP);
    let rows = list_rows(&ui);
    assert!(rows.len() >= 15, "a screenful of rows: {}", rows.len());
    for (n, line, _) in &rows {
        let (s, len) = &expected[*n as usize - 1];
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[2], s.src.to_string(), "source of {n}: {line}");
        assert_eq!(cols[3], s.dst.to_string(), "destination of {n}: {line}");
        assert_eq!(cols[4], s.protocol, "protocol of {n}: {line}");
        assert_eq!(cols[5], len.to_string(), "length of {n}: {line}");
        // Info fills the rest of the line, cut at the screen's edge.
        let info: String = s.info.chars().take(40).collect();
        assert!(line.contains(&info), "info of {n}: {info:?} in {line}");
    }
    assert!(ui
        .text()
        .contains(&format!("Packets: {0} shown / {0}", expected.len())));
}

#[test]
fn rows_are_coloured_by_protocol_and_the_selection_stands_out() {
    let ui = Ui::open(DNS_HTTP, 160, 48);
    let expected = summaries(DNS_HTTP);
    let mut seen = [false; 3];
    for (n, _, y) in list_rows(&ui) {
        let bg = ui.cell(20, y).bg;
        if n == 1 {
            assert_eq!(bg, Color::Blue, "the selected row");
            continue;
        }
        match expected[n as usize - 1].0.protocol {
            "DNS" => {
                assert_eq!(bg, Color::Rgb(0xda, 0xee, 0xff), "UDP colour of {n}");
                seen[0] = true;
            }
            "HTTP" => {
                assert_eq!(bg, Color::Rgb(0xe4, 0xff, 0xc7), "HTTP colour of {n}");
                seen[1] = true;
            }
            "TCP" => {
                seen[2] = true;
            }
            _ => {}
        }
    }
    assert!(
        seen.iter().all(|&s| s),
        "DNS, HTTP and TCP rows on the first screen: {seen:?}"
    );
}

#[test]
fn keys_move_the_selection_and_scroll() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    let total = summaries(DNS_HTTP).len() as u64;
    ui.key(KeyCode::Char('G'));
    let rows = list_rows(&ui);
    assert_eq!(
        rows.last().map(|r| r.0),
        Some(total),
        "G shows the last packet"
    );
    assert_eq!(ui.app.list.selected_number(total), Some(total));
    assert!(
        ui.text().contains(&format!(" Packet {total} ")),
        "its tree is shown"
    );
    ui.key(KeyCode::Char('k'));
    assert_eq!(ui.app.list.selected_number(total), Some(total - 1));
    ui.key(KeyCode::Char('g'));
    assert_eq!(list_rows(&ui).first().map(|r| r.0), Some(1));
    ui.key(KeyCode::PageDown);
    let page = ui.app.list.height as u64 - 1;
    assert_eq!(ui.app.list.selected_number(total), Some(1 + page));
    ui.key(KeyCode::Char('j'));
    assert_eq!(ui.app.list.selected_number(total), Some(2 + page));
    // The time column switches between relative, absolute and delta.
    let first_time = |ui: &Ui| {
        list_rows(ui)[1]
            .1
            .split_whitespace()
            .nth(1)
            .map(String::from)
    };
    ui.key(KeyCode::Char('g'));
    let relative = first_time(&ui);
    ui.key(KeyCode::Char('T'));
    assert!(ui.text().contains("Time (UTC)"));
    let absolute = first_time(&ui).expect("a time");
    assert_eq!(absolute.matches(':').count(), 2, "{absolute}");
    ui.key(KeyCode::Char('T'));
    assert!(ui.text().contains("Delta"));
    ui.key(KeyCode::Char('T'));
    assert_eq!(first_time(&ui), relative);
}

/// Column of byte `i` of a hex line, and of its ASCII character.
fn hex_columns(i: usize) -> (u16, u16) {
    let k = i % 16;
    let hex = 6 + 3 * k + usize::from(k >= 8);
    let ascii = 6 + 16 * 3 + 1 + 1 + k;
    (hex as u16, ascii as u16)
}

#[test]
fn the_selected_field_s_bytes_are_highlighted_in_the_hex_pane() {
    let mut ui = Ui::open("mixed/http_get.pcap", 160, 48);
    ui.key(KeyCode::Tab);
    assert_eq!(ui.app.focus, Pane::Detail);
    // Frame, Ethernet, IP: open IP and go to its source address.
    ui.keys("jj");
    ui.key(KeyCode::Right);
    let ip_lines = ui.app.detail.visible().len();
    assert!(ip_lines > 4, "IP expanded: {ip_lines} lines");
    while ui
        .app
        .detail
        .selected()
        .is_some_and(|l| !l.text.starts_with("Source Address"))
    {
        ui.key(KeyCode::Down);
    }
    let line = ui.app.detail.selected().cloned().expect("a line");
    assert_eq!(line.text, "Source Address: 141.142.228.5");
    assert!(ui.text().contains("  Source Address: 141.142.228.5"));
    let span = line.span.range();
    assert_eq!(span, 26..30, "IPv4 source address bytes");
    let (_, top) = ui.find("0000  00 10 db 88").expect("the hex pane");
    for i in 0..48 {
        let y = top + (i / 16) as u16;
        let (hx, ax) = hex_columns(i);
        let marked = span.contains(&i);
        for x in [hx, hx + 1, ax] {
            let highlighted = ui.cell(x, y).bg == Color::Yellow;
            assert_eq!(highlighted, marked, "byte {i} at column {x}");
        }
    }
    let (hx, _) = hex_columns(26);
    let hex: String = (0..11)
        .map(|k| ui.cell(hx + k, top + 1).symbol().to_string())
        .collect();
    assert_eq!(hex, "8d 8e e4 05", "141.142.228.5 in hex");
}

#[test]
fn reassembled_data_has_its_own_tab() {
    let mut ui = Ui::open("mixed/http_get.pcap", 160, 48);
    // Packet 9 completes the HTTP response reassembled from 6..9.
    for _ in 0..8 {
        ui.key(KeyCode::Down);
    }
    assert!(ui.text().contains(" Packet 9 "));
    let tabs = ui
        .lines()
        .into_iter()
        .find(|l| l.contains("[Frame ("))
        .expect("tabs");
    assert!(tabs.contains("[Reassembled TCP ("), "{tabs}");
    ui.key(KeyCode::Tab);
    ui.key(KeyCode::Tab);
    assert_eq!(ui.app.focus, Pane::Hex);
    ui.key(KeyCode::Right);
    assert_eq!(ui.app.hex.tab, 1);
    assert!(
        ui.text().contains("HTTP/1.1 200 OK"),
        "the reassembled bytes: {}",
        ui.text()
    );
    // Selecting a line of the reassembled PDU shows its tab by itself.
    ui.key(KeyCode::Left);
    assert_eq!(ui.app.hex.tab, 0);
    ui.key(KeyCode::BackTab);
    // The last layer is the body's line-based text; HTTP is the one above.
    ui.key(KeyCode::Char('G'));
    let last = ui.app.detail.selected().cloned().expect("the last layer");
    assert_eq!(last.text, "Line-based text data: text/plain (159 lines)");
    ui.key(KeyCode::Up);
    ui.key(KeyCode::Right);
    ui.key(KeyCode::Down);
    let line = ui.app.detail.selected().cloned().expect("a line");
    assert_eq!(line.source, 1, "{}", line.text);
    assert_eq!(ui.app.hex.tab, 1);
    let (x, y) = ui.find("48 54 54 50").expect("HTTP in hex");
    assert_eq!(
        ui.cell(x, y).bg,
        Color::Yellow,
        "the status line is highlighted"
    );
}

#[test]
fn expert_items_show_in_the_tree() {
    let mut ui = Ui::open("tcp/tcp_retransmit_fast.pcap", 160, 48);
    let n = ui
        .app
        .session()
        .expert_packet(0, wirelens_capture::session::access::Direction::Next, 3)
        .expect("a packet with a warning");
    ui.app.go_to_packet(n);
    ui.settle();
    let worst = {
        let d = ui.app.detail.packet.clone().expect("the tree");
        assert_eq!(d.number, n);
        d.packet
            .experts
            .iter()
            .map(|e| e.severity)
            .max()
            .expect("experts")
    };
    ui.key(KeyCode::Tab);
    // Expanded, the tree shows each expert item where it was raised.
    ui.key(KeyCode::Char('e'));
    let header = format!("[Expert Info ({}/", worst.name());
    let visible = ui.app.detail.visible();
    let at = visible
        .iter()
        .position(|&i| ui.app.detail.lines[i].text.starts_with(&header))
        .unwrap_or_else(|| {
            let texts: Vec<&str> = visible
                .iter()
                .map(|&i| ui.app.detail.lines[i].text.as_str())
                .collect();
            panic!("no {header} line in the tree: {texts:#?}")
        });
    let line = ui.app.detail.lines[visible[at]].clone();
    assert!(matches!(line.kind, LineKind::Expert(_)), "{}", line.text);
    // Scrolled into view, the cursor one line above it so its colour shows.
    ui.app.detail.cursor = at;
    ui.app.detail.scroll_to_cursor();
    ui.key(KeyCode::Up);
    let (x, y) = ui.find(&line.text).expect("shown");
    let colour = match worst.name() {
        "Error" => Color::Red,
        "Warning" => Color::Yellow,
        _ => Color::Cyan,
    };
    assert_eq!(ui.cell(x + 1, y).fg, colour, "{}", line.text);
    assert!(
        ui.text().contains(&header),
        "the worst item shows: {}",
        ui.text()
    );
    // Collapse all hides them again.
    ui.key(KeyCode::Char('E'));
    assert!(!ui.text().contains("[Expert Info ("));
}

fn print_matches(rel: &str, filter: &str) -> Vec<u64> {
    let args = PrintArgs {
        file: corpus(rel),
        count: None,
        quiet: false,
        verbose: false,
        hex: false,
        format: Format::Text,
        fields: Vec::new(),
        field_options: Vec::new(),
        write: None,
        save_format: SaveFormatArg::Pcapng,
        display_filter: Some(filter.into()),
        time_format: Default::default(),
        prefs: Vec::new(),
        tls_keylog: None,
    };
    let mut out = Vec::new();
    wirelens::commands::print::print(&args, &mut out).expect("print");
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn the_filter_bar_validates_as_you_type_and_filters() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    let total = summaries(DNS_HTTP).len();
    ui.keys("/tcp.port == ");
    assert!(ui.app.filter.editing);
    let error = ui.app.filter.error.clone().expect("incomplete filter");
    let (x, y) = ui.find(" Filter ").expect("the bar");
    assert_eq!(ui.cell(x, y).bg, Color::Red);
    assert!(ui.text().contains(&format!("(column {})", error.pos + 1)));
    ui.keys("80");
    assert!(ui.app.filter.error.is_none());
    assert_eq!(ui.cell(x, y).bg, Color::Green);
    ui.key(KeyCode::Enter);
    let expected = print_matches(DNS_HTTP, "tcp.port == 80");
    assert!(!expected.is_empty() && expected.len() < total);
    assert!(
        ui.text()
            .contains(&format!("Packets: {} shown / {total}", expected.len())),
        "{}",
        ui.text()
    );
    let shown: Vec<u64> = list_rows(&ui).iter().map(|r| r.0).collect();
    assert_eq!(shown, expected[..shown.len()]);
    // An empty filter shows every packet again.
    ui.keys("/");
    ui.ctrl('u');
    ui.key(KeyCode::Enter);
    assert!(ui
        .text()
        .contains(&format!("Packets: {total} shown / {total}")));
}

#[test]
fn filter_completion_and_history() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    ui.keys("/dns.qry.na");
    ui.key(KeyCode::Tab);
    assert!(ui.app.filter.edit.text().starts_with("dns.qry.name"));
    assert!(ui.text().contains(" Fields "), "the completion list");
    ui.ctrl('u');
    ui.keys("dns");
    ui.key(KeyCode::Enter);
    assert_eq!(ui.app.filter.applied.as_deref(), Some("dns"));
    let expected = print_matches(DNS_HTTP, "dns");
    assert_eq!(ui.app.list.len(expected.len() as u64 * 100), expected.len());
    ui.keys("/");
    ui.ctrl('u');
    ui.key(KeyCode::Up);
    assert_eq!(ui.app.filter.edit.text(), "dns");
    ui.key(KeyCode::Esc);
    assert!(!ui.app.filter.editing);
}

#[test]
fn help_lists_every_key() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    ui.key(KeyCode::Char('?'));
    assert!(matches!(ui.app.overlay, Some(Overlay::Help { .. })));
    let text = ui.text();
    for (_, what) in KEYS {
        assert!(text.contains(what), "help shows {what:?}");
    }
    ui.key(KeyCode::Esc);
    assert!(ui.app.overlay.is_none());
}

#[test]
fn small_terminals_draw_without_panicking() {
    let mut ui = Ui::open(DNS_HTTP, 80, 24);
    assert!(ui.text().contains("Packets: "));
    assert!(list_rows(&ui).len() >= 5, "{}", ui.text());
    for (w, h) in [(80, 24), (40, 10), (12, 4), (1, 1), (200, 60)] {
        ui.resize(w, h);
        for k in ['?', 's'] {
            ui.key(KeyCode::Char(k));
            ui.key(KeyCode::Esc);
        }
        ui.key(KeyCode::Char('G'));
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Char('e'));
        ui.key(KeyCode::Tab);
    }
}

#[test]
fn startup_errors_are_messages() {
    let args = OpenArgs::default();
    let missing = std::env::temp_dir().join("wirelens-tui-no-such-file.pcap");
    let e = open_session(&missing, &args).err().expect("an error");
    assert!(e.0.contains("No such file"), "{}", e.0);
    let not_capture = corpus("MANIFEST.md");
    let e = open_session(&not_capture, &args).err().expect("an error");
    assert!(e.0.contains("not a pcap or pcapng file"), "{}", e.0);
}

#[test]
fn the_readme_lists_every_key_of_the_help() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    for (key, what) in KEYS {
        if key.is_empty() {
            assert!(readme.contains(&format!("**{what}**")), "section {what:?}");
        } else {
            assert!(
                readme.contains(&format!("| `{key}` | {what} |")),
                "README lists {key:?}: {what:?}"
            );
        }
    }
}

#[test]
fn the_mouse_selects_rows_and_tree_lines_and_scrolls() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    let mouse = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let rows = list_rows(&ui);
    let (n, _, y) = rows[5].clone();
    ui.app
        .handle_mouse(mouse(MouseEventKind::Down(MouseButton::Left), 30, y));
    ui.settle();
    let total = ui.app.session().len();
    assert_eq!(ui.app.list.selected_number(total), Some(n));
    assert_eq!(ui.app.detail.packet.as_ref().map(|d| d.number), Some(n));
    ui.app
        .handle_mouse(mouse(MouseEventKind::ScrollDown, 30, y));
    ui.settle();
    assert_eq!(ui.app.list.selected_number(total), Some(n + 3));
    // A click on a tree line selects it; a second click opens it.
    let (x, ty) = ui.find("▶ Internet Protocol").expect("the IP layer");
    for _ in 0..2 {
        ui.app
            .handle_mouse(mouse(MouseEventKind::Down(MouseButton::Left), x + 2, ty));
        ui.settle();
    }
    assert_eq!(ui.app.focus, Pane::Detail);
    assert!(ui.text().contains("▼ Internet Protocol"), "{}", ui.text());
}

#[test]
fn brackets_move_along_the_conversation() {
    let mut ui = Ui::open(DNS_HTTP, 160, 48);
    let session = std::sync::Arc::clone(ui.app.session());
    let total = session.len();
    // The first SYN, and the next packet of its conversation.
    let first_tcp = summaries(DNS_HTTP)
        .iter()
        .position(|(s, _)| s.protocol == "TCP" && s.info.contains("[SYN]"))
        .expect("a SYN") as u64
        + 1;
    ui.app.go_to_packet(first_tcp);
    ui.settle();
    let stream = session.entry(first_tcp).expect("indexed").stream;
    ui.key(KeyCode::Char(']'));
    let next = ui.app.list.selected_number(total).expect("selected");
    assert!(
        next > first_tcp,
        "{next} after {first_tcp}: {:?}",
        ui.app.message
    );
    assert_eq!(session.entry(next).expect("indexed").stream, stream);
    assert!(
        (first_tcp + 1..next).all(|k| session.entry(k).expect("indexed").stream != stream),
        "nothing of the conversation in between"
    );
    ui.key(KeyCode::Char('['));
    assert_eq!(ui.app.list.selected_number(total), Some(first_tcp));
}

#[test]
fn a_damaged_file_shows_its_packets_and_says_so() {
    let ui = Ui::open("malformed/tls_der_incomplete_header.pcap", 160, 48);
    let text = ui.text();
    assert!(text.contains("file damaged"), "{text}");
    let rows = list_rows(&ui);
    assert_eq!(rows.len(), 6, "the packets before the damage: {text}");
    assert!(text.contains("Packets: 6 shown / 6"));
}

#[test]
fn a_tls_key_log_shows_decrypted_http_and_its_data_source() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/captures/tls");
    let file = dir.join("tls12_aead.pcap");
    let plain = Ui::open_with(&file, &OpenArgs::default(), 160, 48);
    let args = OpenArgs {
        file: Some(file.clone()),
        prefs: Vec::new(),
        tls_keylog: Some(dir.join("tls12_aead.keys")),
    };
    let mut ui = Ui::open_with(&file, &args, 160, 48);
    // The first request: encrypted without the keys, HTTP with them.
    let (n, line, _) = list_rows(&ui)
        .into_iter()
        .find(|(_, l, _)| l.contains(" HTTP ") && l.contains("GET /"))
        .expect("a decrypted request");
    let (_, without, _) = list_rows(&plain)
        .into_iter()
        .find(|(m, _, _)| *m == n)
        .expect("the same packet");
    assert!(
        without.contains("TLSv1.2") && !without.contains("GET /"),
        "{without}"
    );
    assert!(line.contains("GET /medium.http HTTP/1.1"), "{line}");
    ui.app.go_to_packet(n);
    ui.settle();
    let tabs = ui
        .lines()
        .into_iter()
        .find(|l| l.contains("[Frame ("))
        .expect("tabs");
    assert!(tabs.contains("[Decrypted TLS ("), "{tabs}");
}

#[test]
fn syn_fin_and_reset_rows_take_their_rules_colours() {
    let ui = Ui::open("mixed/http_get.pcap", 160, 48);
    let expected = summaries("mixed/http_get.pcap");
    for (n, _, y) in list_rows(&ui).into_iter().skip(1) {
        let info = &expected[n as usize - 1].0.info;
        let want = if expected[n as usize - 1].0.protocol == "HTTP" {
            Color::Rgb(0xe4, 0xff, 0xc7)
        } else if info.contains("[SYN") || info.contains("[FIN") {
            Color::Rgb(0xa0, 0xa0, 0xa0)
        } else {
            Color::Rgb(0xe7, 0xe6, 0xff)
        };
        assert_eq!(ui.cell(20, y).bg, want, "packet {n}: {info}");
    }
    let ui = Ui::open("tcp/tcp_syn_then_rst.pcap", 160, 48);
    let rows = list_rows(&ui);
    assert!(rows[1].1.contains("[RST"), "{}", rows[1].1);
    assert_eq!(ui.cell(20, rows[1].2).bg, Color::Rgb(0xa4, 0, 0));
}

#[test]
fn bad_tcp_rows_are_dark_with_red_text() {
    const FILE: &str = "tcp/tcp_retransmit_fast.pcap";
    let mut ui = Ui::open(FILE, 160, 48);
    let file = CaptureFile::open(&corpus(FILE)).expect("opens");
    let mut d = Dissector::new(Config::default().prefs);
    let mut pkt = Packet::new(false);
    let mut packets = file.packets();
    let mut expected = Vec::new();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), false);
        d.dissect(&meta, frame.data, &mut pkt);
        let analysis = pkt
            .experts
            .iter()
            .filter_map(|e| e.name.map(|f| f.name))
            .any(|n| {
                n.starts_with("tcp.analysis.")
                    && !n.starts_with("tcp.analysis.window_update")
                    && !n.starts_with("tcp.analysis.keep_alive")
            });
        // "Checksum Errors" (an expert error) shares the colours, after "TCP RST".
        let error =
            pkt.worst_severity() == Some(Severity::Error) && !pkt.summary.info.contains("[RST");
        expected.push((analysis, error));
    }
    // The retransmissions and duplicate ACKs are further down.
    ui.key(KeyCode::Char('G'));
    let mut seen = 0;
    let last = ui.app.session().len();
    for (n, line, y) in list_rows(&ui) {
        if n == last {
            continue; // selected
        }
        let cell = ui.cell(20, y);
        let dark =
            cell.bg == Color::Rgb(0x12, 0x27, 0x2e) && cell.fg == Color::Rgb(0xf7, 0x87, 0x87);
        let (analysis, error) = expected[n as usize - 1];
        assert_eq!(dark, analysis || error, "packet {n}: {line}");
        seen += usize::from(analysis);
    }
    assert!(seen > 0, "bad TCP rows on the last screen");
}

#[test]
fn the_help_scrolls_on_a_small_terminal() {
    let mut ui = Ui::open(DNS_HTTP, 80, 24);
    ui.key(KeyCode::Char('?'));
    let (_, last) = KEYS[KEYS.len() - 1];
    assert!(ui.text().contains("↑↓ scroll"), "{}", ui.text());
    assert!(!ui.text().contains(last));
    for _ in 0..KEYS.len() {
        ui.key(KeyCode::Char('j'));
    }
    assert!(ui.text().contains(last), "{}", ui.text());
    ui.key(KeyCode::Char('?'));
    assert!(ui.app.overlay.is_none());
}
