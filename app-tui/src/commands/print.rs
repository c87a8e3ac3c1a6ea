//! `wirelens print`: tshark's packet output (`-r`, `-c`, `-V`, `-x`, `-T text|json|fields`).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use wirelens_capture::write::{save_with_interfaces, SaveFormat};
use wirelens_capture::ReadError;
use wirelens_dissect::export::time_format::{write_time, FrameClock};
use wirelens_dissect::export::{json::JsonWriter, text};
use wirelens_dissect::filter::Filter;
use wirelens_dissect::{registry, Dissector, Packet, Prefs};

use crate::cli::{Format, PrintArgs, SaveFormatArg};
use crate::{input, Error};

/// How `-T fields` lays out its columns (`-E` options).
#[derive(Debug, Clone)]
pub struct FieldLayout {
    pub header: bool,
    pub separator: String,
    pub occurrence: Occurrence,
    pub aggregator: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    First,
    Last,
    All,
}

impl Default for FieldLayout {
    fn default() -> Self {
        FieldLayout {
            header: false,
            separator: "\t".into(),
            occurrence: Occurrence::All,
            aggregator: ",".into(),
        }
    }
}

impl FieldLayout {
    /// Parses tshark's `-E name=value` options.
    pub fn parse(options: &[String]) -> Result<Self, Error> {
        let mut layout = FieldLayout::default();
        for opt in options {
            let (name, value) = opt
                .split_once('=')
                .ok_or_else(|| Error(format!("-E option '{opt}' is not of the form name=value")))?;
            match name {
                "header" => layout.header = matches!(value, "y" | "Y" | "yes"),
                "separator" => layout.separator = unescape_separator(value),
                "aggregator" => layout.aggregator = unescape_separator(value),
                "occurrence" => {
                    layout.occurrence = match value {
                        "f" => Occurrence::First,
                        "l" => Occurrence::Last,
                        "a" => Occurrence::All,
                        _ => {
                            return Err(Error(format!(
                                "-E occurrence takes f, l or a, not '{value}'"
                            )))
                        }
                    }
                }
                "quote" | "bom" | "escape" => {}
                _ => return Err(Error(format!("unknown -E option '{name}'"))),
            }
        }
        Ok(layout)
    }
}

fn unescape_separator(v: &str) -> String {
    match v {
        "/t" => "\t".into(),
        "/s" => " ".into(),
        other => other.into(),
    }
}

/// What a `print` run went through.
#[derive(Debug)]
pub struct Outcome {
    /// Packets dissected (and printed, unless `-q`).
    pub packets: u64,
    /// Where and why reading stopped early, when the file is damaged.
    pub damage: Option<ReadError>,
}

/// Runs `print`, writing to `out`. Exit status 2 means the file was damaged
/// part-way; every packet before the damage is printed first, then the reason.
pub fn run(args: &PrintArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let outcome = print(args, out)?;
    match outcome.damage {
        Some(e) => {
            eprintln!(
                "wirelens: {}: the file is damaged or truncated {e}; {} packets before that point were read",
                args.file.display(),
                outcome.packets
            );
            Ok(ExitCode::from(2))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

/// Runs `print` and reports what it read, for callers that want more than an exit status.
pub fn print(args: &PrintArgs, out: &mut impl Write) -> Result<Outcome, Error> {
    let mut prefs = Prefs::default();
    for p in &args.prefs {
        prefs.set(p).map_err(Error)?;
    }
    if let Some(path) = &args.tls_keylog {
        prefs
            .read_tls_keylog(&path.to_string_lossy())
            .map_err(Error)?;
    }
    if args.format == Format::Fields {
        if args.fields.is_empty() {
            return Err(Error("-T fields needs at least one -e FIELD".into()));
        }
        for name in &args.fields {
            check_field_name(name)?;
        }
    }
    let layout = FieldLayout::parse(&args.field_options)?;
    let filter = compile_filter(args.display_filter.as_deref())?;
    let file = input::open(&args.file)?;
    // Secrets embedded in the capture (pcapng Decryption Secrets Blocks).
    for (kind, data) in file.decryption_secrets() {
        prefs.add_decryption_secrets(kind, &data);
    }
    for w in prefs.tls_keylog_warnings.drain(..) {
        eprintln!("wirelens: TLS key log {w} (skipped)");
    }
    if let Some(target) = &args.write {
        return write_packets(args, prefs, filter.as_ref(), &file, target);
    }
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let result = print_packets(args, &layout, prefs, filter.as_ref(), &file, &mut out);
    match result.and_then(|outcome| out.flush().map(|_| outcome)) {
        Ok(outcome) => Ok(outcome),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Outcome {
            packets: 0,
            damage: None,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Compiles `-Y`; the error shows the filter with a caret under the problem, as tshark does.
pub fn compile_filter(text: Option<&str>) -> Result<Option<Filter>, Error> {
    match text {
        None => Ok(None),
        Some(t) if t.trim().is_empty() => Ok(None),
        Some(t) => Filter::compile(t).map(Some).map_err(|e| Error(e.render(t))),
    }
}

fn check_field_name(name: &str) -> Result<(), Error> {
    if registry::field(name).is_some()
        || registry::protocol(name).is_some()
        || text::COLUMN_FIELDS.contains(&name)
    {
        return Ok(());
    }
    let close: Vec<&str> = registry::suggest(name, 3);
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    };
    Err(Error(format!("unknown field '{name}'{hint}")))
}

fn print_packets(
    args: &PrintArgs,
    layout: &FieldLayout,
    prefs: Prefs,
    filter: Option<&Filter>,
    file: &wirelens_capture::CaptureFile,
    out: &mut impl Write,
) -> io::Result<Outcome> {
    // The tree is built only when the output or the filter needs it.
    // The hex dump shows reassembled and decrypted sources, which only the tree keeps.
    let tree = (!args.quiet && (args.verbose || args.hex || args.format != Format::Text))
        || filter.is_some_and(Filter::needs_tree);
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(tree);
    let mut line = String::with_capacity(4096);
    let mut json = match args.format {
        Format::Json if !args.quiet => Some(JsonWriter::begin(out)?),
        _ => None,
    };
    let mut header_pending = args.format == Format::Fields && layout.header;
    let mut first_ts = None;
    let mut prev_captured = None;
    let mut prev_displayed = None;
    let mut time = String::new();
    let local_zone = args.time_format.is_local().then(jiff::tz::TimeZone::system);
    let mut damage = None;
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut packets = file.packets();
    let mut count = 0u64;
    while let Some(item) = packets.next() {
        if args.count.is_some_and(|c| count >= c) {
            break;
        }
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                damage = Some(e);
                break;
            }
        };
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let first = *first_ts.get_or_insert(meta.ts);
        let clock = FrameClock {
            first,
            prev_captured: prev_captured.unwrap_or(meta.ts),
            prev_displayed: prev_displayed.unwrap_or(meta.ts),
            local_offset: local_zone
                .as_ref()
                .map_or(0, |zone| local_offset(zone, meta.ts)),
        };
        prev_captured = Some(meta.ts);
        if let Some(f) = filter {
            if !f.matches(&pkt, &meta, frame.data) {
                continue;
            }
            let since = meta.ts.since(clock.prev_displayed);
            wirelens_dissect::frame::set_displayed_delta(&mut pkt, since);
        }
        prev_displayed = Some(meta.ts);
        time.clear();
        write_time(&mut time, args.time_format, &meta, &clock);
        count += 1;
        if args.quiet {
            continue;
        }
        line.clear();
        match args.format {
            Format::Json => {
                if let Some(w) = json.as_mut() {
                    w.write_packet(out, &meta, &pkt, frame.data)?;
                }
                continue;
            }
            Format::Fields => {
                if header_pending {
                    header_pending = false;
                    writeln!(out, "{}", args.fields.join(&layout.separator))?;
                }
                let columns = Columns {
                    meta: &meta,
                    time: &time,
                };
                fields_row(&mut line, args, layout, &pkt, frame.data, &columns);
            }
            Format::Text => {
                text::summary_line_with_time(&mut line, &meta, &time, &pkt);
                line.push('\n');
                if args.verbose {
                    line.clear();
                    text::tree(&mut line, &pkt, frame.data);
                }
                if args.hex {
                    if args.verbose {
                        line.push('\n');
                    }
                    text::hex_dump(&mut line, frame.data);
                    // Reassembled or decrypted bytes follow, each under its name, as tshark -x prints them.
                    for source in &pkt.sources {
                        line.push_str(&format!(
                            "{} ({} bytes):\n",
                            source.name,
                            source.bytes.len()
                        ));
                        text::hex_dump(&mut line, &source.bytes);
                    }
                }
                if args.verbose || args.hex {
                    line.push('\n');
                }
            }
        }
        out.write_all(line.as_bytes())?;
        if args.format == Format::Fields {
            out.write_all(b"\n")?;
        }
    }
    if let Some(w) = json.take() {
        w.finish(out)?;
    }
    Ok(Outcome {
        packets: count,
        damage,
    })
}

/// `-w`: copies the packets read (up to `-c`), or with `-Y` those that match, to a new capture file.
fn write_packets(
    args: &PrintArgs,
    prefs: Prefs,
    filter: Option<&Filter>,
    file: &wirelens_capture::CaptureFile,
    target: &std::path::Path,
) -> Result<Outcome, Error> {
    let mut frames = Vec::new();
    let mut damage = None;
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(filter.is_some_and(Filter::needs_tree));
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut packets = file.packets();
    while let Some(item) = packets.next() {
        if args.count.is_some_and(|c| frames.len() as u64 >= c) {
            break;
        }
        match item {
            Ok(frame) => {
                if let Some(f) = filter {
                    let meta = frame.meta(packets.interfaces(), pcapng);
                    dissector.dissect(&meta, frame.data, &mut pkt);
                    if !f.matches(&pkt, &meta, frame.data) {
                        continue;
                    }
                }
                frames.push(frame)
            }
            Err(e) => {
                damage = Some(e);
                break;
            }
        }
    }
    let format = match args.save_format {
        SaveFormatArg::Pcap => SaveFormat::Pcap,
        SaveFormatArg::Pcapng => SaveFormat::PcapNg,
    };
    save_with_interfaces(&frames, target, format, file.interfaces())
        .map_err(|e| Error(format!("cannot write {}: {e}", target.display())))?;
    Ok(Outcome {
        packets: frames.len() as u64,
        damage,
    })
}

/// What the packet-list columns of a `-T fields` row are made from.
struct Columns<'a> {
    meta: &'a wirelens_dissect::FrameMeta<'a>,
    /// The time column's text.
    time: &'a str,
}

/// Seconds east of UTC of time zone `zone` at `ts` (daylight saving time
/// included), for the local time formats; UTC when `ts` is out of range.
fn local_offset(zone: &jiff::tz::TimeZone, ts: wirelens_dissect::model::Timestamp) -> i32 {
    jiff::Timestamp::from_second(ts.secs).map_or(0, |t| zone.to_offset(t).seconds())
}

fn fields_row(
    line: &mut String,
    args: &PrintArgs,
    layout: &FieldLayout,
    pkt: &Packet,
    data: &[u8],
    columns: &Columns<'_>,
) {
    let mut values = String::new();
    for (i, name) in args.fields.iter().enumerate() {
        if i > 0 {
            line.push_str(&layout.separator);
        }
        // A column is one text, not a list of occurrences.
        if text::column_text(line, name, columns.meta, columns.time, pkt) {
            continue;
        }
        values.clear();
        text::field_values(&mut values, pkt, name, data);
        let picked = match layout.occurrence {
            Occurrence::All => values.replace(',', &layout.aggregator),
            Occurrence::First => values.split(',').next().unwrap_or("").to_string(),
            Occurrence::Last => values.rsplit(',').next().unwrap_or("").to_string(),
        };
        line.push_str(&picked);
    }
}
