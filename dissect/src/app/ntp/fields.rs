//! The fields of the `ntp` protocol, named and labelled as Wireshark 4.0's
//! packet-ntp.c registers them, their value names, and how the tree writes
//! the ones whose line is not plain `Label: value`.

use std::fmt::Write as _;

use crate::declare_fields;
use crate::model::{FieldDef, Value};

declare_fields! {
    FLAGS = "ntp.flags", "Flags", U8, Hex(2);
    FLAGS_LI = "ntp.flags.li", "Leap Indicator", U8 & 0xc0, Dec, li_name;
    FLAGS_VN = "ntp.flags.vn", "Version number", U8 & 0x38, Dec, version_name;
    FLAGS_MODE = "ntp.flags.mode", "Mode", U8 & 0x07, Dec, mode_name;
    STRATUM = "ntp.stratum", "Peer Clock Stratum", U8, Dec, stratum_name;
    #[format = ppoll_text] PPOLL = "ntp.ppoll", "Peer Polling Interval", U8;
    #[format = precision_text] PRECISION = "ntp.precision", "Peer Clock Precision", U8;
    #[format = fixed_point_text] ROOTDELAY = "ntp.rootdelay", "Root Delay", U32;
    #[format = fixed_point_text] ROOTDISPERSION = "ntp.rootdispersion", "Root Dispersion", U32;
    REFID = "ntp.refid", "Reference ID", Bytes;
    REFTIME = "ntp.reftime", "Reference Timestamp", AbsTime;
    ORG = "ntp.org", "Origin Timestamp", AbsTime;
    REC = "ntp.rec", "Receive Timestamp", AbsTime;
    XMT = "ntp.xmt", "Transmit Timestamp", AbsTime;
    KEYID = "ntp.keyid", "Key ID", Bytes;
    MAC = "ntp.mac", "Message Authentication Code", Bytes;
    PADDING = "ntp.padding", "Padding", Bytes;
    #[generated] KEY_TYPE = "ntp.key_type", "Key type", U8, Dec, key_type_name;
    KEY_INDEX = "ntp.key_index", "KeyIndex", U32, Hex(8);
    KEY_SIGNATURE = "ntp.key_signature", "Signature", Bytes;
    AUTHENTICATOR = "ntp_authenticator", "Authenticator", None;

    EXT = "ntp.ext", "Extension", None;
    #[format = crate::model::field::named_or_unknown_text] EXT_TYPE = "ntp.ext.type", "Field Type", U16, Hex(4), ext_type_name;
    EXT_LENGTH = "ntp.ext.length", "Length", U16;
    EXT_VALUE = "ntp.ext.value", "Value", Bytes;
    EXT_INVALID_LENGTH = "ntp.ext.invalid_length", "Extension invalid length", None;

    CTRL_FLAGS2 = "ntp.ctrl.flags2", "Flags 2", U8, Hex(2);
    CTRL_R = "ntp.ctrl.flags2.r", "Response bit", U8 & 0x80, Dec, response_name;
    CTRL_ERROR = "ntp.ctrl.flags2.error", "Error bit", U8 & 0x40;
    CTRL_MORE = "ntp.ctrl.flags2.more", "More bit", U8 & 0x20;
    #[format = crate::model::field::named_or_unknown_text] CTRL_OPCODE = "ntp.ctrl.flags2.opcode", "Opcode", U8 & 0x1f, Dec, ctrl_opcode_name;
    CTRL_SEQUENCE = "ntp.ctrl.sequence", "Sequence", U16;
    CTRL_STATUS = "ntp.ctrl.status", "Status", U16, Hex(4);
    #[format = crate::model::field::named_or_unknown_text] CTRL_ERR_STATUS = "ntp.ctrl.err_status", "Error Status Word", U16 & 0xff00, Dec, ctrl_error_name;
    SYS_LI = "ntp.ctrl.sys_status.li", "Leap Indicator", U16 & 0xc000, Dec, li_name;
    #[format = crate::model::field::named_or_unknown_text] SYS_CLKSRC = "ntp.ctrl.sys_status.clksrc", "Clock Source", U16 & 0x3f00, Dec, clock_source_name;
    SYS_COUNT = "ntp.ctrl.sys_status.count", "System Event Counter", U16 & 0x00f0;
    SYS_CODE = "ntp.ctrl.sys_status.code", "System Event Code", U16 & 0x000f, Dec, system_event_name;
    PEER_CONFIG = "ntp.ctrl.peer_status.config", "Peer Status", Bool(16) & 0x8000, Dec, peer_config_name;
    PEER_AUTHENABLE = "ntp.ctrl.peer_status.authenable", "Peer Status", Bool(16) & 0x4000, Dec, peer_authenable_name;
    PEER_AUTHENTIC = "ntp.ctrl.peer_status.authentic", "Peer Status", Bool(16) & 0x2000, Dec, peer_authentic_name;
    PEER_REACH = "ntp.ctrl.peer_status.reach", "Peer Status", Bool(16) & 0x1000, Dec, peer_reach_name;
    PEER_BCAST = "ntp.ctrl.peer_status.bcast", "Peer Status broadcast association", Bool(16) & 0x0800;
    PEER_SELECTION = "ntp.ctrl.peer_status.selection", "Peer Selection", U16 & 0x0700, Dec, peer_selection_name;
    PEER_COUNT = "ntp.ctrl.peer_status.count", "Peer Event Counter", U16 & 0x00f0;
    PEER_CODE = "ntp.ctrl.peer_status.code", "Peer Event Code", U16 & 0x000f, Dec, peer_event_name;
    #[format = crate::model::field::named_or_unknown_text] CLK_STATUS = "ntp.ctrl.clock_status.status", "Clock Status", U16 & 0xff00, Dec, clock_status_name;
    CLK_CODE = "ntp.ctrl.clock_status.code", "Clock Event Code", U16 & 0x00ff;
    CTRL_DATA = "ntp.ctrl.data", "Data", None;
    CTRL_ITEM = "ntp.ctrl.item", "Item", None;
    CTRL_ASSOCID = "ntp.ctrl.associd", "AssociationID", U16;
    CTRL_OFFSET = "ntp.ctrl.offset", "Offset", U16;
    CTRL_COUNT = "ntp.ctrl.count", "Count", U16;
    #[format = crate::model::field::escaped_string_text] CTRL_TRAPMSG = "ntp.ctrl.trapmsg", "Trap message", String;
    #[format = crate::model::field::escaped_string_text] CTRL_CONFIGURATION = "ntp.ctrl.configuration", "Configuration", String;
    #[format = crate::model::field::escaped_string_text] CTRL_MRU = "ntp.ctrl.mru", "MRU", String;
    #[format = crate::model::field::escaped_string_text] CTRL_ORDLIST = "ntp.ctrl.ordlist", "Ordered List", String;
    #[format = crate::model::field::escaped_string_text] CTRL_NONCE = "ntp.ctrl.nonce", "Nonce", String;
    CTRL_TEXT = "ntp_ctrl_text", "Variable", None;

    PRIV_R = "ntp.priv.flags.r", "Response bit", U8 & 0x80, Dec, response_name;
    PRIV_MORE = "ntp.priv.flags.more", "More bit", U8 & 0x40;
    PRIV_AUTH_SEQ = "ntp.priv.auth_seq", "Auth, sequence", U8;
    PRIV_AUTH = "ntp.priv.auth", "Auth bit", U8 & 0x80;
    PRIV_SEQ = "ntp.priv.seq", "Sequence number", U8 & 0x7f;
    #[format = crate::model::field::named_or_unknown_text] PRIV_IMPL = "ntp.priv.impl", "Implementation", U8, Dec, implementation_name;
    #[format = crate::model::field::named_or_unknown_text] PRIV_REQCODE = "ntp.priv.reqcode", "Request code", U8, Dec, request_code_name;
    #[format = err_text] PRIV_ERR = "ntp.priv.err", "Err", U8, Hex(2), priv_error_name;
    #[format = numitems_text] PRIV_NUMITEMS = "ntp.priv.numitems", "Number of data items", U16;
    #[format = reserved_text] PRIV_RESERVED = "ntp.priv.reserved", "Reserved", U8, Hex(2);
    #[format = itemsize_text] PRIV_ITEMSIZE = "ntp.priv.itemsize", "Size of data item", U16;
    PRIV_MODE7_ITEM = "ntp.priv.mode7.item", "Mode7 item", String;
    PRIV_TSTAMP = "ntp.priv.tstamp", "Authentication timestamp", AbsTime;

    MON_AVGINT = "ntp.priv.monlist.avgint", "avgint", U32;
    MON_LSINT = "ntp.priv.monlist.lsint", "lsint", U32;
    MON_RESTR = "ntp.priv.monlist.restr", "restr", U32, Hex(8);
    MON_COUNT = "ntp.priv.monlist.count", "count", U32;
    MON_REMOTE = "ntp.priv.monlist.remote_address", "remote address", Ipv4;
    MON_LOCAL = "ntp.priv.monlist.local_address", "local address", Ipv4;
    MON_FLAGS = "ntp.priv.monlist.flags", "flags", U32, Hex(8);
    MON_PORT = "ntp.priv.monlist.port", "port", U16;
    MON_MODE = "ntp.priv.monlist.mode", "mode", U8;
    MON_VERSION = "ntp.priv.monlist.version", "version", U8;
    MON_IPV6 = "ntp.priv.monlist.ipv6", "ipv6", U32, Hex(8);
    MON_UNUSED = "ntp.priv.monlist.unused", "unused", U32, Hex(8);
    MON_ADDR6 = "ntp.priv.monlist.addr6", "ipv6 remote addr", Ipv6;
    MON_DADDR6 = "ntp.priv.monlist.daddr6", "ipv6 local addr", Ipv6;

    M7_ADDRESS = "ntp.priv.mode7.address", "Address", Ipv4;
    M7_PORT = "ntp.priv.mode7.port", "Port", U16;
    #[format = crate::model::field::named_or_unknown_text] M7_HMODE = "ntp.priv.mode7.hmode", "HMode", U8, Dec, mode_name;
    M7_PEER_FLAGS = "ntp.priv.mode7.peer.flags", "Flags", U8 & 0xff, Hex(2);
    M7_PEER_CONFIG = "ntp.priv.mode7.peer.flags.config", "Config", Bool(8) & 0x01;
    M7_PEER_SYSPEER = "ntp.priv.mode7.peer.flags.syspeer", "Syspeer", Bool(8) & 0x02;
    M7_PEER_BURST = "ntp.priv.mode7.peer.flags.burst", "Burst", Bool(8) & 0x04;
    M7_PEER_REFCLOCK = "ntp.priv.mode7.peer.flags.refclock", "Refclock", Bool(8) & 0x08;
    M7_PEER_PREFER = "ntp.priv.mode7.peer.flags.prefer", "Prefer", Bool(8) & 0x10;
    M7_PEER_AUTHENABLE = "ntp.priv.mode7.peer.flags.authenable", "Auth enable", Bool(8) & 0x20;
    M7_PEER_SEL_CANDIDATE = "ntp.priv.mode7.peer.flags.sel_candidate", "Sel Candidate", Bool(8) & 0x40;
    M7_PEER_SHORTLIST = "ntp.priv.mode7.peer.flags.shortlist", "Shortlist", Bool(8) & 0x80;
    M7_IPV6_FLAG = "ntp.priv.mode7.ipv6_flag", "IPv6 Flag", U32;
    M7_UNUSED = "ntp.priv.mode7.unused", "Unused", Bytes;
    M7_ADDRESS6 = "ntp.priv.mode7.address6", "IPv6 addr", Ipv6;
    M7_DSTADDRESS = "ntp.priv.mode7.dstaddress", "Destination address", Ipv4;
    M7_SRCADDRESS = "ntp.priv.mode7.srcaddress", "Source address", Ipv4;
    M7_SRCPORT = "ntp.priv.mode7.srcport", "Source port", U16;
    M7_HPOLL = "ntp.priv.mode7.hpoll", "Host polling interval", I32;
    M7_REACH = "ntp.priv.mode7.reach", "Reach", U8;
    M7_DELAY = "ntp.priv.mode7.delay", "Delay", I32;
    M7_OFFSET = "ntp.priv.mode7.offset", "Offset", U64;
    M7_DISPERSION = "ntp.priv.mode7.dispersion", "Dispersion", U32;
    M7_DSTADDRESS6 = "ntp.priv.mode7.dstaddress6", "IPv6 destination addr", Ipv6;
    M7_SRCADDRESS6 = "ntp.priv.mode7.srcaddress6", "IPv6 source addr", Ipv6;
    #[format = low_byte_text] M7_SYS_FLAGS = "ntp.priv.mode7.sys.flags", "Flags", U32 & 0xff, Hex(8);
    M7_SYS_BCLIENT = "ntp.priv.mode7.sys.flags.bclient", "Bclient", Bool(8) & 0x01;
    M7_SYS_PPS = "ntp.priv.mode7.sys.flags.pps", "PPS", Bool(8) & 0x02;
    M7_SYS_NTP = "ntp.priv.mode7.sys.flags.ntp", "NTP", Bool(8) & 0x04;
    M7_SYS_KERNEL = "ntp.priv.mode7.sys.flags.kernel", "Kernel", Bool(8) & 0x08;
    M7_SYS_MONITOR = "ntp.priv.mode7.sys.flags.monitor", "Monitor", Bool(8) & 0x10;
    M7_SYS_FILEGEN = "ntp.priv.mode7.sys.flags.filegen", "Filegen", Bool(8) & 0x20;
    M7_SYS_AUTH = "ntp.priv.mode7.sys.flags.auth", "Auth", Bool(8) & 0x40;
    M7_SYS_CAL = "ntp.priv.mode7.sys.flags.cal", "Cal", Bool(8) & 0x80;
    // Mode 7 items add the standard header's fields with their plain text.
    ITEM_PPOLL = "ntp.ppoll", "Peer Polling Interval", U8;
}

/// A 32-bit field masked to its low byte shows as many hex digits as the
/// mask has: `Flags: 0x77`.
fn low_byte_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: 0x{:02x}", def.label, v.as_u64().unwrap_or(0));
}

/// `Peer Polling Interval: 6 (64 seconds)`; Wireshark 4.0 calls values
/// outside 4..=17 invalid.
fn ppoll_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let poll = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: ", def.label);
    if (4..=17).contains(&poll) {
        let _ = write!(out, "{poll} ({} seconds)", 1u64 << poll);
    } else {
        let _ = write!(out, "invalid ({poll})");
    }
}

/// `Peer Clock Precision: 0.000001 seconds`: two to the power of the byte
/// read as signed.
fn precision_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let exponent = v.as_u64().unwrap_or(0) as u8 as i8;
    let _ = write!(
        out,
        "{}: {:.6} seconds",
        def.label,
        2f64.powi(exponent.into())
    );
}

/// `Root Delay: 0.042343 seconds`: 16.16 fixed point.
fn fixed_point_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let raw = v.as_u64().unwrap_or(0);
    let secs = (raw >> 16) as f64 + (raw & 0xffff) as f64 / 65536.0;
    let _ = write!(out, "{}: {secs:.6} seconds", def.label);
}

/// Mode 7's error code, item count, reserved bits and item size are drawn
/// by Wireshark's `proto_tree_add_bits_item`, whose bit pattern separates
/// bytes with two spaces: `.... 0000  0000 0010`.
fn err_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let n = v.as_u64().unwrap_or(0);
    write_bits(out, 0, 4, n);
    let name = def.names.and_then(|f| f(n)).unwrap_or("Unknown");
    let _ = write!(out, " = {}: {name} (0x{n:02x})", def.label);
}

fn numitems_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let n = v.as_u64().unwrap_or(0);
    write_bits(out, 4, 12, n);
    let _ = write!(out, " = {}: {n}", def.label);
}

fn reserved_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let n = v.as_u64().unwrap_or(0);
    write_bits(out, 0, 4, n);
    let _ = write!(out, " = {}: 0x{n:02x}", def.label);
}

fn itemsize_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    numitems_text(out, def, v, &[]);
}

/// Wireshark's `decode_bits_in_field`: dots up to the first bit, the
/// value's bits, dots to the end of the byte; a space every four bits and,
/// within the value, another between bytes.
fn write_bits(out: &mut String, first_bit: u32, width: u32, value: u64) {
    let end = first_bit + width;
    for bit in 0..end.div_ceil(8) * 8 {
        let in_value = (first_bit..end).contains(&bit);
        if bit > 0 && bit % 4 == 0 {
            out.push(' ');
        }
        if in_value && bit > 0 && bit % 8 == 0 {
            out.push(' ');
        }
        out.push(
            match (in_value, value >> (end - 1).saturating_sub(bit) & 1) {
                (false, _) => '.',
                (true, 0) => '0',
                (true, _) => '1',
            },
        );
    }
}

pub(super) fn li_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "no warning",
        1 => "last minute of the day has 61 seconds",
        2 => "last minute of the day has 59 seconds",
        3 => "unknown (clock unsynchronized)",
        _ => return None,
    })
}

pub(super) fn version_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "NTP Version 1",
        2 => "NTP Version 2",
        3 => "NTP Version 3",
        4 => "NTP Version 4",
        0 | 5..=7 => "reserved",
        _ => return None,
    })
}

pub(super) fn mode_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "reserved",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        6 => "reserved for NTP control message",
        7 => "reserved for private use",
        _ => return None,
    })
}

/// The mode as the Info column and the layer's title say it.
pub(super) fn info_mode_name(v: u8) -> &'static str {
    match v {
        0 => "reserved",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        6 => "control",
        _ => "private",
    }
}

fn stratum_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "unspecified or invalid",
        1 => "primary reference",
        2..=15 => "secondary reference",
        16 => "unsynchronized",
        _ => "reserved",
    })
}

/// Reference IDs of primary (stratum 0 and 1) servers, RFC 5905 and
/// unofficial ones, as Wireshark names them.
pub(super) fn primary_source_name(id: [u8; 4]) -> Option<&'static str> {
    Some(match &id {
        b"GOES" => "Geostationary Orbit Environment Satellite",
        b"GPS\0" => "Global Position System",
        b"GAL\0" => "Galileo Positioning System",
        b"PPS\0" => "Generic pulse-per-second",
        b"IRIG" => "Inter-Range Instrumentation Group",
        b"WWVB" => "LF Radio WWVB Ft. Collins, CO 60 kHz",
        b"DCF\0" => "LF Radio DCF77 Mainflingen, DE 77.5 kHz",
        b"HBG\0" => "LF Radio HBG Prangins, HB 75 kHz",
        b"MSF\0" => "LF Radio MSF Anthorn, UK 60 kHz",
        b"JJY\0" => "LF Radio JJY Fukushima, JP 40 kHz, Saga, JP 60 kHz",
        b"LORC" => "MF Radio LORAN C station, 100 kHz",
        b"TDF\0" => "MF Radio Allouis, FR 162 kHz",
        b"CHU\0" => "HF Radio CHU Ottawa, Ontario",
        b"WWV\0" => "HF Radio WWV Ft. Collins, CO",
        b"WWVH" => "HF Radio WWVH Kauai, HI",
        b"NIST" => "NIST telephone modem",
        b"ACTS" => "NIST telephone modem",
        b"USNO" => "USNO telephone modem",
        b"PTB\0" => "European telephone modem",
        b"LOCL" => "uncalibrated local clock",
        b"CESM" => "calibrated Cesium clock",
        b"RBDM" => "calibrated Rubidium clock",
        b"OMEG" => "OMEGA radionavigation system",
        b"DCN\0" => "DCN routing protocol",
        b"TSP\0" => "TSP time protocol",
        b"DTS\0" => "Digital Time Service",
        b"ATOM" => "Atomic clock (calibrated)",
        b"VLF\0" => "VLF radio (OMEGA,, etc.)",
        b"1PPS" => "External 1 PPS input",
        b"FREE" => "(Internal clock)",
        b"INIT" => "(Initialization)",
        b"\0\0\0\0" => "NULL",
        _ => return None,
    })
}

/// Extension field types (IANA's registry as Wireshark 4.0 has it).
fn ext_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x0002 => "No-Operation Request",
        0x0102 => "Association Message Request",
        0x0104 => "Unique Identifier",
        0x0202 => "Certificate Message Request",
        0x0204 => "NTS Cookie",
        0x0302 => "Cookie Message Request",
        0x0304 => "NTS Cookie Placeholder",
        0x0402 => "Autokey Message Request",
        0x0404 => "NTS Authenticator and Encrypted Extension Fields",
        0x0502 => "Leapseconds Message Request",
        0x0602 => "Sign Message Request",
        0x0702 => "IFF Identity Message Request",
        0x0802 => "GQ Identity Message Request",
        0x0902 => "MV Identity Message Request",
        0x2005 => "Checksum Complement",
        0x8002 => "No-Operation Response",
        0x8102 => "Association Message Response",
        0x8202 => "Certificate Message Response",
        0x8302 => "Cookie Message Response",
        0x8402 => "Autokey Message Response",
        0x8502 => "Leapseconds Message Response",
        0x8602 => "Sign Message Response",
        0x8702 => "IFF Identity Message Response",
        0x8802 => "GQ Identity Message Response",
        0x8902 => "MV Identity Message Response",
        0xc002 => "No-Operation Error Response",
        0xc102 => "Association Message Error Response",
        0xc202 => "Certificate Message Error Response",
        0xc302 => "Cookie Message Error Response",
        0xc402 => "Autokey Message Error Response",
        0xc502 => "Leapseconds Message Error Response",
        0xc602 => "Sign Message Error Response",
        0xc702 => "IFF Identity Message Error Response",
        0xc802 => "GQ Identity Message Error Response",
        0xc902 => "MV Identity Message Error Response",
        _ => return None,
    })
}

fn key_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "MD5",
        1 => "SHA",
        _ => return None,
    })
}

fn response_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 { "Response" } else { "Request" })
}

pub(super) fn ctrl_opcode_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "reserved",
        1 => "read status",
        2 => "read variables",
        3 => "write variables",
        4 => "read clock variables",
        5 => "write clock variables",
        6 => "set trap address/port",
        7 => "asynchronous message",
        8 => "runtime configuration",
        9 => "save config to file",
        10 => "retrieve MRU (mrulist)",
        11 => "retrieve ordered list",
        12 => "request a client nonce",
        31 => "unset trap address/port",
        _ => return None,
    })
}

fn ctrl_error_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "unspecified",
        1 => "authentication failure",
        2 => "invalid message length or format",
        3 => "invalid opcode",
        4 => "unknown association identifier",
        5 => "unknown variable name",
        6 => "invalid variable value",
        7 => "administratively prohibited",
        _ => return None,
    })
}

fn clock_source_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "unspecified or unknown",
        1 => "Calibrated atomic clock (e.g. HP 5061)",
        2 => "VLF (band 4) or LF (band 5) radio (e.g. OMEGA, WWVB)",
        3 => "HF (band 7) radio (e.g. CHU, MSF, WWV/H)",
        4 => "UHF (band 9) satellite (e.g. GOES, GPS)",
        5 => "local net (e.g. DCN, TSP, DTS)",
        6 => "UDP/NTP",
        7 => "UDP/TIME",
        8 => "eyeball-and-wristwatch",
        9 => "telephone modem (e.g. NIST)",
        _ => return None,
    })
}

fn system_event_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "unspecified",
        1 => "frequency correction (drift) file not available",
        2 => "frequency correction started (frequency stepped)",
        3 => "spike detected and ignored, starting stepout timer",
        4 => "frequency training started",
        5 => "clock synchronized",
        6 => "system restart",
        7 => "panic stop (required step greater than panic threshold)",
        8 => "no system peer",
        9 => "leap second insertion/deletion armed",
        10 => "leap second disarmed",
        11 => "leap second inserted or deleted",
        12 => "clock stepped (stepout timer expired)",
        13 => "kernel loop discipline status changed",
        14 => "leapseconds table loaded from file",
        15 => "leapseconds table outdated, updated file needed",
        _ => return None,
    })
}

fn peer_config_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "configured (peer.config)"
    } else {
        "not configured (peer.config)"
    })
}

fn peer_authenable_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "authentication enabled (peer.authenable)"
    } else {
        "authentication disabled (peer.authenable)"
    })
}

fn peer_authentic_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "authentication okay (peer.authentic)"
    } else {
        "authentication not okay (peer.authentic)"
    })
}

fn peer_reach_name(v: u64) -> Option<&'static str> {
    Some(if v != 0 {
        "reachability okay (peer.reach != 0)"
    } else {
        "reachability not okay (peer.reach != 0)"
    })
}

fn peer_selection_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "rejected",
        1 => "passed sanity checks (tests 1 through 8 in Section 3.4.3)",
        2 => "passed correctness checks (intersection algorithm in Section 4.2.1)",
        3 => "passed candidate checks (if limit check implemented)",
        4 => "passed outlier checks (clustering algorithm in Section 4.2.2)",
        5 => "current synchronization source; max distance exceeded (if limit check implemented)",
        6 => "current synchronization source; max distance okay",
        7 => "reserved",
        _ => return None,
    })
}

fn peer_event_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "unspecified",
        1 => "association mobilized",
        2 => "association demobilized",
        3 => "peer unreachable (peer.reach was nonzero now zero)",
        4 => "peer reachable (peer.reach was zero now nonzero)",
        5 => "association restarted or timed out",
        6 => "no server found (ntpdate mode)",
        7 => "rate exceeded (kiss code RATE)",
        8 => "access denied (kiss code DENY)",
        9 => "leap armed from server LI code",
        10 => "become system peer",
        11 => "reference clock event (see clock status word)",
        12 => "authentication failure",
        13 => "popcorn spike suppressor",
        14 => "entering interleave mode",
        15 => "interleave error (recovered)",
        16 => "leapsecond values update from server",
        _ => return None,
    })
}

fn clock_status_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "clock operating within nominals",
        1 => "reply timeout",
        2 => "bad reply format",
        3 => "hardware or software fault",
        4 => "propagation failure",
        5 => "bad date format or value",
        6 => "bad time format or value",
        _ => return None,
    })
}

fn priv_error_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "No error",
        1 => "incompatible implementation number",
        2 => "unimplemented request code",
        3 => "format error",
        4 => "no data available",
        5 | 6 => "unknown",
        7 => "authentication failure",
        _ => return None,
    })
}

fn implementation_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "UNIV",
        2 => "XNTPD_OLD (pre-IPv6)",
        3 => "XNTPD",
        _ => return None,
    })
}

/// Mode 7 request codes (ntpd's ntp_request.h).
pub(super) fn request_code_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "PEER_LIST",
        1 => "PEER_LIST_SUM",
        2 => "PEER_INFO",
        3 => "PEER_STATS",
        4 => "SYS_INFO",
        5 => "SYS_STATS",
        6 => "IO_STATS",
        7 => "MEM_STATS",
        8 => "LOOP_INFO",
        9 => "TIMER_STATS",
        10 => "CONFIG",
        11 => "UNCONFIG",
        12 => "SET_SYS_FLAG",
        13 => "CLR_SYS_FLAG",
        14 => "MONITOR",
        15 => "NOMONITOR",
        16 => "GET_RESTRICT",
        17 => "RESADDFLAGS",
        18 => "RESSUBFLAGS",
        19 => "UNRESTRICT",
        20 => "MON_GETLIST",
        21 => "RESET_STATS",
        22 => "RESET_PEER",
        23 => "REREAD_KEYS",
        24 => "DO_DIRTY_HACK",
        25 => "DONT_DIRTY_HACK",
        26 => "TRUSTKEY",
        27 => "UNTRUSTKEY",
        28 => "AUTHINFO",
        29 => "TRAPS",
        30 => "ADD_TRAP",
        31 => "CLR_TRAP",
        32 => "REQUEST_KEY",
        33 => "CONTROL_KEY",
        34 => "GET_CTLSTATS",
        35 => "GET_LEAPINFO",
        36 => "GET_CLOCKINFO",
        37 => "SET_CLKFUDGE",
        38 => "GET_KERNEL",
        39 => "GET_CLKBUGINFO",
        41 => "SET_PRECISION",
        42 => "MON_GETLIST_1",
        43 => "HOSTNAME_ASSOCID",
        44 => "IF_STATS",
        45 => "IF_RELOAD",
        _ => return None,
    })
}

#[cfg(test)]
mod bit_tests {
    use super::*;

    #[test]
    fn bits_pattern_separates_bytes_with_two_spaces() {
        let mut s = String::new();
        write_bits(&mut s, 4, 12, 0x048);
        assert_eq!(s, ".... 0000  0100 1000");
        s.clear();
        write_bits(&mut s, 0, 4, 7);
        assert_eq!(s, "0111 ....");
    }
}
