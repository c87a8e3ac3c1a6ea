//! Names of well-known numbers, shared by several protocols.

/// EtherType names (IEEE registry, as Wireshark labels them).
pub fn ethertype(v: u64) -> Option<&'static str> {
    Some(match v {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q Virtual LAN",
        0x88a8 => "802.1ad Provider Bridge (Q-in-Q)",
        0x9100 => "VLAN-tagged frame (Q-in-Q)",
        0x6558 => "Transparent Ethernet bridging",
        0x888e => "802.1X Authentication",
        0x88cc => "802.1 Link Layer Discovery Protocol (LLDP)",
        0x8847 => "MPLS label switched packet",
        0x880b => "PPP",
        0x8863 => "PPPoE Discovery",
        0x8864 => "PPPoE Session",
        _ => return None,
    })
}

/// IP protocol numbers (IANA).
pub fn ip_proto(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "IPv6 Hop-by-Hop Option",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing Header for IPv6",
        44 => "Fragment Header for IPv6",
        47 => "Generic Routing Encapsulation",
        50 => "Encap Security Payload",
        51 => "Authentication Header",
        58 => "ICMPv6",
        59 => "IPv6 No Next Header",
        60 => "Destination Options for IPv6",
        89 => "OSPF IGP",
        103 => "PIM",
        112 => "Virtual Router Redundancy Protocol",
        132 => "Stream Control Transmission Protocol",
        135 => "Mobility Header",
        _ => return None,
    })
}

/// Checksum verdicts as Wireshark numbers them in `*.checksum.status`.
pub fn checksum_status(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Bad",
        1 => "Good",
        2 => "Unverified",
        3 => "Not present",
        4 => "Illegal",
        _ => return None,
    })
}

/// Wireshark's `tfs_true_false`, its default for a flag with no bit mask.
pub fn true_false(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "True" } else { "False" })
}

/// Wireshark's `tfs_yes_no`.
pub fn yes_no(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Yes" } else { "No" })
}
