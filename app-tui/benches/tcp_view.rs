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
//! loader's flow table still describes, and for one of median length:
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

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!("benchmark input {} is missing", file.display());
        std::process::exit(1);
    }
    let t = Instant::now();
    let session = Session::open(&file, Config::default()).expect("open");
    let progress = session.wait();
    println!(
        "file: {} ({} packets), loaded in {:.2} s",
        file.display(),
        progress.packets,
        t.elapsed().as_secs_f64()
    );
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
        let Some(&(stream, _)) = pick else {
            continue;
        };
        let t = Instant::now();
        let data = build(&session, stream, &AtomicBool::new(false)).expect("build");
        let built = t.elapsed().as_secs_f64();
        let segments: usize = [
            wirelens_dissect::flow::tcp_state::Side::Client,
            wirelens_dissect::flow::tcp_state::Side::Server,
        ]
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
}
