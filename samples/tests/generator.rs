//! The generator's promises, checked on real output: same seed, same bytes;
//! every frame parses with pnet and has valid checksums; TCP sequence
//! numbers run on without gaps in each direction; the size limit holds.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;
use std::net::IpAddr;

use pnet_packet::arp::ArpPacket;
use pnet_packet::dns::DnsPacket;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::icmp::{self, IcmpPacket, IcmpTypes};
use pnet_packet::icmpv6::{self, Icmpv6Packet, Icmpv6Types};
use pnet_packet::ip::{IpNextHeaderProtocol, IpNextHeaderProtocols};
use pnet_packet::ipv4::{self, Ipv4Packet};
use pnet_packet::ipv6::Ipv6Packet;
use pnet_packet::tcp::{self, TcpFlags, TcpPacket};
use pnet_packet::udp::{self, UdpPacket};
use pnet_packet::vlan::VlanPacket;
use pnet_packet::Packet;

use wirelens_samples::{write_capture, Format, Options};

const TWO_MB: u64 = 2 << 20;

fn generate(seed: u64, size: u64, format: Format) -> Vec<u8> {
    let options = Options {
        size,
        seed,
        format,
        nanosecond: true,
    };
    let (summary, bytes) = write_capture(&options, Vec::new()).unwrap();
    assert_eq!(summary.bytes, bytes.len() as u64);
    bytes
}

/// The records of a little-endian nanosecond pcap file: (time in ns, frame).
fn records(file: &[u8]) -> Vec<(u64, &[u8])> {
    assert_eq!(
        &file[..4],
        &0xa1b2_3c4du32.to_le_bytes(),
        "nanosecond pcap magic"
    );
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(20), 1, "Ethernet link type");
    let mut out = Vec::new();
    let mut at = 24;
    while at < file.len() {
        let secs = u64::from(u32_at(at));
        let nanos = u64::from(u32_at(at + 4));
        let caplen = u32_at(at + 8) as usize;
        assert_eq!(u32_at(at + 12) as usize, caplen, "nothing is truncated");
        out.push((
            secs * 1_000_000_000 + nanos,
            &file[at + 16..at + 16 + caplen],
        ));
        at += 16 + caplen;
    }
    assert_eq!(at, file.len());
    out
}

#[test]
fn same_seed_gives_the_same_bytes() {
    let a = generate(42, TWO_MB, Format::Pcap);
    let b = generate(42, TWO_MB, Format::Pcap);
    assert!(a == b, "two runs with seed 42 differ");
    let c = generate(43, TWO_MB, Format::Pcap);
    assert!(a != c, "seeds 42 and 43 gave the same capture");
}

#[test]
fn size_limit_holds_and_is_nearly_reached() {
    for format in [Format::Pcap, Format::PcapNg] {
        let file = generate(7, 300_000, format);
        assert!(file.len() <= 300_000, "{format:?}: {} bytes", file.len());
        assert!(
            file.len() > 300_000 - 1_600,
            "{format:?}: only {} bytes",
            file.len()
        );
    }
}

#[test]
fn pcapng_holds_one_block_per_packet() {
    let options = Options {
        size: 500_000,
        seed: 3,
        format: Format::PcapNg,
        nanosecond: false,
    };
    let (summary, file) = write_capture(&options, Vec::new()).unwrap();
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(0), 0x0a0d_0d0a, "section header first");
    let (mut at, mut packets, mut interfaces) = (0, 0, 0);
    while at < file.len() {
        let (kind, len) = (u32_at(at), u32_at(at + 4) as usize);
        assert_eq!(u32_at(at + len - 4) as usize, len, "trailing block length");
        match kind {
            1 => interfaces += 1,
            6 => packets += 1,
            _ => {}
        }
        at += len;
    }
    assert_eq!(at, file.len());
    assert_eq!((interfaces, packets), (1, summary.packets));
}

/// What the whole capture was seen to contain.
#[derive(Default, Debug)]
struct Seen {
    tagged: usize,
    tcp_v4: usize,
    tcp_v6: usize,
    syn_with_all_options: usize,
    dns_queries: usize,
    dns_compressed_answers: usize,
    icmp_echo: usize,
    arp: usize,
    retransmissions: usize,
    out_of_order: usize,
    fins: usize,
    resets: usize,
}

/// One direction of a TCP connection.
#[derive(Debug)]
struct Direction {
    /// Next byte expected in order.
    next: u32,
    /// A segment that arrived ahead of the one before it: the gap it left.
    hole: Option<(u32, u32)>,
    /// Highest sequence number sent so far (end of the furthest segment).
    highest: u32,
}

type Endpoint = (IpAddr, u16);

#[test]
fn every_frame_parses_with_valid_checksums_and_continuous_tcp() {
    let file = generate(1, TWO_MB, Format::Pcap);
    let packets = records(&file);
    assert!(packets.len() > 1_000);
    let mut seen = Seen::default();
    let mut tcp: HashMap<(Endpoint, Endpoint), Direction> = HashMap::new();
    let mut last_time = 0;
    for (n, &(time, frame)) in packets.iter().enumerate() {
        assert!(time >= last_time, "frame {n}: time went backwards");
        last_time = time;
        assert!(
            frame.len() >= 60,
            "frame {n}: runt of {} bytes",
            frame.len()
        );
        check_frame(frame, &mut seen, &mut tcp).unwrap_or_else(|e| panic!("frame {n}: {e}"));
    }
    println!("{seen:#?}");
    assert!(seen.tagged > 0 && seen.tcp_v4 > 0 && seen.tcp_v6 > 0);
    assert!(seen.syn_with_all_options > 0);
    assert!(seen.dns_queries > 0 && seen.dns_compressed_answers > 0);
    assert!(seen.icmp_echo > 0 && seen.arp > 0);
    assert!(seen.retransmissions > 0 && seen.out_of_order > 0);
    assert!(seen.fins > 0 && seen.resets > 0);
}

fn check_frame(
    frame: &[u8],
    seen: &mut Seen,
    tcp: &mut HashMap<(Endpoint, Endpoint), Direction>,
) -> Result<(), String> {
    let eth = EthernetPacket::new(frame).ok_or("no Ethernet header")?;
    let (ethertype, l3) = if eth.get_ethertype() == EtherTypes::Vlan {
        seen.tagged += 1;
        let tag = VlanPacket::new(eth.payload()).ok_or("short 802.1Q tag")?;
        (tag.get_ethertype(), &frame[18..])
    } else {
        (eth.get_ethertype(), &frame[14..])
    };
    match ethertype {
        EtherTypes::Ipv4 => {
            let ip = Ipv4Packet::new(l3).ok_or("short IPv4 header")?;
            if ipv4::checksum(&ip) != ip.get_checksum() {
                return Err("bad IPv4 header checksum".into());
            }
            let (src, dst) = (
                IpAddr::V4(ip.get_source()),
                IpAddr::V4(ip.get_destination()),
            );
            check_transport(
                ip.get_next_level_protocol(),
                ip.payload(),
                src,
                dst,
                seen,
                tcp,
            )
        }
        EtherTypes::Ipv6 => {
            let ip = Ipv6Packet::new(l3).ok_or("short IPv6 header")?;
            let (src, dst) = (
                IpAddr::V6(ip.get_source()),
                IpAddr::V6(ip.get_destination()),
            );
            check_transport(ip.get_next_header(), ip.payload(), src, dst, seen, tcp)
        }
        EtherTypes::Arp => {
            let arp = ArpPacket::new(l3).ok_or("short ARP message")?;
            let op = arp.get_operation().0;
            if !(op == 1 || op == 2) || arp.get_hw_addr_len() != 6 || arp.get_proto_addr_len() != 4
            {
                return Err(format!("odd ARP message {arp:?}"));
            }
            seen.arp += 1;
            Ok(())
        }
        other => Err(format!("unexpected ethertype {other}")),
    }
}

fn check_transport(
    protocol: IpNextHeaderProtocol,
    payload: &[u8],
    src: IpAddr,
    dst: IpAddr,
    seen: &mut Seen,
    tcp: &mut HashMap<(Endpoint, Endpoint), Direction>,
) -> Result<(), String> {
    match (protocol, src, dst) {
        (IpNextHeaderProtocols::Tcp, _, _) => {
            let segment = TcpPacket::new(payload).ok_or("short TCP header")?;
            let expected = match (src, dst) {
                (IpAddr::V4(s), IpAddr::V4(d)) => {
                    seen.tcp_v4 += 1;
                    tcp::ipv4_checksum(&segment, &s, &d)
                }
                (IpAddr::V6(s), IpAddr::V6(d)) => {
                    seen.tcp_v6 += 1;
                    tcp::ipv6_checksum(&segment, &s, &d)
                }
                _ => return Err("mixed address families".into()),
            };
            if expected != segment.get_checksum() {
                return Err("bad TCP checksum".into());
            }
            check_sequence(&segment, src, dst, seen, tcp)
        }
        (IpNextHeaderProtocols::Udp, IpAddr::V4(s), IpAddr::V4(d)) => {
            let datagram = UdpPacket::new(payload).ok_or("short UDP header")?;
            if usize::from(datagram.get_length()) != payload.len() {
                return Err("UDP length disagrees with IP".into());
            }
            if udp::ipv4_checksum(&datagram, &s, &d) != datagram.get_checksum() {
                return Err("bad UDP checksum".into());
            }
            check_dns(datagram.payload(), datagram.get_source() == 53, seen)
        }
        (IpNextHeaderProtocols::Icmp, _, _) => {
            let message = IcmpPacket::new(payload).ok_or("short ICMP message")?;
            if icmp::checksum(&message) != message.get_checksum() {
                return Err("bad ICMP checksum".into());
            }
            let kind = message.get_icmp_type();
            if kind != IcmpTypes::EchoRequest && kind != IcmpTypes::EchoReply {
                return Err(format!("unexpected ICMP type {kind:?}"));
            }
            seen.icmp_echo += 1;
            Ok(())
        }
        (IpNextHeaderProtocols::Icmpv6, IpAddr::V6(s), IpAddr::V6(d)) => {
            let message = Icmpv6Packet::new(payload).ok_or("short ICMPv6 message")?;
            if icmpv6::checksum(&message, &s, &d) != message.get_checksum() {
                return Err("bad ICMPv6 checksum".into());
            }
            let kind = message.get_icmpv6_type();
            if kind != Icmpv6Types::EchoRequest && kind != Icmpv6Types::EchoReply {
                return Err(format!("unexpected ICMPv6 type {kind:?}"));
            }
            seen.icmp_echo += 1;
            Ok(())
        }
        (other, _, _) => Err(format!("unexpected protocol {other}")),
    }
}

fn check_dns(message: &[u8], is_response: bool, seen: &mut Seen) -> Result<(), String> {
    let dns = DnsPacket::new(message).ok_or("short DNS message")?;
    if dns.get_query_count() != 1 {
        return Err("a DNS message without exactly one question".into());
    }
    let queries = dns.get_queries();
    let name = queries[0].get_qname_parsed();
    if name.split('.').count() < 2 {
        return Err(format!("odd DNS name {name:?}"));
    }
    if dns.get_is_response() != u8::from(is_response) {
        return Err("QR bit disagrees with the port".into());
    }
    if is_response {
        // The first answer's owner is a pointer back to the question name.
        let answer = 12 + name.len() + 2 + 4;
        if dns.get_response_count() > 0 {
            if message[answer..answer + 2] != [0xc0, 12] {
                return Err("answer name not compressed".into());
            }
            seen.dns_compressed_answers += 1;
        }
    } else {
        seen.dns_queries += 1;
    }
    Ok(())
}

/// Data runs on from the ISN without gaps: a segment ahead of the next
/// expected byte leaves one hole, which the next segment with new data in
/// that direction fills; a segment with no new data is a retransmission.
/// ACKs never cover bytes the other side has not sent.
fn check_sequence(
    segment: &TcpPacket<'_>,
    src: IpAddr,
    dst: IpAddr,
    seen: &mut Seen,
    tcp: &mut HashMap<(Endpoint, Endpoint), Direction>,
) -> Result<(), String> {
    let key = (
        (src, segment.get_source()),
        (dst, segment.get_destination()),
    );
    let flags = segment.get_flags();
    let seq = segment.get_sequence();
    let len = segment.payload().len() as u32;
    if flags & TcpFlags::SYN != 0 {
        if flags & TcpFlags::ACK == 0 && segment.get_options_iter().count() >= 4 {
            seen.syn_with_all_options += 1;
        }
        let start = seq.wrapping_add(1);
        tcp.insert(
            key,
            Direction {
                next: start,
                hole: None,
                highest: start,
            },
        );
        return Ok(());
    }
    if flags & TcpFlags::ACK != 0 {
        if let Some(reverse) = tcp.get(&(key.1, key.0)) {
            let ack = segment.get_acknowledgement();
            if ack.wrapping_sub(reverse.highest) as i32 > 0 {
                return Err(format!(
                    "ACK {ack} covers unsent data (highest {})",
                    reverse.highest
                ));
            }
        }
    }
    if flags & TcpFlags::RST != 0 {
        seen.resets += 1;
        return Ok(());
    }
    let Some(dir) = tcp.get_mut(&key) else {
        return Err("a segment of a connection whose SYN was not seen".into());
    };
    let fin = u32::from(flags & TcpFlags::FIN != 0);
    let end = seq.wrapping_add(len + fin);
    if len + fin == 0 {
        return Ok(());
    }
    if end.wrapping_sub(dir.next) as i32 <= 0 {
        // Nothing new: a retransmission (which may pass a reordered pair).
        seen.retransmissions += 1;
    } else if let Some((hole_start, hole_end)) = dir.hole.take() {
        if (seq, end) != (hole_start, hole_end) {
            return Err(format!(
                "hole {hole_start}..{hole_end} not filled by the next segment ({seq}..{end})"
            ));
        }
        seen.out_of_order += 1;
        dir.next = dir.highest;
    } else if seq == dir.next {
        dir.next = end;
    } else if seq.wrapping_sub(dir.next) as i32 > 0 {
        dir.hole = Some((dir.next, seq));
    } else {
        return Err(format!(
            "segment {seq}..{end} overlaps new data at {}",
            dir.next
        ));
    }
    if end.wrapping_sub(dir.highest) as i32 > 0 {
        dir.highest = end;
    }
    if fin == 1 {
        seen.fins += 1;
    }
    Ok(())
}
