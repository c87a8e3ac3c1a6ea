//! IPv6 extension headers: Hop-by-Hop and Destination Options (with their
//! options), Routing (types 0, 2, 3 and 4), Fragment, and the walk along the
//! chain. AH lives in `ipsec.rs`; it continues the chain like the others.
//!
//! Each header reads its fields from the rest of the datagram, not only from its
//! own length, because that is what Wireshark shows for a header whose options
//! overrun it; anything that runs past the datagram marks the layer malformed and
//! ends the chain with what was decoded kept.

use std::fmt::Write as _;

use super::wire::{addr_at, bytes_at, is_multicast, u16_at, u32_at, u8_at};
use super::{ipsec, ChainState, MAX_EXTENSION_HEADERS};
use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{FieldDef, Group, Packet, Severity, Span, Value};

pub(crate) const HOPOPTS: u8 = 0;
pub(crate) const ROUTING: u8 = 43;
pub(crate) const FRAGMENT: u8 = 44;
pub(crate) const AH: u8 = 51;
pub(crate) const DSTOPTS: u8 = 60;
/// RFC 4727 experimental extension headers, skipped by their length.
const EXPERIMENT_1: u8 = 253;
const EXPERIMENT_2: u8 = 254;

const FRAGMENT_HEADER_LEN: usize = 8;

declare_fields! {
    HOPOPTS_NODE = "ipv6.hopopts", "IPv6 Hop-by-Hop Option", None;
    HOPOPTS_NXT = "ipv6.hopopts.nxt", "Next Header", U8, Dec, crate::names::ip_proto;
    HOPOPTS_LEN = "ipv6.hopopts.len", "Length", U8;
    #[generated_format = len_oct_text] HOPOPTS_LEN_OCT = "ipv6.hopopts.len_oct", "Length", U16;
    HOPOPTS_NOT_FIRST = "ipv6.hopopts.not_first", "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header", None;
    DSTOPTS_NODE = "ipv6.dstopts", "Destination Options for IPv6", None;
    DSTOPTS_NXT = "ipv6.dstopts.nxt", "Next Header", U8, Dec, crate::names::ip_proto;
    DSTOPTS_LEN = "ipv6.dstopts.len", "Length", U8;
    #[generated_format = len_oct_text] DSTOPTS_LEN_OCT = "ipv6.dstopts.len_oct", "Length", U16;
    #[format = option_title] OPT = "ipv6.opt", "IPv6 Option", None;
    #[format = option_type_text] OPT_TYPE = "ipv6.opt.type", "Type", U8, Hex(2);
    OPT_TYPE_ACTION = "ipv6.opt.type.action", "Action", U8 & 0xc0, Dec, option_action;
    OPT_TYPE_CHANGE = "ipv6.opt.type.change", "May Change", Bool(8) & 0x20, Dec, crate::names::yes_no;
    OPT_TYPE_REST = "ipv6.opt.type.rest", "Low-Order Bits", U8 & 0x1f, Hex(2);
    OPT_LENGTH = "ipv6.opt.length", "Length", U8;
    OPT_PAD1 = "ipv6.opt.pad1", "Pad1", None;
    #[format = padn_text] OPT_PADN = "ipv6.opt.padn", "PadN", Bytes;
    OPT_TEL = "ipv6.opt.tel", "Tunnel Encapsulation Limit", U8;
    OPT_RTALERT = "ipv6.opt.router_alert", "Router Alert", U16, Dec, router_alert_name;
    OPT_JUMBO = "ipv6.opt.jumbo", "Payload Length", U32;
    OPT_PMTU_MIN = "ipv6.opt.pmtu.min", "Minimum Reported PMTU", U16;
    OPT_PMTU_RTN = "ipv6.opt.pmtu.rtn", "Return Minimum PMTU", U16;
    OPT_PMTU_RFLAG = "ipv6.opt.pmtu.r_flag", "Return Flag", Bool;
    OPT_HOME_ADDRESS = "ipv6.opt.mipv6.home_address", "MIPv6 Home Address", Ipv6;
    OPT_RPL_FLAG = "ipv6.opt.rpl.flag", "Flag", U8, Hex(2);
    OPT_RPL_FLAG_O = "ipv6.opt.rpl.flag.o", "Down", Bool;
    OPT_RPL_FLAG_R = "ipv6.opt.rpl.flag.r", "Rank Error", Bool;
    OPT_RPL_FLAG_F = "ipv6.opt.rpl.flag.f", "Forwarding Error", Bool;
    OPT_RPL_FLAG_RSV = "ipv6.opt.rpl.flag.rsv", "Reserved", U8, Hex(2);
    OPT_RPL_INSTANCE = "ipv6.opt.rpl.instance_id", "RPLInstanceID", U8;
    OPT_RPL_RANK = "ipv6.opt.rpl.sender_rank", "Sender Rank", U16, Hex(4);
    OPT_ILNP_NONCE = "ipv6.opt.ilnp_nonce", "ILNP Nonce", Bytes;
    OPT_EXPERIMENTAL = "ipv6.opt.experimental", "Experimental Option", Bytes;
    OPT_UNKNOWN = "ipv6.opt.unknown", "Unknown Option Payload", Bytes;
    OPT_UNKNOWN_DATA = "ipv6.opt.unknown_data", "Unknown Data", Bytes;
    OPT_INVALID_LEN = "ipv6.opt.invalid_len", "Invalid IPv6 option length", None;
    OPT_JUMBO_PROHIBITED = "ipv6.opt.jumbo.prohibited", "When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present", None;
    OPT_JUMBO_TRUNCATED = "ipv6.opt.jumbo.truncated", "Jumbo Payload option present and jumbo length < 65536", None;
    OPT_JUMBO_FRAGMENT = "ipv6.opt.jumbo.fragment", "Jumbo Payload option cannot be used with a fragment header", None;
    OPT_HEADER_MISMATCH = "ipv6.opt.header_mismatch", "Wrong options extension header for type", None;
    ROUTING_NODE = "ipv6.routing", "Routing Header for IPv6", None;
    ROUTING_NXT = "ipv6.routing.nxt", "Next Header", U8, Dec, crate::names::ip_proto;
    ROUTING_LEN = "ipv6.routing.len", "Length", U8;
    #[generated_format = len_oct_text] ROUTING_LEN_OCT = "ipv6.routing.len_oct", "Length", U16;
    ROUTING_TYPE = "ipv6.routing.type", "Type", U8, Dec, routing_type_name;
    ROUTING_SEGLEFT = "ipv6.routing.segleft", "Segments Left", U8;
    ROUTING_UNKNOWN_DATA = "ipv6.routing.unknown_data", "Type-Specific Data", Bytes;
    ROUTING_DEPRECATED = "ipv6.routing.deprecated", "Routing header type is deprecated", None;
    ROUTING_INVALID_LENGTH = "ipv6.routing.invalid_length", "Invalid IPv6 Routing header length", None;
    ROUTING_INVALID_SEGLEFT = "ipv6.routing.invalid_segleft", "IPv6 Routing Header segments left field must not exceed address count", None;
    ROUTING_UNDECODED = "ipv6.routing.undecoded", "Undecoded IPv6 routing header field", None;
    ROUTE_LIST_MULTICAST = "ipv6.src_route_list.multicast_addr", "Multicast addresses must not appear in the source route list", None;
    RT0_RESERVED = "ipv6.routing.src.reserved", "Reserved", Bytes;
    RT0_ADDR = "ipv6.routing.src.addr", "Address", Ipv6;
    MIPV6_RESERVED = "ipv6.routing.mipv6.reserved", "Reserved", Bytes;
    MIPV6_HOME_ADDRESS = "ipv6.routing.mipv6.home_address", "Home Address", Ipv6;
    RPL_CMPRI = "ipv6.routing.rpl.cmprI", "Compressed Internal Octets (CmprI)", U32;
    RPL_CMPRE = "ipv6.routing.rpl.cmprE", "Compressed Final Octets (CmprE)", U32;
    RPL_PAD = "ipv6.routing.rpl.pad", "Padding Bytes", U32;
    RPL_RESERVED = "ipv6.routing.rpl.reserved", "Reserved", U32;
    RPL_ADDR_COUNT = "ipv6.routing.rpl.addr_count", "Total Address Count", I32;
    RPL_ADDRESS = "ipv6.routing.rpl.address", "Address", Bytes;
    RPL_FULL_ADDRESS = "ipv6.routing.rpl.full_address", "Full Address", Ipv6;
    SRH_LAST_ENTRY = "ipv6.routing.srh.last_entry", "Last Entry", U8;
    SRH_FLAGS = "ipv6.routing.srh.flags", "Flags", U8, Hex(2);
    SRH_TAG = "ipv6.routing.srh.tag", "Tag", Bytes;
    SRH_ADDR = "ipv6.routing.srh.addr", "Address", Ipv6;
    FRAGHDR_NODE = "ipv6.fraghdr", "Fragment Header for IPv6", None;
    FRAGHDR_NXT = "ipv6.fraghdr.nxt", "Next header", U8, Dec, crate::names::ip_proto;
    FRAGHDR_RESERVED_OCTET = "ipv6.fraghdr.reserved_octet", "Reserved octet", U8, Hex(2);
    #[format = fraghdr_offset_text] FRAGHDR_OFFSET = "ipv6.fraghdr.offset", "Offset", U16 & 0xfff8;
    FRAGHDR_RESERVED_BITS = "ipv6.fraghdr.reserved_bits", "Reserved bits", U16 & 0x0006;
    FRAGHDR_MORE = "ipv6.fraghdr.more", "More Fragments", Bool(16) & 0x0001, Dec, crate::names::yes_no;
    FRAGHDR_IDENT = "ipv6.fraghdr.ident", "Identification", U32, Hex(8);
    UNKNOWN_HDR = "ipv6.unknown_hdr", "Unknown Extension Header", None;
    UNKNOWN_HDR_NXT = "ipv6.unknown_hdr.nxt", "Next Header", U8, Dec, crate::names::ip_proto;
    UNKNOWN_HDR_LEN = "ipv6.unknown_hdr.len", "Length", U8;
}

/// How the walk along the chain ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChainEnd {
    /// An upper-layer protocol follows.
    Upper(u8),
    /// The rest is shown as data (the chain was too long).
    Data,
    /// The rest is one fragment of a datagram.
    Fragment(FragmentHeader),
    /// A header was cut short: the layer is marked and nothing follows.
    Stopped,
}

/// What a Fragment header says, for reassembly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FragmentHeader {
    pub nxt: u8,
    /// Offset of this fragment's payload in bytes.
    pub offset: usize,
    pub more: bool,
    pub ident: u32,
    /// The fragment's payload length as sent (the Payload Length's remainder).
    pub len: usize,
}

pub(crate) struct Walk {
    pub end: ChainEnd,
    /// Bytes of extension headers walked, from the end of the fixed header.
    pub header_len: usize,
}

/// What one extension header leaves for the walk.
pub(crate) enum Step {
    Next {
        nxt: u8,
        len: usize,
    },
    /// A fragment of a datagram: what follows the header is not a whole upper layer.
    Fragment {
        len: usize,
        header: FragmentHeader,
    },
    Stop,
}

fn is_extension(nxt: u8) -> bool {
    matches!(
        nxt,
        HOPOPTS | ROUTING | FRAGMENT | AH | DSTOPTS | EXPERIMENT_1 | EXPERIMENT_2
    )
}

/// Walks the extension headers of the datagram whose payload is `payload` (at
/// absolute offset `off`), starting with next header `first`.
pub(crate) fn walk_chain(
    cx: &mut Cx<'_>,
    off: usize,
    payload: &[u8],
    first: u8,
    st: &mut ChainState,
) -> Walk {
    let mut nxt = first;
    let mut pos = 0usize;
    let mut count = 0usize;
    while is_extension(nxt) {
        if count == MAX_EXTENSION_HEADERS {
            let span = Span::new(off + pos, payload.len() - pos);
            cx.pkt.add(&super::CHAIN_TOO_LONG, span, Value::None);
            cx.pkt.expert(
                Severity::Warn,
                Group::Undecoded,
                span,
                format!(
                    "more than {MAX_EXTENSION_HEADERS} extension headers: the rest is shown as data"
                ),
            );
            return Walk {
                end: ChainEnd::Data,
                header_len: pos,
            };
        }
        let here = &payload[pos..];
        let at = off + pos;
        let step = match nxt {
            HOPOPTS => options(cx.pkt, Options::HopByHop, at, here, count == 0, st),
            DSTOPTS => options(cx.pkt, Options::Destination, at, here, false, st),
            ROUTING => routing(cx.pkt, at, here, st),
            FRAGMENT => fragment(cx.pkt, at, here, st),
            AH => ipsec::ah_in_chain(cx, at, here),
            _ => unknown_header(cx.pkt, at, here),
        };
        match step {
            Step::Next { nxt: n, len } => {
                pos += len;
                st.frag_plen -= len as i64;
                nxt = n;
                count += 1;
            }
            Step::Fragment { len, header } => {
                return Walk {
                    end: ChainEnd::Fragment(header),
                    header_len: pos + len,
                }
            }
            Step::Stop => {
                return Walk {
                    end: ChainEnd::Stopped,
                    header_len: payload.len(),
                }
            }
        }
    }
    Walk {
        end: ChainEnd::Upper(nxt),
        header_len: pos,
    }
}

/// Appends to the Info column with Wireshark's `col_append_sep_str` rule: the
/// separator only when the column already has text.
fn append_info_sep(p: &mut Packet, sep: &str, text: &str) {
    if !p.summary.info.is_empty() {
        p.append_info(sep);
    }
    p.append_info(text);
}

/// Adds an expert item at the current position, as tshark's `_ws.expert`
/// node named `def`; a malformed one marks the layer too.
fn expert_field(
    p: &mut Packet,
    def: &'static FieldDef,
    span: Span,
    severity: Severity,
    group: Group,
    message: impl Into<std::borrow::Cow<'static, str>>,
) {
    if group == Group::Malformed {
        p.mark_malformed();
    }
    p.expert_field(def, severity, group, span, message);
}

/// `[Length: 8 bytes]`: an extension header's length in bytes, computed
/// from its 8-octet units.
fn len_oct_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: {} bytes", def.label, v.as_u64().unwrap_or(0));
}

/// An option's node reads as its name (`PadN`, `Router Alert`), from its
/// first byte.
fn option_title(out: &mut String, _: &FieldDef, _: &Value, bytes: &[u8]) {
    let ty = bytes.first().copied().unwrap_or(0);
    match option_name(ty as u64) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "Unknown IPv6 Option ({ty})");
        }
    }
}

/// `Type: PadN (0x01)`, `Type: Unknown (0xca)`.
fn option_type_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let ty = v.as_u64().unwrap_or(0);
    let name = option_name(ty).unwrap_or("Unknown");
    let _ = write!(out, "{}: {name} (0x{ty:02x})", def.label);
}

/// `PadN: 01020000`, or `PadN: <none>` for a two-byte PadN (Wireshark
/// declares it `BASE_ALLOW_ZERO`).
fn padn_text(out: &mut String, def: &FieldDef, _: &Value, bytes: &[u8]) {
    let _ = write!(out, "{}: ", def.label);
    if bytes.is_empty() {
        out.push_str("<none>");
    }
    crate::model::field::write_tree_bytes(out, bytes);
}

/// `Offset: 179 (1432 bytes)`: 8-octet units and the bytes they make.
fn fraghdr_offset_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let units = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: {units} ({} bytes)", def.label, units * 8);
}

fn truncated(p: &mut Packet, at: usize, what: &str) -> Step {
    p.malformed(Span::new(at, 0), format!("{what} truncated"));
    Step::Stop
}

// ---------------------------------------------------------------------------
// Hop-by-Hop and Destination Options

#[derive(Clone, Copy, PartialEq, Eq)]
enum Options {
    HopByHop,
    Destination,
}

struct OptionDefs {
    protocol: &'static str,
    node: &'static FieldDef,
    nxt: &'static FieldDef,
    len: &'static FieldDef,
    len_oct: &'static FieldDef,
    info: &'static str,
}

impl Options {
    fn defs(self) -> OptionDefs {
        match self {
            Options::HopByHop => OptionDefs {
                protocol: "ipv6.hopopts",
                node: &HOPOPTS_NODE,
                nxt: &HOPOPTS_NXT,
                len: &HOPOPTS_LEN,
                len_oct: &HOPOPTS_LEN_OCT,
                info: "IPv6 hop-by-hop options",
            },
            Options::Destination => OptionDefs {
                protocol: "ipv6.dstopts",
                node: &DSTOPTS_NODE,
                nxt: &DSTOPTS_NXT,
                len: &DSTOPTS_LEN,
                len_oct: &DSTOPTS_LEN_OCT,
                info: "IPv6 destination options",
            },
        }
    }
}

const OPT_PAD1_TYPE: u8 = 0x00;
const OPT_PADN_TYPE: u8 = 0x01;
const OPT_TEL_TYPE: u8 = 0x04;
const OPT_RTALERT_TYPE: u8 = 0x05;
const OPT_PMTU_TYPE: u8 = 0x30;
const OPT_RPL_TYPE: u8 = 0x63;
const OPT_ENDI_TYPE: u8 = 0x8a;
const OPT_ILNP_NONCE_TYPE: u8 = 0x8b;
const OPT_JUMBO_TYPE: u8 = 0xc2;
const OPT_HOME_ADDRESS_TYPE: u8 = 0xc9;

fn options(
    p: &mut Packet,
    kind: Options,
    at: usize,
    here: &[u8],
    first_after_ipv6: bool,
    st: &mut ChainState,
) -> Step {
    let d = kind.defs();
    p.push_protocol_name(d.protocol);
    append_info_sep(p, " , ", d.info);
    let (Some(nxt), Some(len_byte)) = (u8_at(here, 0), u8_at(here, 1)) else {
        return truncated(p, at, "IPv6 options header");
    };
    let len = (len_byte as usize + 1) * 8;
    let node_span = Span::new(at, len.min(here.len()));
    p.add(d.node, node_span, Value::None);
    let ok = p.subtree(|p| {
        if kind == Options::HopByHop && !first_after_ipv6 {
            expert_field(
                p,
                &HOPOPTS_NOT_FIRST,
                node_span,
                Severity::Error,
                Group::Protocol,
                "IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header",
            );
        }
        p.add(d.nxt, Span::new(at, 1), Value::Uint(nxt as u64));
        p.add(d.len, Span::new(at + 1, 1), Value::Uint(len_byte as u64));
        p.add(d.len_oct, Span::new(at + 1, 1), Value::Uint(len as u64));
        let mut pos = 2;
        while pos < len {
            match option(p, kind, at, here, pos, st) {
                Some(next) => pos = next,
                None => return false,
            }
        }
        true
    });
    if !ok {
        return Step::Stop;
    }
    if len > here.len() {
        return truncated(p, at, "IPv6 options header");
    }
    Step::Next { nxt, len }
}

/// Dissects one option at `pos` of the header at `at`; returns where the next
/// option starts, or `None` when the option runs past the datagram.
fn option(
    p: &mut Packet,
    kind: Options,
    at: usize,
    here: &[u8],
    pos: usize,
    st: &mut ChainState,
) -> Option<usize> {
    let Some(ty) = u8_at(here, pos) else {
        p.malformed(Span::new(at + pos, 0), "IPv6 option truncated");
        return None;
    };
    if ty == OPT_PAD1_TYPE {
        p.add(&OPT, Span::new(at + pos, 1), Value::None);
        p.subtree(|p| {
            p.add(&OPT_TYPE, Span::new(at + pos, 1), Value::Uint(ty as u64));
            p.add(&OPT_PAD1, Span::new(at + pos, 1), Value::None);
        });
        return Some(pos + 1);
    }
    let Some(opt_len) = u8_at(here, pos + 1) else {
        p.malformed(Span::new(at + pos, 1), "IPv6 option length truncated");
        return None;
    };
    let total = 2 + opt_len as usize;
    p.add(
        &OPT,
        Span::new(at + pos, total.min(here.len() - pos)),
        Value::None,
    );
    p.subtree(|p| {
        let type_span = Span::new(at + pos, 1);
        p.add_tree(&OPT_TYPE, type_span, Value::Uint(ty as u64), |p| {
            check_option_header(p, kind, ty, type_span);
            p.add(&OPT_TYPE_ACTION, type_span, Value::Uint((ty >> 6) as u64));
            p.add(&OPT_TYPE_CHANGE, type_span, Value::Bool(ty & 0x20 != 0));
            p.add(&OPT_TYPE_REST, type_span, Value::Uint((ty & 0x1f) as u64));
        });
        let len_span = Span::new(at + pos + 1, 1);
        p.add_tree(&OPT_LENGTH, len_span, Value::Uint(opt_len as u64), |p| {
            check_option_length(p, ty, opt_len, len_span);
        });
        let start = pos + 2;
        let data_at = at + start;
        let bytes = |p: &mut Packet, def: &'static FieldDef, n: usize| -> Option<usize> {
            bytes_at(here, start, n)?;
            p.add(def, Span::new(data_at, n), Value::SpanBytes);
            Some(start + n)
        };
        let end = match ty {
            OPT_PADN_TYPE => bytes(p, &OPT_PADN, opt_len as usize),
            OPT_TEL_TYPE => u8_at(here, start).map(|v| {
                p.add(&OPT_TEL, Span::new(data_at, 1), Value::Uint(v as u64));
                start + 1
            }),
            OPT_RTALERT_TYPE => u16_at(here, start).map(|v| {
                p.add(&OPT_RTALERT, Span::new(data_at, 2), Value::Uint(v as u64));
                start + 2
            }),
            OPT_JUMBO_TYPE => option_jumbo(p, here, start, data_at, st),
            OPT_PMTU_TYPE => option_pmtu(p, here, start, data_at),
            OPT_HOME_ADDRESS_TYPE => addr_at(here, start).map(|a| {
                p.add(&OPT_HOME_ADDRESS, Span::new(data_at, 16), Value::Ipv6(a));
                st.src = a;
                start + 16
            }),
            OPT_RPL_TYPE => option_rpl(p, here, start, data_at),
            OPT_ILNP_NONCE_TYPE => bytes(p, &OPT_ILNP_NONCE, opt_len as usize),
            t if t & 0x1f == 0x1e => bytes(p, &OPT_EXPERIMENTAL, opt_len as usize),
            t => {
                let r = bytes(p, &OPT_UNKNOWN, opt_len as usize);
                if r.is_some() {
                    p.expert(
                        Severity::Note,
                        Group::Undecoded,
                        Span::new(data_at, opt_len as usize),
                        "Unknown Data (not interpreted)",
                    );
                    if t == OPT_ENDI_TYPE {
                        p.expert(
                            Severity::Note,
                            Group::Protocol,
                            type_span,
                            "Option type is deprecated",
                        );
                    }
                }
                r
            }
        };
        let Some(mut end) = end else {
            p.malformed(Span::new(at + pos, 0), "IPv6 option runs past the datagram");
            return None;
        };
        let opt_end = start + opt_len as usize;
        if end < opt_end {
            let extra = opt_end - end;
            if bytes_at(here, end, extra).is_none() {
                p.malformed(Span::new(at + end, 0), "IPv6 option runs past the datagram");
                return None;
            }
            let span = Span::new(at + end, extra);
            p.add(&OPT_UNKNOWN_DATA, span, Value::SpanBytes);
            p.expert(
                Severity::Note,
                Group::Undecoded,
                span,
                "Unknown Data (not interpreted)",
            );
            end = opt_end;
        }
        Some(end)
    })
}

/// Wireshark's rule of which header each option belongs in.
fn check_option_header(p: &mut Packet, kind: Options, ty: u8, span: Span) {
    let hop_only = matches!(
        ty,
        OPT_RTALERT_TYPE
            | OPT_PMTU_TYPE
            | 0x07
            | 0x08
            | 0x32
            | 0x26
            | 0x31
            | OPT_RPL_TYPE
            | 0x6d
            | OPT_JUMBO_TYPE
            | 0xee
    );
    let dst_only = matches!(
        ty,
        OPT_TEL_TYPE | 0x0f | 0x41 | OPT_ILNP_NONCE_TYPE | 0x8c | OPT_HOME_ADDRESS_TYPE
    );
    let name = option_name(ty as u64).unwrap_or("Unknown");
    let message = match kind {
        Options::HopByHop if dst_only => format!("{name} must use a destination options header"),
        Options::Destination if hop_only => format!("{name} must use a hop-by-hop options header"),
        _ => return,
    };
    expert_field(
        p,
        &OPT_HEADER_MISMATCH,
        span,
        Severity::Warn,
        Group::Protocol,
        message,
    );
}

/// The fixed lengths Wireshark checks, with its messages.
fn check_option_length(p: &mut Packet, ty: u8, len: u8, span: Span) {
    let bad = |exact: u8| len != exact;
    let label = match ty {
        OPT_JUMBO_TYPE if bad(4) => "Jumbo Payload: Invalid length",
        OPT_TEL_TYPE if bad(1) => "Tunnel Encapsulation Limit: Invalid length",
        OPT_RTALERT_TYPE if bad(2) => "Router alert: Invalid Length",
        OPT_PMTU_TYPE if bad(4) => "PMTU Option: Invalid Length",
        OPT_HOME_ADDRESS_TYPE if bad(16) => "Home Address: Invalid length",
        OPT_RPL_TYPE if len < 4 => "RPL Option: Invalid length",
        0xee if bad(3) => "IPv6 DFF: Invalid length",
        _ => return,
    };
    expert_field(
        p,
        &OPT_INVALID_LEN,
        span,
        Severity::Error,
        Group::Malformed,
        format!("{label} ({len} bytes)"),
    );
}

fn option_jumbo(
    p: &mut Packet,
    here: &[u8],
    start: usize,
    data_at: usize,
    st: &ChainState,
) -> Option<usize> {
    let v = u32_at(here, start)?;
    let span = Span::new(data_at, 4);
    p.add(&OPT_JUMBO, span, Value::Uint(v as u64));
    p.subtree(|p| {
        if v < 65536 {
            expert_field(
                p,
                &OPT_JUMBO_TRUNCATED,
                span,
                Severity::Warn,
                Group::Protocol,
                "Jumbo Payload option present and jumbo length < 65536",
            );
        }
    });
    if st.plen_field != 0 {
        expert_field(
            p,
            &OPT_JUMBO_PROHIBITED,
            span,
            Severity::Warn,
            Group::Protocol,
            "When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present",
        );
    }
    Some(start + 4)
}

fn option_pmtu(p: &mut Packet, here: &[u8], start: usize, data_at: usize) -> Option<usize> {
    let min = u16_at(here, start)?;
    let rtn = u16_at(here, start + 2)?;
    p.add(
        &OPT_PMTU_MIN,
        Span::new(data_at, 2),
        Value::Uint(min as u64),
    );
    p.add(
        &OPT_PMTU_RTN,
        Span::new(data_at + 2, 2),
        Value::Uint((rtn & 0xfffe) as u64),
    );
    p.add(
        &OPT_PMTU_RFLAG,
        Span::new(data_at + 3, 1),
        Value::Bool(rtn & 1 != 0),
    );
    Some(start + 4)
}

fn option_rpl(p: &mut Packet, here: &[u8], start: usize, data_at: usize) -> Option<usize> {
    let flags = u8_at(here, start)?;
    let instance = u8_at(here, start + 1)?;
    let rank = u16_at(here, start + 2)?;
    let span = Span::new(data_at, 1);
    p.add_tree(&OPT_RPL_FLAG, span, Value::Uint(flags as u64), |p| {
        p.add(&OPT_RPL_FLAG_O, span, Value::Bool(flags & 0x80 != 0));
        p.add(&OPT_RPL_FLAG_R, span, Value::Bool(flags & 0x40 != 0));
        p.add(&OPT_RPL_FLAG_F, span, Value::Bool(flags & 0x20 != 0));
        p.add(&OPT_RPL_FLAG_RSV, span, Value::Uint((flags & 0x1f) as u64));
    });
    p.add(
        &OPT_RPL_INSTANCE,
        Span::new(data_at + 1, 1),
        Value::Uint(instance as u64),
    );
    p.add(
        &OPT_RPL_RANK,
        Span::new(data_at + 2, 2),
        Value::Uint(rank as u64),
    );
    Some(start + 4)
}

/// The Jumbo Payload length from the Hop-by-Hop header at the start of `hbh`,
/// when it has a well-formed option with a length above 65535; 0 otherwise.
pub(crate) fn find_jumbo(hbh: &[u8]) -> u32 {
    let Some(len_byte) = u8_at(hbh, 1) else {
        return 0;
    };
    let end = (len_byte as usize + 1) * 8;
    let mut pos = 2;
    // Wireshark only looks where a whole 6-byte jumbo option could still fit.
    while pos < end && bytes_at(hbh, pos, 6).is_some() {
        let ty = hbh[pos];
        if ty == OPT_PAD1_TYPE {
            pos += 1;
            continue;
        }
        let len = hbh[pos + 1];
        if ty == OPT_JUMBO_TYPE && len == 4 {
            return match u32_at(hbh, pos + 2) {
                Some(v) if v > u16::MAX as u32 => v,
                _ => 0,
            };
        }
        pos += 2 + len as usize;
    }
    0
}

// ---------------------------------------------------------------------------
// Routing

const RT_SOURCE_ROUTE: u8 = 0;
const RT_NIMROD: u8 = 1;
const RT_MOBILE_IP: u8 = 2;
const RT_RPL: u8 = 3;
const RT_SEGMENT_ROUTING: u8 = 4;

fn routing(p: &mut Packet, at: usize, here: &[u8], st: &mut ChainState) -> Step {
    p.push_protocol_name("ipv6.routing");
    append_info_sep(p, " , ", "IPv6 routing");
    let Some(nxt) = u8_at(here, 0) else {
        return truncated(p, at, "IPv6 routing header");
    };
    let len_byte = u8_at(here, 1);
    let total = (len_byte.unwrap_or(0) as usize + 1) * 8;
    let node = p.fields.len();
    p.add(
        &ROUTING_NODE,
        Span::new(at, total.min(here.len())),
        Value::None,
    );
    let ok = p.subtree(|p| {
        p.add(&ROUTING_NXT, Span::new(at, 1), Value::Uint(nxt as u64));
        let Some(len_byte) = len_byte else {
            return false;
        };
        p.add(
            &ROUTING_LEN,
            Span::new(at + 1, 1),
            Value::Uint(len_byte as u64),
        );
        p.add(
            &ROUTING_LEN_OCT,
            Span::new(at + 1, 1),
            Value::Uint(total as u64),
        );
        let Some(ty) = u8_at(here, 2) else {
            return false;
        };
        // `Routing Header for IPv6 (Source Route)`
        p.append_text_to(node, |t| match routing_type_name(ty as u64) {
            Some(name) => {
                let _ = write!(t, " ({name})");
            }
            None => {
                let _ = write!(t, " (Unknown type {ty})");
            }
        });
        // The type-specific part is read within the header's own length.
        let body = &here[..total.min(here.len())];
        let type_span = Span::new(at + 2, 1);
        p.add_tree(&ROUTING_TYPE, type_span, Value::Uint(ty as u64), |p| {
            // Wireshark flags type 0 once its address list decoded in full.
            let addresses = 16 * (len_byte as usize / 2);
            if ty == RT_SOURCE_ROUTE && body.len() >= 8 + addresses {
                expert_field(
                    p,
                    &ROUTING_DEPRECATED,
                    type_span,
                    Severity::Note,
                    Group::Deprecated,
                    "Routing header type is deprecated",
                );
            }
        });
        let Some(segleft) = u8_at(here, 3) else {
            return false;
        };
        p.add(
            &ROUTING_SEGLEFT,
            Span::new(at + 3, 1),
            Value::Uint(segleft as u64),
        );
        let rt = RoutingHeader {
            at,
            len: len_byte,
            segleft,
        };
        match ty {
            RT_SOURCE_ROUTE => routing_type0(p, &rt, body, st),
            RT_MOBILE_IP => routing_type2(p, &rt, body, st),
            RT_RPL => routing_rpl(p, &rt, body, st),
            RT_SEGMENT_ROUTING => routing_srh(p, &rt, body, st),
            _ => {
                let n = total - 4;
                if bytes_at(body, 4, n).is_none() {
                    return false;
                }
                let span = Span::new(at + 4, n);
                p.add(&ROUTING_UNKNOWN_DATA, span, Value::SpanBytes);
                let what = if ty == RT_NIMROD {
                    "Nimrod routing header (deprecated) not decoded"
                } else {
                    "Undecoded IPv6 routing header field"
                };
                expert_field(
                    p,
                    &ROUTING_UNDECODED,
                    span,
                    Severity::Note,
                    Group::Undecoded,
                    what,
                );
                true
            }
        }
    });
    if !ok || total > here.len() {
        return truncated(p, at, "IPv6 routing header");
    }
    Step::Next { nxt, len: total }
}

struct RoutingHeader {
    at: usize,
    len: u8,
    segleft: u8,
}

/// `Address[2]: 2001:db8::1`: a route list numbers its entries (type 0
/// from 1, the segment list from 0, as Wireshark does).
fn set_indexed_address(p: &mut Packet, def: &FieldDef, index: usize, a: &[u8; 16]) {
    p.set_text(|t| {
        let _ = write!(
            t,
            "{}[{index}]: {}",
            def.label,
            std::net::Ipv6Addr::from(*a)
        );
    });
}

fn invalid_segleft(p: &mut Packet, rt: &RoutingHeader, message: String) {
    expert_field(
        p,
        &ROUTING_INVALID_SEGLEFT,
        Span::new(rt.at + 3, 1),
        Severity::Warn,
        Group::Protocol,
        message,
    );
}

fn invalid_length(p: &mut Packet, rt: &RoutingHeader, message: &'static str) {
    expert_field(
        p,
        &ROUTING_INVALID_LENGTH,
        Span::new(rt.at + 1, 1),
        Severity::Error,
        Group::Malformed,
        message,
    );
}

fn multicast_in_route(p: &mut Packet, span: Span) {
    expert_field(
        p,
        &ROUTE_LIST_MULTICAST,
        span,
        Severity::Warn,
        Group::Protocol,
        "Multicast addresses must not appear in the source route list",
    );
}

/// Type 0 (RFC 2460, deprecated by RFC 5095): a list of addresses.
fn routing_type0(p: &mut Packet, rt: &RoutingHeader, body: &[u8], st: &mut ChainState) -> bool {
    if bytes_at(body, 4, 4).is_none() {
        return false;
    }
    p.add(&RT0_RESERVED, Span::new(rt.at + 4, 4), Value::SpanBytes);
    if !rt.len.is_multiple_of(2) {
        invalid_length(
            p,
            rt,
            "IPv6 Routing Header extension header length must not be odd",
        );
    }
    let count = rt.len as usize / 2;
    if rt.segleft as usize > count {
        invalid_segleft(
            p,
            rt,
            format!(
                "IPv6 Type 0 Routing Header segments left field must not exceed address count ({count})"
            ),
        );
    }
    let mut last = None;
    for i in 0..count {
        let pos = 8 + 16 * i;
        let Some(a) = addr_at(body, pos) else {
            return false;
        };
        let span = Span::new(rt.at + pos, 16);
        p.add(&RT0_ADDR, span, Value::Ipv6(a));
        set_indexed_address(p, &RT0_ADDR, i + 1, &a);
        if is_multicast(&a) {
            multicast_in_route(p, span);
        }
        last = Some(a);
    }
    if let (Some(a), true) = (last, rt.segleft > 0) {
        st.dst = a;
    }
    true
}

/// Type 2 (RFC 6275): the mobile node's home address.
fn routing_type2(p: &mut Packet, rt: &RoutingHeader, body: &[u8], st: &mut ChainState) -> bool {
    if bytes_at(body, 4, 4).is_none() {
        return false;
    }
    p.add(&MIPV6_RESERVED, Span::new(rt.at + 4, 4), Value::SpanBytes);
    if rt.len != 2 {
        invalid_length(
            p,
            rt,
            "IPv6 Type 2 Routing Header extension header length must equal 2",
        );
    }
    if rt.segleft != 1 {
        invalid_segleft(
            p,
            rt,
            "IPv6 Type 2 Routing Header segments left field must equal 1".to_string(),
        );
    }
    let Some(a) = addr_at(body, 8) else {
        return false;
    };
    let span = Span::new(rt.at + 8, 16);
    p.add(&MIPV6_HOME_ADDRESS, span, Value::Ipv6(a));
    if is_multicast(&a) {
        multicast_in_route(p, span);
    }
    if rt.segleft > 0 {
        st.dst = a;
    }
    true
}

/// Type 3 (RFC 6554): compressed addresses that borrow their prefix from the
/// destination address.
fn routing_rpl(p: &mut Packet, rt: &RoutingHeader, body: &[u8], st: &mut ChainState) -> bool {
    let Some(word) = u32_at(body, 4) else {
        return false;
    };
    let span = Span::new(rt.at + 4, 4);
    let cmpr_i = (word >> 28) as usize;
    let cmpr_e = ((word >> 24) & 0xf) as usize;
    let pad = ((word >> 20) & 0xf) as usize;
    p.add(&RPL_CMPRI, span, Value::Uint(cmpr_i as u64));
    p.add(&RPL_CMPRE, span, Value::Uint(cmpr_e as u64));
    p.add(&RPL_PAD, span, Value::Uint(pad as u64));
    if cmpr_i == 0 && cmpr_e == 0 && pad != 0 {
        p.expert(
            Severity::Warn,
            Group::Protocol,
            span,
            format!(
                "When cmprI equals 0 and cmprE equals 0, pad MUST equal 0 but instead was {pad}"
            ),
        );
    }
    let reserved = word & 0x000f_ffff;
    p.add(&RPL_RESERVED, span, Value::Uint(reserved as u64));
    if reserved != 0 {
        p.expert(
            Severity::Note,
            Group::Protocol,
            span,
            format!("Reserved field must equal 0 but instead was {reserved}"),
        );
    }
    // RFC 6554: n = (((Hdr Ext Len * 8) - Pad - (16 - CmprE)) / (16 - CmprI)) + 1
    let count: i64 = if rt.len > 0 {
        (rt.len as i64 * 8 - pad as i64 - (16 - cmpr_e as i64)) / (16 - cmpr_i as i64) + 1
    } else {
        0
    };
    let count_span = Span::new(rt.at + 4, 2);
    p.add(&RPL_ADDR_COUNT, count_span, Value::Int(count));
    if count < 0 {
        p.malformed(
            count_span,
            format!(
                "Calculated total address count must be greater than or equal to 0, instead was {count}"
            ),
        );
        return true;
    }
    if rt.segleft as i64 > count {
        invalid_segleft(
            p,
            rt,
            format!(
                "IPv6 RPL Routing Header segments left field must not exceed address count ({count})"
            ),
        );
    }
    let mut pos = 8;
    let destination = st.dst;
    for idx in 1..=count {
        let n = if idx == count {
            16 - cmpr_e
        } else {
            16 - cmpr_i
        };
        let Some(part) = bytes_at(body, pos, n) else {
            return false;
        };
        let span = Span::new(rt.at + pos, n);
        p.add(&RPL_ADDRESS, span, Value::SpanBytes);
        let mut full = destination;
        full[16 - n..].copy_from_slice(part);
        p.add(&RPL_FULL_ADDRESS, span, Value::Ipv6(full));
        if full == st.src {
            p.expert(
                Severity::Warn,
                Group::Protocol,
                span,
                "Source address must not appear in the source route list",
            );
        }
        if full == destination {
            p.expert(
                Severity::Warn,
                Group::Protocol,
                span,
                "Destination address must not appear in the source route list",
            );
        }
        if is_multicast(&full) {
            multicast_in_route(p, span);
        }
        if rt.segleft > 0 {
            st.dst = full;
        }
        pos += n;
    }
    true
}

/// Type 4 (RFC 8754): the segment list, last segment first.
fn routing_srh(p: &mut Packet, rt: &RoutingHeader, body: &[u8], st: &mut ChainState) -> bool {
    let (Some(last_entry), Some(flags)) = (u8_at(body, 4), u8_at(body, 5)) else {
        return false;
    };
    p.add(
        &SRH_LAST_ENTRY,
        Span::new(rt.at + 4, 1),
        Value::Uint(last_entry as u64),
    );
    p.add(
        &SRH_FLAGS,
        Span::new(rt.at + 5, 1),
        Value::Uint(flags as u64),
    );
    if bytes_at(body, 6, 2).is_none() {
        return false;
    }
    p.add(&SRH_TAG, Span::new(rt.at + 6, 2), Value::SpanBytes);
    if last_entry == 255 {
        expert_field(
            p,
            &ROUTING_UNDECODED,
            Span::new(rt.at + 4, 1),
            Severity::Note,
            Group::Undecoded,
            "Routing Header without SID list",
        );
        return true;
    }
    let count = last_entry as usize + 1;
    if rt.segleft as usize > count {
        invalid_segleft(
            p,
            rt,
            format!(
                "IPv6 Type 4 Routing Header segments left field must not exceed address count ({count})"
            ),
        );
    }
    for i in 0..count {
        let pos = 8 + 16 * i;
        let Some(a) = addr_at(body, pos) else {
            return false;
        };
        if i == 0 && rt.segleft > 0 {
            st.dst = a;
        }
        p.add(&SRH_ADDR, Span::new(rt.at + pos, 16), Value::Ipv6(a));
        set_indexed_address(p, &SRH_ADDR, i, &a);
    }
    true
}

// ---------------------------------------------------------------------------
// Fragment

fn fragment(p: &mut Packet, at: usize, here: &[u8], st: &mut ChainState) -> Step {
    p.push_protocol_name("ipv6.fraghdr");
    let (Some(nxt), Some(reserved), Some(offlg), Some(ident)) = (
        u8_at(here, 0),
        u8_at(here, 1),
        u16_at(here, 2),
        u32_at(here, 4),
    ) else {
        return truncated(p, at, "IPv6 fragment header");
    };
    let offset_bytes = offlg & 0xfff8;
    let more = offlg & 1 != 0;
    p.set_info(|i| {
        let _ = write!(
            i,
            "IPv6 fragment (off={offset_bytes} more={} ident=0x{ident:08x} nxt={nxt})",
            if more { "y" } else { "n" }
        );
    });
    let node_span = Span::new(at, FRAGMENT_HEADER_LEN);
    p.add(&FRAGHDR_NODE, node_span, Value::None);
    p.subtree(|p| {
        if st.jumbo != 0 {
            expert_field(
                p,
                &OPT_JUMBO_FRAGMENT,
                node_span,
                Severity::Warn,
                Group::Protocol,
                "Jumbo Payload option cannot be used with a fragment header",
            );
        }
        p.add(&FRAGHDR_NXT, Span::new(at, 1), Value::Uint(nxt as u64));
        p.add(
            &FRAGHDR_RESERVED_OCTET,
            Span::new(at + 1, 1),
            Value::Uint(reserved as u64),
        );
        let span = Span::new(at + 2, 2);
        p.add(&FRAGHDR_OFFSET, span, Value::Uint((offlg >> 3) as u64));
        p.add(
            &FRAGHDR_RESERVED_BITS,
            span,
            Value::Uint(((offlg >> 1) & 3) as u64),
        );
        p.add(&FRAGHDR_MORE, span, Value::Bool(more));
        p.add(
            &FRAGHDR_IDENT,
            Span::new(at + 4, 4),
            Value::Uint(ident as u64),
        );
    });
    // A real fragment (not an atomic one) ends the chain: what follows is
    // reassembled by the caller, or shown as data until the datagram is complete.
    let payload_left = st.frag_plen - FRAGMENT_HEADER_LEN as i64;
    if payload_left > 0 && (offset_bytes != 0 || more) {
        st.fragment = true;
        return Step::Fragment {
            len: FRAGMENT_HEADER_LEN,
            header: FragmentHeader {
                nxt,
                offset: offset_bytes as usize,
                more,
                ident,
                len: payload_left as usize,
            },
        };
    }
    Step::Next {
        nxt,
        len: FRAGMENT_HEADER_LEN,
    }
}

// ---------------------------------------------------------------------------
// Headers known only by their generic layout

fn unknown_header(p: &mut Packet, at: usize, here: &[u8]) -> Step {
    let (Some(nxt), Some(len_byte)) = (u8_at(here, 0), u8_at(here, 1)) else {
        return truncated(p, at, "IPv6 extension header");
    };
    let len = (len_byte as usize + 1) * 8;
    let span = Span::new(at, len.min(here.len()));
    p.add(&UNKNOWN_HDR, span, Value::None);
    p.subtree(|p| {
        p.add(&UNKNOWN_HDR_NXT, Span::new(at, 1), Value::Uint(nxt as u64));
        p.add(
            &UNKNOWN_HDR_LEN,
            Span::new(at + 1, 1),
            Value::Uint(len_byte as u64),
        );
    });
    p.expert(
        Severity::Note,
        Group::Undecoded,
        span,
        format!("experimental extension header skipped by its length ({len} bytes)"),
    );
    if len > here.len() {
        return truncated(p, at, "IPv6 extension header");
    }
    Step::Next { nxt, len }
}

// ---------------------------------------------------------------------------
// Value names

fn option_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x00 => "Pad1",
        0x01 => "PadN",
        0x04 => "Tunnel Encapsulation Limit",
        0x05 => "Router Alert",
        0x07 => "CALIPSO",
        0x08 => "SMF_DPD",
        0x0f => "Performance and Diagnostic Metrics",
        0x1e => "Experimental (0x1E)",
        0x26 => "Quick-Start",
        0x30 => "Path MTU Option",
        0x31 => "IOAM Option",
        0x3e => "Experimental (0x3E)",
        0x41 => "Tunnel Payload Forwarding (TPF) Information",
        0x5e => "Experimental (0x5E)",
        0x63 => "RPL Option",
        0x6d => "MPL Option",
        0x7e => "Experimental (0x7E)",
        0x8a => "Endpoint Identification",
        0x8b => "ILNP Nonce",
        0x8c => "Line-Identification Option",
        0x9e => "Experimental (0x9E)",
        0xbe => "Experimental (0xBE)",
        0xc2 => "Jumbo Payload",
        0xc9 => "Home Address",
        0xde => "Experimental (0xDE)",
        0xee => "IP_DFF",
        0xfe => "Experimental (0xFE)",
        _ => return None,
    })
}

fn option_action(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Skip and continue",
        1 => "Discard",
        2 => "Discard and send ICMP Parameter Problem",
        3 => "Discard and send ICMP if not multicast",
        _ => return None,
    })
}

fn router_alert_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "MLD",
        1 => "RSVP",
        2 => "Active Network",
        _ => return None,
    })
}

fn routing_type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Source Route",
        1 => "Nimrod",
        2 => "Type 2 Routing",
        3 => "RPL Source Route",
        4 => "Segment Routing",
        5 => "Compact Routing Header 16",
        6 => "Compact Routing Header 32",
        253 => "Experiment 1",
        254 => "Experiment 2",
        _ => return None,
    })
}
