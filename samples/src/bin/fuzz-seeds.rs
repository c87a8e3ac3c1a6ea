//! `fuzz-seeds`: writes the seed corpus of every fuzz target, cut out of
//! captures, into `OUT/<target>/` (one file per seed, named by its hash).
//!
//! `fuzz/seed.sh` runs it on the shared corpus and `samples/captures`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use wirelens_samples::seeds::{collect, TARGETS};

/// Cut fuzz seeds out of the captures under each DIR.
#[derive(Parser, Debug)]
#[command(name = "fuzz-seeds")]
struct Args {
    /// Where to write: one directory per target.
    #[arg(long, short)]
    out: PathBuf,
    /// A TSV file whose first column holds display filters (filter seeds).
    #[arg(long)]
    filters: Option<PathBuf>,
    /// Directories searched for .pcap and .pcapng files.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let dirs: Vec<&std::path::Path> = args.dirs.iter().map(PathBuf::as_path).collect();
    let seeds = collect(&dirs, args.filters.as_deref());
    for target in TARGETS {
        let dir = args.out.join(target);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("fuzz-seeds: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        let list = seeds.get(target);
        for seed in list {
            let mut h = DefaultHasher::new();
            seed.hash(&mut h);
            let path = dir.join(format!("seed-{:016x}", h.finish()));
            if let Err(e) = std::fs::write(&path, seed) {
                eprintln!("fuzz-seeds: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        println!("{target}: {} seeds", list.len());
    }
    ExitCode::SUCCESS
}
