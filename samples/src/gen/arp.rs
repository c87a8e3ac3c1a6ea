//! ARP on the LAN: hosts resolving their gateway or the resolver, the
//! router resolving a host, and gratuitous announcements.

use std::net::Ipv4Addr;

use pnet_base::MacAddr;

use super::frame::{ArpOp, Frame, Link};
use super::net::{Host, Network};
use super::rng::Rng;
use super::time::US;

struct ArpPacket {
    at: u64,
    link: Link,
    op: ArpOp,
    sender: (MacAddr, Ipv4Addr),
    target: (MacAddr, Ipv4Addr),
}

pub struct ArpExchange {
    packets: Vec<ArpPacket>,
    next: usize,
}

impl ArpExchange {
    pub fn new(net: &Network, host: &Host, start: u64, rng: &mut Rng) -> ArpExchange {
        let gateway = (net.router_mac, net.gateway(host.vlan));
        let me = (host.mac, host.ipv4);
        let reply_at = start + rng.log_uniform(40 * US, 600 * US);
        let packets = match rng.weighted(&[45, 35, 10, 10]) {
            0 => ask(start, reply_at, host.vlan, me, gateway),
            1 => ask(start, reply_at, host.vlan, gateway, me),
            2 if net.resolver_on_link(host) => {
                let resolver = (net.resolver.mac, net.resolver.ipv4);
                ask(start, reply_at, host.vlan, me, resolver)
            }
            _ => vec![announcement(start, host)],
        };
        ArpExchange { packets, next: 0 }
    }

    pub fn next_time(&self) -> Option<u64> {
        self.packets.get(self.next).map(|p| p.at)
    }

    pub fn emit(&mut self, frame: &mut Frame) {
        let Some(p) = self.packets.get(self.next) else {
            return;
        };
        self.next += 1;
        frame.arp(&p.link, p.op, p.sender, p.target);
    }
}

/// "Who has `target`? Tell `asker`", broadcast, and the unicast answer.
fn ask(
    at: u64,
    reply_at: u64,
    vlan: Option<u16>,
    asker: (MacAddr, Ipv4Addr),
    target: (MacAddr, Ipv4Addr),
) -> Vec<ArpPacket> {
    let request = ArpPacket {
        at,
        link: Link {
            src: asker.0,
            dst: MacAddr::broadcast(),
            vlan,
        },
        op: ArpOp::Request,
        sender: asker,
        target: (MacAddr::zero(), target.1),
    };
    let reply = ArpPacket {
        at: reply_at,
        link: Link {
            src: target.0,
            dst: asker.0,
            vlan,
        },
        op: ArpOp::Reply,
        sender: target,
        target: asker,
    };
    vec![request, reply]
}

/// A gratuitous ARP: a request for the host's own address (RFC 5227).
fn announcement(at: u64, host: &Host) -> ArpPacket {
    ArpPacket {
        at,
        link: Link {
            src: host.mac,
            dst: MacAddr::broadcast(),
            vlan: host.vlan,
        },
        op: ArpOp::Request,
        sender: (host.mac, host.ipv4),
        target: (MacAddr::zero(), host.ipv4),
    }
}
