//! TCP connection view benchmark: building a connection's view (finding its
//! packets in the index, dissecting them again with full retention) and
//! drawing each tab, on a large capture.
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens --bench tcp_view
//! ```
//!
//! Measured for the capture's longest TCP connection (by packets) that the
//! loader's flow table still describes, for one of median length, and for
//! a generated bulk transfer of `WIRELENS_BENCH_BULK_SEGMENTS` (default one
//! million) data segments with their ACKs and a retransmission every
//! thousandth segment, written to /tmp and removed after:
//! - build time (what the background thread spends before the view opens);
//! - each tab drawn at 200x60 the first time (charts reduced to the width)
//!   and again (from the reduced series).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use wirelens::tui::tcp_view::{build, TcpView};
use wirelens_capture::session::{Config, Session};
use wirelens_capture::write::PcapWriter;
use wirelens_dissect::flow::tcp_state::Side;
use wirelens_dissect::{LinkType, Timestamp};

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!("benchmark input {} is missing", file.display());
        std::process::exit(1);
    }
    mixed_capture(&file);
    let segments = std::env::var("WIRELENS_BENCH_BULK_SEGMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let bulk =
        std::env::temp_dir().join(format!("wirelens-tcpview-bulk-{}.pcap", std::process::id()));
    write_bulk_transfer(&bulk, segments).expect("write the bulk transfer");
    let session = open(&bulk);
    measure(&session, "bulk transfer", 0);
    drop(session);
    let _ = std::fs::remove_file(&bulk);
}

fn open(file: &std::path::Path) -> Session {
    let t = Instant::now();
    let session = Session::open(file, Config::default()).expect("open");
    let progress = session.wait();
    println!(
        "file: {} ({} packets, {:.0} MiB), loaded in {:.2} s",
        file.display(),
        progress.packets,
        progress.file_len as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );
    session
}

fn mixed_capture(file: &std::path::Path) {
    let session = open(file);
    let t = Instant::now();
    let records = session.file().packets().filter_map(Result::ok).count();
    println!(
        "reading every record without dissecting: {:.1} ms ({records} records)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let entries = session
        .snapshot()
        .iter()
        .filter(|(_, e)| e.stream == 1)
        .count();
    println!(
        "scanning the index: {:.1} ms ({entries} entries of flow 1)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut streams: Vec<(u64, u64)> = session.with_analysis(|a| {
        a.state()
            .flows
            .all()
            .into_iter()
            .filter_map(|f| Some((u64::from(f.tcp_stream?), f.sides[0].pkts + f.sides[1].pkts)))
            .collect()
    });
    streams.sort_by_key(|s| std::cmp::Reverse(s.1));
    let dropped = session.with_analysis(|a| a.state().flows.dropped);
    println!(
        "{} TCP flow records known to the loader ({dropped} older records dropped)",
        streams.len()
    );
    let picks = [
        ("longest", streams.first()),
        ("median", streams.get(streams.len() / 2)),
    ];
    for (what, pick) in picks {
        if let Some(&(stream, _)) = pick {
            measure(&session, what, stream);
        }
    }
}

fn measure(session: &Session, what: &str, stream: u64) {
    let t = Instant::now();
    let data = build(session, stream, &AtomicBool::new(false)).expect("build");
    let built = t.elapsed().as_secs_f64();
    let segments: usize = [Side::Client, Side::Server]
        .iter()
        .map(|s| data.sender(*s).segments.len())
        .sum();
    println!(
        "{what} stream {stream}: {} packets, {} events, {segments} segments; build {:.1} ms",
        data.frames().len(),
        data.events().len(),
        built * 1e3
    );
    let mut view = TcpView::new(data);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut line = String::from("  draw 200x60, first/again (ms):");
    for tab in ['1', '2', '3', '4', '5', '6'] {
        view.handle_key(KeyEvent::new(KeyCode::Char(tab), KeyModifiers::NONE));
        let mut times = Vec::new();
        for _ in 0..2 {
            let t = Instant::now();
            term.draw(|f| view.render(f, f.area())).expect("draw");
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        line.push_str(&format!(" {tab}: {:.2}/{:.2}", times[0], times[1]));
    }
    println!("{line}");
}

/// One connection from 10.0.0.1:40000 to 10.0.0.2:80: handshake, `segments`
/// 100-byte data segments 20 µs apart, the server's ACK every second
/// segment, every thousandth segment sent twice, and the close.
fn write_bulk_transfer(path: &std::path::Path, segments: u32) -> std::io::Result<()> {
    let out = std::io::BufWriter::with_capacity(8 << 20, std::fs::File::create(path)?);
    let mut w = PcapWriter::new(out, LinkType::ETHERNET, 65535, false)?;
    let (client, server) = (([10, 0, 0, 1], 40000u16), ([10, 0, 0, 2], 80u16));
    let (c_isn, s_isn) = (1_000_000u32, 5_000_000u32);
    let mut t_us: u64 = 0;
    let put = |w: &mut PcapWriter<_>, t: u64, from_client: bool, seq, ack, flags, len| {
        let (src, dst) = if from_client {
            (client, server)
        } else {
            (server, client)
        };
        let frame = tcp_frame(src, dst, seq, ack, flags, len);
        let ts = Timestamp::new(
            1_700_000_000 + (t / 1_000_000) as i64,
            (t % 1_000_000) * 1000,
        );
        w.write_packet(ts, &frame, frame.len() as u32)
    };
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const PSH_ACK: u8 = 0x18;
    const FIN_ACK: u8 = 0x11;
    put(&mut w, t_us, true, c_isn, 0, SYN, 0)?;
    t_us += 500;
    put(&mut w, t_us, false, s_isn, c_isn + 1, SYN | ACK, 0)?;
    t_us += 500;
    put(&mut w, t_us, true, c_isn + 1, s_isn + 1, ACK, 0)?;
    let mut seq = c_isn + 1;
    for i in 0..segments {
        t_us += 20;
        put(&mut w, t_us, true, seq, s_isn + 1, PSH_ACK, 100)?;
        if i % 1000 == 999 {
            t_us += 5;
            put(&mut w, t_us, true, seq, s_isn + 1, PSH_ACK, 100)?;
        }
        seq = seq.wrapping_add(100);
        if i % 2 == 1 {
            put(&mut w, t_us + 10, false, s_isn + 1, seq, ACK, 0)?;
        }
    }
    t_us += 1000;
    put(&mut w, t_us, true, seq, s_isn + 1, FIN_ACK, 0)?;
    put(
        &mut w,
        t_us + 500,
        false,
        s_isn + 1,
        seq.wrapping_add(1),
        FIN_ACK,
        0,
    )?;
    put(
        &mut w,
        t_us + 1000,
        true,
        seq.wrapping_add(1),
        s_isn + 2,
        ACK,
        0,
    )?;
    w.finish()?;
    Ok(())
}

/// Ethernet, IPv4 and TCP headers (checksums left zero) and `len` zero bytes.
fn tcp_frame(
    (src, sport): ([u8; 4], u16),
    (dst, dport): ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u8,
    len: u16,
) -> Vec<u8> {
    let mut f = Vec::with_capacity(54 + usize::from(len));
    f.extend_from_slice(&[2, 0, 0, 0, 0, dst[3], 2, 0, 0, 0, 0, src[3], 0x08, 0x00]);
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&(40 + len).to_be_bytes());
    f.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.resize(54 + usize::from(len), 0);
    f
}
