//! Seed inputs for the fuzz targets (`fuzz/`) and the mutation tests, cut out
//! of real captures: frames per link type, IP packets, TCP options, DNS
//! messages, the payloads of TCP connections per application protocol, HPACK
//! header blocks, whole (or shortened) capture files and display filters.
//!
//! The captures are read where they are (the shared corpus, `samples/captures`);
//! nothing here is written into the repository. `fuzz-seeds` writes the seeds
//! into `fuzz/corpus/<target>/`, which is ignored by git.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use wirelens_capture::CaptureFile;
use wirelens_dissect::fuzz::{join_frames, join_hpack, join_stream};
use wirelens_dissect::LinkType;

/// Seeds kept per target at most.
pub const MAX_SEEDS_PER_TARGET: usize = 1500;
/// Records read per capture at most.
const MAX_RECORDS_PER_FILE: usize = 3000;
/// Frames or packets per seed of the multi-frame targets (wlan, ipv4, ipv6).
const FRAMES_PER_SEED: usize = 12;
/// Segments per seed of the stream targets.
const SEGMENTS_PER_SEED: usize = 48;
/// Capture files larger than this are cut after [`RECORDS_PER_CUT_FILE`] records.
const MAX_WHOLE_FILE: usize = 64 * 1024;
const RECORDS_PER_CUT_FILE: usize = 24;

/// Every fuzz target, in the order the docs list them.
pub const TARGETS: &[&str] = &[
    "ethernet",
    "sll",
    "wlan",
    "ipv4",
    "ipv6",
    "tcp_options",
    "dns",
    "tls_stream",
    "ssh_stream",
    "bgp_stream",
    "http2_stream",
    "hpack",
    "capture_file",
    "filter",
    "pipeline",
];

/// Seeds by target name.
#[derive(Default, Debug)]
pub struct Seeds {
    pub by_target: BTreeMap<&'static str, Vec<Vec<u8>>>,
    seen: HashSet<(&'static str, Vec<u8>)>,
}

impl Seeds {
    fn push(&mut self, target: &'static str, seed: Vec<u8>) {
        let list = self.by_target.entry(target).or_default();
        if seed.is_empty() || list.len() >= MAX_SEEDS_PER_TARGET {
            return;
        }
        if self.seen.insert((target, seed.clone())) {
            list.push(seed);
        }
    }

    /// The seeds of one target (empty when none were found).
    pub fn get(&self, target: &str) -> &[Vec<u8>] {
        self.by_target.get(target).map_or(&[], Vec::as_slice)
    }
}

/// Every `.pcap` and `.pcapng` under `dir`, sorted.
pub fn capture_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pcap" || x == "pcapng") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Collects the seeds of every target from the captures under `dirs`, and
/// the display filters in the first column of `filter_table` (a TSV file).
pub fn collect(dirs: &[&Path], filter_table: Option<&Path>) -> Seeds {
    let mut seeds = Seeds::default();
    for dir in dirs {
        for file in capture_files(dir) {
            if let Ok(bytes) = std::fs::read(&file) {
                from_capture(&mut seeds, &bytes);
            }
        }
    }
    if let Some(table) = filter_table.and_then(|p| std::fs::read_to_string(p).ok()) {
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            if let Some(expr) = line.split('\t').next() {
                seeds.push("filter", expr.as_bytes().to_vec());
            }
        }
    }
    seeds
}

/// A TCP connection's payloads in capture order, and its server port.
#[derive(Default)]
struct Connection {
    server_port: u16,
    payloads: Vec<(usize, Vec<u8>)>,
}

/// Seeds from one capture file's bytes.
pub fn from_capture(seeds: &mut Seeds, bytes: &[u8]) {
    let Ok(file) = CaptureFile::from_bytes(bytes.to_vec()) else {
        return;
    };
    let mut cut_at = None;
    let mut ipv4 = Vec::new();
    let mut ipv6 = Vec::new();
    let mut wlan: [Vec<Vec<u8>>; 2] = Default::default();
    let mut conns: HashMap<ConnKey, Connection> = HashMap::new();
    let mut order = Vec::new();
    for (i, frame) in file
        .packets()
        .take(MAX_RECORDS_PER_FILE)
        .map_while(Result::ok)
        .enumerate()
    {
        if i == RECORDS_PER_CUT_FILE {
            cut_at = Some(frame.file_offset as usize);
        }
        let data = frame.data;
        let l3 = match frame.link_type {
            LinkType::ETHERNET => {
                seeds.push("ethernet", data.to_vec());
                ethernet_payload(data)
            }
            LinkType::LINUX_SLL => {
                seeds.push("sll", [&[0u8][..], data].concat());
                data.get(16..).map(|p| (u16_at(data, 14), p))
            }
            LinkType::LINUX_SLL2 => {
                seeds.push("sll", [&[1u8][..], data].concat());
                data.get(20..).map(|p| (u16_at(data, 0), p))
            }
            LinkType::IEEE802_11_RADIOTAP => {
                wlan[0].push(data.to_vec());
                None
            }
            LinkType::IEEE802_11 => {
                wlan[1].push(data.to_vec());
                None
            }
            LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => match data.first() {
                Some(b) if b >> 4 == 4 => Some((0x0800, data)),
                Some(b) if b >> 4 == 6 => Some((0x86dd, data)),
                _ => None,
            },
            _ => None,
        };
        let Some((etype, packet)) = l3 else {
            continue;
        };
        let transport = match etype {
            0x0800 => {
                ipv4.push(packet.to_vec());
                ipv4_payload(packet)
            }
            0x86dd => {
                ipv6.push(packet.to_vec());
                ipv6_payload(packet)
            }
            _ => None,
        };
        match transport {
            Some((src, dst, 6, seg)) => tcp_seeds(seeds, &mut conns, &mut order, src, dst, seg),
            Some((_, _, 17, dgram)) => udp_seeds(seeds, dgram),
            _ => {}
        }
    }
    let whole = match cut_at {
        Some(at) if bytes.len() > MAX_WHOLE_FILE => &bytes[..at],
        _ => bytes,
    };
    seeds.push("capture_file", whole.to_vec());
    seeds.push("pipeline", whole.to_vec());
    for chunk in ipv4.chunks(FRAMES_PER_SEED) {
        seeds.push("ipv4", join_frames(chunk.iter().map(Vec::as_slice)));
    }
    for chunk in ipv6.chunks(FRAMES_PER_SEED) {
        seeds.push("ipv6", join_frames(chunk.iter().map(Vec::as_slice)));
    }
    for (which, frames) in wlan.iter().enumerate() {
        for chunk in frames.chunks(FRAMES_PER_SEED) {
            let mut seed = vec![which as u8];
            seed.extend(join_frames(chunk.iter().map(Vec::as_slice)));
            seeds.push("wlan", seed);
        }
    }
    for key in order {
        if let Some(conn) = conns.remove(&key) {
            connection_seeds(seeds, &conn);
        }
    }
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    data.get(at..at + 2)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
}

/// EtherType and payload of an Ethernet frame, past 802.1Q tags.
fn ethernet_payload(frame: &[u8]) -> Option<(u16, &[u8])> {
    let mut at = 12;
    let mut etype = u16_at(frame, at);
    while matches!(etype, 0x8100 | 0x88a8) {
        at += 4;
        etype = u16_at(frame, at);
    }
    frame.get(at + 2..).map(|p| (etype, p))
}

/// Source, destination (as 16 bytes), protocol and payload of an IP packet.
type IpPayload<'a> = (Addr, Addr, u8, &'a [u8]);
/// An IPv4 address in the first four bytes, or an IPv6 address.
type Addr = [u8; 16];
/// A TCP connection as its client sends: client address and port, server address and port.
type ConnKey = (Addr, u16, Addr, u16);

/// The [`IpPayload`] of an IPv4 packet.
fn ipv4_payload(p: &[u8]) -> Option<IpPayload<'_>> {
    let ihl = usize::from(p.first()? & 0x0f) * 4;
    let total = usize::from(u16_at(p, 2)).min(p.len());
    let frag = u16_at(p, 6) & 0x3fff;
    if ihl < 20 || total < ihl || frag != 0 {
        return None;
    }
    let mut src = [0; 16];
    let mut dst = [0; 16];
    src[..4].copy_from_slice(p.get(12..16)?);
    dst[..4].copy_from_slice(p.get(16..20)?);
    Some((src, dst, p[9], &p[ihl..total]))
}

/// Like [`ipv4_payload`] for IPv6 without extension headers.
fn ipv6_payload(p: &[u8]) -> Option<IpPayload<'_>> {
    let src: [u8; 16] = p.get(8..24)?.try_into().ok()?;
    let dst: [u8; 16] = p.get(24..40)?.try_into().ok()?;
    let len = usize::from(u16_at(p, 4));
    let payload = p.get(40..)?;
    Some((src, dst, p[6], &payload[..len.min(payload.len())]))
}

fn tcp_seeds(
    seeds: &mut Seeds,
    conns: &mut HashMap<ConnKey, Connection>,
    order: &mut Vec<ConnKey>,
    src: Addr,
    dst: Addr,
    seg: &[u8],
) {
    let (sport, dport) = (u16_at(seg, 0), u16_at(seg, 2));
    let Some(&off_byte) = seg.get(12) else {
        return;
    };
    let hdr = usize::from(off_byte >> 4) * 4;
    let Some(opts) = seg.get(20..hdr) else {
        return;
    };
    let payload = &seg[hdr..];
    let flags = seg.get(13).copied().unwrap_or(0);
    if !opts.is_empty() {
        let mut seed = vec![opts.len() as u8];
        seed.extend_from_slice(opts);
        seed.extend_from_slice(&payload[..payload.len().min(64)]);
        seeds.push("tcp_options", seed);
    }
    // A connection is keyed as its client sends: the SYN's sender, else the higher port.
    let forward = (src, sport, dst, dport);
    let backward = (dst, dport, src, sport);
    let (key, dir) = if conns.contains_key(&forward) {
        (forward, 0)
    } else if conns.contains_key(&backward) {
        (backward, 1)
    } else if flags & 0x12 == 0x12 || (flags & 0x02 == 0 && sport < dport) {
        order.push(backward);
        conns.insert(
            backward,
            Connection {
                server_port: sport,
                ..Connection::default()
            },
        );
        (backward, 1)
    } else {
        order.push(forward);
        conns.insert(
            forward,
            Connection {
                server_port: dport,
                ..Connection::default()
            },
        );
        (forward, 0)
    };
    if let Some(c) = conns.get_mut(&key) {
        if !payload.is_empty() && c.payloads.len() < SEGMENTS_PER_SEED * 4 {
            c.payloads.push((dir, payload.to_vec()));
        }
    }
}

fn udp_seeds(seeds: &mut Seeds, dgram: &[u8]) {
    let (sport, dport) = (u16_at(dgram, 0), u16_at(dgram, 2));
    let Some(payload) = dgram.get(8..) else {
        return;
    };
    let which = if sport == 53 || dport == 53 {
        0u8
    } else if sport == 5353 || dport == 5353 || sport == 5355 || dport == 5355 {
        1
    } else {
        return;
    };
    seeds.push("dns", [&[which][..], payload].concat());
}

/// Which stream target a connection seeds, by its server port and first payload.
fn stream_target(conn: &Connection) -> Option<&'static str> {
    let first = &conn.payloads.first()?.1;
    match conn.server_port {
        443 | 853 => return Some("tls_stream"),
        22 => return Some("ssh_stream"),
        179 => return Some("bgp_stream"),
        _ => {}
    }
    if first.starts_with(b"SSH-") {
        Some("ssh_stream")
    } else if first.starts_with(b"PRI * HTTP/2.0") {
        Some("http2_stream")
    } else if matches!(first.as_slice(), [22, 3, 0..=4, ..]) {
        Some("tls_stream")
    } else if conn.server_port == 53 {
        Some("dns")
    } else {
        None
    }
}

fn connection_seeds(seeds: &mut Seeds, conn: &Connection) {
    let Some(target) = stream_target(conn) else {
        return;
    };
    if target == "dns" {
        // DNS over TCP: the dns target's TCP mode adds the length prefix itself.
        for (_, p) in &conn.payloads {
            if let Some(msg) = p.get(2..) {
                seeds.push("dns", [&[0x80u8][..], msg].concat());
            }
        }
        return;
    }
    for chunk in conn.payloads.chunks(SEGMENTS_PER_SEED) {
        seeds.push(
            target,
            join_stream(chunk.iter().map(|(d, p)| (*d, p.as_slice()))),
        );
    }
    if target == "http2_stream" {
        hpack_seeds(seeds, conn);
    }
}

/// The header blocks of an HTTP/2 connection, per direction, as hpack seeds.
fn hpack_seeds(seeds: &mut Seeds, conn: &Connection) {
    for dir in 0..2 {
        let mut bytes: Vec<u8> = conn
            .payloads
            .iter()
            .filter(|(d, _)| *d == dir)
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        if bytes.starts_with(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") {
            bytes.drain(..24);
        }
        let mut fragments = Vec::new();
        let mut at = 0;
        while let Some(h) = bytes.get(at..at + 9) {
            let len = usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]);
            let (kind, flags) = (h[3], h[4]);
            let Some(body) = bytes.get(at + 9..at + 9 + len) else {
                break;
            };
            at += 9 + len;
            let block = match kind {
                1 => {
                    let pad = if flags & 0x08 != 0 {
                        usize::from(body.first().copied().unwrap_or(0)) + 1
                    } else {
                        0
                    };
                    let prio = if flags & 0x20 != 0 { 5 } else { 0 };
                    let start = usize::from(pad > 0) + prio;
                    body.get(start..body.len().saturating_sub(pad.saturating_sub(1)))
                }
                9 => Some(body),
                _ => None,
            };
            if let Some(b) = block {
                fragments.push((flags & 0x04 != 0, b.to_vec()));
            }
        }
        if !fragments.is_empty() {
            seeds.push(
                "hpack",
                join_hpack(0x10, fragments.iter().map(|(e, b)| (*e, b.as_slice()))),
            );
        }
    }
}
