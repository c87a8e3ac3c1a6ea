//! Neighbor Discovery (RFC 4861): router and neighbor solicitations and
//! advertisements, redirects, Inverse ND (RFC 3122), and the options they carry.

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use super::{dissect_contained, reserved, DATA, UNKNOWN_DATA, UNKNOWN_DATA_EXPERT};
use crate::declare_fields;
use crate::dissector::Cx;
use crate::flow::neighbours;
use crate::model::field::write_mac;
use crate::model::{Address, FieldDef, Group, Packet, Severity, Span, Value};
use crate::net::ipv6::wire::{addr_at, array_at, bytes_at, u16_at, u32_at, u8_at};

declare_fields! {
    RA_CUR_HOP_LIMIT = "icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", U8;
    RA_FLAG = "icmpv6.nd.ra.flag", "Flags", U8, Hex(2);
    RA_FLAG_M = "icmpv6.nd.ra.flag.m", "Managed address configuration", Bool(8) & 0x80;
    RA_FLAG_O = "icmpv6.nd.ra.flag.o", "Other configuration", Bool(8) & 0x40;
    RA_FLAG_H = "icmpv6.nd.ra.flag.h", "Home Agent", Bool(8) & 0x20;
    RA_FLAG_PRF = "icmpv6.nd.ra.flag.prf", "Prf (Default Router Preference)", U8 & 0x18, Dec, preference_name;
    RA_FLAG_P = "icmpv6.nd.ra.flag.p", "Proxy", Bool(8) & 0x04;
    RA_FLAG_RSV = "icmpv6.nd.ra.flag.rsv", "Reserved", U8 & 0x03;
    RA_ROUTER_LIFETIME = "icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", U16;
    RA_REACHABLE_TIME = "icmpv6.nd.ra.reachable_time", "Reachable time (ms)", U32;
    RA_RETRANS_TIMER = "icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", U32;
    NS_TARGET = "icmpv6.nd.ns.target_address", "Target Address", Ipv6;
    NA_FLAG = "icmpv6.nd.na.flag", "Flags", U32, Hex(8);
    NA_FLAG_R = "icmpv6.nd.na.flag.r", "Router", Bool(32) & 0x8000_0000;
    NA_FLAG_S = "icmpv6.nd.na.flag.s", "Solicited", Bool(32) & 0x4000_0000;
    NA_FLAG_O = "icmpv6.nd.na.flag.o", "Override", Bool(32) & 0x2000_0000;
    NA_FLAG_RSV = "icmpv6.nd.na.flag.rsv", "Reserved", U32 & 0x1fff_ffff;
    NA_TARGET = "icmpv6.nd.na.target_address", "Target Address", Ipv6;
    RD_TARGET = "icmpv6.nd.rd.target_address", "Target Address", Ipv6;
    RD_DESTINATION = "icmpv6.rd.na.destination_address", "Destination Address", Ipv6;
    OPT = "icmpv6.opt", "ICMPv6 Option", None;
    OPT_TYPE = "icmpv6.opt.type", "Type", U8, Dec, option_name;
    #[format = opt_length_text] OPT_LENGTH = "icmpv6.opt.length", "Length", U8;
    OPT_INVALID_LENGTH = "icmpv6.invalid_option_length", "Invalid option length", None;
    OPT_UNDECODED = "icmpv6.undecoded.option", "Undecoded option", None;
    OPT_RESERVED = "icmpv6.opt.reserved", "Reserved", None;
    OPT_PADDING = "icmpv6.opt.padding", "Padding", None;
    OPT_LINKADDR_MAC = "icmpv6.opt.linkaddr", "Link-layer address", Mac;
    #[hidden] OPT_SRC_LINKADDR_MAC = "icmpv6.opt.src_linkaddr", "Source Link-layer address", Mac;
    #[hidden] OPT_TARGET_LINKADDR_MAC = "icmpv6.opt.target_linkaddr", "Target Link-layer address", Mac;
    OPT_LINKADDR = "icmpv6.opt.linkaddr", "Link-layer address", Bytes;
    OPT_SRC_LINKADDR = "icmpv6.opt.src_linkaddr", "Source Link-layer address", Bytes;
    OPT_TARGET_LINKADDR = "icmpv6.opt.target_linkaddr", "Target Link-layer address", Bytes;
    OPT_LINKADDR_EUI64 = "icmpv6.opt.linkaddr_eui64", "Link-layer address", Bytes;
    OPT_SRC_LINKADDR_EUI64 = "icmpv6.opt.src_linkaddr_eui64", "Source Link-layer address", Bytes;
    OPT_TARGET_LINKADDR_EUI64 = "icmpv6.opt.target_linkaddr_eui64", "Target Link-layer address", Bytes;
    OPT_PREFIX_LEN = "icmpv6.opt.prefix.length", "Prefix Length", U8;
    OPT_PREFIX_FLAG = "icmpv6.opt.prefix.flag", "Flag", U8, Hex(2);
    OPT_PREFIX_FLAG_L = "icmpv6.opt.prefix.flag.l", "On-link flag(L)", Bool(8) & 0x80;
    OPT_PREFIX_FLAG_A = "icmpv6.opt.prefix.flag.a", "Autonomous address-configuration flag(A)", Bool(8) & 0x40;
    OPT_PREFIX_FLAG_R = "icmpv6.opt.prefix.flag.r", "Router address flag(R)", Bool(8) & 0x20;
    OPT_PREFIX_FLAG_RSV = "icmpv6.opt.prefix.flag.reserved", "Reserved", U8 & 0x1f;
    OPT_PREFIX_VALID = "icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", U32, Dec, infinity_name;
    OPT_PREFIX_PREFERRED = "icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", U32, Dec, infinity_name;
    OPT_PREFIX = "icmpv6.opt.prefix", "Prefix", Ipv6;
    OPT_REDIRECTED_PACKET = "icmpv6.opt.redirected_packet", "Redirected Packet", None;
    OPT_MTU = "icmpv6.opt.mtu", "MTU", U32;
    OPT_NBMA_SHORTCUT_LIMIT = "icmpv6.opt.nbma.shortcut_limit", "Shortcut Limit", U8;
    OPT_ADV_INTERVAL = "icmpv6.opt.advertisement_interval", "Advertisement Interval", U32;
    OPT_HA_PREFERENCE = "icmpv6.opt.home_agent_preference", "Home Agent Preference", U16;
    OPT_HA_LIFETIME = "icmpv6.opt.home_agent_lifetime", "Home Agent Lifetime", U16;
    OPT_IPV6_ADDRESS = "icmpv6.opt.ipv6_address", "IPv6 Address", Ipv6;
    OPT_NONCE = "icmpv6.opt.nonce", "Nonce", Bytes;
    OPT_ROUTE_INFO_FLAG = "icmpv6.opt.route_info.flag", "Flag", U8, Hex(2);
    OPT_ROUTE_PREFERENCE = "icmpv6.opt.route_info.flag.route_preference", "Route Preference", U8, Dec, preference_name;
    OPT_ROUTE_INFO_RSV = "icmpv6.opt.route_info.flag.reserved", "Reserved", U8;
    OPT_ROUTE_LIFETIME = "icmpv6.opt.route_lifetime", "Route Lifetime", U32, Dec, infinity_name;
    OPT_RDNSS_LIFETIME = "icmpv6.opt.rdnss.lifetime", "Lifetime", U32;
    OPT_RDNSS = "icmpv6.opt.rdnss", "Recursive DNS Servers", Ipv6;
    OPT_DNSSL_LIFETIME = "icmpv6.opt.dnssl.lifetime", "Lifetime", U32;
    OPT_DNSSL = "icmpv6.opt.dnssl", "Domain Names", String;
    OPT_CAPTIVE_PORTAL = "icmpv6.opt.captive_portal", "Captive Portal", String;
    OPT_PREF64_LIFETIME = "icmpv6.opt.pref64.scaled_lifetime", "Scaled Lifetime", U16;
    OPT_PREF64_PLC = "icmpv6.opt.pref64.plc", "PLC (Prefix Length Code)", U16, Hex(4);
    OPT_PREF64_PREFIX = "icmpv6.opt.pref64.prefix", "Prefix", Ipv6;
}

const ND_SOURCE_LINKADDR: u8 = 1;
const ND_TARGET_LINKADDR: u8 = 2;
const ND_PREFIX_INFORMATION: u8 = 3;
const ND_REDIRECTED_HEADER: u8 = 4;
const ND_MTU_TYPE: u8 = 5;
const ND_NBMA: u8 = 6;
const ND_ADVINTERVAL: u8 = 7;
const ND_HOMEAGENT_INFO: u8 = 8;
const ND_SOURCE_ADDRLIST: u8 = 9;
const ND_TARGET_ADDRLIST: u8 = 10;
const ND_NONCE_TYPE: u8 = 14;
const ND_ROUTE_INFO: u8 = 24;
const ND_RDNSS_TYPE: u8 = 25;
const ND_DNSSL_TYPE: u8 = 31;
const ND_CAPPORT: u8 = 37;
const ND_PREF64: u8 = 38;

/// Router Solicitation (133).
pub(super) fn router_solicitation(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    reserved(cx.pkt, off, buf, 4, 4)?;
    options(cx, off, buf, 8)
}

/// Router Advertisement (134).
pub(super) fn router_advertisement(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    let p = &mut *cx.pkt;
    let hop_limit = u8_at(buf, 4)?;
    p.add(
        &RA_CUR_HOP_LIMIT,
        Span::new(off + 4, 1),
        Value::Uint(hop_limit as u64),
    );
    let flags = u8_at(buf, 5)?;
    let span = Span::new(off + 5, 1);
    p.add(&RA_FLAG, span, Value::Uint(flags as u64));
    // `Flags: 0x20, Home Agent, Prf (Default Router Preference): Medium`
    p.append_text(|t| {
        append_set_flags(t, flags as u32, &[&RA_FLAG_M, &RA_FLAG_O, &RA_FLAG_H]);
        let prf = preference_name(((flags >> 3) & 3) as u64).unwrap_or("");
        let _ = write!(t, ", {}: {prf}", RA_FLAG_PRF.label);
        append_set_flags(t, flags as u32, &[&RA_FLAG_P]);
    });
    p.subtree(|p| {
        p.add(&RA_FLAG_M, span, Value::Bool(flags & 0x80 != 0));
        p.add(&RA_FLAG_O, span, Value::Bool(flags & 0x40 != 0));
        p.add(&RA_FLAG_H, span, Value::Bool(flags & 0x20 != 0));
        p.add(&RA_FLAG_PRF, span, Value::Uint(((flags >> 3) & 3) as u64));
        p.add(&RA_FLAG_P, span, Value::Bool(flags & 0x04 != 0));
        p.add(&RA_FLAG_RSV, span, Value::Uint((flags & 0x03) as u64));
    });
    let lifetime = u16_at(buf, 6)?;
    p.add(
        &RA_ROUTER_LIFETIME,
        Span::new(off + 6, 2),
        Value::Uint(lifetime as u64),
    );
    let reachable = u32_at(buf, 8)?;
    p.add(
        &RA_REACHABLE_TIME,
        Span::new(off + 8, 4),
        Value::Uint(reachable as u64),
    );
    let retrans = u32_at(buf, 12)?;
    p.add(
        &RA_RETRANS_TIMER,
        Span::new(off + 12, 4),
        Value::Uint(retrans as u64),
    );
    options(cx, off, buf, 16)
}

/// Neighbor Solicitation (135).
pub(super) fn neighbor_solicitation(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    reserved(cx.pkt, off, buf, 4, 4)?;
    let target = addr_at(buf, 8)?;
    cx.pkt
        .add(&NS_TARGET, Span::new(off + 8, 16), Value::Ipv6(target));
    cx.pkt
        .append_info_fmt(format_args!(" for {}", Ipv6Addr::from(target)));
    let src = cx
        .ip
        .map(|ip| ip.src)
        .filter(|a| *a != Address::Ipv6([0; 16]));
    let mac = buf
        .get(24..)
        .and_then(|o| neighbours::ndp_link_address(o, 1));
    let msg = neighbours::Message::Request {
        sender: src,
        sender_mac: mac,
        target: Address::Ipv6(target),
    };
    track_neighbour(cx, off, msg);
    options(cx, off, buf, 24)
}

/// Feeds a Neighbor Solicitation or Advertisement to the neighbour table.
fn track_neighbour(cx: &mut Cx<'_>, off: usize, msg: neighbours::Message) {
    if cx.in_icmp_error {
        return;
    }
    let events = cx
        .state
        .neighbours
        .observe(neighbours::Via::Ndp, msg, cx.meta.number, cx.meta.ts);
    neighbours::report(cx.pkt, Span::new(off, 0), &events, true);
}

/// Neighbor Advertisement (136).
pub(super) fn neighbor_advertisement(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    let flags = u32_at(buf, 4)?;
    let span = Span::new(off + 4, 4);
    cx.pkt.add(&NA_FLAG, span, Value::Uint(flags as u64));
    // `Flags: 0xa0000000, Router, Override`
    cx.pkt
        .append_text(|t| append_set_flags(t, flags, &[&NA_FLAG_R, &NA_FLAG_S, &NA_FLAG_O]));
    cx.pkt.subtree(|p| {
        p.add(&NA_FLAG_R, span, Value::Bool(flags & 0x8000_0000 != 0));
        p.add(&NA_FLAG_S, span, Value::Bool(flags & 0x4000_0000 != 0));
        p.add(&NA_FLAG_O, span, Value::Bool(flags & 0x2000_0000 != 0));
        p.add(
            &NA_FLAG_RSV,
            span,
            Value::Uint((flags & 0x1fff_ffff) as u64),
        );
    });
    let target = addr_at(buf, 8)?;
    cx.pkt
        .add(&NA_TARGET, Span::new(off + 8, 16), Value::Ipv6(target));
    // Info: the target and its flags, "(rtr, sol, ovr)" or "(none)".
    cx.pkt
        .append_info_fmt(format_args!(" {} (", Ipv6Addr::from(target)));
    let names = [
        (0x8000_0000, "rtr"),
        (0x4000_0000, "sol"),
        (0x2000_0000, "ovr"),
    ];
    let mut any = false;
    for (bit, name) in names {
        if flags & bit != 0 {
            if any {
                cx.pkt.append_info(", ");
            }
            cx.pkt.append_info(name);
            any = true;
        }
    }
    cx.pkt.append_info(if any { ")" } else { "none)" });
    let msg = neighbours::Message::Reply {
        ip: Address::Ipv6(target),
        mac: buf
            .get(24..)
            .and_then(|o| neighbours::ndp_link_address(o, 2)),
        solicited: flags & 0x4000_0000 != 0,
    };
    track_neighbour(cx, off, msg);
    options(cx, off, buf, 24)
}

/// Redirect (137).
pub(super) fn redirect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    reserved(cx.pkt, off, buf, 4, 4)?;
    let target = addr_at(buf, 8)?;
    cx.pkt
        .add(&RD_TARGET, Span::new(off + 8, 16), Value::Ipv6(target));
    let destination = addr_at(buf, 24)?;
    cx.pkt.add(
        &RD_DESTINATION,
        Span::new(off + 24, 16),
        Value::Ipv6(destination),
    );
    options(cx, off, buf, 40)
}

/// Inverse Neighbor Discovery Solicitation and Advertisement (141, 142).
pub(super) fn inverse_discovery(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Option<()> {
    reserved(cx.pkt, off, buf, 4, 4)?;
    options(cx, off, buf, 8)
}

/// The options from `pos` to the end of the message. A zero length is an error
/// that ends the list (it would never advance). A Redirected Header's packet is
/// dissected once the list is done, as it opens layers of its own.
fn options(cx: &mut Cx<'_>, off: usize, buf: &[u8], mut pos: usize) -> Option<()> {
    let mut redirected = None;
    let result = loop {
        if pos >= buf.len() {
            break Some(());
        }
        let Some(len_byte) = u8_at(buf, pos + 1) else {
            break None;
        };
        let opt_len = len_byte as usize * 8;
        let ty = buf[pos];
        let node = cx.pkt.fields.len();
        cx.pkt.add(
            &OPT,
            Span::new(off + pos, opt_len.min(buf.len() - pos)),
            Value::None,
        );
        // `ICMPv6 Option (MTU : 1500)`: the type, then what the option
        // says, appended as it is read.
        cx.pkt.append_text_to(node, |t| {
            t.push_str(" (");
            t.push_str(option_name(ty as u64).unwrap_or("Unknown"));
        });
        let end = cx
            .pkt
            .subtree(|p| option(p, node, off, buf, pos, ty, opt_len));
        cx.pkt.append_text_to(node, |t| t.push(')'));
        match end {
            Some(OptionEnd::Next(next)) => pos = next,
            Some(OptionEnd::Redirected(quoted)) => {
                redirected = Some(quoted);
                pos += opt_len;
            }
            Some(OptionEnd::Stop) => break Some(()),
            None => break None,
        }
    };
    if let Some(start) = redirected {
        let end = buf.len().min(start.end);
        dissect_contained(cx, off + start.start, &buf[start.start.min(end)..end]);
    }
    result
}

enum OptionEnd {
    /// Where the next option starts.
    Next(usize),
    /// A Redirected Header carrying the invoking packet at this range.
    Redirected(std::ops::Range<usize>),
    /// A zero length: the list cannot go on.
    Stop,
}

/// One option, under its node: type, length, the type's fields, and what is
/// left of the option as unknown data.
#[allow(clippy::too_many_arguments)]
fn option(
    p: &mut Packet,
    node: usize,
    off: usize,
    buf: &[u8],
    pos: usize,
    ty: u8,
    opt_len: usize,
) -> Option<OptionEnd> {
    p.add(&OPT_TYPE, Span::new(off + pos, 1), Value::Uint(ty as u64));
    let len_span = Span::new(off + pos + 1, 1);
    p.add(&OPT_LENGTH, len_span, Value::Uint((opt_len / 8) as u64));
    if opt_len == 0 {
        p.subtree(|p| p.add(&OPT_INVALID_LENGTH, len_span, Value::None));
        p.malformed(len_span, "Invalid option length (Zero)");
        return Some(OptionEnd::Stop);
    }
    let next = pos + opt_len;
    if ty == ND_REDIRECTED_HEADER {
        none_field(p, &OPT_RESERVED, buf, off, pos + 2, 6)?;
        if opt_len > 8 {
            let quoted = pos + 8..next;
            let packet = bytes_at(buf, quoted.start, quoted.len())?;
            p.add(
                &OPT_REDIRECTED_PACKET,
                Span::new(off + quoted.start, quoted.len()),
                Value::None,
            );
            unknown_data(p, off, buf, quoted.start + claimed_by_quote(packet), next)?;
            return Some(OptionEnd::Redirected(quoted));
        }
        return Some(OptionEnd::Next(next));
    }
    let end = option_fields(p, node, off, buf, pos, ty, opt_len)?;
    unknown_data(p, off, buf, end, next)?;
    Some(OptionEnd::Next(next))
}

/// What is left of an option after its fields, flagged as Wireshark does.
fn unknown_data(p: &mut Packet, off: usize, buf: &[u8], end: usize, next: usize) -> Option<()> {
    if end >= next {
        return Some(());
    }
    let extra = bytes_at(buf, end, next - end)?;
    let span = Span::new(off + end, extra.len());
    p.add_tree(&UNKNOWN_DATA, span, Value::SpanBytes, |p| {
        p.add(&UNKNOWN_DATA_EXPERT, span, Value::None);
        p.malformed(span, "Unknown Data (not interpreted)");
    });
    Some(())
}

/// How much of a quoted packet its IPv6 header claims (header plus payload
/// length); anything else is all of it.
fn claimed_by_quote(packet: &[u8]) -> usize {
    match (packet.first(), u16_at(packet, 4)) {
        (Some(b), Some(plen)) if b >> 4 == 6 => (40 + plen as usize).min(packet.len()),
        _ => packet.len(),
    }
}

/// The type-specific fields of the option at `pos` (after type and length).
/// Returns where they end, read as Wireshark does: per type, not bounded by the
/// option's length but by the message.
fn option_fields(
    p: &mut Packet,
    node: usize,
    off: usize,
    buf: &[u8],
    pos: usize,
    ty: u8,
    opt_len: usize,
) -> Option<usize> {
    let at = pos + 2;
    let span = |o: usize, n: usize| Span::new(off + o, n);
    match ty {
        ND_SOURCE_LINKADDR | ND_TARGET_LINKADDR => {
            link_layer_address(p, node, off, buf, pos, ty, opt_len)
        }
        ND_PREFIX_INFORMATION => {
            let prefix_len = u8_at(buf, at)?;
            p.add(&OPT_PREFIX_LEN, span(at, 1), Value::Uint(prefix_len as u64));
            let flags = u8_at(buf, at + 1)?;
            let fs = span(at + 1, 1);
            p.add(&OPT_PREFIX_FLAG, fs, Value::Uint(flags as u64));
            p.append_text(|t| {
                append_set_flags(
                    t,
                    flags as u32,
                    &[&OPT_PREFIX_FLAG_L, &OPT_PREFIX_FLAG_A, &OPT_PREFIX_FLAG_R],
                )
            });
            p.subtree(|p| {
                p.add(&OPT_PREFIX_FLAG_L, fs, Value::Bool(flags & 0x80 != 0));
                p.add(&OPT_PREFIX_FLAG_A, fs, Value::Bool(flags & 0x40 != 0));
                p.add(&OPT_PREFIX_FLAG_R, fs, Value::Bool(flags & 0x20 != 0));
                p.add(&OPT_PREFIX_FLAG_RSV, fs, Value::Uint((flags & 0x1f) as u64));
            });
            let valid = u32_at(buf, at + 2)?;
            p.add(
                &OPT_PREFIX_VALID,
                span(at + 2, 4),
                Value::Uint(valid as u64),
            );
            let preferred = u32_at(buf, at + 6)?;
            p.add(
                &OPT_PREFIX_PREFERRED,
                span(at + 6, 4),
                Value::Uint(preferred as u64),
            );
            none_field(p, &OPT_RESERVED, buf, off, at + 10, 4)?;
            let prefix = addr_at(buf, at + 14)?;
            p.add(&OPT_PREFIX, span(at + 14, 16), Value::Ipv6(prefix));
            p.append_text_to(node, |t| {
                let _ = write!(t, " : {}/{prefix_len}", std::net::Ipv6Addr::from(prefix));
            });
            Some(at + 30)
        }
        ND_MTU_TYPE => {
            none_field(p, &OPT_RESERVED, buf, off, at, 2)?;
            let mtu = u32_at(buf, at + 2)?;
            p.add(&OPT_MTU, span(at + 2, 4), Value::Uint(mtu as u64));
            p.append_text_to(node, |t| {
                let _ = write!(t, " : {mtu}");
            });
            Some(at + 6)
        }
        ND_NBMA => {
            let limit = u8_at(buf, at)?;
            p.add(
                &OPT_NBMA_SHORTCUT_LIMIT,
                span(at, 1),
                Value::Uint(limit as u64),
            );
            none_field(p, &OPT_RESERVED, buf, off, at, 1)?;
            none_field(p, &OPT_RESERVED, buf, off, at + 1, 4)?;
            Some(at + 5)
        }
        ND_ADVINTERVAL => {
            none_field(p, &OPT_RESERVED, buf, off, at, 2)?;
            let interval = u32_at(buf, at + 2)?;
            p.add(
                &OPT_ADV_INTERVAL,
                span(at + 2, 4),
                Value::Uint(interval as u64),
            );
            p.append_text_to(node, |t| {
                let _ = write!(t, " : {interval}");
            });
            Some(at + 6)
        }
        ND_HOMEAGENT_INFO => {
            none_field(p, &OPT_RESERVED, buf, off, at, 2)?;
            let pref = u16_at(buf, at + 2)?;
            p.add(
                &OPT_HA_PREFERENCE,
                span(at + 2, 2),
                Value::Uint(pref as u64),
            );
            let lifetime = u16_at(buf, at + 4)?;
            p.add(
                &OPT_HA_LIFETIME,
                span(at + 4, 2),
                Value::Uint(lifetime as u64),
            );
            Some(at + 6)
        }
        ND_SOURCE_ADDRLIST | ND_TARGET_ADDRLIST => {
            none_field(p, &OPT_RESERVED, buf, off, at, 6)?;
            address_list(p, off, buf, at + 6, pos + opt_len, &OPT_IPV6_ADDRESS)
        }
        ND_NONCE_TYPE => {
            let n = opt_len - 2;
            bytes_at(buf, at, n)?;
            p.add(&OPT_NONCE, span(at, n), Value::SpanBytes);
            Some(at + n)
        }
        ND_ROUTE_INFO => route_information(p, off, buf, at, opt_len),
        ND_RDNSS_TYPE => {
            none_field(p, &OPT_RESERVED, buf, off, at, 2)?;
            let lifetime = u32_at(buf, at + 2)?;
            p.add(
                &OPT_RDNSS_LIFETIME,
                span(at + 2, 4),
                Value::Uint(lifetime as u64),
            );
            let end = address_list(p, off, buf, at + 6, pos + opt_len, &OPT_RDNSS)?;
            // `(Recursive DNS Server abcd::efef 1234:5678::1)`
            for a in (at + 6..end).step_by(16).filter_map(|i| addr_at(buf, i)) {
                p.append_text_to(node, |t| {
                    let _ = write!(t, " {}", std::net::Ipv6Addr::from(a));
                });
            }
            Some(end)
        }
        ND_DNSSL_TYPE => {
            none_field(p, &OPT_RESERVED, buf, off, at, 2)?;
            let lifetime = u32_at(buf, at + 2)?;
            p.add(
                &OPT_DNSSL_LIFETIME,
                span(at + 2, 4),
                Value::Uint(lifetime as u64),
            );
            search_list(p, node, off, buf, at + 6, pos + opt_len)
        }
        ND_CAPPORT => {
            let n = opt_len - 2;
            let uri = bytes_at(buf, at, n)?;
            p.add_with(&OPT_CAPTIVE_PORTAL, span(at, n), || {
                Value::Str(printable(uri.split(|&b| b == 0).next().unwrap_or(&[])).into())
            });
            Some(at + n)
        }
        ND_PREF64 => {
            let word = u16_at(buf, at)?;
            p.add(
                &OPT_PREF64_LIFETIME,
                span(at, 2),
                Value::Uint((word >> 3) as u64),
            );
            let plc = word & 7;
            p.add(&OPT_PREF64_PLC, span(at, 2), Value::Uint(plc as u64));
            let prefix_bytes = match plc {
                0 => 12,
                1 => 8,
                2 => 7,
                3 => 6,
                4 => 5,
                5 => 4,
                _ => 0,
            };
            if prefix_bytes > 0 {
                let b = bytes_at(buf, at + 2, prefix_bytes)?;
                let mut prefix = [0u8; 16];
                prefix[..prefix_bytes].copy_from_slice(b);
                p.add(
                    &OPT_PREF64_PREFIX,
                    span(at + 2, prefix_bytes),
                    Value::Ipv6(prefix),
                );
            }
            Some(at + 14)
        }
        _ => {
            let n = opt_len - 2;
            bytes_at(buf, at, n)?;
            p.add(&OPT_UNDECODED, span(pos, opt_len), Value::None);
            p.expert(
                Severity::Note,
                Group::Undecoded,
                span(pos, opt_len),
                format!("ICMPv6 option {ty} is not dissected"),
            );
            p.add(&DATA, span(at, n), Value::SpanBytes);
            Some(at + n)
        }
    }
}

/// Adds a field without a value (Wireshark's FT_NONE reserved and padding).
fn none_field(
    p: &mut Packet,
    def: &'static crate::model::FieldDef,
    buf: &[u8],
    off: usize,
    at: usize,
    n: usize,
) -> Option<()> {
    bytes_at(buf, at, n)?;
    p.add(def, Span::new(off + at, n), Value::None);
    Some(())
}

/// Source or Target Link-layer Address (1, 2): a MAC for an 8-byte option, an
/// EUI-64 for a 16-byte one padded with zeros, raw bytes otherwise.
fn link_layer_address(
    p: &mut Packet,
    node: usize,
    off: usize,
    buf: &[u8],
    pos: usize,
    ty: u8,
    opt_len: usize,
) -> Option<usize> {
    let at = pos + 2;
    let source = ty == ND_SOURCE_LINKADDR;
    if opt_len == 8 {
        let mac: [u8; 6] = array_at(buf, at)?;
        let span = Span::new(off + at, 6);
        p.add(&OPT_LINKADDR_MAC, span, Value::Mac(mac));
        let def = if source {
            &OPT_SRC_LINKADDR_MAC
        } else {
            &OPT_TARGET_LINKADDR_MAC
        };
        p.add(def, span, Value::Mac(mac));
        p.append_info(if source { " from " } else { " is at " });
        let mut text = String::with_capacity(17);
        write_mac(&mut text, &mac);
        p.append_info(&text);
        p.append_text_to(node, |t| {
            t.push_str(" : ");
            t.push_str(&text);
        });
        return Some(at + opt_len);
    }
    let eui64_padding = bytes_at(buf, at + 8, 6);
    if opt_len == 16 && eui64_padding.is_some_and(|pad| pad.iter().all(|&b| b == 0)) {
        let eui = bytes_at(buf, at, 8)?;
        let span = Span::new(off + at, 8);
        p.add(&OPT_LINKADDR_EUI64, span, Value::SpanBytes);
        let (eui_def, bytes_def) = if source {
            (&OPT_SRC_LINKADDR_EUI64, &OPT_SRC_LINKADDR)
        } else {
            (&OPT_TARGET_LINKADDR_EUI64, &OPT_TARGET_LINKADDR)
        };
        p.add(eui_def, span, Value::SpanBytes);
        if source {
            p.add(&OPT_LINKADDR, span, Value::SpanBytes);
            p.add(bytes_def, span, Value::SpanBytes);
        }
        p.add(&OPT_PADDING, Span::new(off + at + 8, 6), Value::None);
        p.append_info(" from ");
        let mut text = String::with_capacity(23);
        crate::model::field::write_hex_colon(&mut text, eui);
        p.append_info(&text);
        return Some(at + opt_len);
    }
    let n = opt_len - 2;
    bytes_at(buf, at, n)?;
    let span = Span::new(off + at, n);
    p.add(&OPT_LINKADDR, span, Value::SpanBytes);
    let def = if source {
        &OPT_SRC_LINKADDR
    } else {
        &OPT_TARGET_LINKADDR
    };
    p.add(def, span, Value::SpanBytes);
    Some(at + opt_len)
}

/// Route Information (24, RFC 4191): a prefix of 0, 8 or 16 bytes by the length.
fn route_information(
    p: &mut Packet,
    off: usize,
    buf: &[u8],
    at: usize,
    opt_len: usize,
) -> Option<usize> {
    let prefix_len = u8_at(buf, at)?;
    p.add(
        &OPT_PREFIX_LEN,
        Span::new(off + at, 1),
        Value::Uint(prefix_len as u64),
    );
    let flags = u8_at(buf, at + 1)?;
    let fs = Span::new(off + at + 1, 1);
    p.add_tree(&OPT_ROUTE_INFO_FLAG, fs, Value::Uint(flags as u64), |p| {
        p.add(
            &OPT_ROUTE_PREFERENCE,
            fs,
            Value::Uint(((flags >> 3) & 3) as u64),
        );
        p.add(&OPT_ROUTE_INFO_RSV, fs, Value::Uint((flags & 0xe7) as u64));
    });
    let lifetime = u32_at(buf, at + 2)?;
    p.add(
        &OPT_ROUTE_LIFETIME,
        Span::new(off + at + 2, 4),
        Value::Uint(lifetime as u64),
    );
    let prefix_at = at + 6;
    let n = match opt_len {
        8 => return Some(prefix_at),
        16 => 8,
        24 => 16,
        _ => {
            p.malformed(
                Span::new(off + at - 1, 1),
                format!(
                    "Invalid option length ({} bytes) for Route Information",
                    opt_len
                ),
            );
            return Some(prefix_at);
        }
    };
    let b = bytes_at(buf, prefix_at, n)?;
    let mut prefix = [0u8; 16];
    prefix[..n].copy_from_slice(b);
    p.add(
        &OPT_PREFIX,
        Span::new(off + prefix_at, n),
        Value::Ipv6(prefix),
    );
    Some(prefix_at + n)
}

/// IPv6 addresses from `from` while they start before `end`.
fn address_list(
    p: &mut Packet,
    off: usize,
    buf: &[u8],
    from: usize,
    end: usize,
    def: &'static crate::model::FieldDef,
) -> Option<usize> {
    let mut at = from;
    while at < end {
        let a = addr_at(buf, at)?;
        p.add(def, Span::new(off + at, 16), Value::Ipv6(a));
        at += 16;
    }
    Some(at)
}

/// DNS Search List (31, RFC 8106): uncompressed names, then zero padding.
fn search_list(
    p: &mut Packet,
    node: usize,
    off: usize,
    buf: &[u8],
    from: usize,
    end: usize,
) -> Option<usize> {
    let mut at = from;
    while at < end {
        if u8_at(buf, at)? == 0 {
            let n = end - at;
            bytes_at(buf, at, n)?;
            p.add(&OPT_PADDING, Span::new(off + at, n), Value::None);
            return Some(end);
        }
        let (name, used) = dns_name(buf, at)?;
        // `(DNS Search List Option example.com example.org)`
        p.append_text_to(node, |t| {
            t.push(' ');
            t.push_str(&name);
        });
        p.add_with(&OPT_DNSSL, Span::new(off + at, used), || {
            Value::Str(name.into())
        });
        at += used;
    }
    Some(at)
}

/// A DNS name of length-prefixed labels at `at`: the dotted text and the bytes
/// it takes, its final zero included. A compression pointer (not allowed in the
/// option) ends the name.
pub(super) fn dns_name(buf: &[u8], at: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut pos = at;
    loop {
        let len = u8_at(buf, pos)? as usize;
        pos += 1;
        if len == 0 {
            break;
        }
        if len & 0xc0 != 0 {
            pos += 1;
            break;
        }
        let label = bytes_at(buf, pos, len)?;
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(&printable(label));
        pos += len;
    }
    if name.is_empty() {
        name.push_str("<Root>");
    }
    Some((name, pos - at))
}

/// Text with non-printable bytes escaped as `\xNN`.
fn printable(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(b as char);
        } else {
            let _ = write!(s, "\\x{b:02x}");
        }
    }
    s
}

fn option_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Source link-layer address",
        2 => "Target link-layer address",
        3 => "Prefix information",
        4 => "Redirected header",
        5 => "MTU",
        6 => "NBMA Shortcut Limit Option",
        7 => "Advertisement Interval",
        8 => "Home Agent Information",
        9 => "Source Address List",
        10 => "Target Address List",
        11 => "CGA",
        12 => "RSA Signature",
        13 => "Timestamp",
        14 => "Nonce",
        15 => "Trust Anchor",
        16 => "Certificate",
        17 => "IP Address/Prefix Option",
        18 => "New Router Prefix Information",
        19 => "Link-layer Address",
        20 => "Neighbor Advertisement Acknowledgment",
        21 => "PvD ID",
        23 => "MAP",
        24 => "Route Information",
        25 => "Recursive DNS Server",
        26 => "RA Flags Extension",
        27 => "Handover Key Request",
        28 => "Handover Key Reply",
        29 => "Handover Assist Information",
        30 => "Mobile Node Identifier Option",
        31 => "DNS Search List Option",
        32 => "Proxy Signature (PS)",
        33 => "Address Registration Option",
        34 => "6LoWPAN Context Option",
        35 => "Authoritative Border Router",
        36 => "6LoWPAN Capability Indication Option",
        37 => "DHCP Captive-Portal",
        38 => "PREF64 Option",
        253 => "RFC3692-style Experiment 1",
        254 => "RFC3692-style Experiment 2",
        _ => return None,
    })
}

/// `, Router, Override`: the names of the flags set, as Wireshark lists
/// them after a flags field's value.
fn append_set_flags(t: &mut String, value: u32, flags: &[&FieldDef]) {
    for f in flags {
        let mask = f.bits.map_or(0, |b| b.mask) as u32;
        if value & mask != 0 {
            t.push_str(", ");
            t.push_str(f.label);
        }
    }
}

/// `Length: 1 (8 bytes)`: the length in 8-octet units and in bytes.
fn opt_length_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let units = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: {units} ({} bytes)", def.label, units * 8);
}

fn preference_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Medium",
        1 => "High",
        2 => "Reserved",
        3 => "Low",
        _ => return None,
    })
}

fn infinity_name(v: u64) -> Option<&'static str> {
    (v == 0xffff_ffff).then_some("Infinity")
}
