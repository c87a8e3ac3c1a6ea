//! `wirelens stats -r FILE STAT...`: whole-capture statistics, printed as tshark
//! prints its `-q -z` tables. The file is loaded once through a capture
//! [`Session`], which keeps every table current while it loads.
//!
//! - `hierarchy` (or `io,phs`): the protocol hierarchy, as `tshark -q -z io,phs`.
//! - `conv` (same as `conv,tcp`), `conv,udp`, `conv,ip`, `conv,ipv6`, `conv,eth`:
//!   tshark 4.0's conversation tables, byte for byte (`tshark -n -q -z conv,tcp`).
//! - `endpoints` (same as `endpoints,ip`), `endpoints,tcp|udp|ipv6|eth`: as
//!   `tshark -n -q -z endpoints,ip`.
//! - `expert`: the expert-info summary, as `tshark -q -z expert`.
//! - `io`, `io,INTERVAL`, `io,stat,INTERVAL` (seconds, default 1): frames and
//!   bytes per interval, as `tshark -q -z io,stat,INTERVAL`.
//! - `latency`: TCP handshake RTT, DNS response time, TLS and SSH handshake durations.
//! - `neighbours`: the ARP / NDP neighbour table the capture shows.
//! - `wlan`: the 802.11 BSSes seen and the stations associated to each.
//! - `bgp`: each BGP session's route view and the best path per prefix.

use std::collections::HashMap;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use wirelens_capture::session::stats::{io_series, write_hierarchy, IoSeries, MAX_IO_BUCKETS};
use wirelens_capture::session::{Analysis, Config, LoadState, Session};
use wirelens_dissect::flow::conv::{ConvRow, ConvTable};
use wirelens_dissect::flow::{Endpoint, Retention, State};
use wirelens_dissect::model::{Address, LatencyKind};
use wirelens_dissect::{Dissector, Packet, Prefs};

use crate::cli::StatsArgs;
use crate::{input, Error};

/// The statistics `stats` knows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stat {
    Conv(ConvKind),
    Endpoints(ConvKind),
    Hierarchy,
    Expert,
    /// IO statistics with this interval in seconds.
    Io(f64),
    Latency,
    Neighbours,
    Wlan,
    Bgp,
}

/// A conversation table, as tshark names it after `-z conv,`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvKind {
    Tcp,
    Udp,
    Ipv4,
    Ipv6,
    Eth,
}

const KNOWN_STATS: &str = "hierarchy (io,phs), conv[,tcp|udp|ip|ipv6|eth], endpoints[,ip|tcp|udp|ipv6|eth], expert, io[,INTERVAL], latency, neighbours, wlan, bgp";

impl Stat {
    /// Parses tshark's `-z` syntax and the short names.
    pub fn parse(spec: &str) -> Result<Stat, Error> {
        let unknown = || Error(format!("unknown statistic '{spec}' (known: {KNOWN_STATS})"));
        let kind = |k: &str| match k {
            "tcp" => Some(ConvKind::Tcp),
            "udp" => Some(ConvKind::Udp),
            "ip" | "ipv4" => Some(ConvKind::Ipv4),
            "ipv6" => Some(ConvKind::Ipv6),
            "eth" => Some(ConvKind::Eth),
            _ => None,
        };
        Ok(match spec {
            "conv" => Stat::Conv(ConvKind::Tcp),
            "endpoints" => Stat::Endpoints(ConvKind::Ipv4),
            "hierarchy" | "phs" | "io,phs" => Stat::Hierarchy,
            "expert" => Stat::Expert,
            "io" | "io,stat" => Stat::Io(1.0),
            "latency" => Stat::Latency,
            "neighbours" | "neighbors" | "arp" => Stat::Neighbours,
            "wlan" | "wifi" => Stat::Wlan,
            "bgp" | "bgp-routes" => Stat::Bgp,
            _ => {
                if let Some(k) = spec.strip_prefix("conv,") {
                    Stat::Conv(kind(k).ok_or_else(unknown)?)
                } else if let Some(k) = spec.strip_prefix("endpoints,") {
                    Stat::Endpoints(kind(k).ok_or_else(unknown)?)
                } else if let Some(i) = spec
                    .strip_prefix("io,stat,")
                    .or_else(|| spec.strip_prefix("io,"))
                {
                    // tshark accepts a filter after the interval; only the interval is read.
                    let secs: f64 = i
                        .split(',')
                        .next()
                        .and_then(|v| v.parse().ok())
                        .filter(|v: &f64| *v > 0.0 && v.is_finite())
                        .ok_or_else(unknown)?;
                    Stat::Io(secs)
                } else {
                    return Err(unknown());
                }
            }
        })
    }
}

pub fn run(args: &StatsArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let stats = args
        .stats
        .iter()
        .chain(&args.z)
        .map(|s| Stat::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    if stats.is_empty() {
        return Err(Error(format!("name a statistic: {KNOWN_STATS}")));
    }
    // The route view needs the routes; every other table is there either way.
    let mut retention = Retention::LEAN;
    retention.bgp_routes = stats.contains(&Stat::Bgp);
    let session = load(&args.file, retention)?;
    let mut out = BufWriter::new(out);
    let written = stats
        .iter()
        .try_for_each(|s| write_stat(&mut out, &session, *s));
    match written.and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// Loads `path` into a session with tshark's preferences, keeping what
/// `retention` asks for, and waits for the end. A damaged file ends the
/// reading where the damage starts, as tshark does, with a warning on
/// standard error.
pub fn load(path: &Path, retention: Retention) -> Result<Session, Error> {
    let file = input::open(path)?;
    let config = Config {
        prefs: Prefs {
            retention,
            ..tshark_prefs()
        },
        ..Config::default()
    };
    let session = Session::start(file, config);
    if std::io::stderr().is_terminal() {
        show_progress(&session);
    }
    if let LoadState::Damaged(e) = session.wait().state {
        eprintln!("wirelens: {}: {e}", path.display());
    }
    Ok(session)
}

/// A one-line progress bar on standard error while the session loads (only
/// when standard error is a terminal), cleared at the end.
fn show_progress(session: &Session) {
    loop {
        let p = session.progress();
        if p.is_finished() {
            break;
        }
        let filled = (p.fraction() * 30.0) as usize;
        let left = p
            .remaining()
            .map_or_else(String::new, |d| format!(", {:.0} s left", d.as_secs_f64()));
        eprint!(
            "\r[{:<30}] {:>3.0}% {} packets, {:.0} MB/s{left}   ",
            "#".repeat(filled),
            p.fraction() * 100.0,
            p.packets,
            p.bytes_per_sec() / 1e6,
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    eprint!("\r{:78}\r", "");
}

/// Writes one statistic of a loaded session.
pub fn write_stat(out: &mut impl Write, session: &Session, stat: Stat) -> io::Result<()> {
    match stat {
        Stat::Io(asked) => {
            let series = io_series(&session.snapshot(), (asked * 1e9) as u64);
            // A capture far longer than the interval gets a wider one (bounded buckets).
            let secs = if series.interval_ns as f64 > asked * 1e9 + 1.0 {
                series.interval_ns as f64 / 1e9
            } else {
                asked
            };
            write_io(out, &series, secs)?;
            if secs != asked {
                writeln!(
                    out,
                    "Note: the interval was widened from {asked} to {secs} secs: \
                     the capture spans {:.0} secs, and a table has at most {MAX_IO_BUCKETS} rows.",
                    series.duration_ns as f64 / 1e9
                )?;
            }
            Ok(())
        }
        _ => session.with_analysis(|a| write_analysis(out, a, stat)),
    }
}

fn write_analysis(out: &mut impl Write, a: &Analysis, stat: Stat) -> io::Result<()> {
    match stat {
        Stat::Conv(kind) => write_conv(out, a.state(), kind),
        Stat::Endpoints(kind) => write_endpoints(out, a.state(), kind),
        Stat::Hierarchy => write_hierarchy(out, &a.hierarchy()),
        Stat::Expert => a.expert.write(out),
        Stat::Latency => write_latency(out, a),
        Stat::Neighbours => write_neighbours(out, a.state()),
        Stat::Wlan => super::wlan_report::write_wlan(out, a.state()),
        Stat::Bgp => super::bgp_report::write_bgp(out, a.state()),
        Stat::Io(_) => Ok(()),
    }
}

/// tshark's defaults: checksums are not verified (they change no statistic).
pub fn tshark_prefs() -> Prefs {
    Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    }
}

/// Dissects every packet of `path` (summary speed: no detail tree) in one pass
/// on this thread and returns the dissector with the state gathered.
pub fn dissect_all(path: &Path) -> Result<Dissector, Error> {
    let file = input::open(path)?;
    let mut dissector = Dissector::new(tshark_prefs());
    let mut pkt = Packet::new(false);
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut packets = file.packets();
    while let Some(item) = packets.next() {
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                eprintln!("wirelens: {}: {e}", path.display());
                break;
            }
        };
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
    }
    Ok(dissector)
}

const RULE: &str =
    "================================================================================";

/// Writes one conversation table as `tshark -n -q -z conv,KIND` (4.0) does.
pub fn conv_table(state: &State, kind: ConvKind) -> (&'static str, &ConvTable, bool) {
    match kind {
        ConvKind::Tcp => ("TCP", &state.conv.tcp, true),
        ConvKind::Udp => ("UDP", &state.conv.udp, true),
        ConvKind::Ipv4 => ("IPv4", &state.conv.ipv4, false),
        ConvKind::Ipv6 => ("IPv6", &state.conv.ipv6, false),
        ConvKind::Eth => ("Ethernet", &state.conv.eth, false),
    }
}

pub fn write_conv(out: &mut impl Write, state: &State, kind: ConvKind) -> io::Result<()> {
    let (title, table, ports) = conv_table(state, kind);
    let pad = if ports { "            " } else { "" };
    writeln!(out, "{RULE}")?;
    writeln!(out, "{title} Conversations")?;
    writeln!(out, "Filter:<No Filter>")?;
    writeln!(out, "{pad}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |")?;
    writeln!(out, "{pad}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |")?;
    for row in table.sorted() {
        writeln!(out, "{}", conv_line(row, ports))?;
    }
    writeln!(out, "{RULE}")
}

/// One row of tshark's table.
pub fn conv_line(r: &ConvRow, ports: bool) -> String {
    let (a, b, width) = if ports {
        (
            format!("{}:{}", r.a.addr, r.a.port),
            format!("{}:{}", r.b.addr, r.b.port),
            26,
        )
    } else {
        (r.a.addr.to_string(), r.b.addr.to_string(), 20)
    };
    // tshark converts each time to a double as seconds + nanoseconds / 1e9, then subtracts.
    let start = nstime_to_sec(r.start);
    let duration = nstime_to_sec(r.stop) - start;
    format!(
        "{a:<width$} <-> {b:<width$}  {:>6} {:<9}  {:>6} {:<9}  {:>6} {:<9}  {start:>14.9}   {duration:>12.4}",
        r.rx_frames,
        format_size(r.rx_bytes),
        r.tx_frames,
        format_size(r.tx_bytes),
        r.rx_frames + r.tx_frames,
        format_size(r.rx_bytes + r.tx_bytes),
    )
}

/// Wireshark's `nstime_to_sec`: the seconds and nanoseconds parts (same sign) added as doubles.
fn nstime_to_sec(d: wirelens_dissect::Duration) -> f64 {
    let secs = d.0 / 1_000_000_000;
    let nanos = d.0 % 1_000_000_000;
    secs as f64 + nanos as f64 / 1e9
}

/// Wireshark 4.0's `format_size(n, FORMAT_SIZE_UNIT_BYTES)`: SI prefixes from ten
/// units up, truncating.
pub fn format_size(n: u64) -> String {
    const P: u64 = 1000;
    if n / P / P / P / P >= 10 {
        format!("{} TB", n / P / P / P / P)
    } else if n / P / P / P >= 10 {
        format!("{} GB", n / P / P / P)
    } else if n / P / P >= 10 {
        format!("{} MB", n / P / P)
    } else if n / P >= 10 {
        format!("{} kB", n / P)
    } else {
        format!("{n} bytes")
    }
}

/// One endpoint's totals: what it sent (tx) and received (rx).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointRow {
    pub tx_frames: u64,
    pub tx_bytes: u64,
    pub rx_frames: u64,
    pub rx_bytes: u64,
}

/// Endpoints from a conversation table, most packets first (ties in order of
/// first appearance), as tshark 4.0 lists them.
pub fn endpoints(table: &ConvTable) -> Vec<(Endpoint, EndpointRow)> {
    let mut order: Vec<Endpoint> = Vec::new();
    let mut rows: HashMap<Endpoint, EndpointRow> = HashMap::new();
    for r in &table.rows {
        // A's tx is the "->" direction (A to B), its rx the "<-" direction.
        for (ep, tx, rx) in [
            (r.a, (r.tx_frames, r.tx_bytes), (r.rx_frames, r.rx_bytes)),
            (r.b, (r.rx_frames, r.rx_bytes), (r.tx_frames, r.tx_bytes)),
        ] {
            let row = rows.entry(ep).or_insert_with(|| {
                order.push(ep);
                EndpointRow::default()
            });
            row.tx_frames += tx.0;
            row.tx_bytes += tx.1;
            row.rx_frames += rx.0;
            row.rx_bytes += rx.1;
        }
    }
    let mut out: Vec<(Endpoint, EndpointRow)> = order
        .into_iter()
        .filter_map(|ep| Some((ep, *rows.get(&ep)?)))
        .collect();
    out.sort_by_key(|(_, r)| std::cmp::Reverse(r.tx_frames + r.rx_frames));
    out
}

/// Writes an endpoint table as `tshark -n -q -z endpoints,KIND` (4.0) does.
pub fn write_endpoints(out: &mut impl Write, state: &State, kind: ConvKind) -> io::Result<()> {
    let (title, table, ports) = conv_table(state, kind);
    writeln!(out, "{RULE}")?;
    writeln!(out, "{title} Endpoints")?;
    writeln!(out, "Filter:<No Filter>")?;
    if ports {
        writeln!(out, "                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |")?;
    } else {
        writeln!(out, "                       |  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |")?;
    }
    for (ep, r) in endpoints(table) {
        // tshark 4.0's columns: the address in 20, then fixed gaps before each count.
        let addr = ep.addr.to_string();
        let lead = if ports {
            format!("{addr:<20}      {:>5}     ", ep.port)
        } else {
            format!("{addr:<20}      ")
        };
        writeln!(
            out,
            "{lead}{:>6}     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
            r.tx_frames + r.rx_frames,
            r.tx_bytes + r.rx_bytes,
            r.tx_frames,
            r.tx_bytes,
            r.rx_frames,
            r.rx_bytes,
        )?;
    }
    writeln!(out, "{RULE}")
}

/// Writes IO statistics as `tshark -q -z io,stat,INTERVAL` (4.0) prints a
/// single "Frames and bytes" column. Interval labels carry as many decimals
/// as the interval; when the last interval ends after the capture it reads
/// "Dur" (whole seconds) or ends at the duration rounded to the interval's
/// decimals. Not like tshark: an interval longer than the capture (tshark
/// shortens it to the duration).
pub fn write_io(out: &mut impl Write, s: &IoSeries, secs: f64) -> io::Result<()> {
    let prec = (0..=6)
        .find(|&p| {
            let scaled = secs * 10f64.powi(p);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6) as usize;
    let duration = s.duration_ns.max(0) as f64 / 1e9;
    let (dur_text, dur_cut) = if prec == 0 {
        (format!("{duration:.6}"), duration)
    } else {
        let t = format!("{duration:.prec$}");
        let v = t.parse().unwrap_or(duration);
        (t, v)
    };
    let mag = (duration as u64).to_string().len();
    let w = if prec == 0 { mag } else { mag + 1 + prec };
    let time = |v: f64| {
        if prec == 0 {
            format!("{:>w$}", v.round() as u64)
        } else {
            format!("{v:>w$.prec$}")
        }
    };
    let end_w = (w + 1).max(3);
    let label = |i: usize| {
        let end = (i + 1) as f64 * secs;
        let end = if end <= dur_cut + 1e-9 {
            time(end)
        } else if prec == 0 {
            "Dur".to_string()
        } else {
            time(dur_cut)
        };
        format!("{} <> {end:<end_w$}", time(i as f64 * secs))
    };
    // Labels are made twice (to size the column, then to print) rather
    // than held: a long series would otherwise hold one string per row.
    let n = s.frames.len();
    let col = (0..n)
        .map(|i| label(i).len() + 1)
        .max()
        .unwrap_or(0)
        .max(10);
    let digits = |v: Option<&u64>| v.map_or(1, |m| m.to_string().len());
    let fw = digits(s.frames.iter().max()).max(6);
    let bw = digits(s.bytes.iter().max()).max(5);
    let inner = col + 1 + fw + 2 + 1 + bw + 2;
    let boxed = |text: &str| format!("| {text:<w$}|", w = inner - 1);
    let rule = "=".repeat(inner + 2);
    let interval = if prec == 0 {
        format!("{:>mag$}", secs.round() as u64)
    } else {
        format!("{secs:>w$.prec$}")
    };
    writeln!(out)?;
    writeln!(out, "{rule}")?;
    writeln!(out, "{}", boxed("IO Statistics"))?;
    writeln!(out, "{}", boxed(""))?;
    writeln!(out, "{}", boxed(&format!("Duration: {dur_text} secs")))?;
    writeln!(out, "{}", boxed(&format!("Interval: {interval} secs")))?;
    writeln!(out, "{}", boxed(""))?;
    writeln!(out, "{}", boxed("Col 1: Frames and bytes"))?;
    writeln!(out, "|{}|", "-".repeat(inner))?;
    writeln!(out, "|{:col$}|{:<g$}|", "", "1", g = fw + bw + 5)?;
    writeln!(
        out,
        "| {:<c$}| {:>fw$} | {:>bw$} |",
        "Interval",
        "Frames",
        "Bytes",
        c = col - 1
    )?;
    writeln!(out, "|{}|", "-".repeat(inner))?;
    for (i, (frames, bytes)) in s.frames.iter().zip(&s.bytes).enumerate() {
        writeln!(out, "|{:>col$}| {frames:>fw$} | {bytes:>bw$} |", label(i))?;
    }
    writeln!(out, "{rule}")
}

/// Writes the latency distributions the dissectors measured while the
/// session loaded: TCP handshake RTT (`tcp.analysis.initial_rtt`), DNS
/// response time (`dns.time`), TLS handshake duration (ClientHello to the
/// later Finished) and SSH handshake duration (first banner to the later
/// NEWKEYS). A `~` marks percentiles estimated from a sample.
pub fn write_latency(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    writeln!(out, "{RULE}")?;
    writeln!(out, "Latency")?;
    writeln!(
        out,
        "{:<28} {:>8} {:>12} {:>12} {:>12} {:>12}",
        "Measure", "Count", "Min", "Median", "P95", "Max"
    )?;
    for kind in LatencyKind::ALL {
        let name = format!("{} (s)", kind.label());
        let samples = a.latency(kind);
        let approx = if samples.is_exact() { "" } else { "~" };
        match samples.distribution() {
            Some(d) => writeln!(
                out,
                "{name:<28} {:>8} {:>12.6} {:>12} {:>12} {:>12.6}",
                d.count,
                d.min,
                format!("{approx}{:.6}", d.median),
                format!("{approx}{:.6}", d.p95),
                d.max
            )?,
            None => writeln!(out, "{name:<28} {:>8}", 0)?,
        }
    }
    writeln!(out, "{RULE}")
}

/// Writes the neighbour table: one line per IP address, its state at the end of
/// the capture, first and last time seen relative to the first frame, and counts.
pub fn write_neighbours(out: &mut impl Write, state: &State) -> io::Result<()> {
    let now = state.frame_ts;
    let first = state.first_ts.unwrap_or(now);
    writeln!(out, "{RULE}")?;
    writeln!(out, "Neighbours (ARP / NDP)")?;
    writeln!(
        out,
        "{:<40} {:<17} {:<4} {:<10} {:>12} {:>12} {:>4} {:>4} {:>4} {:>4} {:>4}  Previous MAC",
        "Address",
        "MAC",
        "Via",
        "State",
        "First seen",
        "Last seen",
        "Req",
        "Rep",
        "Ann",
        "DAD",
        "Chg"
    )?;
    for n in state.neighbours.entries() {
        let mac = n.mac.map_or_else(
            || "(incomplete)".to_string(),
            |m| Address::Mac(m).to_string(),
        );
        let prev = n
            .previous_mac
            .map_or_else(String::new, |m| Address::Mac(m).to_string());
        writeln!(
            out,
            "{:<40} {:<17} {:<4} {:<10} {:>12.6} {:>12.6} {:>4} {:>4} {:>4} {:>4} {:>4}  {prev}",
            n.ip.to_string(),
            mac,
            n.via.name(),
            n.state_at(now).name(),
            n.first_seen.since(first).as_secs_f64(),
            n.last_seen.since(first).as_secs_f64(),
            n.requests,
            n.replies,
            n.announcements,
            n.dad_probes,
            n.changes,
        )?;
    }
    if state.neighbours.untracked > 0 {
        writeln!(
            out,
            "({} addresses not tracked: the table holds {})",
            state.neighbours.untracked,
            wirelens_dissect::flow::neighbours::MAX_NEIGHBOURS
        )?;
    }
    writeln!(out, "{RULE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_wireshark_4_0() {
        assert_eq!(format_size(5477), "5477 bytes");
        assert_eq!(format_size(9999), "9999 bytes");
        assert_eq!(format_size(10_999), "10 kB");
        assert_eq!(format_size(262_144), "262 kB");
        assert_eq!(format_size(12_345_678), "12 MB");
    }

    #[test]
    fn parses_tshark_and_short_names() {
        assert_eq!(Stat::parse("io,phs").ok(), Some(Stat::Hierarchy));
        assert_eq!(Stat::parse("io,stat,0.5").ok(), Some(Stat::Io(0.5)));
        assert_eq!(Stat::parse("io,10").ok(), Some(Stat::Io(10.0)));
        assert_eq!(
            Stat::parse("endpoints,tcp").ok(),
            Some(Stat::Endpoints(ConvKind::Tcp))
        );
        assert!(Stat::parse("io,0").is_err());
        assert_eq!(Stat::parse("conv").ok(), Some(Stat::Conv(ConvKind::Tcp)));
        assert_eq!(
            Stat::parse("conv,udp").ok(),
            Some(Stat::Conv(ConvKind::Udp))
        );
        assert!(Stat::parse("conv,sctp").is_err());
    }
}
