//! Parsed DNS views turned into tshark's fields, labels and Info text.

use std::fmt::Write as _;

use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::Parser;

use super::parser::{self, bytes, key_tag, read_name, Header, Name, Question, Record};
use super::types::{self, *};
use crate::declare_fields;
use crate::model::{Packet, Span, Value};

declare_fields! {
    LENGTH = "dns.length", "Length", U16;
    ID = "dns.id", "Transaction ID", U16, Hex(4);
    FLAGS = "dns.flags", "Flags", U16, Hex(4);
    F_RESPONSE = "dns.flags.response", "Response", Bool;
    F_OPCODE = "dns.flags.opcode", "Opcode", U16, Dec, types::opcode_name;
    F_AUTHORITATIVE = "dns.flags.authoritative", "Authoritative", Bool;
    F_TRUNCATED = "dns.flags.truncated", "Truncated", Bool;
    F_CONFLICT = "dns.flags.conflict", "Conflict", Bool;
    F_TENTATIVE = "dns.flags.tentative", "Tentative", Bool;
    F_RECDESIRED = "dns.flags.recdesired", "Recursion desired", Bool;
    F_RECAVAIL = "dns.flags.recavail", "Recursion available", Bool;
    F_Z = "dns.flags.z", "Z", Bool;
    F_AUTHENTICATED = "dns.flags.authenticated", "Answer authenticated", Bool;
    F_CHECKDISABLE = "dns.flags.checkdisable", "Non-authenticated data", Bool;
    F_RCODE = "dns.flags.rcode", "Reply code", U16, Dec, types::rcode_name;
    COUNT_QUERIES = "dns.count.queries", "Questions", U16;
    COUNT_ZONES = "dns.count.zones", "Zones", U16;
    COUNT_ANSWERS = "dns.count.answers", "Answer RRs", U16;
    COUNT_PREREQ = "dns.count.prerequisites", "Prerequisites", U16;
    COUNT_AUTH = "dns.count.auth_rr", "Authority RRs", U16;
    COUNT_UPDATES = "dns.count.updates", "Updates", U16;
    COUNT_ADD = "dns.count.add_rr", "Additional RRs", U16;
    SEC_QUERIES = "dns_queries", "Queries", None;
    SEC_ANSWERS = "dns_answers", "Answers", None;
    SEC_AUTH = "dns_authorities", "Authoritative nameservers", None;
    SEC_ADD = "dns_additionals", "Additional records", None;
    ENTRY = "dns_entry", "Entry", None;
    QRY_NAME = "dns.qry.name", "Name", String;
    QRY_NAME_LEN = "dns.qry.name.len", "Name Length", U16;
    COUNT_LABELS = "dns.count.labels", "Label Count", U16;
    QRY_TYPE = "dns.qry.type", "Type", U16, Dec, types::type_name;
    QRY_CLASS = "dns.qry.class", "Class", U16, Hex(4), types::class_name;
    QRY_QU = "dns.qry.qu", "\"QU\" question", Bool;
    RESP_NAME = "dns.resp.name", "Name", String;
    RESP_TYPE = "dns.resp.type", "Type", U16, Dec, types::type_name;
    RESP_CLASS = "dns.resp.class", "Class", U16, Hex(4), types::class_name;
    RESP_CACHE_FLUSH = "dns.resp.cache_flush", "Cache flush", Bool;
    RESP_TTL = "dns.resp.ttl", "Time to live", U32;
    RESP_LEN = "dns.resp.len", "Data length", U16;
    UDP_PAYLOAD_SIZE = "dns.rr.udp_payload_size", "UDP payload size", U16;
    EXT_RCODE = "dns.resp.ext_rcode", "Higher bits in extended RCODE", U8, Hex(2);
    EDNS0_VERSION = "dns.resp.edns0_version", "EDNS0 version", U8;
    RESP_Z = "dns.resp.z", "Z", U16, Hex(4);
    RESP_Z_DO = "dns.resp.z.do", "DO bit", Bool;
    RESP_Z_RESERVED = "dns.resp.z.reserved", "Reserved", U16, Hex(4);
    A = "dns.a", "Address", Ipv4;
    AAAA = "dns.aaaa", "AAAA Address", Ipv6;
    NS = "dns.ns", "Name Server", String;
    CNAME = "dns.cname", "CNAME", String;
    PTR = "dns.ptr.domain_name", "Domain Name", String;
    MX_PREF = "dns.mx.preference", "Preference", U16;
    MX_EXCHANGE = "dns.mx.mail_exchange", "Mail Exchange", String;
    TXT_LEN = "dns.txt.length", "TXT Length", U8;
    TXT = "dns.txt", "TXT", String;
    SOA_MNAME = "dns.soa.mname", "Primary name server", String;
    SOA_RNAME = "dns.soa.rname", "Responsible authority's mailbox", String;
    SOA_SERIAL = "dns.soa.serial_number", "Serial Number", U32;
    SOA_REFRESH = "dns.soa.refresh_interval", "Refresh Interval", U32;
    SOA_RETRY = "dns.soa.retry_interval", "Retry Interval", U32;
    SOA_EXPIRE = "dns.soa.expire_limit", "Expire limit", U32;
    SOA_MINIMUM = "dns.soa.minimum_ttl", "Minimum TTL", U32;
    SRV_SERVICE = "dns.srv.service", "Service", String;
    SRV_PROTO = "dns.srv.proto", "Protocol", String;
    SRV_NAME = "dns.srv.name", "Name", String;
    SRV_PRIORITY = "dns.srv.priority", "Priority", U16;
    SRV_WEIGHT = "dns.srv.weight", "Weight", U16;
    SRV_PORT = "dns.srv.port", "Port", U16;
    SRV_TARGET = "dns.srv.target", "Target", String;
    NAPTR_ORDER = "dns.naptr.order", "Order", U16;
    NAPTR_PREF = "dns.naptr.preference", "Preference", U16;
    NAPTR_FLAGS_LEN = "dns.naptr.flags_length", "Flags Length", U8;
    NAPTR_FLAGS = "dns.naptr.flags", "Flags", String;
    NAPTR_SERVICE_LEN = "dns.naptr.service_length", "Service Length", U8;
    NAPTR_SERVICE = "dns.naptr.service", "Service", String;
    NAPTR_REGEX_LEN = "dns.naptr.regex_length", "Regex Length", U8;
    NAPTR_REGEX = "dns.naptr.regex", "Regex", String;
    NAPTR_REPL_LEN = "dns.naptr.replacement_length", "Replacement Length", U8;
    NAPTR_REPL = "dns.naptr.replacement", "Replacement", String;
    CAA_FLAGS = "dns.caa.flags", "CAA Flags", U8, Hex(2);
    CAA_CRITICAL = "dns.caa.flags.issuer_critical", "Issuer Critical", Bool;
    CAA_TAG_LEN = "dns.caa.tag_length", "Tag length", U8;
    CAA_TAG = "dns.caa.tag", "Tag", String;
    CAA_ISSUE = "dns.caa.issue", "Issue", String;
    CAA_ISSUEWILD = "dns.caa.issuewild", "Issue Wildcard", String;
    CAA_IODEF = "dns.caa.iodef", "Report URL", String;
    CAA_UNKNOWN = "dns.caa.unknown", "Unknown tag", String;
    CAA_VALUE = "dns.caa.value", "Value", String;
    HINFO_CPU_LEN = "dns.hinfo.cpu_length", "CPU Length", U8;
    HINFO_CPU = "dns.hinfo.cpu", "CPU", String;
    HINFO_OS_LEN = "dns.hinfo.os_length", "OS Length", U8;
    HINFO_OS = "dns.hinfo.os", "OS", String;
    UNDECODED_TYPE = "dns.undecoded.type", "Undecoded DNS record type", None;
    SSHFP_ALGO = "dns.sshfp.algorithm", "Algorithm", U8;
    SSHFP_TYPE = "dns.sshfp.fingerprint.type", "Fingerprint type", U8;
    SSHFP_FP = "dns.sshfp.fingerprint", "Fingerprint", Bytes;
    TLSA_USAGE = "dns.tlsa.certificate_usage", "Certificate Usage", U8;
    TLSA_SELECTOR = "dns.tlsa.selector", "Selector", U8;
    TLSA_MATCHING = "dns.tlsa.matching_type", "Matching Type", U8;
    TLSA_DATA = "dns.tlsa.certificate_association_data", "Certificate Association Data", Bytes;
    SVCB_PRIORITY = "dns.svcb.svcpriority", "SvcPriority", U16;
    SVCB_TARGET = "dns.svcb.targetname", "TargetName", String;
    SVCB_PARAM = "dns.svcb.svcparam", "SvcParam", None;
    SVCB_KEY = "dns.svcb.svcparam.key", "SvcParamKey", U16, Dec, types::svcparam_key_name;
    SVCB_VALUE_LEN = "dns.svcb.svcparam.value.length", "SvcParamValue length", U16;
    SVCB_VALUE = "dns.svcb.svcparam.value", "SvcParamValue", Bytes;
    SVCB_MANDATORY = "dns.svcb.svcparam.mandatory.key", "Mandatory key", U16, Dec, types::svcparam_key_name;
    SVCB_ALPN_LEN = "dns.svcb.svcparam.alpn.length", "ALPN length", U8;
    SVCB_ALPN = "dns.svcb.svcparam.alpn", "ALPN", String;
    SVCB_PORT = "dns.svcb.svcparam.port", "Port", U16;
    SVCB_IPV4 = "dns.svcb.svcparam.ipv4hint.ip", "IP", Ipv4;
    SVCB_ECH = "dns.svcb.svcparam.echconfig", "ECHConfig", Bytes;
    SVCB_IPV6 = "dns.svcb.svcparam.ipv6hint.ip", "IP", Ipv6;
    LOC_VERSION = "dns.loc.version", "Version", U8;
    LOC_SIZE = "dns.loc.size", "Size", U8;
    LOC_HPREC = "dns.loc.horizontal_precision", "Horizontal Precision", U8;
    LOC_VPREC = "dns.loc.vertical_precision", "Vertical Precision", U8;
    LOC_LAT = "dns.loc.latitude", "Latitude", U32;
    LOC_LON = "dns.loc.longitude", "Longitude", U32;
    LOC_ALT = "dns.loc.altitude", "Altitude", U32;
    OPT = "dns.opt", "Option", None;
    OPT_CODE = "dns.opt.code", "Option Code", U16, Dec, types::opt_code_name;
    OPT_LEN = "dns.opt.len", "Option Length", U16;
    OPT_DATA = "dns.opt.data", "Option Data", Bytes;
    OPT_DAU = "dns.opt.dau", "DAU", U8, Dec, types::dnssec_algorithm_name;
    OPT_DHU = "dns.opt.dhu", "DHU", U8;
    OPT_N3U = "dns.opt.n3u", "N3U", U8;
    OPT_CLIENT_FAMILY = "dns.opt.client.family", "Family", U16;
    OPT_CLIENT_NETMASK = "dns.opt.client.netmask", "Source Netmask", U8;
    OPT_CLIENT_SCOPE = "dns.opt.client.scope", "Scope Netmask", U8;
    OPT_CLIENT_ADDR = "dns.opt.client.addr", "Client Subnet", Bytes;
    OPT_CLIENT_ADDR4 = "dns.opt.client.addr4", "Client Subnet", Ipv4;
    OPT_CLIENT_ADDR6 = "dns.opt.client.addr6", "Client Subnet", Ipv6;
    OPT_COOKIE_CLIENT = "dns.opt.cookie.client", "Client Cookie", Bytes;
    OPT_COOKIE_SERVER = "dns.opt.cookie.server", "Server Cookie", Bytes;
    OPT_KEEPALIVE = "dns.opt.edns_tcp_keepalive.timeout", "Timeout", U16;
    OPT_PADDING = "dns.opt.padding", "Padding", Bytes;
    OPT_CHAIN = "dns.opt.chain.fqdn", "Closest Trust Point", String;
    OPT_EDE_CODE = "dns.opt.ext_error.info_code", "Info Code", U16;
    OPT_EDE_TEXT = "dns.opt.ext_error.extra_text", "Extra Text", String;
    DNSKEY_FLAGS = "dns.dnskey.flags", "Flags", U16, Hex(4);
    DNSKEY_ZONE = "dns.dnskey.flags.zone_key", "Zone Key", Bool;
    DNSKEY_REVOKED = "dns.dnskey.flags.key_revoked", "Key Revoked", Bool;
    DNSKEY_SEP = "dns.dnskey.flags.secure_entry_point", "Key Signing Key", Bool;
    DNSKEY_RESERVED = "dns.dnskey.flags.reserved", "Key Signing Key", U16, Hex(4);
    DNSKEY_PROTOCOL = "dns.dnskey.protocol", "Protocol", U8;
    DNSKEY_ALGO = "dns.dnskey.algorithm", "Algorithm", U8, Dec, types::dnssec_algorithm_name;
    DNSKEY_KEY_ID = "dns.dnskey.key_id", "Key id", U16;
    DNSKEY_KEY = "dns.dnskey.public_key", "Public Key", Bytes;
    DS_KEY_ID = "dns.ds.key_id", "Key id", U16, Hex(4);
    DS_ALGO = "dns.ds.algorithm", "Algorithm", U8, Dec, types::dnssec_algorithm_name;
    DS_DIGEST_TYPE = "dns.ds.digest_type", "Digest Type", U8;
    DS_DIGEST = "dns.ds.digest", "Digest", Bytes;
    RRSIG_COVERED = "dns.rrsig.type_covered", "Type Covered", U16, Dec, types::type_name;
    RRSIG_ALGO = "dns.rrsig.algorithm", "Algorithm", U8, Dec, types::dnssec_algorithm_name;
    RRSIG_LABELS = "dns.rrsig.labels", "Labels", U8;
    RRSIG_TTL = "dns.rrsig.original_ttl", "Original TTL", U32;
    RRSIG_EXPIRATION = "dns.rrsig.signature_expiration", "Signature Expiration", AbsTime;
    RRSIG_INCEPTION = "dns.rrsig.signature_inception", "Signature Inception", AbsTime;
    RRSIG_KEY_TAG = "dns.rrsig.key_tag", "Key Tag", U16;
    RRSIG_SIGNER = "dns.rrsig.signers_name", "Signer's name", String;
    RRSIG_SIGNATURE = "dns.rrsig.signature", "Signature", Bytes;
    NSEC_NEXT = "dns.nsec.next_domain_name", "Next Domain Name", String;
    NSEC3_ALGO = "dns.nsec3.algo", "Hash algorithm", U8;
    NSEC3_FLAGS = "dns.nsec3.flags", "NSEC3 flags", U8;
    NSEC3_OPT_OUT = "dns.nsec3.flags.opt_out", "NSEC3 Opt-out flag", Bool;
    NSEC3_ITERATIONS = "dns.nsec3.iterations", "NSEC3 iterations", U16;
    NSEC3_SALT_LEN = "dns.nsec3.salt_length", "Salt length", U8;
    NSEC3_SALT = "dns.nsec3.salt_value", "Salt value", Bytes;
    NSEC3_HASH_LEN = "dns.nsec3.hash_length", "Hash length", U8;
    NSEC3_HASH = "dns.nsec3.hash_value", "Next hashed owner", String;
    TSIG_ALGO = "dns.tsig.algorithm_name", "Algorithm Name", String;
    TSIG_TIME = "dns.tsig.time_signed", "Time Signed", AbsTime;
    TSIG_FUDGE = "dns.tsig.fudge", "Fudge", U16;
    TSIG_MAC_SIZE = "dns.tsig.mac_size", "MAC Size", U16;
    TSIG_MAC = "dns.tsig.mac", "MAC", None;
    TSIG_NOALG = "dns.tsig.noalg", "No dissector for algorithm", None;
    TSIG_ORIGINAL_ID = "dns.tsig.original_id", "Original Id", U16;
    TSIG_ERROR = "dns.tsig.error", "Error", U16;
    TSIG_OTHER_LEN = "dns.tsig.other_len", "Other Len", U16;
    DATA = "dns.data", "Data", Bytes;
    RESPONSE_TO = "dns.response_to", "Request In", FrameNum;
    TIME = "dns.time", "Time", RelTime;
    UNSOLICITED = "dns.unsolicited", "Unsolicited", Bool;
    RETRANSMISSION = "dns.retransmission", "Retransmission", Bool;
    RETRANSMIT_REQUEST = "dns.retransmit_request", "DNS query retransmission", None;
    RETRANSMIT_RESPONSE = "dns.retransmit_response", "DNS response retransmission", None;
    RETRANSMIT_REQUEST_IN = "dns.retransmit_request_in", "Retransmitted request. Original request in", FrameNum;
    RETRANSMIT_RESPONSE_IN = "dns.retransmit_response_in", "Retransmitted response. Original response in", FrameNum;
}

const F_RESPONSE_BIT: u16 = 0x8000;
const F_AUTHENTIC_BIT: u16 = 0x0020;

/// Adds the header fields.
pub fn header(
    p: &mut Packet,
    off: usize,
    h: &Header,
    llmnr: bool,
    id_tree: impl FnOnce(&mut Packet),
) {
    let at = |i: usize, n: usize| Span::new(off + i, n);
    p.add(&ID, at(0, 2), Value::Uint(h.id.into()));
    p.subtree(id_tree);
    let f = h.flags;
    let bit = |mask: u16| Value::Bool(f & mask != 0);
    let response = f & F_RESPONSE_BIT != 0;
    p.add_tree(&FLAGS, at(2, 2), Value::Uint(f.into()), |p| {
        let s = at(2, 2);
        p.add(&F_RESPONSE, s, bit(F_RESPONSE_BIT));
        p.add(&F_OPCODE, s, Value::Uint(h.opcode().into()));
        if llmnr {
            // RFC 4795 section 2.1.1: C and T replace AA and RD, and there is no RA, AD or CD.
            p.add(&F_CONFLICT, s, bit(0x0400));
            p.add(&F_TRUNCATED, s, bit(0x0200));
            p.add(&F_TENTATIVE, s, bit(0x0100));
            if response {
                p.add(&F_RCODE, s, Value::Uint(h.rcode().into()));
            }
            return;
        }
        if response {
            p.add(&F_AUTHORITATIVE, s, bit(0x0400));
        }
        p.add(&F_TRUNCATED, s, bit(0x0200));
        p.add(&F_RECDESIRED, s, bit(0x0100));
        if response {
            p.add(&F_RECAVAIL, s, bit(0x0080));
        }
        p.add(&F_Z, s, bit(0x0040));
        // Wireshark shows AD in a query only when it is set (RFC 6840 section 5.7).
        if response || f & F_AUTHENTIC_BIT != 0 {
            p.add(&F_AUTHENTICATED, s, bit(F_AUTHENTIC_BIT));
        }
        p.add(&F_CHECKDISABLE, s, bit(0x0010));
        if response {
            p.add(&F_RCODE, s, Value::Uint(h.rcode().into()));
        }
    });
    let update = h.opcode() == 5;
    let counts: [(&'static crate::model::FieldDef, u16); 4] = if update {
        [
            (&COUNT_ZONES, h.qdcount),
            (&COUNT_PREREQ, h.ancount),
            (&COUNT_UPDATES, h.nscount),
            (&COUNT_ADD, h.arcount),
        ]
    } else {
        [
            (&COUNT_QUERIES, h.qdcount),
            (&COUNT_ANSWERS, h.ancount),
            (&COUNT_AUTH, h.nscount),
            (&COUNT_ADD, h.arcount),
        ]
    };
    for (i, (def, v)) in counts.into_iter().enumerate() {
        p.add(def, at(4 + 2 * i, 2), Value::Uint(v.into()));
    }
}

/// The section label nodes, by section index.
pub fn section_def(section: usize) -> &'static crate::model::FieldDef {
    match section {
        0 => &SEC_QUERIES,
        1 => &SEC_ANSWERS,
        2 => &SEC_AUTH,
        _ => &SEC_ADD,
    }
}

/// Class text for labels: `IN`, or `Unknown`.
fn class_text(class: u16) -> &'static str {
    types::class_name(class.into()).unwrap_or("Unknown")
}

/// Adds one question (the caller has opened the section node).
pub fn question(p: &mut Packet, off: usize, q: &Question, mdns: bool) {
    let class = if mdns { q.qclass & 0x7fff } else { q.qclass };
    let label = || {
        let mut s = format!("{}: type ", q.name.text);
        types::write_type(&mut s, q.qtype);
        let _ = write!(s, ", class {}", class_text(class));
        if mdns {
            s.push_str(qu_text(q.qclass));
        }
        Value::Text(s.into())
    };
    let span = Span::new(off + q.start, q.wire_len());
    p.add_with(&ENTRY, span, label);
    p.subtree(|p| {
        name_fields(p, off, q.start, &q.name);
        let fixed = off + q.start + q.name.wire_len;
        p.add(&QRY_TYPE, Span::new(fixed, 2), Value::Uint(q.qtype.into()));
        p.add(
            &QRY_CLASS,
            Span::new(fixed + 2, 2),
            Value::Uint(class.into()),
        );
        if mdns {
            p.add(
                &QRY_QU,
                Span::new(fixed + 2, 2),
                Value::Bool(q.qclass & 0x8000 != 0),
            );
        }
    });
}

/// mDNS's unicast-response bit of a question's class (RFC 6762 section 5.4), as text.
pub fn qu_text(qclass: u16) -> &'static str {
    if qclass & 0x8000 != 0 {
        ", \"QU\" question"
    } else {
        ", \"QM\" question"
    }
}

/// A question whose name could not be read: its placeholder name alone.
pub fn bad_question_name(p: &mut Packet, off: usize, start: usize, name: &Name) {
    p.add_with(&ENTRY, Span::new(off + start, name.wire_len), || {
        Value::Text(name.text.as_str().into())
    });
    p.subtree(|p| name_fields(p, off, start, name));
}

/// The name, its length and label count of a question.
pub fn name_fields(p: &mut Packet, off: usize, start: usize, name: &Name) {
    let span = Span::new(off + start, name.wire_len);
    p.add_with(&QRY_NAME, span, || Value::Str(name.text.as_str().into()));
    p.add(&QRY_NAME_LEN, span, Value::Uint(name.text_len as u64));
    p.add(&COUNT_LABELS, span, Value::Uint(name.labels as u64));
}

/// Info text and label suffix of a record, built while its data is decoded.
#[derive(Default)]
pub struct RecordText {
    /// Appended to the Info column after the type name (`" 1.2.3.4"`).
    pub info: String,
    /// Appended to the tree label (`", addr 1.2.3.4"`).
    pub label: String,
}

/// Decodes a record's data into `rt` (always) and fields (tree mode).
/// `msg` is the whole message (names in the data may point into it).
/// Returns false when the data is malformed.
pub fn record(
    p: &mut Packet,
    off: usize,
    msg: &[u8],
    r: &Record<'_>,
    mdns: bool,
    rt: &mut RecordText,
) -> bool {
    let span = Span::new(off + r.start, r.wire_len().min(msg.len() - r.start));
    let class = if mdns { r.class & 0x7fff } else { r.class };
    // The label node comes first, its text filled in once the data is decoded.
    let entry = p.fields.len();
    p.add(&ENTRY, span, Value::Text("".into()));
    let ok = p.subtree(|p| {
        let name_span = Span::new(off + r.start, r.name.wire_len);
        let fixed = off + r.start + r.name.wire_len;
        let srv_parts = if r.rtype == T_SRV {
            split_srv(&r.name.text)
        } else {
            None
        };
        if let Some((service, proto, name)) = srv_parts {
            p.add_with(&SRV_SERVICE, name_span, || Value::Str(service.into()));
            p.add_with(&SRV_PROTO, name_span, || Value::Str(proto.into()));
            p.add_with(&SRV_NAME, name_span, || Value::Str(name.into()));
        } else {
            p.add_with(&RESP_NAME, name_span, || {
                Value::Str(r.name.text.as_str().into())
            });
        }
        p.add(&RESP_TYPE, Span::new(fixed, 2), Value::Uint(r.rtype.into()));
        if r.rtype == T_OPT {
            opt_header(p, fixed, r);
        } else {
            p.add(
                &RESP_CLASS,
                Span::new(fixed + 2, 2),
                Value::Uint(class.into()),
            );
            if mdns {
                p.add(
                    &RESP_CACHE_FLUSH,
                    Span::new(fixed + 2, 2),
                    Value::Bool(r.class & 0x8000 != 0),
                );
            }
            p.add(
                &RESP_TTL,
                Span::new(fixed + 4, 4),
                Value::Uint(r.ttl.into()),
            );
        }
        p.add(
            &RESP_LEN,
            Span::new(fixed + 8, 2),
            Value::Uint(r.rdlength.into()),
        );
        if r.truncated() {
            return false;
        }
        rdata(p, off, msg, r, rt)
    });
    if p.tree {
        let mut s = String::with_capacity(64);
        s.push_str(&r.name.text);
        s.push_str(": type ");
        types::write_type(&mut s, r.rtype);
        if r.rtype != T_OPT {
            let _ = write!(s, ", class {}", class_text(class));
            if mdns && r.class & 0x8000 != 0 {
                s.push_str(", cache flush");
            }
        }
        s.push_str(&rt.label);
        if let Some(node) = p.fields.get_mut(entry) {
            node.value = Value::Text(s.into());
        }
    }
    ok
}

/// `_sip._udp.example.com` as service, protocol and name, as Wireshark splits
/// SRV owners (whatever the labels look like).
fn split_srv(name: &str) -> Option<(&str, &str, &str)> {
    let (service, rest) = name.split_once('.')?;
    let (proto, rest) = rest.split_once('.')?;
    Some((service, proto, rest))
}

/// The OPT pseudo-record's class and TTL fields (RFC 6891 section 6.1.3).
fn opt_header(p: &mut Packet, fixed: usize, r: &Record<'_>) {
    p.add(
        &UDP_PAYLOAD_SIZE,
        Span::new(fixed + 2, 2),
        Value::Uint(r.class.into()),
    );
    p.add(
        &EXT_RCODE,
        Span::new(fixed + 4, 1),
        Value::Uint((r.ttl >> 24).into()),
    );
    p.add(
        &EDNS0_VERSION,
        Span::new(fixed + 5, 1),
        Value::Uint(((r.ttl >> 16) & 0xff).into()),
    );
    let z = r.ttl & 0xffff;
    p.add_tree(
        &RESP_Z,
        Span::new(fixed + 6, 2),
        Value::Uint(z.into()),
        |p| {
            p.add(
                &RESP_Z_DO,
                Span::new(fixed + 6, 2),
                Value::Bool(z & 0x8000 != 0),
            );
            p.add(
                &RESP_Z_RESERVED,
                Span::new(fixed + 6, 2),
                Value::Uint((z & 0x7fff).into()),
            );
        },
    );
}

type E<'a> = nom::error::Error<&'a [u8]>;

/// A name inside record data, as a field; returns the name and octets it took.
fn data_name(
    p: &mut Packet,
    def: &'static crate::model::FieldDef,
    off: usize,
    msg: &[u8],
    at: usize,
) -> Option<Name> {
    let name = read_name(msg, at);
    if name.error.is_some() {
        return None;
    }
    p.add_with(def, Span::new(off + at, name.wire_len), || {
        Value::Str(name.text.as_str().into())
    });
    Some(name)
}

/// Decodes the data of every supported record type.
fn rdata(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>, rt: &mut RecordText) -> bool {
    let d = r.rdata;
    let base = off + r.rdata_at;
    let sp = |i: usize, n: usize| Span::new(base + i, n);
    match r.rtype {
        T_A if d.len() == 4 => {
            let a = [d[0], d[1], d[2], d[3]];
            let ip = std::net::Ipv4Addr::from(a);
            let _ = write!(rt.info, " {ip}");
            if p.tree {
                let _ = write!(rt.label, ", addr {ip}");
            }
            p.add(&A, sp(0, 4), Value::Ipv4(a));
            true
        }
        T_AAAA if d.len() == 16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(d);
            let ip = std::net::Ipv6Addr::from(a);
            let _ = write!(rt.info, " {ip}");
            if p.tree {
                let _ = write!(rt.label, ", addr {ip}");
            }
            p.add(&AAAA, sp(0, 16), Value::Ipv6(a));
            true
        }
        T_NS | T_CNAME | T_PTR => {
            let (def, word) = match r.rtype {
                T_NS => (&NS, "ns "),
                T_CNAME => (&CNAME, "cname "),
                _ => (&PTR, ""),
            };
            let Some(n) = data_name(p, def, off, msg, r.rdata_at) else {
                return false;
            };
            let _ = write!(rt.info, " {}", n.text);
            let _ = write!(rt.label, ", {word}{}", n.text);
            true
        }
        T_MX => {
            let Ok((_, pref)) = be_u16::<_, E<'_>>(d) else {
                return false;
            };
            p.add(&MX_PREF, sp(0, 2), Value::Uint(pref.into()));
            let Some(n) = data_name(p, &MX_EXCHANGE, off, msg, r.rdata_at + 2) else {
                return false;
            };
            let _ = write!(rt.info, " {pref} {}", n.text);
            let _ = write!(rt.label, ", preference {pref}, mx {}", n.text);
            true
        }
        T_SOA => soa(p, off, msg, r, rt),
        T_TXT => character_strings(p, base, d, &TXT_LEN, &TXT),
        T_SRV => {
            let Ok((_, (prio, weight, port))) = (be_u16::<_, E<'_>>, be_u16, be_u16).parse(d)
            else {
                return false;
            };
            p.add(&SRV_PRIORITY, sp(0, 2), Value::Uint(prio.into()));
            p.add(&SRV_WEIGHT, sp(2, 2), Value::Uint(weight.into()));
            p.add(&SRV_PORT, sp(4, 2), Value::Uint(port.into()));
            let Some(n) = data_name(p, &SRV_TARGET, off, msg, r.rdata_at + 6) else {
                return false;
            };
            let _ = write!(rt.info, " {prio} {weight} {port} {}", n.text);
            let _ = write!(
                rt.label,
                ", priority {prio}, weight {weight}, port {port}, target {}",
                n.text
            );
            true
        }
        T_NAPTR => naptr(p, off, msg, r, rt),
        T_CAA => caa(p, base, d),
        T_SSHFP => {
            let Ok((fp, (algo, ftype))) = (be_u8::<_, E<'_>>, be_u8).parse(d) else {
                return false;
            };
            p.add(&SSHFP_ALGO, sp(0, 1), Value::Uint(algo.into()));
            p.add(&SSHFP_TYPE, sp(1, 1), Value::Uint(ftype.into()));
            p.add(&SSHFP_FP, sp(2, fp.len()), Value::SpanBytes);
            true
        }
        T_HINFO => {
            let Some(&n) = d.first() else { return false };
            let Some(cpu) = d.get(1..1 + n as usize) else {
                return false;
            };
            let at = 1 + cpu.len();
            let Some(&m) = d.get(at) else { return false };
            let Some(os) = d.get(at + 1..at + 1 + m as usize) else {
                return false;
            };
            let _ = write!(rt.info, " {} {}", text(cpu), text(os));
            let _ = write!(rt.label, ", CPU {}, OS {}", text(cpu), text(os));
            p.add(&HINFO_CPU_LEN, sp(0, 1), Value::Uint(n.into()));
            p.add_with(&HINFO_CPU, sp(1, cpu.len()), || {
                Value::Str(text(cpu).into())
            });
            p.add(&HINFO_OS_LEN, sp(at, 1), Value::Uint(m.into()));
            p.add_with(&HINFO_OS, sp(at + 1, os.len()), || {
                Value::Str(text(os).into())
            });
            true
        }
        T_TLSA => {
            // Wireshark 4.0 appends the owner name to Info for TLSA and NSEC3PARAM.
            let _ = write!(rt.info, " {}", r.name.text);
            let Ok((rest, (u, s, m))) = (be_u8::<_, E<'_>>, be_u8, be_u8).parse(d) else {
                return false;
            };
            p.add(&TLSA_USAGE, sp(0, 1), Value::Uint(u.into()));
            p.add(&TLSA_SELECTOR, sp(1, 1), Value::Uint(s.into()));
            p.add(&TLSA_MATCHING, sp(2, 1), Value::Uint(m.into()));
            p.add(&TLSA_DATA, sp(3, rest.len()), Value::SpanBytes);
            true
        }
        T_SVCB | T_HTTPS => svcb(p, off, msg, r),
        T_LOC => loc(p, base, d),
        T_OPT => opt_options(p, base, d),
        T_DNSKEY | T_CDNSKEY => dnskey(p, base, d),
        T_DS | T_CDS => {
            let Ok((digest, (tag, algo, dtype))) = (be_u16::<_, E<'_>>, be_u8, be_u8).parse(d)
            else {
                return false;
            };
            p.add(&DS_KEY_ID, sp(0, 2), Value::Uint(tag.into()));
            p.add(&DS_ALGO, sp(2, 1), Value::Uint(algo.into()));
            p.add(&DS_DIGEST_TYPE, sp(3, 1), Value::Uint(dtype.into()));
            p.add(&DS_DIGEST, sp(4, digest.len()), Value::SpanBytes);
            true
        }
        T_RRSIG => rrsig(p, off, msg, r),
        T_NSEC => {
            let Some(n) = data_name(p, &NSEC_NEXT, off, msg, r.rdata_at) else {
                return false;
            };
            let _ = write!(rt.info, " {}", n.text);
            let _ = write!(rt.label, ", next domain name {}", n.text);
            let used = n.wire_len;
            type_bitmaps(p, base + used, d.get(used..).unwrap_or(&[]))
        }
        T_NSEC3 | T_NSEC3_PRIVATE => nsec3(p, base, d, true),
        T_NSEC3PARAM => {
            let _ = write!(rt.info, " {}", r.name.text);
            nsec3(p, base, d, false)
        }
        T_TSIG => tsig(p, off, msg, r),
        _ => {
            // RFC 3597: unknown (or malformed known) data shown as it is.
            if types::type_short(r.rtype).is_none() || !is_decoded(r.rtype) {
                p.expert_field(
                    &UNDECODED_TYPE,
                    crate::model::Severity::Note,
                    crate::model::Group::Undecoded,
                    Span::new(off + r.start, r.wire_len()),
                    format!(
                        "Dissector for DNS Type ({}) code not implemented, Contact Wireshark developers if you want this supported",
                        r.rtype
                    ),
                );
            }
            if !d.is_empty() {
                p.add(&DATA, sp(0, d.len()), Value::SpanBytes);
            }
            true
        }
    }
}

/// Types whose data [`rdata`] decodes (the rest fall back to RFC 3597 bytes).
fn is_decoded(t: u16) -> bool {
    matches!(
        t,
        T_A | T_NS
            | T_CNAME
            | T_SOA
            | T_PTR
            | T_HINFO
            | T_MX
            | T_TXT
            | T_AAAA
            | T_LOC
            | T_SRV
            | T_NAPTR
            | T_OPT
            | T_DS
            | T_SSHFP
            | T_RRSIG
            | T_NSEC
            | T_DNSKEY
            | T_NSEC3
            | T_NSEC3PARAM
            | T_TLSA
            | T_CDS
            | T_CDNSKEY
            | T_SVCB
            | T_HTTPS
            | T_CAA
            | T_TSIG
            | T_NSEC3_PRIVATE
    )
}

fn soa(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>, rt: &mut RecordText) -> bool {
    let Some(m) = data_name(p, &SOA_MNAME, off, msg, r.rdata_at) else {
        return false;
    };
    let _ = write!(rt.info, " {}", m.text);
    let _ = write!(rt.label, ", mname {}", m.text);
    let Some(rn) = data_name(p, &SOA_RNAME, off, msg, r.rdata_at + m.wire_len) else {
        return false;
    };
    let at = m.wire_len + rn.wire_len;
    let rest = r.rdata.get(at..).unwrap_or(&[]);
    let Ok((_, v)) = (be_u32::<_, E<'_>>, be_u32, be_u32, be_u32, be_u32).parse(rest) else {
        return false;
    };
    let base = off + r.rdata_at + at;
    let vals = [v.0, v.1, v.2, v.3, v.4];
    let defs = [
        &SOA_SERIAL,
        &SOA_REFRESH,
        &SOA_RETRY,
        &SOA_EXPIRE,
        &SOA_MINIMUM,
    ];
    for (i, (def, v)) in defs.into_iter().zip(vals).enumerate() {
        p.add(def, Span::new(base + 4 * i, 4), Value::Uint(v.into()));
    }
    true
}

/// A run of <character-string>s (length octet + bytes), as TXT holds them.
fn character_strings(
    p: &mut Packet,
    base: usize,
    d: &[u8],
    len_def: &'static crate::model::FieldDef,
    def: &'static crate::model::FieldDef,
) -> bool {
    let mut i = 0;
    while i < d.len() {
        let n = d[i] as usize;
        let Some(s) = d.get(i + 1..i + 1 + n) else {
            return false;
        };
        p.add(len_def, Span::new(base + i, 1), Value::Uint(n as u64));
        p.add_with(def, Span::new(base + i + 1, n), || {
            Value::Str(text(s).into())
        });
        i += 1 + n;
    }
    true
}

/// Character-string bytes as text.
fn text(s: &[u8]) -> String {
    // As tshark reads ASCII strings: bytes above 0x7f become U+FFFD, control
    // characters stay (the JSON writer escapes them).
    s.iter()
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}

fn naptr(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>, rt: &mut RecordText) -> bool {
    let d = r.rdata;
    let base = off + r.rdata_at;
    let Ok((_, (order, pref))) = (be_u16::<_, E<'_>>, be_u16).parse(d) else {
        return false;
    };
    p.add(&NAPTR_ORDER, Span::new(base, 2), Value::Uint(order.into()));
    p.add(
        &NAPTR_PREF,
        Span::new(base + 2, 2),
        Value::Uint(pref.into()),
    );
    let mut i = 4;
    let mut flags: &[u8] = &[];
    for (len_def, def) in [
        (&NAPTR_FLAGS_LEN, &NAPTR_FLAGS),
        (&NAPTR_SERVICE_LEN, &NAPTR_SERVICE),
        (&NAPTR_REGEX_LEN, &NAPTR_REGEX),
    ] {
        let Some(&n) = d.get(i) else { return false };
        let Some(s) = d.get(i + 1..i + 1 + n as usize) else {
            return false;
        };
        if i == 4 {
            flags = s;
        }
        p.add(len_def, Span::new(base + i, 1), Value::Uint(n.into()));
        p.add_with(def, Span::new(base + i + 1, s.len()), || {
            Value::Str(text(s).into())
        });
        i += 1 + n as usize;
    }
    let flags = text(flags);
    let _ = write!(rt.info, " {order} {pref} {flags}");
    let _ = write!(
        rt.label,
        ", order {order}, preference {pref}, flags {flags}"
    );
    let name = read_name(msg, r.rdata_at + i);
    if name.error.is_some() {
        return false;
    }
    let span = Span::new(base + i, name.wire_len);
    p.add(&NAPTR_REPL_LEN, span, Value::Uint(name.text_len as u64));
    p.add_with(&NAPTR_REPL, span, || Value::Str(name.text.as_str().into()));
    true
}

fn caa(p: &mut Packet, base: usize, d: &[u8]) -> bool {
    let Ok((rest, (flags, tag_len))) = (be_u8::<_, E<'_>>, be_u8).parse(d) else {
        return false;
    };
    let Ok((value, tag)) = bytes(rest, tag_len as usize) else {
        return false;
    };
    let flag_span = Span::new(base, 1);
    p.add_tree(&CAA_FLAGS, flag_span, Value::Uint(flags.into()), |p| {
        p.add(&CAA_CRITICAL, flag_span, Value::Bool(flags & 0x80 != 0));
    });
    // tshark shows the property under its tag's field, with tag and value inside.
    let def = match tag {
        b"issue" => &CAA_ISSUE,
        b"issuewild" => &CAA_ISSUEWILD,
        b"iodef" => &CAA_IODEF,
        _ => &CAA_UNKNOWN,
    };
    let value_span = Span::new(base + 2 + tag.len(), value.len());
    p.add_with(def, Span::new(base + 1, d.len() - 1), || {
        Value::Str(text(value).into())
    });
    p.subtree(|p| {
        p.add(
            &CAA_TAG_LEN,
            Span::new(base + 1, 1),
            Value::Uint(tag_len.into()),
        );
        p.add_with(&CAA_TAG, Span::new(base + 2, tag.len()), || {
            Value::Str(text(tag).into())
        });
        p.add_with(&CAA_VALUE, value_span, || Value::Str(text(value).into()));
    });
    true
}

fn svcb(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>) -> bool {
    let d = r.rdata;
    let base = off + r.rdata_at;
    let Ok((_, prio)) = be_u16::<_, E<'_>>(d) else {
        return false;
    };
    p.add(&SVCB_PRIORITY, Span::new(base, 2), Value::Uint(prio.into()));
    let Some(target) = data_name(p, &SVCB_TARGET, off, msg, r.rdata_at + 2) else {
        return false;
    };
    let mut i = 2 + target.wire_len;
    while i < d.len() {
        let rest = &d[i..];
        let Ok((value, (key, len))) = (be_u16::<_, E<'_>>, be_u16).parse(rest) else {
            return false;
        };
        let Ok((_, value)) = bytes(value, len as usize) else {
            return false;
        };
        let at = base + i;
        let span = Span::new(at, 4 + value.len());
        p.add(&SVCB_PARAM, span, Value::None);
        p.subtree(|p| {
            p.add(&SVCB_KEY, Span::new(at, 2), Value::Uint(key.into()));
            p.add(
                &SVCB_VALUE_LEN,
                Span::new(at + 2, 2),
                Value::Uint(len.into()),
            );
            svc_param(p, at + 4, key, value);
        });
        i += 4 + value.len();
    }
    true
}

/// One SvcParam's value (RFC 9460 section 7).
fn svc_param(p: &mut Packet, at: usize, key: u16, v: &[u8]) {
    match key {
        0 => {
            for (j, k) in v.chunks_exact(2).enumerate() {
                let k = u16::from_be_bytes([k[0], k[1]]);
                p.add(
                    &SVCB_MANDATORY,
                    Span::new(at + 2 * j, 2),
                    Value::Uint(k.into()),
                );
            }
        }
        1 => {
            let mut j = 0;
            while j < v.len() {
                let n = v[j] as usize;
                let Some(s) = v.get(j + 1..j + 1 + n) else {
                    break;
                };
                p.add(&SVCB_ALPN_LEN, Span::new(at + j, 1), Value::Uint(n as u64));
                p.add_with(&SVCB_ALPN, Span::new(at + j + 1, n), || {
                    Value::Str(text(s).into())
                });
                j += 1 + n;
            }
        }
        3 if v.len() == 2 => {
            let port = u16::from_be_bytes([v[0], v[1]]);
            p.add(&SVCB_PORT, Span::new(at, 2), Value::Uint(port.into()));
        }
        4 => {
            for (j, a) in v.chunks_exact(4).enumerate() {
                p.add(
                    &SVCB_IPV4,
                    Span::new(at + 4 * j, 4),
                    Value::Ipv4([a[0], a[1], a[2], a[3]]),
                );
            }
        }
        5 => p.add(&SVCB_ECH, Span::new(at, v.len()), Value::SpanBytes),
        6 => {
            for (j, a) in v.chunks_exact(16).enumerate() {
                let mut b = [0u8; 16];
                b.copy_from_slice(a);
                p.add(&SVCB_IPV6, Span::new(at + 16 * j, 16), Value::Ipv6(b));
            }
        }
        _ => {
            if !v.is_empty() {
                p.add(&SVCB_VALUE, Span::new(at, v.len()), Value::SpanBytes);
            }
        }
    }
}

fn loc(p: &mut Packet, base: usize, d: &[u8]) -> bool {
    let Ok((_, (version, size, hp, vp, lat, lon, alt))) = (
        be_u8::<_, E<'_>>,
        be_u8,
        be_u8,
        be_u8,
        be_u32,
        be_u32,
        be_u32,
    )
        .parse(d)
    else {
        if !d.is_empty() {
            p.add(&DATA, Span::new(base, d.len()), Value::SpanBytes);
        }
        return true;
    };
    p.add(
        &LOC_VERSION,
        Span::new(base, 1),
        Value::Uint(version.into()),
    );
    if version != 0 {
        p.add(&DATA, Span::new(base + 1, d.len() - 1), Value::SpanBytes);
        return true;
    }
    p.add(&LOC_SIZE, Span::new(base + 1, 1), Value::Uint(size.into()));
    p.add(&LOC_HPREC, Span::new(base + 2, 1), Value::Uint(hp.into()));
    p.add(&LOC_VPREC, Span::new(base + 3, 1), Value::Uint(vp.into()));
    p.add(&LOC_LAT, Span::new(base + 4, 4), Value::Uint(lat.into()));
    p.add(&LOC_LON, Span::new(base + 8, 4), Value::Uint(lon.into()));
    p.add(&LOC_ALT, Span::new(base + 12, 4), Value::Uint(alt.into()));
    true
}

/// EDNS options (RFC 6891 section 6.1.2), each as a `dns.opt` node.
fn opt_options(p: &mut Packet, base: usize, d: &[u8]) -> bool {
    let mut i = 0;
    while i < d.len() {
        let Ok((rest, (code, len))) = (be_u16::<_, E<'_>>, be_u16).parse(&d[i..]) else {
            return false;
        };
        let Ok((_, data)) = bytes(rest, len as usize) else {
            return false;
        };
        let at = base + i;
        p.add(&OPT, Span::new(at, 4 + data.len()), Value::None);
        p.subtree(|p| {
            p.add(&OPT_CODE, Span::new(at, 2), Value::Uint(code.into()));
            p.add(&OPT_LEN, Span::new(at + 2, 2), Value::Uint(len.into()));
            p.add(&OPT_DATA, Span::new(at + 4, data.len()), Value::SpanBytes);
            edns_option(p, at + 4, code, data);
        });
        i += 4 + data.len();
    }
    true
}

/// The decoded value of one EDNS option.
fn edns_option(p: &mut Packet, at: usize, code: u16, v: &[u8]) {
    let sp = |i: usize, n: usize| Span::new(at + i, n);
    match code {
        5..=7 => {
            let def = match code {
                5 => &OPT_DAU,
                6 => &OPT_DHU,
                _ => &OPT_N3U,
            };
            for (j, &b) in v.iter().enumerate() {
                p.add(def, sp(j, 1), Value::Uint(b.into()));
            }
        }
        8 | 20730 => {
            let Ok((addr, (family, source, scope))) = (be_u16::<_, E<'_>>, be_u8, be_u8).parse(v)
            else {
                return;
            };
            p.add(&OPT_CLIENT_FAMILY, sp(0, 2), Value::Uint(family.into()));
            p.add(&OPT_CLIENT_NETMASK, sp(2, 1), Value::Uint(source.into()));
            p.add(&OPT_CLIENT_SCOPE, sp(3, 1), Value::Uint(scope.into()));
            // The address is cut to the prefix; the rest is zeros (RFC 7871 section 6).
            match family {
                1 if addr.len() <= 4 => {
                    let mut a = [0u8; 4];
                    a[..addr.len()].copy_from_slice(addr);
                    p.add(&OPT_CLIENT_ADDR4, sp(4, addr.len()), Value::Ipv4(a));
                }
                2 if addr.len() <= 16 => {
                    let mut a = [0u8; 16];
                    a[..addr.len()].copy_from_slice(addr);
                    p.add(&OPT_CLIENT_ADDR6, sp(4, addr.len()), Value::Ipv6(a));
                }
                _ => p.add(&OPT_CLIENT_ADDR, sp(4, addr.len()), Value::SpanBytes),
            }
        }
        10 => {
            let client = v.len().min(8);
            p.add(&OPT_COOKIE_CLIENT, sp(0, client), Value::SpanBytes);
            p.add(
                &OPT_COOKIE_SERVER,
                sp(client, v.len() - client),
                Value::SpanBytes,
            );
        }
        11 if v.len() == 2 => {
            let t = u16::from_be_bytes([v[0], v[1]]);
            p.add(&OPT_KEEPALIVE, sp(0, 2), Value::Uint(t.into()));
        }
        12 => p.add(&OPT_PADDING, sp(0, v.len()), Value::SpanBytes),
        13 => {
            // Wireshark shows the FQDN's raw label bytes (length octets included), without the root.
            let raw = v.strip_suffix(&[0]).unwrap_or(v);
            p.add_with(&OPT_CHAIN, sp(0, v.len()), || {
                Value::Str(raw.iter().map(|&b| b as char).collect::<String>().into())
            });
        }
        15 if v.len() >= 2 => {
            let c = u16::from_be_bytes([v[0], v[1]]);
            p.add(&OPT_EDE_CODE, sp(0, 2), Value::Uint(c.into()));
            if v.len() > 2 {
                p.add_with(&OPT_EDE_TEXT, sp(2, v.len() - 2), || {
                    Value::Str(text(&v[2..]).into())
                });
            }
        }
        _ => {}
    }
}

fn dnskey(p: &mut Packet, base: usize, d: &[u8]) -> bool {
    let Ok((key, (flags, proto, algo))) = (be_u16::<_, E<'_>>, be_u8, be_u8).parse(d) else {
        return false;
    };
    let s = Span::new(base, 2);
    p.add_tree(&DNSKEY_FLAGS, s, Value::Uint(flags.into()), |p| {
        p.add(&DNSKEY_ZONE, s, Value::Bool(flags & 0x0100 != 0));
        p.add(&DNSKEY_REVOKED, s, Value::Bool(flags & 0x0080 != 0));
        p.add(&DNSKEY_SEP, s, Value::Bool(flags & 0x0001 != 0));
        p.add(&DNSKEY_RESERVED, s, Value::Uint((flags & 0xfe7e).into()));
    });
    p.add(
        &DNSKEY_PROTOCOL,
        Span::new(base + 2, 1),
        Value::Uint(proto.into()),
    );
    p.add(
        &DNSKEY_ALGO,
        Span::new(base + 3, 1),
        Value::Uint(algo.into()),
    );
    p.add(
        &DNSKEY_KEY_ID,
        Span::new(base, d.len()),
        Value::Uint(key_tag(d).into()),
    );
    p.add(
        &DNSKEY_KEY,
        Span::new(base + 4, key.len()),
        Value::SpanBytes,
    );
    true
}

fn rrsig(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>) -> bool {
    let d = r.rdata;
    let base = off + r.rdata_at;
    let Ok((_, (covered, algo, labels, ttl, exp, inc, tag))) = (
        be_u16::<_, E<'_>>,
        be_u8,
        be_u8,
        be_u32,
        be_u32,
        be_u32,
        be_u16,
    )
        .parse(d)
    else {
        return false;
    };
    p.add(
        &RRSIG_COVERED,
        Span::new(base, 2),
        Value::Uint(covered.into()),
    );
    p.add(
        &RRSIG_ALGO,
        Span::new(base + 2, 1),
        Value::Uint(algo.into()),
    );
    p.add(
        &RRSIG_LABELS,
        Span::new(base + 3, 1),
        Value::Uint(labels.into()),
    );
    p.add(&RRSIG_TTL, Span::new(base + 4, 4), Value::Uint(ttl.into()));
    p.add_with(&RRSIG_EXPIRATION, Span::new(base + 8, 4), || {
        abs_time(exp.into())
    });
    p.add_with(&RRSIG_INCEPTION, Span::new(base + 12, 4), || {
        abs_time(inc.into())
    });
    p.add(
        &RRSIG_KEY_TAG,
        Span::new(base + 16, 2),
        Value::Uint(tag.into()),
    );
    let Some(signer) = data_name(p, &RRSIG_SIGNER, off, msg, r.rdata_at + 18) else {
        return false;
    };
    let at = 18 + signer.wire_len;
    let sig = d.get(at..).unwrap_or(&[]);
    p.add(
        &RRSIG_SIGNATURE,
        Span::new(base + at, sig.len()),
        Value::SpanBytes,
    );
    true
}

/// A time in seconds since the epoch, as tshark writes absolute times in UTC:
/// `Sep  2, 2018 15:26:36.000000000 UTC`.
fn abs_time(secs: i64) -> Value {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = crate::frame::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let month = MONTHS
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("???");
    Value::Str(
        format!(
            "{month} {d:>2}, {y} {:02}:{:02}:{:02}.000000000 UTC",
            t / 3600,
            t / 60 % 60,
            t % 60
        )
        .into(),
    )
}

/// NSEC/NSEC3 type bitmaps (RFC 4034 section 4.1.2): one field per type present.
fn type_bitmaps(p: &mut Packet, base: usize, d: &[u8]) -> bool {
    let mut i = 0;
    while i < d.len() {
        let Some(&len) = d.get(i + 1) else {
            return false;
        };
        let window = u32::from(d[i]);
        let Some(map) = d.get(i + 2..i + 2 + len as usize) else {
            return false;
        };
        for (byte_idx, &byte) in map.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    // RFC 4034 allows 32 bytes a window; a longer bitmap
                    // names types past 65535, so count in 32 bits.
                    let t = window * 256 + byte_idx as u32 * 8 + bit;
                    // Wireshark files bitmap entries under dns.resp.type too.
                    p.add(
                        &RESP_TYPE,
                        Span::new(base + i + 2 + byte_idx, 1),
                        Value::Uint(t.into()),
                    );
                }
            }
        }
        i += 2 + len as usize;
    }
    true
}

fn nsec3(p: &mut Packet, base: usize, d: &[u8], full: bool) -> bool {
    let Ok((rest, (algo, flags, iterations, salt_len))) =
        (be_u8::<_, E<'_>>, be_u8, be_u16, be_u8).parse(d)
    else {
        return false;
    };
    let Ok((rest, salt)) = bytes(rest, salt_len as usize) else {
        return false;
    };
    p.add(&NSEC3_ALGO, Span::new(base, 1), Value::Uint(algo.into()));
    // NSEC3PARAM's flags have no opt-out bit (RFC 5155 section 4.1.2).
    p.add(
        &NSEC3_FLAGS,
        Span::new(base + 1, 1),
        Value::Uint(flags.into()),
    );
    if full {
        p.subtree(|p| {
            p.add(
                &NSEC3_OPT_OUT,
                Span::new(base + 1, 1),
                Value::Bool(flags & 1 != 0),
            );
        });
    }
    p.add(
        &NSEC3_ITERATIONS,
        Span::new(base + 2, 2),
        Value::Uint(iterations.into()),
    );
    p.add(
        &NSEC3_SALT_LEN,
        Span::new(base + 4, 1),
        Value::Uint(salt_len.into()),
    );
    p.add(
        &NSEC3_SALT,
        Span::new(base + 5, salt.len()),
        Value::SpanBytes,
    );
    if !full {
        return true;
    }
    let at = 5 + salt.len();
    let Ok((rest, hash_len)) = be_u8::<_, E<'_>>(rest) else {
        return false;
    };
    let Ok((rest, hash)) = bytes(rest, hash_len as usize) else {
        return false;
    };
    p.add(
        &NSEC3_HASH_LEN,
        Span::new(base + at, 1),
        Value::Uint(hash_len.into()),
    );
    p.add_with(&NSEC3_HASH, Span::new(base + at + 1, hash.len()), || {
        Value::Str(parser::base32hex(hash).into())
    });
    type_bitmaps(p, base + at + 1 + hash.len(), rest)
}

fn tsig(p: &mut Packet, off: usize, msg: &[u8], r: &Record<'_>) -> bool {
    let base = off + r.rdata_at;
    let Some(algo) = data_name(p, &TSIG_ALGO, off, msg, r.rdata_at) else {
        return false;
    };
    let at = algo.wire_len;
    let rest = r.rdata.get(at..).unwrap_or(&[]);
    let Ok((rest, (hi, lo, fudge, mac_size))) =
        (be_u16::<_, E<'_>>, be_u32, be_u16, be_u16).parse(rest)
    else {
        return false;
    };
    let signed = (i64::from(hi) << 32) | i64::from(lo);
    p.add_with(&TSIG_TIME, Span::new(base + at, 6), || abs_time(signed));
    p.add(
        &TSIG_FUDGE,
        Span::new(base + at + 6, 2),
        Value::Uint(fudge.into()),
    );
    p.add(
        &TSIG_MAC_SIZE,
        Span::new(base + at + 8, 2),
        Value::Uint(mac_size.into()),
    );
    let Ok((rest, mac)) = bytes(rest, mac_size as usize) else {
        return false;
    };
    // Like Wireshark, the MAC is not verified: no key, and no digest for the algorithm.
    let mac_span = Span::new(base + at + 10, mac.len());
    p.add(&TSIG_MAC, mac_span, Value::None);
    p.subtree(|p| {
        p.expert_field(
            &TSIG_NOALG,
            crate::model::Severity::Warn,
            crate::model::Group::Undecoded,
            mac_span,
            format!("No dissector for algorithm:{}", algo.text),
        )
    });
    let at = at + 10 + mac_size as usize;
    let Ok((_, (orig, error, other_len))) = (be_u16::<_, E<'_>>, be_u16, be_u16).parse(rest) else {
        return false;
    };
    p.add(
        &TSIG_ORIGINAL_ID,
        Span::new(base + at, 2),
        Value::Uint(orig.into()),
    );
    p.add(
        &TSIG_ERROR,
        Span::new(base + at + 2, 2),
        Value::Uint(error.into()),
    );
    p.add(
        &TSIG_OTHER_LEN,
        Span::new(base + at + 4, 2),
        Value::Uint(other_len.into()),
    );
    true
}
