//! The live capture commands themselves (feature `live`).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wirelens_capture::live::{
    list_interfaces, InterfaceInfo, LiveCapture, LiveConfig, LiveStats, RingBuffer, StopConditions,
};
use wirelens_capture::Follower;
use wirelens_dissect::export::text;
use wirelens_dissect::filter::Filter;
use wirelens_dissect::{Dissector, FrameMeta, Packet, Prefs, Timestamp};

use super::options::LiveOptions;
use crate::cli::CaptureArgs;
use crate::commands::print::compile_filter;
use crate::Error;

/// How often the file is read for new packets and the counters refreshed.
const POLL: Duration = Duration::from_millis(50);

/// How often the running count is shown on a terminal.
const PROGRESS: Duration = Duration::from_millis(500);

/// `wirelens interfaces`: one numbered line per interface, as `tshark -D`,
/// with its flags and addresses.
pub fn interfaces(out: &mut impl Write) -> Result<ExitCode, Error> {
    let list = list_interfaces().map_err(|e| Error(e.to_string()))?;
    for (n, interface) in list.iter().enumerate() {
        writeln!(out, "{}. {}", n + 1, describe(interface))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(interface: &InterfaceInfo) -> String {
    let mut line = interface.name.clone();
    if let Some(description) = &interface.description {
        line.push_str(&format!(" ({description})"));
    }
    let flags: Vec<&str> = [
        (interface.up, "up"),
        (interface.running, "running"),
        (interface.loopback, "loopback"),
        (interface.wireless, "wireless"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    line.push_str(&format!(" [{}]", flags.join(", ")));
    for address in &interface.addresses {
        line.push(' ');
        line.push_str(&address.addr.to_string());
        if let Some(prefix) = address.netmask.and_then(prefix_len) {
            line.push_str(&format!("/{prefix}"));
        }
    }
    line
}

/// A netmask's prefix length, when the mask is contiguous.
fn prefix_len(mask: IpAddr) -> Option<u32> {
    let (ones, bits) = match mask {
        IpAddr::V4(m) => (u32::from(m).count_ones(), u32::from(m).leading_ones()),
        IpAddr::V6(m) => (u128::from(m).count_ones(), u128::from(m).leading_ones()),
    };
    (ones == bits).then_some(ones)
}

/// `wirelens capture`: captures until a stop condition or Ctrl-C, printing
/// a summary line per packet (or only counting, with `-w` or `-q`).
pub fn capture(args: &CaptureArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let options = LiveOptions::from_args(args)?;
    let filter = compile_filter(args.display_filter.as_deref())?;
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&interrupted))?;
    }
    let temporary = options.output.is_none();
    let live = LiveCapture::start(config(&options)).map_err(|e| Error(e.to_string()))?;
    eprintln!("Capturing on '{}'", options.interfaces.join("', '"));
    let print = args.write.is_none() && !args.quiet;
    let mut printer = print.then(|| Printer::new(filter, live.file()));
    let progress = io::stderr().is_terminal() && !print;
    let mut shown = Instant::now();
    let mut out = BufWriter::new(out);
    let mut result = Ok(());
    while !live.is_finished() && !interrupted.load(Ordering::Relaxed) {
        if let Some(printer) = printer.as_mut() {
            result = printer.poll(&mut out);
            if result.is_err() {
                break;
            }
        }
        if progress && shown.elapsed() >= PROGRESS {
            eprint!("\r{}", counts(&live.stats()));
            shown = Instant::now();
        }
        std::thread::sleep(POLL);
    }
    if progress {
        eprintln!();
    }
    let file = live.file();
    let stopped = live.stop();
    if let (Some(printer), Ok(())) = (printer.as_mut(), &result) {
        result = printer.finish(&mut out);
    }
    if temporary {
        let _ = std::fs::remove_file(&file);
    }
    let stats = stopped.map_err(|e| Error(e.to_string()))?;
    match result.and_then(|()| out.flush().map_err(Error::from)) {
        Ok(()) => {}
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(Error(e)) if e.contains("Broken pipe") => {}
        Err(e) => return Err(e),
    }
    eprintln!("{}", counts(&stats));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn config(options: &LiveOptions) -> LiveConfig {
    let mut config = LiveConfig::new(options.interfaces.clone());
    config.capture_filter = options.capture_filter.clone();
    config.snaplen = options.snaplen;
    config.promiscuous = options.promiscuous;
    config.buffer_size = options.buffer_bytes;
    config.stop = StopConditions {
        packets: options.autostop.packets,
        duration: options.autostop.duration,
        filesize_kb: options.autostop.filesize_kb,
    };
    config.output = options.output.clone();
    config.ring = options.ring.map(|r| RingBuffer {
        filesize_kb: r.filesize_kb,
        files: r.files,
    });
    config
}

/// "12 packets captured (15 received by the kernel; dropped: 3 by the
/// kernel, 0 by the interface, 0 by wirelens)".
pub(crate) fn counts(stats: &LiveStats) -> String {
    let written = stats.written();
    let noun = if written == 1 { "packet" } else { "packets" };
    format!(
        "{written} {noun} captured ({} received by the kernel; dropped: {} by the kernel, {} by the interface, {} by wirelens)",
        stats.received(),
        stats.dropped_by_kernel(),
        stats.dropped_by_interface(),
        stats.dropped_by_queue()
    )
}

/// Prints a summary line per packet as the capture file grows.
struct Printer {
    follower: Follower,
    summaries: Summaries,
}

impl Printer {
    fn new(filter: Option<Filter>, file: std::path::PathBuf) -> Self {
        Printer {
            follower: Follower::new(file),
            summaries: Summaries {
                dissector: Dissector::new(Prefs::default()),
                pkt: Packet::new(filter.as_ref().is_some_and(Filter::needs_tree)),
                filter,
                first: None,
                line: String::with_capacity(256),
            },
        }
    }

    /// Prints the packets written since the last call.
    fn poll(&mut self, out: &mut impl Write) -> Result<(), Error> {
        self.read(out, false)?;
        out.flush().map_err(Error::from)
    }

    /// Prints the last packets, once the capture has stopped.
    fn finish(&mut self, out: &mut impl Write) -> Result<(), Error> {
        self.read(out, true)
    }

    fn read(&mut self, out: &mut impl Write, last: bool) -> Result<(), Error> {
        let mut written = Ok(());
        let summaries = &mut self.summaries;
        let each = |meta: &FrameMeta<'_>, data: &[u8]| {
            if written.is_ok() {
                written = summaries.print(meta, data, out);
            }
        };
        let polled = if last {
            self.follower.finish(each)
        } else {
            self.follower.poll(each)
        };
        polled.map_err(|e| Error(format!("{}: {e}", self.follower.path().display())))?;
        written.map_err(Error::from)
    }
}

/// Dissects packets in order and prints the summary line of those that
/// pass the display filter.
struct Summaries {
    dissector: Dissector,
    pkt: Packet,
    filter: Option<Filter>,
    first: Option<Timestamp>,
    line: String,
}

impl Summaries {
    fn print(&mut self, meta: &FrameMeta<'_>, data: &[u8], out: &mut impl Write) -> io::Result<()> {
        self.dissector.dissect(meta, data, &mut self.pkt);
        let first = *self.first.get_or_insert(meta.ts);
        if self
            .filter
            .as_ref()
            .is_some_and(|f| !f.matches(&self.pkt, meta, data))
        {
            return Ok(());
        }
        self.line.clear();
        text::summary_line(&mut self.line, meta, meta.ts.since(first), &self.pkt);
        self.line.push('\n');
        out.write_all(self.line.as_bytes())
    }
}
