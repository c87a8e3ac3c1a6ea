//! Shared helpers for the corpus tests: locating `../shared/captures` and
//! reading tshark's ground truth next to each capture.
//!
//! The ground truth is read with a few string searches rather than a JSON
//! library: only flat `"frame.*": "value"` string fields are needed, and the
//! crate stays free of test-only dependencies.

#![allow(dead_code)] // each test binary uses a different subset

pub mod growing;

use std::fs;
use std::path::{Path, PathBuf};

use wirelens_capture::{CaptureFile, Frame};

/// The shared corpus folder, `shared/captures` beside the workspace.
pub fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
    assert!(
        dir.is_dir(),
        "the shared capture corpus is missing: expected it at {} (tests read it from \
         ../shared/captures beside the workspace)",
        dir.display()
    );
    dir
}

/// Path of a corpus file, failing the test with a clear message if the file
/// is missing.
pub fn corpus_file(relative: &str) -> PathBuf {
    let path = corpus_dir().join(relative);
    assert!(
        path.is_file(),
        "shared corpus file missing: {} (looked for {})",
        relative,
        path.display()
    );
    path
}

/// All capture files (`.pcap`, `.pcapng`) in a corpus folder, sorted.
pub fn captures_in(folder: &str) -> Vec<String> {
    let dir = corpus_dir().join(folder);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list shared corpus folder {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pcap") || name.ends_with(".pcapng"))
        .map(|name| format!("{folder}/{name}"))
        .collect();
    names.sort();
    names
}

pub fn open(relative: &str) -> CaptureFile {
    let path = corpus_file(relative);
    CaptureFile::open(&path).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Reads all frames, and the error that ended reading if any.
pub fn read_all(file: &CaptureFile) -> (Vec<Frame<'_>>, Option<wirelens_capture::ReadError>) {
    let mut frames = Vec::new();
    for item in file.packets() {
        match item {
            Ok(frame) => frames.push(frame),
            Err(e) => return (frames, Some(e)),
        }
    }
    (frames, None)
}

/// One record as tshark printed it.
#[derive(Debug, Default)]
pub struct TruthRecord {
    pub number: u64,
    pub time_epoch: Option<String>,
    pub len: u32,
    pub cap_len: u32,
    pub interface_id: Option<u32>,
    pub encap_type: Option<u32>,
    pub section_number: Option<u32>,
    pub comments: Vec<String>,
    /// A pcapng custom block, which tshark counts as a record.
    pub custom_block: bool,
}

/// tshark's records for a capture, from `.tshark.json`, or from
/// `.tshark.fields.tsv` where the JSON would have been too large. `None`
/// if there is neither (tshark could not open the file).
pub fn ground_truth(capture: &str) -> Option<Vec<TruthRecord>> {
    let stem = capture
        .strip_suffix(".pcapng")
        .or_else(|| capture.strip_suffix(".pcap"))
        .unwrap_or(capture);
    let dir = corpus_dir();
    if let Ok(json) = fs::read_to_string(dir.join(format!("{stem}.tshark.json"))) {
        return Some(parse_json(&json));
    }
    if let Ok(tsv) = fs::read_to_string(dir.join(format!("{stem}.tshark.fields.tsv"))) {
        return Some(parse_tsv(&tsv));
    }
    None
}

fn parse_json(json: &str) -> Vec<TruthRecord> {
    json.split("\"_source\": {")
        .skip(1)
        .map(|packet| {
            // Fields of the frame layer; comments sit in a layer before it.
            let frame = packet
                .find("\"frame\": {")
                .map_or(packet, |at| &packet[at..]);
            let field = |name: &str| json_string(frame, name);
            let number = |name: &str| field(name).map(|v| parse_num(name, &v));
            TruthRecord {
                number: number("frame.number").unwrap_or(0),
                time_epoch: field("frame.time_epoch"),
                len: number("frame.len").unwrap_or(0) as u32,
                cap_len: number("frame.cap_len").unwrap_or(0) as u32,
                interface_id: number("frame.interface_id").map(|v| v as u32),
                encap_type: number("frame.encap_type").map(|v| v as u32),
                section_number: number("frame.section_number").map(|v| v as u32),
                comments: json_strings(packet, "frame.comment"),
                custom_block: field("frame.cb_pen").is_some(),
            }
        })
        .collect()
}

fn parse_num(name: &str, value: &str) -> u64 {
    value
        .parse()
        .unwrap_or_else(|_| panic!("ground truth: {name} = {value:?} is not a number"))
}

fn json_string(text: &str, key: &str) -> Option<String> {
    json_strings(text, key).into_iter().next()
}

/// Every string value of `"key": "..."` in `text`, unescaped.
fn json_strings(text: &str, key: &str) -> Vec<String> {
    let needle = format!("\"{key}\": \"");
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let (value, used) = unescape_json_string(rest);
        values.push(value);
        rest = &rest[used..];
    }
    values
}

/// Reads a JSON string body up to its closing quote; returns the value and
/// the bytes consumed.
fn unescape_json_string(s: &str) -> (String, usize) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, i + 1),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    let code = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, s.len())
}

fn parse_tsv(tsv: &str) -> Vec<TruthRecord> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("ground truth TSV has no {name} column"))
    };
    let (number, epoch, len, cap_len) = (
        column("frame.number"),
        column("frame.time_epoch"),
        column("frame.len"),
        column("frame.cap_len"),
    );
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
            TruthRecord {
                number: parse_num("frame.number", cell(number)),
                time_epoch: Some(cell(epoch).to_owned()).filter(|v| !v.is_empty()),
                len: parse_num("frame.len", cell(len)) as u32,
                cap_len: parse_num("frame.cap_len", cell(cap_len)) as u32,
                ..TruthRecord::default()
            }
        })
        .collect()
}

/// Compares our frames with tshark's records, field by field. Custom blocks
/// are records on both sides.
pub fn assert_matches_tshark(capture: &str, file: &CaptureFile, frames: &[Frame<'_>]) {
    let Some(truth) = ground_truth(capture) else {
        panic!("{capture}: no tshark ground truth beside it");
    };
    let packets: Vec<&TruthRecord> = truth.iter().collect();
    assert_eq!(
        frames.len(),
        packets.len(),
        "{capture}: packet count differs from tshark's"
    );
    let interfaces = file.interfaces();
    for (frame, record) in frames.iter().zip(packets) {
        let at = format!(
            "{capture} frame {} (tshark {})",
            frame.number, record.number
        );
        let epoch = frame.has_ts.then(|| frame.ts.to_string());
        assert_eq!(epoch, record.time_epoch, "{at}: frame.time_epoch");
        assert_eq!(frame.orig_len, record.len, "{at}: frame.len");
        assert_eq!(
            frame.data.len() as u32,
            record.cap_len,
            "{at}: frame.cap_len"
        );
        assert_eq!(frame.number, record.number, "{at}: frame.number");
        assert_eq!(
            frame.custom.is_some(),
            record.custom_block,
            "{at}: custom block"
        );
        if frame.custom.is_some() {
            continue;
        }
        let interface = &interfaces[frame.interface_id as usize];
        assert_eq!(interface.link_type, frame.link_type, "{at}: link type");
        if let Some(id) = record.interface_id {
            assert_eq!(interface.id_in_section, id, "{at}: frame.interface_id");
        }
        if let Some(section) = record.section_number {
            assert_eq!(interface.section + 1, section, "{at}: frame.section_number");
        }
        assert_eq!(frame.comments, record.comments, "{at}: frame.comment");
    }
}
