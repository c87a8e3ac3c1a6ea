//! Helpers shared by the end-to-end tests: locating the shared corpus and
//! running wirelens commands in-process.

use std::path::{Path, PathBuf};

pub mod mutate;

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
    let Some(wirelens::cli::Command::Print(p)) = cli.command else {
        return Err("not a print command".into());
    };
    let mut out = Vec::new();
    let outcome = wirelens::commands::print::print(&p, &mut out).map_err(|e| e.to_string())?;
    Ok((outcome, out))
}

/// wirelens's `-T json` of `capture` with tshark's defaults (IP, TCP and UDP
/// checksums not verified), written to a file of its own in the temporary
/// directory, which the caller removes.
pub fn json_for_compare(capture: &Path) -> PathBuf {
    let (_, json) = wirelens_print(&[
        "-r",
        capture.to_str().expect("utf-8 path"),
        "-T",
        "json",
        "-o",
        "ip.check_checksum:FALSE",
        "-o",
        "tcp.check_checksum:FALSE",
        "-o",
        "udp.check_checksum:FALSE",
    ])
    .unwrap_or_else(|e| panic!("{}: {e}", capture.display()));
    let stem = capture.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
    let out = std::env::temp_dir().join(format!("wirelens-{}-{stem}.json", std::process::id()));
    std::fs::write(&out, json).expect("write json");
    out
}

/// `shared/tools/tshark-compare` of `ours` against the tshark JSON beside
/// `capture` on `protos` (comma-separated), with the bar: whether it was met,
/// and the tool's report (its last line holds the totals).
pub fn tshark_compare(
    ours: &Path,
    capture: &Path,
    protos: &str,
    min_agreement: f64,
    min_coverage: f64,
) -> (bool, String) {
    let out = std::process::Command::new("python3")
        .arg(tshark_compare_tool())
        .arg(ours)
        .arg(sidecar(capture, "tshark.json"))
        .args(["--proto", protos])
        .args(["--min-agreement", &min_agreement.to_string()])
        .args(["--min-coverage", &min_coverage.to_string()])
        .args(["--show", "5"])
        .output()
        .expect("python3 is needed to run shared/tools/tshark-compare: install python3");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Compares every corpus capture that `select` picks and that has tshark's
/// JSON beside it on `protos`, each file on its own; prints each file's
/// totals and fails listing every file below the bar. Returns how many files
/// were compared.
pub fn assert_corpus_agrees(
    select: impl Fn(&str) -> bool,
    protos: &str,
    min_agreement: f64,
    min_coverage: f64,
) -> usize {
    let mut files = 0;
    let mut failed = Vec::new();
    for cap in captures(&corpus_dir(), &[]) {
        if !select(&cap.to_string_lossy()) || !sidecar(&cap, "tshark.json").is_file() {
            continue;
        }
        files += 1;
        let ours = json_for_compare(&cap);
        let (met, report) = tshark_compare(&ours, &cap, protos, min_agreement, min_coverage);
        let _ = std::fs::remove_file(&ours);
        let name = cap.file_name().unwrap_or_default().to_string_lossy();
        println!("{name}: {}", report.lines().last().unwrap_or(""));
        if !met {
            failed.push(format!("{}:\n{report}", cap.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "below {min_agreement} % agreement or {min_coverage} % coverage on {protos}:\n{}",
        failed.join("\n")
    );
    files
}

/// The layers of a `-V` print whose first line starts with one of `titles`,
/// each frame's after a `== frame N` line, blank lines left out: what the
/// `generate.sh` scripts under `tests/data/` keep of tshark's.
pub fn tree_layers(text: &str, titles: &[&str]) -> String {
    let mut out = String::new();
    let mut frame = "";
    let mut shown = "";
    let mut on = false;
    for line in text.lines() {
        if let Some((n, _)) = line.strip_prefix("Frame ").and_then(|r| r.split_once(':')) {
            frame = n;
            on = false;
            continue;
        }
        if titles.iter().any(|t| line.starts_with(t)) {
            if shown != frame {
                out.push_str("== frame ");
                out.push_str(frame);
                out.push('\n');
                shown = frame;
            }
            on = true;
        } else if !line.starts_with(' ') {
            on = false;
        }
        if on && !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Compares the layers titled `titles` of `wirelens print -V` on corpus
/// `capture` with tshark's, stored by a `generate.sh` under
/// `tests/data/<dir>/<capture name>.txt` ("== frame N" lines, then the
/// layers). `rewrite` turns one of our lines into tshark's wording where the
/// two are known to differ on purpose; `theirs_has` must be in the stored
/// text, a check that it holds the layers at all.
pub fn assert_tree_equals_stored(
    dir: &str,
    capture: &str,
    titles: &[&str],
    theirs_has: &str,
    rewrite: impl Fn(&str) -> String,
) {
    let path = corpus_dir().join(capture);
    let (_, printed) = wirelens_print(&["-r", path.to_str().expect("utf-8 path"), "-V"])
        .unwrap_or_else(|e| panic!("{capture}: {e}"));
    let ours: String = tree_layers(&String::from_utf8_lossy(&printed), titles)
        .lines()
        .map(|l| rewrite(l) + "\n")
        .collect();
    let name = Path::new(capture).file_stem().expect("file name");
    let truth = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(dir)
        .join(name)
        .with_extension("txt");
    let theirs =
        std::fs::read_to_string(&truth).unwrap_or_else(|e| panic!("{}: {e}", truth.display()));
    assert!(theirs.contains(theirs_has), "{}", truth.display());
    assert_same_lines(&format!("{capture}: the {dir} layers"), &ours, &theirs);
}

/// Panics with the first line where `ours` and `theirs` differ, if they do.
pub fn assert_same_lines(what: &str, ours: &str, theirs: &str) {
    if ours == theirs {
        return;
    }
    let first = ours
        .lines()
        .zip(theirs.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(ours.lines().count().min(theirs.lines().count()));
    let around = |text: &str| -> Vec<String> {
        text.lines()
            .skip(first.saturating_sub(3))
            .take(5)
            .map(str::to_string)
            .collect()
    };
    panic!(
        "{what}: differs from tshark's at line {}:\n  ours:   {:?}\n  tshark: {:?}\n  ours around it:   {:#?}\n  tshark around it: {:#?}",
        first + 1,
        ours.lines().nth(first),
        theirs.lines().nth(first),
        around(ours),
        around(theirs),
    );
}
