//! Command-line syntax. Flags follow tshark's where the meaning is the same.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use wirelens_dissect::export::time_format::TimeFormat;

#[derive(Parser, Debug)]
#[command(
    name = "wirelens",
    version,
    about = "Packet analyzer and protocol dissector",
    long_about = "Packet analyzer and protocol dissector.\n\n`wirelens FILE` opens FILE in the terminal UI; the subcommands work headless.",
    // `wirelens FILE` and `wirelens print ...`: a subcommand name wins over
    // the positional path (open a file named like a subcommand as `./print`).
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: the capture to open in the terminal UI.
    #[command(flatten)]
    pub open: OpenArgs,
    /// `wirelens -i IFACE ...`: a live capture, with the flags of `wirelens capture`.
    #[command(flatten)]
    pub live: CaptureArgs,
}

/// What the terminal UI opens, and how it dissects.
#[derive(Args, Debug, Clone, Default)]
pub struct OpenArgs {
    /// Capture file to open (pcap or pcapng).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A preference, `name:value`, as tshark's `-o` (e.g. `tcp.check_checksum:FALSE`).
    #[arg(short = 'o', value_name = "PREF")]
    pub prefs: Vec<String>,
    /// An NSS key log file (SSLKEYLOGFILE format) to decrypt TLS with.
    #[arg(long = "tls-keylog", value_name = "FILE")]
    pub tls_keylog: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open a capture in the terminal UI (the same as `wirelens FILE`).
    Open(OpenArgs),
    /// Print packets like tshark: summaries, the full tree, hex, JSON or fields.
    Print(PrintArgs),
    /// List every field name with its type and description (like `tshark -G fields`).
    Fields(FieldsArgs),
    /// Statistics over a whole capture, like tshark's `-q -z`: conversations, neighbours.
    Stats(StatsArgs),
    /// One JSON object per flow, with Zeek conn.log's field names and meanings.
    Flows(FlowsArgs),
    /// The application bytes of one TCP (or UDP) conversation, both directions in
    /// order, like `tshark -q -z follow,tcp,ascii,N`.
    Follow(FollowArgs),
    /// Capture live on network interfaces without the user interface, like
    /// tshark: print packet summaries, or with `-w` only write pcapng.
    Capture(CaptureArgs),
    /// List the interfaces live capture can use, like `tshark -D`.
    Interfaces,
}

/// Live capture flags, as tshark's and dumpcap's.
#[derive(Args, Debug, Default)]
pub struct CaptureArgs {
    /// An interface to capture on (repeatable: each becomes one pcapng interface).
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interfaces: Vec<String>,
    /// Capture filter in libpcap (BPF) syntax, applied in the kernel: `-f "tcp port 80"`.
    #[arg(short = 'f', value_name = "FILTER")]
    pub capture_filter: Option<String>,
    /// Bytes kept of each packet (default 262144: whole packets).
    #[arg(short = 's', value_name = "SNAPLEN")]
    pub snaplen: Option<u32>,
    /// Do not put the interfaces in promiscuous mode.
    #[arg(short = 'p')]
    pub no_promiscuous: bool,
    /// Kernel capture buffer size in MiB (libpcap's default is 2).
    #[arg(short = 'B', value_name = "MIB")]
    pub buffer_mib: Option<u32>,
    /// Stop after this many packets.
    #[arg(short = 'c', value_name = "N")]
    pub count: Option<u64>,
    /// Stop condition (repeatable): `duration:SECONDS`, `filesize:KB` (1000 bytes), `packets:N`.
    #[arg(short = 'a', value_name = "COND")]
    pub autostop: Vec<String>,
    /// Write the packets to this pcapng file (and print nothing but counts).
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Ring buffer with `-w`: `filesize:KB` starts a new file when one is full,
    /// `files:N` keeps the newest N (`-b filesize:1000,files:5` or repeated `-b`).
    #[arg(short = 'b', value_name = "COND")]
    pub ring: Vec<String>,
    /// Display filter: print only the packets that match (all are written).
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Print no packet summaries, only the counts at the end.
    #[arg(short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Capture file to read (pcap or pcapng); `-` reads standard input.
    #[arg(short = 'r', long = "read", value_name = "FILE")]
    pub file: PathBuf,
    /// Statistics to print: `conv` (same as `conv,tcp`), `conv,tcp`, `conv,udp`,
    /// `conv,ip`, `conv,ipv6`, `conv,eth`, `neighbours`, `bgp` (BGP sessions,
    /// their FSM timelines, the routes each peer learned and best paths).
    #[arg(value_name = "STAT")]
    pub stats: Vec<String>,
    /// The same, in tshark's `-z` form (repeatable): `-z conv,tcp`.
    #[arg(short = 'z', value_name = "STAT")]
    pub z: Vec<String>,
}

#[derive(Args, Debug)]
pub struct FlowsArgs {
    /// Capture file to read (pcap or pcapng); `-` reads standard input.
    #[arg(short = 'r', long = "read", value_name = "FILE")]
    pub file: PathBuf,
    /// `ndjson`: one object per line; `json`: one array.
    #[arg(long, value_enum, default_value_t = FlowsFormat::Ndjson)]
    pub format: FlowsFormat,
    /// Display filter: only flows with at least one matching packet.
    #[arg(short = 'Y', value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// An NSS key log file (SSLKEYLOGFILE format) to decrypt TLS with: the
    /// decrypted handshake joins the TLS timeline.
    #[arg(long = "tls-keylog", value_name = "FILE")]
    pub tls_keylog: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FlowsFormat {
    Ndjson,
    Json,
}

#[derive(Args, Debug)]
pub struct FollowArgs {
    /// Capture file to read (pcap or pcapng); `-` reads standard input.
    #[arg(short = 'r', long = "read", value_name = "FILE")]
    pub file: PathBuf,
    /// The stream index, as `tcp.stream` (or `udp.stream` with `--udp`) numbers it.
    #[arg(long = "stream", value_name = "N")]
    pub stream: u32,
    /// Output format: tshark's ascii, hex or raw, or JSON.
    #[arg(long = "format", value_enum, default_value_t = FollowFormat::Ascii)]
    pub format: FollowFormat,
    /// Follow a UDP stream instead of a TCP one.
    #[arg(long = "udp")]
    pub udp: bool,
    /// Show one HTTP/2 stream (by its stream identifier) of TCP stream
    /// `--stream`: its decoded headers each way, then its body (tshark's
    /// `-z follow,http2,...,T,N`).
    #[arg(long = "http2-stream", value_name = "ID")]
    pub http2_stream: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FollowFormat {
    Ascii,
    Hex,
    Raw,
    Json,
}

#[derive(Args, Debug)]
pub struct PrintArgs {
    /// Capture file to read (pcap or pcapng); `-` reads standard input.
    #[arg(short = 'r', long = "read", value_name = "FILE")]
    pub file: PathBuf,
    /// Stop after this many packets.
    #[arg(short = 'c', value_name = "N")]
    pub count: Option<u64>,
    /// Quiet: dissect every packet but print nothing (to time or validate a file).
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Print the full detail tree of each packet.
    #[arg(short = 'V')]
    pub verbose: bool,
    /// Print a hex and ASCII dump of each packet.
    #[arg(short = 'x')]
    pub hex: bool,
    /// Output format.
    #[arg(short = 'T', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A field to print with `-T fields` (repeatable).
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,
    /// Options for `-T fields`: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n.
    #[arg(short = 'E', value_name = "OPTION")]
    pub field_options: Vec<String>,
    /// Write the packets read (up to `-c`; with `-Y` only those that match) to this file instead of printing them.
    #[arg(short = 'w', value_name = "OUTFILE")]
    pub write: Option<PathBuf>,
    /// File format for `-w`.
    #[arg(short = 'F', value_enum, default_value_t = SaveFormatArg::Pcapng)]
    pub save_format: SaveFormatArg,
    /// Display filter: only packets that match are printed or written (`-Y "tcp.port == 443"`).
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// The time column, as tshark's `-t`: r (since the first packet), d (since the previous one), dd (since the previous one displayed), e (epoch), a, ad, adoy (local time; with the date; with the day of the year), u, ud, udoy (the same in UTC).
    #[arg(short = 't', value_name = "FORMAT", default_value = "r", value_parser = parse_time_format)]
    pub time_format: TimeFormat,
    /// A preference, `name:value`, as tshark's `-o` (e.g. `tcp.check_checksum:FALSE`).
    #[arg(short = 'o', value_name = "PREF")]
    pub prefs: Vec<String>,
    /// An NSS key log file (SSLKEYLOGFILE format) to decrypt TLS with; same as `-o tls.keylog_file:FILE`.
    #[arg(long = "tls-keylog", value_name = "FILE")]
    pub tls_keylog: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Fields,
}

/// Capture file formats `-w` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SaveFormatArg {
    Pcap,
    Pcapng,
}

#[derive(Args, Debug)]
pub struct FieldsArgs {
    /// Only fields whose name starts with this.
    pub prefix: Option<String>,
}

fn parse_time_format(s: &str) -> Result<TimeFormat, String> {
    TimeFormat::parse(s).ok_or_else(|| {
        format!("'{s}' is not a time format: use r, d, dd, e, a, ad, adoy, u, ud or udoy")
    })
}
