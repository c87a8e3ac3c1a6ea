//! The recorded captures are what the README says: readable pcap files with
//! the stated packet counts and valid checksums, and their side files agree
//! with the packets.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::{self, Ipv4Packet};
use pnet_packet::tcp::{self, TcpPacket};
use pnet_packet::udp::{self, UdpPacket};
use pnet_packet::Packet;

fn capture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The frames of a little-endian pcap file, microsecond or nanosecond.
fn frames(file: &[u8]) -> Vec<&[u8]> {
    let magic = u32::from_le_bytes(file[..4].try_into().unwrap());
    assert!(
        magic == 0xa1b2_c3d4 || magic == 0xa1b2_3c4d,
        "pcap magic {magic:#x}"
    );
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    let mut out = Vec::new();
    let mut at = 24;
    while at < file.len() {
        let caplen = u32_at(at + 8);
        out.push(&file[at + 16..at + 16 + caplen]);
        at += 16 + caplen;
    }
    assert_eq!(at, file.len());
    out
}

/// IPv4 frames: header checksum and TCP/UDP checksums must hold.
fn assert_ipv4_checksums(frames: &[&[u8]]) {
    for (n, frame) in frames.iter().enumerate() {
        let eth = EthernetPacket::new(frame).unwrap();
        if eth.get_ethertype() != EtherTypes::Ipv4 {
            continue;
        }
        let ip = Ipv4Packet::new(eth.payload()).unwrap();
        assert_eq!(ipv4::checksum(&ip), ip.get_checksum(), "frame {n}: IPv4");
        let (src, dst) = (ip.get_source(), ip.get_destination());
        match ip.get_next_level_protocol() {
            IpNextHeaderProtocols::Tcp => {
                let seg = TcpPacket::new(ip.payload()).unwrap();
                assert_eq!(
                    tcp::ipv4_checksum(&seg, &src, &dst),
                    seg.get_checksum(),
                    "frame {n}: TCP"
                );
            }
            IpNextHeaderProtocols::Udp => {
                let dgram = UdpPacket::new(ip.payload()).unwrap();
                assert_eq!(
                    udp::ipv4_checksum(&dgram, &src, &dst),
                    dgram.get_checksum(),
                    "frame {n}: UDP"
                );
            }
            _ => {}
        }
    }
}

#[test]
fn packet_counts_match_the_readme() {
    for (name, count) in [
        ("http_get.pcap", 52),
        ("dns_lookup.pcap", 24),
        ("icmp_ping.pcap", 20),
        ("h2c_session.pcap", 89),
    ] {
        let file = capture(name);
        let frames = frames(&file);
        assert_eq!(frames.len(), count, "{name}");
        assert_ipv4_checksums(&frames);
    }
    let ng = capture("dns_lookup.pcapng");
    assert_eq!(&ng[..4], &0x0a0d_0d0au32.to_le_bytes());
}

#[test]
fn http_get_carries_the_body_curl_received() {
    let file = capture("http_get.pcap");
    // Server-to-client payload of the first connection, in sequence order.
    let mut segments: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut client_port = None;
    for frame in frames(&file) {
        let eth = EthernetPacket::new(frame).unwrap();
        if eth.get_ethertype() != EtherTypes::Ipv4 {
            continue;
        }
        let ip = Ipv4Packet::new(eth.payload()).unwrap();
        let seg = TcpPacket::new(ip.payload()).unwrap();
        if seg.get_source() != 8000 || seg.payload().is_empty() {
            continue;
        }
        if *client_port.get_or_insert(seg.get_destination()) == seg.get_destination() {
            segments.push((seg.get_sequence(), seg.payload().to_vec()));
        }
    }
    segments.sort_by_key(|s| s.0);
    segments.dedup_by_key(|s| s.0);
    let mut stream = Vec::new();
    for (i, (seq, data)) in segments.iter().enumerate() {
        if i > 0 {
            let (prev_seq, prev) = &segments[i - 1];
            assert_eq!(
                prev_seq.wrapping_add(prev.len() as u32),
                *seq,
                "a gap in the response"
            );
        }
        stream.extend_from_slice(data);
    }
    let body = capture("http_get.body");
    assert_eq!(body.len(), 20_480);
    let text = String::from_utf8_lossy(&stream);
    assert!(text.starts_with("HTTP/1.0 200 OK\r\n"));
    assert!(text.contains("Content-Length: 20480\r\n"));
    assert!(stream.ends_with(&body));
}

#[test]
fn dns_answers_side_file_lists_every_query() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/dns_lookup.answers.txt");
    let answers = std::fs::read_to_string(path).unwrap();
    assert_eq!(answers.lines().count(), 7);
    assert!(answers.contains("AAAA host.wirelens.test notcp: fd00:99::81"));
    assert!(answers.contains("A host.wirelens.test tcp: 10.99.0.81"));
}

/// Client randoms of the ClientHellos the client sent (to `server_port`),
/// as lower-case hex. Each ClientHello here fits in one segment, possibly
/// behind a ChangeCipherSpec record (after a HelloRetryRequest).
fn client_randoms(frames: &[&[u8]], server_port: u16) -> Vec<String> {
    let mut randoms = Vec::new();
    for frame in frames {
        let eth = EthernetPacket::new(frame).unwrap();
        if eth.get_ethertype() != EtherTypes::Ipv4 {
            continue;
        }
        let ip = Ipv4Packet::new(eth.payload()).unwrap();
        let seg = TcpPacket::new(ip.payload()).unwrap();
        if seg.get_destination() != server_port {
            continue;
        }
        let mut records = seg.payload();
        while records.len() >= 5 && (0x14..=0x17).contains(&records[0]) {
            let len = u16::from_be_bytes([records[3], records[4]]) as usize;
            let Some(body) = records.get(5..5 + len) else {
                break;
            };
            if records[0] == 0x16 && body.first() == Some(&1) && body.len() >= 38 {
                randoms.push(body[6..38].iter().map(|b| format!("{b:02x}")).collect());
            }
            records = &records[5 + len..];
        }
    }
    randoms
}

/// The text the recorder serves: numbered lines, cut to `len` bytes.
fn served_text(len: usize) -> Vec<u8> {
    let text: String = (0..800)
        .map(|i| format!("line {i:04}: the quick brown fox jumps over the lazy dog\n"))
        .collect();
    text.as_bytes()[..len].to_vec()
}

#[test]
fn tls_captures_have_a_key_for_every_client_hello() {
    for (name, port, count, hellos) in [
        ("tls13_h2", 443, 68, 2), // the second ClientHello answers a HelloRetryRequest
        ("tls13_http11", 443, 103, 3),
        ("tls12_aead", 443, 99, 3),
        ("tls12_cbc", 443, 99, 3),
        ("tls12_resume", 443, 132, 4),
        ("tls13_keyupdate", 4433, 36, 1),
        ("tls13_early_data", 4433, 43, 2),
    ] {
        let file = capture(&format!("tls/{name}.pcap"));
        let frames = frames(&file);
        assert_eq!(frames.len(), count, "{name}");
        assert_ipv4_checksums(&frames);
        let randoms = client_randoms(&frames, port);
        assert_eq!(randoms.len(), hellos, "{name}");
        let keys = String::from_utf8(capture(&format!("tls/{name}.keys"))).unwrap();
        for random in randoms {
            assert!(
                keys.lines().any(|l| l.split(' ').nth(1) == Some(&random)),
                "{name}: no key log line for client random {random}"
            );
        }
    }
}

#[test]
fn tls_bodies_are_the_served_files() {
    let medium = served_text(18_000);
    for body in [
        "tls13_http11.TLS_AES_128_GCM_SHA256",
        "tls13_http11.TLS_AES_256_GCM_SHA384",
        "tls13_http11.TLS_CHACHA20_POLY1305_SHA256",
        "tls12_aead.ECDHE-RSA-AES128-GCM-SHA256",
        "tls12_aead.ECDHE-RSA-AES256-GCM-SHA384",
        "tls12_aead.ECDHE-RSA-CHACHA20-POLY1305",
        "tls12_cbc.ECDHE-RSA-AES128-SHA256-etm",
        "tls12_cbc.ECDHE-RSA-AES128-SHA256-noetm",
        "tls12_cbc.AES256-SHA",
        "tls12_resume.session-id.full",
        "tls12_resume.session-id.resumed",
    ] {
        assert!(capture(&format!("tls/{body}.body")) == medium, "{body}");
    }
    for run in ["full", "resumed"] {
        let response = capture(&format!("tls/tls12_resume.ticket.{run}.response"));
        assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"), "{run}");
        assert!(response.ends_with(&medium), "{run}");
        assert_eq!(response.len(), 18_087, "{run}");
    }
    assert!(capture("tls/tls13_h2.page.body") == served_text(40_960));
    assert_eq!(capture("tls/tls13_h2.hello.body"), b"hello from wirelens\n");
    assert_eq!(capture("tls/tls13_h2.post.body"), b"hello from wirelens\n");
    assert_eq!(capture("tls/tls13_h2.post.sent").len(), 3000);
}

#[test]
fn tls_bad_key_logs_differ_only_in_the_secrets() {
    for name in ["tls13_h2", "tls12_aead"] {
        let good = String::from_utf8(capture(&format!("tls/{name}.keys"))).unwrap();
        let bad = String::from_utf8(capture(&format!("tls/{name}.badkeys"))).unwrap();
        assert_eq!(good.lines().count(), bad.lines().count(), "{name}");
        for (g, b) in good.lines().zip(bad.lines()) {
            if g.starts_with('#') {
                assert_eq!(g, b);
                continue;
            }
            let (g, b): (Vec<_>, Vec<_>) = (g.split(' ').collect(), b.split(' ').collect());
            assert_eq!(g[..2], b[..2], "{name}: label and client random kept");
            assert_eq!(g[2].len(), b[2].len());
            assert!(
                g[2].bytes().zip(b[2].bytes()).all(|(x, y)| x != y),
                "{name}"
            );
        }
    }
}

#[test]
fn tls_pcapng_embeds_the_key_log_in_a_decryption_secrets_block() {
    let file = capture("tls/tls13_http11.dsb.pcapng");
    let keys = capture("tls/tls13_http11.keys");
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(0), 0x0a0d_0d0a);
    let (mut at, mut secrets, mut packets) = (0, Vec::new(), 0);
    while at < file.len() {
        let (kind, len) = (u32_at(at), u32_at(at + 4) as usize);
        match kind {
            // Decryption Secrets Block: secrets type "TLSK", length, data.
            0x0000_000a => {
                assert_eq!(u32_at(at + 8), 0x544c_534b);
                let n = u32_at(at + 12) as usize;
                secrets.push(file[at + 16..at + 16 + n].to_vec());
            }
            0x0000_0006 => packets += 1,
            _ => {}
        }
        at += len;
    }
    assert_eq!(at, file.len());
    assert_eq!(secrets, vec![keys]);
    assert_eq!(packets, 103);
}
