//! `wirelens stats -r FILE STAT...`: whole-capture statistics, printed as tshark
//! prints its `-q -z` tables.
//!
//! - `conv` (same as `conv,tcp`), `conv,udp`, `conv,ip`, `conv,ipv6`, `conv,eth`:
//!   tshark 4.0's conversation tables, byte for byte (`tshark -n -q -z conv,tcp`).
//! - `neighbours`: the ARP / NDP neighbour table the capture shows.
//! - `wlan`: the 802.11 BSSes seen (SSID, channel, signal, security) with the
//!   stations associated to each, and each station's association timeline.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use wirelens_dissect::flow::conv::{ConvRow, ConvTable};
use wirelens_dissect::flow::State;
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Packet, Prefs};

use crate::cli::StatsArgs;
use crate::{input, Error};

/// The statistics `stats` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Conv(ConvKind),
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

impl Stat {
    /// Parses `conv`, `conv,tcp` (tshark's `-z` syntax), `neighbours`.
    pub fn parse(spec: &str) -> Result<Stat, Error> {
        let kind = match spec {
            "conv" | "conv,tcp" => ConvKind::Tcp,
            "conv,udp" => ConvKind::Udp,
            "conv,ip" | "conv,ipv4" => ConvKind::Ipv4,
            "conv,ipv6" => ConvKind::Ipv6,
            "conv,eth" => ConvKind::Eth,
            "neighbours" | "neighbors" | "arp" => return Ok(Stat::Neighbours),
            "wlan" | "wifi" => return Ok(Stat::Wlan),
            "bgp" | "bgp-routes" => return Ok(Stat::Bgp),
            _ => {
                return Err(Error(format!(
                "unknown statistic '{spec}' (known: conv, conv,tcp, conv,udp, conv,ip, conv,ipv6, conv,eth, neighbours, wlan, bgp)"
            )))
            }
        };
        Ok(Stat::Conv(kind))
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
        return Err(Error(
            "name a statistic: conv, conv,udp, conv,ip, conv,ipv6, conv,eth, neighbours, wlan or bgp"
                .into(),
        ));
    }
    let dissector = dissect_all(&args.file)?;
    let mut out = BufWriter::new(out);
    let written = stats.iter().try_for_each(|s| match s {
        Stat::Conv(kind) => write_conv(&mut out, dissector.state(), *kind),
        Stat::Neighbours => write_neighbours(&mut out, dissector.state()),
        Stat::Wlan => write_wlan(&mut out, dissector.state()),
        Stat::Bgp => super::bgp_report::write_bgp(&mut out, dissector.state()),
    });
    match written.and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// Dissects every packet of `path` (summary speed: no detail tree) and returns the
/// dissector with the state gathered. A damaged file ends the reading where the
/// damage starts, as tshark does, with a warning on standard error.
/// tshark's defaults: checksums are not verified (they change no statistic).
pub fn tshark_prefs() -> Prefs {
    Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    }
}

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
pub fn write_conv(out: &mut impl Write, state: &State, kind: ConvKind) -> io::Result<()> {
    let (title, table, ports): (&str, &ConvTable, bool) = match kind {
        ConvKind::Tcp => ("TCP", &state.conv.tcp, true),
        ConvKind::Udp => ("UDP", &state.conv.udp, true),
        ConvKind::Ipv4 => ("IPv4", &state.conv.ipv4, false),
        ConvKind::Ipv6 => ("IPv6", &state.conv.ipv6, false),
        ConvKind::Eth => ("Ethernet", &state.conv.eth, false),
    };
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

fn mac_text(m: &[u8; 6]) -> String {
    Address::Mac(*m).to_string()
}

/// Writes the 802.11 BSS table (SSID, channel, signal, security, stations) and,
/// per station, its association timeline with times relative to the first frame.
pub fn write_wlan(out: &mut impl Write, state: &State) -> io::Result<()> {
    let wifi = &state.wifi;
    let first = state.first_ts.unwrap_or(state.frame_ts);
    writeln!(out, "{RULE}")?;
    writeln!(out, "802.11 BSSes")?;
    writeln!(
        out,
        "{:<17} {:<32} {:>4} {:>8} {:>7} {:<24} Stations",
        "BSSID", "SSID", "Chan", "Signal", "Beacons", "Security"
    )?;
    for (bssid, b) in &wifi.bss {
        let ssid = b.ssid.as_ref().map_or_else(String::new, |s| {
            if s.is_empty() {
                "(hidden)".to_string()
            } else {
                String::from_utf8_lossy(s).into_owned()
            }
        });
        let chan = b.channel.map_or_else(|| "-".into(), |c| c.to_string());
        let signal = b
            .signal_dbm
            .map_or_else(|| "-".into(), |s| format!("{s} dBm"));
        let stations: Vec<String> = b.stations.iter().map(mac_text).collect();
        writeln!(
            out,
            "{:<17} {:<32} {:>4} {:>8} {:>7} {:<24} {}",
            mac_text(bssid),
            ssid,
            chan,
            signal,
            b.beacons,
            b.security,
            stations.join(" ")
        )?;
    }
    writeln!(out, "{RULE}")?;
    writeln!(out, "802.11 stations")?;
    for (sta, st) in &wifi.stations {
        let bss = st.bssid.as_ref().map_or_else(|| "-".into(), mac_text);
        let msgs: Vec<String> = st.eapol_msgs.iter().map(u8::to_string).collect();
        writeln!(
            out,
            "{}  BSS {}  {}  retries {}  EAPOL [{}]",
            mac_text(sta),
            bss,
            if st.associated {
                "associated"
            } else {
                "not associated"
            },
            st.retries,
            msgs.join(" ")
        )?;
        for e in st.timeline.events() {
            let who = match e.dir {
                wirelens_dissect::flow::timeline::Direction::ClientToServer => "STA->AP",
                wirelens_dissect::flow::timeline::Direction::ServerToClient => "AP->STA",
            };
            writeln!(
                out,
                "  {:>12.6}  #{:<6} {who}  {}",
                e.ts.since(first).as_secs_f64(),
                e.frame,
                e.label
            )?;
        }
        if st.timeline.dropped() > 0 {
            writeln!(out, "  ({} more events not kept)", st.timeline.dropped())?;
        }
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
        assert_eq!(Stat::parse("conv").ok(), Some(Stat::Conv(ConvKind::Tcp)));
        assert_eq!(
            Stat::parse("conv,udp").ok(),
            Some(Stat::Conv(ConvKind::Udp))
        );
        assert!(Stat::parse("conv,sctp").is_err());
    }
}
