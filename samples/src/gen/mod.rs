//! The synthetic capture generator.
//!
//! A discrete-event simulation of a busy office uplink: many TCP
//! connections at once (HTTPS, HTTP, SSH, BGP and others), DNS lookups,
//! pings and ARP, each flow planning its own packets with capture times.
//! [`Generator`] merges the flows by time, so packets come out in
//! timestamp order, and builds each frame only when it is its turn.
//!
//! Everything is derived from one seed through [`rng::Rng`], and every flow
//! has its own sub-stream, so the same seed gives the same bytes.

mod app;
mod arp;
mod dns;
mod frame;
mod icmp;
mod net;
mod output;
pub mod rng;
mod tcp;
pub mod time;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use output::{write_capture, Format, Options, Summary};

use app::{Conversation, Service};
use arp::ArpExchange;
use dns::DnsLookup;
use frame::Frame;
use icmp::PingSession;
use net::Network;
use rng::Rng;
use tcp::TcpConn;
use time::{MS, SEC};

/// TCP connections kept open at once: each one that closes is replaced.
const CONCURRENT_TCP: usize = 900;
/// Mean gaps between new flows of the other kinds.
const DNS_EVERY: u64 = MS;
const PING_EVERY: u64 = 150 * MS;
const ARP_EVERY: u64 = 15 * MS;
/// Share of TCP connections and pings over IPv6, where the server has it.
const P_IPV6: f64 = 0.35;

/// A packet's capture time (nanoseconds since the start) and its frame.
pub struct Packet<'a> {
    pub time: u64,
    pub data: &'a [u8],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Tcp,
    Dns,
    Ping,
    Arp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// The flow in this slot has a packet due.
    Packet(usize),
    /// A new flow of this kind starts.
    Spawn(Kind),
}

enum Flow {
    Tcp(Box<TcpConn>),
    Dns(DnsLookup),
    Ping(PingSession),
    Arp(ArpExchange),
}

impl Flow {
    fn next_time(&mut self) -> Option<u64> {
        match self {
            Flow::Tcp(f) => f.next_time(),
            Flow::Dns(f) => f.next_time(),
            Flow::Ping(f) => f.next_time(),
            Flow::Arp(f) => f.next_time(),
        }
    }

    fn emit(&mut self, frame: &mut Frame) {
        match self {
            Flow::Tcp(f) => f.emit(frame),
            Flow::Dns(f) => f.emit(frame),
            Flow::Ping(f) => f.emit(frame),
            Flow::Arp(f) => f.emit(frame),
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Flow::Tcp(_) => Kind::Tcp,
            Flow::Dns(_) => Kind::Dns,
            Flow::Ping(_) => Kind::Ping,
            Flow::Arp(_) => Kind::Arp,
        }
    }
}

/// An endless, deterministic stream of packets.
pub struct Generator {
    rng: Rng,
    net: Network,
    flows: Vec<Option<Flow>>,
    free_slots: Vec<usize>,
    /// Pending events by (time, insertion order): the order breaks ties
    /// deterministically.
    events: BinaryHeap<Reverse<(u64, u64, Event)>>,
    inserted: u64,
    frame: Frame,
    now: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        let net = Network::new(&mut rng);
        let mut generator = Generator {
            rng,
            net,
            flows: Vec::new(),
            free_slots: Vec::new(),
            events: BinaryHeap::new(),
            inserted: 0,
            frame: Frame::default(),
            now: 0,
        };
        // Connections open over the first 200 ms rather than all at once.
        for _ in 0..CONCURRENT_TCP {
            let at = generator.rng.below(200 * MS);
            generator.schedule(at, Event::Spawn(Kind::Tcp));
        }
        // The other kinds start within the first millisecond, so that even
        // a small capture has some of each.
        for kind in [Kind::Dns, Kind::Ping, Kind::Arp] {
            let at = generator.rng.below(MS);
            generator.schedule(at, Event::Spawn(kind));
        }
        generator
    }

    /// The next packet in time order.
    pub fn next_packet(&mut self) -> Packet<'_> {
        loop {
            let Some(Reverse((time, _, event))) = self.events.pop() else {
                unreachable!("spawn events keep the queue from running dry");
            };
            debug_assert!(time >= self.now, "time went backwards");
            self.now = time;
            match event {
                Event::Spawn(kind) => self.spawn(kind),
                Event::Packet(slot) => {
                    self.emit_from(slot);
                    return Packet {
                        time,
                        data: self.frame.bytes(),
                    };
                }
            }
        }
    }

    fn schedule(&mut self, at: u64, event: Event) {
        self.inserted += 1;
        self.events.push(Reverse((at, self.inserted, event)));
    }

    fn emit_from(&mut self, slot: usize) {
        let Some(flow) = self.flows[slot].as_mut() else {
            unreachable!("a packet event for an empty slot");
        };
        flow.emit(&mut self.frame);
        match flow.next_time() {
            Some(at) => self.schedule(at, Event::Packet(slot)),
            None => {
                let kind = flow.kind();
                self.flows[slot] = None;
                self.free_slots.push(slot);
                if kind == Kind::Tcp {
                    // Someone opens the next connection soon after.
                    let at = self.now + self.rng.exp(20 * MS);
                    self.schedule(at, Event::Spawn(Kind::Tcp));
                }
            }
        }
    }

    fn spawn(&mut self, kind: Kind) {
        let now = self.now;
        let mut flow = match kind {
            Kind::Tcp => Flow::Tcp(Box::new(self.new_tcp(now))),
            Kind::Dns => Flow::Dns(self.new_dns(now)),
            Kind::Ping => Flow::Ping(self.new_ping(now)),
            Kind::Arp => Flow::Arp(self.new_arp(now)),
        };
        if kind != Kind::Tcp {
            let at = now + self.rng.exp(mean_gap(kind));
            self.schedule(at, Event::Spawn(kind));
        }
        let Some(first) = flow.next_time() else {
            return;
        };
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.flows.push(None);
                self.flows.len() - 1
            }
        };
        self.flows[slot] = Some(flow);
        self.schedule(first, Event::Packet(slot));
    }

    fn new_tcp(&mut self, now: u64) -> TcpConn {
        let rng = &mut self.rng;
        let client = rng.pick(&self.net.clients);
        let server = rng.pick(&self.net.servers);
        let ipv6 = server.ipv6.is_some() && rng.chance(P_IPV6);
        let path = self.net.internet_path(client, server, ipv6, rng);
        let service = Service::pick(rng);
        let conversation = Conversation::new(service, &server.name, rng);
        TcpConn::new(path, client.os, conversation, service.port(), now, rng)
    }

    fn new_dns(&mut self, now: u64) -> DnsLookup {
        let rng = &mut self.rng;
        let client = rng.pick(&self.net.clients);
        let server = rng.pick(&self.net.servers);
        DnsLookup::new(&self.net, client, server, now, rng)
    }

    fn new_ping(&mut self, now: u64) -> PingSession {
        let rng = &mut self.rng;
        let client = rng.pick(&self.net.clients);
        let server = rng.pick(&self.net.servers);
        let ipv6 = server.ipv6.is_some() && rng.chance(P_IPV6);
        let path = self.net.internet_path(client, server, ipv6, rng);
        PingSession::new(path, client.os, now, rng)
    }

    fn new_arp(&mut self, now: u64) -> ArpExchange {
        let rng = &mut self.rng;
        let host = rng.pick(&self.net.clients);
        ArpExchange::new(&self.net, host, now, rng)
    }
}

fn mean_gap(kind: Kind) -> u64 {
    match kind {
        Kind::Tcp => 20 * MS,
        Kind::Dns => DNS_EVERY,
        Kind::Ping => PING_EVERY,
        Kind::Arp => ARP_EVERY,
    }
}

/// Simulated seconds, for reports.
pub fn seconds(t: u64) -> f64 {
    t as f64 / SEC as f64
}
