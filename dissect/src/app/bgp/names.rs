//! Names of BGP numbers, as Wireshark shows them (IANA registries).

pub fn message_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "OPEN Message",
        2 => "UPDATE Message",
        3 => "NOTIFICATION Message",
        4 => "KEEPALIVE Message",
        5 => "ROUTE-REFRESH Message",
        6 => "CAPABILITY Message",
        128 => "Cisco ROUTE-REFRESH Message",
        _ => return None,
    })
}

pub fn opt_param_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Authentication (deprecated)",
        2 => "Capability",
        255 => "Extended Length",
        _ => return None,
    })
}

pub fn capability(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Reserved capability",
        1 => "Multiprotocol extensions capability",
        2 => "Route refresh capability",
        3 => "Cooperative route filtering capability",
        4 => "Multiple routes to a destination capability",
        5 => "Extended Next Hop Encoding",
        6 => "BGP Extended Message",
        7 => "BGPsec capability",
        8 => "Multiple Labels capability",
        9 => "BGP Role",
        64 => "Graceful Restart capability",
        65 => "Support for 4-octet AS number capability",
        66 => "Deprecated",
        67 => "Support for Dynamic capability (draft)",
        68 => "Multisession BGP Capability",
        69 => "Support for Additional Paths",
        70 => "Enhanced route refresh capability",
        71 => "Long-Lived Graceful Restart (LLGR) Capability",
        73 => "FQDN Capability",
        128 => "Route refresh capability (Cisco)",
        130 => "Cooperative route filtering capability (Cisco)",
        _ => return None,
    })
}

pub fn afi(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "IPv4",
        2 => "IPv6",
        25 => "Layer-2 VPN",
        16388 => "BGP-LS",
        _ => return None,
    })
}

pub fn safi(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Unicast",
        2 => "Multicast",
        3 => "Unicast+Multicast",
        4 => "Labeled Unicast",
        5 => "MCAST-VPN",
        65 => "VPLS",
        70 => "EVPN",
        71 => "BGP-LS",
        128 => "Labeled VPN Unicast",
        133 => "Flow Spec Filter",
        _ => return None,
    })
}

pub fn add_path_send_receive(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Receive",
        2 => "Send",
        3 => "Receive and Send",
        _ => return None,
    })
}

pub fn attribute_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "ORIGIN",
        2 => "AS_PATH",
        3 => "NEXT_HOP",
        4 => "MULTI_EXIT_DISC",
        5 => "LOCAL_PREF",
        6 => "ATOMIC_AGGREGATE",
        7 => "AGGREGATOR",
        8 => "COMMUNITIES",
        9 => "ORIGINATOR_ID",
        10 => "CLUSTER_LIST",
        14 => "MP_REACH_NLRI",
        15 => "MP_UNREACH_NLRI",
        16 => "EXTENDED_COMMUNITIES",
        17 => "AS4_PATH",
        18 => "AS4_AGGREGATOR",
        22 => "PMSI_TUNNEL_ATTRIBUTE",
        23 => "TUNNEL_ENCAPSULATION_ATTRIBUTE",
        26 => "AIGP",
        29 => "BGP-LS Attribute",
        32 => "LARGE_COMMUNITY",
        33 => "BGPsec_PATH",
        35 => "OTC",
        40 => "BGP Prefix-SID",
        128 => "ATTR_SET",
        _ => return None,
    })
}

pub fn origin(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "IGP",
        1 => "EGP",
        2 => "INCOMPLETE",
        _ => return None,
    })
}

pub fn as_path_segment_type(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "AS_SET",
        2 => "AS_SEQUENCE",
        3 => "AS_CONFED_SEQUENCE",
        4 => "AS_CONFED_SET",
        _ => return None,
    })
}

pub fn well_known_community(v: u64) -> Option<&'static str> {
    Some(match v {
        0xFFFF_0000 => "GRACEFUL_SHUTDOWN",
        0xFFFF_0001 => "ACCEPT_OWN",
        0xFFFF_0002 => "ROUTE_FILTER_TRANSLATED_v4",
        0xFFFF_0003 => "ROUTE_FILTER_v4",
        0xFFFF_0004 => "ROUTE_FILTER_TRANSLATED_v6",
        0xFFFF_0005 => "ROUTE_FILTER_v6",
        0xFFFF_0006 => "LLGR_STALE",
        0xFFFF_0007 => "NO_LLGR",
        0xFFFF_0008 => "accept-own-nexthop",
        0xFFFF_029A => "BLACKHOLE",
        0xFFFF_FF01 => "NO_EXPORT",
        0xFFFF_FF02 => "NO_ADVERTISE",
        0xFFFF_FF03 => "NO_EXPORT_SUBCONFED",
        0xFFFF_FF04 => "NOPEER",
        _ => return None,
    })
}

pub fn notify_major(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Message Header Error",
        2 => "OPEN Message Error",
        3 => "UPDATE Message Error",
        4 => "Hold Timer Expired",
        5 => "Finite State Machine Error",
        6 => "Cease",
        7 => "ROUTE-REFRESH Message Error",
        _ => return None,
    })
}

pub fn notify_minor_header(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Connection Not Synchronized",
        2 => "Bad Message Length",
        3 => "Bad Message Type",
        _ => return None,
    })
}

pub fn notify_minor_open(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Unsupported Version Number",
        2 => "Bad Peer AS",
        3 => "Bad BGP Identifier",
        4 => "Unsupported Optional Parameter",
        5 => "Authentication Failure",
        6 => "Unacceptable Hold Time",
        7 => "Unsupported Capability",
        8 => "No supported AFI/SAFI",
        11 => "Role Mismatch",
        _ => return None,
    })
}

pub fn notify_minor_update(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Malformed Attribute List",
        2 => "Unrecognized Well-known Attribute",
        3 => "Missing Well-known Attribute",
        4 => "Attribute Flags Error",
        5 => "Attribute Length Error",
        6 => "Invalid ORIGIN Attribute",
        7 => "AS Routing Loop",
        8 => "Invalid NEXT_HOP Attribute",
        9 => "Optional Attribute Error",
        10 => "Invalid Network Field",
        11 => "Malformed AS_PATH",
        _ => return None,
    })
}

pub fn notify_minor_fsm(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Unspecified Error",
        1 => "Receive Unexpected Message in OpenSent State",
        2 => "Receive Unexpected Message in OpenConfirm State",
        3 => "Receive Unexpected Message in Established State",
        _ => return None,
    })
}

pub fn notify_minor_cease(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Maximum Number of Prefixes Reached",
        2 => "Administratively Shutdown",
        3 => "Peer De-configured",
        4 => "Administratively Reset",
        5 => "Connection Rejected",
        6 => "Other Configuration Change",
        7 => "Connection Collision Resolution",
        8 => "Out of Resources",
        9 => "Hard Reset",
        10 => "BFD Down",
        _ => return None,
    })
}

pub fn notify_minor_route_refresh(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Invalid Message Length",
        _ => return None,
    })
}

pub fn route_refresh_subtype(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Normal route refresh request [RFC2918] with/without ORF [RFC5291]",
        1 => "Demarcation of the beginning of a route refresh",
        2 => "Demarcation of the ending of a route refresh",
        _ => return None,
    })
}

/// The text of a NOTIFICATION's error, for Info, timelines and the route view.
pub fn notification_text(major: u8, minor: u8) -> String {
    let m = notify_major(major.into()).unwrap_or("Unknown error");
    let minor_name = match major {
        1 => notify_minor_header(minor.into()),
        2 => notify_minor_open(minor.into()),
        3 => notify_minor_update(minor.into()),
        5 => notify_minor_fsm(minor.into()),
        6 => notify_minor_cease(minor.into()),
        7 => notify_minor_route_refresh(minor.into()),
        _ => None,
    };
    match minor_name {
        Some(n) => format!("{m}/{n}"),
        None if minor == 0 => m.to_string(),
        None => format!("{m}/{minor}"),
    }
}
