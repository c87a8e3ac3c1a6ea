//! `gen-adversarial`: writes the adversarial captures of the bounded-memory
//! tests (see `wirelens_samples::adversarial` and docs/ROBUSTNESS.md) into a
//! directory, at full size.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use wirelens_samples::adversarial::Case;

/// Write syn_flood.pcap, fragments.pcap, holes.pcap, hpack_bomb.pcap,
/// dns_loops.pcap and huge_block.pcapng into DIR.
#[derive(Parser, Debug)]
#[command(name = "gen-adversarial")]
struct Args {
    /// Output directory.
    dir: PathBuf,
}

/// The cases at the sizes docs/ROBUSTNESS.md gives.
pub const CASES: &[(&str, Case)] = &[
    ("syn_flood.pcap", Case::SynFlood { n: 1_000_000 }),
    ("fragments.pcap", Case::Fragments { n: 1_000_000 }),
    (
        "holes.pcap",
        Case::Holes {
            connections: 80,
            segments: 800,
        },
    ),
    ("hpack_bomb.pcap", Case::HpackBomb { blocks: 2000 }),
    ("dns_loops.pcap", Case::DnsLoops { n: 20_000 }),
    ("huge_block.pcapng", Case::HugeBlock),
];

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        eprintln!("gen-adversarial: {}: {e}", args.dir.display());
        return ExitCode::FAILURE;
    }
    for (name, case) in CASES {
        let path = args.dir.join(name);
        match case.write(&path) {
            Ok(n) => println!("{}: {n} records", path.display()),
            Err(e) => {
                eprintln!("gen-adversarial: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
