//! Adversarial captures: inputs built to exhaust a table, a reassembly
//! buffer or a decoder, for the bounded-memory tests
//! (`tests/tests/robustness_adversarial.rs`) and `gen-adversarial`.
//!
//! Each case is deterministic. Frames are Ethernet + IPv4 with correct
//! checksums, so nothing is rejected early for a bad checksum.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use wirelens_capture::write::{PcapNgWriter, PcapWriter};
use wirelens_dissect::fuzz::{tcp_frame, udp_frame, Endpoint, TcpFrameSpec, ACK, PSH, SYN};
use wirelens_dissect::transport::checksum::checksum;
use wirelens_dissect::{LinkType, Timestamp};

/// The adversarial cases, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `n` SYNs, each opening a new half-open connection that never completes.
    SynFlood { n: u32 },
    /// `n` first fragments of IPv4 datagrams whose other fragments never come.
    Fragments { n: u32 },
    /// `connections` TLS connections, each sending `segments` segments of
    /// 1400 bytes with a one-byte hole before every one, so nothing can be
    /// delivered and everything would be held.
    Holes { connections: u32, segments: u32 },
    /// An HTTP/2 connection whose header blocks refer, thousands of times
    /// each, to one 4000-byte dynamic-table entry (a few bytes in, megabytes
    /// decoded), `blocks` times.
    HpackBomb { blocks: u32 },
    /// DNS responses whose names loop through compression pointers (a
    /// pointer to itself, two pointers to each other, long chains), `n` of them.
    DnsLoops { n: u32 },
    /// A pcapng file of a few packets, then a block claiming to be 4 GiB long.
    HugeBlock,
}

impl Case {
    /// Writes the case's capture to `path`; returns the number of records written.
    pub fn write(self, path: &Path) -> io::Result<u64> {
        let out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        match self {
            Case::SynFlood { n } => pcap(out, (0..n).map(syn)),
            Case::Fragments { n } => pcap(out, (0..n).map(fragment)),
            Case::Holes {
                connections,
                segments,
            } => pcap(out, holes(connections, segments)),
            Case::HpackBomb { blocks } => pcap(out, hpack_bomb(blocks)),
            Case::DnsLoops { n } => pcap(out, (0..n).map(dns_loop)),
            Case::HugeBlock => huge_block(out),
        }
    }
}

fn pcap<W: Write>(out: W, frames: impl Iterator<Item = Vec<u8>>) -> io::Result<u64> {
    let mut w = PcapWriter::new(out, LinkType::ETHERNET, 262_144, false)?;
    let mut n = 0u64;
    for f in frames {
        // A thousand frames a second: 1 million of them span 17 minutes.
        let ts = Timestamp::new(1_700_000_000 + (n / 1000) as i64, (n % 1000) * 1_000_000);
        w.write_packet(ts, &f, f.len() as u32)?;
        n += 1;
    }
    w.finish()?.flush()?;
    Ok(n)
}

/// The `i`th of many distinct clients.
fn client(i: u32) -> Endpoint {
    Endpoint {
        mac: [0x02, 0, 0, 0, 0, 1],
        ip: [10, (i >> 16) as u8, (i >> 8) as u8, i as u8],
        port: 1024 + (i % 60_000) as u16,
    }
}

const SERVER: Endpoint = Endpoint {
    mac: [0x02, 0, 0, 0, 0, 2],
    ip: [192, 0, 2, 1],
    port: 80,
};

fn syn(i: u32) -> Vec<u8> {
    tcp_frame(&TcpFrameSpec {
        src: client(i),
        dst: SERVER,
        seq: i.wrapping_mul(2_654_435_761),
        ack: 0,
        flags: SYN,
        options: &[2, 4, 5, 0xb4],
        payload: &[],
    })
}

/// A first fragment (offset 0, more fragments) of a UDP datagram: 8 bytes of
/// UDP header and 24 of payload, from a distinct source and ID each time.
fn fragment(i: u32) -> Vec<u8> {
    let c = client(i);
    let mut ip = vec![0x45, 0, 0, 52];
    ip.extend((i as u16).to_be_bytes());
    ip.extend([0x20, 0x00, 64, 17, 0, 0]);
    ip.extend(c.ip);
    ip.extend(SERVER.ip);
    let sum = checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    let mut f = Vec::with_capacity(66);
    f.extend(SERVER.mac);
    f.extend(c.mac);
    f.extend([0x08, 0x00]);
    f.extend(ip);
    f.extend(c.port.to_be_bytes());
    f.extend(53u16.to_be_bytes());
    f.extend([0, 64, 0, 0]);
    f.extend([0xab; 24]);
    f
}

/// Handshakes, then segments that each leave a one-byte hole, round-robin over the connections.
fn holes(connections: u32, segments: u32) -> impl Iterator<Item = Vec<u8>> {
    let server = Endpoint {
        port: 443,
        ..SERVER
    };
    let isn = 1000u32;
    let handshakes = (0..connections).flat_map(move |c| {
        let cl = client(c);
        [
            tcp_frame(&spec(cl, server, isn - 1, 0, SYN, &[])),
            tcp_frame(&spec(server, cl, 9999, isn, SYN | ACK, &[])),
            tcp_frame(&spec(cl, server, isn, 10_000, ACK, &[])),
        ]
    });
    // A TLS record header claiming 16 KiB, so the stream wants more bytes.
    let mut chunk = vec![0x17, 0x03, 0x03, 0x40, 0x00];
    chunk.resize(1400, 0x5a);
    let data = (0..segments).flat_map(move |k| {
        let chunk = chunk.clone();
        (0..connections).map(move |c| {
            let seq = isn + 1 + k * 1401;
            tcp_frame(&spec(client(c), server, seq, 10_000, ACK | PSH, &chunk))
        })
    });
    handshakes.chain(data)
}

fn spec<'a>(
    src: Endpoint,
    dst: Endpoint,
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &'a [u8],
) -> TcpFrameSpec<'a> {
    TcpFrameSpec {
        src,
        dst,
        seq,
        ack,
        flags,
        options: &[],
        payload,
    }
}

/// HTTP/2 (port 8000, configured as HTTP/2 by no preference: the preface
/// starts the connection) with header blocks that decode to megabytes.
fn hpack_bomb(blocks: u32) -> impl Iterator<Item = Vec<u8>> {
    let cl = client(1);
    let server = Endpoint {
        port: 8000,
        ..SERVER
    };
    let isn = 1000u32;
    let mut first = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // SETTINGS (empty), then HEADERS on stream 1 adding one 4000-byte
    // header "x: aaaa..." to the dynamic table (literal with incremental
    // indexing, new name), end of headers.
    first.extend(h2_frame(4, 0, 0, &[]));
    let value_len = 4000usize;
    let mut block = vec![0x40, 0x01, b'x', 0x7f];
    // The value length as an HPACK integer: 127 in the prefix, then 7 bits a byte.
    let mut rest = value_len - 127;
    while rest >= 128 {
        block.push((rest % 128) as u8 | 0x80);
        rest /= 128;
    }
    block.push(rest as u8);
    block.extend(std::iter::repeat_n(b'a', value_len));
    first.extend(h2_frame(1, 0x05, 1, &block));
    // Each later block: 16000 references to dynamic entry 62 (0xbe), 64 MB decoded.
    let bomb = vec![0xbe; 16_000];
    let frames = (0..blocks).map(move |b| h2_frame(1, 0x05, 3 + 2 * b, &bomb));
    let mut seq = isn;
    let handshake = [
        tcp_frame(&spec(cl, server, isn - 1, 0, SYN, &[])),
        tcp_frame(&spec(server, cl, 9999, isn, SYN | ACK, &[])),
        tcp_frame(&spec(cl, server, isn, 10_000, ACK, &[])),
    ];
    let payloads = std::iter::once(first).chain(frames);
    let data = payloads.map(move |p| {
        let f = tcp_frame(&spec(cl, server, seq, 10_000, ACK | PSH, &p));
        seq = seq.wrapping_add(p.len() as u32);
        f
    });
    handshake.into_iter().chain(data)
}

fn h2_frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = len.to_be_bytes()[1..].to_vec();
    f.extend([kind, flags]);
    f.extend(stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A DNS response from port 53 whose answer names loop (the loop chosen by `i`).
fn dns_loop(i: u32) -> Vec<u8> {
    // Header: id, response, 1 question, 3 answers.
    let mut m = vec![(i >> 8) as u8, i as u8, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0];
    // Question at 12: a pointer to itself.
    m.extend([0xc0, 12, 0, 1, 0, 1]);
    // Answer 1 (at 18): label "a" then a pointer to 18 (back to its own start).
    m.extend([1, b'a', 0xc0, 18]);
    m.extend([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    // Answers 2 and 3: two pointers to each other.
    let a2 = m.len();
    let a3 = a2 + 16;
    m.extend([0xc0, a3 as u8, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 2]);
    m.extend([0xc0, a2 as u8, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 3]);
    // A long chain of backward pointers, each to the one before it.
    let chain_start = m.len();
    m.extend([1, b'z', 0]);
    for k in 0..(i % 200) as usize {
        let prev = chain_start + if k == 0 { 0 } else { 3 + (k - 1) * 2 };
        m.extend([0xc0 | (prev >> 8) as u8, prev as u8]);
    }
    let server = Endpoint { port: 53, ..SERVER };
    udp_frame(server, client(i), &m)
}

/// Three packets, then an Enhanced Packet Block whose length field says 4 GiB
/// (0xfffffffc) although the file ends a few bytes later.
fn huge_block<W: Write>(out: W) -> io::Result<u64> {
    let mut w = PcapNgWriter::new(out)?;
    w.add_interface(LinkType::ETHERNET, 262_144, None, false)?;
    for i in 0..3 {
        let f = syn(i);
        w.write_packet(
            0,
            Timestamp::new(1_700_000_000 + i64::from(i), 0),
            &f,
            f.len() as u32,
            None,
        )?;
    }
    let mut out = w.finish()?;
    out.write_all(&6u32.to_le_bytes())?;
    out.write_all(&0xffff_fffcu32.to_le_bytes())?;
    out.write_all(&[0u8; 64])?;
    out.flush()?;
    Ok(3)
}
