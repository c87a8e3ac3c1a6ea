//! Adversarial captures through the `wirelens` binary (as built for the
//! tests, debug or release): each must be read with a peak RSS under
//! [`MAX_RSS_KIB`] by `print -q` and by `flows`, and what the limits dropped
//! must be reported by expert items. The captures come from
//! `wirelens_samples::adversarial` (also `gen-adversarial`), written into a
//! temporary directory; docs/ROBUSTNESS.md lists the measured numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use wirelens_capture::{CaptureFile, FileFormat};
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_samples::adversarial::Case;

/// The memory budget of every case: 256 MiB.
const MAX_RSS_KIB: i64 = 256 * 1024;

/// A temporary directory of this test process, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "wirelens-adversarial-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the binary gave.
struct Run {
    code: i32,
    max_rss_kib: i64,
    secs: f64,
    stderr: String,
}

/// Runs `wirelens args`, stdout discarded; the child's own peak RSS comes
/// from `wait4`, so tests running at the same time do not mix.
fn wirelens(args: &[&str]) -> Run {
    let stderr_file = tempfile_path("stderr");
    let start = Instant::now();
    // Reaped by wait4 below, which gives this child's own rusage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_file).expect("stderr file"))
        .spawn()
        .expect("run wirelens");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet waited for; status and usage are valid for writes.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4 on wirelens");
    let secs = start.elapsed().as_secs_f64();
    let stderr = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr_file);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Run {
        code,
        max_rss_kib: usage.ru_maxrss,
        secs,
        stderr,
    }
}

fn tempfile_path(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "wirelens-adversarial-{}-{what}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Writes `case` as `name` in a fresh directory, runs `print -q` and `flows`
/// on it, and checks both stay under the budget. Returns the directory (kept
/// while the caller looks at the file), the file's path and what `flows`
/// wrote on standard error.
fn run_case(name: &str, case: Case, expect_code: i32) -> (TempDir, PathBuf, String) {
    let dir = TempDir::new(name);
    let path = dir.0.join(name);
    case.write(&path).expect("write adversarial capture");
    let file = path.to_str().expect("utf-8 temp path");
    let mut flows_stderr = String::new();
    for args in [&["print", "-q", "-r", file][..], &["flows", "-r", file][..]] {
        let run = wirelens(args);
        eprintln!(
            "{name}: wirelens {}: exit {}, {:.1} s, peak RSS {:.1} MiB",
            args[0],
            run.code,
            run.secs,
            run.max_rss_kib as f64 / 1024.0
        );
        assert!(
            run.max_rss_kib < MAX_RSS_KIB,
            "{name}: wirelens {} peaked at {} KiB, over the {} KiB budget",
            args[0],
            run.max_rss_kib,
            MAX_RSS_KIB
        );
        let code = if args[0] == "flows" && expect_code == 2 {
            // `flows` reports damage on stderr and shows the flows read so far.
            0
        } else {
            expect_code
        };
        assert_eq!(
            run.code, code,
            "{name}: wirelens {}: {}",
            args[0], run.stderr
        );
        if args[0] == "flows" {
            flows_stderr = run.stderr;
        }
    }
    (dir, path, flows_stderr)
}

/// The first expert message containing `text`, dissecting in-process on the
/// fast path and stopping there.
fn first_expert(path: &Path, text: &str) -> Option<(u64, String)> {
    let file = CaptureFile::open(path).expect("open capture");
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut d = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(false);
    let mut packets = file.packets();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        d.dissect(&meta, frame.data, &mut pkt);
        if let Some(e) = pkt.experts.iter().find(|e| e.message.contains(text)) {
            return Some((frame.number, e.message.to_string()));
        }
    }
    None
}

fn assert_expert(path: &Path, text: &str) {
    let found = first_expert(path, text);
    eprintln!("{}: {found:?}", path.display());
    assert!(
        found.is_some(),
        "{}: no expert item says '{text}'",
        path.display()
    );
}

#[test]
fn syn_flood_of_a_million_half_open_connections() {
    let (_dir, path, flows_stderr) = run_case("syn_flood.pcap", Case::SynFlood { n: 1_000_000 }, 0);
    assert_expert(&path, "TCP conversation table full");
    assert_expert(&path, "Flow table full");
    // The flows report says what it lost; that is no packet's expert item.
    assert!(
        flows_stderr.contains("flows were dropped from this report: more than 32768 ended flows"),
        "{flows_stderr}"
    );
}

#[test]
fn a_million_fragments_that_never_complete() {
    let (_dir, path, _) = run_case("fragments.pcap", Case::Fragments { n: 1_000_000 }, 0);
    assert_expert(&path, "datagrams wait for fragments");
}

#[test]
fn tcp_streams_with_endless_holes() {
    let case = Case::Holes {
        connections: 80,
        segments: 800,
    };
    let (_dir, path, _) = run_case("holes.pcap", case, 0);
    assert_expert(&path, "limit");
}

#[test]
fn hpack_bomb() {
    let (_dir, path, _) = run_case("hpack_bomb.pcap", Case::HpackBomb { blocks: 200 }, 0);
    assert_expert(&path, "header list cut at");
}

#[test]
fn dns_compression_loops() {
    let (_dir, path, _) = run_case("dns_loops.pcap", Case::DnsLoops { n: 20_000 }, 0);
    assert_expert(&path, "compression pointer");
}

#[test]
fn pcapng_block_claiming_four_gibibytes() {
    let (dir, path, _) = run_case("huge_block.pcapng", Case::HugeBlock, 2);
    let file = path.to_str().expect("utf-8 temp path");
    // Every packet before the damage is shown, and the error says where and why.
    let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(["print", "-r", file])
        .output()
        .expect("run wirelens");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("byte offset 340") && stderr.contains("4294967292"),
        "{stderr}"
    );
    drop(dir);
}
