//! The UPDATE message (RFC 4271 section 4.3): withdrawn routes, path
//! attributes and NLRI, with MP_REACH/MP_UNREACH (RFC 4760) for IPv4/IPv6
//! unicast and labeled unicast (RFC 8277), 2- or 4-octet AS numbers (RFC 6793).

use crate::model::{Packet, Span, Value};

use super::fields as f;
use super::nlri::{self, Encoding, Family, Nlri, Section};
use super::rib::{NextHop, PathAttrs, MAX_COMMUNITIES, MAX_PATH_ASNS};

/// Attribute type codes.
pub const ORIGIN: u8 = 1;
pub const AS_PATH: u8 = 2;
pub const NEXT_HOP: u8 = 3;
pub const MED: u8 = 4;
pub const LOCAL_PREF: u8 = 5;
pub const ATOMIC_AGGREGATE: u8 = 6;
pub const AGGREGATOR: u8 = 7;
pub const COMMUNITIES: u8 = 8;
pub const ORIGINATOR_ID: u8 = 9;
pub const CLUSTER_LIST: u8 = 10;
pub const MP_REACH_NLRI: u8 = 14;
pub const MP_UNREACH_NLRI: u8 = 15;
pub const EXTENDED_COMMUNITIES: u8 = 16;
pub const AS4_PATH: u8 = 17;
pub const AS4_AGGREGATOR: u8 = 18;
pub const AIGP: u8 = 26;
pub const LARGE_COMMUNITY: u8 = 32;

const SAFI_UNICAST: u8 = 1;
const SAFI_MULTICAST: u8 = 2;
const SAFI_LABELED: u8 = 4;

/// What the session knows that changes how an UPDATE is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Negotiated {
    /// Both OPENs advertised 4-octet AS support: `Some(true)`; seen and not
    /// both: `Some(false)`; not seen: `None` (guessed per AS_PATH, as Wireshark does).
    pub four_octet_as: Option<bool>,
    /// ADD-PATH (RFC 7911) applies in this direction, per (AFI, SAFI) in
    /// [`ADD_PATH_FAMILIES`] order: NLRI carry a path identifier.
    pub add_path: [bool; ADD_PATH_FAMILIES.len()],
}

/// The (AFI, SAFI) pairs whose NLRI are decoded, so whose ADD-PATH matters.
pub const ADD_PATH_FAMILIES: [(u16, u8); 6] = [(1, 1), (1, 2), (1, 4), (2, 1), (2, 2), (2, 4)];

impl Negotiated {
    /// Whether NLRI of (AFI, SAFI) carry a path identifier.
    pub fn add_path(&self, afi: u16, safi: u8) -> bool {
        ADD_PATH_FAMILIES
            .iter()
            .zip(self.add_path)
            .any(|(f, on)| on && *f == (afi, safi))
    }
}

/// Everything an UPDATE announced and withdrew, for the route view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateInfo {
    pub withdrawn: Vec<nlri::Prefix>,
    pub announced: Vec<nlri::Prefix>,
    pub attrs: PathAttrs,
    /// An End-of-RIB marker (RFC 4724): an empty UPDATE or empty MP_UNREACH.
    pub end_of_rib: bool,
}

/// Prefixes collected per UPDATE at most (an UPDATE of 65535 bytes of /0s
/// would hold more; the rest are counted by the dissector's fields only).
pub const MAX_PREFIXES_PER_UPDATE: usize = 4096;

fn push_prefix(v: &mut Vec<nlri::Prefix>, n: &Nlri) {
    if v.len() < MAX_PREFIXES_PER_UPDATE {
        v.push(n.prefix);
    }
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn ipv4_at(b: &[u8], i: usize) -> Option<[u8; 4]> {
    b.get(i..i + 4).map(|s| [s[0], s[1], s[2], s[3]])
}

/// Dissects an UPDATE body (`body` at absolute `off`, after the header).
pub fn dissect(p: &mut Packet, off: usize, body: &[u8], neg: Negotiated) -> UpdateInfo {
    let mut info = UpdateInfo::default();
    let v4_enc = Encoding {
        family: Family::Ipv4,
        labeled: false,
        path_id: neg.add_path(1, 1),
    };
    let Some(wlen) = u16_at(body, 0) else {
        p.malformed(
            Span::new(off, body.len()),
            "UPDATE message cut short before its Withdrawn Routes Length",
        );
        return info;
    };
    p.add(
        &f::WITHDRAWN_ROUTES_LENGTH,
        Span::new(off, 2),
        Value::Uint(wlen.into()),
    );
    let wend = 2 + wlen as usize;
    if wend > body.len() {
        super::length_invalid(
            p,
            Span::new(off, body.len()),
            format!("Withdrawn Routes Length {wlen} runs past the message"),
        );
        return info;
    }
    if wlen > 0 {
        let routes = &body[2..wend];
        let r = p.add_tree(
            &f::WITHDRAWN_ROUTES,
            Span::new(off + 2, routes.len()),
            Value::None,
            |p| {
                nlri::read_all(p, off + 2, routes, Section::Withdrawn, v4_enc, |n| {
                    push_prefix(&mut info.withdrawn, n)
                })
            },
        );
        if let Err((at, e)) = r {
            super::nlri_error(p, Span::new(off + 2 + at, routes.len() - at), e);
            return info;
        }
    }
    let Some(alen) = u16_at(body, wend) else {
        p.malformed(
            Span::new(off + wend, body.len() - wend),
            "UPDATE message cut short before its Total Path Attribute Length",
        );
        return info;
    };
    p.add(
        &f::PATH_ATTRIBUTES_LENGTH,
        Span::new(off + wend, 2),
        Value::Uint(alen.into()),
    );
    let astart = wend + 2;
    let aend = astart + alen as usize;
    if aend > body.len() {
        super::length_invalid(
            p,
            Span::new(off + wend, body.len() - wend),
            format!("Total Path Attribute Length {alen} runs past the message"),
        );
    }
    let attrs = &body[astart..aend.min(body.len())];
    if !attrs.is_empty() {
        let ok = p.add_tree(
            &f::PATH_ATTRIBUTES,
            Span::new(off + astart, attrs.len()),
            Value::None,
            |p| attributes(p, off + astart, attrs, neg, &mut info),
        );
        if !ok {
            return info;
        }
    }
    let Some(nlri_bytes) = body.get(aend..) else {
        return info;
    };
    if !nlri_bytes.is_empty() {
        let r = p.add_tree(
            &f::NLRI,
            Span::new(off + aend, nlri_bytes.len()),
            Value::None,
            |p| {
                nlri::read_all(p, off + aend, nlri_bytes, Section::Nlri, v4_enc, |n| {
                    push_prefix(&mut info.announced, n)
                })
            },
        );
        if let Err((at, e)) = r {
            super::nlri_error(p, Span::new(off + aend + at, nlri_bytes.len() - at), e);
        }
    }
    if wlen == 0 && alen == 0 && nlri_bytes.is_empty() {
        info.end_of_rib = true;
    }
    info.attrs.merge_as4_path();
    info
}

/// The path attributes; false when one could not be read (an expert item says why).
fn attributes(
    p: &mut Packet,
    off: usize,
    buf: &[u8],
    neg: Negotiated,
    info: &mut UpdateInfo,
) -> bool {
    let mut pos = 0;
    while pos < buf.len() {
        let Some(&[flags, code]) = buf.get(pos..pos + 2) else {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                "Path attribute header cut short",
            );
            return false;
        };
        let ext = flags & 0x10 != 0;
        let hdr = if ext { 4 } else { 3 };
        let len = if ext {
            u16_at(buf, pos + 2).map(usize::from)
        } else {
            buf.get(pos + 2).map(|b| *b as usize)
        };
        let start = pos + hdr;
        let end = len.map(|l| start + l);
        let item_end = end.unwrap_or(buf.len()).min(buf.len());
        let overrun = end.is_none_or(|e| e > buf.len());
        p.add_tree(
            &f::PATH_ATTRIBUTE,
            Span::new(off + pos, item_end - pos),
            Value::None,
            |p| {
                let fspan = Span::new(off + pos, 1);
                p.add_tree(&f::ATTR_FLAGS, fspan, Value::Uint(flags.into()), |p| {
                    p.add(
                        &f::ATTR_FLAGS_OPTIONAL,
                        fspan,
                        Value::Bool(flags & 0x80 != 0),
                    );
                    p.add(
                        &f::ATTR_FLAGS_TRANSITIVE,
                        fspan,
                        Value::Bool(flags & 0x40 != 0),
                    );
                    p.add(
                        &f::ATTR_FLAGS_PARTIAL,
                        fspan,
                        Value::Bool(flags & 0x20 != 0),
                    );
                    p.add(&f::ATTR_FLAGS_EXTENDED_LENGTH, fspan, Value::Bool(ext));
                    p.add(
                        &f::ATTR_FLAGS_UNUSED,
                        fspan,
                        Value::Uint((flags & 0x0f).into()),
                    );
                });
                p.add(
                    &f::ATTR_TYPE_CODE,
                    Span::new(off + pos + 1, 1),
                    Value::Uint(code.into()),
                );
                if let Some(l) = len {
                    p.add(
                        &f::ATTR_LENGTH,
                        Span::new(off + pos + 2, hdr - 2),
                        Value::Uint(l as u64),
                    );
                }
                if !overrun {
                    attribute(p, off + start, code, &buf[start..item_end], neg, info);
                }
            },
        );
        if overrun {
            super::length_invalid(
                p,
                Span::new(off + pos, buf.len() - pos),
                match len {
                    Some(l) => {
                        format!("Path attribute {code} length {l} runs past the path attributes")
                    }
                    None => format!("Path attribute {code} cut short in its length"),
                },
            );
            return false;
        }
        pos = item_end;
    }
    true
}

fn attr_length_error(p: &mut Packet, off: usize, v: &[u8], code: u8, want: &str) {
    super::length_invalid(
        p,
        Span::new(off, v.len()),
        format!(
            "Attribute Length Error: {} length {} (expected {want})",
            super::names::attribute_type(code.into()).unwrap_or("attribute"),
            v.len()
        ),
    );
}

/// One attribute's value (`v` at absolute `off`).
fn attribute(
    p: &mut Packet,
    off: usize,
    code: u8,
    v: &[u8],
    neg: Negotiated,
    info: &mut UpdateInfo,
) {
    let a = &mut info.attrs;
    match code {
        ORIGIN => match v {
            [o] => {
                a.origin = Some(*o);
                p.add(&f::ORIGIN, Span::new(off, 1), Value::Uint((*o).into()));
            }
            _ => attr_length_error(p, off, v, code, "1"),
        },
        AS_PATH | AS4_PATH => {
            let asn_len = if code == AS4_PATH {
                4
            } else {
                match neg.four_octet_as {
                    Some(true) => 4,
                    Some(false) => 2,
                    None => guess_asn_len(v),
                }
            };
            let path = if code == AS4_PATH {
                &mut a.as4_path
            } else {
                &mut a.as_path
            };
            as_path(p, off, v, asn_len, path);
        }
        NEXT_HOP => match ipv4_at(v, 0) {
            Some(ip) if v.len() == 4 => {
                a.next_hop = Some(NextHop::V4(ip));
                p.add(&f::NEXT_HOP, Span::new(off, 4), Value::Ipv4(ip));
            }
            _ => attr_length_error(p, off, v, code, "4"),
        },
        MED | LOCAL_PREF => match u32_at(v, 0) {
            Some(x) if v.len() == 4 => {
                let def = if code == MED {
                    a.med = Some(x);
                    &f::MULTI_EXIT_DISC
                } else {
                    a.local_pref = Some(x);
                    &f::LOCAL_PREF
                };
                p.add(def, Span::new(off, 4), Value::Uint(x.into()));
            }
            _ => attr_length_error(p, off, v, code, "4"),
        },
        ATOMIC_AGGREGATE => {
            a.atomic_aggregate = true;
            if !v.is_empty() {
                attr_length_error(p, off, v, code, "0");
            }
        }
        AGGREGATOR | AS4_AGGREGATOR => {
            let as_len = if code == AS4_AGGREGATOR || v.len() == 8 {
                4
            } else {
                2
            };
            match (v.len() == as_len + 4, ipv4_at(v, as_len)) {
                (true, Some(ip)) => {
                    let asn = if as_len == 4 {
                        u32_at(v, 0).unwrap_or(0)
                    } else {
                        u16_at(v, 0).unwrap_or(0).into()
                    };
                    a.aggregator = Some((asn, ip));
                    p.add(
                        &f::AGGREGATOR_AS,
                        Span::new(off, as_len),
                        Value::Uint(asn.into()),
                    );
                    p.add(
                        &f::AGGREGATOR_ORIGIN,
                        Span::new(off + as_len, 4),
                        Value::Ipv4(ip),
                    );
                }
                _ => attr_length_error(p, off, v, code, "6 or 8"),
            }
        }
        COMMUNITIES => communities(p, off, v, a),
        ORIGINATOR_ID => match ipv4_at(v, 0) {
            Some(ip) if v.len() == 4 => {
                a.originator_id = Some(ip);
                p.add(&f::ORIGINATOR_ID, Span::new(off, 4), Value::Ipv4(ip));
            }
            _ => attr_length_error(p, off, v, code, "4"),
        },
        CLUSTER_LIST => {
            a.cluster_list_len = (v.len() / 4) as u32;
            p.add_tree(
                &f::CLUSTER_LIST,
                Span::new(off, v.len()),
                Value::None,
                |p| {
                    for (i, c) in v.chunks_exact(4).enumerate() {
                        p.add(
                            &f::CLUSTER_ID,
                            Span::new(off + 4 * i, 4),
                            Value::Ipv4([c[0], c[1], c[2], c[3]]),
                        );
                    }
                },
            );
            if !v.len().is_multiple_of(4) {
                attr_length_error(p, off, v, code, "a multiple of 4");
            }
        }
        MP_REACH_NLRI => mp_reach(p, off, v, neg, info),
        MP_UNREACH_NLRI => mp_unreach(p, off, v, neg, info),
        EXTENDED_COMMUNITIES => extended_communities(p, off, v),
        AIGP => aigp(p, off, v, a),
        LARGE_COMMUNITY => {
            for (i, c) in v.chunks_exact(12).enumerate() {
                let s = off + 12 * i;
                let w = |k: usize| Value::Uint(u32_at(c, k).unwrap_or(0).into());
                a.large_communities = a.large_communities.saturating_add(1);
                // tshark shows the item's value as "[ Null ]" (its text is set apart).
                p.add_tree(
                    &f::LARGE_COMMUNITIES,
                    Span::new(s, 12),
                    Value::Static("[ Null ]"),
                    |p| {
                        p.add(&f::LARGE_COMMUNITIES_GA, Span::new(s, 4), w(0));
                        p.add(&f::LARGE_COMMUNITIES_LDP1, Span::new(s + 4, 4), w(4));
                        p.add(&f::LARGE_COMMUNITIES_LDP2, Span::new(s + 8, 4), w(8));
                    },
                );
            }
            if !v.len().is_multiple_of(12) {
                attr_length_error(p, off, v, code, "a multiple of 12");
            }
        }
        _ => p.add(
            &f::PATH_ATTRIBUTES_UNKNOWN,
            Span::new(off, v.len()),
            Value::None,
        ),
    }
}

/// Wireshark's guess when the session's OPENs were not seen: read as 2-octet
/// ASNs, and take 4 if that does not land on the end, meets an unknown
/// segment type, or reads an AS 0.
pub fn guess_asn_len(v: &[u8]) -> usize {
    let mut k = 0;
    while k < v.len() {
        let kind = v[k];
        let Some(&n) = v.get(k + 1) else { return 4 };
        if !(1..=4).contains(&kind) {
            return 4;
        }
        k += 2;
        for _ in 0..n {
            match u16_at(v, k) {
                Some(0) | None => return 4,
                Some(_) => k += 2,
            }
        }
    }
    if k == v.len() {
        2
    } else {
        4
    }
}

/// AS_PATH / AS4_PATH segments: type, count, ASNs. A count that runs past the
/// attribute is reported and stops the attribute.
fn as_path(p: &mut Packet, off: usize, v: &[u8], asn_len: usize, path: &mut super::rib::AsPath) {
    let mut pos = 0;
    while pos < v.len() {
        let Some(&[kind, count]) = v.get(pos..pos + 2) else {
            p.malformed(
                Span::new(off + pos, v.len() - pos),
                "AS_PATH segment header cut short",
            );
            return;
        };
        let want = count as usize * asn_len;
        let avail = v.len() - pos - 2;
        let n = want.min(avail) / asn_len;
        p.add_tree(
            &f::AS_PATH_SEGMENT,
            Span::new(off + pos, 2 + n * asn_len),
            Value::None,
            |p| {
                p.add(
                    &f::AS_PATH_SEGMENT_TYPE,
                    Span::new(off + pos, 1),
                    Value::Uint(kind.into()),
                );
                p.add(
                    &f::AS_PATH_SEGMENT_LENGTH,
                    Span::new(off + pos + 1, 1),
                    Value::Uint(count.into()),
                );
                for i in 0..n {
                    let s = pos + 2 + i * asn_len;
                    let asn = if asn_len == 4 {
                        u32_at(v, s).unwrap_or(0)
                    } else {
                        u16_at(v, s).unwrap_or(0).into()
                    };
                    let def = if asn_len == 4 {
                        &f::AS_PATH_AS4
                    } else {
                        &f::AS_PATH_AS2
                    };
                    p.add(def, Span::new(off + s, asn_len), Value::Uint(asn.into()));
                    path.push(kind, asn, i == 0);
                }
            },
        );
        if want > avail {
            p.malformed(
                Span::new(off + pos, v.len() - pos),
                format!("AS_PATH segment says {count} ASNs ({want} bytes) but only {avail} bytes remain"),
            );
            return;
        }
        pos += 2 + want;
    }
    debug_assert!(path.asns().len() <= MAX_PATH_ASNS);
}

fn communities(p: &mut Packet, off: usize, v: &[u8], a: &mut PathAttrs) {
    p.add_tree(&f::COMMUNITIES, Span::new(off, v.len()), Value::None, |p| {
        for (i, c) in v.chunks_exact(4).enumerate() {
            let s = off + 4 * i;
            let x = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
            if a.communities.len() < MAX_COMMUNITIES {
                a.communities.push(x);
            }
            p.add_tree(&f::COMMUNITY, Span::new(s, 4), Value::None, |p| {
                if super::names::well_known_community(x.into()).is_some() {
                    p.add(
                        &f::COMMUNITY_WELLKNOWN,
                        Span::new(s, 4),
                        Value::Uint(x.into()),
                    );
                } else {
                    p.add(
                        &f::COMMUNITY_AS,
                        Span::new(s, 2),
                        Value::Uint((x >> 16).into()),
                    );
                    p.add(
                        &f::COMMUNITY_VALUE,
                        Span::new(s + 2, 2),
                        Value::Uint((x & 0xffff).into()),
                    );
                }
            });
        }
    });
    if !v.len().is_multiple_of(4) {
        attr_length_error(p, off, v, COMMUNITIES, "a multiple of 4");
    }
}

/// Extended communities (RFC 4360): the two-octet-AS, IPv4 and four-octet-AS
/// specific kinds are decoded, others shown by type and raw value.
fn extended_communities(p: &mut Packet, off: usize, v: &[u8]) {
    p.add_tree(
        &f::EXT_COMMUNITIES,
        Span::new(off, v.len()),
        Value::None,
        |p| {
            for (i, c) in v.chunks_exact(8).enumerate() {
                let s = off + 8 * i;
                p.add_tree(&f::EXT_COMMUNITY, Span::new(s, 8), Value::None, |p| {
                    let (kind, sub) = (c[0], c[1]);
                    let tspan = Span::new(s, 1);
                    p.add_tree(&f::EXT_COM_TYPE, tspan, Value::Uint(kind.into()), |p| {
                        p.add(&f::EXT_COM_TYPE_AUTH, tspan, Value::Bool(kind & 0x80 != 0));
                        p.add(&f::EXT_COM_TYPE_TRAN, tspan, Value::Bool(kind & 0x40 != 0));
                    });
                    let st = Span::new(s + 1, 1);
                    let sv = Value::Uint(sub.into());
                    let u16v = |k: usize| Value::Uint(u16::from_be_bytes([c[k], c[k + 1]]).into());
                    let u32v = |k: usize| {
                        Value::Uint(u32::from_be_bytes([c[k], c[k + 1], c[k + 2], c[k + 3]]).into())
                    };
                    match kind {
                        0x00 | 0x40 => {
                            p.add(
                                if kind == 0 {
                                    &f::EXT_COM_STYPE_TR_AS2
                                } else {
                                    &f::EXT_COM_STYPE_NTR_AS2
                                },
                                st,
                                sv,
                            );
                            p.add(&f::EXT_COM_VALUE_AS2, Span::new(s + 2, 2), u16v(2));
                            p.add(&f::EXT_COM_VALUE_AN4, Span::new(s + 4, 4), u32v(4));
                        }
                        0x01 | 0x41 => {
                            p.add(
                                if kind == 1 {
                                    &f::EXT_COM_STYPE_TR_IP4
                                } else {
                                    &f::EXT_COM_STYPE_NTR_IP4
                                },
                                st,
                                sv,
                            );
                            p.add(
                                &f::EXT_COM_VALUE_IP4,
                                Span::new(s + 2, 4),
                                Value::Ipv4([c[2], c[3], c[4], c[5]]),
                            );
                            p.add(&f::EXT_COM_VALUE_AN2, Span::new(s + 6, 2), u16v(6));
                        }
                        0x02 | 0x42 => {
                            p.add(
                                if kind == 2 {
                                    &f::EXT_COM_STYPE_TR_AS4
                                } else {
                                    &f::EXT_COM_STYPE_NTR_AS4
                                },
                                st,
                                sv,
                            );
                            p.add(&f::EXT_COM_VALUE_AS4, Span::new(s + 2, 4), u32v(2));
                            p.add(&f::EXT_COM_VALUE_AN2, Span::new(s + 6, 2), u16v(6));
                        }
                        0x80 => {
                            // Experimental (flow spec actions): the AS field is common to them.
                            p.add(&f::EXT_COM_STYPE_TR_EXP, st, sv);
                            p.add(&f::EXT_COM_VALUE_AS2, Span::new(s + 2, 2), u16v(2));
                        }
                        _ => {
                            let def = match kind {
                                0x03 => &f::EXT_COM_STYPE_TR_OPAQUE,
                                0x43 => &f::EXT_COM_STYPE_NTR_OPAQUE,
                                _ => &f::EXT_COM_STYPE_UNKNOWN,
                            };
                            p.add(def, st, sv);
                            let raw = c[2..].iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
                            p.add(&f::EXT_COM_VALUE_RAW, Span::new(s + 2, 6), Value::Uint(raw));
                        }
                    }
                });
            }
        },
    );
    if !v.len().is_multiple_of(8) {
        attr_length_error(p, off, v, EXTENDED_COMMUNITIES, "a multiple of 8");
    }
}

/// AIGP (RFC 7311): TLVs, type 1 carrying the accumulated IGP metric.
fn aigp(p: &mut Packet, off: usize, v: &[u8], a: &mut PathAttrs) {
    p.add_tree(&f::AIGP, Span::new(off, v.len()), Value::None, |p| {
        let mut pos = 0;
        while pos < v.len() {
            let (Some(&kind), Some(len)) = (v.get(pos), u16_at(v, pos + 1)) else {
                p.malformed(
                    Span::new(off + pos, v.len() - pos),
                    "AIGP TLV header cut short",
                );
                return;
            };
            p.add(
                &f::AIGP_TYPE,
                Span::new(off + pos, 1),
                Value::Uint(kind.into()),
            );
            p.add(
                &f::AIGP_LENGTH,
                Span::new(off + pos + 1, 2),
                Value::Uint(len.into()),
            );
            let len = len as usize;
            if len < 3 || pos + len > v.len() {
                p.malformed(
                    Span::new(off + pos, v.len() - pos),
                    format!("AIGP TLV length {len} is invalid"),
                );
                return;
            }
            if kind == 1 {
                if let Some(m) = v.get(pos + 3..pos + 11) {
                    let metric = m.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
                    a.aigp = Some(metric);
                    p.add(
                        &f::AIGP_METRIC,
                        Span::new(off + pos + 3, 8),
                        Value::Uint(metric),
                    );
                }
            }
            pos += len;
        }
    });
}

/// How the NLRI of (AFI, SAFI) is encoded, or `None` when it is not decoded.
fn encoding(afi: u16, safi: u8, neg: Negotiated) -> Option<Encoding> {
    let family = Family::from_afi(afi)?;
    let labeled = match safi {
        SAFI_UNICAST | SAFI_MULTICAST => false,
        SAFI_LABELED => true,
        _ => return None,
    };
    Some(Encoding {
        family,
        labeled,
        path_id: neg.add_path(afi, safi),
    })
}

fn mp_reach(p: &mut Packet, off: usize, v: &[u8], neg: Negotiated, info: &mut UpdateInfo) {
    let (Some(afi), Some(&safi), Some(&nh_len)) = (u16_at(v, 0), v.get(2), v.get(3)) else {
        p.malformed(
            Span::new(off, v.len()),
            "MP_REACH_NLRI cut short before its next hop",
        );
        return;
    };
    p.add(&f::MP_REACH_AFI, Span::new(off, 2), Value::Uint(afi.into()));
    p.add(
        &f::MP_REACH_SAFI,
        Span::new(off + 2, 1),
        Value::Uint(safi.into()),
    );
    let nh_end = 4 + nh_len as usize;
    let Some(nh) = v.get(4..nh_end) else {
        p.malformed(
            Span::new(off + 3, v.len() - 3),
            format!("MP_REACH_NLRI next hop length {nh_len} runs past the attribute"),
        );
        return;
    };
    // tshark's next hop item covers its length byte too.
    let nspan = Span::new(off + 3, 1 + nh.len());
    p.add_tree(&f::MP_REACH_NEXT_HOP, nspan, Value::SpanBytes, |p| {
        let at = off + 4;
        match nh.len() {
            4 => {
                let ip = [nh[0], nh[1], nh[2], nh[3]];
                info.attrs.next_hop = Some(NextHop::V4(ip));
                p.add(
                    &f::MP_REACH_NEXT_HOP_IPV4,
                    Span::new(at, 4),
                    Value::Ipv4(ip),
                );
            }
            16 | 32 => {
                let mut g = [0u8; 16];
                g.copy_from_slice(&nh[..16]);
                info.attrs.next_hop = Some(NextHop::V6(g));
                p.add(
                    &f::MP_REACH_NEXT_HOP_IPV6,
                    Span::new(at, 16),
                    Value::Ipv6(g),
                );
                if nh.len() == 32 {
                    let mut ll = [0u8; 16];
                    ll.copy_from_slice(&nh[16..]);
                    p.add(
                        &f::MP_REACH_NEXT_HOP_IPV6_LL,
                        Span::new(at + 16, 16),
                        Value::Ipv6(ll),
                    );
                }
            }
            _ => {}
        }
    });
    let Some(&snpa_count) = v.get(nh_end) else {
        p.malformed(
            Span::new(off + nh_end, 0),
            "MP_REACH_NLRI cut short before its SNPA count",
        );
        return;
    };
    p.add(
        &f::MP_REACH_NBR_SNPA,
        Span::new(off + nh_end, 1),
        Value::Uint(snpa_count.into()),
    );
    let mut pos = nh_end + 1;
    for _ in 0..snpa_count {
        // RFC 2858: each SNPA's length is in semi-octets.
        let Some(&semi) = v.get(pos) else {
            p.malformed(Span::new(off + pos, 0), "SNPA cut short");
            return;
        };
        let n = (semi as usize).div_ceil(2);
        p.add(
            &f::MP_REACH_SNPA_LENGTH,
            Span::new(off + pos, 1),
            Value::Uint(semi.into()),
        );
        let Some(_) = v.get(pos + 1..pos + 1 + n) else {
            p.malformed(
                Span::new(off + pos, v.len() - pos),
                "SNPA runs past the attribute",
            );
            return;
        };
        p.add(
            &f::MP_REACH_SNPA,
            Span::new(off + pos + 1, n),
            Value::SpanBytes,
        );
        pos += 1 + n;
    }
    let nlri_bytes = &v[pos..];
    let r = p.add_tree(
        &f::MP_REACH_NLRI,
        Span::new(off + pos, nlri_bytes.len()),
        Value::None,
        |p| match encoding(afi, safi, neg) {
            Some(enc) => nlri::read_all(p, off + pos, nlri_bytes, Section::MpReach, enc, |n| {
                push_prefix(&mut info.announced, n)
            }),
            None => Ok(()),
        },
    );
    if let Err((at, e)) = r {
        super::nlri_error(p, Span::new(off + pos + at, nlri_bytes.len() - at), e);
    }
}

fn mp_unreach(p: &mut Packet, off: usize, v: &[u8], neg: Negotiated, info: &mut UpdateInfo) {
    let (Some(afi), Some(&safi)) = (u16_at(v, 0), v.get(2)) else {
        p.malformed(
            Span::new(off, v.len()),
            "MP_UNREACH_NLRI cut short before its SAFI",
        );
        return;
    };
    p.add(
        &f::MP_UNREACH_AFI,
        Span::new(off, 2),
        Value::Uint(afi.into()),
    );
    p.add(
        &f::MP_UNREACH_SAFI,
        Span::new(off + 2, 1),
        Value::Uint(safi.into()),
    );
    let routes = &v[3..];
    if routes.is_empty() {
        info.end_of_rib = true;
    }
    let r = p.add_tree(
        &f::MP_UNREACH_NLRI,
        Span::new(off + 3, routes.len()),
        Value::None,
        |p| match encoding(afi, safi, neg) {
            Some(enc) => nlri::read_all(p, off + 3, routes, Section::MpUnreach, enc, |n| {
                push_prefix(&mut info.withdrawn, n)
            }),
            None => Ok(()),
        },
    );
    if let Err((at, e)) = r {
        super::nlri_error(p, Span::new(off + 3 + at, routes.len() - at), e);
    }
}
