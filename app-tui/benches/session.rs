//! Session benchmark: what a front end waits for on a large capture.
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens --bench session
//! # skip the filter that re-dissects every packet: WIRELENS_BENCH_TREE_FILTER=0
//! ```
//!
//! One process, one session, measured in order:
//! - time to first screenful: from `Session::open` until 50 packets are
//!   indexed and their summary lines (No., Time, Source, Destination,
//!   Protocol, Length, Info) are rendered;
//! - total load time (the background pass to the end of the file);
//! - peak RSS of this process (`getrusage`), the file being memory-mapped;
//! - jumps: the full tree of the middle and of the last packet (cold: replay
//!   from the nearest parked dissector), then of the packet after each (warm);
//! - filter time: a filter the index answers (addresses and ports), in
//!   parallel chunks, and one that needs every packet dissected again.
//!
//! The file is read once beforehand so it starts in the page cache, as for
//! the `read` benchmark's tcpdump and tshark runs.

use std::path::PathBuf;
use std::time::Instant;

use wirelens_capture::session::filter::FilterControl;
use wirelens_capture::session::{Config, Session};
use wirelens_dissect::export::text;
use wirelens_dissect::filter::Filter;

fn max_rss_mib() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we pass and nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!("benchmark input {} is missing", file.display());
        std::process::exit(1);
    }
    let tree_filter = std::env::var("WIRELENS_BENCH_TREE_FILTER").map_or(true, |v| v != "0");
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    warm(&file);
    let rss_before = max_rss_mib();

    let t0 = Instant::now();
    let session = Session::open(&file, Config::default()).expect("open");
    session.wait_for_packets(50);
    let mut lines = String::new();
    let first_ts = session.entry(1).map(|e| e.ts()).unwrap_or_default();
    session.visit(1, 50, false, |d| {
        let meta = d.meta();
        text::summary_line(&mut lines, &meta, meta.ts.since(first_ts), &d.packet);
        lines.push('\n');
    });
    let first_screen = t0.elapsed().as_secs_f64();
    assert_eq!(lines.lines().count(), 50);

    let progress = session.wait();
    let load = t0.elapsed().as_secs_f64();
    let rss_loaded = max_rss_mib();
    let n = progress.packets;
    let (shapes, addrs, overflow) =
        session.with_analysis(|a| (a.shapes.len(), a.addrs.len(), a.addrs.overflowed));

    let jump = |k: u64| {
        let t = Instant::now();
        let d = session.dissect(k).expect("packet");
        assert_eq!(d.frame.number, k);
        t.elapsed().as_secs_f64()
    };
    let mid_cold = jump(n / 2);
    let mid_warm = jump(n / 2 + 1);
    let end_cold = jump(n);
    let back_warm = jump(n / 2 + 2);

    let index_filter = "tcp.port == 443 && ip.src == 10.0.0.0/8";
    let f = Filter::compile(index_filter).expect("filter");
    let control = FilterControl::default();
    let t = Instant::now();
    let out = session.filter(&f, &control);
    let index_secs = t.elapsed().as_secs_f64();
    assert!(out.from_index);
    let index_matches = out.matches.len();

    let tree = if tree_filter {
        let text = "tcp.flags.syn == 1 && tcp.window_size_value > 1000";
        let f = Filter::compile(text).expect("filter");
        let t = Instant::now();
        let out = session.filter(&f, &FilterControl::default());
        Some((text, t.elapsed().as_secs_f64(), out.matches.len()))
    } else {
        None
    };
    let rss_end = max_rss_mib();

    let mib = size as f64 / (1 << 20) as f64;
    println!("file: {} ({mib:.0} MiB, {n} packets)", file.display());
    println!("first screenful (50 rows): {:.1} ms", first_screen * 1e3);
    println!(
        "full load: {load:.2} s ({:.0} packets/s, {:.0} MB/s)",
        n as f64 / load,
        size as f64 / load / 1e6
    );
    println!(
        "peak RSS: {rss_loaded:.1} MiB after loading ({:.2}% of the file), {rss_end:.1} MiB at the end; {rss_before:.1} MiB before opening",
        rss_loaded / mib * 100.0
    );
    println!(
        "index: {:.1} MiB ({:.1} bytes/packet); {shapes} shapes, {addrs} address sets interned ({overflow} not interned)",
        session.index_bytes() as f64 / (1 << 20) as f64,
        session.index_bytes() as f64 / n.max(1) as f64
    );
    println!(
        "jump to packet {}: {:.1} ms cold, next packet {:.2} ms; packet {n}: {:.1} ms cold; back to {}: {:.1} ms",
        n / 2,
        mid_cold * 1e3,
        mid_warm * 1e3,
        end_cold * 1e3,
        n / 2 + 2,
        back_warm * 1e3
    );
    println!(
        "filter '{index_filter}' over the index: {:.1} ms, {index_matches} matches",
        index_secs * 1e3
    );
    if let Some((text, secs, m)) = tree {
        println!("filter '{text}' (re-dissects every packet): {secs:.2} s, {m} matches");
    }
}

/// Reads the file once so runs start from the page cache.
fn warm(path: &std::path::Path) {
    use std::io::Read;
    if let Ok(mut f) = std::fs::File::open(path) {
        let mut buf = vec![0u8; 8 << 20];
        while matches!(f.read(&mut buf), Ok(n) if n > 0) {}
    }
}
