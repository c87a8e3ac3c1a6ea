//! The fields of the `dhcp` protocol, named and labelled as Wireshark 4.0's
//! packet-dhcp.c registers them, and how the tree writes the ones whose line
//! is not plain `Label: value`.

use std::fmt::Write as _;

use crate::declare_fields;
use crate::model::{FieldDef, Value};

use super::options::option_name;

declare_fields! {
    #[hidden] BOOTP = "dhcp.bootp", "Frame is BOOTP", Bool;
    #[format = crate::model::field::named_or_unknown_text] TYPE = "dhcp.type", "Message type", U8, Dec, op_name;
    #[format = crate::model::field::named_or_unknown_text] HW_TYPE = "dhcp.hw.type", "Hardware type", U8, Hex(2), crate::net::arp::hardware_type_name;
    HW_LEN = "dhcp.hw.len", "Hardware address length", U8;
    HOPS = "dhcp.hops", "Hops", U8;
    ID = "dhcp.id", "Transaction ID", U32, Hex(8);
    SECS = "dhcp.secs", "Seconds elapsed", U16;
    SECS_LE = "dhcp.secs_le", "Seconds elapsed appears to be encoded as little-endian", None;
    FLAGS = "dhcp.flags", "Bootp flags", U16, Hex(4);
    FLAGS_BC = "dhcp.flags.bc", "Broadcast flag", Bool(16) & 0x8000, Dec, broadcast_unicast;
    FLAGS_RESERVED = "dhcp.flags.reserved", "Reserved flags", U16 & 0x7fff, Hex(4);
    IP_CLIENT = "dhcp.ip.client", "Client IP address", Ipv4;
    IP_YOUR = "dhcp.ip.your", "Your (client) IP address", Ipv4;
    IP_SERVER = "dhcp.ip.server", "Next server IP address", Ipv4;
    IP_RELAY = "dhcp.ip.relay", "Relay agent IP address", Ipv4;
    HW_ADDR = "dhcp.hw.addr", "Client hardware address", Bytes;
    HW_ADDR_PADDING = "dhcp.hw.addr_padding", "Client hardware address padding", Bytes;
    HW_MAC_ADDR = "dhcp.hw.mac_addr", "Client MAC address", Mac;
    CLIENT_ADDRESS_NOT_GIVEN = "dhcp.client_address_not_given", "Client address not given", None;
    #[format = crate::model::field::escaped_string_text] SERVER = "dhcp.server", "Server host name", String;
    #[format = crate::model::field::escaped_string_text] FILE = "dhcp.file", "Boot file name", String;
    SERVER_OVERLOADED = "dhcp.server_name_overloaded_by_dhcp", "Server name option overloaded by DHCP", None;
    FILE_OVERLOADED = "dhcp.boot_filename_overloaded_by_dhcp", "Boot file name option overloaded by DHCP", None;
    #[format = cookie_text] COOKIE = "dhcp.cookie", "Magic cookie", Ipv4;
    VENDOR_SPECIFIC_OPTIONS = "dhcp.vendor_specific_options", "Bootp vendor specific options", Bytes;
    END_OPTION_MISSING = "dhcp.end_option_missing", "End option missing", None;
    BAD_LENGTH = "dhcp.bad_length", "length isn't 0", None;
    MALFORMED_DUID = "dhcp.malformed.duid", "DUID: malformed option", None;

    OPTION_TYPE = "dhcp.option.type", "Option", U8;
    OPTION_LENGTH = "dhcp.option.length", "Length", U8;
    #[hidden] OPTION_VALUE = "dhcp.option.value", "Value", Bytes;
    #[format = bytes_text] OPTION_VALUE_SHOWN = "dhcp.option.value", "Value", Bytes;
    #[format = bytes_text] OPTION_PADDING = "dhcp.option.padding", "Padding", Bytes;
    OPTION_END = "dhcp.option.end", "Option End", U8;
    OPTION_END_OVERLOAD = "dhcp.option.end", "Option End (Overload)", U8;
    STRAY_CHARACTERS = "_ws.string.trailing_stray_characters", "Trailing stray characters", None;

    #[format = crate::model::field::named_or_unknown_text] OPT_DHCP = "dhcp.option.dhcp", "DHCP", U8, Dec, message_type_name;
    #[format = request_item_text] OPT_REQUEST_LIST_ITEM = "dhcp.option.request_list_item", "Parameter Request List Item", U8;
    #[format = crate::model::field::escaped_string_text] OPT_VENDOR_CLASS_ID = "dhcp.option.vendor_class_id", "Vendor class identifier", String;
    #[format = bytes_text] OPT_VENDOR_VALUE = "dhcp.option.vendor.value", "Value", Bytes;
    #[format = crate::model::field::named_or_unknown_text] OPT_OVERLOAD = "dhcp.option.option_overload", "Option Overload", U8, Dec, overload_name;
    SNAME_OPTIONS = "dhcp_overload_sname", "Server host name option overload", None;
    FILE_OPTIONS = "dhcp_overload_file", "Boot file name option overload", None;
    OVERLOAD_SNAME_END_MISSING = "dhcp.option.option_overload.sname_end_missing", "sname overload end option missing", None;
    OVERLOAD_FILE_END_MISSING = "dhcp.option.option_overload.file_end_missing", "file overload end option missing", None;
    OPT_POLICY_FILTER_IP = "dhcp.option.policy_filter.ip", "IP Address", Ipv4;
    OPT_POLICY_FILTER_MASK = "dhcp.option.policy_filter.subnet_mask", "Subnet Mask", Ipv4;
    OPT_STATIC_ROUTE_IP = "dhcp.option.static_route.ip", "Destination IP Address", Ipv4;
    OPT_STATIC_ROUTE_ROUTER = "dhcp.option.static_route.router", "Destination Router", Ipv4;

    CLIENT_HARDWARE_ADDRESS = "dhcp.client_hardware_address", "Client hardware address", String;
    CLIENT_ID_UUID = "dhcp.client_id.uuid", "Client Identifier (UUID)", String;
    CLIENT_ID_IAID = "dhcp.client_id.iaid", "IAID", String;
    #[format = crate::model::field::named_or_unknown_text] CLIENT_ID_DUID_TYPE = "dhcp.client_id.duid_type", "DUID Type", U16, Dec, duid_type_name;
    #[format = crate::model::field::named_or_unknown_text] CLIENT_ID_DUID_LLT_HW_TYPE = "dhcp.client_id.duid_llt_hw_type", "Hardware type", U16, Dec, crate::net::arp::hardware_type_name;
    #[format = crate::model::field::named_or_unknown_text] CLIENT_ID_DUID_LL_HW_TYPE = "dhcp.client_id.duid_ll_hw_type", "Hardware type", U16, Dec, crate::net::arp::hardware_type_name;
    CLIENT_ID_TIME = "dhcp.client_id.time", "Time", U32;
    CLIENT_ID_LINK_LAYER_ADDRESS = "dhcp.client_id.link_layer_address", "Link layer address", String;
    CLIENT_ID_ENTERPRISE_NUM = "dhcp.client_id.enterprise_num", "Enterprise-number", U32;
    CLIENT_ID = "dhcp.client_id", "Identifier", Bytes;
    CLIENT_ID_TYPE = "dhcp.client_id.type", "Type", U8;
    #[format = crate::model::field::escaped_string_text] CLIENT_ID_UNDEF = "dhcp.client_id.undef", "Client Identifier", String;

    FQDN_FLAGS = "dhcp.fqdn.flags", "Flags", U8, Hex(2);
    #[format = mbz_text] FQDN_MBZ = "dhcp.fqdn.mbz", "Reserved flags", U8 & 0xf0, Hex(2);
    FQDN_N = "dhcp.fqdn.n", "Server DDNS", Bool(8) & 0x08, Dec, fqdn_n_name;
    FQDN_E = "dhcp.fqdn.e", "Encoding", Bool(8) & 0x04, Dec, fqdn_e_name;
    FQDN_O = "dhcp.fqdn.o", "Server overrides", Bool(8) & 0x02, Dec, fqdn_o_name;
    FQDN_S = "dhcp.fqdn.s", "Server", Bool(8) & 0x01, Dec, fqdn_s_name;
    FQDN_RCODE1 = "dhcp.fqdn.rcode1", "A-RR result", U8;
    FQDN_RCODE2 = "dhcp.fqdn.rcode2", "PTR-RR result", U8;
    #[format = crate::model::field::escaped_string_text] FQDN_NAME = "dhcp.fqdn.name", "Client name", String;

    OPT_SUBNET_MASK = "dhcp.option.subnet_mask", "Subnet Mask", Ipv4;
    #[format = time_s_text] OPT_TIME_OFFSET = "dhcp.option.time_offset", "Time Offset", I32;
    OPT_ROUTER = "dhcp.option.router", "Router", Ipv4;
    OPT_TIME_SERVER = "dhcp.option.time_server", "Time Server", Ipv4;
    OPT_NAME_SERVER = "dhcp.option.name_server", "Name Server", Ipv4;
    OPT_DOMAIN_NAME_SERVER = "dhcp.option.domain_name_server", "Domain Name Server", Ipv4;
    OPT_LOG_SERVER = "dhcp.option.log_server", "Log Server", Ipv4;
    OPT_QUOTES_SERVER = "dhcp.option.quotes_server", "Quotes Server", Ipv4;
    OPT_LPR_SERVER = "dhcp.option.lpr_server", "LPR Server", Ipv4;
    OPT_IMPRESS_SERVER = "dhcp.option.impress_server", "Impress Server", Ipv4;
    OPT_RESOURCE_LOCATION_SERVER = "dhcp.option.resource_location_server", "Resource Location Server", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_HOSTNAME = "dhcp.option.hostname", "Host Name", String;
    OPT_BOOT_FILE_SIZE = "dhcp.option.boot_file_size", "Boot File Size", U16;
    #[format = crate::model::field::escaped_string_text] OPT_MERIT_DUMP_FILE = "dhcp.option.merit_dump_file", "Merit Dump File", String;
    #[format = crate::model::field::escaped_string_text] OPT_DOMAIN_NAME = "dhcp.option.domain_name", "Domain Name", String;
    OPT_SWAP_SERVER = "dhcp.option.swap_server", "Swap Server", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_ROOT_PATH = "dhcp.option.root_path", "Root Path", String;
    #[format = crate::model::field::escaped_string_text] OPT_EXTENSION_PATH = "dhcp.option.extension_path", "Extensions Path", String;
    OPT_IP_FORWARDING = "dhcp.option.ip_forwarding", "IP Forwarding", Bool, Dec, enabled_disabled;
    OPT_NON_LOCAL_SOURCE_ROUTING = "dhcp.option.non_local_source_routing", "Non-Local Source Routing", Bool, Dec, enabled_disabled;
    OPT_MAX_DATAGRAM_REASSEMBLY_SIZE = "dhcp.option.max_datagram_reassembly_size", "Maximum Datagram Reassembly Size", U16;
    OPT_DEFAULT_IP_TTL = "dhcp.option.default_ip_ttl", "Default IP Time-to-Live", U8;
    #[format = time_u_text] OPT_PATH_MTU_AGING_TIMEOUT = "dhcp.option.path_mtu_aging_timeout", "Path MTU Aging Timeout", U32;
    OPT_PATH_MTU_PLATEAU_TABLE_ITEM = "dhcp.option.path_mtu_plateau_table_item", "Path MTU Plateau Table Item", U16;
    OPT_INTERFACE_MTU = "dhcp.option.interface_mtu", "Interface MTU", U16;
    OPT_ALL_SUBNETS_ARE_LOCAL = "dhcp.option.all_subnets_are_local", "All Subnets are Local", Bool, Dec, crate::names::yes_no;
    OPT_BROADCAST_ADDRESS = "dhcp.option.broadcast_address", "Broadcast Address", Ipv4;
    OPT_PERFORM_MASK_DISCOVERY = "dhcp.option.perform_mask_discovery", "Perform Mask Discovery", Bool, Dec, enabled_disabled;
    OPT_MASK_SUPPLIER = "dhcp.option.mask_supplier", "Mask Supplier", Bool, Dec, crate::names::yes_no;
    OPT_PERFORM_ROUTER_DISCOVER = "dhcp.option.perform_router_discover", "Perform Router Discover", Bool, Dec, enabled_disabled;
    OPT_ROUTER_SOLICITATION_ADDRESS = "dhcp.option.router_solicitation_address", "Router Solicitation Address", Ipv4;
    OPT_TRAILER_ENCAPSULATION = "dhcp.option.trailer_encapsulation", "Trailer Encapsulation", Bool, Dec, enabled_disabled;
    #[format = time_u_text] OPT_ARP_CACHE_TIMEOUT = "dhcp.option.arp_cache_timeout", "ARP Cache Timeout", U32;
    OPT_ETHERNET_ENCAPSULATION = "dhcp.option.ethernet_encapsulation", "Ethernet Encapsulation", Bool, Dec, enabled_disabled;
    OPT_TCP_DEFAULT_TTL = "dhcp.option.tcp_default_ttl", "TCP Default TTL", U8;
    #[format = time_u_text] OPT_TCP_KEEPALIVE_INTERVAL = "dhcp.option.tcp_keepalive_interval", "TCP Keepalive Interval", U32;
    OPT_TCP_KEEPALIVE_GARBAGE = "dhcp.option.tcp_keepalive_garbage", "TCP Keepalive Garbage", Bool, Dec, enabled_disabled;
    #[format = crate::model::field::escaped_string_text] OPT_NIS_DOMAIN = "dhcp.option.nis_domain", "Network Information Service Domain", String;
    OPT_NIS_SERVER = "dhcp.option.nis_server", "Network Information Service Server", Ipv4;
    OPT_NTP_SERVER = "dhcp.option.ntp_server", "Network Time Protocol Server", Ipv4;
    OPT_NETBIOS_OVER_TCPIP_NAME_SERVER = "dhcp.option.netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server", Ipv4;
    OPT_NETBIOS_OVER_TCPIP_DD_NAME_SERVER = "dhcp.option.netbios_over_tcpip_dd_name_server", "NetBIOS over TCP/IP Datagram Distribution Name Server", Ipv4;
    #[format = crate::model::field::named_or_unknown_text] OPT_NETBIOS_OVER_TCPIP_NODE_TYPE = "dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type", U8, Dec, node_type_name;
    #[format = crate::model::field::escaped_string_text] OPT_NETBIOS_OVER_TCPIP_SCOPE = "dhcp.option.netbios_over_tcpip_scope", "NetBIOS over TCP/IP Scope", String;
    OPT_XWINDOWS_SYSTEM_FONT_SERVER = "dhcp.option.xwindows_system_font_server", "X Window System Font Server", Ipv4;
    OPT_XWINDOWS_SYSTEM_DISPLAY_MANAGER = "dhcp.option.xwindows_system_display_manager", "X Window System Display Manager", Ipv4;
    OPT_REQUESTED_IP_ADDRESS = "dhcp.option.requested_ip_address", "Requested IP Address", Ipv4;
    #[format = time_u_text] OPT_IP_ADDRESS_LEASE_TIME = "dhcp.option.ip_address_lease_time", "IP Address Lease Time", U32;
    OPT_DHCP_SERVER_ID = "dhcp.option.dhcp_server_id", "DHCP Server Identifier", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_MESSAGE = "dhcp.option.message", "Message", String;
    OPT_DHCP_MAX_MESSAGE_SIZE = "dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", U16;
    #[format = time_u_text] OPT_RENEWAL_TIME_VALUE = "dhcp.option.renewal_time_value", "Renewal Time Value", U32;
    #[format = time_u_text] OPT_REBINDING_TIME_VALUE = "dhcp.option.rebinding_time_value", "Rebinding Time Value", U32;
    #[format = crate::model::field::escaped_string_text] OPT_NIS_PLUS_DOMAIN = "dhcp.option.nis_plus_domain", "Network Information Service+ Domain", String;
    OPT_NIS_PLUS_SERVER = "dhcp.option.nis_plus_server", "Network Information Service+ Server", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_TFTP_SERVER_NAME = "dhcp.option.tftp_server_name", "TFTP Server Name", String;
    #[format = crate::model::field::escaped_string_text] OPT_BOOTFILE_NAME = "dhcp.option.bootfile_name", "Bootfile name", String;
    OPT_MOBILE_IP_HOME_AGENT = "dhcp.option.mobile_ip_home_agent", "Mobile IP Home Agent", Ipv4;
    OPT_SMTP_SERVER = "dhcp.option.smtp_server", "SMTP Server", Ipv4;
    OPT_POP3_SERVER = "dhcp.option.pop3_server", "POP3 Server", Ipv4;
    OPT_NNTP_SERVER = "dhcp.option.nntp_server", "NNTP Server", Ipv4;
    OPT_DEFAULT_WWW_SERVER = "dhcp.option.default_www_server", "Default WWW Server", Ipv4;
    OPT_DEFAULT_FINGER_SERVER = "dhcp.option.default_finger_server", "Default Finger Server", Ipv4;
    OPT_DEFAULT_IRC_SERVER = "dhcp.option.default_irc_server", "Default IRC Server", Ipv4;
    OPT_STREETTALK_SERVER = "dhcp.option.streettalk_server", "StreetTalk Server", Ipv4;
    OPT_STREETTALK_DA_SERVER = "dhcp.option.streettalk_da_server", "StreetTalk Directory Assistance Server", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_NOVELL_DS_TREE_NAME = "dhcp.option.novell_ds_tree_name", "Novell Directory Services Tree Name", String;
    #[format = crate::model::field::escaped_string_text] OPT_NOVELL_DS_CONTEXT = "dhcp.option.novell_ds_context", "Novell Directory Services Context", String;
    #[format = time_u_text] OPT_CLIENT_LAST_TRANSACTION_TIME = "dhcp.option.client_last_transaction_time", "Client last transaction time", U32;
    OPT_ASSOCIATED_IP_OPTION = "dhcp.option.associated_ip_option", "Associated IP option", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_TZ_PCODE = "dhcp.option.tz_pcode", "TZ PCode", String;
    #[format = crate::model::field::escaped_string_text] OPT_TZ_TCODE = "dhcp.option.tz_tcode", "TZ TCode", String;
    OPT_NETINFO_PARENT_SERVER_ADDRESS = "dhcp.option.netinfo_parent_server_address", "NetInfo Parent Server Address", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_NETINFO_PARENT_SERVER_TAG = "dhcp.option.netinfo_parent_server_tag", "NetInfo Parent Server Tag", String;
    #[format = crate::model::field::named_or_unknown_text] OPT_DHCP_AUTO_CONFIGURATION = "dhcp.option.dhcp_auto_configuration", "DHCP Auto-Configuration", U8, Dec, auto_configuration_name;
    OPT_SUBNET_SELECTION_OPTION = "dhcp.option.subnet_selection_option", "Subnet Selection Option", Ipv4;
    #[format = crate::model::field::escaped_string_text] OPT_LOST_SERVER_DOMAIN_NAME = "dhcp.option.lost_server_domain_name", "LoST Server Domain Name", String;
    OPT_CAPWAP_ACCESS_CONTROLLER = "dhcp.option.capwap_access_controller", "CAPWAP Access Controllers", Ipv4;
    OPT_ANDSF_SERVER = "dhcp.option.andsf_server", "ANDSF Server", Ipv4;
    OPT_TFTP_SERVER_ADDRESS = "dhcp.option.tftp_server_address", "TFTP Server Address", Ipv4;
    #[format = time_u_text] OPT_BULK_LEASE_START_TIME_OF_STATE = "dhcp.option.bulk_lease.start_time_of_state", "Start Time Of State", U32;
    #[format = crate::model::field::named_or_unknown_text] OPT_BULK_LEASE_DHCP_STATE = "dhcp.option.bulk_lease.dhcp_state", "Dhcp State", U8, Dec, lease_state_name;
    OPT_BULK_LEASE_DATA_SOURCE = "dhcp.option.bulk_lease.data_source", "Data Source", Bool, Dec, remote_local;
    #[format = crate::model::field::escaped_string_text] OPT_MUDURL = "dhcp.option.mudurl", "MUDURL", String;
    #[format = crate::model::field::escaped_string_text] OPT_PXE_CONFIG_FILE = "dhcp.option.pxe_config_file", "PXELINUX configuration file", String;
    #[format = crate::model::field::escaped_string_text] OPT_PXE_PATH_PREFIX = "dhcp.option.pxe_path_prefix", "PXELINUX path prefix", String;
    #[format = crate::model::field::escaped_string_text] OPT_PRIVATE_PROXY_AUTODISCOVERY = "dhcp.option.private_proxy_autodiscovery", "Private/Proxy autodiscovery", String;
}

/// Bytes in hex, or `<MISSING>` for none, as Wireshark writes an empty byte field.
fn bytes_text(out: &mut String, def: &FieldDef, _: &Value, bytes: &[u8]) {
    let _ = write!(out, "{}: ", def.label);
    if bytes.is_empty() {
        out.push_str("<MISSING>");
    }
    crate::model::field::write_tree_bytes(out, bytes);
}

/// The magic cookie (99.130.83.99) is shown by what it announces.
fn cookie_text(out: &mut String, def: &FieldDef, _: &Value, _: &[u8]) {
    let _ = write!(out, "{}: DHCP", def.label);
}

/// `Parameter Request List Item: (1) Subnet Mask`.
fn request_item_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let code = v.as_u64().unwrap_or(0);
    let name = u8::try_from(code).map_or("unknown", option_name);
    let _ = write!(out, "{}: ({code}) {name}", def.label);
}

/// The four reserved FQDN flag bits, in as many hex digits as they fill (one).
fn mbz_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: 0x{:x}", def.label, v.as_u64().unwrap_or(0));
}

/// `IP Address Lease Time: (3600s) 1 hour`; all ones means forever.
fn time_u_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let secs = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: ({secs}s) ", def.label);
    if secs == u64::from(u32::MAX) {
        out.push_str("infinity");
    } else {
        write_duration(out, secs);
    }
}

/// `Time Offset: (-3600s) -1 hour`.
fn time_s_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let secs = match v {
        Value::Int(s) => *s,
        _ => 0,
    };
    let _ = write!(out, "{}: ({secs}s) ", def.label);
    if secs < 0 {
        out.push('-');
    }
    write_duration(out, secs.unsigned_abs());
}

/// Seconds in days, hours, minutes and seconds, the zero parts left out, as
/// Wireshark's `unsigned_time_secs_to_str` writes them.
pub(super) fn write_duration(out: &mut String, secs: u64) {
    if secs == 0 {
        out.push_str("0 seconds");
        return;
    }
    let parts = [
        (secs / 86_400, "day"),
        (secs / 3600 % 24, "hour"),
        (secs / 60 % 60, "minute"),
        (secs % 60, "second"),
    ];
    let mut first = true;
    for (n, unit) in parts.into_iter().filter(|(n, _)| *n != 0) {
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "{n} {unit}{}", if n == 1 { "" } else { "s" });
    }
}

fn op_name(v: u64) -> Option<&'static str> {
    match v {
        1 => Some("Boot Request"),
        2 => Some("Boot Reply"),
        _ => None,
    }
}

/// Option 53's values (IANA, RFC 2132, 4388, 6926, 7724).
pub(super) fn message_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        14 => "Bulk Lease Query",
        15 => "Lease Query Done",
        16 => "Active LeaseQuery",
        17 => "Lease Query Status",
        18 => "TLS",
        _ => return None,
    })
}

fn overload_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Boot file name holds options",
        2 => "Server host name holds options",
        3 => "Boot file and server host names hold options",
        _ => return None,
    })
}

fn duid_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "link-layer address plus time",
        2 => "assigned by vendor based on Enterprise number",
        3 => "link-layer address",
        _ => return None,
    })
}

fn node_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "B-node",
        2 => "P-node",
        4 => "M-node",
        8 => "H-node",
        _ => return None,
    })
}

fn auto_configuration_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "DoNotAutoConfigure",
        1 => "AutoConfigure",
        _ => return None,
    })
}

fn lease_state_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Available",
        2 => "Active",
        3 => "Expired",
        4 => "Released",
        5 => "Abandoned",
        6 => "Reset",
        7 => "Remote",
        8 => "Transitioning",
        _ => return None,
    })
}

fn broadcast_unicast(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Broadcast" } else { "Unicast" })
}

fn enabled_disabled(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Enabled" } else { "Disabled" })
}

fn remote_local(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Remote" } else { "Local" })
}

fn fqdn_n_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "No server updates"
    } else {
        "Some server updates"
    })
}

fn fqdn_e_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "Binary encoding"
    } else {
        "ASCII encoding"
    })
}

fn fqdn_o_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Override" } else { "No override" })
}

fn fqdn_s_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Server" } else { "Client" })
}
