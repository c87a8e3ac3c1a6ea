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

/// Reads the file through a small buffer. The benchmark process itself must stay
/// small: a child's peak RSS as `wait4` reports it includes what the parent held
/// when it forked.
fn warm_page_cache(file: &Path) {
    use std::io::Read;
    let mut f = std::fs::File::open(file).expect("open benchmark capture");
    let mut buf = vec![0u8; 1 << 20];
    while f.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
}

/// Counts the records of a little-endian pcap by walking its record headers
/// through a buffered reader (the generator writes that format).
fn count_packets(file: &Path) -> u64 {
    use std::io::{BufReader, Read, Seek, SeekFrom};
    let mut f = BufReader::new(std::fs::File::open(file).expect("open benchmark capture"));
    let mut header = [0u8; 24];
    f.read_exact(&mut header).expect("pcap header");
    assert!(
        matches!(
            header[..4],
            [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1]
        ),
        "the benchmark reads a little-endian pcap, as gen-capture writes by default"
    );
    let mut record = [0u8; 16];
    let mut count = 0;
    while f.read_exact(&mut record).is_ok() {
        let caplen = u32::from_le_bytes([record[8], record[9], record[10], record[11]]);
        if f.seek(SeekFrom::Current(caplen as i64)).is_err() {
            break;
        }
        count += 1;
    }
    count
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
