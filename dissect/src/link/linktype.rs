//! LINKTYPE_* values (tcpdump.org/linktypes.html) that select the first dissector.

use std::fmt;

/// The link-layer header type of a frame, as stored in pcap and pcapng.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW: LinkType = LinkType(101);
    pub const IEEE802_11: LinkType = LinkType(105);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const PRISM: LinkType = LinkType(119);
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    pub const JUNIPER_ETHER: LinkType = LinkType(178);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The name tcpdump and libpcap use for this link type.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            LinkType::NULL => "NULL",
            LinkType::ETHERNET => "EN10MB",
            LinkType::RAW => "RAW",
            LinkType::IEEE802_11 => "IEEE802_11",
            LinkType::LOOP => "LOOP",
            LinkType::LINUX_SLL => "LINUX_SLL",
            LinkType::PRISM => "PRISM",
            LinkType::IEEE802_11_RADIOTAP => "IEEE802_11_RADIO",
            LinkType::JUNIPER_ETHER => "JUNIPER_ETHER",
            LinkType::IPV4 => "IPV4",
            LinkType::IPV6 => "IPV6",
            LinkType::LINUX_SLL2 => "LINUX_SLL2",
            _ => return None,
        })
    }

    /// Wireshark's `frame.encap_type` (WTAP_ENCAP_*) for this link type, where it is known.
    pub fn wtap_encap(self) -> Option<u32> {
        Some(match self {
            LinkType::ETHERNET => 1,
            LinkType::RAW => 7,
            LinkType::IPV4 => 129,
            LinkType::IPV6 => 130,
            LinkType::NULL => 15,
            LinkType::LOOP => 15,
            LinkType::LINUX_SLL => 25,
            LinkType::IEEE802_11 => 20,
            LinkType::PRISM => 21,
            LinkType::IEEE802_11_RADIOTAP => 23,
            LinkType::LINUX_SLL2 => 210,
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "LINKTYPE({})", self.0),
        }
    }
}
