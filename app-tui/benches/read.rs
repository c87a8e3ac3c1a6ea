//! Reading benchmark: how fast `wirelens print` goes through a large capture,
//! next to `tcpdump -nn -r` and `tshark -n -r` on the same file.
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens --bench read
//! ```
//!
//! Each command runs as a child process with its output sent to /dev/null; wall
//! time comes from the clock and peak memory from `wait4`'s `ru_maxrss`. A tool
//! that is not installed is reported as such and skipped. The file is read once
//! beforehand so every run starts with it in the page cache.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

struct Run {
    label: &'static str,
    secs: f64,
    max_rss_kib: i64,
}

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
    warm_page_cache(&file);
    let packets = count_packets(&file);
    let wirelens = env!("CARGO_BIN_EXE_wirelens");
    let f = file.as_os_str();
    let mut runs = Vec::new();
    let plan: [(&'static str, &str, Vec<&OsStr>); 4] = [
        (
            "wirelens print -q (summary pass)",
            wirelens,
            vec!["print".as_ref(), "-q".as_ref(), "-r".as_ref(), f],
        ),
        (
            "wirelens print (summary lines)",
            wirelens,
            vec!["print".as_ref(), "-r".as_ref(), f],
        ),
        (
            "tcpdump -nn -r",
            "tcpdump",
            vec!["-nn".as_ref(), "-r".as_ref(), f],
        ),
        (
            "tshark -n -r",
            "tshark",
            vec!["-n".as_ref(), "-r".as_ref(), f],
        ),
    ];
    for (label, program, args) in plan {
        match run(program, &args) {
            Some((secs, rss)) => runs.push(Run {
                label,
                secs,
                max_rss_kib: rss,
            }),
            None => println!("{label}: not run ({program} is not installed)"),
        }
    }
    println!(
        "\nfile: {} ({:.1} MiB, {packets} packets)\n",
        file.display(),
        bytes as f64 / 1048576.0
    );
    println!("| command | wall s | packets/s | MB/s | peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|");
    for r in &runs {
        println!(
            "| {} | {:.2} | {:.0} | {:.0} | {:.1} |",
            r.label,
            r.secs,
            packets as f64 / r.secs,
            bytes as f64 / 1e6 / r.secs,
            r.max_rss_kib as f64 / 1024.0
        );
    }
}

fn warm_page_cache(file: &Path) {
    let _ = std::fs::read(file).map(|b| b.len());
}

fn count_packets(file: &Path) -> u64 {
    let capture = wirelens_capture::CaptureFile::open(file).expect("open benchmark capture");
    capture.packets().filter(|p| p.is_ok()).count() as u64
}

/// Runs `program args` with output discarded; returns wall seconds and peak RSS (KiB).
fn run(program: &str, args: &[&OsStr]) -> Option<(f64, i64)> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, status and usage are valid for writes.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    if rc != pid {
        return None;
    }
    Some((secs, usage.ru_maxrss))
}
