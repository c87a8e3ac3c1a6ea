//! Writers: what is written reads back the same (bytes, lengths,
//! timestamps, link types, interfaces, comments), and pcap files rewritten
//! with the same header parameters come out byte for byte identical.

mod common;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use common::{captures_in, corpus_file, open, read_all};
use wirelens_capture::write::{save, save_with_interfaces, PcapNgWriter, PcapWriter, SaveFormat};
use wirelens_capture::{CaptureFile, FileFormat, Frame};
use wirelens_dissect::{LinkType, Timestamp};

const FOLDERS: [&str; 11] = [
    "link", "ip", "tcp", "dns", "tls", "ssh", "http2", "bgp", "wifi", "formats", "mixed",
];

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("wirelens-capture-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("list temp dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What a frame carries, owned, for comparing files.
#[derive(Debug, PartialEq, Eq)]
struct Content {
    data: Vec<u8>,
    orig_len: u32,
    ts: Timestamp,
    link_type: LinkType,
    comments: Vec<String>,
}

fn content(frame: &Frame<'_>) -> Content {
    Content {
        data: frame.data.to_vec(),
        orig_len: frame.orig_len,
        // Frames without a timestamp are saved with timestamp 0.
        ts: if frame.has_ts {
            frame.ts
        } else {
            Timestamp::default()
        },
        link_type: frame.link_type,
        comments: frame.comments.iter().map(|c| c.to_string()).collect(),
    }
}

fn contents(file: &CaptureFile) -> Vec<Content> {
    let (frames, error) = read_all(file);
    assert_eq!(error, None);
    frames.iter().map(content).collect()
}

fn reopen(path: &Path) -> CaptureFile {
    CaptureFile::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn corpus_captures() -> impl Iterator<Item = String> {
    FOLDERS.into_iter().flat_map(captures_in)
}

#[test]
fn every_corpus_capture_survives_saving_as_pcapng() {
    let dir = TempDir::new("pcapng");
    for capture in corpus_captures() {
        let source = open(&capture);
        let (frames, _) = read_all(&source);
        let target = dir.path("out.pcapng");
        let written =
            save_with_interfaces(&frames, &target, SaveFormat::PcapNg, source.interfaces())
                .unwrap_or_else(|e| panic!("{capture}: {e}"));
        // Custom blocks marked "do not copy" are not copied; everything else is.
        let kept: Vec<&Frame<'_>> = frames
            .iter()
            .filter(|f| f.custom.is_none_or(|c| c.copyable))
            .collect();
        assert_eq!(written, kept.len() as u64, "{capture}");

        let copy = reopen(&target);
        assert_eq!(*copy.format(), FileFormat::PcapNg);
        let expected: Vec<Content> = kept.iter().copied().map(content).collect();
        assert_eq!(contents(&copy), expected, "{capture}");
        // Used interfaces keep name, snaplen and resolution.
        let copied = read_all(&copy).0;
        for (frame, again) in kept.iter().zip(copied).filter(|(f, _)| f.custom.is_none()) {
            let before = &source.interfaces()[frame.interface_id as usize];
            let after = &copy.interfaces()[again.interface_id as usize];
            assert_eq!(
                (&before.name, before.snaplen, before.ts_units_per_sec),
                (&after.name, after.snaplen, after.ts_units_per_sec),
                "{capture}"
            );
        }
    }
}

#[test]
fn single_link_type_captures_survive_saving_as_pcap() {
    let dir = TempDir::new("pcap");
    let mut saved = 0;
    for capture in corpus_captures() {
        let source = open(&capture);
        let (frames, _) = read_all(&source);
        let mut link_types: Vec<LinkType> = frames.iter().map(|f| f.link_type).collect();
        link_types.dedup();
        if link_types.len() > 1 {
            continue;
        }
        let target = dir.path("out.pcap");
        save_with_interfaces(&frames, &target, SaveFormat::Pcap, source.interfaces())
            .unwrap_or_else(|e| panic!("{capture}: {e}"));
        let copy = reopen(&target);
        let expected: Vec<Content> = frames
            .iter()
            .map(|f| Content {
                comments: Vec::new(), // pcap has no comments
                ..content(f)
            })
            .collect();
        assert_eq!(contents(&copy), expected, "{capture}");
        saved += 1;
    }
    assert!(saved > 100, "only {saved} captures saved as pcap");
}

/// LE pcap 2.4 files with zero thiszone and sigfigs are exactly what
/// PcapWriter writes, so rewriting them must reproduce every byte.
#[test]
fn canonical_pcap_files_are_rewritten_byte_for_byte() {
    let mut rewritten = 0;
    for capture in corpus_captures().filter(|c| c.ends_with(".pcap")) {
        let original = fs::read(corpus_file(&capture)).expect("read capture");
        let canonical_header = original.get(4..16) == Some(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            && (original.starts_with(&0xa1b2_c3d4u32.to_le_bytes())
                || original.starts_with(&0xa1b2_3c4du32.to_le_bytes()));
        if !canonical_header {
            continue;
        }
        let source = open(&capture);
        let FileFormat::Pcap { nanosecond, .. } = *source.format() else {
            unreachable!("a pcap file");
        };
        let interface = &source.interfaces()[0];
        let mut writer = PcapWriter::new(
            Vec::new(),
            interface.link_type,
            interface.snaplen,
            nanosecond,
        )
        .expect("header");
        for frame in read_all(&source).0 {
            writer
                .write_packet(frame.ts, frame.data, frame.orig_len)
                .expect("record");
        }
        let bytes = writer.finish().expect("finish");
        assert!(bytes == original, "{capture}: rewritten bytes differ");
        rewritten += 1;
    }
    assert!(
        rewritten >= 100,
        "only {rewritten} canonical pcap files found"
    );
}

#[test]
fn pcapng_output_is_stable_when_written_again() {
    let dir = TempDir::new("stable");
    let source = open("formats/pcapng_multi_section.pcapng");
    let (frames, _) = read_all(&source);
    let first = dir.path("first.pcapng");
    let second = dir.path("second.pcapng");
    save_with_interfaces(&frames, &first, SaveFormat::PcapNg, source.interfaces()).expect("save");
    let copy = reopen(&first);
    let (again, _) = read_all(&copy);
    save_with_interfaces(&again, &second, SaveFormat::PcapNg, copy.interfaces()).expect("save");
    assert_eq!(
        fs::read(&first).expect("first"),
        fs::read(&second).expect("second")
    );
    assert_eq!(
        copy.sections()[0].user_application.as_deref(),
        Some("wirelens")
    );
}

#[test]
fn nanoseconds_survive_where_the_resolution_allows() {
    let ts = Timestamp::new(1_700_000_000, 123_456_789);
    let mut writer = PcapNgWriter::new(Vec::new()).expect("header");
    let ns = writer
        .add_interface(LinkType::RAW, 0, Some("ns0"), true)
        .expect("interface");
    let us = writer
        .add_interface(LinkType::ETHERNET, 1500, None, false)
        .expect("interface");
    writer
        .write_packet(ns, ts, b"\x45\x00", 40, Some("first"))
        .expect("packet");
    writer
        .write_packet(us, ts, b"\x00\x01\x02", 3, None)
        .expect("packet");
    let file = CaptureFile::from_bytes(writer.finish().expect("finish")).expect("reads");
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    assert_eq!(frames[0].ts, ts);
    assert_eq!(frames[0].comments, ["first"]);
    assert_eq!((frames[0].data, frames[0].orig_len), (&b"\x45\x00"[..], 40));
    assert_eq!(frames[1].ts, Timestamp::new(1_700_000_000, 123_456_000));
    assert_eq!(file.interfaces()[0].name.as_deref(), Some("ns0"));
    assert_eq!(file.interfaces()[1].snaplen, 1500);

    for (nanosecond, expected) in [(true, 123_456_789), (false, 123_456_000)] {
        let mut writer =
            PcapWriter::new(Vec::new(), LinkType::ETHERNET, 65535, nanosecond).expect("header");
        writer.write_packet(ts, b"abc", 60).expect("packet");
        let file = CaptureFile::from_bytes(writer.finish().expect("finish")).expect("reads");
        let (frames, _) = read_all(&file);
        assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, expected));
    }
}

#[test]
fn several_comments_survive() {
    let mut writer = PcapNgWriter::new(Vec::new()).expect("header");
    let id = writer
        .add_interface(LinkType::ETHERNET, 0, None, false)
        .expect("interface");
    writer
        .write_packet_with_comments(id, Timestamp::new(1, 0), b"x", 1, &["one", "zwei ü"])
        .expect("packet");
    let file = CaptureFile::from_bytes(writer.finish().expect("finish")).expect("reads");
    assert_eq!(read_all(&file).0[0].comments, ["one", "zwei ü"]);
}

#[test]
fn mixed_link_types_cannot_be_saved_as_pcap() {
    let dir = TempDir::new("mixed");
    let source = open("formats/pcapng_multi_if_isb.pcapng");
    let (frames, _) = read_all(&source);
    let target = dir.path("mixed.pcap");
    let error = save(&frames, &target, SaveFormat::Pcap).expect_err("mixed link types");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    let message = error.to_string();
    assert!(message.contains("frame 4"), "{message}");
    assert!(message.contains("NULL(0)"), "{message}");
    assert!(message.contains("save as pcapng"), "{message}");
    // No partial file, no leftover temporary file.
    assert!(dir.entries().is_empty(), "{:?}", dir.entries());
}

#[test]
fn saving_over_the_file_being_read_is_safe() {
    let dir = TempDir::new("overwrite");
    let path = dir.path("trace.pcapng");
    fs::copy(corpus_file("formats/pcapng_packet_comments.pcapng"), &path).expect("copy");
    let file = reopen(&path);
    let (frames, _) = read_all(&file);
    let first_only = &frames[..1];
    save_with_interfaces(first_only, &path, SaveFormat::PcapNg, file.interfaces()).expect("save");
    // The mapped original is still intact, and the new file has one frame.
    assert_eq!(frames[1].comments, ["test009-2"]);
    let saved = reopen(&path);
    assert_eq!(contents(&saved), vec![content(&frames[0])]);
    assert_eq!(dir.entries(), ["trace.pcapng"]);
}

#[test]
fn save_without_interfaces_keeps_nanoseconds() {
    let dir = TempDir::new("defaults");
    let source = open("formats/pcapng_multi_interface_real.pcapng");
    let (frames, _) = read_all(&source);
    for format in [SaveFormat::Pcap, SaveFormat::PcapNg] {
        let target = dir.path("out");
        save(&frames, &target, format).expect("save");
        let copy = reopen(&target);
        let ts: Vec<Timestamp> = read_all(&copy).0.iter().map(|f| f.ts).collect();
        let expected: Vec<Timestamp> = frames.iter().map(|f| f.ts).collect();
        assert_eq!(ts, expected, "{format:?}");
    }
}

#[test]
fn writers_refuse_what_the_formats_cannot_hold() {
    let mut pcap = PcapWriter::new(Vec::new(), LinkType::ETHERNET, 65535, false).expect("header");
    let before_1970 = Timestamp::new(-1, 0);
    let error = pcap
        .write_packet(before_1970, b"x", 1)
        .expect_err("negative time");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);

    let mut pcapng = PcapNgWriter::new(Vec::new()).expect("header");
    let error = pcapng
        .write_packet(0, Timestamp::new(1, 0), b"x", 1, None)
        .expect_err("no interface yet");
    assert!(error.to_string().contains("interface 0 was never added"));
    let error = pcapng
        .add_interface(LinkType(70_000), 0, None, false)
        .expect_err("link type beyond 16 bits");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}
