//! The TCP connection view on real captures, checked against tshark's
//! output stored beside them (`.tshark.json`) and against `wirelens flows`.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use clap::Parser;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use serde_json::Value;
use wirelens::cli::{Cli, Command};
use wirelens::tui::tcp_view::{
    build, ChartKind, EventSource, Tab, TcpView, TcpViewAction, TcpViewData,
};
use wirelens_capture::session::{Config, Session};
use wirelens_dissect::flow::conntrack::MAX_SERIES_POINTS;
use wirelens_dissect::flow::tcp_state::{Side, StateEvent};
use wirelens_dissect::flow::timeline::Direction;

/// Agreement wanted between our times and tshark's (printed to the nanosecond).
const EPS: f64 = 1e-6;

fn corpus(rel: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "the shared capture corpus is missing: expected {} (clone the repository beside shared/)",
        dir.display()
    );
    dir.join(rel)
}

/// A capture recorded for this repository (samples/captures).
fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/captures")
        .join(name)
}

fn session(rel: &str) -> Session {
    session_at(&corpus(rel))
}

fn session_at(path: &Path) -> Session {
    let s = Session::open(path, Config::default()).expect("open capture");
    s.wait();
    s
}

fn view_data(rel: &str, stream: u64) -> TcpViewData {
    view_data_at(&corpus(rel), stream)
}

fn view_data_at(path: &Path, stream: u64) -> TcpViewData {
    build(&session_at(path), stream, &AtomicBool::new(false)).expect("build the view")
}

/// tshark's packets (`_source.layers` of each) for a capture.
struct Truth(Vec<Value>);

impl Truth {
    fn load(rel: &str) -> Truth {
        let path = corpus(rel).with_extension("tshark.json");
        let text = std::fs::read_to_string(&path).expect("read tshark json");
        let all: KeepDuplicates = serde_json::from_str(&text).expect("parse tshark json");
        let Value::Array(all) = all.0 else {
            panic!("tshark json is not an array");
        };
        Truth(
            all.into_iter()
                .map(|p| p["_source"]["layers"].clone())
                .collect(),
        )
    }

    fn frame(&self, n: u64) -> &Value {
        self.0
            .iter()
            .find(|l| num(&l["frame"]["frame.number"]) == Some(n as f64))
            .expect("frame in tshark output")
    }

    fn time(&self, n: u64) -> f64 {
        num(&self.frame(n)["frame"]["frame.time_relative"]).expect("frame.time_relative")
    }

    /// The packets of `tcp.stream == stream` (not counting TCP quoted in ICMP errors).
    fn stream(&self, stream: u64) -> Vec<&Value> {
        self.0
            .iter()
            .filter(|l| num(&l["tcp"]["tcp.stream"]) == Some(stream as f64))
            .collect()
    }

    /// Frames of the stream whose layers hold `key` (anywhere) with `value`
    /// (any value when `None`).
    fn frames_with(&self, stream: u64, key: &str, value: Option<&str>) -> Vec<u64> {
        self.stream(stream)
            .into_iter()
            .filter(|l| has(l, key, value))
            .map(|l| frame_number(&l))
            .collect()
    }
}

/// tshark's JSON repeats a key for repeated items (two TLS records in a
/// packet are two `tls.record` keys); this keeps them all, as an array.
struct KeepDuplicates(Value);

impl<'de> serde::Deserialize<'de> for KeepDuplicates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeepDuplicatesVisitor).map(KeepDuplicates)
    }
}

struct KeepDuplicatesVisitor;

impl<'de> serde::de::Visitor<'de> for KeepDuplicatesVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(KeepDuplicates(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((k, KeepDuplicates(v))) = map.next_entry::<String, KeepDuplicates>()? {
            // tshark writes no arrays of its own, so an array is a repeat.
            match out.get_mut(&k) {
                Some(Value::Array(a)) => a.push(v),
                Some(old) => {
                    let first = old.take();
                    *old = Value::Array(vec![first, v]);
                }
                None => {
                    out.insert(k, v);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_str()?.parse().ok()
}

fn frame_number(l: &&Value) -> u64 {
    num(&l["frame"]["frame.number"]).expect("frame.number") as u64
}

fn has(v: &Value, key: &str, value: Option<&str>) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| {
            (k == key && value.is_none_or(|want| x.as_str() == Some(want))) || has(x, key, value)
        }),
        Value::Array(a) => a.iter().any(|x| has(x, key, value)),
        _ => false,
    }
}

fn screen(view: &mut TcpView, width: u16, height: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    term.draw(|f| view.render(f, f.area())).expect("draw");
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Every event's time is tshark's time of its packet, and the packet is one
/// of the stream's.
fn assert_event_times(data: &TcpViewData, truth: &Truth) {
    let stream = truth.stream(data.stream());
    let frames: Vec<u64> = stream.iter().map(frame_number).collect();
    for e in data.events() {
        assert!(frames.contains(&e.frame), "{e:?} not in the stream");
        let t = truth.time(e.frame);
        assert!((e.time - t).abs() < EPS, "{e:?}: tshark says {t}");
    }
}

/// The three-way handshake: SYN, SYN/ACK, ACK in that order, in tshark's
/// frames with those flags, at tshark's times.
fn assert_handshake(data: &TcpViewData, truth: &Truth) -> [u64; 3] {
    let n = data.stream();
    let syn = truth.frames_with(n, "tcp.flags.syn", Some("1"));
    let syn_only: Vec<u64> = syn
        .iter()
        .copied()
        .filter(|f| has(truth.frame(*f), "tcp.flags.ack", Some("0")))
        .collect();
    let synack: Vec<u64> = syn
        .iter()
        .copied()
        .filter(|f| has(truth.frame(*f), "tcp.flags.ack", Some("1")))
        .collect();
    let tcp: Vec<_> = data
        .events()
        .iter()
        .filter(|e| e.source == EventSource::Tcp)
        .collect();
    assert_eq!(tcp[0].label, "SYN");
    assert_eq!(tcp[0].dir, Direction::ClientToServer);
    assert_eq!(tcp[0].frame, syn_only[0]);
    assert_eq!(tcp[1].label, "SYN, ACK");
    assert_eq!(tcp[1].dir, Direction::ServerToClient);
    assert_eq!(tcp[1].frame, synack[0]);
    assert_eq!(tcp[2].label, "ACK");
    assert_eq!(tcp[2].dir, Direction::ClientToServer);
    // The ACK completing the handshake is the next client packet.
    let ack = truth
        .stream(n)
        .into_iter()
        .map(|l| frame_number(&l))
        .find(|f| {
            *f > synack[0] && has(truth.frame(*f), "tcp.srcport", tcp_port(truth, syn_only[0]))
        })
        .expect("handshake ACK");
    assert_eq!(tcp[2].frame, ack);
    // tshark's initial RTT is SYN to that ACK; the view splits it at the SYN/ACK.
    let initial = num(&truth.frame(ack)["tcp"]["tcp.analysis"]["tcp.analysis.initial_rtt"])
        .expect("tcp.analysis.initial_rtt");
    let halves = tcp[1].rtt.expect("SYN/ACK RTT") + tcp[2].rtt.expect("ACK RTT");
    assert!((halves - initial).abs() < EPS, "{halves} vs {initial}");
    assert!((data.handshake_rtt().expect("handshake RTT") - initial).abs() < EPS);
    [tcp[0].frame, tcp[1].frame, tcp[2].frame]
}

fn tcp_port(truth: &Truth, frame: u64) -> Option<&str> {
    truth.frame(frame)["tcp"]["tcp.srcport"].as_str()
}

/// The drawn diagram has the arrows in event order, each on its own row
/// with its time and packet number.
fn assert_diagram(view: &mut TcpView, width: u16, height: u16, rows: usize) {
    let lines = screen(view, width, height);
    let events: Vec<_> = view.data().events().iter().take(rows).cloned().collect();
    let mut last_row = 0;
    for e in &events {
        let time = format!("{:.6}", e.time);
        let row = lines
            .iter()
            .enumerate()
            .skip(last_row + 1)
            .find(|(_, l)| l.contains(&time) && l.contains(&format!("#{}", e.frame)))
            .map(|(i, _)| i)
            .unwrap_or_else(|| {
                panic!(
                    "no row for {e:?} after row {last_row}:\n{}",
                    lines.join("\n")
                )
            });
        let line = &lines[row];
        match e.dir {
            Direction::ClientToServer => assert!(line.contains("▶│"), "{line}"),
            Direction::ServerToClient => assert!(line.contains("│◀"), "{line}"),
        }
        let label = e.label.chars().take(8).collect::<String>();
        assert!(line.contains(&label), "{line} lacks {label}");
        last_row = row;
    }
}

#[test]
fn tls_connection_timeline_matches_tshark() {
    let rel = "tls/tls12_ecdhe.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    let hs = assert_handshake(&data, &truth);
    assert_eq!(hs, [1, 2, 3]);
    assert_event_times(&data, &truth);
    let tls = |label: &str| {
        data.events()
            .iter()
            .filter(|e| e.source == EventSource::Tls && e.label.starts_with(label))
            .map(|e| e.frame)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        tls("ClientHello"),
        truth.frames_with(0, "tls.handshake.type", Some("1"))
    );
    assert_eq!(
        tls("ServerHello ("),
        truth.frames_with(0, "tls.handshake.type", Some("2"))
    );
    assert_eq!(
        tls("Certificate"),
        truth.frames_with(0, "tls.handshake.type", Some("11"))
    );
    assert_eq!(
        tls("ServerKeyExchange"),
        truth.frames_with(0, "tls.handshake.type", Some("12"))
    );
    assert_eq!(
        tls("ClientKeyExchange"),
        truth.frames_with(0, "tls.handshake.type", Some("16"))
    );
    assert_eq!(
        tls("NewSessionTicket"),
        truth.frames_with(0, "tls.handshake.type", Some("4"))
    );
    // Events are in capture order, TCP's before the application's in a packet.
    assert!(data.events().windows(2).all(|w| w[0].frame <= w[1].frame));
    let first_data = data
        .events()
        .iter()
        .position(|e| e.kind == "tcp.first_data");
    let hello = data
        .events()
        .iter()
        .position(|e| e.label.starts_with("ClientHello"));
    assert!(first_data < hello);
    let mut view = TcpView::new(data);
    assert_diagram(&mut view, 200, 60, usize::MAX);
    assert_diagram(&mut view, 80, 24, 12);
}

#[test]
fn ssh_connection_timeline_matches_tshark() {
    let rel = "ssh/ssh_openssh_curve25519.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    assert_handshake(&data, &truth);
    assert_event_times(&data, &truth);
    let ssh = |prefix: &str| {
        data.events()
            .iter()
            .filter(|e| e.source == EventSource::Ssh && e.label.starts_with(prefix))
            .map(|e| e.frame)
            .collect::<Vec<_>>()
    };
    assert_eq!(ssh("SSH-"), truth.frames_with(0, "ssh.protocol", None));
    assert_eq!(
        ssh("KEXINIT"),
        truth.frames_with(0, "ssh.message_code", Some("20"))
    );
    assert_eq!(
        ssh("ECDH init"),
        truth.frames_with(0, "ssh.message_code", Some("30"))
    );
    assert_eq!(
        ssh("ECDH reply"),
        truth.frames_with(0, "ssh.message_code", Some("31"))
    );
    assert_eq!(
        ssh("NEWKEYS"),
        truth.frames_with(0, "ssh.message_code", Some("21"))
    );
    let banner = data
        .events()
        .iter()
        .find(|e| e.source == EventSource::Ssh)
        .expect("banner");
    let tshark_banner = truth.frame(banner.frame)["ssh"]["ssh.protocol"]
        .as_str()
        .expect("ssh.protocol");
    assert_eq!(banner.label, tshark_banner);
    let mut view = TcpView::new(data);
    assert_diagram(&mut view, 200, 60, usize::MAX);
}

#[test]
fn http2_connection_timeline_matches_tshark() {
    let rel = "http2/h2c_doh_prior_knowledge.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    assert_handshake(&data, &truth);
    assert_event_times(&data, &truth);
    let h2: Vec<_> = data
        .events()
        .iter()
        .filter(|e| e.source == EventSource::Http2)
        .collect();
    assert_eq!(h2[0].label, "connection preface");
    assert_eq!(h2[0].frame, truth.frames_with(0, "http2.magic", None)[0]);
    // SETTINGS and their ACKs are in tshark's frames with SETTINGS (type 4).
    let settings = truth.frames_with(0, "http2.type", Some("4"));
    let ours: Vec<u64> = h2
        .iter()
        .filter(|e| e.label.starts_with("SETTINGS"))
        .map(|e| e.frame)
        .collect();
    assert_eq!(ours.len(), 4);
    assert!(
        ours.iter().all(|f| settings.contains(f)),
        "{ours:?} {settings:?}"
    );
    let rst: Vec<u64> = h2
        .iter()
        .filter(|e| e.label.starts_with("RST_STREAM"))
        .map(|e| e.frame)
        .collect();
    assert_eq!(rst, truth.frames_with(0, "http2.type", Some("3"))[..1]);
    let mut view = TcpView::new(data);
    assert_diagram(&mut view, 200, 60, usize::MAX);
}

#[test]
fn bgp_session_timeline_matches_tshark() {
    let rel = "bgp/bgp_4byte_asn_session.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    assert_handshake(&data, &truth);
    assert_event_times(&data, &truth);
    let bgp: Vec<_> = data
        .events()
        .iter()
        .filter(|e| e.source == EventSource::Bgp)
        .collect();
    let opens: Vec<u64> = bgp
        .iter()
        .filter(|e| e.label.contains("OPEN AS"))
        .map(|e| e.frame)
        .collect();
    assert_eq!(opens, truth.frames_with(0, "bgp.type", Some("1")));
    let first_keepalive = truth.frames_with(0, "bgp.type", Some("4"))[0];
    assert!(bgp
        .iter()
        .any(|e| e.frame == first_keepalive && e.label.contains("KEEPALIVE")));
    // No TCP event twice: BGP's own timeline is drawn without TCP's.
    assert!(bgp.iter().all(|e| e.kind != "bgp.connect"));
    let mut view = TcpView::new(data);
    assert_diagram(&mut view, 200, 60, usize::MAX);
}

#[test]
fn state_history_follows_the_handshake_and_teardown() {
    let rel = "tls/tls12_ecdhe.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    let states = data.states();
    let [syn, synack, ack] = assert_handshake(&data, &truth);
    let find = |side, event| {
        states
            .iter()
            .filter(|s| s.side == side && s.event == event)
            .map(|s| s.frame)
            .collect::<Vec<_>>()
    };
    assert_eq!(find(Side::Client, StateEvent::SentSyn), [syn]);
    assert_eq!(find(Side::Server, StateEvent::RcvdSyn), [syn]);
    assert_eq!(find(Side::Server, StateEvent::SentSynAck), [synack]);
    assert_eq!(find(Side::Client, StateEvent::RcvdSynAck), [synack]);
    assert_eq!(find(Side::Server, StateEvent::HandshakeAck), [ack]);
    // Each side's first FIN (a retransmitted one changes nothing) moves it on.
    let mut fins = truth.frames_with(0, "tcp.flags.fin", Some("1"));
    let mut senders = Vec::new();
    fins.retain(|f| {
        let port = tcp_port(&truth, *f);
        let first = !senders.contains(&port);
        senders.push(port);
        first
    });
    assert_eq!(fins.len(), 2);
    let sent: Vec<u64> = states
        .iter()
        .filter(|s| s.event == StateEvent::SentFin)
        .map(|s| s.frame)
        .collect();
    assert_eq!(sent, fins);
    for s in states {
        assert!((s.time - truth.time(s.frame)).abs() < EPS);
    }
    // The final states are where the history ends.
    for side in [Side::Client, Side::Server] {
        let last = states
            .iter()
            .rev()
            .find(|s| s.side == side)
            .expect("history");
        assert_eq!(last.to, data.final_state(side));
    }
    // The tab shows one row per change, in the changing side's column.
    let mut view = TcpView::new(data.clone());
    assert_eq!(
        view.handle_key(key(KeyCode::Char('2'))),
        TcpViewAction::Consumed
    );
    let lines = screen(&mut view, 200, 60);
    assert!(lines[3].contains("client now CLOSED") && lines[3].contains("server now TIME_WAIT"));
    for (i, s) in data.states().iter().enumerate() {
        let line = &lines[4 + i];
        let text = format!("{} → {}", s.from.as_str(), s.to.as_str());
        let col = line
            .find(&text)
            .unwrap_or_else(|| panic!("{line} lacks {text}"));
        assert!(line.contains(&format!("#{}", s.frame)));
        let client_column = col < 100;
        assert_eq!(client_column, s.side == Side::Client, "{line}");
    }
}

/// tshark's relative sequence number and length of each data segment a side sent.
fn truth_segments(truth: &Truth, stream: u64, src_port: &str) -> Vec<(u64, f64, u64, u64)> {
    truth
        .stream(stream)
        .into_iter()
        .filter(|l| l["tcp"]["tcp.srcport"].as_str() == Some(src_port))
        .map(|l| {
            (
                frame_number(&l),
                num(&l["frame"]["frame.time_relative"]).expect("time"),
                num(&l["tcp"]["tcp.seq"]).expect("tcp.seq") as u64,
                num(&l["tcp"]["tcp.len"]).expect("tcp.len") as u64,
            )
        })
        .collect()
}

fn port(endpoint: &str) -> &str {
    endpoint.rsplit(':').next().expect("port")
}

#[test]
fn charts_span_the_stream_and_mark_retransmissions() {
    let rel = "tcp/tcp_reassembly_retrans_dupack.pcap";
    let truth = Truth::load(rel);
    let data = view_data(rel, 0);
    let stream = truth.stream(0);
    let times: Vec<f64> = stream
        .iter()
        .map(|l| num(&l["frame"]["frame.time_relative"]).expect("time"))
        .collect();
    let first = times.iter().copied().fold(f64::MAX, f64::min);
    let last = times.iter().copied().fold(f64::MIN, f64::max);
    assert_eq!(
        data.frames(),
        stream.iter().map(frame_number).collect::<Vec<_>>()
    );
    for side in [Side::Client, Side::Server] {
        let endpoint = match side {
            Side::Client => data.client(),
            Side::Server => data.server(),
        };
        let segs = truth_segments(&truth, 0, port(endpoint));
        let max_seq = segs.iter().map(|s| s.2 + s.3).max().expect("segments");
        let stevens = data.chart(ChartKind::Stevens, side);
        assert!((stevens.x_bounds[0] - first).abs() < EPS);
        assert!((stevens.x_bounds[1] - last).abs() < EPS);
        assert_eq!(stevens.y_bounds, [0.0, max_seq as f64]);
        // Every data segment is a point at tshark's time and sequence number.
        let mut points: Vec<(f64, f64)> = stevens
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut want: Vec<(f64, f64)> = segs
            .iter()
            .filter(|s| s.3 > 0 || retransmitted(&truth, s.0))
            .map(|s| (s.1, s.2 as f64))
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(points.len(), want.len());
        for (p, w) in points.iter().zip(&want) {
            assert!((p.0 - w.0).abs() < EPS && p.1 == w.1, "{p:?} vs {w:?}");
        }
        // Loss marks at exactly the frames tshark calls retransmissions.
        let retx: Vec<f64> = segs
            .iter()
            .filter(|s| retransmitted(&truth, s.0))
            .map(|s| s.1)
            .collect();
        let inflight = data.chart(ChartKind::InFlight, side);
        let loss: Vec<f64> = inflight
            .series("loss")
            .expect("loss series")
            .points
            .iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(loss.len(), retx.len(), "{side:?}");
        for (a, b) in loss.iter().zip(&retx) {
            assert!((a - b).abs() < EPS);
        }
        let marked = stevens.series("retransmissions").expect("series");
        assert_eq!(marked.points.len(), retx.len());
        for (x, bound) in [(&inflight, 0usize), (&stevens, 0)] {
            assert_eq!(x.x_bounds, stevens.x_bounds, "{bound}");
        }
    }
    // The client sent most of the retransmissions here.
    let client_retx = data.sender(Side::Client).retransmissions().count();
    assert_eq!(
        client_retx,
        truth_segments(&truth, 0, port(data.client()))
            .iter()
            .filter(|s| retransmitted(&truth, s.0))
            .count()
    );
    assert!(client_retx > 10);
    // Bytes in flight against tshark's tcp.analysis.bytes_in_flight.
    let flight = &data.sender(Side::Client).bytes_in_flight;
    let tshark_flight: Vec<(f64, f64)> = stream
        .iter()
        .filter_map(|l| {
            let v = num(&l["tcp"]["tcp.analysis"]["tcp.analysis.bytes_in_flight"])?;
            Some((num(&l["frame"]["frame.time_relative"])?, v))
        })
        .filter(|(t, _)| flight.iter().any(|p| (p.0 - t).abs() < EPS))
        .collect();
    assert!(!tshark_flight.is_empty());
    for (t, v) in tshark_flight {
        assert!(
            flight.iter().any(|p| (p.0 - t).abs() < EPS && p.1 == v),
            "{t} {v}"
        );
    }
}

fn retransmitted(truth: &Truth, frame: u64) -> bool {
    let tcp = &truth.frame(frame)["tcp"];
    [
        "tcp.analysis.retransmission",
        "tcp.analysis.fast_retransmission",
        "tcp.analysis.spurious_retransmission",
    ]
    .iter()
    .any(|k| has(tcp, k, None))
}

/// `wirelens flows` for `rel`, the object of TCP stream `stream`.
fn flows_record(path: &Path, stream: u64) -> Value {
    let cli = Cli::try_parse_from(["wirelens", "flows", "-r", path.to_str().expect("path")])
        .expect("command line");
    let Some(Command::Flows(args)) = cli.command else {
        panic!("not the flows command");
    };
    let mut out = Vec::new();
    wirelens::commands::flows::run(&args, &mut out).expect("flows");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .find(|v| v["tcp_stream"].as_u64() == Some(stream))
        .expect("the stream's flow")
}

/// `theirs` is `ours` as `flows` writes a series: evenly thinned to at most
/// `conntrack::MAX_SERIES_POINTS` (every `step`-th point), times in epoch seconds.
fn assert_series_eq(ours: &[(f64, f64)], theirs: &Value, origin: f64, what: &str) {
    let theirs = theirs.as_array().expect("series");
    let step = ours.len().div_ceil(MAX_SERIES_POINTS).max(1);
    let ours: Vec<&(f64, f64)> = ours.iter().step_by(step).collect();
    assert_eq!(ours.len(), theirs.len(), "{what}");
    for (o, t) in ours.into_iter().zip(theirs) {
        let ts = t[0].as_f64().expect("ts") - origin;
        let v = t[1].as_f64().expect("value");
        assert!(
            (o.0 - ts).abs() < EPS && (o.1 - v).abs() < 1e-9,
            "{what}: {o:?} vs {t}"
        );
    }
}

fn assert_timeline_eq(data: &TcpViewData, source: EventSource, flows: &Value, origin: f64) {
    let ours: Vec<_> = data
        .events()
        .iter()
        .filter(|e| e.source == source)
        .collect();
    let theirs: Vec<&Value> = flows
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| !matches!(e["kind"].as_str(), Some("bgp.connect" | "bgp.tcp_close")))
        .collect();
    assert_eq!(ours.len(), theirs.len(), "{source:?}");
    for (o, t) in ours.iter().zip(theirs) {
        assert_eq!(Some(o.frame), t["frame"].as_u64());
        assert_eq!(Some(o.kind), t["kind"].as_str());
        assert_eq!(Some(o.label.as_str()), t["label"].as_str());
        assert_eq!(Some(o.dir.as_str()), t["dir"].as_str());
        let ts = t["ts"].as_f64().expect("ts") - origin;
        assert!((o.time - ts).abs() < EPS);
    }
}

/// The view reports what `wirelens flows` reports for the same connection.
fn assert_same_as_flows(path: &Path, stream: u64, app: Option<(EventSource, &str)>) {
    let s = session_at(path);
    let origin = s.entry(1).expect("first packet").ts().as_secs_f64();
    let data = build(&s, stream, &AtomicBool::new(false)).expect("build");
    let f = flows_record(path, stream);
    assert_eq!(Some(data.uid()), f["uid"].as_str());
    let orig = format!(
        "{}:{}",
        f["id.orig_h"].as_str().expect("orig"),
        f["id.orig_p"]
    );
    let (orig_side, resp_side, orig_key, resp_key) = if data.client() == orig {
        (Side::Client, Side::Server, "orig", "resp")
    } else {
        (Side::Server, Side::Client, "resp", "orig")
    };
    for (side, key) in [(orig_side, "orig"), (resp_side, "resp")] {
        assert_eq!(
            Some(data.final_state(side).as_str()),
            f["tcp_state"][key].as_str()
        );
        let s = data.sender(side);
        assert_series_eq(&s.cwnd, &f["cwnd"][key], origin, "cwnd");
        assert_series_eq(&s.throughput, &f["throughput"][key], origin, "throughput");
        assert_series_eq(
            &s.bytes_in_flight,
            &f["bytes_in_flight"][key],
            origin,
            "flight",
        );
        assert_series_eq(&s.rtt, &f["rtt"][key], origin, "rtt");
        assert_eq!(Some(s.phase), f["phase"][key].as_str());
    }
    let _ = (orig_key, resp_key);
    assert_timeline_eq(&data, EventSource::Tcp, &f["timeline"], origin);
    if let Some((source, key)) = app {
        assert_timeline_eq(&data, source, &f[key]["timeline"], origin);
    }
    let rtt = &f["handshake_rtt"];
    if let (Some(c), Some(s)) = (rtt["client_side"].as_f64(), rtt["server_side"].as_f64()) {
        assert!((data.handshake_rtt().expect("rtt") - (c + s)).abs() < 1e-9);
    }
    match data.ack_rtt() {
        Some(ours) => {
            // serde_json reads floats to within an ulp or so, not exactly.
            let theirs = ["rtt_min", "rtt_avg", "rtt_max"].map(|k| f[k].as_f64().expect(k));
            for (a, b) in [ours.0, ours.1, ours.2].iter().zip(theirs) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
        None => assert!(f.get("rtt_min").is_none()),
    }
}

#[test]
fn view_reports_what_flows_reports() {
    let tls = Some((EventSource::Tls, "tls"));
    assert_same_as_flows(&corpus("tls/tls12_ecdhe.pcap"), 0, tls);
    let ssh = Some((EventSource::Ssh, "ssh"));
    assert_same_as_flows(&corpus("ssh/ssh_openssh_curve25519.pcap"), 0, ssh);
    let h2 = Some((EventSource::Http2, "http2"));
    assert_same_as_flows(&corpus("http2/h2c_doh_prior_knowledge.pcap"), 0, h2);
    let bgp = Some((EventSource::Bgp, "bgp"));
    assert_same_as_flows(&corpus("bgp/bgp_4byte_asn_session.pcap"), 0, bgp);
    assert_same_as_flows(&corpus("tcp/tcp_reassembly_retrans_dupack.pcap"), 0, None);
    assert_same_as_flows(&corpus("tcp/tcp_out_of_order_sack.pcap"), 0, None);
    // Real bulk uploads (Linux CUBIC and BBR senders with losses): long
    // series, which `flows` thins.
    assert_same_as_flows(&sample("cwnd_cubic.pcap"), 0, None);
    assert_same_as_flows(&sample("cwnd_bbr.pcap"), 0, None);
}

/// Each sender's segments are tshark's: frame, time, `tcp.seq`, `tcp.len`
/// and retransmission flag.
fn assert_segments(data: &TcpViewData, truth: &Truth, rel: &str) {
    let n = data.stream();
    assert_ne!(
        port(data.client()),
        port(data.server()),
        "{rel}: same ports"
    );
    for (side, endpoint) in [(Side::Client, data.client()), (Side::Server, data.server())] {
        let ours: Vec<(u64, f64, u64, u64, bool)> = data
            .sender(side)
            .segments
            .iter()
            .map(|s| {
                let seq = s.seq % (1 << 32);
                (s.frame, s.time, seq, u64::from(s.len), s.retransmission)
            })
            .collect();
        let theirs: Vec<(u64, f64, u64, u64, bool)> = truth_segments(truth, n, port(endpoint))
            .into_iter()
            .map(|(f, t, seq, len)| (f, t, seq, len, retransmitted(truth, f)))
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{rel} stream {n} {side:?}");
        for (o, t) in ours.iter().zip(&theirs) {
            assert!(
                o.0 == t.0 && (o.1 - t.1).abs() < EPS && o.2 == t.2 && o.3 == t.3 && o.4 == t.4,
                "{rel} stream {n} {side:?}: {o:?} vs tshark {t:?}"
            );
        }
    }
}

#[test]
fn every_stream_of_a_capture_has_tsharks_packets() {
    // pcap files are read by record offset, pcapng ones walked block by block.
    for rel in [
        "tls/tls_nss_tls12_tls13.pcap",
        "http2/h2c_doh_post_goaway.pcap",
        "bgp/bgp_route_refresh_enhanced.pcapng",
        "bgp/bgp_role_open_update_keepalive.pcapng",
        "tcp/tcp_out_of_order_sack.pcap",
        "tcp/tcp_window_full_smtp.pcap",
        "tcp/tcp_fin_retransmission.pcap",
        "tcp/tcp_fast_open.pcap",
        "tcp/tcp_handshake_reorder.pcap",
        "tcp/tcp_keepalive_empty_sack_rawip.pcap",
        "tcp/tcp_ooo_small.pcap",
        "ip/ipv6_frag_tcp.pcap",
        "ip/ipv4_frag_vlan_tcp_syn.pcap",
        "link/vlan_qinqinq_http.pcap",
        "mixed/wikipedia_dns_http.pcap",
    ] {
        let truth = Truth::load(rel);
        let s = session(rel);
        let streams: std::collections::BTreeSet<u64> = truth
            .0
            .iter()
            .filter_map(|l| num(&l["tcp"]["tcp.stream"]).map(|n| n as u64))
            .collect();
        assert!(!streams.is_empty());
        for n in streams {
            let data = build(&s, n, &AtomicBool::new(false))
                .unwrap_or_else(|e| panic!("{rel} stream {n}: {e}"));
            let want: Vec<u64> = truth.stream(n).iter().map(frame_number).collect();
            assert_eq!(data.frames(), want, "{rel} stream {n}");
            assert_event_times(&data, &truth);
            assert_segments(&data, &truth, rel);
        }
    }
}

#[test]
fn missing_streams_and_cancelled_builds_are_errors() {
    let s = session("tls/tls12_ecdhe.pcap");
    let err = build(&s, 99, &AtomicBool::new(false)).expect_err("no stream 99");
    assert!(err.contains("99"), "{err}");
    let err = build(&s, 0, &AtomicBool::new(true)).expect_err("cancelled");
    assert!(err.contains("cancelled"), "{err}");
}

#[test]
fn keys_switch_views_scroll_and_jump_to_packets() {
    let data = view_data("tls/tls12_ecdhe.pcap", 0);
    let events = data.events().to_vec();
    let states = data.states().to_vec();
    let mut view = TcpView::new(data);
    assert_eq!(view.tab(), Tab::Timeline);
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[0].frame)
    );
    assert_eq!(
        view.handle_key(key(KeyCode::Char('j'))),
        TcpViewAction::Consumed
    );
    assert_eq!(view.handle_key(key(KeyCode::Down)), TcpViewAction::Consumed);
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[2].frame)
    );
    assert_eq!(
        view.handle_key(key(KeyCode::Char('k'))),
        TcpViewAction::Consumed
    );
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[1].frame)
    );
    view.handle_key(key(KeyCode::Char('G')));
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[events.len() - 1].frame)
    );
    // Past the end stays at the end.
    view.handle_key(key(KeyCode::Char('j')));
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[events.len() - 1].frame)
    );
    // A small window scrolls so the selection stays drawn.
    let lines = screen(&mut view, 80, 24);
    let last = events.last().expect("event");
    assert!(lines.iter().any(
        |l| l.contains(&format!("{:.6}", last.time)) && l.contains(&format!("#{}", last.frame))
    ));
    view.handle_key(key(KeyCode::Char('g')));
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(events[0].frame)
    );

    assert_eq!(view.handle_key(key(KeyCode::Tab)), TcpViewAction::Consumed);
    assert_eq!(view.tab(), Tab::States);
    view.handle_key(key(KeyCode::Char('j')));
    assert_eq!(
        view.handle_key(key(KeyCode::Enter)),
        TcpViewAction::JumpTo(states[1].frame)
    );
    view.handle_key(key(KeyCode::Char('3')));
    assert_eq!(view.tab(), Tab::Chart(ChartKind::Stevens));
    assert_eq!(view.handle_key(key(KeyCode::Enter)), TcpViewAction::Ignored);
    // The charts start on the side that sent more (the server here), `d` flips.
    assert_eq!(view.sender(), Side::Server);
    view.handle_key(key(KeyCode::Char('d')));
    assert_eq!(view.sender(), Side::Client);
    view.handle_key(key(KeyCode::Right));
    assert_eq!(view.tab(), Tab::Chart(ChartKind::InFlight));
    view.handle_key(key(KeyCode::BackTab));
    view.handle_key(key(KeyCode::Left));
    assert_eq!(view.tab(), Tab::States);
    view.handle_key(key(KeyCode::Char('6')));
    view.handle_key(key(KeyCode::Tab));
    assert_eq!(view.tab(), Tab::Timeline);
    assert_eq!(
        view.handle_key(key(KeyCode::Char('x'))),
        TcpViewAction::Ignored
    );
    assert_eq!(
        view.handle_key(key(KeyCode::Char('q'))),
        TcpViewAction::Close
    );
    assert_eq!(view.handle_key(key(KeyCode::Esc)), TcpViewAction::Close);
}

#[test]
fn chart_axes_show_the_streams_bounds() {
    let rel = "tcp/tcp_reassembly_retrans_dupack.pcap";
    let data = view_data(rel, 0);
    let max = data.sender(Side::Client).max_seq();
    let (first, last) = data.time_span();
    let mut view = TcpView::new(data);
    view.handle_key(key(KeyCode::Char('3')));
    assert_eq!(view.sender(), Side::Client);
    let text = screen(&mut view, 200, 60).join("\n");
    assert!(text.contains(&max.to_string()), "{text}");
    assert!(text.contains(&format!("{first:.2}")), "{text}");
    assert!(text.contains(&format!("{last:.2}")), "{text}");
    assert!(text.contains("sent by the client"));
}

#[test]
fn every_view_draws_at_any_size() {
    let captures = [
        ("tls/tls12_ecdhe.pcap", 0),
        ("ssh/ssh_openssh_curve25519.pcap", 0),
        ("http2/h2c_doh_prior_knowledge.pcap", 0),
        ("bgp/bgp_4byte_asn_session.pcap", 0),
        ("tcp/tcp_reassembly_retrans_dupack.pcap", 0),
        ("tcp/tcp_syn_then_rst.pcap", 0),
        ("tcp/tcp_window_full_smtp.pcap", 0),
    ];
    for (rel, stream) in captures {
        let mut view = TcpView::new(view_data(rel, stream));
        for tab in ['1', '2', '3', '4', '5', '6'] {
            view.handle_key(key(KeyCode::Char(tab)));
            for side in 0..2 {
                if side == 1 {
                    view.handle_key(key(KeyCode::Char('d')));
                }
                for (w, h) in [
                    (80, 24),
                    (200, 60),
                    (1, 1),
                    (0, 0),
                    (20, 5),
                    (30, 8),
                    (81, 25),
                ] {
                    let lines = screen(&mut view, w, h);
                    assert_eq!(lines.len(), h as usize);
                }
                let lines = screen(&mut view, 80, 24);
                assert!(lines[0].contains("TCP stream"), "{rel}: {}", lines[0]);
                // The summary keeps what fits: the count and duration at least.
                let packets = format!("│{} packets · ", view.data().frames().len());
                assert!(lines[1].starts_with(&packets), "{rel}: {}", lines[1]);
                let wide = screen(&mut view, 200, 60);
                assert!(wide[1].contains(view.data().uid()), "{rel}: {}", wide[1]);
                assert!(lines[2].contains("1 Timeline"), "{rel}: {}", lines[2]);
            }
        }
    }
}

/// The sender's kernel counters at the last `ss -tin` sample of a recorded
/// bulk upload: total retransmitted segments and bytes.
fn kernel_retransmissions(ss: &Path) -> (usize, u64) {
    let text = std::fs::read_to_string(ss).expect("ss samples");
    let last = text.lines().last().expect("a sample");
    let field = |name: &str| {
        last.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .unwrap_or_else(|| panic!("{name} in {last}"))
    };
    let total = field("retrans:").rsplit('/').next().expect("total");
    (
        total.parse().expect("retrans total"),
        field("bytes_retrans:").parse().expect("bytes_retrans"),
    )
}

#[test]
fn resent_segments_match_the_senders_kernel_counters() {
    for name in ["cwnd_cubic", "cwnd_bbr"] {
        let data = view_data_at(&sample(&format!("{name}.pcap")), 0);
        let (segments, bytes) = kernel_retransmissions(&sample(&format!("{name}.ss.txt")));
        let sender = data.sender(Side::Client);
        // Captured at the sender, every data segment below the highest
        // sequence number already sent is one the kernel sent again.
        let mut highest = 0;
        let mut resent = Vec::new();
        for s in &sender.segments {
            if s.len > 0 && s.seq < highest {
                resent.push(*s);
            }
            highest = highest.max(s.end());
        }
        assert_eq!(resent.len(), segments, "{name}");
        let resent_bytes: u64 = resent.iter().map(|s| u64::from(s.len)).sum();
        assert_eq!(resent_bytes, bytes, "{name}");
        // Wireshark calls some of them retransmissions (the others, sent
        // within its out-of-order threshold after the previous segment, it
        // calls out-of-order): the loss marks are at those.
        let chart = data.chart(ChartKind::InFlight, Side::Client);
        let loss = chart.series("loss").expect("loss");
        let marked: Vec<_> = sender.retransmissions().collect();
        assert!(!marked.is_empty() && marked.len() <= resent.len(), "{name}");
        assert_eq!(loss.points.len(), marked.len());
        for (mark, seg) in loss.points.iter().zip(&marked) {
            assert_eq!(mark.0, seg.time);
            assert!(
                resent.iter().any(|r| r.frame == seg.frame),
                "{name}: {seg:?}"
            );
        }
        // Each loss episode of the cwnd estimate starts at a resent segment
        // and is marked at its time.
        assert!(!sender.losses.is_empty(), "{name}");
        let episodes = chart.series("loss episode").expect("episodes");
        assert_eq!(episodes.points.len(), sender.losses.len());
        for (mark, l) in episodes.points.iter().zip(&sender.losses) {
            assert_eq!(*mark, (l.time, l.window));
            assert!(resent.iter().any(|r| r.frame == l.frame), "{name}: {l:?}");
        }
        // The view opens on the uploading side.
        let mut view = TcpView::new(data);
        assert_eq!(view.sender(), Side::Client);
        view.handle_key(key(KeyCode::Char('4')));
        let text = screen(&mut view, 200, 60).join("\n");
        assert!(
            text.contains("cwnd estimate") && text.contains("loss"),
            "{text}"
        );
    }
}

/// The data is built on a worker thread and handed to the UI thread.
#[test]
fn view_data_can_cross_threads() {
    fn send<T: Send + 'static>() {}
    send::<TcpViewData>();
    send::<TcpView>();
    let data = std::thread::spawn(|| view_data("tls/tls12_ecdhe.pcap", 0))
        .join()
        .expect("worker");
    assert_eq!(data.stream(), 0);
}

/// Every TCP stream of every corpus capture (malformed ones included)
/// builds or fails with a message naming it, and draws every tab at
/// 80x24; none panics.
#[test]
fn every_corpus_stream_builds_or_says_why() {
    let dir = corpus("");
    let mut built = 0;
    let mut areas: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    areas.sort();
    for area in areas {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&area)
            .expect("area")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("pcap" | "pcapng")
                )
            })
            .collect();
        files.sort();
        for path in files {
            let Ok(s) = Session::open(&path, Config::default()) else {
                continue;
            };
            s.wait();
            let streams = s.with_analysis(|a| a.state().tcp.len() as u64);
            for n in 0..streams {
                match build(&s, n, &AtomicBool::new(false)) {
                    Ok(data) => {
                        assert!(!data.frames().is_empty(), "{}", path.display());
                        let mut view = TcpView::new(data);
                        for tab in ['1', '2', '3', '4', '5', '6'] {
                            view.handle_key(key(KeyCode::Char(tab)));
                            screen(&mut view, 80, 24);
                        }
                        built += 1;
                    }
                    Err(e) => assert!(e.contains(&n.to_string()), "{}: {e}", path.display()),
                }
            }
        }
    }
    assert!(built > 100, "{built} streams built");
}

/// Opening the view from a packet finds the same connection as opening it
/// by stream number, from any of its packets, and says why for a packet
/// that is not TCP.
#[test]
fn building_from_a_packet_finds_its_stream() {
    for rel in [
        "tls/tls_nss_tls12_tls13.pcap",
        "http2/h2c_doh_post_goaway.pcap",
        "ip/ipv4_frag_vlan_tcp_syn.pcap",
        "mixed/wikipedia_dns_http.pcap",
    ] {
        let truth = Truth::load(rel);
        let s = session(rel);
        let no = AtomicBool::new(false);
        let streams: std::collections::BTreeSet<u64> = truth
            .0
            .iter()
            .filter_map(|l| num(&l["tcp"]["tcp.stream"]).map(|n| n as u64))
            .collect();
        for n in streams {
            let by_stream = build(&s, n, &no).expect("by stream");
            let frames = by_stream.frames().to_vec();
            for packet in [
                frames[0],
                frames[frames.len() / 2],
                frames[frames.len() - 1],
            ] {
                let by_packet = wirelens::tui::tcp_view::build_for_packet(&s, packet, &no)
                    .unwrap_or_else(|e| panic!("{rel} #{packet}: {e}"));
                assert_eq!(by_packet.stream(), n, "{rel} #{packet}");
                assert_eq!(by_packet.frames(), frames, "{rel} #{packet}");
                assert_eq!(by_packet.events(), by_stream.events());
            }
        }
    }
    // A DNS query over UDP.
    let rel = "mixed/wikipedia_dns_http.pcap";
    let truth = Truth::load(rel);
    let udp = truth
        .0
        .iter()
        .find(|l| l.get("udp").is_some())
        .map(|l| frame_number(&l))
        .expect("a UDP packet");
    let err =
        wirelens::tui::tcp_view::build_for_packet(&session(rel), udp, &AtomicBool::new(false))
            .expect_err("not TCP");
    assert!(
        err.contains(&format!("packet {udp} is not a TCP segment")),
        "{err}"
    );
}
