//! IPv6 (RFC 8200): the fixed header, the addresses' embedded identifiers
//! (6to4, Teredo, SLAAC, ISATAP, RFC 6052) and the extension-header chain.
//!
//! Like Wireshark, each extension header is its own protocol in the protocol
//! chain (`ipv6:ipv6.hopopts:ipv6.routing:…`) while its fields sit inside the
//! `ipv6` layer. The datagram is bounded by the Payload Length (or the Jumbo
//! Payload option), so the link layer can show what follows as a trailer.

mod ext;
pub mod ipsec;
pub(crate) mod wire;

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32, be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::{Cx, IpContext};
use crate::flow::defrag;
use crate::model::{Address, FieldDef, Group, Packet, Protocol, Severity, Span, Value};

pub use ext::FIELDS as EXT_FIELDS;

pub static IPV6: Protocol = Protocol {
    name: "ipv6",
    label: "Internet Protocol Version 6",
    short: "IPv6",
};

/// The fixed header.
pub const HEADER_LEN: usize = 40;

/// `Traffic Class: 0x00 (DSCP: CS0, ECN: Not-ECT)`: the 8-bit class, named
/// as the IPv4 DS field is.
fn tclass_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    out.push_str(def.label);
    out.push_str(": ");
    crate::net::ipv4::write_dsfield_value(out, v.as_u64().unwrap_or(0));
}

/// `Flow Label: 0x18891`: the 20 bits in five hex digits.
fn flow_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: 0x{:05x}", def.label, v.as_u64().unwrap_or(0));
}

/// Longest extension-header chain followed. Real traffic carries a handful;
/// the corpus has a 100-header stress packet that tshark decodes in full, so the
/// bound sits above that. Past it the rest of the datagram is shown as data.
pub const MAX_EXTENSION_HEADERS: usize = 128;

/// IP protocol number of "no next header".
const NO_NEXT_HEADER: u8 = 59;

declare_fields! {
    VERSION = "ipv6.version", "Version", U8 & 0xf0;
    #[hidden] IP_VERSION = "ip.version", "Version", U8;
    #[format = tclass_text] TCLASS = "ipv6.tclass", "Traffic Class", U32 & 0x0ff0_0000, Hex(8);
    TCLASS_DSCP = "ipv6.tclass.dscp", "Differentiated Services Codepoint", U32 & 0x0fc0_0000, Dec, crate::net::ipv4::dscp_name;
    TCLASS_ECN = "ipv6.tclass.ecn", "Explicit Congestion Notification", U32 & 0x0030_0000, Dec, crate::net::ipv4::ecn_name;
    #[format = flow_text] FLOW = "ipv6.flow", "Flow Label", U32(24) & 0x0f_ffff, Hex(6);
    PLEN = "ipv6.plen", "Payload Length", U16;
    NXT = "ipv6.nxt", "Next Header", U8, Dec, crate::names::ip_proto;
    #[generated] FRAGMENTS = "ipv6.fragments", "IPv6 Fragments", None;
    #[generated_format = crate::flow::reassembly::piece_frame_text] FRAGMENT = "ipv6.fragment", "IPv6 Fragment", FrameNum;
    #[generated_format = crate::flow::reassembly::piece_frame_text] FRAGMENT_ERROR = "ipv6.fragment.error", "Defragmentation error", FrameNum;
    #[generated] FRAGMENT_OVERLAP = "ipv6.fragment.overlap", "Fragment overlap", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_OVERLAP_CONFLICT = "ipv6.fragment.overlap.conflict", "Conflicting data in fragment overlap", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_MULTIPLETAILS = "ipv6.fragment.multipletails", "Multiple tail fragments found", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_TOOLONG = "ipv6.fragment.toolongfragment", "Fragment too long", Bool, Dec, crate::names::true_false;
    #[generated] FRAGMENT_COUNT = "ipv6.fragment.count", "Fragment count", U32;
    #[generated] REASSEMBLED_LENGTH = "ipv6.reassembled.length", "Reassembled IPv6 length", U32;
    #[generated] REASSEMBLED_DATA = "ipv6.reassembled.data", "Reassembled IPv6 data", Bytes;
    HLIM = "ipv6.hlim", "Hop Limit", U8;
    SRC = "ipv6.src", "Source Address", Ipv6;
    #[hidden] SRC_HOST = "ipv6.src_host", "Source Host", String;
    DST = "ipv6.dst", "Destination Address", Ipv6;
    #[hidden] DST_HOST = "ipv6.dst_host", "Destination Host", String;
    #[hidden] ADDR = "ipv6.addr", "Source or Destination Address", Ipv6;
    #[hidden] HOST = "ipv6.host", "Source or Destination Host", String;
    #[generated] SRC_6TO4_GW = "ipv6.src_6to4_gw_ipv4", "Source 6to4 Gateway IPv4", Ipv4;
    #[generated] SRC_6TO4_SLA = "ipv6.src_6to4_sla_id", "Source 6to4 SLA ID", U16;
    #[generated] DST_6TO4_GW = "ipv6.dst_6to4_gw_ipv4", "Destination 6to4 Gateway IPv4", Ipv4;
    #[generated] DST_6TO4_SLA = "ipv6.dst_6to4_sla_id", "Destination 6to4 SLA ID", U16;
    #[hidden] GW_6TO4 = "ipv6.6to4_gw_ipv4", "6to4 Gateway IPv4", Ipv4;
    #[hidden] SLA_6TO4 = "ipv6.6to4_sla_id", "6to4 SLA ID", U16;
    #[generated] SRC_TS = "ipv6.src_ts_ipv4", "Source Teredo Server IPv4", Ipv4;
    #[generated] SRC_TC_PORT = "ipv6.src_tc_port", "Source Teredo Port", U16;
    #[generated] SRC_TC = "ipv6.src_tc_ipv4", "Source Teredo Client IPv4", Ipv4;
    #[generated] DST_TS = "ipv6.dst_ts_ipv4", "Destination Teredo Server IPv4", Ipv4;
    #[generated] DST_TC_PORT = "ipv6.dst_tc_port", "Destination Teredo Port", U16;
    #[generated] DST_TC = "ipv6.dst_tc_ipv4", "Destination Teredo Client IPv4", Ipv4;
    #[hidden] TS = "ipv6.ts_ipv4", "Teredo Server IPv4", Ipv4;
    #[hidden] TC_PORT = "ipv6.tc_port", "Teredo Port", U16;
    #[hidden] TC = "ipv6.tc_ipv4", "Teredo Client IPv4", Ipv4;
    #[generated] SRC_SLAAC = "ipv6.src_slaac_mac", "Source SLAAC MAC", Mac;
    #[generated] DST_SLAAC = "ipv6.dst_slaac_mac", "Destination SLAAC MAC", Mac;
    #[hidden] SLAAC = "ipv6.slaac_mac", "SLAAC MAC", Mac;
    #[generated] SRC_ISATAP = "ipv6.src_isatap_ipv4", "Source ISATAP IPv4", Ipv4;
    #[generated] DST_ISATAP = "ipv6.dst_isatap_ipv4", "Destination ISATAP IPv4", Ipv4;
    #[hidden] ISATAP = "ipv6.isatap_ipv4", "ISATAP IPv4", Ipv4;
    #[generated] SRC_EMBED = "ipv6.src_embed_ipv4", "Source Embedded IPv4", Ipv4;
    #[generated] DST_EMBED = "ipv6.dst_embed_ipv4", "Destination Embedded IPv4", Ipv4;
    #[hidden] EMBED = "ipv6.embed_ipv4", "Embedded IPv4", Ipv4;
    // Expert items Wireshark makes filterable; shown under the field they are about.
    PLEN_ZERO = "ipv6.plen_zero", "IPv6 payload length equals 0", None;
    PLEN_EXCEEDS = "ipv6.plen_exceeds_framing", "IPv6 payload length does not match expected framing length", None;
    JUMBO_MISSING = "ipv6.opt.jumbo.missing", "Jumbo Payload option missing", None;
    BOGUS_VERSION = "ipv6.bogus_ipv6_version", "Bogus IP version", None;
    INVALID_HEADER = "ipv6.invalid_header", "Invalid IPv6 header", None;
    CHAIN_TOO_LONG = "ipv6.ext_chain_too_long", "Extension header chain too long", None;
}

/// The fixed header as it is on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub tclass: u8,
    pub flow: u32,
    pub plen: u16,
    pub nxt: u8,
    pub hlim: u8,
    pub src: [u8; 16],
    pub dst: [u8; 16],
}

type NomErr<'a> = nom::error::Error<&'a [u8]>;

fn addr16(i: &[u8]) -> nom::IResult<&[u8], [u8; 16]> {
    let (rest, b) = take(16usize).parse(i)?;
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ok((rest, a))
}

/// Parses a full 40-byte fixed header.
pub fn parse_header(buf: &[u8]) -> Option<Header> {
    let (_, (word, plen, nxt, hlim, src, dst)) =
        (be_u32::<_, NomErr>, be_u16, be_u8, be_u8, addr16, addr16)
            .parse(buf)
            .ok()?;
    Some(Header {
        version: (word >> 28) as u8,
        tclass: (word >> 20) as u8,
        flow: word & 0x000f_ffff,
        plen,
        nxt,
        hlim,
        src,
        dst,
    })
}

/// What the extension-header chain left for the upper layer.
pub(crate) struct ChainState {
    /// Source and destination as the columns and the upper-layer pseudo-header see
    /// them: a Home Address option replaces the source, a routing header with
    /// segments left the destination (the final one), as in Wireshark.
    pub src: [u8; 16],
    pub dst: [u8; 16],
    /// The Payload Length field as sent (a Jumbo option is prohibited unless 0).
    pub plen_field: u16,
    /// The Jumbo Payload length in use, 0 when none.
    pub jumbo: u32,
    /// Payload length not yet consumed by extension headers (Wireshark's `frag_plen`).
    pub frag_plen: i64,
    /// A fragment other than an atomic one was met: the rest is not a whole upper layer.
    pub fragment: bool,
}

/// Dissects an IPv6 datagram at `off`; returns the bytes it claims: 40 + the payload
/// length (or the Jumbo length), bounded by the buffer.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let layer = cx
        .pkt
        .begin_layer(&IPV6, Span::new(off, buf.len().min(HEADER_LEN)));
    cx.pkt.set_info(|_| {});
    let mut fixed = [0u8; HEADER_LEN];
    let avail = buf.len().min(HEADER_LEN);
    fixed[..avail].copy_from_slice(&buf[..avail]);
    // A zero-padded copy always parses; fields are shown only where bytes exist.
    let Some(h) = parse_header(&fixed) else {
        return buf.len();
    };
    let plen_check = check_plen(cx, off, buf, &h);
    if !add_header_fields(cx.pkt, off, &h, avail, &plen_check) {
        return buf.len();
    }
    cx.pkt
        .set_addresses(Address::Ipv6(h.src), Address::Ipv6(h.dst));
    cx.pkt.note(crate::model::NetFact::Ipv6 {
        src: h.src,
        dst: h.dst,
    });
    cx.pkt.set_title(|t| {
        let _ = write!(
            t,
            "Internet Protocol Version 6, Src: {}, Dst: {}",
            Ipv6Addr::from(h.src),
            Ipv6Addr::from(h.dst)
        );
    });
    if cx.pkt.tree {
        add_embedded_addresses(cx.pkt, off, &h);
    }

    let mut state = ChainState {
        src: h.src,
        dst: h.dst,
        plen_field: h.plen,
        jumbo: 0,
        frag_plen: h.plen as i64,
        fragment: false,
    };
    let plen = h.plen as usize
        + match plen_check.jumbo {
            Some(j) => {
                state.jumbo = j;
                j as usize
            }
            None => 0,
        };
    let end = HEADER_LEN.saturating_add(plen).min(buf.len());
    let payload = &buf[HEADER_LEN..end];
    let walk = ext::walk_chain(cx, off + HEADER_LEN, payload, h.nxt, &mut state);
    // tshark's conversation tap runs once the extension headers are read: a
    // datagram whose chain stops on a malformed header is not counted.
    let uncounted = cx.in_icmp_error || matches!(walk.end, ext::ChainEnd::Stopped);
    cx.state.note_conversation(
        crate::flow::conv::PairKind::Ipv6,
        Address::Ipv6(h.src),
        Address::Ipv6(h.dst),
        cx.meta.orig_len,
        uncounted,
    );
    if let Some(l) = cx.pkt.layers.get_mut(layer as usize) {
        l.span.len = (HEADER_LEN + walk.header_len.min(payload.len())) as u32;
    }
    cx.pkt
        .set_addresses(Address::Ipv6(state.src), Address::Ipv6(state.dst));
    cx.ip = Some(IpContext {
        src: Address::Ipv6(state.src),
        dst: Address::Ipv6(state.dst),
        fragment: state.fragment,
    });
    let rest_at = walk.header_len.min(payload.len());
    let rest = &payload[rest_at..];
    let rest_off = off + HEADER_LEN + rest_at;
    match walk.end {
        ext::ChainEnd::Upper(NO_NEXT_HEADER) => {
            cx.pkt.set_info(|i| i.push_str("IPv6 no next header"));
            crate::app::data::dissect(cx, rest_off, rest);
        }
        ext::ChainEnd::Upper(nxt) => {
            dispatch::ip_proto(cx, nxt, rest_off, rest);
        }
        ext::ChainEnd::Data => {
            crate::app::data::dissect(cx, rest_off, rest);
        }
        ext::ChainEnd::Fragment(fh) => match reassemble(cx, rest_off, rest, &h, fh) {
            Some(r) => {
                let ip = IpContext {
                    src: Address::Ipv6(state.src),
                    dst: Address::Ipv6(state.dst),
                    fragment: false,
                };
                defrag::dissect_reassembled(cx, "Reassembled IPv6", &FRAG_FIELDS, fh.nxt, ip, &r);
            }
            None => {
                crate::app::data::dissect(cx, rest_off, rest);
            }
        },
        ext::ChainEnd::Stopped => {}
    }
    end
}

/// Hands a fragment to the reassembly table; returns the datagram when this
/// fragment completed it. Keyed by the addresses of the fixed header and the
/// identification, as Wireshark keys IPv6 fragments. Fragments cut short by
/// the capture and those quoted in ICMPv6 errors are not reassembled.
fn reassemble(
    cx: &mut Cx<'_>,
    off: usize,
    rest: &[u8],
    h: &Header,
    fh: ext::FragmentHeader,
) -> Option<defrag::Reassembled> {
    if cx.in_icmp_error || rest.len() < fh.len || fh.len == 0 {
        return None;
    }
    let key = defrag::FragKey::V6 {
        src: h.src,
        dst: h.dst,
        id: fh.ident,
    };
    let frag = defrag::Fragment {
        frame: cx.meta.number,
        offset: fh.offset,
        more: fh.more,
        data: rest[..fh.len].into(),
    };
    let span = Span::new(off, fh.len);
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

/// Fields added together, with the header bytes they need.
type FieldGroup<'a> = (usize, &'a dyn Fn(&mut Packet));

/// Adds the fixed-header fields that `avail` bytes cover. Returns false when the
/// header is cut short or is not version 6 (the layer is then marked).
fn add_header_fields(
    p: &mut Packet,
    off: usize,
    h: &Header,
    avail: usize,
    plen: &PlenCheck,
) -> bool {
    if avail < 1 {
        p.malformed(Span::new(off, 0), "IPv6 header is missing");
        return false;
    }
    p.add(&VERSION, Span::new(off, 1), Value::Uint(h.version as u64));
    p.add(
        &IP_VERSION,
        Span::new(off, 1),
        Value::Uint(h.version as u64),
    );
    if h.version != 6 {
        let version = h.version;
        p.set_info(|i| {
            let _ = write!(i, "Bogus IPv6 version ({version}, must be 6)");
        });
        p.subtree(|p| p.add(&BOGUS_VERSION, Span::new(off, 1), Value::None));
        p.malformed(Span::new(off, 1), "Bogus IPv6 version");
        return false;
    }
    let steps: [FieldGroup; 6] = [
        (4, &|p| {
            p.add_tree(
                &TCLASS,
                Span::new(off, 4),
                Value::Uint(h.tclass as u64),
                |p| {
                    p.add(
                        &TCLASS_DSCP,
                        Span::new(off, 4),
                        Value::Uint((h.tclass >> 2) as u64),
                    );
                    p.add(
                        &TCLASS_ECN,
                        Span::new(off, 4),
                        Value::Uint((h.tclass & 3) as u64),
                    );
                },
            );
            p.add(&FLOW, Span::new(off + 1, 3), Value::Uint(h.flow as u64));
        }),
        (6, &|p| add_plen(p, off, h, plen)),
        (7, &|p| {
            p.add(&NXT, Span::new(off + 6, 1), Value::Uint(h.nxt as u64))
        }),
        (8, &|p| {
            p.add(&HLIM, Span::new(off + 7, 1), Value::Uint(h.hlim as u64))
        }),
        (24, &|p| add_address(p, off + 8, &h.src, &SRC, &SRC_HOST)),
        (40, &|p| add_address(p, off + 24, &h.dst, &DST, &DST_HOST)),
    ];
    for (needed, add) in steps {
        if avail < needed {
            p.malformed(
                Span::new(off, avail),
                format!("IPv6 header needs {HEADER_LEN} bytes, only {avail} captured"),
            );
            p.add(&INVALID_HEADER, Span::new(off, avail), Value::None);
            return false;
        }
        add(p);
    }
    true
}

/// What is wrong with the Payload Length, found before the field is shown so the
/// expert items can sit under it as in Wireshark.
struct PlenCheck {
    zero: bool,
    /// The Jumbo Payload length replacing a zero Payload Length.
    jumbo: Option<u32>,
    jumbo_missing: bool,
    /// The bytes really there when the length claims more.
    exceeds: Option<usize>,
}

fn check_plen(cx: &Cx<'_>, off: usize, buf: &[u8], h: &Header) -> PlenCheck {
    let mut c = PlenCheck {
        zero: h.plen == 0 && h.nxt != ext::HOPOPTS && h.nxt != NO_NEXT_HEADER,
        jumbo: None,
        jumbo_missing: false,
        exceeds: None,
    };
    let mut plen = h.plen as usize;
    if h.plen == 0 && h.nxt == ext::HOPOPTS {
        match ext::find_jumbo(buf.get(HEADER_LEN..).unwrap_or(&[])) {
            0 => c.jumbo_missing = true,
            j => {
                c.jumbo = Some(j);
                plen = j as usize;
            }
        }
    }
    let reported = reported_len(cx, off, buf).saturating_sub(HEADER_LEN);
    if !cx.in_icmp_error && plen > reported {
        c.exceeds = Some(reported);
    }
    c
}

fn add_plen(p: &mut Packet, off: usize, h: &Header, c: &PlenCheck) {
    let span = Span::new(off + 4, 2);
    p.add(&PLEN, span, Value::Uint(h.plen as u64));
    p.subtree(|p| {
        if c.zero {
            p.add(&PLEN_ZERO, span, Value::None);
            p.expert(
                Severity::Chat,
                Group::Protocol,
                span,
                "IPv6 payload length equals 0 (maybe because of \"TCP segmentation offload\" (TSO))",
            );
        }
        if c.jumbo_missing {
            p.add(&JUMBO_MISSING, span, Value::None);
            p.set_info(|i| i.push_str("Invalid IPv6 payload length"));
            p.malformed(
                span,
                "IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing",
            );
        }
        if let Some(reported) = c.exceeds {
            p.add(&PLEN_EXCEEDS, span, Value::None);
            p.expert(
                Severity::Warn,
                Group::Protocol,
                span,
                format!("IPv6 payload length exceeds framing length ({reported} bytes)"),
            );
        }
    });
}

fn add_address(
    p: &mut Packet,
    at: usize,
    a: &[u8; 16],
    def: &'static FieldDef,
    host: &'static FieldDef,
) {
    let span = Span::new(at, 16);
    p.add(def, span, Value::Ipv6(*a));
    p.add(&ADDR, span, Value::Ipv6(*a));
    // No name resolution (tshark -n): the host is the address as text.
    p.add_with(host, span, || {
        Value::Str(Ipv6Addr::from(*a).to_string().into())
    });
    p.add_with(&HOST, span, || {
        Value::Str(Ipv6Addr::from(*a).to_string().into())
    });
}

/// The identifiers some addresses carry, in Wireshark's order: 6to4, Teredo,
/// SLAAC, ISATAP and RFC 6052, each for the source then the destination, each
/// as a direction-specific field followed by the generic one.
fn add_embedded_addresses(p: &mut Packet, off: usize, h: &Header) {
    let (src, dst) = (off + 8, off + 24);
    add_6to4(p, src, &h.src, &SRC_6TO4_GW, &SRC_6TO4_SLA);
    add_6to4(p, dst, &h.dst, &DST_6TO4_GW, &DST_6TO4_SLA);
    add_teredo(p, src, &h.src, [&SRC_TS, &SRC_TC_PORT, &SRC_TC]);
    add_teredo(p, dst, &h.dst, [&DST_TS, &DST_TC_PORT, &DST_TC]);
    add_slaac(p, src, &h.src, &SRC_SLAAC);
    add_slaac(p, dst, &h.dst, &DST_SLAAC);
    add_isatap(p, src, &h.src, &SRC_ISATAP);
    add_isatap(p, dst, &h.dst, &DST_ISATAP);
    add_embed(p, src, &h.src, &SRC_EMBED);
    add_embed(p, dst, &h.dst, &DST_EMBED);
}

fn v4(a: &[u8; 16], at: usize) -> [u8; 4] {
    [a[at], a[at + 1], a[at + 2], a[at + 3]]
}

/// RFC 3056: 2002:gggg:gggg:ssss::/64.
fn add_6to4(
    p: &mut Packet,
    at: usize,
    a: &[u8; 16],
    gw: &'static FieldDef,
    sla: &'static FieldDef,
) {
    if a[0] != 0x20 || a[1] != 0x02 {
        return;
    }
    let gateway = Value::Ipv4(v4(a, 2));
    let sla_id = Value::Uint(u16::from_be_bytes([a[6], a[7]]) as u64);
    for (g, s) in [(gw, sla), (&GW_6TO4, &SLA_6TO4)] {
        p.add(g, Span::new(at + 2, 4), gateway.clone());
        p.add(s, Span::new(at + 6, 2), sla_id.clone());
    }
}

/// RFC 4380: 2001:0000:server:flags:port^ffff:client^ffffffff.
fn add_teredo(p: &mut Packet, at: usize, a: &[u8; 16], defs: [&'static FieldDef; 3]) {
    if a[..4] != [0x20, 0x01, 0x00, 0x00] {
        return;
    }
    let server = Value::Ipv4(v4(a, 4));
    let port = Value::Uint((u16::from_be_bytes([a[10], a[11]]) ^ 0xffff) as u64);
    let c = v4(a, 12);
    let client = Value::Ipv4([!c[0], !c[1], !c[2], !c[3]]);
    for [s, pt, cl] in [defs, [&TS, &TC_PORT, &TC]] {
        p.add(s, Span::new(at + 4, 4), server.clone());
        p.add(pt, Span::new(at + 10, 2), port.clone());
        p.add(cl, Span::new(at + 12, 4), client.clone());
    }
}

/// RFC 4291 appendix A: a modified EUI-64 interface identifier built from a MAC.
fn add_slaac(p: &mut Packet, at: usize, a: &[u8; 16], def: &'static FieldDef) {
    if a[8] & 0x02 == 0 || a[11] != 0xff || a[12] != 0xfe {
        return;
    }
    let mac = [a[8] & !0x02, a[9], a[10], a[13], a[14], a[15]];
    for d in [def, &SLAAC] {
        p.add(d, Span::new(at + 8, 8), Value::Mac(mac));
    }
}

/// RFC 5214: an interface identifier of [02]00:5efe followed by an IPv4 address.
fn add_isatap(p: &mut Packet, at: usize, a: &[u8; 16], def: &'static FieldDef) {
    let iid = u32::from_be_bytes([a[8], a[9], a[10], a[11]]);
    if iid & 0xfcff_ffff != 0x0000_5efe {
        return;
    }
    for d in [def, &ISATAP] {
        p.add(d, Span::new(at + 12, 4), Value::Ipv4(v4(a, 12)));
    }
}

/// RFC 6052: the well-known prefix 64:ff9b::/96.
fn add_embed(p: &mut Packet, at: usize, a: &[u8; 16], def: &'static FieldDef) {
    const WKP: [u8; 12] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    if a[..12] != WKP {
        return;
    }
    for d in [def, &EMBED] {
        p.add(d, Span::new(at + 12, 4), Value::Ipv4(v4(a, 12)));
    }
}

/// How long `buf` was on the wire: when it runs to the end of a frame that the
/// capture cut short, the bytes not captured count too.
pub(crate) fn reported_len(cx: &Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let missing = (cx.meta.orig_len as usize).saturating_sub(cx.data.len());
    if off + buf.len() >= cx.data.len() {
        buf.len() + missing
    } else {
        buf.len()
    }
}

/// The Hop Limit of the innermost IPv6 header dissected so far, for the ICMPv6
/// Info column.
pub(crate) fn enclosing_hop_limit(cx: &Cx<'_>) -> Option<u8> {
    let layer = cx
        .pkt
        .layers
        .iter()
        .rev()
        .find(|l| std::ptr::eq(l.proto, &IPV6))?;
    cx.pkt
        .source_data(layer.source, cx.frame)
        .get(layer.span.start as usize + 7)
        .copied()
}

#[cfg(test)]
mod tests;
