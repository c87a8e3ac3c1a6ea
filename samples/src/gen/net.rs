//! The simulated site: client hosts on a LAN split into VLANs behind one
//! router, an internal DNS resolver, and public servers out on the Internet.
//!
//! The capture point is the router's trunk port: frames of hosts on the
//! native VLAN are untagged, those of the other VLANs carry their 802.1Q tag,
//! and everything to or from the Internet has the router's MAC on the LAN side.

use std::net::{Ipv4Addr, Ipv6Addr};

use pnet_base::MacAddr;

use super::frame::{Ip, Link};
use super::rng::Rng;

/// VLANs seen tagged on the trunk; `None` is the native (untagged) VLAN.
const VLANS: [Option<u16>; 4] = [None, Some(10), Some(20), Some(30)];
/// How the client hosts spread over [`VLANS`].
const VLAN_WEIGHTS: [u32; 4] = [70, 12, 10, 8];

const CLIENTS: usize = 600;
const SERVERS: usize = 3000;

/// The operating system of a host: it decides its initial TTL, its TCP
/// options and the shape of its pings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    Windows,
    Mac,
}

impl Os {
    pub fn initial_ttl(self) -> u8 {
        match self {
            Os::Windows => 128,
            Os::Linux | Os::Mac => 64,
        }
    }
}

/// A host on the LAN.
#[derive(Clone, Debug)]
pub struct Host {
    pub mac: MacAddr,
    pub ipv4: Ipv4Addr,
    pub ipv6: Ipv6Addr,
    pub vlan: Option<u16>,
    pub os: Os,
}

/// A server somewhere on the Internet.
#[derive(Clone, Debug)]
pub struct Server {
    pub name: String,
    pub ipv4: Ipv4Addr,
    /// Only some servers are reachable over IPv6.
    pub ipv6: Option<Ipv6Addr>,
    /// The TTL (hop limit) its packets have when they reach the capture point.
    pub ttl: u8,
}

pub struct Network {
    pub router_mac: MacAddr,
    pub clients: Vec<Host>,
    pub servers: Vec<Server>,
    /// The site's own resolver, on the native VLAN.
    pub resolver: Host,
    /// Public resolvers some clients are configured to use instead.
    pub public_resolvers: [Ipv4Addr; 2],
}

impl Network {
    pub fn new(rng: &mut Rng) -> Network {
        let router_mac = mac_with_oui(rng, [0x00, 0x1e, 0xbd]);
        let resolver = Host {
            mac: mac_with_oui(rng, [0x52, 0x54, 0x00]),
            ipv4: Ipv4Addr::new(10, 0, 0, 2),
            ipv6: Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53),
            vlan: None,
            os: Os::Linux,
        };
        let mut clients = Vec::with_capacity(CLIENTS);
        while clients.len() < CLIENTS {
            let host = new_client(rng);
            if clients.iter().all(|c: &Host| c.ipv4 != host.ipv4) {
                clients.push(host);
            }
        }
        let servers = (0..SERVERS).map(|_| new_server(rng)).collect();
        Network {
            router_mac,
            clients,
            servers,
            resolver,
            public_resolvers: [Ipv4Addr::new(1, 1, 1, 1), Ipv4Addr::new(9, 9, 9, 9)],
        }
    }

    /// The router's address on a host's VLAN: `10.<vlan>.0.1`.
    pub fn gateway(&self, vlan: Option<u16>) -> Ipv4Addr {
        Ipv4Addr::new(10, vlan.unwrap_or(0) as u8, 0, 1)
    }

    /// Whether `host` reaches the site resolver without the router.
    pub fn resolver_on_link(&self, host: &Host) -> bool {
        host.vlan == self.resolver.vlan
    }
}

fn new_client(rng: &mut Rng) -> Host {
    let vlan = VLANS[rng.weighted(&VLAN_WEIGHTS)];
    let third = match vlan {
        None => rng.between(1, 7),
        Some(_) => rng.between(0, 3),
    } as u8;
    let ipv4 = Ipv4Addr::new(
        10,
        vlan.unwrap_or(0) as u8,
        third,
        rng.between(2, 254) as u8,
    );
    // SLAAC with a random interface id (RFC 8981 temporary addresses).
    let iid = rng.next_u64();
    let ipv6 = Ipv6Addr::new(
        0x2001,
        0xdb8,
        vlan.unwrap_or(0),
        u16::from(third),
        (iid >> 48) as u16,
        (iid >> 32) as u16,
        (iid >> 16) as u16,
        iid as u16,
    );
    let os = [Os::Linux, Os::Windows, Os::Mac][rng.weighted(&[35, 45, 20])];
    // Vendor prefixes of common laptops and desktops.
    const OUIS: [[u8; 3]; 6] = [
        [0x3c, 0x22, 0xfb],
        [0xf8, 0xbc, 0x12],
        [0x54, 0xe1, 0xad],
        [0x00, 0x21, 0x5a],
        [0xa4, 0x83, 0xe7],
        [0x8c, 0x16, 0x45],
    ];
    let oui = *rng.pick(&OUIS);
    Host {
        mac: mac_with_oui(rng, oui),
        ipv4,
        ipv6,
        vlan,
        os,
    }
}

fn new_server(rng: &mut Rng) -> Server {
    // First octets of well-known hosting, CDN and cloud ranges, and the
    // documentation ranges: public-looking, and nothing here is ever sent.
    const V4_PREFIXES: [[u8; 2]; 12] = [
        [104, 16],
        [151, 101],
        [142, 250],
        [172, 217],
        [13, 107],
        [52, 96],
        [185, 199],
        [140, 82],
        [93, 184],
        [23, 215],
        [198, 51],
        [203, 0],
    ];
    const V6_PREFIXES: [[u16; 2]; 4] = [
        [0x2606, 0x4700],
        [0x2a00, 0x1450],
        [0x2a04, 0x4e42],
        [0x2a03, 0x2880],
    ];
    let [a, b] = *rng.pick(&V4_PREFIXES);
    let ipv4 = Ipv4Addr::new(a, b, rng.next_u8(), rng.between(1, 254) as u8);
    let ipv6 = rng.chance(0.4).then(|| {
        let [p0, p1] = *rng.pick(&V6_PREFIXES);
        Ipv6Addr::new(
            p0,
            p1,
            rng.next_u16(),
            0,
            0,
            0,
            rng.next_u16(),
            rng.next_u16() | 1,
        )
    });
    let initial_ttl = [64u8, 128, 255][rng.weighted(&[70, 10, 20])];
    let hops = rng.between(6, 24) as u8;
    Server {
        name: domain_name(rng),
        ipv4,
        ipv6,
        ttl: initial_ttl - hops,
    }
}

/// A plausible host name: `www.`, `api.` or `cdn.` + a made-up word + a TLD.
fn domain_name(rng: &mut Rng) -> String {
    const SYLLABLES: [&str; 24] = [
        "al", "be", "co", "da", "el", "fo", "ga", "hi", "ka", "lo", "ma", "ne", "no", "pa", "ra",
        "si", "ta", "ve", "zo", "lux", "tron", "net", "gram", "ify",
    ];
    const HOSTS: [&str; 6] = ["www", "api", "cdn", "static", "img", "login"];
    const TLDS: [&str; 8] = ["com", "net", "org", "io", "de", "co.uk", "fr", "app"];
    let mut word = String::new();
    for _ in 0..rng.between(2, 4) {
        let syllable: &&str = rng.pick(&SYLLABLES);
        word.push_str(syllable);
    }
    let host = *rng.pick(&HOSTS);
    let tld = *rng.pick(&TLDS);
    format!("{host}.{word}.{tld}")
}

fn mac_with_oui(rng: &mut Rng, oui: [u8; 3]) -> MacAddr {
    MacAddr::new(
        oui[0],
        oui[1],
        oui[2],
        rng.next_u8(),
        rng.next_u8(),
        rng.next_u8(),
    )
}

/// The two addresses of a conversation, client first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addrs {
    V4(Ipv4Addr, Ipv4Addr),
    V6(Ipv6Addr, Ipv6Addr),
}

/// How a conversation between a LAN host (the client) and a peer looks on
/// the trunk, in both directions.
#[derive(Clone, Copy, Debug)]
pub struct Path {
    /// Client to next hop: the router, or the peer itself when on-link.
    pub link: Link,
    pub addrs: Addrs,
    pub client_ttl: u8,
    pub server_ttl: u8,
    /// IPv6 flow labels, client's then server's: fixed per connection.
    pub flow_labels: [u32; 2],
}

impl Path {
    pub fn new(link: Link, addrs: Addrs, client_ttl: u8, server_ttl: u8, rng: &mut Rng) -> Path {
        Path {
            link,
            addrs,
            client_ttl,
            server_ttl,
            flow_labels: [rng.next_u32() & 0xf_ffff, rng.next_u32() & 0xf_ffff],
        }
    }

    pub fn link(&self, from_client: bool) -> Link {
        if from_client {
            self.link
        } else {
            self.link.reversed()
        }
    }

    /// The IP header of a packet in one direction; `id` is the IPv4
    /// identification (unused for IPv6).
    pub fn ip(&self, from_client: bool, id: u16) -> Ip {
        let ttl = if from_client {
            self.client_ttl
        } else {
            self.server_ttl
        };
        match self.addrs {
            Addrs::V4(c, s) => {
                let (src, dst) = if from_client { (c, s) } else { (s, c) };
                Ip::V4 { src, dst, ttl, id }
            }
            Addrs::V6(c, s) => {
                let (src, dst) = if from_client { (c, s) } else { (s, c) };
                Ip::V6 {
                    src,
                    dst,
                    hop_limit: ttl,
                    flow_label: self.flow_labels[usize::from(!from_client)],
                }
            }
        }
    }

    pub fn is_ipv6(&self) -> bool {
        matches!(self.addrs, Addrs::V6(..))
    }
}

impl Network {
    /// The path from `client` to a server on the Internet, through the router.
    pub fn internet_path(&self, client: &Host, server: &Server, ipv6: bool, rng: &mut Rng) -> Path {
        let addrs = match (ipv6, server.ipv6) {
            (true, Some(v6)) => Addrs::V6(client.ipv6, v6),
            _ => Addrs::V4(client.ipv4, server.ipv4),
        };
        let link = Link {
            src: client.mac,
            dst: self.router_mac,
            vlan: client.vlan,
        };
        Path::new(link, addrs, client.os.initial_ttl(), server.ttl, rng)
    }

    /// An ephemeral port as the client's OS would pick it.
    pub fn ephemeral_port(os: Os, rng: &mut Rng) -> u16 {
        match os {
            Os::Linux => rng.between(32_768, 60_999) as u16,
            Os::Windows | Os::Mac => rng.between(49_152, 65_535) as u16,
        }
    }
}
