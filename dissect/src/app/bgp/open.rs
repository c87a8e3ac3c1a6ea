//! The OPEN message (RFC 4271 section 4.2) with its optional parameters
//! (RFC 5492, extended length RFC 9072) and the capabilities wirelens decodes:
//! multiprotocol (RFC 4760), route refresh (RFC 2918, and Cisco's 128),
//! enhanced route refresh (RFC 7313), extended next hop (RFC 8950), extended
//! message (RFC 8654), graceful restart (RFC 4724), 4-octet AS (RFC 6793),
//! ADD-PATH (RFC 7911), FQDN (draft-walton-bgp-hostname), BGP role (RFC 9234)
//! and long-lived GR (RFC 9494); others are shown as bytes.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::model::{Group, Packet, Severity, Span, Value};

use super::fields as f;

/// The fixed part of an OPEN after the header.
const FIXED_LEN: usize = 10;
/// ADD-PATH entries remembered per OPEN (one per AFI/SAFI; real speakers list a few).
pub const MAX_ADD_PATH: usize = 8;

/// Capability codes.
pub const CAP_MULTIPROTOCOL: u8 = 1;
pub const CAP_ROUTE_REFRESH: u8 = 2;
pub const CAP_EXTENDED_NEXT_HOP: u8 = 5;
pub const CAP_EXTENDED_MESSAGE: u8 = 6;
pub const CAP_ROLE: u8 = 9;
pub const CAP_GRACEFUL_RESTART: u8 = 64;
pub const CAP_FOUR_OCTET_AS: u8 = 65;
pub const CAP_ADD_PATH: u8 = 69;
pub const CAP_ENHANCED_ROUTE_REFRESH: u8 = 70;
pub const CAP_LLGR: u8 = 71;
pub const CAP_FQDN: u8 = 73;
pub const CAP_ROUTE_REFRESH_CISCO: u8 = 128;

/// What an OPEN says that matters for the rest of the session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenInfo {
    pub version: u8,
    pub my_as: u16,
    pub hold_time: u16,
    pub identifier: [u8; 4],
    /// The AS number of the 4-octet AS capability, if advertised.
    pub four_octet_as: Option<u32>,
    /// ADD-PATH (AFI, SAFI, send/receive) entries.
    pub add_path: Vec<(u16, u8, u8)>,
    pub graceful_restart: bool,
    pub route_refresh: bool,
    pub enhanced_route_refresh: bool,
    pub extended_message: bool,
    /// BGP role (RFC 9234) value.
    pub role: Option<u8>,
}

impl OpenInfo {
    /// The speaker's AS: the 4-octet capability's when present.
    pub fn asn(&self) -> u32 {
        self.four_octet_as.unwrap_or(self.my_as.into())
    }

    /// Whether this speaker can send path identifiers for (AFI, SAFI).
    pub fn add_path_send(&self, afi: u16, safi: u8) -> bool {
        self.add_path
            .iter()
            .any(|&(a, s, sr)| a == afi && s == safi && sr & 2 != 0)
    }

    /// Whether this speaker accepts path identifiers for (AFI, SAFI).
    pub fn add_path_receive(&self, afi: u16, safi: u8) -> bool {
        self.add_path
            .iter()
            .any(|&(a, s, sr)| a == afi && s == safi && sr & 1 != 0)
    }
}

type E<'a> = nom::error::Error<&'a [u8]>;

/// Dissects an OPEN body (`body` at absolute `off`, after the header).
pub fn dissect(p: &mut Packet, off: usize, body: &[u8]) -> OpenInfo {
    let mut info = OpenInfo::default();
    let Ok((_, (version, my_as, hold_time, id, opt_len))) =
        (be_u8::<_, E>, be_u16, be_u16, take(4usize), be_u8).parse(body)
    else {
        fixed_fields_cut_short(p, off, body);
        return info;
    };
    info.version = version;
    info.my_as = my_as;
    info.hold_time = hold_time;
    info.identifier = [id[0], id[1], id[2], id[3]];
    p.add(
        &f::OPEN_VERSION,
        Span::new(off, 1),
        Value::Uint(version.into()),
    );
    p.add(
        &f::OPEN_MYAS,
        Span::new(off + 1, 2),
        Value::Uint(my_as.into()),
    );
    p.add(
        &f::OPEN_HOLDTIME,
        Span::new(off + 3, 2),
        Value::Uint(hold_time.into()),
    );
    p.add(
        &f::OPEN_IDENTIFIER,
        Span::new(off + 5, 4),
        Value::Ipv4(info.identifier),
    );
    p.add(
        &f::OPEN_OPT_LEN,
        Span::new(off + 9, 1),
        Value::Uint(opt_len.into()),
    );
    if hold_time == 1 || hold_time == 2 {
        p.expert(
            Severity::Warn,
            Group::Protocol,
            Span::new(off + 3, 2),
            format!(
                "Hold Time {hold_time} is invalid: it must be 0 or at least 3 seconds (RFC 4271)"
            ),
        );
    }
    if opt_len == 0 {
        return info;
    }
    let rest = &body[FIXED_LEN..];
    // RFC 9072: length 255 and a first parameter of type 255 mean 2-byte lengths.
    let extended = opt_len == 255 && rest.first() == Some(&255);
    let (params_off, params_len) = if extended {
        match rest.get(1..3) {
            Some(l) => (3, u16::from_be_bytes([l[0], l[1]]) as usize),
            None => (1, rest.len()),
        }
    } else {
        (0, opt_len as usize)
    };
    let avail = rest.len().saturating_sub(params_off);
    let params = &rest[params_off..params_off + params_len.min(avail)];
    let params_at = off + FIXED_LEN + params_off;
    p.add_tree(
        &f::OPEN_OPT,
        Span::new(params_at, params.len()),
        Value::None,
        |p| parameters(p, params_at, params, extended, &mut info),
    );
    if params_len > avail {
        p.malformed(
            Span::new(params_at, avail),
            format!("Optional Parameters Length {params_len} runs past the message"),
        );
    }
    info
}

fn fixed_fields_cut_short(p: &mut Packet, off: usize, body: &[u8]) {
    // Show what there is, in order, then say why the rest is missing.
    if let Some(v) = body.first() {
        p.add(
            &f::OPEN_VERSION,
            Span::new(off, 1),
            Value::Uint((*v).into()),
        );
    }
    if let Some(b) = body.get(1..3) {
        p.add(
            &f::OPEN_MYAS,
            Span::new(off + 1, 2),
            Value::Uint(u16::from_be_bytes([b[0], b[1]]).into()),
        );
    }
    if let Some(b) = body.get(3..5) {
        p.add(
            &f::OPEN_HOLDTIME,
            Span::new(off + 3, 2),
            Value::Uint(u16::from_be_bytes([b[0], b[1]]).into()),
        );
    }
    p.malformed(
        Span::new(off, body.len()),
        format!("OPEN message shorter than its {FIXED_LEN} fixed bytes"),
    );
}

/// The optional parameters, each a type, a length and a value.
fn parameters(p: &mut Packet, off: usize, buf: &[u8], extended: bool, info: &mut OpenInfo) {
    let hdr = if extended { 3 } else { 2 };
    let mut pos = 0;
    while pos < buf.len() {
        let Some(head) = buf.get(pos..pos + hdr) else {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                "Optional parameter header cut short",
            );
            return;
        };
        let kind = head[0];
        let len = if extended {
            u16::from_be_bytes([head[1], head[2]]) as usize
        } else {
            head[1] as usize
        };
        let start = pos + hdr;
        let end = (start + len).min(buf.len());
        let value = &buf[start..end];
        p.add_tree(
            &f::OPEN_OPT_PARAM,
            Span::new(off + pos, end - pos),
            Value::None,
            |p| {
                p.add(
                    &f::OPEN_OPT_PARAM_TYPE,
                    Span::new(off + pos, 1),
                    Value::Uint(kind.into()),
                );
                p.add(
                    &f::OPEN_OPT_PARAM_LEN,
                    Span::new(off + pos + 1, hdr - 1),
                    Value::Uint(len as u64),
                );
                if kind == 2 {
                    capabilities(p, off + start, value, info);
                } else if !value.is_empty() {
                    p.add(
                        &f::OPEN_OPT_PARAM_UNKNOWN,
                        Span::new(off + start, value.len()),
                        Value::SpanBytes,
                    );
                }
            },
        );
        if start + len > buf.len() {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                format!("Optional parameter length {len} runs past the parameters"),
            );
            return;
        }
        pos = end;
    }
}

/// A capabilities parameter: code, length, value, repeated (RFC 5492).
fn capabilities(p: &mut Packet, off: usize, buf: &[u8], info: &mut OpenInfo) {
    let mut pos = 0;
    while pos < buf.len() {
        let Some(&[code, len]) = buf.get(pos..pos + 2) else {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                "Capability header cut short",
            );
            return;
        };
        let start = pos + 2;
        let end = (start + len as usize).min(buf.len());
        let value = &buf[start..end];
        p.add_tree(&f::CAP, Span::new(off + pos, end - pos), Value::None, |p| {
            p.add(
                &f::CAP_TYPE,
                Span::new(off + pos, 1),
                Value::Uint(code.into()),
            );
            capability(p, off + pos + 1, code, len, value, info);
        });
        if end - start < len as usize {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                format!("Capability length {len} runs past the parameter"),
            );
            return;
        }
        pos = end;
    }
}

/// One capability's length and value (`len_at`: absolute offset of its length byte).
fn capability(p: &mut Packet, len_at: usize, code: u8, len: u8, value: &[u8], info: &mut OpenInfo) {
    let at = len_at + 1;
    let len_span = Span::new(len_at, 1);
    let len_value = Value::Uint(len.into());
    let bad_length = |p: &mut Packet| {
        p.expert(
            Severity::Error,
            Group::Malformed,
            Span::new(len_at, 1 + value.len()),
            format!("Capability {code}: length {len} is wrong for its value"),
        );
        p.add(
            &f::CAP_UNKNOWN,
            Span::new(at, value.len()),
            Value::SpanBytes,
        );
    };
    match code {
        CAP_GRACEFUL_RESTART => {
            if value.len() == 2 {
                // Only the timers: the speaker can help a peer restart but not restart itself.
                p.add_tree(&f::CAP_LENGTH, len_span, len_value, |p| {
                    p.expert_field(
                        &f::CAP_GR_HELPER_MODE_ONLY,
                        Severity::Chat,
                        Group::RequestCode,
                        len_span,
                        "Graceful Restart Capability supported in Helper mode only",
                    );
                });
            } else {
                p.add(&f::CAP_LENGTH, len_span, len_value);
            }
            info.graceful_restart = true;
            graceful_restart(p, at, value, bad_length);
            return;
        }
        _ => p.add(&f::CAP_LENGTH, len_span, len_value),
    }
    match code {
        CAP_MULTIPROTOCOL => match value {
            [a, b, _, safi] => {
                p.add(
                    &f::CAP_MP_AFI,
                    Span::new(at, 2),
                    Value::Uint(u16::from_be_bytes([*a, *b]).into()),
                );
                p.add(&f::CAP_RESERVED, Span::new(at + 2, 1), Value::SpanBytes);
                p.add(
                    &f::CAP_MP_SAFI,
                    Span::new(at + 3, 1),
                    Value::Uint((*safi).into()),
                );
            }
            _ => bad_length(p),
        },
        CAP_ROUTE_REFRESH
        | CAP_ROUTE_REFRESH_CISCO
        | CAP_ENHANCED_ROUTE_REFRESH
        | CAP_EXTENDED_MESSAGE => {
            match code {
                CAP_ENHANCED_ROUTE_REFRESH => info.enhanced_route_refresh = true,
                CAP_EXTENDED_MESSAGE => info.extended_message = true,
                _ => info.route_refresh = true,
            }
            if !value.is_empty() {
                bad_length(p);
            }
        }
        CAP_FOUR_OCTET_AS => match value {
            [a, b, c, d] => {
                let asn = u32::from_be_bytes([*a, *b, *c, *d]);
                info.four_octet_as = Some(asn);
                p.add(&f::CAP_4AS, Span::new(at, 4), Value::Uint(asn.into()));
            }
            _ => bad_length(p),
        },
        CAP_ADD_PATH if !value.is_empty() && value.len().is_multiple_of(4) => {
            for (i, e) in value.chunks_exact(4).enumerate() {
                let afi = u16::from_be_bytes([e[0], e[1]]);
                let s = at + 4 * i;
                p.add(&f::CAP_AP_AFI, Span::new(s, 2), Value::Uint(afi.into()));
                p.add(
                    &f::CAP_AP_SAFI,
                    Span::new(s + 2, 1),
                    Value::Uint(e[2].into()),
                );
                p.add(
                    &f::CAP_AP_SENDRECEIVE,
                    Span::new(s + 3, 1),
                    Value::Uint(e[3].into()),
                );
                if info.add_path.len() < MAX_ADD_PATH {
                    info.add_path.push((afi, e[2], e[3]));
                }
            }
        }
        CAP_EXTENDED_NEXT_HOP if !value.is_empty() && value.len().is_multiple_of(6) => {
            for (i, e) in value.chunks_exact(6).enumerate() {
                let s = at + 6 * i;
                let u = |k: usize| Value::Uint(u16::from_be_bytes([e[k], e[k + 1]]).into());
                p.add(&f::CAP_ENH_AFI, Span::new(s, 2), u(0));
                p.add(&f::CAP_ENH_SAFI, Span::new(s + 2, 2), u(2));
                p.add(&f::CAP_ENH_NHAFI, Span::new(s + 4, 2), u(4));
            }
        }
        CAP_FQDN => fqdn(p, at, value),
        _ => {
            if code == CAP_ROLE {
                info.role = value.first().copied();
            }
            if !value.is_empty() {
                p.add(
                    &f::CAP_UNKNOWN,
                    Span::new(at, value.len()),
                    Value::SpanBytes,
                );
            }
        }
    }
}

/// Graceful restart: restart flags and time, then (AFI, SAFI, flags) entries.
fn graceful_restart(p: &mut Packet, at: usize, value: &[u8], bad_length: impl Fn(&mut Packet)) {
    let Some(&[hi, lo]) = value.get(..2) else {
        bad_length(p);
        return;
    };
    let timers = u16::from_be_bytes([hi, lo]);
    let span = Span::new(at, 2);
    p.add_tree(&f::CAP_GR_TIMERS, span, Value::Uint(timers.into()), |p| {
        p.add(
            &f::CAP_GR_RESTART_FLAG,
            span,
            Value::Bool(timers & 0x8000 != 0),
        );
        p.add(
            &f::CAP_GR_NOTIFICATION_FLAG,
            span,
            Value::Bool(timers & 0x4000 != 0),
        );
        p.add(
            &f::CAP_GR_RESTART_TIME,
            span,
            Value::Uint((timers & 0x0fff).into()),
        );
    });
    let entries = &value[2..];
    for (i, e) in entries.chunks_exact(4).enumerate() {
        let s = at + 2 + 4 * i;
        p.add(
            &f::CAP_GR_AFI,
            Span::new(s, 2),
            Value::Uint(u16::from_be_bytes([e[0], e[1]]).into()),
        );
        p.add(
            &f::CAP_GR_SAFI,
            Span::new(s + 2, 1),
            Value::Uint(e[2].into()),
        );
        let fspan = Span::new(s + 3, 1);
        p.add_tree(&f::CAP_GR_FLAG, fspan, Value::Uint(e[3].into()), |p| {
            p.add(&f::CAP_GR_FLAG_PFS, fspan, Value::Bool(e[3] & 0x80 != 0));
        });
    }
    if !entries.len().is_multiple_of(4) {
        bad_length(p);
    }
}

/// FQDN capability: hostname and domain name, each length-prefixed.
fn fqdn(p: &mut Packet, at: usize, value: &[u8]) {
    let mut pos = 0;
    for (len_def, str_def) in [
        (&f::CAP_FQDN_HOSTNAME_LEN, &f::CAP_FQDN_HOSTNAME),
        (&f::CAP_FQDN_DOMAIN_LEN, &f::CAP_FQDN_DOMAIN),
    ] {
        let Ok((_, n)) = be_u8::<_, E>.parse(&value[pos.min(value.len())..]) else {
            return;
        };
        p.add(len_def, Span::new(at + pos, 1), Value::Uint(n.into()));
        let s = pos + 1;
        let Some(text) = value.get(s..s + n as usize) else {
            p.malformed(
                Span::new(at + pos, value.len() - pos),
                "FQDN name runs past the capability",
            );
            return;
        };
        p.add_with(str_def, Span::new(at + s, text.len()), || {
            Value::Str(String::from_utf8_lossy(text).into())
        });
        pos = s + n as usize;
    }
}
