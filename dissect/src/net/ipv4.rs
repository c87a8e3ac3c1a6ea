//! IPv4 (RFC 791): the fixed header, options, header checksum, and the hand-off
//! of the payload by protocol number.
//!
//! Fragments go to the reassembly table (`flow::defrag`): each shows its payload
//! as data, except the one that completes a datagram, which dissects the
//! reassembled payload (as tshark does in its default single pass).

use std::borrow::Cow;
use std::fmt::Write as _;

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::{Cx, IpContext};
use crate::flow::defrag;
use crate::model::{Address, FieldDef, Group, Packet, Protocol, Severity, Span, Value};
use crate::transport::checksum;

pub static IP: Protocol = Protocol {
    name: "ip",
    label: "Internet Protocol Version 4",
    short: "IPv4",
};

declare_fields! {
    VERSION = "ip.version", "Version", U8 & 0xf0;
    #[format = hdr_len_text] HDR_LEN = "ip.hdr_len", "Header Length", U8 & 0x0f;
    #[format = dsfield_text] DSFIELD = "ip.dsfield", "Differentiated Services Field", U8, Hex(2);
    #[generated] FRAGMENTS = "ip.fragments", "IPv4 Fragments", Bytes;
    #[generated_format = crate::flow::reassembly::piece_frame_text] FRAGMENT = "ip.fragment", "IPv4 Fragment", FrameNum;
    #[generated_format = crate::flow::reassembly::piece_frame_text] FRAGMENT_ERROR = "ip.fragment.error", "Defragmentation error", FrameNum;
    #[generated] FRAGMENT_OVERLAP = "ip.fragment.overlap", "Fragment overlap", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_OVERLAP_CONFLICT = "ip.fragment.overlap.conflict", "Conflicting data in fragment overlap", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_MULTIPLETAILS = "ip.fragment.multipletails", "Multiple tail fragments found", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_TOOLONG = "ip.fragment.toolongfragment", "Fragment too long", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_COUNT = "ip.fragment.count", "Fragment count", U32;
    #[generated] REASSEMBLED_LENGTH = "ip.reassembled.length", "Reassembled IPv4 length", U32;
    #[generated] REASSEMBLED_DATA = "ip.reassembled.data", "Reassembled IPv4 data", Bytes;
    DSCP = "ip.dsfield.dscp", "Differentiated Services Codepoint", U8 & 0xfc, Dec, dscp_name;
    ECN = "ip.dsfield.ecn", "Explicit Congestion Notification", U8 & 0x03, Dec, ecn_name;
    LEN = "ip.len", "Total Length", U16;
    ID = "ip.id", "Identification", U16, HexDec(4);
    #[format = flags_text] FLAGS = "ip.flags", "Flags", U8 & 0xe0, Hex(2);
    FLAG_RB = "ip.flags.rb", "Reserved bit", Bool & 0x80;
    FLAG_DF = "ip.flags.df", "Don't fragment", Bool & 0x40;
    FLAG_MF = "ip.flags.mf", "More fragments", Bool & 0x20;
    #[format = frag_offset_text] FRAG_OFFSET = "ip.frag_offset", "Fragment Offset", U16 & 0x1fff;
    TTL = "ip.ttl", "Time to Live", U8;
    PROTO = "ip.proto", "Protocol", U8, Dec, crate::names::ip_proto;
    CHECKSUM = "ip.checksum", "Header Checksum", U16, Hex(4);
    #[generated] CHECKSUM_STATUS = "ip.checksum.status", "Header checksum status", U8, NameOnly, crate::names::checksum_status;
    #[generated] CHECKSUM_CALCULATED = "ip.checksum_calculated", "Calculated Checksum", U16, Hex(4);
    SRC = "ip.src", "Source Address", Ipv4;
    #[hidden] ADDR = "ip.addr", "Source or Destination Address", Ipv4;
    #[hidden] SRC_HOST = "ip.src_host", "Source Host", String;
    #[hidden] HOST = "ip.host", "Source or Destination Host", String;
    DST = "ip.dst", "Destination Address", Ipv4;
    #[hidden] DST_HOST = "ip.dst_host", "Destination Host", String;
    CUR_RT = "ip.cur_rt", "Current Route", Ipv4;
    CUR_RT_HOST = "ip.cur_rt_host", "Current Route Host", String;

    OPTIONS = "ip.options", "Options", None;
    OPT_EOL = "ip.options.eol", "End of Options List (EOL)", Bytes;
    OPT_NOP = "ip.options.nop", "No Operation (NOP)", Bytes;
    OPT_SECURITY = "ip.options.security", "Security", Bytes;
    OPT_LOOSE_ROUTE = "ip.options.route", "Loose Source Route", Bytes;
    OPT_TIMESTAMP = "ip.options.timestamp", "Time Stamp", Bytes;
    OPT_EXT_SECURITY = "ip.options.ext_security", "Extended Security", Bytes;
    OPT_CIPSO = "ip.options.cipso", "Commercial Security", Bytes;
    OPT_RECORD_ROUTE = "ip.options.record_route", "Record Route", Bytes;
    OPT_STREAM_ID = "ip.options.sid", "Stream ID", Bytes;
    OPT_STRICT_ROUTE = "ip.options.source_route", "Strict Source Route", Bytes;
    OPT_MTU_PROBE = "ip.options.mtu_probe", "MTU Probe", Bytes;
    OPT_MTU_REPLY = "ip.options.mtu_reply", "MTU Reply", Bytes;
    OPT_TRACEROUTE = "ip.options.traceroute", "Traceroute", Bytes;
    OPT_ROUTER_ALERT = "ip.options.routeralert", "Router Alert", Bytes;
    OPT_SDB = "ip.options.sdb", "Selective Directed Broadcast", Bytes;
    OPT_QUICK_START = "ip.options.qs", "Quick-Start", Bytes;
    OPT_UNKNOWN = "ip.options.unknown", "Unknown option", Bytes;
    OPT_TYPE = "ip.opt.type", "Type", U8;
    OPT_TYPE_COPY = "ip.opt.type.copy", "Copy on fragmentation", Bool;
    OPT_TYPE_CLASS = "ip.opt.type.class", "Class", U8, Dec, option_class_name;
    OPT_TYPE_NUMBER = "ip.opt.type.number", "Number", U8, Dec, option_number_name;
    OPT_LEN = "ip.opt.len", "Length", U8;
    OPT_PTR = "ip.opt.ptr", "Pointer", U8;
    OPT_SID = "ip.opt.sid", "Stream Identifier", U16;
    OPT_MTU = "ip.opt.mtu", "MTU", U16;
    OPT_ID_NUMBER = "ip.opt.id_number", "ID Number", U16;
    OPT_OHC = "ip.opt.ohc", "Outbound Hop Count", U16;
    OPT_RHC = "ip.opt.rhc", "Return Hop Count", U16;
    OPT_ORIGINATOR = "ip.opt.originator", "Originator IP Address", Ipv4;
    OPT_RA = "ip.opt.ra", "Router Alert", U16, Dec, router_alert_name;
    OPT_ADDR = "ip.opt.addr", "IP Address", Ipv4;
    OPT_PADDING = "ip.opt.padding", "Padding", Bytes;
    OPT_QS_FUNC = "ip.opt.qs_func", "Function", U8, Dec, quick_start_function_name;
    OPT_QS_RATE = "ip.opt.qs_rate", "Rate", U8;
    OPT_QS_TTL = "ip.opt.qs_ttl", "QS TTL", U8;
    OPT_QS_TTL_DIFF = "ip.opt.qs_ttl_diff", "TTL Diff", U8;
    OPT_QS_UNUSED = "ip.opt.qs_unused", "Not Used", U8;
    OPT_QS_NONCE = "ip.opt.qs_nonce", "QS Nonce", U32, Hex(8);
    OPT_QS_RESERVED = "ip.opt.qs_reserved", "Reserved", U32, Hex(8);
    OPT_OVERFLOW = "ip.opt.overflow", "Overflow", U8;
    OPT_FLAG = "ip.opt.flag", "Flag", U8, Hex(2), timestamp_flag_name;
    OPT_TIME_STAMP = "ip.opt.time_stamp", "Time stamp", U32;
    OPT_TIME_STAMP_ADDR = "ip.opt.time_stamp_addr", "Address", Ipv4;
    REC_RT = "ip.rec_rt", "Recorded Route", Ipv4;
    REC_RT_HOST = "ip.rec_rt_host", "Recorded Route Host", String;
    SRC_RT = "ip.src_rt", "Source Route", Ipv4;
    SRC_RT_HOST = "ip.src_rt_host", "Source Route Host", String;
    EMPTY_RT = "ip.empty_rt", "Empty Route", Ipv4;
    EMPTY_RT_HOST = "ip.empty_rt_host", "Empty Route Host", String;

    // Expert items, filterable by name as in Wireshark.
    BOGUS_IP_VERSION = "ip.bogus_ip_version", "Bogus IP version", None;
    BOGUS_HEADER_LENGTH = "ip.bogus_header_length", "Bogus IP header length", None;
    BOGUS_IP_LENGTH = "ip.bogus_ip_length", "Bogus IP length", None;
    TTL_TOO_SMALL = "ip.ttl.too_small", "Time To Live", None;
    TTL_LNCB = "ip.ttl.lncb", "Time To Live", None;
    CHECKSUM_BAD = "ip.checksum_bad.expert", "Bad checksum", None;
    OPT_LEN_INVALID = "ip.opt.len.invalid", "Invalid length for option", None;
    OPT_PTR_BEFORE_ADDRESS = "ip.opt.ptr.before_address", "Pointer points before first address", None;
    OPT_PTR_MIDDLE_ADDRESS = "ip.opt.ptr.middle_address", "Pointer points to middle of address", None;
    SUBOPT_TOO_LONG = "ip.subopt_too_long", "Suboption would go past end of option", None;
    NOP_RUN = "ip.nop", "4 NOP in a row - a router may have removed some options", None;
}

/// The fixed part of the header.
pub const HEADER_MIN: usize = 20;

const FLAG_MORE_FRAGMENTS: u8 = 0x1;
const PROTO_IGMP: u8 = 2;
const PROTO_OSPF: u8 = 89;
const PROTO_PIM: u8 = 103;

/// The fixed 20-byte header as it is on the wire.
#[derive(Clone, Copy, Debug)]
struct Header {
    /// Header length in bytes (IHL * 4).
    hdr_len: usize,
    tos: u8,
    total_len: u16,
    id: u16,
    /// The three flag bits: reserved, don't fragment, more fragments.
    flags: u8,
    /// Fragment offset in 8-byte units, as the field holds it.
    frag_offset: u16,
    ttl: u8,
    proto: u8,
    checksum: u16,
    src: [u8; 4],
    dst: [u8; 4],
}

impl Header {
    fn is_fragment(&self) -> bool {
        self.flags & FLAG_MORE_FRAGMENTS != 0 || self.frag_offset != 0
    }
}

fn parse_header(b: &[u8; HEADER_MIN]) -> Option<Header> {
    let (_, (vhl, tos, total_len, id, flags_frag, ttl, proto, checksum, src, dst)) = (
        be_u8::<_, nom::error::Error<&[u8]>>,
        be_u8,
        be_u16,
        be_u16,
        be_u16,
        be_u8,
        be_u8,
        be_u16,
        take(4usize),
        take(4usize),
    )
        .parse(&b[..])
        .ok()?;
    Some(Header {
        hdr_len: (vhl & 0x0f) as usize * 4,
        tos,
        total_len,
        id,
        flags: (flags_frag >> 13) as u8,
        frag_offset: flags_frag & 0x1fff,
        ttl,
        proto,
        checksum,
        src: src.try_into().ok()?,
        dst: dst.try_into().ok()?,
    })
}

/// Dissects an IPv4 packet handed over as EtherType 0x0800 (or IP protocol 4):
/// Wireshark's `dissect_ip_v4`, which also takes a version-6 packet found there.
/// Returns the bytes the datagram covers: `min(total length, buf.len())`.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&IP, Span::new(off, buf.len()));
    cx.pkt.set_info(|_| {});
    let Some(&first) = buf.first() else {
        cx.pkt
            .malformed(Span::new(off, 0), "IPv4 header missing: no bytes captured");
        return 0;
    };
    let version = first >> 4;
    if version != 4 {
        cx.pkt
            .add(&VERSION, Span::new(off, 1), Value::Uint(version as u64));
        expert_field(
            cx.pkt,
            &BOGUS_IP_VERSION,
            Span::new(off, 1),
            Severity::Error,
            Group::Protocol,
            "Bogus IPv4 version",
        );
        cx.pkt.set_info(|s| {
            let _ = write!(s, "Bogus IPv4 version ({version}, must be 4)");
        });
        // Some Linux cooked captures label IPv6 packets with the IPv4 EtherType.
        if version == 6 {
            crate::net::ipv6::dissect(cx, off, buf);
        }
        return buf.len();
    }
    dissect_v4(cx, off, buf)
}

/// Dissects an IP packet of either version, as the RAW link type and ICMP error
/// quotes do (Wireshark's `dissect_ip`).
pub fn dissect_any_version(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    match buf.first().map(|b| b >> 4) {
        Some(4) | None => dissect(cx, off, buf),
        Some(6) => crate::net::ipv6::dissect(cx, off, buf),
        Some(version) => {
            cx.pkt.begin_layer(&IP, Span::new(off, 1));
            cx.pkt.set_title(|t| {
                let _ = write!(t, "Internet Protocol, bogus version ({version})");
            });
            cx.pkt.summary.protocol = "IP";
            cx.pkt.set_info(|s| {
                let _ = write!(s, "Bogus IP version ({version})");
            });
            cx.pkt
                .add(&VERSION, Span::new(off, 1), Value::Uint(version as u64));
            expert_field(
                cx.pkt,
                &BOGUS_IP_VERSION,
                Span::new(off, 1),
                Severity::Error,
                Group::Protocol,
                "Bogus IP version",
            );
            1
        }
    }
}

fn dissect_v4(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    // Parse a zero-padded copy so that a truncated header still yields the
    // fields it does contain; `avail` says which ones those are.
    let avail = buf.len().min(HEADER_MIN);
    let mut fixed = [0u8; HEADER_MIN];
    fixed[..avail].copy_from_slice(&buf[..avail]);
    let Some(h) = parse_header(&fixed) else {
        cx.pkt
            .malformed(Span::new(off, buf.len()), "IPv4 header could not be parsed");
        return buf.len();
    };
    if let Err(stop) = add_leading_fields(cx, off, buf, &h, avail) {
        return stop;
    }

    let p = &mut *cx.pkt;
    let options = buf.get(HEADER_MIN..h.hdr_len);
    // A source route option names the final destination; the header holds the next hop.
    let route_dst = options.and_then(final_destination);
    let dst = route_dst.unwrap_or(h.dst);
    add_ttl(p, off + 8, &h, dst);
    p.add(&PROTO, Span::new(off + 9, 1), Value::Uint(h.proto as u64));
    let header_bytes = buf.get(..h.hdr_len);
    add_checksum(p, off + 10, &h, header_bytes, cx.prefs.ip_check_checksum);
    add_addresses(p, off, &h, route_dst.is_some());
    p.set_addresses(Address::Ipv4(h.src), Address::Ipv4(dst));
    p.note(crate::model::NetFact::Ipv4 {
        src: h.src,
        dst: h.dst,
    });
    cx.state.note_conversation(
        crate::flow::conv::PairKind::Ipv4,
        Address::Ipv4(h.src),
        Address::Ipv4(dst),
        cx.meta.orig_len,
        cx.in_icmp_error,
    );
    p.set_title(|t| {
        let _ = write!(
            t,
            "Internet Protocol Version 4, Src: {}, Dst: {}",
            std::net::Ipv4Addr::from(h.src),
            std::net::Ipv4Addr::from(dst)
        );
        if route_dst.is_some() {
            let _ = write!(t, ", Via: {}", std::net::Ipv4Addr::from(h.dst));
        }
    });
    let Some(options) = options else {
        p.malformed(
            Span::new(off + HEADER_MIN, buf.len() - HEADER_MIN),
            format!(
                "IPv4 header length is {} bytes but only {} were captured",
                h.hdr_len,
                buf.len()
            ),
        );
        return buf.len();
    };
    if !options.is_empty() {
        dissect_options(p, off + HEADER_MIN, options, &h);
    }
    let end = (h.total_len as usize).min(buf.len());
    let payload = buf.get(h.hdr_len..end).unwrap_or(&[]);
    hand_off_payload(cx, off + h.hdr_len, payload, &h, dst);
    end
}

/// Adds the fields before the TTL, checking the two lengths on the way. `Err`
/// carries what `dissect` returns when the header cannot be dissected further.
fn add_leading_fields(
    cx: &mut Cx<'_>,
    off: usize,
    buf: &[u8],
    h: &Header,
    avail: usize,
) -> Result<(), usize> {
    let p = &mut *cx.pkt;
    p.add(&VERSION, Span::new(off, 1), Value::Uint(4));
    p.add(&HDR_LEN, Span::new(off, 1), Value::Uint(h.hdr_len as u64));
    p.set_layer_len(h.hdr_len.min(buf.len()));
    if h.hdr_len < HEADER_MIN {
        let msg = format!(
            "Bogus IP header length ({}, must be at least {HEADER_MIN})",
            h.hdr_len
        );
        p.set_info(|s| s.push_str(&msg));
        let span = Span::new(off, 1);
        expert_field(
            p,
            &BOGUS_HEADER_LENGTH,
            span,
            Severity::Error,
            Group::Protocol,
            msg,
        );
        return Err(buf.len());
    }
    let truncated = |p: &mut Packet| Err(truncated_header(p, off, buf.len()));
    if avail < 2 {
        return truncated(p);
    }
    add_dsfield(p, off + 1, h.tos);
    if avail < 4 {
        return truncated(p);
    }
    let len_span = Span::new(off + 2, 2);
    p.add(&LEN, len_span, Value::Uint(h.total_len as u64));
    if (h.total_len as usize) < h.hdr_len {
        let msg = format!(
            "Bogus IP length ({}, less than header length {})",
            h.total_len, h.hdr_len
        );
        p.set_info(|s| s.push_str(&msg));
        expert_field(
            p,
            &BOGUS_IP_LENGTH,
            len_span,
            Severity::Error,
            Group::Protocol,
            msg,
        );
        return Err(buf.len());
    }
    let reported = reported_len(cx.data.len(), cx.meta.orig_len as usize, off, buf.len());
    // A quoted datagram is cut short by design.
    if h.total_len as usize > reported && !cx.in_icmp_error {
        expert_field(
            p,
            &BOGUS_IP_LENGTH,
            len_span,
            Severity::Error,
            Group::Protocol,
            format!("IPv4 total length exceeds packet length ({reported} bytes)"),
        );
    }
    if avail < 6 {
        return truncated(p);
    }
    p.add(&ID, Span::new(off + 4, 2), Value::Uint(h.id as u64));
    if avail < 8 {
        return truncated(p);
    }
    add_flags(p, off + 6, h);
    if avail < HEADER_MIN {
        // TTL and protocol are shown when they are there; the addresses are needed to go on.
        if avail > 8 {
            p.add(&TTL, Span::new(off + 8, 1), Value::Uint(h.ttl as u64));
        }
        if avail > 9 {
            p.add(&PROTO, Span::new(off + 9, 1), Value::Uint(h.proto as u64));
        }
        return truncated(p);
    }
    Ok(())
}

/// Hands the payload to its protocol, or shows it as data when the datagram is
/// a fragment (no reassembly yet).
fn hand_off_payload(cx: &mut Cx<'_>, off: usize, payload: &[u8], h: &Header, dst: [u8; 4]) {
    let proto_name = crate::names::ip_proto(h.proto as u64).unwrap_or("Unknown");
    if h.is_fragment() {
        cx.pkt.set_info(|s| {
            let _ = write!(
                s,
                "Fragmented IP protocol (proto={proto_name} {}, off={}, ID={:04x})",
                h.proto,
                h.frag_offset as u32 * 8,
                h.id
            );
        });
        let reassembled = reassemble(cx, off, payload, h);
        let Some(r) = reassembled else {
            crate::app::data::dissect(cx, off, payload);
            return;
        };
        cx.pkt.set_info(|s| {
            let _ = write!(s, "{proto_name} ({})", h.proto);
        });
        let ip = IpContext {
            src: Address::Ipv4(h.src),
            dst: Address::Ipv4(dst),
            fragment: false,
        };
        defrag::dissect_reassembled(cx, "Reassembled IPv4", &FRAG_FIELDS, h.proto, ip, &r);
        return;
    }
    // What Wireshark shows when no dissector takes the payload; one that does replaces it.
    cx.pkt.set_info(|s| {
        let _ = write!(s, "{proto_name} ({})", h.proto);
    });
    cx.ip = Some(IpContext {
        src: Address::Ipv4(h.src),
        dst: Address::Ipv4(dst),
        fragment: false,
    });
    if !payload.is_empty() {
        dispatch::ip_proto(cx, h.proto, off, payload);
    }
}

/// Hands a fragment to the reassembly table; returns the datagram when this
/// fragment completed it. As in Wireshark, fragments cut short by the capture,
/// those quoted in ICMP errors and (when verified) those with a bad header
/// checksum are not reassembled.
fn reassemble(
    cx: &mut Cx<'_>,
    off: usize,
    payload: &[u8],
    h: &Header,
) -> Option<defrag::Reassembled> {
    let sent = (h.total_len as usize).saturating_sub(h.hdr_len);
    if cx.in_icmp_error || payload.is_empty() || payload.len() < sent {
        return None;
    }
    // As Wireshark: with verification on, a fragment whose header checksum is
    // wrong is not trusted for reassembly. Fuzzers cannot forge checksums:
    // under `cfg(fuzzing)` the fragment is trusted so reassembly is reached.
    let header = cx.data.get(off.saturating_sub(h.hdr_len)..off);
    if !cfg!(fuzzing)
        && cx.prefs.ip_check_checksum
        && header.is_some_and(|b| checksum::checksum(b) != 0)
    {
        return None;
    }
    let key = defrag::FragKey::V4 {
        src: h.src,
        dst: h.dst,
        id: h.id,
        proto: h.proto,
    };
    let frag = defrag::Fragment {
        frame: cx.meta.number,
        offset: h.frag_offset as usize * 8,
        more: h.flags & FLAG_MORE_FRAGMENTS != 0,
        data: payload.into(),
    };
    let span = Span::new(off, payload.len());
    match cx.state.defrag.add(cx.pkt, span, key, cx.meta.ts, frag) {
        defrag::Outcome::Complete(r) => Some(r),
        defrag::Outcome::Held | defrag::Outcome::Dropped => None,
    }
}

/// Where the reassembled datagram's fields go, as Wireshark names them.
static FRAG_FIELDS: defrag::FragFields = defrag::FragFields {
    fragments: &FRAGMENTS,
    fragment: &FRAGMENT,
    error: &FRAGMENT_ERROR,
    overlap: &FRAGMENT_OVERLAP,
    conflict: &FRAGMENT_OVERLAP_CONFLICT,
    multiple_tails: &FRAGMENT_MULTIPLETAILS,
    too_long: &FRAGMENT_TOOLONG,
    count: &FRAGMENT_COUNT,
    length: &REASSEMBLED_LENGTH,
    data: &REASSEMBLED_DATA,
};

fn truncated_header(p: &mut Packet, off: usize, len: usize) -> usize {
    p.malformed(
        Span::new(off, len),
        format!("IPv4 header truncated: {len} of {HEADER_MIN} bytes captured"),
    );
    len
}

/// How many bytes of `buf` (at `off` in a frame of `cap_len` captured bytes that was
/// `wire_len` bytes long) were on the wire: more than captured when the capture
/// cut the frame short and `buf` runs to its end.
pub fn reported_len(cap_len: usize, wire_len: usize, off: usize, buf_len: usize) -> usize {
    if off + buf_len >= cap_len {
        buf_len + wire_len.saturating_sub(cap_len)
    } else {
        buf_len
    }
}

/// `Header Length: 20 bytes (5)`: the length, and the header's 4-bit count
/// of 32-bit words.
fn hdr_len_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let len = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: {len} bytes ({})", def.label, len >> 2);
}

/// `Fragment Offset: 48`: the field counts 8-byte units; the tree shows
/// bytes (the JSON keeps the units, as tshark's does).
fn frag_offset_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: {}", def.label, v.as_u64().unwrap_or(0) * 8);
}

/// `Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)`.
fn dsfield_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    out.push_str(def.label);
    out.push_str(": ");
    write_dsfield_value(out, v.as_u64().unwrap_or(0));
}

/// A DS field (or IPv6 traffic class) with its codepoints' short names:
/// `0x00 (DSCP: CS0, ECN: Not-ECT)`.
pub(crate) fn write_dsfield_value(out: &mut String, tos: u64) {
    let _ = write!(
        out,
        "0x{tos:02x} (DSCP: {}, ECN: {})",
        dscp_short_name(tos >> 2).unwrap_or("Unknown"),
        ecn_short_name(tos & 0x03),
    );
}

/// `Flags: 0x2, Don't fragment`: the three bits, and the names of those set.
fn flags_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let flags = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: 0x{flags:x}", def.label);
    for (bit, flag) in [(0x4, &FLAG_RB), (0x2, &FLAG_DF), (0x1, &FLAG_MF)] {
        if flags & bit != 0 {
            let _ = write!(out, ", {}", flag.label);
        }
    }
}

/// The short name of a DSCP value, as the DS field's line shows it (RFC 4594, RFC 8622).
fn dscp_short_name(dscp: u64) -> Option<&'static str> {
    Some(match dscp {
        0 => "CS0",
        1 => "LE",
        8 => "CS1",
        10 => "AF11",
        12 => "AF12",
        14 => "AF13",
        16 => "CS2",
        18 => "AF21",
        20 => "AF22",
        22 => "AF23",
        24 => "CS3",
        26 => "AF31",
        28 => "AF32",
        30 => "AF33",
        32 => "CS4",
        34 => "AF41",
        36 => "AF42",
        38 => "AF43",
        40 => "CS5",
        46 => "EF PHB",
        48 => "CS6",
        56 => "CS7",
        _ => return None,
    })
}

/// The short name of an ECN codepoint (RFC 3168).
fn ecn_short_name(ecn: u64) -> &'static str {
    match ecn {
        0 => "Not-ECT",
        1 => "ECT(1)",
        2 => "ECT(0)",
        _ => "CE",
    }
}

/// Adds an expert item under the field added last, as tshark's `_ws.expert`
/// node named `def`, so that filters such as `ip.ttl.too_small` find it.
pub(crate) fn expert_field(
    p: &mut Packet,
    def: &'static FieldDef,
    span: Span,
    severity: Severity,
    group: Group,
    message: impl Into<Cow<'static, str>>,
) {
    p.subtree(|p| p.expert_field(def, severity, group, span, message));
}

fn add_dsfield(p: &mut Packet, off: usize, tos: u8) {
    let span = Span::new(off, 1);
    p.add_tree(&DSFIELD, span, Value::Uint(tos as u64), |p| {
        p.add(&DSCP, span, Value::Uint((tos >> 2) as u64));
        p.add(&ECN, span, Value::Uint((tos & 0x03) as u64));
    });
}

fn add_flags(p: &mut Packet, off: usize, h: &Header) {
    let span = Span::new(off, 1);
    p.add_tree(&FLAGS, span, Value::Uint(h.flags as u64), |p| {
        p.add(&FLAG_RB, span, Value::Bool(h.flags & 0x4 != 0));
        p.add(&FLAG_DF, span, Value::Bool(h.flags & 0x2 != 0));
        p.add(&FLAG_MF, span, Value::Bool(h.flags & 0x1 != 0));
    });
    p.add(
        &FRAG_OFFSET,
        Span::new(off, 2),
        Value::Uint(h.frag_offset as u64),
    );
}

/// Adds the TTL with Wireshark's sanity checks: packets to 224.0.0.0/24 must not be
/// routed (TTL 1, or 255 for a few protocols), and a unicast TTL below 5 is odd.
fn add_ttl(p: &mut Packet, off: usize, h: &Header, dst: [u8; 4]) {
    let span = Span::new(off, 1);
    p.add(&TTL, span, Value::Uint(h.ttl as u64));
    if dst[..3] == [224, 0, 0] {
        let expected = if h.proto == PROTO_IGMP {
            Some(1)
        } else {
            match dst[3] {
                18 | 102 | 251 => Some(255), // VRRP, GLBP, mDNS
                252 => None,                 // LLMNR: any TTL
                _ => Some(1),
            }
        };
        if let Some(ttl) = expected.filter(|&t| t != h.ttl) {
            expert_field(
                p,
                &TTL_LNCB,
                span,
                Severity::Note,
                Group::Sequence,
                format!(
                    "\"Time To Live\" != {ttl} for a packet sent to the Local Network Control Block (see RFC 3171)"
                ),
            );
        }
    } else if h.ttl < 5 && dst[0] & 0xf0 != 0xe0 && h.proto != PROTO_PIM && h.proto != PROTO_OSPF {
        expert_field(
            p,
            &TTL_TOO_SMALL,
            span,
            Severity::Note,
            Group::Sequence,
            format!("\"Time To Live\" only {}", h.ttl),
        );
    }
}

fn add_checksum(p: &mut Packet, off: usize, h: &Header, header: Option<&[u8]>, verify: bool) {
    let span = Span::new(off, 2);
    p.add(&CHECKSUM, span, Value::Uint(h.checksum as u64));
    let checksum_at = p.fields.len().saturating_sub(1);
    let Some(header) = header.filter(|_| verify) else {
        p.append_text(|t| t.push_str(" [validation disabled]"));
        p.add(&CHECKSUM_STATUS, span, Value::Uint(2));
        return;
    };
    let good = checksum::checksum(header) == 0;
    let expected = checksum_should_be(header, 10);
    p.append_text_to(checksum_at, |t| {
        checksum::write_verdict(t, good, expected);
        if !good {
            t.push_str("(may be caused by \"IP checksum offload\"?)");
        }
    });
    if !good {
        expert_field(
            p,
            &CHECKSUM_BAD,
            span,
            Severity::Error,
            Group::Checksum,
            format!("Bad checksum [should be 0x{expected:04x}]"),
        );
    }
    p.add(&CHECKSUM_STATUS, span, Value::Uint(good as u64));
    let calculated = if good { h.checksum } else { expected };
    p.add(&CHECKSUM_CALCULATED, span, Value::Uint(calculated as u64));
}

/// The Internet checksum `data` should carry in its 16-bit field at `at`: the sum
/// computed as if the field were zero.
pub(crate) fn checksum_should_be(data: &[u8], at: usize) -> u16 {
    let stored = data
        .get(at..at + 2)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    // Removing the stored value from the running sum is adding its complement.
    checksum::finish(checksum::sum(!stored as u32, data))
}

fn add_addresses(p: &mut Packet, off: usize, h: &Header, source_routed: bool) {
    if !p.tree {
        return;
    }
    let src_span = Span::new(off + 12, 4);
    let dst_span = Span::new(off + 16, 4);
    p.add(&SRC, src_span, Value::Ipv4(h.src));
    p.add(&ADDR, src_span, Value::Ipv4(h.src));
    p.add(&SRC_HOST, src_span, host(h.src));
    p.add(&HOST, src_span, host(h.src));
    if source_routed {
        // The destination proper is shown with the route option.
        p.add(&CUR_RT, dst_span, Value::Ipv4(h.dst));
        p.add(&CUR_RT_HOST, dst_span, host(h.dst));
    } else {
        p.add(&DST, dst_span, Value::Ipv4(h.dst));
        p.add(&ADDR, dst_span, Value::Ipv4(h.dst));
        p.add(&DST_HOST, dst_span, host(h.dst));
        p.add(&HOST, dst_span, host(h.dst));
    }
}

/// A host name as tshark shows it without name resolution: the address itself.
fn host(a: [u8; 4]) -> Value {
    Value::Str(std::net::Ipv4Addr::from(a).to_string().into())
}

// ---- Options ---------------------------------------------------------------

const OPT_END: u8 = 0;
const OPT_NOOP: u8 = 1;
const OPT_SEC: u8 = 130;
const OPT_LSR: u8 = 131;
const OPT_TS: u8 = 68;
const OPT_ESEC: u8 = 133;
const OPT_CIPSO_TYPE: u8 = 134;
const OPT_RR: u8 = 7;
const OPT_SID_TYPE: u8 = 136;
const OPT_SSR: u8 = 137;
const OPT_MTUP: u8 = 11;
const OPT_MTUR: u8 = 12;
const OPT_TR: u8 = 82;
const OPT_RTRALT: u8 = 148;
const OPT_SDB_TYPE: u8 = 149;
const OPT_QS: u8 = 25;

/// The item each known option is shown as; its label is the option's short name.
fn option_item(kind: u8) -> Option<&'static FieldDef> {
    Some(match kind {
        OPT_SEC => &OPT_SECURITY,
        OPT_LSR => &OPT_LOOSE_ROUTE,
        OPT_TS => &OPT_TIMESTAMP,
        OPT_ESEC => &OPT_EXT_SECURITY,
        OPT_CIPSO_TYPE => &OPT_CIPSO,
        OPT_RR => &OPT_RECORD_ROUTE,
        OPT_SID_TYPE => &OPT_STREAM_ID,
        OPT_SSR => &OPT_STRICT_ROUTE,
        OPT_MTUP => &OPT_MTU_PROBE,
        OPT_MTUR => &OPT_MTU_REPLY,
        OPT_TR => &OPT_TRACEROUTE,
        OPT_RTRALT => &OPT_ROUTER_ALERT,
        OPT_SDB_TYPE => &OPT_SDB,
        OPT_QS => &OPT_QUICK_START,
        _ => return None,
    })
}

/// Walks the options the way Wireshark's `dissect_ip_options` does. Every step
/// consumes at least one byte, and a length below 2 or past the header ends the
/// walk with an expert item, so hostile lengths cannot loop.
fn dissect_options(p: &mut Packet, off: usize, opts: &[u8], h: &Header) {
    let opts_span = Span::new(off, opts.len());
    p.add(&OPTIONS, opts_span, Value::None);
    p.subtree(|p| {
        let mut i = 0;
        let mut nop_run = 0;
        while let Some(&kind) = opts.get(i) {
            if kind == OPT_END || kind == OPT_NOOP {
                if kind == OPT_NOOP {
                    // Four NOPs within one 32-bit word suggest a router blanked an option.
                    if nop_run == 0 || !(HEADER_MIN + i).is_multiple_of(4) {
                        nop_run += 1;
                        if nop_run == 4 {
                            p.expert(
                                Severity::Warn,
                                Group::Protocol,
                                opts_span,
                                "4 NOP in a row - a router may have removed some options",
                            );
                            p.add(&NOP_RUN, opts_span, Value::None);
                        }
                    } else {
                        nop_run = 0;
                    }
                }
                let item = if kind == OPT_END { &OPT_EOL } else { &OPT_NOP };
                let span = Span::new(off + i, 1);
                p.add_tree(item, span, Value::SpanBytes, |p| add_option_type(p, off + i, kind));
                i += 1;
                if kind == OPT_END {
                    break;
                }
                continue;
            }
            let name: Cow<'static, str> = match option_item(kind) {
                Some(d) => Cow::Borrowed(d.label),
                None => Cow::Owned(format!("Unknown (0x{kind:02x})")),
            };
            let Some(&len) = opts.get(i + 1) else {
                option_length_error(p, off + i, 1, format!("{name} (length byte past end of options)"));
                return;
            };
            let len = len as usize;
            if len < 2 {
                option_length_error(
                    p,
                    off + i,
                    2,
                    format!(
                        "{name} (with too-short option length = {len} byte{})",
                        plural(len)
                    ),
                );
                return;
            }
            let Some(opt) = opts.get(i..i + len) else {
                option_length_error(
                    p,
                    off + i,
                    opts.len() - i,
                    format!(
                        "{name} (option length = {len} byte{} says option goes past end of options)",
                        plural(len)
                    ),
                );
                return;
            };
            dissect_option(p, off + i, kind, opt, h);
            i += len;
        }
    });
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn option_length_error(p: &mut Packet, off: usize, len: usize, msg: String) {
    let span = Span::new(off, len);
    p.add(&OPT_LEN_INVALID, span, Value::None);
    p.expert(Severity::Warn, Group::Protocol, span, msg);
}

fn add_option_type(p: &mut Packet, off: usize, kind: u8) {
    let span = Span::new(off, 1);
    p.add_tree(&OPT_TYPE, span, Value::Uint(kind as u64), |p| {
        p.add(&OPT_TYPE_COPY, span, Value::Bool(kind & 0x80 != 0));
        p.add(
            &OPT_TYPE_CLASS,
            span,
            Value::Uint(((kind & 0x60) >> 5) as u64),
        );
        p.add(&OPT_TYPE_NUMBER, span, Value::Uint((kind & 0x1f) as u64));
    });
}

/// Dissects one option with a length byte; `opt` is the whole option (type and length included).
fn dissect_option(p: &mut Packet, off: usize, kind: u8, opt: &[u8], h: &Header) {
    let span = Span::new(off, opt.len());
    let item = option_item(kind).unwrap_or(&OPT_UNKNOWN);
    p.add_tree(item, span, Value::SpanBytes, |p| {
        add_option_type(p, off, kind);
        p.add(
            &OPT_LEN,
            Span::new(off + 1, 1),
            Value::Uint(opt.len() as u64),
        );
        let body = &opt[2..];
        let body_off = off + 2;
        match kind {
            OPT_LSR | OPT_SSR => route_option(p, off, opt, true),
            OPT_RR => route_option(p, off, opt, false),
            OPT_TS => timestamp_option(p, off, opt),
            OPT_SID_TYPE => fixed_u16_option(p, off, opt, &OPT_SID),
            OPT_MTUP | OPT_MTUR => fixed_u16_option(p, off, opt, &OPT_MTU),
            OPT_RTRALT => fixed_u16_option(p, off, opt, &OPT_RA),
            OPT_TR => traceroute_option(p, off, opt),
            OPT_SDB_TYPE => {
                let mut chunks = body.chunks_exact(4);
                for (k, a) in (&mut chunks).enumerate() {
                    p.add(&OPT_ADDR, Span::new(body_off + 4 * k, 4), ipv4_value(a));
                }
                let rest = chunks.remainder();
                if !rest.is_empty() {
                    let at = body_off + body.len() - rest.len();
                    p.add(&OPT_PADDING, Span::new(at, rest.len()), Value::SpanBytes);
                }
            }
            OPT_QS => quick_start_option(p, off, opt, h.ttl),
            _ => {}
        }
    });
}

fn ipv4_value(b: &[u8]) -> Value {
    match <[u8; 4]>::try_from(b) {
        Ok(a) => Value::Ipv4(a),
        Err(_) => Value::SpanBytes,
    }
}

fn be_u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn be_u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// Fixed-size options flag a wrong length (Wireshark's `ip_fixed_option_header`).
fn check_fixed_len(p: &mut Packet, off: usize, opt: &[u8], kind: u8, expected: usize) -> bool {
    if opt.len() == expected {
        return true;
    }
    let name = option_item(kind).map_or("Unknown", |d| d.label);
    let span = Span::new(off + 1, 1);
    p.subtree(|p| p.add(&OPT_LEN_INVALID, span, Value::None));
    p.expert(
        Severity::Warn,
        Group::Protocol,
        span,
        format!(
            "{name} (with option length = {} byte{}; should be {expected})",
            opt.len(),
            plural(opt.len())
        ),
    );
    false
}

fn option_truncated(p: &mut Packet, off: usize, opt: &[u8]) {
    p.malformed(
        Span::new(off, opt.len()),
        format!(
            "IPv4 option of {} bytes is too short for its fields",
            opt.len()
        ),
    );
}

fn fixed_u16_option(p: &mut Packet, off: usize, opt: &[u8], def: &'static FieldDef) {
    let kind = opt.first().copied().unwrap_or(0);
    check_fixed_len(p, off, opt, kind, 4);
    match be_u16_at(opt, 2) {
        Some(v) => p.add(def, Span::new(off + 2, 2), Value::Uint(v as u64)),
        None => option_truncated(p, off, opt),
    }
}

fn traceroute_option(p: &mut Packet, off: usize, opt: &[u8]) {
    check_fixed_len(p, off, opt, OPT_TR, 12);
    let (Some(id), Some(ohc), Some(rhc), Some(orig)) = (
        be_u16_at(opt, 2),
        be_u16_at(opt, 4),
        be_u16_at(opt, 6),
        opt.get(8..12),
    ) else {
        return option_truncated(p, off, opt);
    };
    p.add(
        &OPT_ID_NUMBER,
        Span::new(off + 2, 2),
        Value::Uint(id as u64),
    );
    p.add(&OPT_OHC, Span::new(off + 4, 2), Value::Uint(ohc as u64));
    p.add(&OPT_RHC, Span::new(off + 6, 2), Value::Uint(rhc as u64));
    p.add(&OPT_ORIGINATOR, Span::new(off + 8, 4), ipv4_value(orig));
}

fn quick_start_option(p: &mut Packet, off: usize, opt: &[u8], ttl: u8) {
    check_fixed_len(p, off, opt, OPT_QS, 8);
    let (Some(&command), Some(&qs_ttl), Some(nonce)) = (opt.get(2), opt.get(3), be_u32_at(opt, 4))
    else {
        return option_truncated(p, off, opt);
    };
    let function = command >> 4;
    let rate = command & 0x0f;
    p.add(
        &OPT_QS_FUNC,
        Span::new(off + 2, 1),
        Value::Uint(function as u64),
    );
    match function {
        0 => {
            p.add(
                &OPT_QS_RATE,
                Span::new(off + 2, 1),
                Value::Uint(rate as u64),
            );
            p.add(
                &OPT_QS_TTL,
                Span::new(off + 3, 1),
                Value::Uint(qs_ttl as u64),
            );
            let diff = ttl.wrapping_sub(qs_ttl);
            p.add(
                &OPT_QS_TTL_DIFF,
                Span::new(off + 3, 1),
                Value::Uint(diff as u64),
            );
        }
        8 => {
            p.add(
                &OPT_QS_RATE,
                Span::new(off + 2, 1),
                Value::Uint(rate as u64),
            );
            p.add(
                &OPT_QS_UNUSED,
                Span::new(off + 3, 1),
                Value::Uint(qs_ttl as u64),
            );
        }
        _ => return,
    }
    let span = Span::new(off + 4, 4);
    p.add(&OPT_QS_NONCE, span, Value::Uint((nonce >> 2) as u64));
    p.add(&OPT_QS_RESERVED, span, Value::Uint((nonce & 0x3) as u64));
}

/// Loose/strict source route (`source`) and record route: a pointer, then addresses
/// that are recorded, next, or still to come.
fn route_option(p: &mut Packet, off: usize, opt: &[u8], source: bool) {
    let Some(&ptr) = opt.get(2) else {
        return option_truncated(p, off, opt);
    };
    let ptr_span = Span::new(off + 2, 1);
    p.add(&OPT_PTR, ptr_span, Value::Uint(ptr as u64));
    if !pointer_is_valid(p, ptr_span, ptr) {
        return;
    }
    let len = opt.len();
    let ptr = ptr as usize;
    let mut at = 3;
    while at < len {
        let Some(addr) = opt.get(at..at + 4) else {
            subopt_too_long(p, ptr_span);
            break;
        };
        let span = Span::new(off + at, 4);
        let a = ipv4_value(addr);
        if ptr > len {
            add_route(p, span, &REC_RT, &REC_RT_HOST, a);
        } else if source && at == len - 4 {
            // The last address of a source route is the final destination.
            p.add(&DST, span, a.clone());
            p.add(&ADDR, span, a.clone());
            add_host(p, span, &DST_HOST, &a);
            add_host(p, span, &HOST, &a);
        } else if at + 1 < ptr {
            add_route(p, span, &REC_RT, &REC_RT_HOST, a);
        } else if source {
            add_route(p, span, &SRC_RT, &SRC_RT_HOST, a);
        } else {
            add_route(p, span, &EMPTY_RT, &EMPTY_RT_HOST, a);
        }
        at += 4;
    }
}

fn pointer_is_valid(p: &mut Packet, span: Span, ptr: u8) -> bool {
    // Route options have type, length and pointer before the first address.
    if ptr < 4 {
        expert_field(
            p,
            &OPT_PTR_BEFORE_ADDRESS,
            span,
            Severity::Warn,
            Group::Protocol,
            "Pointer points before first address",
        );
        false
    } else if ptr & 3 != 0 {
        expert_field(
            p,
            &OPT_PTR_MIDDLE_ADDRESS,
            span,
            Severity::Warn,
            Group::Protocol,
            "Pointer points to middle of address",
        );
        false
    } else {
        true
    }
}

fn subopt_too_long(p: &mut Packet, span: Span) {
    p.add(&SUBOPT_TOO_LONG, span, Value::None);
    p.expert(
        Severity::Warn,
        Group::Protocol,
        span,
        "Suboption would go past end of option",
    );
}

fn add_route(
    p: &mut Packet,
    span: Span,
    def: &'static FieldDef,
    host_def: &'static FieldDef,
    a: Value,
) {
    p.add(def, span, a.clone());
    add_host(p, span, host_def, &a);
}

fn add_host(p: &mut Packet, span: Span, def: &'static FieldDef, a: &Value) {
    if let Value::Ipv4(addr) = a {
        let addr = *addr;
        p.add_with(def, span, || host(addr));
    }
}

fn timestamp_option(p: &mut Packet, off: usize, opt: &[u8]) {
    let (Some(&ptr), Some(&flag_byte)) = (opt.get(2), opt.get(3)) else {
        return option_truncated(p, off, opt);
    };
    p.add(&OPT_PTR, Span::new(off + 2, 1), Value::Uint(ptr as u64));
    let span = Span::new(off + 3, 1);
    p.add(&OPT_OVERFLOW, span, Value::Uint((flag_byte >> 4) as u64));
    let flag = flag_byte & 0x0f;
    p.add(&OPT_FLAG, span, Value::Uint(flag as u64));
    // Flags 1 and 3 pair each time stamp with an address.
    let entry = if flag == 1 || flag == 3 { 8 } else { 4 };
    let mut at = 4;
    while at < opt.len() {
        let Some(e) = opt.get(at..at + entry) else {
            subopt_too_long(p, Span::new(off + at, opt.len() - at));
            break;
        };
        if entry == 8 {
            p.add(
                &OPT_TIME_STAMP_ADDR,
                Span::new(off + at, 4),
                ipv4_value(&e[..4]),
            );
        }
        if let Some(ts) = be_u32_at(e, entry - 4) {
            p.add(
                &OPT_TIME_STAMP,
                Span::new(off + at + entry - 4, 4),
                Value::Uint(ts as u64),
            );
        }
        at += entry;
    }
}

/// The last address of a valid loose or strict source route option: the datagram's
/// final destination (Wireshark's `get_dst_offset`).
fn final_destination(opts: &[u8]) -> Option<[u8; 4]> {
    let mut i = 0;
    while let Some(&kind) = opts.get(i) {
        match kind {
            OPT_END => return None,
            OPT_NOOP => i += 1,
            _ => {
                let len = *opts.get(i + 1)? as usize;
                if len < 2 || i + len > opts.len() {
                    return None;
                }
                if kind == OPT_LSR || kind == OPT_SSR {
                    let ptr = *opts.get(i + 2)? as usize;
                    if ptr < 4 || ptr & 3 != 0 || ptr > len {
                        return None;
                    }
                    return opts.get(i + len - 4..i + len)?.try_into().ok();
                }
                i += len;
            }
        }
    }
    None
}

// ---- Value names -------------------------------------------------------------

/// DSCP code point names (RFC 2474 and successors), as Wireshark labels them.
pub fn dscp_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x00 => "Default",
        0x01 => "Lower Effort",
        0x08 => "Class Selector 1",
        0x0a => "Assured Forwarding 11",
        0x0c => "Assured Forwarding 12",
        0x0e => "Assured Forwarding 13",
        0x10 => "Class Selector 2",
        0x12 => "Assured Forwarding 21",
        0x14 => "Assured Forwarding 22",
        0x16 => "Assured Forwarding 23",
        0x18 => "Class Selector 3",
        0x1a => "Assured Forwarding 31",
        0x1c => "Assured Forwarding 32",
        0x1e => "Assured Forwarding 33",
        0x20 => "Class Selector 4",
        0x22 => "Assured Forwarding 41",
        0x24 => "Assured Forwarding 42",
        0x26 => "Assured Forwarding 43",
        0x28 => "Class Selector 5",
        0x2e => "Expedited Forwarding",
        0x30 => "Class Selector 6",
        0x38 => "Class Selector 7",
        _ => return None,
    })
}

/// ECN code points (RFC 3168).
pub fn ecn_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Not ECN-Capable Transport",
        1 => "ECN-Capable Transport codepoint '01'",
        2 => "ECN-Capable Transport codepoint '10'",
        3 => "Congestion Experienced",
        _ => return None,
    })
}

fn option_class_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Control",
        2 => "Debugging and measurement",
        1 | 3 => "Reserved for future use",
        _ => return None,
    })
}

fn option_number_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Security",
        3 => "Loose source route",
        4 => "Time stamp",
        5 => "Extended security",
        6 => "Commercial IP security option",
        7 => "Record route",
        8 => "Stream identifier",
        9 => "Strict source route",
        10 => "Experimental Measurement",
        11 => "MTU probe",
        12 => "MTU Reply",
        13 => "Experimental Flow Control",
        14 => "Experimental Access Control",
        15 => "Ask Estrin",
        16 => "IMI Traffic Descriptor",
        17 => "Extended Internet Protocol",
        18 => "Traceroute",
        19 => "Address Extension",
        20 => "Router Alert",
        21 => "Selective Directed Broadcast",
        22 => "Unassigned",
        23 => "Dynamic Packet State",
        24 => "Upstream Multicast Packet",
        25 => "Quick-Start",
        30 => "RFC 3692-style experiment",
        _ => return None,
    })
}

fn router_alert_name(v: u64) -> Option<&'static str> {
    Some(if v == 0 {
        "Router shall examine packet"
    } else {
        "Reserved"
    })
}

fn quick_start_function_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Rate request",
        8 => "Rate report",
        _ => return None,
    })
}

fn timestamp_flag_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Time stamps only",
        1 => "Time stamp and address",
        3 => "Time stamps for prespecified addresses",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{
        chain, dissect_frame_for_test, dissect_frames, has_expert, value, values, TestFrame,
    };
    use crate::{LinkType, Prefs};

    use crate::testutil::{CorpusFrame, PING_REQUEST};
    /// Frame 1 of malformed/ipv4_invalid_hdr_length.pcap (link type 1, captured at 1692953864.621711000).
    const BAD_HEADER_LENGTH: CorpusFrame =
        CorpusFrame::new("malformed/ipv4_invalid_hdr_length.pcap", 1);
    /// Frame 1 of ip/ipv4_frag_vlan_tcp_syn.pcap (link type 1, captured at 1712908577.296472000).
    const FIRST_FRAGMENT: CorpusFrame = CorpusFrame::new("ip/ipv4_frag_vlan_tcp_syn.pcap", 1);
    /// Frame 1 of link/raw_ipv4_dns.pcap (link type 101, captured at 1751997551.951226000).
    const RAW_DNS: CorpusFrame = CorpusFrame::new("link/raw_ipv4_dns.pcap", 1);

    /// Header rewrites in these tests break the checksums; they are not what is tested.
    fn no_checksum_prefs() -> Prefs {
        Prefs {
            ip_check_checksum: false,
            udp_check_checksum: false,
            tcp_check_checksum: false,
            ..Prefs::default()
        }
    }

    /// `RAW_DNS`'s header with `options` inserted (IHL, total length and checksum fixed up).
    fn with_options(options: &[u8]) -> Vec<u8> {
        let raw_dns = RAW_DNS.bytes();
        assert_eq!(options.len() % 4, 0);
        let mut p = raw_dns[..20].to_vec();
        p.extend_from_slice(options);
        p.extend_from_slice(&raw_dns[20..]);
        p[0] = 0x40 | ((20 + options.len()) / 4) as u8;
        let total = p.len() as u16;
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p[10..12].copy_from_slice(&[0, 0]);
        let sum = checksum::checksum(&p[..20 + options.len()]);
        p[10..12].copy_from_slice(&sum.to_be_bytes());
        p
    }

    /// `packet` behind the Ethernet header of `PING_REQUEST` (EtherType IPv4).
    fn behind_ethernet(packet: &[u8]) -> Vec<u8> {
        let mut f = PING_REQUEST.bytes()[..14].to_vec();
        f.extend_from_slice(packet);
        f
    }

    #[test]
    fn echo_request_header_matches_tshark() {
        let ping_request = PING_REQUEST.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &ping_request);
        let v = |n| value(&pkt, n, &ping_request);
        assert_eq!(chain(&pkt), "eth:ethertype:ip:icmp:data");
        assert_eq!(v("ip.version").as_deref(), Some("4"));
        assert_eq!(v("ip.hdr_len").as_deref(), Some("20"));
        assert_eq!(v("ip.dsfield").as_deref(), Some("0x00"));
        assert_eq!(v("ip.len").as_deref(), Some("84"));
        assert_eq!(v("ip.id").as_deref(), Some("0x14e7"));
        assert_eq!(v("ip.flags").as_deref(), Some("0x00"));
        assert_eq!(v("ip.frag_offset").as_deref(), Some("0"));
        assert_eq!(v("ip.ttl").as_deref(), Some("64"));
        assert_eq!(v("ip.proto").as_deref(), Some("1"));
        assert_eq!(v("ip.checksum").as_deref(), Some("0x2fe1"));
        // Verified by default, and good.
        assert_eq!(v("ip.checksum.status").as_deref(), Some("1"));
        assert_eq!(v("ip.checksum_calculated").as_deref(), Some("0x2fe1"));
        assert_eq!(
            values(&pkt, "ip.addr", &ping_request),
            ["10.0.0.1", "74.125.225.99"]
        );
        assert_eq!(
            values(&pkt, "ip.host", &ping_request),
            ["10.0.0.1", "74.125.225.99"]
        );
        assert_eq!(v("ip.src_host").as_deref(), Some("10.0.0.1"));
        assert_eq!(v("ip.dst").as_deref(), Some("74.125.225.99"));
        assert_eq!(pkt.summary.src, Address::Ipv4([10, 0, 0, 1]));
        assert_eq!(pkt.summary.dst, Address::Ipv4([74, 125, 225, 99]));
        let ip = &pkt.layers[2];
        assert_eq!(
            ip.title,
            "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 74.125.225.99"
        );
        assert_eq!(ip.span, Span::new(14, 20));
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn checksum_unverified_when_turned_off() {
        let ping_request = PING_REQUEST.bytes();
        let pkts = dissect_frames(
            LinkType::ETHERNET,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&ping_request)],
        );
        assert_eq!(
            value(&pkts[0], "ip.checksum.status", &ping_request).as_deref(),
            Some("2")
        );
        assert_eq!(
            value(&pkts[0], "ip.checksum_calculated", &ping_request),
            None
        );
    }

    #[test]
    fn bad_checksum_is_flagged_with_the_right_value() {
        let mut frame = RAW_DNS.bytes();
        frame[11] ^= 0xff;
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(
            value(&pkt, "ip.checksum.status", &frame).as_deref(),
            Some("0")
        );
        assert_eq!(
            value(&pkt, "ip.checksum_calculated", &frame).as_deref(),
            Some("0xa695")
        );
        assert!(pkt.find("ip.checksum_bad.expert").is_some());
        assert!(has_expert(&pkt, "Bad checksum [should be 0xa695]"));
    }

    #[test]
    fn fast_path_gives_the_same_summary_without_fields() {
        let ping_request = PING_REQUEST.bytes();
        let full = dissect_frame_for_test(LinkType::ETHERNET, &ping_request);
        let fast = dissect_frames(
            LinkType::ETHERNET,
            Prefs::default(),
            false,
            &[TestFrame::new(&ping_request)],
        )
        .remove(0);
        assert!(fast.fields.is_empty());
        assert_eq!(fast.summary.info, full.summary.info);
        assert_eq!(fast.summary.src, full.summary.src);
        assert_eq!(fast.summary.protocol, "ICMP");
        assert_eq!(fast.protocols, full.protocols);
        assert_eq!(fast.experts, full.experts);
    }

    #[test]
    fn header_length_below_20_is_bogus() {
        let bad_header_length = BAD_HEADER_LENGTH.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &bad_header_length);
        assert_eq!(chain(&pkt), "eth:ethertype:ip");
        assert_eq!(
            value(&pkt, "ip.hdr_len", &bad_header_length).as_deref(),
            Some("16")
        );
        assert!(pkt.find("ip.bogus_header_length").is_some());
        assert!(pkt.find("ip.dsfield").is_none());
        assert!(has_expert(
            &pkt,
            "Bogus IP header length (16, must be at least 20)"
        ));
        assert_eq!(
            pkt.summary.info,
            "Bogus IP header length (16, must be at least 20)"
        );
        // Nothing after the bad header becomes trailer or data.
        assert!(pkt.find("eth.trailer").is_none());
    }

    #[test]
    fn truncation_at_every_header_boundary_keeps_decoded_fields() {
        let raw_dns = RAW_DNS.bytes();
        let fields = [
            (1, "ip.hdr_len"),
            (2, "ip.dsfield"),
            (4, "ip.len"),
            (6, "ip.id"),
            (8, "ip.frag_offset"),
            (9, "ip.ttl"),
            (10, "ip.proto"),
        ];
        for cut in 1..HEADER_MIN {
            let bytes = &raw_dns[..cut];
            let pkt = dissect_frame_for_test(LinkType::IPV4, bytes);
            assert!(pkt.is_malformed(), "cut at {cut}");
            assert!(has_expert(&pkt, "IPv4 header truncated"), "cut at {cut}");
            for (need, name) in fields {
                assert_eq!(
                    pkt.find(name).is_some(),
                    cut >= need,
                    "{name} with {cut} bytes"
                );
            }
            assert!(pkt.find("ip.src").is_none());
        }
        let pkt = dissect_frame_for_test(LinkType::IPV4, &[]);
        assert!(pkt.is_malformed());
    }

    #[test]
    fn total_length_past_the_capture_is_flagged() {
        let mut frame = RAW_DNS.bytes();
        frame[2..4].copy_from_slice(&100u16.to_be_bytes());
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert!(pkt.find("ip.bogus_ip_length").is_some());
        assert!(has_expert(
            &pkt,
            "IPv4 total length exceeds packet length (57 bytes)"
        ));
        // The payload that is there is still dissected.
        assert!(chain(&pkt).starts_with("ip:"));
    }

    #[test]
    fn total_length_below_header_length_stops_dissection() {
        let mut frame = RAW_DNS.bytes();
        frame[2..4].copy_from_slice(&12u16.to_be_bytes());
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(
            &pkt,
            "Bogus IP length (12, less than header length 20)"
        ));
        assert!(pkt.find("ip.id").is_none());
        assert_eq!(chain(&pkt), "ip");
    }

    #[test]
    fn padding_after_total_length_is_not_payload() {
        // Frame 1 of link/eth_arp_icmp.pcap-like layout: an Ethernet frame padded to 60 bytes.
        let raw_dns = RAW_DNS.bytes();
        let mut frame = vec![0u8; 14];
        frame[12..14].copy_from_slice(&[0x08, 0x00]);
        frame.extend_from_slice(&raw_dns[..28]);
        frame[14 + 2..14 + 4].copy_from_slice(&28u16.to_be_bytes());
        frame.resize(60, 0);
        let pkt = dissect_frames(
            LinkType::ETHERNET,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert_eq!(
            value(&pkt, "eth.padding", &frame).map(|s| s.len()),
            Some(18 * 3 - 1)
        );
    }

    #[test]
    fn fragments_show_their_payload_as_data() {
        let first_fragment = FIRST_FRAGMENT.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &first_fragment);
        assert_eq!(chain(&pkt), "eth:ethertype:vlan:ethertype:ip:data");
        assert_eq!(
            value(&pkt, "ip.flags", &first_fragment).as_deref(),
            Some("0x01")
        );
        assert_eq!(
            value(&pkt, "ip.flags.mf", &first_fragment).as_deref(),
            Some("1")
        );
        assert_eq!(
            value(&pkt, "data.len", &first_fragment).as_deref(),
            Some("8")
        );
        assert_eq!(
            pkt.summary.info,
            "Fragmented IP protocol (proto=TCP 6, off=0, ID=0001)"
        );
    }

    #[test]
    fn later_fragment_offset_is_shown_in_8_byte_units() {
        let mut frame = RAW_DNS.bytes();
        frame[6..8].copy_from_slice(&[0x00, 0x7a]);
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert_eq!(
            value(&pkt, "ip.frag_offset", &frame).as_deref(),
            Some("122")
        );
        assert_eq!(chain(&pkt), "ip:data");
        assert!(pkt.summary.info.contains("off=976"));
    }

    #[test]
    fn low_ttl_and_local_multicast_ttl_are_flagged() {
        let mut frame = RAW_DNS.bytes();
        frame[8] = 1;
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert!(pkt.find("ip.ttl.too_small").is_some());
        assert!(has_expert(&pkt, "\"Time To Live\" only 1"));

        // mDNS to 224.0.0.251 must use TTL 255.
        frame[8] = 1;
        frame[16..20].copy_from_slice(&[224, 0, 0, 251]);
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert!(pkt.find("ip.ttl.lncb").is_some());
        assert!(pkt.find("ip.ttl.too_small").is_none());
        frame[8] = 255;
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&frame)],
        )
        .remove(0);
        assert!(pkt.experts.is_empty());
    }

    #[test]
    fn bogus_versions() {
        // Behind the IPv4 EtherType the ip layer shows the bad version (`dissect_ip_v4`).
        let raw_dns = RAW_DNS.bytes();
        let mut frame = behind_ethernet(&raw_dns);
        frame[14] = 0x55;
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &frame);
        assert_eq!(chain(&pkt), "eth:ethertype:ip");
        assert_eq!(value(&pkt, "ip.version", &frame).as_deref(), Some("5"));
        assert!(pkt.find("ip.bogus_ip_version").is_some());
        assert_eq!(pkt.summary.info, "Bogus IPv4 version (5, must be 4)");

        // Where the version picks the protocol (`dissect_ip`) it is an IP layer of its own.
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame[14..]);
        assert_eq!(chain(&pkt), "ip");
        assert_eq!(pkt.summary.info, "Bogus IP version (5)");
        assert_eq!(pkt.layers[1].title, "Internet Protocol, bogus version (5)");

        // A raw link finds no IP dissector for version 5.
        let pkt = dissect_frame_for_test(LinkType::RAW, &frame[14..]);
        assert_eq!(chain(&pkt), "raw:data");
    }

    #[test]
    fn version_6_behind_the_ipv4_ethertype_goes_to_ipv6() {
        let raw_dns = RAW_DNS.bytes();
        let mut frame = behind_ethernet(&raw_dns);
        frame[14] = 0x60;
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &frame);
        assert!(chain(&pkt).starts_with("eth:ethertype:ip:ipv6"));
        assert!(pkt.find("ip.bogus_ip_version").is_some());
    }

    #[test]
    fn ip_in_ip_nests() {
        let raw_dns = RAW_DNS.bytes();
        let mut outer = raw_dns[..20].to_vec();
        outer[9] = 4;
        outer.extend_from_slice(&raw_dns);
        let total = outer.len() as u16;
        outer[2..4].copy_from_slice(&total.to_be_bytes());
        let pkt = dissect_frames(
            LinkType::IPV4,
            no_checksum_prefs(),
            true,
            &[TestFrame::new(&outer)],
        )
        .remove(0);
        assert!(chain(&pkt).starts_with("ip:ip:"));
        assert_eq!(values(&pkt, "ip.proto", &outer), ["4", "17"]);
    }

    #[test]
    fn router_alert_nop_and_end_of_list() {
        let frame = with_options(&[0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
        assert_eq!(value(&pkt, "ip.hdr_len", &frame).as_deref(), Some("28"));
        assert_eq!(
            value(&pkt, "ip.options.routeralert", &frame).as_deref(),
            Some("94:04:00:00")
        );
        assert_eq!(value(&pkt, "ip.opt.ra", &frame).as_deref(), Some("0"));
        assert_eq!(
            values(&pkt, "ip.opt.type", &frame),
            ["148", "1", "1", "1", "0"]
        );
        assert_eq!(
            value(&pkt, "ip.opt.type.copy", &frame).as_deref(),
            Some("1")
        );
        assert_eq!(
            value(&pkt, "ip.opt.type.number", &frame).as_deref(),
            Some("20")
        );
        assert_eq!(values(&pkt, "ip.options.nop", &frame).len(), 3);
        assert_eq!(value(&pkt, "ip.options.eol", &frame).as_deref(), Some("00"));
        assert!(chain(&pkt).starts_with("ip:"));
    }

    #[test]
    fn record_route_and_timestamp() {
        let rr = [0x07, 0x0b, 0x08, 10, 0, 0, 1, 0, 0, 0, 0, 0x01];
        let ts = [0x44, 0x0c, 0x0d, 0x01, 10, 0, 0, 1, 0x00, 0x00, 0x01, 0x00];
        let mut opts = rr.to_vec();
        opts.extend_from_slice(&ts);
        let frame = with_options(&opts);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
        assert_eq!(values(&pkt, "ip.opt.ptr", &frame), ["8", "13"]);
        assert_eq!(
            value(&pkt, "ip.rec_rt", &frame).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            value(&pkt, "ip.rec_rt_host", &frame).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            value(&pkt, "ip.empty_rt", &frame).as_deref(),
            Some("0.0.0.0")
        );
        assert_eq!(value(&pkt, "ip.opt.flag", &frame).as_deref(), Some("0x01"));
        assert_eq!(
            value(&pkt, "ip.opt.time_stamp_addr", &frame).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            value(&pkt, "ip.opt.time_stamp", &frame).as_deref(),
            Some("256")
        );
    }

    #[test]
    fn loose_source_route_names_the_final_destination() {
        let lsrr = [0x01, 0x83, 0x0b, 0x04, 192, 168, 7, 7, 8, 8, 4, 4];
        let frame = with_options(&lsrr);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert_eq!(value(&pkt, "ip.cur_rt", &frame).as_deref(), Some("9.9.9.9"));
        assert_eq!(value(&pkt, "ip.dst", &frame).as_deref(), Some("8.8.4.4"));
        assert_eq!(
            value(&pkt, "ip.src_rt", &frame).as_deref(),
            Some("192.168.7.7")
        );
        assert_eq!(pkt.summary.dst, Address::Ipv4([8, 8, 4, 4]));
        assert!(pkt.layers[1].title.ends_with("Dst: 8.8.4.4, Via: 9.9.9.9"));
    }

    #[test]
    fn option_length_errors_end_the_walk() {
        // Zero length: would loop forever if taken at face value.
        let frame = with_options(&[0x83, 0x00, 0x01, 0x01]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(
            &pkt,
            "Loose Source Route (with too-short option length = 0 bytes)"
        ));
        assert!(pkt.find("ip.options.nop").is_none());
        assert!(chain(&pkt).starts_with("ip:"));

        let frame = with_options(&[0x01, 0x01, 0x94, 0x08]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(
            &pkt,
            "Router Alert (option length = 8 bytes says option goes past end of options)"
        ));

        let frame = with_options(&[0x01, 0x01, 0x01, 0x88]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(
            &pkt,
            "Stream ID (length byte past end of options)"
        ));

        let frame = with_options(&[0x94, 0x02, 0x00, 0x00]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(
            &pkt,
            "Router Alert (with option length = 2 bytes; should be 4)"
        ));
        assert!(pkt.is_malformed());

        let frame = with_options(&[0xfe, 0x04, 0x00, 0x00]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.find("ip.options.unknown").is_some());
        assert!(pkt.experts.is_empty());
    }

    #[test]
    fn four_nops_in_a_word_are_flagged() {
        let frame = with_options(&[0x01, 0x01, 0x01, 0x01]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(&pkt, "4 NOP in a row"));
    }

    #[test]
    fn route_pointer_errors() {
        let frame = with_options(&[0x07, 0x07, 0x02, 0, 0, 0, 0, 0]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.find("ip.opt.ptr.before_address").is_some());
        let frame = with_options(&[0x07, 0x07, 0x05, 0, 0, 0, 0, 0]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(pkt.find("ip.opt.ptr.middle_address").is_some());
        // Nine bytes of addresses cannot hold a third one.
        let frame = with_options(&[0x07, 0x0c, 0x04, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame);
        assert!(has_expert(&pkt, "Suboption would go past end of option"));
    }

    #[test]
    fn options_cut_by_the_capture_are_malformed() {
        let frame = with_options(&[0x94, 0x04, 0x00, 0x00]);
        let pkt = dissect_frame_for_test(LinkType::IPV4, &frame[..22]);
        assert!(pkt.is_malformed());
        assert!(has_expert(
            &pkt,
            "IPv4 header length is 24 bytes but only 22 were captured"
        ));
        assert_eq!(value(&pkt, "ip.dst", &frame).as_deref(), Some("9.9.9.9"));
    }

    #[test]
    fn reported_length_counts_bytes_the_capture_cut() {
        assert_eq!(reported_len(100, 1500, 14, 86), 1486);
        assert_eq!(reported_len(100, 1500, 14, 50), 50);
        assert_eq!(reported_len(100, 100, 14, 86), 86);
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        const LINKS: [LinkType; 7] = [
            LinkType::ETHERNET,
            LinkType::RAW,
            LinkType::IPV4,
            LinkType::NULL,
            LinkType::LOOP,
            LinkType::LINUX_SLL,
            LinkType::LINUX_SLL2,
        ];

        /// Mutations of real frames reach deeper than random bytes alone.
        fn seeded_frame() -> impl Strategy<Value = (usize, Vec<u8>)> {
            let seeds: Vec<Vec<u8>> = vec![
                PING_REQUEST.bytes(),
                FIRST_FRAGMENT.bytes(),
                RAW_DNS.bytes(),
            ];
            (
                0..seeds.len(),
                proptest::collection::vec((0..98usize, any::<u8>()), 0..8),
                0..100usize,
            )
                .prop_map(move |(i, edits, cut)| {
                    let mut f = seeds[i].clone();
                    for (at, b) in edits {
                        if let Some(x) = f.get_mut(at) {
                            *x = b;
                        }
                    }
                    f.truncate(cut.max(1));
                    (i, f)
                })
        }

        fn check(link: LinkType, bytes: &[u8]) {
            for tree in [true, false] {
                let pkt = dissect_frames(link, Prefs::default(), tree, &[TestFrame::new(bytes)])
                    .remove(0);
                for n in &pkt.fields {
                    assert!(
                        n.span.end() <= bytes.len(),
                        "{} span {:?} past {} bytes",
                        n.def.name,
                        n.span,
                        bytes.len()
                    );
                }
                for l in &pkt.layers {
                    assert!(
                        l.span.end() <= bytes.len(),
                        "layer {} past the frame",
                        l.proto.name
                    );
                }
            }
        }

        proptest! {
            #[test]
            fn random_frames_never_panic(link in 0..LINKS.len(), bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                check(LINKS[link], &bytes);
            }

            #[test]
            fn mutated_real_frames_never_panic((seed, bytes) in seeded_frame()) {
                let link = if seed == 2 { LinkType::IPV4 } else { LinkType::ETHERNET };
                check(link, &bytes);
            }
        }
    }
}

#[cfg(test)]
mod reassembly_tests {
    use crate::testutil::{
        chain, corpus_capture, dissect_frames, has_expert, value, values, TestFrame,
    };
    use crate::{LinkType, Prefs};

    /// ip/ipv4_frag_vlan_tcp_syn.pcap frames 1-3: a TCP SYN in three 8-byte fragments.
    pub(super) fn syn_frags() -> Vec<Vec<u8>> {
        let capture = corpus_capture("ip/ipv4_frag_vlan_tcp_syn.pcap");
        capture.records[..3]
            .iter()
            .map(|r| r.bytes.clone())
            .collect()
    }

    fn run(frames: &[Vec<u8>]) -> Vec<crate::Packet> {
        let tf: Vec<TestFrame> = frames.iter().map(|b| TestFrame::new(b)).collect();
        dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &tf)
    }

    #[test]
    fn the_last_fragment_dissects_the_reassembled_segment() {
        let frames = syn_frags();
        let pkts = run(&frames);
        for p in &pkts[..2] {
            assert_eq!(chain(p), "eth:ethertype:vlan:ethertype:ip:data");
            assert!(
                p.find("ip.reassembled_in").is_none(),
                "one pass cannot know"
            );
        }
        let (p, f) = (&pkts[2], &frames[2]);
        assert_eq!(chain(p), "eth:ethertype:vlan:ethertype:ip:tcp");
        assert_eq!(values(p, "ip.fragment", f), ["1", "2", "3"]);
        assert_eq!(value(p, "ip.fragment.count", f).as_deref(), Some("3"));
        assert_eq!(value(p, "ip.reassembled.length", f).as_deref(), Some("24"));
        assert_eq!(
            value(p, "ip.reassembled.data", f).as_deref(),
            Some("30:39:1f:90:00:00:00:01:00:00:00:00:60:02:20:00:19:0c:00:00:03:03:0e:00")
        );
        assert_eq!(value(p, "tcp.srcport", f).as_deref(), Some("12345"));
        assert_eq!(value(p, "tcp.dstport", f).as_deref(), Some("8080"));
        assert!(p.summary.info.contains("[SYN]"), "{}", p.summary.info);
        let tcp = p.layers.iter().find(|l| l.proto.name == "tcp");
        assert_eq!(
            tcp.map(|l| l.source),
            Some(1),
            "TCP refers to the reassembled bytes"
        );
        assert_eq!(p.sources[0].name, "Reassembled IPv4");
    }

    #[test]
    fn out_of_order_fragments_complete_on_the_one_filling_the_hole() {
        let syn_frags = syn_frags();
        let frames: Vec<Vec<u8>> = [2, 0, 1].iter().map(|&i| syn_frags[i].clone()).collect();
        let pkts = run(&frames);
        assert_eq!(chain(&pkts[1]), "eth:ethertype:vlan:ethertype:ip:data");
        assert_eq!(chain(&pkts[2]), "eth:ethertype:vlan:ethertype:ip:tcp");
        assert_eq!(values(&pkts[2], "ip.fragment", &frames[2]), ["2", "3", "1"]);
    }

    /// ip/ipv4_fragmented_ntp.pcap frames 1-3: a short first fragment, the last
    /// one, then a long first fragment with other data that overlaps both.
    #[test]
    fn conflicting_overlaps_are_shown_as_tshark_shows_them() {
        let capture = corpus_capture("ip/ipv4_fragmented_ntp.pcap");
        let [f1, f2, f3] = [0, 1, 2].map(|i| capture.records[i].bytes.clone());
        let pkts = run(&[f1, f2, f3.clone()]);
        let p = &pkts[2];
        assert_eq!(values(p, "ip.fragment", &f3), ["1"]);
        assert_eq!(values(p, "ip.fragment.error", &f3), ["3", "2"]);
        assert_eq!(values(p, "ip.fragment.overlap.conflict", &f3), ["1", "1"]);
        assert_eq!(values(p, "ip.fragment.toolongfragment", &f3), ["1"]);
        assert_eq!(
            value(p, "ip.reassembled.length", &f3).as_deref(),
            Some("164")
        );
        assert_eq!(value(p, "udp.length", &f3).as_deref(), Some("18"));
        assert!(has_expert(p, "overlaps frame 1 with different data"));
    }
}

#[cfg(test)]
mod reassembly_checksum_tests {
    use crate::testutil::{chain, dissect_frames, TestFrame};
    use crate::{LinkType, Prefs};

    /// ip/ipv4_frag_vlan_tcp_syn.pcap frames 1-3 with the last fragment's header
    /// checksum broken: verified, the datagram is not reassembled; not verified, it is.
    #[test]
    fn a_fragment_with_a_bad_header_checksum_is_not_reassembled_when_verified() {
        let mut frames = super::reassembly_tests::syn_frags();
        frames[2][18 + 10] ^= 0xff;
        let tf: Vec<TestFrame> = frames.iter().map(|b| TestFrame::new(b)).collect();
        let pkts = dissect_frames(LinkType::ETHERNET, Prefs::default(), true, &tf);
        assert_eq!(chain(&pkts[2]), "eth:ethertype:vlan:ethertype:ip:data");
        let prefs = Prefs {
            ip_check_checksum: false,
            ..Prefs::default()
        };
        let pkts = dissect_frames(LinkType::ETHERNET, prefs, true, &tf);
        assert_eq!(chain(&pkts[2]), "eth:ethertype:vlan:ethertype:ip:tcp");
    }
}
