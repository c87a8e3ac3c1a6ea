//! Display-filter benchmark: `wirelens print -q -Y FILTER` over a large capture
//! next to the plain summary pass `wirelens print -q` on the same file.
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens --bench filter
//! ```
//!
//! Each command runs as a child process with its output discarded, several
//! times in alternation (the machine is shared: the best run of each is kept).
//! The filter `tcp.port == 443 && ip.src == 10.0.0.0/8` reads only addresses
//! and ports, so it runs on the fast path (no field tree); the goal is at least
//! 90% of the plain pass's speed. A filter that needs the tree is shown for scale.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const FAST_FILTER: &str = "tcp.port == 443 && ip.src == 10.0.0.0/8";
const TREE_FILTER: &str = "tcp.flags.syn == 1 && tcp.window_size_value > 1000";
/// Rounds of the three commands; `WIRELENS_BENCH_ROUNDS` overrides.
const ROUNDS: usize = 3;

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!(
            "benchmark input {} is missing; make it with:\n  cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out {}",
            file.display(),
            file.display()
        );
        std::process::exit(1);
    }
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::read(&file).map(|b| b.len());
    let packets = count_packets(&file);
    let wirelens = env!("CARGO_BIN_EXE_wirelens");
    let f = file.as_os_str();
    let plan: [(&str, Vec<&OsStr>); 3] = [
        (
            "wirelens print -q (summary pass)",
            vec!["print".as_ref(), "-q".as_ref(), "-r".as_ref(), f],
        ),
        (
            "wirelens print -q -Y 'tcp.port == 443 && ip.src == 10.0.0.0/8'",
            vec![
                "print".as_ref(),
                "-q".as_ref(),
                "-Y".as_ref(),
                FAST_FILTER.as_ref(),
                "-r".as_ref(),
                f,
            ],
        ),
        (
            "wirelens print -q -Y 'tcp.flags.syn == 1 && tcp.window_size_value > 1000' (tree)",
            vec![
                "print".as_ref(),
                "-q".as_ref(),
                "-Y".as_ref(),
                TREE_FILTER.as_ref(),
                "-r".as_ref(),
                f,
            ],
        ),
    ];
    let rounds = std::env::var("WIRELENS_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(ROUNDS);
    let mut best = vec![f64::INFINITY; plan.len()];
    for _ in 0..rounds {
        for (i, (_, args)) in plan.iter().enumerate() {
            let secs = run(wirelens, args);
            best[i] = best[i].min(secs);
        }
    }
    println!(
        "\nfile: {} ({:.1} MiB, {packets} packets), best of {rounds} runs\n",
        file.display(),
        bytes as f64 / 1048576.0
    );
    println!("| command | wall s | packets/s | MB/s | speed vs summary pass |");
    println!("|---|---:|---:|---:|---:|");
    for (i, (label, _)) in plan.iter().enumerate() {
        println!(
            "| {label} | {:.2} | {:.0} | {:.0} | {:.0}% |",
            best[i],
            packets as f64 / best[i],
            bytes as f64 / 1e6 / best[i],
            100.0 * best[0] / best[i]
        );
    }
    let ratio = best[0] / best[1];
    println!(
        "\nfast-path filter at {:.1}% of the summary pass's speed (goal: at least 90%)",
        100.0 * ratio
    );
}

fn count_packets(file: &Path) -> u64 {
    let capture = wirelens_capture::CaptureFile::open(file).expect("open benchmark capture");
    capture.packets().filter(|p| p.is_ok()).count() as u64
}

/// Runs `program args` with output discarded; returns wall seconds.
fn run(program: &str, args: &[&OsStr]) -> f64 {
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run wirelens");
    assert!(status.success(), "{program} {args:?} failed: {status}");
    start.elapsed().as_secs_f64()
}
