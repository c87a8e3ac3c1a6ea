//! DNS numbers and their names, as Wireshark's value strings give them.

pub const T_A: u16 = 1;
pub const T_NS: u16 = 2;
pub const T_CNAME: u16 = 5;
pub const T_SOA: u16 = 6;
pub const T_PTR: u16 = 12;
pub const T_HINFO: u16 = 13;
pub const T_MX: u16 = 15;
pub const T_TXT: u16 = 16;
pub const T_AAAA: u16 = 28;
pub const T_LOC: u16 = 29;
pub const T_SRV: u16 = 33;
pub const T_NAPTR: u16 = 35;
pub const T_OPT: u16 = 41;
pub const T_DS: u16 = 43;
pub const T_SSHFP: u16 = 44;
pub const T_RRSIG: u16 = 46;
pub const T_NSEC: u16 = 47;
pub const T_DNSKEY: u16 = 48;
pub const T_NSEC3: u16 = 50;
pub const T_NSEC3PARAM: u16 = 51;
pub const T_TLSA: u16 = 52;
pub const T_CDS: u16 = 59;
pub const T_CDNSKEY: u16 = 60;
pub const T_SVCB: u16 = 64;
pub const T_HTTPS: u16 = 65;
pub const T_TSIG: u16 = 250;
pub const T_CAA: u16 = 257;
/// Wireshark 4.0 still decodes the pre-standard private type 65534 as NSEC3.
pub const T_NSEC3_PRIVATE: u16 = 65534;

/// Short record-type names (the first word of Wireshark's `dns_types_vals`).
pub fn type_short(t: u16) -> Option<&'static str> {
    Some(match t {
        0 => "Unused",
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP-PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        55 => "HIP",
        57 => "RKEY",
        58 => "TALINK",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        65281 => "WINS",
        65282 => "WINS-R",
        65422 => "XPF",
        65534 => "NSEC3",
        _ => return None,
    })
}

/// Writes a type's short name, or `Unknown (n)` as Wireshark does.
pub fn write_type(out: &mut String, t: u16) {
    match type_short(t) {
        Some(n) => out.push_str(n),
        None => {
            use std::fmt::Write as _;
            let _ = write!(out, "Unknown ({t})");
        }
    }
}

/// Record-type names for the detail tree.
pub fn type_name(v: u64) -> Option<&'static str> {
    u16::try_from(v).ok().and_then(type_short)
}

/// Class names (`dns.qry.class`).
pub fn class_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "IN",
        2 => "CS",
        3 => "CH",
        4 => "HS",
        254 => "NONE",
        255 => "ANY",
        _ => return None,
    })
}

/// Opcode names (`dns.flags.opcode`).
pub fn opcode_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        6 => "DNS Stateful operations (DSO)",
        _ => return None,
    })
}

/// Reply-code names (`dns.flags.rcode`).
pub fn rcode_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "No error",
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        6 => "Name exists",
        7 => "RRset exists",
        8 => "RRset does not exist",
        9 => "Not authoritative",
        10 => "Name out of zone",
        11 => "DSO-Type not implemented",
        16 => "Bad OPT Version or TSIG Signature Failure",
        17 => "Key not recognized",
        18 => "Signature out of time window",
        19 => "Bad TKEY Mode",
        20 => "Duplicate key name",
        21 => "Algorithm not supported",
        22 => "Bad Truncation",
        23 => "Bad/missing Server Cookie",
        _ => return None,
    })
}

/// EDNS option codes (`dns.opt.code`).
pub fn opt_code_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Reserved",
        1 => "LLQ - Long-lived query",
        2 => "UL - Update lease",
        3 => "NSID - Name Server Identifier",
        4 => "Owner (reserved)",
        5 => "DAU - DNSSEC Algorithm Understood (RFC6975)",
        6 => "DHU - DS Hash Understood (RFC6975)",
        7 => "N3U - NSEC3 Hash Understood (RFC6975)",
        8 => "CSUBNET - Client subnet",
        9 => "EDNS EXPIRE (RFC7314)",
        10 => "COOKIE",
        11 => "EDNS TCP Keepalive",
        12 => "PADDING",
        13 => "CHAIN",
        15 => "Extended DNS Error",
        20730 => "Experimental - CSUBNET - Client subnet",
        _ => return None,
    })
}

/// DNSSEC algorithm numbers (`dns.dnskey.algorithm`).
pub fn dnssec_algorithm_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "RSA/MD5",
        2 => "Diffie-Hellman",
        3 => "DSA",
        4 => "Elliptic curve crypto",
        5 => "RSA/SHA1",
        6 => "DSA + NSEC3/SHA1",
        7 => "RSA/SHA1 + NSEC3/SHA1",
        8 => "RSA/SHA-256",
        10 => "RSA/SHA-512",
        12 => "GOST R 34.10-2001",
        13 => "ECDSA Curve P-256 with SHA-256",
        14 => "ECDSA Curve P-386 with SHA-386",
        15 => "Ed25519",
        16 => "Ed448",
        157 => "HMAC/MD5",
        252 => "Indirect key",
        253 => "Private, domain name",
        254 => "Private, OID",
        _ => return None,
    })
}

/// SvcParamKey names (`dns.svcb.svcparam.key`).
pub fn svcparam_key_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "mandatory",
        1 => "alpn",
        2 => "no-default-alpn",
        3 => "port",
        4 => "ipv4hint",
        5 => "echconfig",
        6 => "ipv6hint",
        32769 => "odohconfig",
        65535 => "key65535",
        _ => return None,
    })
}
