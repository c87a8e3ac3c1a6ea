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

/// Runs `wirelens print` in-process with the arguments that follow `print`.
/// Returns what it read and what it printed, or the one-line error it would show.
pub fn wirelens_print(
    args: &[&str],
) -> Result<(wirelens::commands::print::Outcome, Vec<u8>), String> {
    use clap::Parser as _;
    let mut argv = vec!["wirelens", "print"];
    argv.extend_from_slice(args);
    let cli = wirelens::cli::Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    let wirelens::cli::Command::Print(p) = cli.command else {
        return Err("not a print command".into());
    };
    let mut out = Vec::new();
    let outcome = wirelens::commands::print::print(&p, &mut out).map_err(|e| e.to_string())?;
    Ok((outcome, out))
}
