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
