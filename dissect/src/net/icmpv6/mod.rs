//! ICMPv6 (RFC 4443): the common header with its checksum over the IPv6
//! pseudo-header, echo, the error messages with the invoking packet dissected
//! inside them, MLDv1/MLDv2 (RFC 2710, RFC 3810) and, in `nd.rs`, Neighbor
//! Discovery (RFC 4861) with its options.

mod nd;

use std::fmt::Write as _;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::model::{Group, Packet, Protocol, Severity, Span, Value};
use crate::net::icmp::{pair_echo, EchoRole};
use crate::net::ipv6;
use crate::net::ipv6::wire::{addr_at, bytes_at, u16_at, u32_at, u8_at};
use crate::transport::checksum;

pub use nd::FIELDS as ND_FIELDS;

pub static ICMPV6: Protocol = Protocol {
    name: "icmpv6",
    label: "Internet Control Message Protocol v6",
    short: "ICMPv6",
};

/// IP protocol number, for the pseudo-header.
const IP_PROTO_ICMPV6: u8 = 58;
/// Type, code and checksum.
const HEADER_LEN: usize = 4;
/// An MLD query at least this long is MLDv2 (RFC 3810 section 8.1).
const MLDV2_QUERY_MIN_LEN: usize = 28;

const DST_UNREACH: u8 = 1;
const PACKET_TOO_BIG: u8 = 2;
const TIME_EXCEEDED: u8 = 3;
const PARAM_PROB: u8 = 4;
const ECHO_REQUEST: u8 = 128;
const ECHO_REPLY: u8 = 129;
const MLD_QUERY: u8 = 130;
const MLD_REPORT: u8 = 131;
const MLD_DONE: u8 = 132;
const ROUTER_SOLICIT: u8 = 133;
const ROUTER_ADVERT: u8 = 134;
const NEIGHBOR_SOLICIT: u8 = 135;
const NEIGHBOR_ADVERT: u8 = 136;
const REDIRECT: u8 = 137;
const IND_SOLICIT: u8 = 141;
const IND_ADVERT: u8 = 142;
const MLDV2_REPORT: u8 = 143;
const EXPERIMENTAL_MOBILITY: u8 = 150;
const FMIPV6: u8 = 154;

declare_fields! {
    TYPE = "icmpv6.type", "Type", U8, Dec, type_name;
    CODE = "icmpv6.code", "Code", U8;
    CHECKSUM = "icmpv6.checksum", "Checksum", U16, Hex(4);
    #[generated] CHECKSUM_STATUS = "icmpv6.checksum.status", "Checksum Status", U8, NameOnly, crate::names::checksum_status;
    CHECKSUM_BAD = "icmpv6.checksum_bad.expert", "Bad checksum", None;
    RESERVED = "icmpv6.reserved", "Reserved", Bytes;
    DATA = "icmpv6.data", "Data", Bytes;
    UNKNOWN_DATA = "icmpv6.unknown_data", "Unknown Data", Bytes;
    UNKNOWN_DATA_EXPERT = "icmpv6.unknown_data.expert", "Unknown Data (not interpreted)", None;
    UNDECODED_TYPE = "icmpv6.undecoded.type", "Undecoded ICMPv6 type", None;
    MTU = "icmpv6.mtu", "MTU", U32;
    POINTER = "icmpv6.pointer", "Pointer", U32;
    LENGTH = "icmpv6.length", "Length of original datagram", U8;
    ECHO_ID = "icmpv6.echo.identifier", "Identifier", U16, Hex(4);
    ECHO_SEQ = "icmpv6.echo.sequence_number", "Sequence", U16;
    #[generated] RESP_TO = "icmpv6.resp_to", "Response To", FrameNum;
    #[generated_format = crate::net::icmp::resptime_text] RESPTIME = "icmpv6.resptime", "Response Time", Float;
    MLD_MRD = "icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", U16;
    MLD_MCAST = "icmpv6.mld.multicast_address", "Multicast Address", Ipv6;
    MLD_MRC = "icmpv6.mld.maximum_response_code", "Maximum Response Code", U16;
    MLD_FLAG = "icmpv6.mld.flag", "Flags", U8, Hex(2);
    MLD_FLAG_S = "icmpv6.mld.flag.s", "Suppress Router-Side Processing", Bool(8) & 0x08, Dec, crate::names::true_false;
    MLD_FLAG_QRV = "icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", U8 & 0x07;
    MLD_FLAG_RSV = "icmpv6.mld.flag.reserved", "Reserved", U8 & 0xf0;
    MLD_QQI = "icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", U16;
    MLD_NB_SOURCES = "icmpv6.mld.nb_sources", "Number of Sources", U16;
    MLD_SOURCE = "icmpv6.mld.source_address", "Source Address", Ipv6;
    MLDR_NB_RECORDS = "icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", U16;
    MLDR_MAR = "icmpv6.mldr.mar", "Multicast Address Record", None;
    MAR_RECORD_TYPE = "icmpv6.mldr.mar.record_type", "Record Type", U8, Dec, record_type_name;
    MAR_AUX_LEN = "icmpv6.mldr.mar.aux_data_len", "Aux Data Len", U8;
    MAR_NB_SOURCES = "icmpv6.mldr.mar.nb_sources", "Number of Sources", U16;
    MAR_MCAST = "icmpv6.mldr.mar.multicast_address", "Multicast Address", Ipv6;
    MAR_SOURCE = "icmpv6.mldr.mar.source_address", "Source Address", Ipv6;
    MAR_AUX_DATA = "icmpv6.mldr.mar.auxiliary_data", "Auxiliary Data", Bytes;
}

/// Dissects an ICMPv6 message; claims all of `buf`.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&ICMPV6, Span::new(off, buf.len()));
    cx.pkt.set_info(|_| {});
    if message(cx, off, buf).is_none() {
        cx.pkt
            .malformed(Span::new(off + buf.len(), 0), "ICMPv6 message truncated");
    }
    buf.len()
}

/// Dissects the message; `None` when it is cut short (what was read stays).
fn message(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    let ty = u8_at(buf, 0)?;
    cx.pkt.add(&TYPE, Span::new(off, 1), Value::Uint(ty as u64));
    cx.pkt.set_info(|i| match type_name(ty as u64) {
        Some(name) => i.push_str(name),
        None => {
            let _ = write!(i, "Unknown ({ty})");
        }
    });
    let code = u8_at(buf, 1)?;
    cx.pkt
        .add(&CODE, Span::new(off + 1, 1), Value::Uint(code as u64));
    crate::flow::conntrack::track_icmp(cx, off, buf, true, ty, code);
    if let Some(name) = code_name(ty, code) {
        cx.pkt.append_info_fmt(format_args!(" ({name})"));
    }
    let stored = u16_at(buf, 2)?;
    add_checksum(cx, off, buf, stored);
    match ty {
        ECHO_REQUEST | ECHO_REPLY => echo(cx, off, buf),
        DST_UNREACH | TIME_EXCEEDED => {
            let orig_len = u8_at(buf, 4)?;
            if orig_len != 0 {
                // RFC 4884: the length of the original datagram, in 64-bit words.
                cx.pkt
                    .add(&LENGTH, Span::new(off + 4, 1), Value::Uint(orig_len as u64));
                reserved(cx.pkt, off, buf, 5, 3)?;
            } else {
                reserved(cx.pkt, off, buf, 4, 4)?;
            }
            dissect_contained(cx, off + 8, buf.get(8..)?);
            Some(())
        }
        PACKET_TOO_BIG | PARAM_PROB => {
            let v = u32_at(buf, 4)?;
            let def = if ty == PACKET_TOO_BIG { &MTU } else { &POINTER };
            cx.pkt
                .add(def, Span::new(off + 4, 4), Value::Uint(v as u64));
            dissect_contained(cx, off + 8, buf.get(8..)?);
            Some(())
        }
        MLD_QUERY if buf.len() >= MLDV2_QUERY_MIN_LEN => mldv2_query(cx.pkt, off, buf),
        MLD_QUERY | MLD_REPORT | MLD_DONE => mldv1(cx.pkt, off, buf),
        MLDV2_REPORT => mldv2_report(cx.pkt, off, buf),
        ROUTER_SOLICIT => nd::router_solicitation(cx, off, buf),
        ROUTER_ADVERT => nd::router_advertisement(cx, off, buf),
        NEIGHBOR_SOLICIT => nd::neighbor_solicitation(cx, off, buf),
        NEIGHBOR_ADVERT => nd::neighbor_advertisement(cx, off, buf),
        REDIRECT => nd::redirect(cx, off, buf),
        IND_SOLICIT | IND_ADVERT => nd::inverse_discovery(cx, off, buf),
        _ => {
            if ty == EXPERIMENTAL_MOBILITY || ty == FMIPV6 {
                // The subtype names the message; its body is not dissected.
                let subtype = u8_at(buf, 4)?;
                cx.pkt
                    .append_info_fmt(format_args!(" ({})", fmip6_subtype_name(subtype)));
            }
            let rest = &buf[HEADER_LEN..];
            let span = Span::new(off + HEADER_LEN, rest.len());
            cx.pkt.add(&UNDECODED_TYPE, Span::new(off, 1), Value::None);
            cx.pkt.expert(
                Severity::Note,
                Group::Undecoded,
                span,
                format!("ICMPv6 type {ty} is not dissected"),
            );
            if !rest.is_empty() {
                cx.pkt.add(&DATA, span, Value::SpanBytes);
            }
            Some(())
        }
    }
}

/// Adds a reserved field of `len` bytes at `at`.
fn reserved(p: &mut Packet, off: usize, buf: &[u8], at: usize, len: usize) -> Option<()> {
    bytes_at(buf, at, len)?;
    p.add(&RESERVED, Span::new(off + at, len), Value::SpanBytes);
    Some(())
}

/// The checksum, verified over the IPv6 pseudo-header like Wireshark does for
/// every ICMPv6 message it can: not inside an ICMP error, not for a fragment,
/// not when the capture cut the message short.
fn add_checksum(cx: &mut Cx<'_>, off: usize, buf: &[u8], stored: u16) {
    let span = Span::new(off + 2, 2);
    let truncated = ipv6::reported_len(cx, off, buf) > buf.len();
    let pseudo = match cx.ip {
        Some(ip) if !cx.in_icmp_error && !ip.fragment && !truncated => {
            checksum::pseudo_header(&ip.src, &ip.dst, IP_PROTO_ICMPV6, buf.len() as u32)
        }
        _ => None,
    };
    let verdict = pseudo.map(|ps| {
        let good = checksum::finish(checksum::sum(ps, buf)) == 0;
        // The value it should hold: the sum with the checksum field left out.
        let expected = checksum::finish(checksum::sum(checksum::sum(ps, &buf[..2]), &buf[4..]));
        (good, expected)
    });
    let p = &mut *cx.pkt;
    p.add(&CHECKSUM, span, Value::Uint(stored as u64));
    p.append_text(|t| match verdict {
        Some((good, expected)) => checksum::write_verdict(t, good, expected),
        None => t.push_str(" [unverified]"),
    });
    let status = match verdict {
        Some((true, _)) => checksum::Verdict::Good,
        Some((false, _)) => checksum::Verdict::Bad,
        None => checksum::Verdict::Unverified,
    };
    if let Some((false, expected)) = verdict {
        p.subtree(|p| p.add(&CHECKSUM_BAD, span, Value::None));
        p.expert(
            Severity::Warn,
            Group::Checksum,
            span,
            format!("Bad checksum [should be 0x{expected:04x}]"),
        );
    }
    p.add(&CHECKSUM_STATUS, span, Value::Uint(status.status()));
}

fn echo(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    let id = u16_at(buf, 4)?;
    cx.pkt
        .add(&ECHO_ID, Span::new(off + 4, 2), Value::Uint(id as u64));
    let seq = u16_at(buf, 6)?;
    cx.pkt
        .add(&ECHO_SEQ, Span::new(off + 6, 2), Value::Uint(seq as u64));
    cx.pkt
        .append_info_fmt(format_args!(" id=0x{id:04x}, seq={seq}"));
    if let Some(hlim) = ipv6::enclosing_hop_limit(cx) {
        cx.pkt.append_info_fmt(format_args!(", hop limit={hlim}"));
    }
    if !cx.in_icmp_error {
        match_echo(cx, off, buf, id, seq);
    }
    let data = &buf[8..];
    if !data.is_empty() {
        crate::app::data::dissect(cx, off + 8, data);
    }
    Some(())
}

/// Pairs an echo reply with its request: `[Response To: 1]`, the time
/// between them, and `(request in 1)` in Info.
fn match_echo(cx: &mut Cx<'_>, off: usize, buf: &[u8], id: u16, seq: u16) {
    let (Some(ty), Some(stored)) = (u8_at(buf, 0), u16_at(buf, 2)) else {
        return;
    };
    let role = if ty == ECHO_REQUEST {
        // The reply's type byte is one more (128 -> 129): its sum is the
        // request's plus 0x0100 (the pseudo-header's addresses swap, which
        // leaves the sum alone).
        EchoRole::Request {
            reply_sum_change: 0x0100,
        }
    } else {
        EchoRole::Reply
    };
    let ident_seq = (id as u32) << 16 | seq as u32;
    if let Some(req) = pair_echo(cx, role, stored, ident_seq) {
        let span = Span::new(off, 0);
        cx.pkt.add(&RESP_TO, span, Value::Uint(req.frame));
        cx.pkt.add(&RESPTIME, span, Value::Float(req.rtt_ms));
        cx.pkt
            .append_info_fmt(format_args!(" (request in {})", req.frame));
    }
}

/// Dissects the invoking packet quoted in an error message (or a Redirected
/// Header option) as IPv6 when it looks like it, as data otherwise. The columns
/// keep describing the ICMPv6 message.
pub(crate) fn dissect_contained(cx: &mut Cx<'_>, off: usize, buf: &[u8]) {
    if buf.is_empty() {
        return;
    }
    let summary = cx.pkt.summary.clone();
    let ip = cx.ip;
    let in_error = cx.in_icmp_error;
    cx.in_icmp_error = true;
    if buf[0] & 0xf0 == 0x60 {
        dispatch::ip_proto(cx, 41, off, buf);
    } else {
        crate::app::data::dissect(cx, off, buf);
    }
    cx.in_icmp_error = in_error;
    cx.ip = ip;
    cx.pkt.summary = summary;
}

/// MLDv1 (RFC 2710) query, report and done.
fn mldv1(p: &mut Packet, off: usize, buf: &[u8]) -> Option<()> {
    let mrd = u16_at(buf, 4)?;
    p.add(&MLD_MRD, Span::new(off + 4, 2), Value::Uint(mrd as u64));
    reserved(p, off, buf, 6, 2)?;
    let a = addr_at(buf, 8)?;
    p.add(&MLD_MCAST, Span::new(off + 8, 16), Value::Ipv6(a));
    Some(())
}

/// Decodes RFC 3810's floating-point codes (Maximum Response Code, QQIC):
/// below the threshold the code is the value, above it a mantissa and exponent.
fn mld_float(code: u32, threshold: u32, mant_bits: u32, exp_shift: u32) -> u32 {
    if code < threshold {
        return code;
    }
    let mant_mask = (1 << mant_bits) - 1;
    let exp = (code >> exp_shift) & 0x7;
    ((code & mant_mask) | (1 << mant_bits)) << (exp + 3)
}

/// MLDv2 query (RFC 3810 section 5.1).
fn mldv2_query(p: &mut Packet, off: usize, buf: &[u8]) -> Option<()> {
    let mrc = u16_at(buf, 4)? as u32;
    p.add(
        &MLD_MRC,
        Span::new(off + 4, 2),
        Value::Uint(mld_float(mrc, 32768, 12, 12) as u64),
    );
    reserved(p, off, buf, 6, 2)?;
    let a = addr_at(buf, 8)?;
    p.add(&MLD_MCAST, Span::new(off + 8, 16), Value::Ipv6(a));
    let flags = u8_at(buf, 24)?;
    let span = Span::new(off + 24, 1);
    p.add_tree(&MLD_FLAG, span, Value::Uint(flags as u64), |p| {
        p.add(&MLD_FLAG_S, span, Value::Bool(flags & 0x08 != 0));
        p.add(&MLD_FLAG_QRV, span, Value::Uint((flags & 0x07) as u64));
        p.add(&MLD_FLAG_RSV, span, Value::Uint((flags >> 4) as u64));
    });
    let qqic = u8_at(buf, 25)? as u32;
    p.add(
        &MLD_QQI,
        Span::new(off + 25, 1),
        Value::Uint(mld_float(qqic, 128, 4, 4) as u64),
    );
    let sources = u16_at(buf, 26)?;
    p.add(
        &MLD_NB_SOURCES,
        Span::new(off + 26, 2),
        Value::Uint(sources as u64),
    );
    for i in 0..sources as usize {
        let at = 28 + 16 * i;
        let a = addr_at(buf, at)?;
        p.add(&MLD_SOURCE, Span::new(off + at, 16), Value::Ipv6(a));
    }
    Some(())
}

/// MLDv2 report (RFC 3810 section 5.2): multicast address records to the end.
fn mldv2_report(p: &mut Packet, off: usize, buf: &[u8]) -> Option<()> {
    reserved(p, off, buf, 4, 2)?;
    let records = u16_at(buf, 6)?;
    p.add(
        &MLDR_NB_RECORDS,
        Span::new(off + 6, 2),
        Value::Uint(records as u64),
    );
    let mut pos = 8;
    while pos < buf.len() {
        pos = address_record(p, off, buf, pos)?;
    }
    Some(())
}

/// One multicast address record at `pos`; returns where the next starts.
fn address_record(p: &mut Packet, off: usize, buf: &[u8], pos: usize) -> Option<usize> {
    let record_type = u8_at(buf, pos);
    let aux_len = u8_at(buf, pos + 1).unwrap_or(0) as usize;
    let sources = u16_at(buf, pos + 2).unwrap_or(0) as usize;
    let len = 20 + 16 * sources + 4 * aux_len;
    p.add(
        &MLDR_MAR,
        Span::new(off + pos, len.min(buf.len() - pos)),
        Value::None,
    );
    // `Multicast Address Record Changed to exclude: ff02::2`
    if let (Some(ty), Some(a)) = (record_type, addr_at(buf, pos + 4)) {
        p.append_text(|t| {
            let name = record_type_name(ty as u64).unwrap_or("Unknown");
            let _ = write!(t, " {name}: {}", std::net::Ipv6Addr::from(a));
        });
    }
    p.subtree(|p| {
        p.add(
            &MAR_RECORD_TYPE,
            Span::new(off + pos, 1),
            Value::Uint(record_type? as u64),
        );
        u8_at(buf, pos + 1)?;
        p.add(
            &MAR_AUX_LEN,
            Span::new(off + pos + 1, 1),
            Value::Uint(aux_len as u64),
        );
        u16_at(buf, pos + 2)?;
        p.add(
            &MAR_NB_SOURCES,
            Span::new(off + pos + 2, 2),
            Value::Uint(sources as u64),
        );
        let a = addr_at(buf, pos + 4)?;
        p.add(&MAR_MCAST, Span::new(off + pos + 4, 16), Value::Ipv6(a));
        let mut at = pos + 20;
        for _ in 0..sources {
            let s = addr_at(buf, at)?;
            p.add(&MAR_SOURCE, Span::new(off + at, 16), Value::Ipv6(s));
            at += 16;
        }
        if aux_len > 0 {
            bytes_at(buf, at, 4 * aux_len)?;
            p.add(
                &MAR_AUX_DATA,
                Span::new(off + at, 4 * aux_len),
                Value::SpanBytes,
            );
            at += 4 * aux_len;
        }
        Some(at)
    })
}

fn type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        100 | 101 | 200 | 201 => "Private experimentation",
        127 => "Reserved for expansion of ICMPv6 error messages",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        138 => "Router Renumbering",
        139 => "Node Information Query",
        140 => "Node Information Reply",
        141 => "Inverse Neighbor Discovery Solicitation",
        142 => "Inverse Neighbor Discovery Advertisement",
        143 => "Multicast Listener Report Message v2",
        144 => "Home Agent Address Discovery Request",
        145 => "Home Agent Address Discovery Reply",
        146 => "Mobile Prefix Solicitation",
        147 => "Mobile Prefix Advertisement",
        148 => "Certification Path Solicitation",
        149 => "Certification Path Advertisement",
        150 => "Experimental Mobility",
        151 => "Multicast Router Advertisement",
        152 => "Multicast Router Solicitation",
        153 => "Multicast Router Termination",
        154 => "FMIPv6",
        155 => "RPL Control",
        156 => "Locator Update",
        157 => "Duplicate Address Request",
        158 => "Duplicate Address Confirmation",
        159 => "MPL Control Message",
        160 => "Extended Echo request",
        161 => "Extended Echo reply",
        255 => "Reserved for expansion of ICMPv6 informational messages",
        _ => return None,
    })
}

/// The code's name for the types whose codes Wireshark names in the Info column
/// (Wireshark 4.0's wording, capitals included).
fn code_name(ty: u8, code: u8) -> Option<std::borrow::Cow<'static, str>> {
    let unknown = || std::borrow::Cow::Owned(format!("Unknown ({code})"));
    let name = match ty {
        DST_UNREACH => match code {
            0 => "no route to destination",
            1 => "Administratively prohibited",
            2 => "Beyond scope of source address",
            3 => "Address unreachable",
            4 => "Port unreachable",
            5 => "Source address failed ingress/egress policy",
            6 => "Reject route to destination",
            7 => "Error in Source Routing Header",
            _ => "Unknown",
        },
        TIME_EXCEEDED => match code {
            0 => "hop limit exceeded in transit",
            1 => "fragment reassembly time exceeded",
            _ => return Some(unknown()),
        },
        PARAM_PROB => match code {
            0 => "erroneous header field encountered",
            1 => "unrecognized Next Header type encountered",
            2 => "unrecognized IPv6 option encountered",
            3 => "IPv6 First Fragment has incomplete IPv6 Header Chain",
            _ => return Some(unknown()),
        },
        138 => match code {
            0 => "Command",
            1 => "Result",
            255 => "Sequence number reset",
            _ => return Some(unknown()),
        },
        139 => match code {
            0 => "Query subject = IPv6 addresses",
            1 => "Query subject = DNS name or empty",
            2 => "Query subject = IPv4 addresses",
            _ => return Some(unknown()),
        },
        140 => match code {
            0 => "Successful",
            1 => "Refused",
            2 => "Unknown query type",
            _ => return Some(unknown()),
        },
        _ => return None,
    };
    Some(std::borrow::Cow::Borrowed(name))
}

fn fmip6_subtype_name(v: u8) -> std::borrow::Cow<'static, str> {
    std::borrow::Cow::Borrowed(match v {
        2 => "Router Solicitation for Proxy Advertisement",
        3 => "Proxy Router Advertisement",
        4 => "Handover Initiate",
        5 => "Handover Acknowledge",
        _ => return std::borrow::Cow::Owned(format!("Unknown ({v})")),
    })
}

fn record_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Include",
        2 => "Exclude",
        3 => "Changed to include",
        4 => "Changed to exclude",
        5 => "Allow new sources",
        6 => "Block old sources",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
