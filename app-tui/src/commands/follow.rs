//! `wirelens follow`: the application bytes of one TCP or UDP conversation, in
//! order, both directions interleaved in capture order, as tshark's
//! `-z follow,tcp,ascii,N` prints them (also `hex` and `raw`, and JSON).
//!
//! TCP bytes go through the dissector's stream reassembly
//! (`flow::reassembly::Direction`): retransmissions are delivered once, data
//! after a hole waits for it, and each packet that makes bytes available in
//! order contributes one chunk (and each held segment it joined, another). A
//! hole the receiver acknowledged is shown as tshark shows it, a chunk
//! "[N bytes missing in capture file]" (with its NUL); data beyond a hole
//! nobody acknowledged is not shown, as in tshark.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use wirelens_dissect::flow::reassembly::{Budget, Direction};
use wirelens_dissect::model::{Address, Packet};
use wirelens_dissect::{Dissector, Prefs};

use crate::cli::{FollowArgs, FollowFormat};
use crate::{input, Error};

/// One side of the conversation: address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub addr: Address,
    pub port: u16,
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.addr {
            Address::Ipv6(_) => write!(f, "[{}]:{}", self.addr, self.port),
            _ => write!(f, "{}:{}", self.addr, self.port),
        }
    }
}

/// Bytes one packet made available in order, from one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// 0: sent by node 0 (the sender of the first packet seen), 1: by node 1.
    pub from: usize,
    pub frame: u64,
    pub data: Vec<u8>,
}

/// A followed conversation.
#[derive(Clone, Debug, Default)]
pub struct Followed {
    pub nodes: Option<[Node; 2]>,
    pub chunks: Vec<Chunk>,
    /// Bytes never seen in the capture, per sending side (TCP holes).
    pub missing: [u64; 2],
    /// The file is damaged here; what came before was followed, as tshark does.
    pub damage: Option<wirelens_capture::ReadError>,
}

impl Followed {
    /// Every byte node `from` sent, in order.
    pub fn bytes_from(&self, from: usize) -> Vec<u8> {
        self.chunks
            .iter()
            .filter(|c| c.from == from)
            .flat_map(|c| c.data.iter().copied())
            .collect()
    }
}

/// Runs `follow`, writing to `out`.
pub fn run(args: &FollowArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let text = if let Some(id) = args.http2_stream {
        super::follow_http2::follow(&args.file, args.stream, id, args.format)?
    } else {
        let file = input::open(&args.file)?;
        let followed = follow(&file, args.stream, args.udp)?;
        if let Some(e) = &followed.damage {
            eprintln!("wirelens: the file is damaged or truncated {e}");
        }
        render(&followed, args.stream, args.udp, args.format)
    };
    let mut out = BufWriter::new(out);
    match out.write_all(&text).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// What the transport layer of one packet says, for following.
struct Segment<'a> {
    stream: u32,
    src: Node,
    dst: Node,
    seq: u32,
    ack: u32,
    flags: u64,
    payload: &'a [u8],
}

/// Collects stream `stream` of the capture.
pub fn follow(
    file: &wirelens_capture::CaptureFile,
    stream: u32,
    udp: bool,
) -> Result<Followed, Error> {
    follow_until(file, stream, udp, &AtomicBool::new(false))
}

/// Packets read between two looks at the cancel flag.
const CANCEL_STRIDE: u64 = 4096;

/// [`follow`], stopping early (with what it has) once `cancel` is set.
pub fn follow_until(
    file: &wirelens_capture::CaptureFile,
    stream: u32,
    udp: bool,
    cancel: &AtomicBool,
) -> Result<Followed, Error> {
    // tshark's defaults: checksums are not verified, so a fragment or segment
    // with a bad checksum (offloading) still carries its bytes into the stream.
    let prefs = Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    };
    let mut dissector = Dissector::new(prefs);
    let mut pkt = Packet::new(true);
    let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
    let mut packets = file.packets();
    let mut followed = Followed::default();
    let mut dirs = [Direction::default(), Direction::default()];
    let mut budget = Budget::default();
    let mut notes = Vec::new();
    while let Some(item) = packets.next() {
        let frame = match item {
            Ok(f) => f,
            Err(e) => {
                // As tshark: what was read before the damage is followed.
                followed.damage = Some(e);
                break;
            }
        };
        if frame.number % CANCEL_STRIDE == 0 && cancel.load(Ordering::Relaxed) {
            break;
        }
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let Some(seg) = transport(&pkt, frame.data, udp) else {
            continue;
        };
        if seg.stream != stream {
            continue;
        }
        let nodes = *followed.nodes.get_or_insert([seg.src, seg.dst]);
        let from = if seg.src == nodes[0] && seg.dst == nodes[1] {
            0
        } else {
            1
        };
        let frame_no = meta.number;
        let mut push = |from: usize, data: Vec<u8>| {
            if !data.is_empty() {
                followed.chunks.push(Chunk {
                    from,
                    frame: frame_no,
                    data,
                });
            }
        };
        if udp {
            push(from, seg.payload.to_vec());
            continue;
        }
        const FIN: u64 = 0x001;
        const SYN: u64 = 0x002;
        const ACK: u64 = 0x010;
        // The other side's data this packet acknowledges was received, even
        // where the capture missed some: tshark's follow skips such holes.
        if seg.flags & ACK != 0 {
            for (missing, pieces) in dirs[1 - from].acked(&mut budget, seg.ack, &mut notes) {
                push(
                    1 - from,
                    format!("[{missing} bytes missing in capture file]\0").into_bytes(),
                );
                for piece in pieces {
                    push(1 - from, piece);
                }
            }
        }
        let pieces = dirs[from].segment_pieces(
            &mut budget,
            seg.seq,
            seg.payload,
            seg.flags & SYN != 0,
            seg.flags & FIN != 0,
            &mut notes,
        );
        for piece in pieces {
            push(from, piece);
        }
    }
    // Data held beyond a hole nobody acknowledged is not shown, as in tshark.
    for (from, dir) in dirs.iter().enumerate() {
        followed.missing[from] = dir.missing;
    }
    Ok(followed)
}

/// The first TCP (or UDP) layer of a packet that is not quoted in an ICMP error.
fn transport<'a>(pkt: &'a Packet, frame: &'a [u8], udp: bool) -> Option<Segment<'a>> {
    let name = if udp { "udp" } else { "tcp" };
    let layer = pkt.layers.iter().position(|l| l.proto.name == name)?;
    // tshark's follow tap does not see a segment whose header is malformed.
    if pkt.layers[layer].malformed {
        return None;
    }
    if pkt.layers[..layer]
        .iter()
        .any(|l| matches!(l.proto.name, "icmp" | "icmpv6"))
    {
        return None;
    }
    let mut seg = Segment {
        stream: u32::MAX,
        src: Node {
            addr: pkt.summary.src,
            port: 0,
        },
        dst: Node {
            addr: pkt.summary.dst,
            port: 0,
        },
        seq: 0,
        ack: 0,
        flags: 0,
        payload: &[],
    };
    for f in pkt.layer_fields(layer as u8) {
        let n = f.value.as_u64();
        match f.def.name.strip_prefix(name).unwrap_or("") {
            ".stream" => seg.stream = n.unwrap_or(u64::MAX) as u32,
            ".srcport" => seg.src.port = n.unwrap_or(0) as u16,
            ".dstport" => seg.dst.port = n.unwrap_or(0) as u16,
            ".seq_raw" => seg.seq = n.unwrap_or(0) as u32,
            ".ack_raw" => seg.ack = n.unwrap_or(0) as u32,
            ".flags" => seg.flags = n.unwrap_or(0),
            // A RST's data is shown as its reset cause; it is payload all the same.
            ".payload" | ".reset_cause" if seg.payload.is_empty() => {
                let data = pkt.node_data(f, frame);
                let (start, len) = (f.span.start as usize, f.span.len as usize);
                seg.payload = data.get(start..start + len).unwrap_or(&[]);
            }
            _ => {}
        }
    }
    (seg.stream != u32::MAX).then_some(seg)
}

const RULE: &str = "===================================================================";

/// Renders the followed stream in `format`.
pub fn render(f: &Followed, stream: u32, udp: bool, format: FollowFormat) -> Vec<u8> {
    let proto = if udp { "udp" } else { "tcp" };
    if format == FollowFormat::Json {
        return render_json(f, stream, proto).into_bytes();
    }
    let format_name = match format {
        FollowFormat::Ascii => "ascii",
        FollowFormat::Hex => "hex",
        FollowFormat::Raw | FollowFormat::Json => "raw",
    };
    let mut out = Vec::new();
    let mut head =
        format!("\n{RULE}\nFollow: {proto},{format_name}\nFilter: {proto}.stream eq {stream}\n");
    match f.nodes {
        Some([a, b]) => {
            let _ = write!(head, "Node 0: {a}\nNode 1: {b}\n");
        }
        None => head.push_str("Node 0: :0\nNode 1: :0\n"),
    }
    out.extend_from_slice(head.as_bytes());
    let mut offsets = [0usize; 2];
    for c in &f.chunks {
        let indent = if c.from == 1 { "\t" } else { "" };
        match format {
            FollowFormat::Ascii => {
                out.extend_from_slice(format!("{indent}{}\n", c.data.len()).as_bytes());
                out.extend(c.data.iter().map(|&b| ascii_char(b, true)));
                out.push(b'\n');
            }
            FollowFormat::Hex => {
                let mut s = String::new();
                hex_lines(&mut s, indent, offsets[c.from], &c.data);
                out.extend_from_slice(s.as_bytes());
            }
            FollowFormat::Raw | FollowFormat::Json => {
                let mut s = String::from(indent);
                for b in &c.data {
                    let _ = write!(s, "{b:02x}");
                }
                s.push('\n');
                out.extend_from_slice(s.as_bytes());
            }
        }
        offsets[c.from] += c.data.len();
    }
    out.extend_from_slice(RULE.as_bytes());
    out.push(b'\n');
    out
}

/// tshark's follow ascii: printable characters, CR and LF kept, the rest a dot.
pub(crate) fn ascii_char(b: u8, keep_line_ends: bool) -> u8 {
    if b.is_ascii_graphic() || b == b' ' || (keep_line_ends && (b == b'\n' || b == b'\r')) {
        b
    } else {
        b'.'
    }
}

/// tshark's follow hex: offset (per direction), 16 bytes in two groups of 8, the
/// same as characters; `out` holds only this chunk's lines.
pub(crate) fn hex_lines(out: &mut String, indent: &str, start: usize, data: &[u8]) {
    for (i, line) in data.chunks(16).enumerate() {
        let _ = write!(out, "{indent}{:08X}  ", start + i * 16);
        for j in 0..16 {
            match line.get(j) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if j == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for (j, &b) in line.iter().enumerate() {
            out.push(ascii_char(b, false) as char);
            if j == 7 {
                out.push(' ');
            }
        }
        // tshark ends the line one character early when that character is a
        // blank (the separator after the 8th byte, or a space byte): checked on
        // its output for lines of 6, 8 and 16 bytes.
        if out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
}

fn render_json(f: &Followed, stream: u32, proto: &str) -> String {
    let mut s = format!("{{\"proto\":\"{proto}\",\"stream\":{stream},\"nodes\":[");
    if let Some(nodes) = f.nodes {
        for (i, n) in nodes.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "{{\"addr\":\"{}\",\"port\":{}}}", n.addr, n.port);
        }
    }
    let _ = write!(
        s,
        "],\"missing_bytes\":[{},{}],\"chunks\":[",
        f.missing[0], f.missing[1]
    );
    for (i, c) in f.chunks.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "\n{{\"from\":{},\"frame\":{},\"len\":{},\"hex\":\"",
            c.from,
            c.frame,
            c.data.len()
        );
        for b in &c.data {
            let _ = write!(s, "{b:02x}");
        }
        s.push_str("\"}");
    }
    s.push_str("\n]}\n");
    s
}
