//! Hand-built files for what the corpus does not have: obsolete packet
//! blocks, if_tsoffset, power-of-two resolutions, skippable sections, and
//! each kind of framing damage. Plus robustness sweeps over real files cut
//! at every offset or with any byte flipped.

mod common;

use common::{corpus_file, read_all};
use wirelens_capture::{CaptureFile, Frame, OpenError};
use wirelens_dissect::{LinkType, Timestamp};

/// Builds pcapng bytes in one byte order.
struct Ng {
    big_endian: bool,
    bytes: Vec<u8>,
}

impl Ng {
    fn new(big_endian: bool) -> Ng {
        Ng {
            big_endian,
            bytes: Vec::new(),
        }
    }

    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u64(&self, v: u64) -> [u8; 8] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn options(&self, options: &[(u16, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (code, value) in options {
            out.extend(self.u16(*code));
            out.extend(self.u16(value.len() as u16));
            out.extend_from_slice(value);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        if !options.is_empty() {
            out.extend([0; 4]);
        }
        out
    }

    /// Appends a block; `body` is padded to 32 bits.
    fn block(&mut self, kind: u32, body: &[u8]) -> &mut Self {
        let mut body = body.to_vec();
        body.resize(body.len().next_multiple_of(4), 0);
        let len = 12 + body.len() as u32;
        let (kind, len_bytes) = (self.u32(kind), self.u32(len));
        self.bytes.extend(kind);
        self.bytes.extend(len_bytes);
        self.bytes.extend(body);
        self.bytes.extend(len_bytes);
        self
    }

    fn shb(&mut self, major: u16, section_len: i64) -> &mut Self {
        let mut body = self.u32(0x1a2b_3c4d).to_vec();
        body.extend(self.u16(major));
        body.extend(self.u16(0));
        body.extend(self.u64(section_len as u64));
        self.block(0x0a0d_0d0a, &body)
    }

    fn idb(&mut self, link_type: u16, snaplen: u32, options: &[(u16, &[u8])]) -> &mut Self {
        let mut body = self.u16(link_type).to_vec();
        body.extend([0, 0]);
        body.extend(self.u32(snaplen));
        body.extend(self.options(options));
        self.block(1, &body)
    }

    fn epb(
        &mut self,
        interface: u32,
        ticks: u64,
        data: &[u8],
        options: &[(u16, &[u8])],
    ) -> &mut Self {
        let mut body = self.u32(interface).to_vec();
        body.extend(self.u32((ticks >> 32) as u32));
        body.extend(self.u32(ticks as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        body.extend(self.options(options));
        self.block(6, &body)
    }

    fn opb(&mut self, interface: u16, ticks: u64, data: &[u8]) -> &mut Self {
        let mut body = self.u16(interface).to_vec();
        body.extend(self.u16(7)); // drops count
        body.extend(self.u32((ticks >> 32) as u32));
        body.extend(self.u32(ticks as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend(self.u32(data.len() as u32 + 10));
        body.extend_from_slice(data);
        self.block(2, &body)
    }

    fn spb(&mut self, orig_len: u32, data: &[u8]) -> &mut Self {
        let mut body = self.u32(orig_len).to_vec();
        body.extend_from_slice(data);
        self.block(3, &body)
    }

    fn append(&mut self, other: &Ng) -> &mut Self {
        self.bytes.extend_from_slice(&other.bytes);
        self
    }

    fn file(&self) -> CaptureFile {
        CaptureFile::from_bytes(self.bytes.clone()).expect("opens")
    }
}

fn epochs(file: &CaptureFile) -> Vec<String> {
    read_all(file).0.iter().map(|f| f.ts.to_string()).collect()
}

fn read_error(file: &CaptureFile) -> (usize, wirelens_capture::ReadError) {
    let (frames, error) = read_all(file);
    (frames.len(), error.expect("an error"))
}

#[test]
fn timestamp_resolutions_and_offsets_in_both_byte_orders() {
    for big_endian in [false, true] {
        let mut ng = Ng::new(big_endian);
        let offset = ng.u64(1_000_000_000);
        ng.shb(1, -1)
            // 2^-20 s ticks.
            .idb(1, 0, &[(9, &[0x80 | 20])])
            // Milliseconds, 10^9 s later.
            .idb(1, 0, &[(9, &[3]), (14, &offset)])
            .epb(0, 5 << 20 | 1 << 19, b"a", &[])
            .epb(1, 1_500, b"b", &[]);
        let file = ng.file();
        assert_eq!(
            epochs(&file),
            ["5.500000000", "1000000001.500000000"],
            "big endian: {big_endian}"
        );
        let interfaces = file.interfaces();
        assert_eq!(interfaces[0].ts_units_per_sec, 1 << 20);
        assert_eq!(interfaces[0].ts_resolution_nanos, 953);
        assert_eq!(interfaces[1].ts_offset_secs, 1_000_000_000);
    }
}

#[test]
fn obsolete_packet_blocks_are_read() {
    let mut ng = Ng::new(false);
    ng.shb(1, -1).idb(1, 0, &[]).idb(101, 0, &[(9, &[9])]).opb(
        1,
        1_234_567_890_123_456_789,
        b"\x45",
    );
    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    assert_eq!(frames[0].interface_id, 1);
    assert_eq!(frames[0].link_type, LinkType::RAW);
    assert_eq!(frames[0].ts, Timestamp::new(1_234_567_890, 123_456_789));
    assert_eq!((frames[0].data, frames[0].orig_len), (&b"\x45"[..], 11));
}

#[test]
fn simple_packets_are_cut_to_the_snaplen() {
    let mut ng = Ng::new(true);
    ng.shb(1, -1)
        .idb(1, 4, &[])
        .spb(100, b"abcdefgh")
        .spb(2, b"xyzw");
    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    let got: Vec<(&[u8], u32, bool)> = frames
        .iter()
        .map(|f| (f.data, f.orig_len, f.has_ts))
        .collect();
    assert_eq!(got, [(&b"abcd"[..], 100, false), (&b"xy"[..], 2, false)]);
}

#[test]
fn sections_of_unknown_versions_are_skipped_by_their_length() {
    let mut unknown = Ng::new(false);
    unknown.idb(1, 0, &[]).epb(0, 1, b"lost", &[]);
    let mut ng = Ng::new(false);
    ng.shb(1, -1)
        .idb(1, 0, &[])
        .epb(0, 1_000_000, b"one", &[])
        .shb(2, unknown.bytes.len() as i64)
        .append(&unknown);
    let skipped_at = ng.bytes.len() - unknown.bytes.len() - 28;
    let mut last = Ng::new(true);
    last.shb(1, -1)
        .idb(113, 0, &[])
        .epb(0, 2_000_000, b"two", &[]);
    ng.append(&last);

    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    let got: Vec<(&[u8], u32)> = frames.iter().map(|f| (f.data, f.interface_id)).collect();
    assert_eq!(got, [(&b"one"[..], 0), (&b"two"[..], 1)]);
    let skipped: Vec<bool> = file.sections().iter().map(|s| s.skipped).collect();
    assert_eq!(skipped, [false, true, false]);
    let warnings = &file.metadata().warnings;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].offset, skipped_at as u64);
    assert!(
        warnings[0].reason.contains("version 2.0"),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_first_section_of_an_unknown_version_is_skipped_too() {
    let mut unknown = Ng::new(false);
    unknown.idb(1, 0, &[]);
    let mut ng = Ng::new(false);
    ng.shb(2, unknown.bytes.len() as i64).append(&unknown);
    ng.shb(1, -1).idb(101, 0, &[]).epb(0, 0, b"kept", &[]);
    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    assert_eq!(
        (frames[0].data, frames[0].link_type),
        (&b"kept"[..], LinkType::RAW)
    );
    assert_eq!(file.interfaces()[0].section, 1);

    // Without a length, the file cannot be opened at all.
    let mut ng = Ng::new(false);
    ng.shb(2, -1).idb(1, 0, &[]);
    let Err(OpenError::BadHeader { offset: 0, reason }) = CaptureFile::from_bytes(ng.bytes) else {
        panic!("an unreadable first section must be refused");
    };
    assert!(reason.contains("version 2.0"), "{reason}");
}

#[test]
fn a_skipped_section_must_be_followed_by_a_section_header() {
    let mut ng = Ng::new(false);
    ng.shb(1, -1).shb(3, 0).idb(1, 0, &[]);
    let (packets, error) = read_error(&ng.file());
    assert_eq!((packets, error.offset), (0, 56));
    assert!(
        error.reason.contains("follows a skipped section"),
        "{error}"
    );

    let mut ng = Ng::new(false);
    ng.shb(1, -1).shb(3, 1 << 20);
    let (_, error) = read_error(&ng.file());
    assert_eq!(error.offset, 28);
    assert!(
        error.reason.contains("runs past the end of the file"),
        "{error}"
    );
}

#[test]
fn framing_damage_stops_reading_at_the_damaged_block() {
    let good = {
        let mut ng = Ng::new(false);
        ng.shb(1, -1).idb(1, 0, &[]).epb(0, 1, b"ok", &[]);
        ng.bytes
    };
    let damaged_at = good.len();
    let with_tail = |tail: &[u8]| {
        let mut bytes = good.clone();
        bytes.extend_from_slice(tail);
        CaptureFile::from_bytes(bytes).expect("opens")
    };
    let cases: [(&[u8], &str); 5] = [
        (
            &[6, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 13, 0, 0, 0],
            "not a multiple of 4",
        ),
        (
            &[6, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0],
            "not a multiple of 4 of at least 12",
        ),
        (
            &[6, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0],
            "claims 64 bytes but only 12 remain",
        ),
        (
            &[6, 0, 0, 0, 12, 0, 0, 0, 16, 0, 0, 0],
            "ends with length 16",
        ),
        (&[6, 0, 0], "the file ends 3 bytes into a block header"),
    ];
    for (tail, reason) in cases {
        let (packets, error) = read_error(&with_tail(tail));
        assert_eq!(packets, 1, "{reason}");
        assert_eq!(error.offset, damaged_at as u64, "{reason}");
        assert!(error.reason.contains(reason), "{error}");
    }
}

#[test]
fn packet_block_damage_is_reported() {
    // Captured length beyond the block.
    let mut ng = Ng::new(false);
    ng.shb(1, -1).idb(1, 0, &[]);
    let at = ng.bytes.len() as u64;
    let mut body = vec![0; 20];
    body[12] = 200; // caplen 200, no data
    ng.block(6, &body);
    let (_, error) = read_error(&ng.file());
    assert_eq!(error.offset, at);
    assert!(
        error
            .reason
            .contains("claims 200 captured bytes but has room for only 0"),
        "{error}"
    );

    // An interface that was never described.
    let mut ng = Ng::new(false);
    ng.shb(1, -1).idb(1, 0, &[]).epb(1, 0, b"x", &[]);
    let (_, error) = read_error(&ng.file());
    assert!(error.reason.contains("refers to interface 1"), "{error}");

    // An option running past the block.
    let mut ng = Ng::new(false);
    ng.shb(1, -1).idb(1, 0, &[]);
    let mut epb = Ng::new(false);
    epb.epb(0, 0, b"abcd", &[]);
    let mut body = epb.bytes[8..epb.bytes.len() - 4].to_vec();
    body.extend([1, 0, 99, 0, b'h', b'i', 0, 0]);
    ng.block(6, &body);
    let (_, error) = read_error(&ng.file());
    assert!(
        error.reason.contains("option (code 1) of length 99"),
        "{error}"
    );
}

#[test]
fn a_comment_that_is_not_utf8_is_left_out_with_a_warning() {
    let mut ng = Ng::new(false);
    ng.shb(1, -1)
        .idb(1, 0, &[])
        .epb(0, 0, b"x", &[(1, b"\xff\xfe"), (1, b"fine\0")]);
    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!(error, None);
    assert_eq!(frames[0].comments, ["fine"]);
    assert_eq!(file.metadata().warnings.len(), 1);
}

#[test]
fn custom_blocks_are_frames_and_unknown_blocks_are_skipped() {
    let mut ng = Ng::new(true);
    ng.shb(1, -1)
        .block(0x0bad, b"\0\0\x7e\xd9custom")
        .idb(1, 0, &[])
        .block(0x4000_0bad, b"\0\0\x7e\xd9do not copy")
        .block(0x0000_000a, b"TLSK\0\0\0\x04abcd") // decryption secrets
        .block(0x1234_5678, b"future block type")
        .epb(0, 0, b"x", &[]);
    let file = ng.file();
    let (frames, error) = read_all(&file);
    assert_eq!((frames.len(), error), (3, None));
    assert_eq!(file.metadata().custom_blocks, 2);
    let custom = |f: &Frame<'_>| f.custom.map(|c| (c.pen, c.copyable));
    assert_eq!(custom(&frames[0]), Some((32473, true)));
    // A custom block has no length of its own: its data runs to the block end, padding included.
    assert_eq!(frames[0].data, b"custom\0\0");
    assert_eq!(custom(&frames[1]), Some((32473, false)));
    assert_eq!(frames[1].data, b"do not copy\0");
    assert_eq!(custom(&frames[2]), None);
    assert_eq!(frames[2].data, b"x");
}

#[test]
fn files_that_are_not_captures_are_refused() {
    let not_a_capture = |bytes: &[u8]| match CaptureFile::from_bytes(bytes.to_vec()) {
        Err(OpenError::NotACapture { reason }) => reason,
        other => panic!("{bytes:?}: {other:?}"),
    };
    assert!(not_a_capture(b"").contains("0 bytes long"));
    assert!(not_a_capture(b"\x1f\x8b\x08\x00rest").contains("gzip"));
    assert!(not_a_capture(b"GET / HTTP/1.1\r\n").contains("unknown magic number 47 45 54 20"));

    let header_cut = &[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0][..];
    let Err(OpenError::BadHeader { offset, reason }) = CaptureFile::from_bytes(header_cut.to_vec())
    else {
        panic!("a cut pcap header");
    };
    assert_eq!(offset, 8);
    assert!(reason.contains("cut short after 8 bytes"), "{reason}");

    let error = CaptureFile::open(std::path::Path::new("/nonexistent/trace.pcap"))
        .expect_err("no such file");
    assert!(matches!(error, OpenError::Io(_)));
    assert!(error
        .to_string()
        .starts_with("cannot read the capture file"));
}

/// Where a frame was and how much it held; `end` is where its record or
/// block ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    offset: u64,
    len: usize,
    end: u64,
}

fn frames_seen(file: &CaptureFile) -> (Vec<Seen>, usize) {
    let mut packets = file.packets();
    let mut seen = Vec::new();
    let mut errors = 0;
    while let Some(item) = packets.next() {
        match item {
            Ok(frame) => {
                assert_eq!(errors, 0, "a frame after an error");
                seen.push(Seen {
                    offset: frame.file_offset,
                    len: frame.data.len(),
                    end: packets.bytes_read(),
                });
            }
            Err(_) => errors += 1,
        }
    }
    assert!(packets.bytes_read() <= file.len());
    (seen, errors)
}

/// Reads a damaged variant: it must end (cleanly or after one error),
/// never panic, and deliver every frame of `intact` whose record lies
/// wholly before `damage`.
fn check_variant(bytes: Vec<u8>, intact: &[Seen], damage: usize) {
    let Ok(file) = CaptureFile::from_bytes(bytes) else {
        return; // refusing a damaged header is a fine answer
    };
    let (seen, errors) = frames_seen(&file);
    assert!(errors <= 1);
    let before: Vec<Seen> = intact
        .iter()
        .copied()
        .take_while(|frame| frame.end as usize <= damage)
        .collect();
    assert!(
        seen.len() >= before.len() && seen[..before.len()] == before[..],
        "frames before the damage at {damage}: {seen:?} vs {before:?}"
    );
}

#[test]
fn damaged_real_files_never_panic_and_keep_what_precedes_the_damage() {
    for capture in [
        "formats/pcapng_multi_section.pcapng",
        "formats/pcapng_packet_comments.pcapng",
        "formats/pcap_be_pptp_gre.pcap",
        "formats/pcap_modified_kuznetzov.pcap",
    ] {
        let original = std::fs::read(corpus_file(capture)).expect("read");
        let file = CaptureFile::from_bytes(original.clone()).expect("opens");
        let (intact, errors) = frames_seen(&file);
        assert_eq!(errors, 0);
        for cut in 0..original.len() {
            check_variant(original[..cut].to_vec(), &intact, cut);
        }
        for at in 0..original.len() {
            let mut flipped = original.clone();
            flipped[at] ^= 0xff;
            check_variant(flipped, &intact, at);
        }
    }
}
