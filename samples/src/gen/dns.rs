//! DNS over UDP: stub-resolver lookups (A, often with a parallel AAAA from
//! the same socket, as glibc does) and the resolver's answers, in real wire
//! format with name compression, CNAME chains, NODATA and NXDOMAIN answers
//! with an SOA, and EDNS(0).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::frame::{Frame, Link};
use super::net::{Addrs, Host, Network, Path, Server};
use super::rng::Rng;
use super::time::{MS, US};

const TYPE_A: u16 = 1;
const TYPE_CNAME: u16 = 5;
const TYPE_SOA: u16 = 6;
const TYPE_AAAA: u16 = 28;
const TYPE_OPT: u16 = 41;
const CLASS_IN: u16 = 1;

const FLAG_QR: u16 = 0x8000;
const FLAG_RD: u16 = 0x0100;
const FLAG_RA: u16 = 0x0080;
const RCODE_NXDOMAIN: u16 = 3;

/// One lookup: its queries and answers, planned at creation.
pub struct DnsLookup {
    path: Path,
    client_port: u16,
    /// (capture time, from client, DNS message), in time order.
    packets: Vec<(u64, bool, Vec<u8>)>,
    next: usize,
    ip_ids: [u16; 2],
}

/// What the resolver knows about a name.
struct Answer<'a> {
    name: &'a str,
    /// A CDN name the name is an alias of, if any.
    cname: Option<String>,
    server: &'a Server,
    exists: bool,
}

impl DnsLookup {
    pub fn new(
        net: &Network,
        client: &Host,
        server: &Server,
        start: u64,
        rng: &mut Rng,
    ) -> DnsLookup {
        let mut rng = rng.fork();
        let path = resolver_path(net, client, &mut rng);
        let internal = matches!(path.addrs, Addrs::V4(_, r) if r == net.resolver.ipv4);
        let answer = Answer {
            name: &server.name,
            cname: rng.chance(0.35).then(|| cdn_alias(&server.name, &mut rng)),
            server,
            exists: !rng.chance(0.03),
        };
        let edns = rng.chance(0.6);
        let types: &[u16] = if rng.chance(0.6) {
            &[TYPE_A, TYPE_AAAA]
        } else {
            &[TYPE_A]
        };
        let mut packets = Vec::with_capacity(4);
        let mut t = start;
        for &qtype in types {
            let id = rng.next_u16();
            packets.push((t, true, query(id, answer.name, qtype, edns)));
            // A cache hit at the site's resolver answers in well under a
            // millisecond; anything else takes a trip across the Internet.
            let delay = if internal && rng.chance(0.7) {
                rng.log_uniform(150 * US, 900 * US)
            } else {
                rng.log_uniform(4 * MS, 90 * MS)
            };
            packets.push((
                t + delay,
                false,
                response(id, &answer, qtype, edns, &mut rng),
            ));
            t += rng.log_uniform(20 * US, 300 * US);
        }
        packets.sort_by_key(|p| p.0);
        DnsLookup {
            path,
            client_port: Network::ephemeral_port(client.os, &mut rng),
            packets,
            next: 0,
            ip_ids: [rng.next_u16(), rng.next_u16()],
        }
    }

    pub fn next_time(&self) -> Option<u64> {
        self.packets.get(self.next).map(|p| p.0)
    }

    pub fn emit(&mut self, frame: &mut Frame) {
        let Some((_, from_client, message)) = self.packets.get(self.next) else {
            return;
        };
        self.next += 1;
        let id = &mut self.ip_ids[usize::from(!from_client)];
        *id = id.wrapping_add(1);
        let link = self.path.link(*from_client);
        let ip = self.path.ip(*from_client, *id);
        let (src, dst) = if *from_client {
            (self.client_port, 53)
        } else {
            (53, self.client_port)
        };
        frame.udp(&link, &ip, src, dst, message);
    }
}

/// Most hosts ask the site's resolver; some are set up with a public one.
fn resolver_path(net: &Network, client: &Host, rng: &mut Rng) -> Path {
    let via_router = Link {
        src: client.mac,
        dst: net.router_mac,
        vlan: client.vlan,
    };
    let ttl = client.os.initial_ttl();
    if rng.chance(0.75) {
        let resolver = &net.resolver;
        let (link, resolver_ttl) = if net.resolver_on_link(client) {
            let link = Link {
                dst: resolver.mac,
                ..via_router
            };
            (link, 64)
        } else {
            (via_router, 63) // one hop through the router
        };
        let addrs = Addrs::V4(client.ipv4, resolver.ipv4);
        Path::new(link, addrs, ttl, resolver_ttl, rng)
    } else {
        let public = *rng.pick(&net.public_resolvers);
        let addrs = Addrs::V4(client.ipv4, public);
        Path::new(via_router, addrs, ttl, rng.between(52, 60) as u8, rng)
    }
}

/// A CDN host name the name is served from.
fn cdn_alias(name: &str, rng: &mut Rng) -> String {
    let label = name.replace('.', "-");
    match rng.below(3) {
        0 => format!("{label}.edgekey.net"),
        1 => format!("d{:x}.cloudfront.net", rng.next_u32()),
        _ => format!("{label}.cdn.cloudflare.net"),
    }
}

fn query(id: u16, name: &str, qtype: u16, edns: bool) -> Vec<u8> {
    let mut w = DnsWriter::new(id, FLAG_RD, 1, 0, 0, u16::from(edns));
    w.question(name, qtype);
    if edns {
        w.opt(1232);
    }
    w.finish()
}

fn response(id: u16, answer: &Answer<'_>, qtype: u16, edns: bool, rng: &mut Rng) -> Vec<u8> {
    let ttl = rng.log_uniform(30, 3600) as u32;
    let flags = FLAG_QR | FLAG_RD | FLAG_RA;
    let additional = u16::from(edns);
    if !answer.exists {
        let mut w = DnsWriter::new(id, flags | RCODE_NXDOMAIN, 1, 0, 1, additional);
        w.question(answer.name, qtype);
        w.soa(parent_zone(answer.name), 900, rng);
        if edns {
            w.opt(1232);
        }
        return w.finish();
    }
    let addresses = address_records(answer.server, qtype, rng);
    let cname = answer.cname.as_deref();
    let count = addresses.len() + usize::from(cname.is_some());
    let nodata = addresses.is_empty();
    let mut w = DnsWriter::new(id, flags, 1, count as u16, u16::from(nodata), additional);
    w.question(answer.name, qtype);
    let owner = match cname {
        Some(alias) => {
            w.cname(answer.name, ttl, alias);
            alias
        }
        None => answer.name,
    };
    for record in &addresses {
        match record {
            Record::A(a) => w.record(owner, TYPE_A, ttl.min(300), &a.octets()),
            Record::Aaaa(a) => w.record(owner, TYPE_AAAA, ttl.min(300), &a.octets()),
        }
    }
    if nodata {
        w.soa(parent_zone(owner), 300, rng);
    }
    if edns {
        w.opt(1232);
    }
    w.finish()
}

enum Record {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
}

/// The server's own address first, then a few siblings in the same range,
/// as CDNs answer. No AAAA records for a server without IPv6 (NODATA).
fn address_records(server: &Server, qtype: u16, rng: &mut Rng) -> Vec<Record> {
    let extra = rng.below(4) as u8;
    match (qtype, server.ipv6) {
        (TYPE_A, _) => {
            let [a, b, c, d] = server.ipv4.octets();
            std::iter::once(server.ipv4)
                .chain((1..=extra).map(|i| Ipv4Addr::new(a, b, c, d.wrapping_add(i))))
                .map(Record::A)
                .collect()
        }
        (TYPE_AAAA, Some(v6)) => {
            let mut seg = v6.segments();
            (0..=u16::from(extra))
                .map(|i| {
                    seg[7] = v6.segments()[7].wrapping_add(i);
                    Record::Aaaa(Ipv6Addr::from(seg))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The zone that would hold the SOA for `name`: its last two labels.
fn parent_zone(name: &str) -> &str {
    let mut dots = name.rmatch_indices('.');
    match (dots.next(), dots.next()) {
        (Some(_), Some((i, _))) => &name[i + 1..],
        _ => name,
    }
}

/// Writes a DNS message (RFC 1035), compressing names against every name
/// already written, as servers do.
struct DnsWriter {
    buf: Vec<u8>,
    /// Where each name suffix written so far starts, for compression.
    suffixes: Vec<(String, u16)>,
}

impl DnsWriter {
    fn new(id: u16, flags: u16, qd: u16, an: u16, ns: u16, ar: u16) -> DnsWriter {
        let mut buf = Vec::with_capacity(256);
        for field in [id, flags, qd, an, ns, ar] {
            buf.extend_from_slice(&field.to_be_bytes());
        }
        DnsWriter {
            buf,
            suffixes: Vec::new(),
        }
    }

    fn finish(self) -> Vec<u8> {
        self.buf
    }

    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Writes `name`, ending in a pointer to the longest suffix already in
    /// the message.
    fn name(&mut self, name: &str) {
        let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
        for i in 0..labels.len() {
            let suffix = labels[i..].join(".");
            if let Some(&(_, at)) = self
                .suffixes
                .iter()
                .find(|(s, _)| s.eq_ignore_ascii_case(&suffix))
            {
                self.u16(0xc000 | at);
                return;
            }
            let here = self.buf.len();
            if here < 0x3fff {
                self.suffixes.push((suffix, here as u16));
            }
            self.buf.push(labels[i].len() as u8);
            self.buf.extend_from_slice(labels[i].as_bytes());
        }
        self.buf.push(0);
    }

    fn question(&mut self, name: &str, qtype: u16) {
        self.name(name);
        self.u16(qtype);
        self.u16(CLASS_IN);
    }

    fn record(&mut self, owner: &str, rtype: u16, ttl: u32, rdata: &[u8]) {
        self.name(owner);
        self.u16(rtype);
        self.u16(CLASS_IN);
        self.u32(ttl);
        self.u16(rdata.len() as u16);
        self.buf.extend_from_slice(rdata);
    }

    /// A record whose data is itself a (compressible) name.
    fn cname(&mut self, owner: &str, ttl: u32, target: &str) {
        self.name(owner);
        self.u16(TYPE_CNAME);
        self.u16(CLASS_IN);
        self.u32(ttl);
        let len_at = self.reserve_len();
        self.name(target);
        self.patch_len(len_at);
    }

    fn soa(&mut self, zone: &str, ttl: u32, rng: &mut Rng) {
        self.name(zone);
        self.u16(TYPE_SOA);
        self.u16(CLASS_IN);
        self.u32(ttl);
        let len_at = self.reserve_len();
        self.name(&format!("ns1.{zone}"));
        self.name(&format!("hostmaster.{zone}"));
        self.u32(2026031400 + rng.below(99) as u32); // serial
        for v in [7200, 3600, 1_209_600, 300] {
            self.u32(v); // refresh, retry, expire, minimum
        }
        self.patch_len(len_at);
    }

    /// The EDNS(0) OPT pseudo-record (RFC 6891) with our UDP payload size.
    fn opt(&mut self, udp_size: u16) {
        self.buf.push(0); // root
        self.u16(TYPE_OPT);
        self.u16(udp_size);
        self.u32(0); // extended rcode, version 0, no DO bit
        self.u16(0);
    }

    fn reserve_len(&mut self) -> usize {
        let at = self.buf.len();
        self.u16(0);
        at
    }

    fn patch_len(&mut self, at: usize) {
        let len = (self.buf.len() - at - 2) as u16;
        self.buf[at..at + 2].copy_from_slice(&len.to_be_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn names_are_compressed_against_earlier_ones() {
        let mut w = DnsWriter::new(1, 0, 1, 1, 0, 0);
        w.question("www.example.com", TYPE_A);
        w.cname("www.example.com", 60, "edge.example.com");
        let m = w.finish();
        // Question name at 12; the answer's owner is a pointer to it.
        let q_end = 12 + 17 + 4;
        assert_eq!(&m[q_end..q_end + 2], &[0xc0, 12]);
        // The alias: "edge" then a pointer to "example.com" at 16.
        let rdata = q_end + 2 + 8 + 2;
        assert_eq!(&m[rdata..rdata + 7], &[4, b'e', b'd', b'g', b'e', 0xc0, 16]);
        assert_eq!(m.len(), rdata + 7);
    }

    #[test]
    fn parent_zone_keeps_two_labels() {
        assert_eq!(parent_zone("www.example.com"), "example.com");
        assert_eq!(parent_zone("example.com"), "example.com");
    }
}
