//! Helpers for unit tests: dissect a frame the way the application does.

use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::{Dissector, FrameMeta};

/// Dissects one frame with the full tree, as frame 1 of a capture.
pub fn dissect_frame_for_test(link: LinkType, bytes: &[u8]) -> Packet {
    dissect_frame_with_orig_len(link, bytes, bytes.len() as u32)
}

/// Like [`dissect_frame_for_test`] for a frame the capture cut short: `orig_len`
/// is its length on the wire.
pub fn dissect_frame_with_orig_len(link: LinkType, bytes: &[u8], orig_len: u32) -> Packet {
    dissect(link, bytes, orig_len, true)
}

/// Dissects one frame on the fast path (summary, protocol chain and expert
/// items only), as the packet list does.
pub fn dissect_frame_fast(link: LinkType, bytes: &[u8]) -> Packet {
    dissect(link, bytes, bytes.len() as u32, false)
}

fn dissect(link: LinkType, bytes: &[u8], orig_len: u32, tree: bool) -> Packet {
    let mut dissector = Dissector::default();
    let meta = FrameMeta::new(1, Timestamp::new(0, 0), orig_len, link);
    let mut pkt = Packet::new(tree);
    dissector.dissect(&meta, bytes, &mut pkt);
    pkt
}

/// Bytes from a hex string; whitespace is ignored.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| (b as char).to_digit(16).expect("hex digit") as u8)
        .collect();
    digits.chunks(2).map(|c| c[0] << 4 | c[1]).collect()
}

/// Every rendered value of a field, in tree order.
pub fn values(pkt: &Packet, name: &str, data: &[u8]) -> Vec<String> {
    pkt.find_all(name)
        .map(|f| {
            let mut s = String::new();
            crate::model::render_value(&mut s, f.def, &f.value, f.span, pkt.node_data(f, data));
            s
        })
        .collect()
}

/// A frame to dissect as part of a capture: its bytes, capture time and length
/// on the wire.
#[derive(Clone, Copy, Debug)]
pub struct TestFrame<'a> {
    pub bytes: &'a [u8],
    pub ts: Timestamp,
    /// Length on the wire; the captured length when `None`.
    pub wire_len: Option<u32>,
}

impl<'a> TestFrame<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        TestFrame {
            bytes,
            ts: Timestamp::new(1_000_000_000, 0),
            wire_len: None,
        }
    }

    pub fn at(bytes: &'a [u8], secs: i64, nanos: u64) -> Self {
        TestFrame {
            ts: Timestamp::new(secs, nanos),
            ..TestFrame::new(bytes)
        }
    }
}

/// Dissects frames in order, as one capture (state carries over), with the given
/// preferences and speed.
pub fn dissect_frames(
    link: LinkType,
    prefs: crate::Prefs,
    tree: bool,
    frames: &[TestFrame<'_>],
) -> Vec<Packet> {
    let mut d = Dissector::new(prefs);
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let wire_len = f.wire_len.unwrap_or(f.bytes.len() as u32);
            let meta = FrameMeta::new(i as u64 + 1, f.ts, wire_len, link);
            let mut pkt = Packet::new(tree);
            d.dissect(&meta, f.bytes, &mut pkt);
            pkt
        })
        .collect()
}

/// The first rendered value of a field.
pub fn value(pkt: &Packet, name: &str, data: &[u8]) -> Option<String> {
    values(pkt, name, data).into_iter().next()
}

/// The one rendered value of a field; fails the test if there are none or several.
pub fn only(pkt: &Packet, name: &str, data: &[u8]) -> String {
    let all = values(pkt, name, data);
    assert_eq!(all.len(), 1, "{name}: {all:?}");
    all[0].clone()
}

/// The protocol chain, as `frame.protocols` shows it.
pub fn chain(pkt: &Packet) -> String {
    pkt.protocols.join(":")
}

/// Whether an expert item's message contains `text`.
pub fn has_expert(pkt: &Packet, text: &str) -> bool {
    pkt.experts.iter().any(|e| e.message.contains(text))
}

/// Frame 1 of ip/icmp_ping.pcap (link type 1): an echo request, 10.0.0.1 ->
/// 74.125.225.99, behind Ethernet and IPv4 without options.
pub const PING_REQUEST: CorpusFrame = CorpusFrame::new("ip/icmp_ping.pcap", 1);

/// The shared capture corpus (`shared/captures` beside the repository), where
/// unit tests take their real frames from: the captures are read by path,
/// never copied into the repository.
pub fn corpus_path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/captures")
        .join(file)
}

/// One record of a corpus capture.
#[derive(Clone, Debug)]
pub struct CorpusRecord {
    pub bytes: Vec<u8>,
    pub ts: Timestamp,
    /// Length on the wire.
    pub wire_len: u32,
}

impl CorpusRecord {
    pub fn test_frame(&self) -> TestFrame<'_> {
        TestFrame {
            bytes: &self.bytes,
            ts: self.ts,
            wire_len: Some(self.wire_len),
        }
    }
}

/// A whole corpus capture: its (first) link type and its records in order.
#[derive(Clone, Debug)]
pub struct CorpusCapture {
    pub link: LinkType,
    pub records: Vec<CorpusRecord>,
}

impl CorpusCapture {
    /// The records as frames for [`dissect_frames`].
    pub fn test_frames(&self) -> Vec<TestFrame<'_>> {
        self.records.iter().map(CorpusRecord::test_frame).collect()
    }
}

/// Reads a capture of the shared corpus (path relative to `shared/captures`),
/// pcap or pcapng (pcapng timestamps at each interface's resolution).
pub fn corpus_capture(file: &str) -> CorpusCapture {
    use pcap_parser::pcapng::Block;
    use pcap_parser::{PcapCapture, PcapNGCapture};
    let path = corpus_path(file);
    let data = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the unit tests read real frames from the shared capture corpus; \
             check out `shared/` beside the repository",
            path.display()
        )
    });
    if let Ok(cap) = PcapCapture::from_file(&data) {
        let nanos = cap.header.is_nanosecond_precision();
        let records = cap
            .blocks
            .iter()
            .map(|b| CorpusRecord {
                bytes: b.data.to_vec(),
                ts: Timestamp::new(
                    b.ts_sec.into(),
                    u64::from(b.ts_usec) * if nanos { 1 } else { 1000 },
                ),
                wire_len: b.origlen,
            })
            .collect();
        return CorpusCapture {
            link: LinkType(cap.header.network.0 as u32),
            records,
        };
    }
    let cap = PcapNGCapture::from_file(&data)
        .unwrap_or_else(|e| panic!("{}: not a pcap or pcapng file: {e:?}", path.display()));
    let mut link = None;
    let mut records = Vec::new();
    for section in &cap.sections {
        let mut interfaces = Vec::new();
        for block in &section.blocks {
            match block {
                Block::InterfaceDescription(idb) => {
                    link.get_or_insert(LinkType(idb.linktype.0 as u32));
                    interfaces.push((idb.if_tsresol, idb.if_tsoffset));
                }
                Block::EnhancedPacket(epb) => {
                    let (resol, offset) = interfaces
                        .get(epb.if_id as usize)
                        .copied()
                        .unwrap_or((6, 0));
                    let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                    let per_sec = pcap_parser::pcapng::build_ts_resolution(resol)
                        .unwrap_or(1_000_000)
                        .max(1);
                    let secs = (units / per_sec) as i64 + offset;
                    let nanos = (units % per_sec) * 1_000_000_000 / per_sec;
                    let caplen = (epb.caplen as usize).min(epb.data.len());
                    records.push(CorpusRecord {
                        bytes: epb.data[..caplen].to_vec(),
                        ts: Timestamp::new(secs, nanos),
                        wire_len: epb.origlen,
                    });
                }
                _ => {}
            }
        }
    }
    CorpusCapture {
        link: link.unwrap_or(LinkType(1)),
        records,
    }
}

/// A frame of a corpus capture, named by file and 1-based frame number.
#[derive(Clone, Copy, Debug)]
pub struct CorpusFrame {
    pub file: &'static str,
    pub number: usize,
}

impl CorpusFrame {
    pub const fn new(file: &'static str, number: usize) -> Self {
        CorpusFrame { file, number }
    }

    /// The frame's bytes, read from the corpus.
    pub fn bytes(self) -> Vec<u8> {
        self.record().bytes
    }

    pub fn record(self) -> CorpusRecord {
        let cap = corpus_capture(self.file);
        cap.records
            .get(self.number.wrapping_sub(1))
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "{} has {} frames, not frame {}",
                    self.file,
                    cap.records.len(),
                    self.number
                )
            })
    }
}

/// One end of a hand-made TCP connection.
#[derive(Clone, Copy, Debug)]
pub struct TcpEnd {
    pub ip: [u8; 4],
    pub port: u16,
}

/// A hand-made Ethernet + IPv4 + TCP frame (no options, ACK number 1, window
/// 65535, checksums zero: tests that dissect it either switch verification
/// off or do not look at it) carrying `payload` from `src` to `dst`.
pub fn tcp_frame(src: TcpEnd, dst: TcpEnd, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + 20 + payload.len()) as u16;
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    f.extend([0x45, 0]);
    f.extend(total.to_be_bytes());
    // Identification 1, don't fragment, TTL 64, TCP, checksum zero.
    f.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
    f.extend(src.ip);
    f.extend(dst.ip);
    f.extend(src.port.to_be_bytes());
    f.extend(dst.port.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend(1u32.to_be_bytes());
    f.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// Dissects a corpus frame as an Ethernet frame of its capture (with its
/// length on the wire); returns the packet and the frame's bytes.
pub fn dissect_corpus_ethernet(f: CorpusFrame) -> (Packet, Vec<u8>) {
    let rec = f.record();
    let pkt = dissect_frame_with_orig_len(LinkType::ETHERNET, &rec.bytes, rec.wire_len);
    (pkt, rec.bytes)
}

/// The layer titled `title` as `print -V` shows it: its title line and the
/// indented lines under it.
pub fn layer_text(p: &Packet, data: &[u8], title: &str) -> Vec<String> {
    let mut out = String::new();
    crate::export::text::tree(&mut out, p, data);
    out.lines()
        .skip_while(|l| !l.starts_with(title))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
        .map(|(_, l)| l.to_string())
        .collect()
}
