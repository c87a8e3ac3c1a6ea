//! `gen-capture`: writes a large, deterministic, realistic capture for
//! benchmarks and load tests.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};

use wirelens_samples::gen::seconds;
use wirelens_samples::size::parse_size;
use wirelens_samples::{write_capture, Format, Options};

/// Write a synthetic capture of a busy office uplink: concurrent TCP
/// connections (HTTPS, HTTP, SSH, BGP, ...), DNS, ping, ARP, some IPv6 and
/// 802.1Q-tagged frames. The same seed always gives the same file.
#[derive(Parser, Debug)]
#[command(name = "gen-capture", version)]
struct Args {
    /// Largest file size: bytes, or with a suffix K, M, G, T (powers of 1024).
    #[arg(long, short, value_parser = parse_size)]
    size: u64,
    /// Output file.
    #[arg(long, short)]
    out: PathBuf,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// File format.
    #[arg(long, value_enum, default_value_t = FileFormat::Pcap)]
    format: FileFormat,
    /// Write nanosecond timestamps instead of microseconds.
    #[arg(long)]
    nanosecond: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FileFormat {
    Pcap,
    Pcapng,
}

/// Big enough that the file system sees few, large writes.
const WRITE_BUFFER: usize = 8 << 20;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-capture: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let file = File::create(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let options = Options {
        size: args.size,
        seed: args.seed,
        format: match args.format {
            FileFormat::Pcap => Format::Pcap,
            FileFormat::Pcapng => Format::PcapNg,
        },
        nanosecond: args.nanosecond,
    };
    let started = Instant::now();
    let write_error = |e: std::io::Error| format!("cannot write {}: {e}", args.out.display());
    let (summary, out) = write_capture(&options, BufWriter::with_capacity(WRITE_BUFFER, file))
        .map_err(write_error)?;
    let file = out.into_inner().map_err(|e| write_error(e.into_error()))?;
    file.sync_all().map_err(write_error)?;
    let elapsed = started.elapsed().as_secs_f64();
    if !args.quiet {
        let simulated = seconds(summary.duration);
        println!(
            "{}: {} packets, {} bytes, {:.2} s simulated ({:.0} packets/s); written in {:.2} s ({:.0} MB/s)",
            args.out.display(),
            summary.packets,
            summary.bytes,
            simulated,
            summary.packets as f64 / simulated.max(1e-9),
            elapsed,
            summary.bytes as f64 / 1e6 / elapsed.max(1e-9),
        );
    }
    Ok(())
}
