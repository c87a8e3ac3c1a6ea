//! How one layer hands its payload to the next: by link type, EtherType,
//! IP protocol number and port. Every hand-off goes through here, so adding a
//! protocol means one line in one table.

use crate::app;
use crate::dissector::{Cx, MAX_NESTING};
use crate::link::{self, LinkType};
use crate::model::{Group, Severity, Span};
use crate::net;
use crate::transport;
use crate::tunnel;

/// Dissects a whole frame by its link type.
pub fn link(cx: &mut Cx<'_>, link_type: LinkType, frame: &[u8]) {
    match link_type {
        LinkType::ETHERNET => {
            link::ethernet::dissect(cx, 0, frame);
        }
        LinkType::LINUX_SLL => {
            link::sll::dissect_v1(cx, 0, frame);
        }
        LinkType::JUNIPER_ETHER => {
            link::juniper::dissect(cx, 0, frame);
        }
        LinkType::LINUX_SLL2 => {
            link::sll::dissect_v2(cx, 0, frame);
        }
        LinkType::NULL => {
            link::null::dissect(cx, 0, frame, link::null::Order::Host);
        }
        LinkType::LOOP => {
            link::null::dissect(cx, 0, frame, link::null::Order::Network);
        }
        LinkType::RAW => {
            link::raw::dissect(cx, 0, frame);
        }
        LinkType::IEEE802_11_RADIOTAP => {
            link::radiotap::dissect(cx, 0, frame);
        }
        LinkType::IEEE802_11 => {
            link::ieee80211::dissect(cx, 0, frame, None);
        }
        LinkType::IPV4 => {
            net::ipv4::dissect_any_version(cx, 0, frame);
        }
        LinkType::IPV6 => {
            net::ipv6::dissect(cx, 0, frame);
        }
        _ => {
            app::data::dissect(cx, 0, frame);
            cx.pkt.expert(
                Severity::Note,
                Group::Undecoded,
                Span::new(0, frame.len()),
                format!("link type {link_type} is not dissected yet"),
            );
        }
    }
}

/// Dissects the payload of a layer that names it by EtherType (Ethernet, VLAN, SLL).
/// Returns how many bytes the payload's protocol claimed.
pub fn ethertype(cx: &mut Cx<'_>, etype: u16, off: usize, buf: &[u8]) -> usize {
    cx.pkt.push_protocol_name("ethertype");
    ethertype_payload(cx, etype, off, buf)
}

/// Like [`ethertype`] for a header that is not Ethernet's (LLC/SNAP), where
/// tshark's protocol chain names no `ethertype` step.
pub fn ethertype_payload(cx: &mut Cx<'_>, etype: u16, off: usize, buf: &[u8]) -> usize {
    if !enter(cx, off, buf) {
        return buf.len();
    }
    let used = match etype {
        0x0800 => net::ipv4::dissect(cx, off, buf),
        0x86dd => net::ipv6::dissect(cx, off, buf),
        0x0806 | 0x8035 => net::arp::dissect(cx, off, buf),
        0x8100 | 0x88a8 | 0x9100 => link::vlan::dissect(cx, off, buf, etype),
        0x6558 => link::ethernet::dissect(cx, off, buf),
        net::eapol::ETHERTYPE => net::eapol::dissect(cx, off, buf),
        _ => app::data::dissect(cx, off, buf),
    };
    cx.nesting -= 1;
    used
}

/// Dissects the payload of an IP header by protocol number. Returns the bytes claimed.
pub fn ip_proto(cx: &mut Cx<'_>, proto: u8, off: usize, buf: &[u8]) -> usize {
    if !enter(cx, off, buf) {
        return buf.len();
    }
    let used = match proto {
        1 => net::icmp::dissect(cx, off, buf),
        4 => net::ipv4::dissect_any_version(cx, off, buf),
        6 => transport::tcp::dissect(cx, off, buf),
        17 => transport::udp::dissect(cx, off, buf),
        41 => net::ipv6::dissect(cx, off, buf),
        50 => net::ipv6::ipsec::dissect_esp(cx, off, buf),
        51 => net::ipv6::ipsec::dissect_ah(cx, off, buf),
        58 => net::icmpv6::dissect(cx, off, buf),
        _ => app::data::dissect(cx, off, buf),
    };
    cx.nesting -= 1;
    used
}

/// Dissects a UDP payload by port (lower port first, as Wireshark tries).
pub fn udp_payload(cx: &mut Cx<'_>, src_port: u16, dst_port: u16, off: usize, buf: &[u8]) {
    if buf.is_empty() {
        return;
    }
    if !enter(cx, off, buf) {
        return;
    }
    if src_port == tunnel::vxlan::PORT || dst_port == tunnel::vxlan::PORT {
        tunnel::vxlan::dissect(cx, off, buf);
    } else {
        match app::recognise(app::Transport::Udp, src_port, dst_port, buf) {
            Some(app::AppProtocol::Dns) => {
                app::dns::dissect_udp(cx, off, buf, app::dns::Flavor::Dns);
            }
            Some(app::AppProtocol::Mdns) => {
                app::dns::dissect_udp(cx, off, buf, app::dns::Flavor::Mdns);
            }
            Some(app::AppProtocol::Llmnr) => {
                app::dns::dissect_udp(cx, off, buf, app::dns::Flavor::Llmnr);
            }
            Some(app::AppProtocol::Dhcp) => {
                app::dhcp::dissect_udp(cx, off, buf);
            }
            Some(app::AppProtocol::Ntp) => {
                app::ntp::dissect_udp(cx, off, buf);
            }
            // As for TCP: recognised protocols show as data until their dissectors land.
            Some(_) | None => {
                app::data::dissect(cx, off, buf);
            }
        }
    }
    cx.nesting -= 1;
}

/// What the TCP layer tells the application layer about a segment, so that
/// protocols whose messages span segments can be reassembled per direction.
#[derive(Clone, Copy, Debug)]
pub struct TcpSegment {
    /// `tcp.stream` of the connection.
    pub stream: u32,
    /// Which direction of the connection (0 or 1) the segment travels.
    pub dir: usize,
    /// The raw sequence number of the segment's first byte.
    pub seq: u32,
    pub syn: bool,
    pub fin: bool,
    pub src_port: u16,
    pub dst_port: u16,
    /// The application protocol of the connection, recognised on its first
    /// payload (see [`app::recognise`]).
    pub app: Option<app::AppProtocol>,
}

/// Dissects a TCP segment's payload by port and content. Protocols framed on
/// the byte stream go through stream reassembly; the others see the segment.
pub fn tcp_payload(cx: &mut Cx<'_>, seg: TcpSegment, off: usize, buf: &[u8]) {
    if buf.is_empty() {
        return;
    }
    let outer = cx.tcp.replace(seg);
    app_over_tcp(cx, seg, off, buf);
    cx.tcp = outer;
}

fn app_over_tcp(cx: &mut Cx<'_>, seg: TcpSegment, off: usize, buf: &[u8]) {
    match seg.app {
        Some(app::AppProtocol::Dns) => {
            let outcome = crate::flow::reassembly::dissect_stream(
                cx,
                seg,
                off,
                buf,
                &mut app::dns::TcpFraming,
                app::dns::dissect_tcp_pdu,
            );
            if outcome.held {
                crate::flow::reassembly::mark_segment_of_pdu(cx.pkt);
            }
        }
        Some(app::AppProtocol::Ssh) => {
            app::ssh::dissect_segment(cx, seg, off, buf);
        }
        Some(app::AppProtocol::Bgp) => app::bgp::dissect_segment(cx, seg, off, buf),
        Some(app::AppProtocol::Tls) => {
            let outcome = crate::flow::reassembly::dissect_stream(
                cx,
                seg,
                off,
                buf,
                &mut app::tls::RecordFraming,
                app::tls::dissect_record_pdu,
            );
            if outcome.pdus == 0 {
                app::tls::mark_segment_of_pdu(cx, buf);
            }
        }
        Some(app::AppProtocol::Http | app::AppProtocol::Http2) => {
            app::http2::dissect_tcp(cx, seg, off, buf);
        }
        // Each other application protocol takes over here as its dissector
        // lands; until then its bytes are shown as data.
        Some(_) | None => {
            app::data::dissect(cx, off, buf);
        }
    }
}

/// Counts one more level of encapsulation; past the limit the rest is shown as data.
fn enter(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> bool {
    if cx.nesting >= MAX_NESTING {
        cx.pkt.expert(
            Severity::Warn,
            Group::Undecoded,
            Span::new(off, buf.len()),
            format!("encapsulation deeper than {MAX_NESTING} levels is not dissected"),
        );
        app::data::dissect(cx, off, buf);
        return false;
    }
    cx.nesting += 1;
    true
}
