//! Entry points for fuzzing (`fuzz/`, cargo-fuzz) and for the mutation tests
//! of the stable test suite (`tests/tests/robustness_*.rs`). Compiled with the
//! `fuzz` feature only.
//!
//! Each entry point takes arbitrary bytes, wraps them in the frames the
//! dissector under test expects (so they go through the real link-type
//! dispatch, TCP stream reassembly and per-connection state), dissects them
//! as one capture on both speeds and renders every per-packet view: the
//! summary line, the text tree and the JSON object. A panic, a hang or
//! unbounded memory anywhere in there is a bug.

use crate::export::{json, text};
use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::{Dissector, FrameMeta, Prefs};

/// Most frames one input is cut into, so that an input's cost stays
/// proportional to its length.
pub const MAX_FRAMES_PER_INPUT: usize = 256;

/// Preferences for fuzzing: every checksum verified, so the verification
/// code runs too (under `cfg(fuzzing)` a bad checksum no longer stops
/// IPv4 reassembly, see `net::ipv4`), HTTP/2 on port 8000 without preface.
pub fn prefs() -> Prefs {
    Prefs {
        http2_tcp_ports: vec![HTTP2_PORT],
        ..Prefs::default()
    }
}

/// Dissects `frames` as one capture of link type `link`, twice: with the
/// full tree and every view rendered, and on the summary-only fast path as
/// the packet list does. Returns the tree-pass dissector, whose state the
/// caller may inspect further (flows, conversations).
pub fn capture(link: LinkType, frames: &[&[u8]]) -> Dissector {
    let mut fast = Dissector::new(prefs());
    let mut full = Dissector::new(prefs());
    let mut pkt = Packet::new(true);
    let mut quick = Packet::new(false);
    let mut out = String::new();
    let first = Timestamp::new(1_000_000_000, 0);
    for (i, data) in frames.iter().enumerate() {
        let ts = Timestamp::new(1_000_000_000 + i as i64, 0);
        let meta = FrameMeta::new(i as u64 + 1, ts, data.len() as u32, link);
        full.dissect(&meta, data, &mut pkt);
        render(&mut out, &meta, &pkt, data, first);
        fast.dissect(&meta, data, &mut quick);
        out.clear();
        text::summary_line(&mut out, &meta, ts.since(first), &quick);
    }
    full
}

/// Renders every per-packet view of a dissected packet into `out`.
pub fn render(out: &mut String, meta: &FrameMeta<'_>, pkt: &Packet, data: &[u8], first: Timestamp) {
    out.clear();
    text::summary_line(out, meta, meta.ts.since(first), pkt);
    text::tree(out, pkt, data);
    json::render_packet(out, meta, pkt, data);
    for source in &pkt.sources {
        text::hex_dump(out, &source.bytes);
    }
}

/// Cuts `data` into frames: each starts with its length (two bytes, big
/// endian; the rest of the input when that runs past the end). One-frame
/// fuzzers use the whole input; this lets stateful ones see a capture.
pub fn split_frames(mut data: &[u8]) -> Vec<&[u8]> {
    let mut frames = Vec::new();
    while let Some((len, rest)) = take_len(data) {
        if frames.len() == MAX_FRAMES_PER_INPUT {
            break;
        }
        let n = len.min(rest.len());
        frames.push(&rest[..n]);
        data = &rest[n..];
    }
    frames
}

/// The inverse of [`split_frames`], for seeds.
pub fn join_frames<'a>(frames: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for f in frames {
        let f = &f[..f.len().min(0xffff)];
        out.extend((f.len() as u16).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// A two-byte big-endian length and what follows it.
fn take_len(data: &[u8]) -> Option<(usize, &[u8])> {
    match data {
        [hi, lo, rest @ ..] => Some((usize::from(u16::from_be_bytes([*hi, *lo])), rest)),
        _ => None,
    }
}

/// One Ethernet frame.
pub fn ethernet(data: &[u8]) {
    capture(LinkType::ETHERNET, &[data]);
}

/// One Linux cooked-capture frame; the first byte chooses SLL (even) or SLL2 (odd).
pub fn sll(data: &[u8]) {
    let Some((&which, frame)) = data.split_first() else {
        return;
    };
    let link = if which & 1 == 0 {
        LinkType::LINUX_SLL
    } else {
        LinkType::LINUX_SLL2
    };
    capture(link, &[frame]);
}

/// Several 802.11 frames (length-prefixed, see [`split_frames`]) as one
/// capture, behind radiotap (first byte even) or bare (odd), so BSS and
/// station state is exercised too.
pub fn wlan(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let link = if which & 1 == 0 {
        LinkType::IEEE802_11_RADIOTAP
    } else {
        LinkType::IEEE802_11
    };
    capture(link, &split_frames(rest));
}

/// Several raw IPv4 packets as one capture (fragments meet in reassembly).
pub fn ipv4(data: &[u8]) {
    capture(LinkType::IPV4, &split_frames(data));
}

/// Several raw IPv6 packets as one capture (extension headers, fragments).
pub fn ipv6(data: &[u8]) {
    capture(LinkType::IPV6, &split_frames(data));
}

/// A TCP segment whose options are the input's first bytes (up to 40, padded
/// with zeros to a multiple of four) and whose payload is the rest.
pub fn tcp_options(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 41).min(rest.len());
    let (opts, payload) = rest.split_at(n);
    let mut seg = Vec::with_capacity(40 + payload.len());
    seg.extend_from_slice(opts);
    seg.resize(n.div_ceil(4) * 4, 0);
    let frame = tcp_frame(&TcpFrameSpec {
        src: CLIENT,
        dst: Endpoint {
            port: 5001,
            ..SERVER
        },
        seq: 1,
        ack: 1,
        flags: SYN,
        options: &seg,
        payload,
    });
    capture(LinkType::ETHERNET, &[&frame]);
}

/// A DNS message over UDP (first byte even: port 53, odd: mDNS on 5353),
/// or with its TCP framing when the first byte is 0x80 or more.
pub fn dns(data: &[u8]) {
    let Some((&which, msg)) = data.split_first() else {
        return;
    };
    if which >= 0x80 {
        let mut framed = (msg.len().min(0xffff) as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(msg);
        // Twice, so the second message finds the first one's transaction.
        framed.extend_from_slice(&framed.clone());
        tcp_conversation(53, &[(0, &framed)]);
        return;
    }
    let port = if which & 1 == 0 { 53 } else { 5353 };
    let query = udp_frame(CLIENT, Endpoint { port, ..SERVER }, msg);
    let answer = udp_frame(Endpoint { port, ..SERVER }, CLIENT, msg);
    capture(LinkType::ETHERNET, &[&query, &answer]);
}

/// The TLS records of one connection, cut into segments (see [`stream`]).
pub fn tls_stream(data: &[u8]) {
    stream(443, data);
}

/// An SSH connection's bytes, cut into segments (see [`stream`]).
pub fn ssh_stream(data: &[u8]) {
    stream(22, data);
}

/// A BGP session's bytes, cut into segments (see [`stream`]).
pub fn bgp_stream(data: &[u8]) {
    stream(179, data);
}

/// An HTTP/2 connection's bytes (no preface needed), cut into segments (see [`stream`]).
pub fn http2_stream(data: &[u8]) {
    stream(HTTP2_PORT, data);
}

/// HPACK header blocks straight into one decoder. The first byte sets the
/// table size the peer allows (times 256); then fragments, each a control
/// byte (bit 0: it ends its header block) and a two-byte length.
pub fn hpack(data: &[u8]) {
    use crate::app::http2::hpack::HpackDecoder;
    let Some((&size, mut at)) = data.split_first() else {
        return;
    };
    let mut decoder = HpackDecoder::default();
    decoder.set_max_allowed(u32::from(size) << 8);
    let mut frame = 1;
    while let Some((&ctrl, rest)) = at.split_first() {
        let Some((len, tail)) = take_len(rest) else {
            break;
        };
        let n = len.min(tail.len());
        let _ = decoder.fragment(&tail[..n], ctrl & 1 == 1, frame);
        at = &tail[n..];
        frame += 1;
    }
}

/// The input [`hpack`] takes: header block fragments, each `(ends_block, bytes)`.
pub fn join_hpack<'a>(
    max_allowed: u8,
    fragments: impl IntoIterator<Item = (bool, &'a [u8])>,
) -> Vec<u8> {
    let mut out = vec![max_allowed];
    for (end, f) in fragments {
        out.push(u8::from(end));
        let f = &f[..f.len().min(0xffff)];
        out.extend((f.len() as u16).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Stream fuzzing: the bytes of one TCP connection to `server_port`, cut into
/// segments. Each segment starts with a control byte:
///
/// - bit 0: direction (0 client to server, 1 server to client);
/// - bits 1-2: 0 or 3 in sequence, 1 skip ahead by the next byte's value
///   (a hole), 2 go back by the next byte's value (a retransmission or overlap);
/// - bit 3: FIN;
///
/// then a two-byte length and the payload. The three-way handshake comes
/// first, so the connection is tracked from its start as in a real capture.
pub fn stream(server_port: u16, data: &[u8]) {
    tcp_connection(server_port, &split_stream(data));
}

/// The segments of a [`stream`] input.
pub fn split_stream(data: &[u8]) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut at = data;
    while let [ctrl, rest @ ..] = at {
        if segments.len() == MAX_FRAMES_PER_INPUT {
            break;
        }
        let mut rest = rest;
        let mut shift: i64 = 0;
        let mode = (ctrl >> 1) & 3;
        if mode == 1 || mode == 2 {
            let Some((&by, r)) = rest.split_first() else {
                break;
            };
            shift = if mode == 1 {
                i64::from(by)
            } else {
                -i64::from(by)
            };
            rest = r;
        }
        let Some((len, r)) = take_len(rest) else {
            break;
        };
        let n = len.min(r.len());
        segments.push(Segment {
            dir: usize::from(ctrl & 1),
            shift,
            fin: ctrl & 8 != 0,
            payload: &r[..n],
        });
        at = &r[n..];
    }
    segments
}

/// The input [`stream`] takes for in-order payloads, each `(direction, bytes)`.
pub fn join_stream<'a>(payloads: impl IntoIterator<Item = (usize, &'a [u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (dir, p) in payloads {
        out.push((dir & 1) as u8);
        let p = &p[..p.len().min(0xffff)];
        out.extend((p.len() as u16).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// One segment of a fuzzed connection.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub dir: usize,
    /// Added to the sequence number before sending (holes, overlaps).
    pub shift: i64,
    pub fin: bool,
    pub payload: &'a [u8],
}

/// A whole connection to `server_port` carrying `payloads` in order (each
/// `(direction, bytes)`), in sequence.
pub fn tcp_conversation(server_port: u16, payloads: &[(usize, &[u8])]) {
    let segments: Vec<Segment<'_>> = payloads
        .iter()
        .map(|&(dir, payload)| Segment {
            dir,
            shift: 0,
            fin: false,
            payload,
        })
        .collect();
    tcp_connection(server_port, &segments);
}

/// The frames of a TCP connection: handshake, then `segments`, each
/// acknowledging what the other side sent.
pub fn tcp_connection_frames(server_port: u16, segments: &[Segment<'_>]) -> Vec<Vec<u8>> {
    let server = Endpoint {
        port: server_port,
        ..SERVER
    };
    let ends = [CLIENT, server];
    let mut next = [1000u32, 5000u32];
    let mut frames = Vec::with_capacity(segments.len() + 3);
    let mut send = |dir: usize, seq: u32, ack: u32, flags: u8, payload: &[u8]| {
        frames.push(tcp_frame(&TcpFrameSpec {
            src: ends[dir],
            dst: ends[1 - dir],
            seq,
            ack,
            flags,
            options: &[],
            payload,
        }));
    };
    send(0, next[0] - 1, 0, SYN, &[]);
    send(1, next[1] - 1, next[0], SYN | ACK, &[]);
    send(0, next[0], next[1], ACK, &[]);
    for s in segments {
        let dir = s.dir & 1;
        let seq = (i64::from(next[dir]) + s.shift) as u32;
        let flags = ACK | PSH | if s.fin { FIN } else { 0 };
        send(dir, seq, next[1 - dir], flags, s.payload);
        next[dir] = seq
            .wrapping_add(s.payload.len() as u32)
            .wrapping_add(u32::from(s.fin));
    }
    frames
}

fn tcp_connection(server_port: u16, segments: &[Segment<'_>]) {
    let frames = tcp_connection_frames(server_port, segments);
    let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
    capture(LinkType::ETHERNET, &refs);
}

/// The port HTTP/2 is configured on in [`prefs`].
pub const HTTP2_PORT: u16 = 8000;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// One end of a synthetic connection.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub mac: [u8; 6],
    pub ip: [u8; 4],
    pub port: u16,
}

pub const CLIENT: Endpoint = Endpoint {
    mac: [0x02, 0, 0, 0, 0, 1],
    ip: [10, 0, 0, 1],
    port: 40000,
};

pub const SERVER: Endpoint = Endpoint {
    mac: [0x02, 0, 0, 0, 0, 2],
    ip: [10, 0, 0, 2],
    port: 80,
};

/// What [`tcp_frame`] builds.
#[derive(Clone, Copy, Debug)]
pub struct TcpFrameSpec<'a> {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    /// TCP options, a multiple of four bytes, at most 40.
    pub options: &'a [u8],
    pub payload: &'a [u8],
}

/// An Ethernet + IPv4 + TCP frame with correct IPv4 and TCP checksums.
pub fn tcp_frame(s: &TcpFrameSpec<'_>) -> Vec<u8> {
    let opts = &s.options[..s.options.len().min(40) / 4 * 4];
    let mut tcp = Vec::with_capacity(20 + opts.len() + s.payload.len());
    tcp.extend(s.src.port.to_be_bytes());
    tcp.extend(s.dst.port.to_be_bytes());
    tcp.extend(s.seq.to_be_bytes());
    tcp.extend(s.ack.to_be_bytes());
    let words = (5 + opts.len() / 4) as u8;
    tcp.extend([words << 4, s.flags, 0xff, 0xff, 0, 0, 0, 0]);
    tcp.extend_from_slice(opts);
    tcp.extend_from_slice(s.payload);
    ipv4_frame(s.src, s.dst, 6, tcp, 16)
}

/// An Ethernet + IPv4 + UDP frame with correct checksums.
pub fn udp_frame(src: Endpoint, dst: Endpoint, payload: &[u8]) -> Vec<u8> {
    let len = (8 + payload.len()).min(0xffff) as u16;
    let mut udp = Vec::with_capacity(8 + payload.len());
    udp.extend(src.port.to_be_bytes());
    udp.extend(dst.port.to_be_bytes());
    udp.extend(len.to_be_bytes());
    udp.extend([0, 0]);
    udp.extend_from_slice(payload);
    ipv4_frame(src, dst, 17, udp, 6)
}

/// Ethernet and IPv4 headers in front of a transport segment whose checksum
/// field is at `checksum_at` (zero there); fills in both checksums.
fn ipv4_frame(
    src: Endpoint,
    dst: Endpoint,
    proto: u8,
    mut seg: Vec<u8>,
    checksum_at: usize,
) -> Vec<u8> {
    use crate::model::Address;
    use crate::transport::checksum;
    let seg_len = seg.len().min(0xffff - 20);
    seg.truncate(seg_len);
    if let Some(pseudo) = checksum::pseudo_header(
        &Address::Ipv4(src.ip),
        &Address::Ipv4(dst.ip),
        proto,
        seg_len as u32,
    ) {
        let sum = checksum::finish(checksum::sum(pseudo, &seg));
        seg[checksum_at..checksum_at + 2].copy_from_slice(&sum.to_be_bytes());
    }
    let mut f = Vec::with_capacity(34 + seg.len());
    f.extend(dst.mac);
    f.extend(src.mac);
    f.extend([0x08, 0x00]);
    let mut ip = vec![0x45, 0];
    ip.extend(((20 + seg_len) as u16).to_be_bytes());
    ip.extend([0, 1, 0x40, 0, 64, proto, 0, 0]);
    ip.extend(src.ip);
    ip.extend(dst.ip);
    let sum = checksum::checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    f.extend(ip);
    f.extend(seg);
    f
}
