//! Helpers shared by the end-to-end tests: locating the shared corpus and
//! running wirelens commands in-process.

use std::path::{Path, PathBuf};

/// The shared capture corpus, `../shared/captures` beside the repository.
pub fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "the shared capture corpus is missing: expected {} (clone the repository beside shared/)",
        dir.display()
    );
    dir
}

/// The tshark comparison tool shipped with the corpus.
pub fn tshark_compare_tool() -> PathBuf {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/tshark-compare");
    assert!(
        tool.is_file(),
        "missing {}: the shared tools folder must sit beside the repository",
        tool.display()
    );
    tool
}

/// Every capture file below `dir`, sorted, with the given area folders excluded.
pub fn captures(dir: &Path, exclude: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut areas: Vec<_> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    areas.sort();
    for area in areas {
        let name = area.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if exclude.contains(&name) {
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(&area)
            .expect("read area dir")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("pcap" | "pcapng")
                )
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// A capture's sidecar file: `x.pcap` -> `x.<suffix>`.
pub fn sidecar(capture: &Path, suffix: &str) -> PathBuf {
    let stem = capture.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    capture.with_file_name(format!("{stem}.{suffix}"))
}

/// Runs `wirelens print` in-process with the given arguments after `print`.
/// Returns (exit status as u8, stdout).
pub fn wirelens_print(args: &[&str]) -> (u8, Vec<u8>) {
    use clap::Parser as _;
    let mut argv = vec!["wirelens", "print"];
    argv.extend_from_slice(args);
    let cli = wirelens::cli::Cli::parse_from(argv);
    let wirelens::cli::Command::Print(p) = cli.command else {
        unreachable!("print was requested")
    };
    let mut out = Vec::new();
    let code = wirelens::commands::print::run(&p, &mut out).expect("print runs");
    (exit_code_byte(code), out)
}

fn exit_code_byte(code: std::process::ExitCode) -> u8 {
    // ExitCode has no accessor; compare with the two values print returns.
    if code == std::process::ExitCode::SUCCESS {
        0
    } else {
        2
    }
}
