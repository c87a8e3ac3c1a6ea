//! Type checking: resolves field names against the registry and turns each
//! literal into a typed constant for the field it is compared with.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::parser::{Lit, Operand};
use super::FilterError;
use crate::model::{FieldDef, FieldKind};
use crate::registry;

/// Where a field's values come from at evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A protocol: present when in the chain; its value is its bytes.
    Proto(&'static str),
    /// Addresses and ports kept on the fast path (`Packet::facts`).
    Fact(Fact),
    FrameNumber,
    FrameLen,
    FrameCapLen,
    FrameTime,
    /// A field without a value that may be raised as a named expert item:
    /// present when an expert item or a tree node has this name. `fast` when
    /// it is only ever an expert item, so the tree is not needed.
    Marker {
        name: &'static str,
        fast: bool,
    },
    /// Any other field: needs the dissection tree.
    Tree(&'static str),
}

/// Fields answered from the network facts every dissection records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    EthSrc,
    EthDst,
    EthAddr,
    IpSrc,
    IpDst,
    IpAddr,
    Ip6Src,
    Ip6Dst,
    Ip6Addr,
    TcpSrc,
    TcpDst,
    TcpPort,
    UdpSrc,
    UdpDst,
    UdpPort,
}

/// What values of an operand look like, after any slice or `len()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Float,
    /// Bytes, strings and addresses: compared as byte strings; the kind says how literals parse.
    Bytes(FieldKind),
    Time,
    RelTime,
    /// A field with no value (FT_NONE): only its presence can be tested.
    Nothing,
}

/// A byte range `[start:len]`, `[start-end]`, `[i]`, `[start:]`; negative counts from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    pub start: i64,
    pub end: SliceEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceEnd {
    Len(u64),
    /// Inclusive end offset.
    Incl(i64),
    ToEnd,
}

impl Slice {
    /// The bytes of `v` this slice selects; none when it reaches past them.
    pub fn apply(self, v: &[u8]) -> Option<&[u8]> {
        let n = v.len() as i64;
        let start = if self.start < 0 {
            n + self.start
        } else {
            self.start
        };
        if start < 0 || start > n {
            return None;
        }
        let end = match self.end {
            SliceEnd::Len(l) => start.checked_add(l as i64)?,
            SliceEnd::Incl(e) => (if e < 0 { n + e } else { e }) + 1,
            SliceEnd::ToEnd => n,
        };
        if end < start || end > n {
            return None;
        }
        v.get(start as usize..end as usize)
    }
}

/// FT_NONE fields that dissectors raise only as named expert items
/// (`Packet::expert_field`): expert items are recorded on the fast path too,
/// so filters on these need no tree. Other FT_NONE fields are looked up in
/// the tree as well.
const EXPERT_ONLY: &[&str] = &[
    "tcp.analysis.reused_ports",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.window_update",
    "tcp.analysis.window_full",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window",
    "tcp.analysis.zero_window_probe_ack",
];

/// A resolved field reference.
#[derive(Clone, Debug)]
pub struct FieldRef {
    pub name: &'static str,
    pub source: Source,
    pub kind: FieldKind,
    pub def: Option<&'static FieldDef>,
    pub slice: Option<Slice>,
    pub len: bool,
    /// A bit mask applied to each value before comparing (`tcp.flags & 0x12 == 0x12`).
    pub mask: Option<Const>,
    pub pos: usize,
}

impl FieldRef {
    /// The type of the operand's values.
    pub fn ty(&self) -> Ty {
        if self.len {
            return Ty::Int;
        }
        if self.slice.is_some() {
            return Ty::Bytes(FieldKind::Bytes);
        }
        base_ty(self.kind, self.source)
    }
}

fn base_ty(kind: FieldKind, source: Source) -> Ty {
    match kind {
        FieldKind::None if matches!(source, Source::Proto(_)) => Ty::Bytes(FieldKind::Bytes),
        FieldKind::None => Ty::Nothing,
        FieldKind::Bool
        | FieldKind::U8
        | FieldKind::U16
        | FieldKind::U32
        | FieldKind::U64
        | FieldKind::I32
        | FieldKind::I64
        | FieldKind::FrameNum => Ty::Int,
        FieldKind::Float => Ty::Float,
        FieldKind::Ipv4
        | FieldKind::Ipv6
        | FieldKind::Mac
        | FieldKind::Bytes
        | FieldKind::String => Ty::Bytes(kind),
        FieldKind::AbsTime => Ty::Time,
        FieldKind::RelTime => Ty::RelTime,
    }
}

/// A typed constant, ready to compare.
#[derive(Clone, Debug)]
pub enum Const {
    Int(i128),
    Float(f64),
    Bytes(Vec<u8>),
    /// An address with a prefix length in bits.
    Cidr(Vec<u8>, u32),
    /// Nanoseconds: since the epoch for absolute times, a duration for relative ones.
    Nanos(i128),
}

/// Resolves a field or protocol name, with close names when it is unknown.
pub fn resolve(op: &Operand) -> Result<FieldRef, FilterError> {
    let name = op.name.as_str();
    let (source, kind, def) = if let Some(def) = registry::field(name) {
        let source = match name {
            "eth.src" => Source::Fact(Fact::EthSrc),
            "eth.dst" => Source::Fact(Fact::EthDst),
            "eth.addr" => Source::Fact(Fact::EthAddr),
            "ip.src" => Source::Fact(Fact::IpSrc),
            "ip.dst" => Source::Fact(Fact::IpDst),
            "ip.addr" => Source::Fact(Fact::IpAddr),
            "ipv6.src" => Source::Fact(Fact::Ip6Src),
            "ipv6.dst" => Source::Fact(Fact::Ip6Dst),
            "ipv6.addr" => Source::Fact(Fact::Ip6Addr),
            "tcp.srcport" => Source::Fact(Fact::TcpSrc),
            "tcp.dstport" => Source::Fact(Fact::TcpDst),
            "tcp.port" => Source::Fact(Fact::TcpPort),
            "udp.srcport" => Source::Fact(Fact::UdpSrc),
            "udp.dstport" => Source::Fact(Fact::UdpDst),
            "udp.port" => Source::Fact(Fact::UdpPort),
            "frame.number" => Source::FrameNumber,
            "frame.len" => Source::FrameLen,
            "frame.cap_len" => Source::FrameCapLen,
            "frame.time" | "frame.time_epoch" => Source::FrameTime,
            _ if def.kind == FieldKind::None => Source::Marker {
                name: def.name,
                fast: EXPERT_ONLY.contains(&def.name),
            },
            _ => Source::Tree(def.name),
        };
        // `frame.time` is text in the tree but a time in filters, as in Wireshark.
        let kind = if source == Source::FrameTime {
            FieldKind::AbsTime
        } else {
            def.kind
        };
        (source, kind, Some(def))
    } else if let Some(p) = registry::protocol(name) {
        (Source::Proto(p), FieldKind::None, None)
    } else {
        let close = registry::suggest(name, 3);
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        };
        return Err(FilterError::new(
            op.pos,
            format!("\"{name}\" is neither a field nor a protocol name{hint}"),
        ));
    };
    let static_name = match (def, source) {
        (Some(d), _) => d.name,
        (None, Source::Proto(p)) => p,
        _ => "",
    };
    let slice = match &op.slice {
        None => None,
        Some((text, pos)) => {
            if !matches!(base_ty(kind, source), Ty::Bytes(_)) {
                return Err(FilterError::new(
                    *pos,
                    format!("\"{name}\" is a {} and cannot be sliced", kind.ws_name()),
                ));
            }
            Some(parse_slice(text).ok_or_else(|| {
                FilterError::new(*pos, format!("\"[{text}]\" is not a valid slice"))
            })?)
        }
    };
    let mut r = FieldRef {
        name: static_name,
        source,
        kind,
        def,
        slice,
        len: op.len,
        mask: None,
        pos: op.pos,
    };
    if let Some((lit, pos)) = &op.mask {
        let m = match (r.ty(), lit) {
            (Ty::Int, Lit::Word(w)) => parse_int(w).map(Const::Int),
            (Ty::Bytes(FieldKind::Bytes), Lit::Word(w)) => parse_bytes(w).map(Const::Bytes),
            _ => None,
        };
        r.mask = Some(m.ok_or_else(|| {
            FilterError::new(
                *pos,
                format!("'&' needs an integer or byte mask for \"{name}\""),
            )
        })?);
    }
    if r.len && !matches!(r.ty(), Ty::Int) {
        return Err(FilterError::new(op.pos, "len() needs a field with bytes"));
    }
    if op.len && !matches!(base_ty(kind, source), Ty::Bytes(_)) && r.slice.is_none() {
        return Err(FilterError::new(
            op.pos,
            format!(
                "len() needs a field with bytes; \"{name}\" is a {}",
                kind.ws_name()
            ),
        ));
    }
    Ok(r)
}

fn parse_slice(s: &str) -> Option<Slice> {
    let int = |t: &str| t.trim().parse::<i64>().ok();
    if let Some((a, b)) = s.split_once(':') {
        let start = if a.trim().is_empty() { 0 } else { int(a)? };
        let end = if b.trim().is_empty() {
            SliceEnd::ToEnd
        } else {
            SliceEnd::Len(b.trim().parse().ok()?)
        };
        return Some(Slice { start, end });
    }
    // `a-b` with a possibly negative `a`: split at a dash that is not the first character.
    if let Some(i) = s.get(1..).and_then(|t| t.find('-')).map(|i| i + 1) {
        return Some(Slice {
            start: int(&s[..i])?,
            end: SliceEnd::Incl(int(&s[i + 1..])?),
        });
    }
    Some(Slice {
        start: int(s)?,
        end: SliceEnd::Len(1),
    })
}

/// Parses `lit` as a value of the operand's type.
pub fn value(field: &FieldRef, lit: &Lit, pos: usize) -> Result<Const, FilterError> {
    let bad = |why: &str| {
        let shown = match lit {
            Lit::Word(w) => w.clone(),
            Lit::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s)),
        };
        FilterError::new(
            pos,
            format!(
                "{shown} is not a valid value for \"{}\" ({}){why}",
                field.name,
                ty_name(field)
            ),
        )
    };
    let text = match lit {
        Lit::Word(w) => w.clone(),
        Lit::Str(s) => String::from_utf8_lossy(s).into_owned(),
    };
    match field.ty() {
        Ty::Nothing => Err(FilterError::new(
            field.pos,
            format!(
                "\"{}\" has no value (FT_NONE): it can only be tested for presence",
                field.name
            ),
        )),
        Ty::Int => {
            if let Some(v) = parse_int(&text) {
                return Ok(Const::Int(v));
            }
            match text.as_str() {
                "True" | "true" | "TRUE" if field.kind == FieldKind::Bool => {
                    return Ok(Const::Int(1))
                }
                "False" | "false" | "FALSE" if field.kind == FieldKind::Bool => {
                    return Ok(Const::Int(0))
                }
                _ => {}
            }
            if !field.len {
                if let Some(v) = named_value(field, &text) {
                    return Ok(Const::Int(v as i128));
                }
            }
            Err(bad(""))
        }
        Ty::Float => text.parse::<f64>().map(Const::Float).map_err(|_| bad("")),
        Ty::RelTime => text
            .parse::<f64>()
            .map(|s| Const::Nanos((s * 1e9).round() as i128))
            .map_err(|_| bad("")),
        Ty::Time => parse_time(&text).map(Const::Nanos).ok_or_else(|| {
            bad(": times are written \"2026-11-25 10:00:00\" (UTC) or as epoch seconds")
        }),
        Ty::Bytes(kind) => match (kind, lit) {
            (FieldKind::String, _) => Ok(Const::Bytes(match lit {
                Lit::Str(s) => s.clone(),
                Lit::Word(w) => w.as_bytes().to_vec(),
            })),
            (_, Lit::Str(s))
                if !matches!(kind, FieldKind::Ipv4 | FieldKind::Ipv6 | FieldKind::Mac) =>
            {
                Ok(Const::Bytes(s.clone()))
            }
            (FieldKind::Ipv4, _) => parse_cidr(&text, 32, |a| {
                a.parse::<Ipv4Addr>().ok().map(|a| a.octets().to_vec())
            })
            .ok_or_else(|| bad("")),
            (FieldKind::Ipv6, _) => parse_cidr(&text, 128, |a| {
                a.parse::<Ipv6Addr>().ok().map(|a| a.octets().to_vec())
            })
            .ok_or_else(|| bad("")),
            (FieldKind::Mac, _) => parse_bytes(&text)
                .filter(|b| b.len() == 6)
                .map(Const::Bytes)
                .ok_or_else(|| bad(": a MAC address has six bytes, e.g. 00:1b:21:3c:4d:5e")),
            _ => parse_bytes(&text)
                .map(Const::Bytes)
                .ok_or_else(|| bad(": bytes are written aa:bb:cc")),
        },
    }
}

fn ty_name(f: &FieldRef) -> &'static str {
    match f.ty() {
        Ty::Int if f.len => "an integer length",
        Ty::Bytes(_) if f.slice.is_some() => "FT_BYTES",
        _ => f.kind.ws_name(),
    }
}

/// Decimal, `0x` hex, leading-zero octal, optionally negative.
pub fn parse_int(s: &str) -> Option<i128> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let v = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i128::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<i128>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Reverse lookup of a value name (`dns.qry.type == AAAA`) for small integer fields.
fn named_value(field: &FieldRef, text: &str) -> Option<u64> {
    let names = field.def?.names?;
    let max: u64 = match field.kind {
        FieldKind::Bool | FieldKind::U8 => 0xff,
        FieldKind::U16 => 0xffff,
        _ => return None,
    };
    (0..=max)
        .find(|v| names(*v) == Some(text))
        .or_else(|| (0..=max).find(|v| names(*v).is_some_and(|n| n.eq_ignore_ascii_case(text))))
}

fn parse_cidr(s: &str, bits: u32, addr: impl Fn(&str) -> Option<Vec<u8>>) -> Option<Const> {
    match s.split_once('/') {
        Some((a, p)) => {
            let p: u32 = p.parse().ok()?;
            (p <= bits).then_some(())?;
            Some(Const::Cidr(addr(a)?, p))
        }
        None => Some(Const::Bytes(addr(s)?)),
    }
}

/// `aa:bb:cc`, `aa-bb-cc`, `aabb.ccdd`, a single byte `aa`, or `0x12` for byte slices.
pub fn parse_bytes(s: &str) -> Option<Vec<u8>> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        let padded = if h.len() % 2 == 1 {
            format!("0{h}")
        } else {
            h.to_string()
        };
        return hex_run(&padded);
    }
    let parts: Vec<&str> = if s.contains(':') {
        s.split(':').collect()
    } else if s.contains('-') {
        s.split('-').collect()
    } else if s.contains('.') {
        // Cisco style `0011.2233.4455`: groups of hex digits.
        let joined: String = s.split('.').collect();
        return hex_run(&joined);
    } else if s.len() <= 2 {
        vec![s]
    } else {
        return None;
    };
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

fn hex_run(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `2026-11-25 10:00:00[.frac]`, `Nov 25, 2026 10:00:00[.frac]` (UTC) or epoch seconds.
pub fn parse_time(s: &str) -> Option<i128> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if !s.contains(' ') {
            return Some(decimal_nanos(s).unwrap_or((secs * 1e9) as i128));
        }
    }
    let (date, time) = s.rsplit_once(' ')?;
    let (y, m, d) = if let Some((mon, rest)) = date.split_once(' ') {
        let m = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .position(|n| n.eq_ignore_ascii_case(mon))? as i64
            + 1;
        let (d, y) = rest.split_once(',')?;
        (y.trim().parse().ok()?, m, d.trim().parse().ok()?)
    } else {
        let mut it = date.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        (y, m, d)
    };
    let mut t = time.split(':');
    let hh: i64 = t.next()?.parse().ok()?;
    let mm: i64 = t.next()?.parse().ok()?;
    let sec_text = t.next().unwrap_or("0");
    let (whole, frac) = sec_text.split_once('.').unwrap_or((sec_text, ""));
    let ss: i64 = whole.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    Some(secs as i128 * 1_000_000_000 + frac_nanos(frac)?)
}

/// Exact nanoseconds of a decimal `123.456` (floats lose the last digits of epoch times).
fn decimal_nanos(s: &str) -> Option<i128> {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let v = whole.parse::<i128>().ok()? * 1_000_000_000 + frac_nanos(frac)?;
    Some(if neg { -v } else { v })
}

fn frac_nanos(frac: &str) -> Option<i128> {
    if frac.is_empty() {
        return Some(0);
    }
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(frac.parse::<i128>().ok()? * 10i128.pow(9 - frac.len() as u32))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("010"), Some(8));
        assert_eq!(parse_int("-5"), Some(-5));
        assert_eq!(parse_bytes("00:1b:21"), Some(vec![0, 0x1b, 0x21]));
        assert_eq!(parse_bytes("0011.2233.4455").map(|b| b.len()), Some(6));
        assert_eq!(parse_time("1970-01-02 00:00:01"), Some(86_401_000_000_000));
        assert_eq!(
            parse_time("Nov 25, 2026 10:00:00.5"),
            parse_time("2026-11-25 10:00:00.500")
        );
    }

    #[test]
    fn slices() {
        let v = [1u8, 2, 3, 4, 5, 6];
        let s = |t| parse_slice(t).unwrap().apply(&v).map(<[u8]>::to_vec);
        assert_eq!(s("0:3"), Some(vec![1, 2, 3]));
        assert_eq!(s("1-2"), Some(vec![2, 3]));
        assert_eq!(s("-1"), Some(vec![6]));
        assert_eq!(s("4:"), Some(vec![5, 6]));
        assert_eq!(s(":2"), Some(vec![1, 2]));
        assert_eq!(s("5:3"), None);
    }
}
