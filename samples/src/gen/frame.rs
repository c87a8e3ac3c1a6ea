//! Frame assembly with pnet's packet builders.
//!
//! One [`Frame`] buffer is reused for every packet of a capture: each builder
//! zeroes the header bytes it is about to fill (the buffer still holds the
//! previous packet) and writes the layers inside out only where a length or a
//! checksum needs the layer above it.

use std::net::{Ipv4Addr, Ipv6Addr};

use pnet_base::MacAddr;
use pnet_packet::arp::{ArpHardwareTypes, ArpOperation, MutableArpPacket};
use pnet_packet::ethernet::{EtherType, EtherTypes, MutableEthernetPacket};
use pnet_packet::icmp::{self, IcmpCode, IcmpPacket, IcmpTypes};
use pnet_packet::icmpv6::{self, Icmpv6Code, Icmpv6Packet, Icmpv6Types};
use pnet_packet::ip::{IpNextHeaderProtocol, IpNextHeaderProtocols};
use pnet_packet::ipv4::{self, Ipv4Flags, MutableIpv4Packet};
use pnet_packet::ipv6::MutableIpv6Packet;
use pnet_packet::tcp::{self, MutableTcpPacket, TcpOption};
use pnet_packet::udp::{self, MutableUdpPacket, UdpPacket};
use pnet_packet::vlan::{ClassOfService, MutableVlanPacket};
use pnet_packet::{MutablePacket, Packet};

/// Room for the largest frame built here (a full-size TCP segment in an
/// 802.1Q-tagged frame is 1518 bytes).
pub const MAX_FRAME: usize = 2048;

const ETHERNET_LEN: usize = 14;
const VLAN_LEN: usize = 4;
const IPV4_LEN: usize = 20;
const IPV6_LEN: usize = 40;
const TCP_LEN: usize = 20;
const UDP_LEN: usize = 8;
const ICMP_ECHO_LEN: usize = 8;
const ARP_LEN: usize = 28;

/// Frames shorter than 64 bytes on the wire are padded; without the 4-byte
/// FCS (which captures leave out) that is 60. A switch that adds an 802.1Q
/// tag keeps the untagged minimum, so tagged frames are at least 64.
const MIN_UNTAGGED: usize = 60;
const MIN_TAGGED: usize = 64;

/// The Ethernet addressing of one direction of a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub src: MacAddr,
    pub dst: MacAddr,
    /// The 802.1Q VLAN id, when the frame is seen tagged on a trunk.
    pub vlan: Option<u16>,
}

impl Link {
    /// The same link seen from the other end.
    pub fn reversed(self) -> Link {
        Link {
            src: self.dst,
            dst: self.src,
            vlan: self.vlan,
        }
    }
}

/// The IP header fields of one packet.
#[derive(Clone, Copy, Debug)]
pub enum Ip {
    V4 {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        ttl: u8,
        id: u16,
    },
    V6 {
        src: Ipv6Addr,
        dst: Ipv6Addr,
        hop_limit: u8,
        flow_label: u32,
    },
}

impl Ip {
    fn header_len(&self) -> usize {
        match self {
            Ip::V4 { .. } => IPV4_LEN,
            Ip::V6 { .. } => IPV6_LEN,
        }
    }

    fn ethertype(&self) -> EtherType {
        match self {
            Ip::V4 { .. } => EtherTypes::Ipv4,
            Ip::V6 { .. } => EtherTypes::Ipv6,
        }
    }
}

/// The TCP header fields of one segment; the checksum is computed.
#[derive(Debug)]
pub struct TcpHeader<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
    pub options: &'a [TcpOption],
}

/// Which echo message to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    Request,
    Reply,
}

/// ARP operation codes (RFC 826).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArpOp {
    Request,
    Reply,
}

/// A reusable frame buffer.
pub struct Frame {
    buf: Box<[u8; MAX_FRAME]>,
    len: usize,
}

impl Default for Frame {
    fn default() -> Self {
        Frame {
            buf: Box::new([0; MAX_FRAME]),
            len: 0,
        }
    }
}

impl Frame {
    /// The bytes of the last frame built.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Builds Ethernet / [802.1Q] / IP / TCP. `fill` writes the `payload_len`
    /// payload bytes.
    pub fn tcp(
        &mut self,
        link: &Link,
        ip: &Ip,
        header: &TcpHeader<'_>,
        payload_len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) {
        let options_len = options_len(header.options);
        debug_assert!(options_len.is_multiple_of(4) && options_len <= 40);
        let tcp_len = TCP_LEN + options_len + payload_len;
        let l4 = self.ip_frame(link, ip, IpNextHeaderProtocols::Tcp, tcp_len);
        self.buf[l4..l4 + TCP_LEN + options_len].fill(0);

        let segment = &mut self.buf[l4..l4 + tcp_len];
        let Some(mut tcp) = MutableTcpPacket::new(segment) else {
            unreachable!("the buffer holds a TCP header");
        };
        tcp.set_source(header.src_port);
        tcp.set_destination(header.dst_port);
        tcp.set_sequence(header.seq);
        tcp.set_acknowledgement(header.ack);
        // The options setter sizes its area from the data offset: set it first.
        tcp.set_data_offset(((TCP_LEN + options_len) / 4) as u8);
        tcp.set_flags(header.flags);
        tcp.set_window(header.window);
        tcp.set_options(header.options);
        fill(tcp.payload_mut());
        let checksum = match *ip {
            Ip::V4 { src, dst, .. } => tcp::ipv4_checksum(&tcp.to_immutable(), &src, &dst),
            Ip::V6 { src, dst, .. } => tcp::ipv6_checksum(&tcp.to_immutable(), &src, &dst),
        };
        tcp.set_checksum(checksum);
        self.finish(link, l4 + tcp_len);
    }

    /// Builds Ethernet / [802.1Q] / IP / UDP around `payload`.
    pub fn udp(&mut self, link: &Link, ip: &Ip, src_port: u16, dst_port: u16, payload: &[u8]) {
        let udp_len = UDP_LEN + payload.len();
        let l4 = self.ip_frame(link, ip, IpNextHeaderProtocols::Udp, udp_len);
        let Some(mut udp) = MutableUdpPacket::new(&mut self.buf[l4..l4 + udp_len]) else {
            unreachable!("the buffer holds a UDP header");
        };
        udp.set_source(src_port);
        udp.set_destination(dst_port);
        udp.set_length(udp_len as u16);
        udp.set_checksum(0);
        udp.set_payload(payload);
        let checksum = udp_checksum(&udp.to_immutable(), ip);
        udp.set_checksum(checksum);
        self.finish(link, l4 + udp_len);
    }

    /// Builds an ICMP echo (over IPv4) or ICMPv6 echo (over IPv6) message.
    pub fn echo(&mut self, link: &Link, ip: &Ip, echo: Echo, id: u16, seq: u16, payload: &[u8]) {
        let icmp_len = ICMP_ECHO_LEN + payload.len();
        let protocol = match ip {
            Ip::V4 { .. } => IpNextHeaderProtocols::Icmp,
            Ip::V6 { .. } => IpNextHeaderProtocols::Icmpv6,
        };
        let l4 = self.ip_frame(link, ip, protocol, icmp_len);
        let message = &mut self.buf[l4..l4 + icmp_len];
        match *ip {
            Ip::V4 { .. } => write_icmp_echo(message, echo, id, seq, payload),
            Ip::V6 { src, dst, .. } => write_icmpv6_echo(message, echo, id, seq, payload, src, dst),
        }
        self.finish(link, l4 + icmp_len);
    }

    /// Builds an Ethernet/IPv4 ARP message.
    pub fn arp(
        &mut self,
        link: &Link,
        op: ArpOp,
        sender: (MacAddr, Ipv4Addr),
        target: (MacAddr, Ipv4Addr),
    ) {
        let l3 = self.ethernet(link, EtherTypes::Arp);
        let Some(mut arp) = MutableArpPacket::new(&mut self.buf[l3..l3 + ARP_LEN]) else {
            unreachable!("the buffer holds an ARP message");
        };
        arp.set_hardware_type(ArpHardwareTypes::Ethernet);
        arp.set_protocol_type(EtherTypes::Ipv4);
        arp.set_hw_addr_len(6);
        arp.set_proto_addr_len(4);
        arp.set_operation(match op {
            ArpOp::Request => ArpOperation(1),
            ArpOp::Reply => ArpOperation(2),
        });
        arp.set_sender_hw_addr(sender.0);
        arp.set_sender_proto_addr(sender.1);
        arp.set_target_hw_addr(target.0);
        arp.set_target_proto_addr(target.1);
        self.finish(link, l3 + ARP_LEN);
    }

    /// Writes the link header and the IP header for an upper layer of
    /// `l4_len` bytes; returns where the upper layer starts.
    fn ip_frame(
        &mut self,
        link: &Link,
        ip: &Ip,
        protocol: IpNextHeaderProtocol,
        l4_len: usize,
    ) -> usize {
        let l3 = self.ethernet(link, ip.ethertype());
        let ip_len = ip.header_len();
        let area = &mut self.buf[l3..l3 + ip_len + l4_len];
        area[..ip_len].fill(0);
        match *ip {
            Ip::V4 { src, dst, ttl, id } => {
                let Some(mut v4) = MutableIpv4Packet::new(area) else {
                    unreachable!("the buffer holds an IPv4 header");
                };
                v4.set_version(4);
                v4.set_header_length((IPV4_LEN / 4) as u8);
                v4.set_total_length((IPV4_LEN + l4_len) as u16);
                v4.set_identification(id);
                // Every host here does path MTU discovery, as Linux and
                // Windows do by default, so nothing is fragmented.
                v4.set_flags(Ipv4Flags::DontFragment);
                v4.set_ttl(ttl);
                v4.set_next_level_protocol(protocol);
                v4.set_source(src);
                v4.set_destination(dst);
                let checksum = ipv4::checksum(&v4.to_immutable());
                v4.set_checksum(checksum);
            }
            Ip::V6 {
                src,
                dst,
                hop_limit,
                flow_label,
            } => {
                let Some(mut v6) = MutableIpv6Packet::new(area) else {
                    unreachable!("the buffer holds an IPv6 header");
                };
                v6.set_version(6);
                v6.set_flow_label(flow_label & 0xf_ffff);
                v6.set_payload_length(l4_len as u16);
                v6.set_next_header(protocol);
                v6.set_hop_limit(hop_limit);
                v6.set_source(src);
                v6.set_destination(dst);
            }
        }
        l3 + ip_len
    }

    /// Writes the Ethernet header and the 802.1Q tag if any; returns where
    /// the network layer starts.
    fn ethernet(&mut self, link: &Link, ethertype: EtherType) -> usize {
        let Some(mut eth) = MutableEthernetPacket::new(&mut self.buf[..]) else {
            unreachable!("the buffer holds an Ethernet header");
        };
        eth.set_destination(link.dst);
        eth.set_source(link.src);
        let Some(vlan) = link.vlan else {
            eth.set_ethertype(ethertype);
            return ETHERNET_LEN;
        };
        eth.set_ethertype(EtherTypes::Vlan);
        let Some(mut tag) = MutableVlanPacket::new(&mut self.buf[ETHERNET_LEN..]) else {
            unreachable!("the buffer holds an 802.1Q tag");
        };
        tag.set_priority_code_point(ClassOfService(0));
        tag.set_drop_eligible_indicator(0);
        tag.set_vlan_identifier(vlan);
        tag.set_ethertype(ethertype);
        ETHERNET_LEN + VLAN_LEN
    }

    /// Pads short frames with zeros, as the sending NIC does.
    fn finish(&mut self, link: &Link, end: usize) {
        let min = if link.vlan.is_some() {
            MIN_TAGGED
        } else {
            MIN_UNTAGGED
        };
        if end < min {
            self.buf[end..min].fill(0);
            self.len = min;
        } else {
            self.len = end;
        }
    }
}

fn udp_checksum(udp: &UdpPacket<'_>, ip: &Ip) -> u16 {
    let sum = match *ip {
        Ip::V4 { src, dst, .. } => udp::ipv4_checksum(udp, &src, &dst),
        Ip::V6 { src, dst, .. } => udp::ipv6_checksum(udp, &src, &dst),
    };
    // A computed 0 is sent as all ones: 0 means "no checksum" (RFC 768).
    if sum == 0 {
        0xffff
    } else {
        sum
    }
}

fn write_icmp_echo(message: &mut [u8], echo: Echo, id: u16, seq: u16, payload: &[u8]) {
    // Echo request and reply share their layout; pnet's request builder
    // writes either, with the type set accordingly.
    let Some(mut packet) = icmp::echo_request::MutableEchoRequestPacket::new(message) else {
        unreachable!("the buffer holds an ICMP echo message");
    };
    packet.set_icmp_type(match echo {
        Echo::Request => IcmpTypes::EchoRequest,
        Echo::Reply => IcmpTypes::EchoReply,
    });
    packet.set_icmp_code(IcmpCode(0));
    packet.set_checksum(0);
    packet.set_identifier(id);
    packet.set_sequence_number(seq);
    packet.set_payload(payload);
    let Some(whole) = IcmpPacket::new(packet.packet()) else {
        unreachable!("an echo message is an ICMP message");
    };
    let checksum = icmp::checksum(&whole);
    packet.set_checksum(checksum);
}

fn write_icmpv6_echo(
    message: &mut [u8],
    echo: Echo,
    id: u16,
    seq: u16,
    payload: &[u8],
    src: Ipv6Addr,
    dst: Ipv6Addr,
) {
    let Some(mut packet) = icmpv6::echo_request::MutableEchoRequestPacket::new(message) else {
        unreachable!("the buffer holds an ICMPv6 echo message");
    };
    packet.set_icmpv6_type(match echo {
        Echo::Request => Icmpv6Types::EchoRequest,
        Echo::Reply => Icmpv6Types::EchoReply,
    });
    packet.set_icmpv6_code(Icmpv6Code(0));
    packet.set_checksum(0);
    packet.set_identifier(id);
    packet.set_sequence_number(seq);
    packet.set_payload(payload);
    let Some(whole) = Icmpv6Packet::new(packet.packet()) else {
        unreachable!("an echo message is an ICMPv6 message");
    };
    let checksum = icmpv6::checksum(&whole, &src, &dst);
    packet.set_checksum(checksum);
}

/// The encoded size of a list of TCP options.
fn options_len(options: &[TcpOption]) -> usize {
    use pnet_packet::tcp::TcpOptionNumbers::{EOL, NOP};
    options
        .iter()
        .map(|o| match o.number {
            EOL | NOP => 1,
            _ => 2 + o.data.len(),
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use pnet_packet::ethernet::EthernetPacket;
    use pnet_packet::icmpv6::echo_request::EchoRequestPacket;
    use pnet_packet::ipv4::Ipv4Packet;
    use pnet_packet::ipv6::Ipv6Packet;
    use pnet_packet::tcp::{TcpFlags, TcpPacket};
    use pnet_packet::vlan::VlanPacket;

    const A: MacAddr = MacAddr(0x02, 0, 0, 0, 0, 1);
    const B: MacAddr = MacAddr(0x02, 0, 0, 0, 0, 2);

    fn v4() -> Ip {
        Ip::V4 {
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(192, 0, 2, 7),
            ttl: 64,
            id: 0x1234,
        }
    }

    fn v6() -> (Ipv6Addr, Ipv6Addr, Ip) {
        let src = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
        let dst = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
        let ip = Ip::V6 {
            src,
            dst,
            hop_limit: 64,
            flow_label: 0xabcde,
        };
        (src, dst, ip)
    }

    #[test]
    fn tcp_over_tagged_ipv4_has_valid_checksums() {
        let mut frame = Frame::default();
        let link = Link {
            src: A,
            dst: B,
            vlan: Some(20),
        };
        let options = [
            TcpOption::nop(),
            TcpOption::nop(),
            TcpOption::timestamp(1, 2),
        ];
        let header = TcpHeader {
            src_port: 40000,
            dst_port: 443,
            seq: 1000,
            ack: 2000,
            flags: TcpFlags::ACK | TcpFlags::PSH,
            window: 501,
            options: &options,
        };
        frame.tcp(&link, &v4(), &header, 5, |p| p.copy_from_slice(b"hello"));
        let eth = EthernetPacket::new(frame.bytes()).unwrap();
        assert_eq!(eth.get_ethertype(), EtherTypes::Vlan);
        let tag = VlanPacket::new(&frame.bytes()[14..]).unwrap();
        assert_eq!(tag.get_vlan_identifier(), 20);
        let ip = Ipv4Packet::new(&frame.bytes()[18..]).unwrap();
        assert_eq!(ipv4::checksum(&ip), ip.get_checksum());
        let tcp = TcpPacket::new(pnet_packet::Packet::payload(&ip)).unwrap();
        assert_eq!(tcp.get_data_offset(), 8);
        assert_eq!(tcp.payload(), b"hello");
        let expected = tcp::ipv4_checksum(&tcp, &ip.get_source(), &ip.get_destination());
        assert_eq!(expected, tcp.get_checksum());
        assert_eq!(frame.bytes().len(), 18 + 20 + 32 + 5);
    }

    #[test]
    fn short_frames_are_padded() {
        let mut frame = Frame::default();
        let link = Link {
            src: A,
            dst: B,
            vlan: None,
        };
        frame.udp(&link, &v4(), 5353, 53, b"x");
        assert_eq!(frame.bytes().len(), MIN_UNTAGGED);
        let tagged = Link {
            vlan: Some(10),
            ..link
        };
        frame.arp(
            &tagged,
            ArpOp::Request,
            (A, Ipv4Addr::new(10, 0, 0, 1)),
            (MacAddr::zero(), Ipv4Addr::new(10, 0, 0, 2)),
        );
        assert_eq!(frame.bytes().len(), MIN_TAGGED);
        assert!(frame.bytes()[18 + ARP_LEN..].iter().all(|&b| b == 0));
    }

    #[test]
    fn icmpv6_echo_checksum_covers_the_pseudo_header() {
        let mut frame = Frame::default();
        let link = Link {
            src: A,
            dst: B,
            vlan: None,
        };
        let (src, dst, ip) = v6();
        frame.echo(&link, &ip, Echo::Reply, 7, 3, &[0x10; 56]);
        let ip6 = Ipv6Packet::new(&frame.bytes()[14..]).unwrap();
        assert_eq!(ip6.get_next_header(), IpNextHeaderProtocols::Icmpv6);
        assert_eq!(ip6.get_flow_label(), 0xabcde);
        let message = pnet_packet::Packet::payload(&ip6);
        let echo = EchoRequestPacket::new(message).unwrap();
        assert_eq!(echo.get_icmpv6_type(), Icmpv6Types::EchoReply);
        assert_eq!((echo.get_identifier(), echo.get_sequence_number()), (7, 3));
        let whole = Icmpv6Packet::new(message).unwrap();
        assert_eq!(icmpv6::checksum(&whole, &src, &dst), whole.get_checksum());
    }

    #[test]
    fn icmp_echo_checksum_is_valid() {
        let mut frame = Frame::default();
        let link = Link {
            src: A,
            dst: B,
            vlan: None,
        };
        frame.echo(
            &link,
            &v4(),
            Echo::Request,
            1,
            9,
            b"abcdefghijklmnopqrstuvwabcdefghi",
        );
        let ip = Ipv4Packet::new(&frame.bytes()[14..]).unwrap();
        let whole = IcmpPacket::new(pnet_packet::Packet::payload(&ip)).unwrap();
        assert_eq!(whole.get_icmp_type(), IcmpTypes::EchoRequest);
        assert_eq!(icmp::checksum(&whole), whole.get_checksum());
    }
}
