//! Evaluation of a compiled filter against one dissected packet.
//!
//! Repeated fields follow Wireshark 4: a comparison is true when any value
//! satisfies it, `!=` when the field is present and no value equals, `~=`
//! when some value differs. `&&` and `||` stop as soon as the result is known.

use std::cmp::Ordering;

use super::check::{Const, Fact, FieldRef, Source};
use super::compile::{Node, SetConst};
use super::lexer::Op;
use crate::model::{NetFact, Packet, Value};
use crate::FrameMeta;

/// What evaluation reads: the packet, its bytes and the capture's facts about it.
pub struct EvalCx<'a> {
    pub pkt: &'a Packet,
    pub data: &'a [u8],
    pub meta: &'a FrameMeta<'a>,
}

/// One value of a field, borrowed from the packet.
#[derive(Clone, Copy, Debug)]
enum V<'a> {
    Int(i128),
    Float(f64),
    Bytes(&'a [u8]),
    Nanos(i128),
    /// A node without a value (FT_NONE), for presence.
    Unit,
}

pub fn eval(n: &Node, cx: &EvalCx<'_>) -> bool {
    match n {
        Node::And(a, b) => eval(a, cx) && eval(b, cx),
        Node::Or(a, b) => eval(a, cx) || eval(b, cx),
        Node::Xor(a, b) => eval(a, cx) != eval(b, cx),
        Node::Not(a) => !eval(a, cx),
        Node::Exists(f) => exists(f, cx),
        Node::Cmp { field, op, value } => {
            let c = const_v(value);
            match op {
                Op::Ne => any(field, cx, &mut |v| cmp(Op::Eq, v, c, value)) == Some(false),
                Op::AnyNe => any(field, cx, &mut |v| !cmp(Op::Eq, v, c, value)) == Some(true),
                _ => any(field, cx, &mut |v| cmp(*op, v, c, value)) == Some(true),
            }
        }
        Node::Matches { field, re } => {
            any(field, cx, &mut |v| match v {
                V::Bytes(b) => re.is_match(b),
                _ => false,
            }) == Some(true)
        }
        Node::CmpFields { lhs, op, rhs } => {
            let (base, negate_all) = match op {
                Op::Ne => (Op::Eq, true),
                Op::AnyNe => (Op::Eq, false),
                o => (*o, false),
            };
            let r = any(lhs, cx, &mut |a| {
                let hit = any(rhs, cx, &mut |b| {
                    let eq = cmp_vv(base, a, b);
                    if *op == Op::AnyNe {
                        !eq
                    } else {
                        eq
                    }
                });
                hit == Some(true)
            });
            if negate_all {
                r == Some(false)
            } else {
                r == Some(true)
            }
        }
        Node::In {
            field,
            set,
            negated,
        } => {
            let hit = any(field, cx, &mut |v| {
                set.iter().any(|item| match item {
                    SetConst::One(c) => cmp(Op::Eq, v, const_v(c), c),
                    SetConst::Range(lo, hi) => {
                        cmp(Op::Ge, v, const_v(lo), lo) && cmp(Op::Le, v, const_v(hi), hi)
                    }
                })
            }) == Some(true);
            hit != *negated
        }
    }
}

fn exists(f: &FieldRef, cx: &EvalCx<'_>) -> bool {
    match f.source {
        Source::Proto(p) if f.slice.is_none() => cx.pkt.protocols.contains(&p),
        _ => any(f, cx, &mut |_| true).is_some(),
    }
}

/// Runs `pred` on each value of `f` until it holds: `None` when the field has no value,
/// else whether some value satisfied it.
fn any(f: &FieldRef, cx: &EvalCx<'_>, pred: &mut dyn FnMut(V<'_>) -> bool) -> Option<bool> {
    let mut seen = false;
    let mut each = |v: V<'_>| -> bool {
        let v = match (f.slice, v) {
            (None, v) => v,
            (Some(s), V::Bytes(b)) => match s.apply(b) {
                Some(b) => V::Bytes(b),
                None => return false,
            },
            (Some(_), _) => return false,
        };
        let v = match (f.len, v) {
            (false, v) => v,
            (true, V::Bytes(b)) => V::Int(b.len() as i128),
            (true, _) => return false,
        };
        seen = true;
        match (&f.mask, v) {
            (None, v) => pred(v),
            (Some(Const::Int(m)), V::Int(x)) => pred(V::Int(x & m)),
            (Some(Const::Bytes(m)), V::Bytes(b)) => {
                let mut buf = [0u8; 64];
                let n = b.len().min(buf.len());
                for (i, out) in buf[..n].iter_mut().enumerate() {
                    *out = b[i] & m.get(i).copied().unwrap_or(0);
                }
                pred(V::Bytes(&buf[..n]))
            }
            _ => false,
        }
    };
    let hit = match f.source {
        Source::FrameNumber => each(V::Int(cx.meta.number as i128)),
        Source::FrameLen => each(V::Int(cx.meta.orig_len as i128)),
        Source::FrameCapLen => each(V::Int(cx.data.len() as i128)),
        Source::FrameTime => each(V::Nanos(cx.meta.ts.as_nanos())),
        Source::Fact(fact) => facts(fact, cx.pkt, &mut each),
        Source::Marker { name, .. } => {
            let named = |e: &&crate::model::Expert| e.name.is_some_and(|d| d.name == name);
            if cx.pkt.experts.iter().any(|e| named(&e)) {
                each(V::Unit)
            } else {
                cx.pkt
                    .fields
                    .iter()
                    .filter(|n| n.def.name == name)
                    .any(|_| each(V::Unit))
            }
        }
        Source::Proto(p) => (0..cx.pkt.layers.len())
            .filter(|&i| cx.pkt.layers[i].proto.name == p)
            .any(|i| each(V::Bytes(proto_bytes(cx, i)))),
        Source::Tree(name) => cx
            .pkt
            .fields
            .iter()
            .filter(|n| n.def.name == name)
            .any(|n| {
                let v = match &n.value {
                    Value::None => V::Unit,
                    Value::Bool(b) => V::Int(*b as i128),
                    Value::Uint(u) => V::Int(*u as i128),
                    Value::Int(i) => V::Int(*i as i128),
                    Value::Float(x) => V::Float(*x),
                    Value::Ipv4(a) => V::Bytes(a),
                    Value::Ipv6(a) => V::Bytes(a),
                    Value::Mac(a) => V::Bytes(a),
                    Value::SpanBytes => V::Bytes(n.span.slice(cx.pkt.node_data(n, cx.data))),
                    Value::Bytes(b) => V::Bytes(b),
                    Value::Str(s) => V::Bytes(s.as_bytes()),
                    Value::Static(s) => V::Bytes(s.as_bytes()),
                    Value::Text(s) => V::Bytes(s.as_bytes()),
                    Value::Time(t) => V::Nanos(t.as_nanos()),
                    Value::RelTime(d) => V::Nanos(d.0),
                };
                each(v)
            }),
    };
    seen.then_some(hit)
}

fn facts(fact: Fact, pkt: &Packet, each: &mut dyn FnMut(V<'_>) -> bool) -> bool {
    let port = |p: u16| V::Int(p as i128);
    pkt.facts.iter().any(|f| match (fact, f) {
        (Fact::EthSrc, NetFact::Eth { src, .. }) => each(V::Bytes(src)),
        (Fact::EthDst, NetFact::Eth { dst, .. }) => each(V::Bytes(dst)),
        (Fact::EthAddr, NetFact::Eth { src, dst }) => each(V::Bytes(src)) || each(V::Bytes(dst)),
        (Fact::IpSrc, NetFact::Ipv4 { src, .. }) => each(V::Bytes(src)),
        (Fact::IpDst, NetFact::Ipv4 { dst, .. }) => each(V::Bytes(dst)),
        (Fact::IpAddr, NetFact::Ipv4 { src, dst }) => each(V::Bytes(src)) || each(V::Bytes(dst)),
        (Fact::Ip6Src, NetFact::Ipv6 { src, .. }) => each(V::Bytes(src)),
        (Fact::Ip6Dst, NetFact::Ipv6 { dst, .. }) => each(V::Bytes(dst)),
        (Fact::Ip6Addr, NetFact::Ipv6 { src, dst }) => each(V::Bytes(src)) || each(V::Bytes(dst)),
        (Fact::TcpSrc, NetFact::Tcp { src, .. }) => each(port(*src)),
        (Fact::TcpDst, NetFact::Tcp { dst, .. }) => each(port(*dst)),
        (Fact::TcpPort, NetFact::Tcp { src, dst }) => each(port(*src)) || each(port(*dst)),
        (Fact::UdpSrc, NetFact::Udp { src, .. }) => each(port(*src)),
        (Fact::UdpDst, NetFact::Udp { dst, .. }) => each(port(*dst)),
        (Fact::UdpPort, NetFact::Udp { src, dst }) => each(port(*src)) || each(port(*dst)),
        _ => false,
    })
}

/// A protocol's bytes as Wireshark's filters see them: from its first byte to the
/// end of the buffer it was handed (the enclosing layer's payload), trailers excluded.
fn proto_bytes<'a>(cx: &EvalCx<'a>, layer: usize) -> &'a [u8] {
    let layers = &cx.pkt.layers;
    let l = &layers[layer];
    let data = cx.pkt.source_data(l.source, cx.data);
    let start = l.span.start as usize;
    let mut end = data.len();
    for outer in layers[..layer].iter().rev() {
        if outer.source == l.source
            && outer.span.end() > start
            && outer.span.start as usize <= start
        {
            end = end.min(outer.span.end());
        }
    }
    let end = end.max(l.span.end()).min(data.len());
    data.get(start..end).unwrap_or(&[])
}

fn const_v(c: &Const) -> V<'_> {
    match c {
        Const::Int(i) => V::Int(*i),
        Const::Float(f) => V::Float(*f),
        Const::Bytes(b) => V::Bytes(b),
        Const::Cidr(b, _) => V::Bytes(b),
        Const::Nanos(n) => V::Nanos(*n),
    }
}

fn cmp(op: Op, v: V<'_>, c: V<'_>, konst: &Const) -> bool {
    if let (Const::Cidr(net, bits), V::Bytes(a), Op::Eq) = (konst, v, op) {
        return in_prefix(a, net, *bits);
    }
    cmp_vv(op, v, c)
}

fn cmp_vv(op: Op, a: V<'_>, b: V<'_>) -> bool {
    if op == Op::BitAnd {
        return match (a, b) {
            (V::Int(x), V::Int(y)) => x & y != 0,
            (V::Bytes(x), V::Bytes(m)) => x.iter().zip(m).any(|(x, m)| x & m != 0),
            _ => false,
        };
    }
    if op == Op::Contains {
        return match (a, b) {
            (V::Bytes(h), V::Bytes(n)) => n.is_empty() || h.windows(n.len()).any(|w| w == n),
            _ => false,
        };
    }
    let ord = match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(&y)),
        (V::Int(x), V::Float(y)) => (x as f64).partial_cmp(&y),
        (V::Float(x), V::Int(y)) => x.partial_cmp(&(y as f64)),
        (V::Float(x), V::Float(y)) => x.partial_cmp(&y),
        (V::Bytes(x), V::Bytes(y)) => Some(x.cmp(y)),
        (V::Nanos(x), V::Nanos(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    let Some(ord) = ord else { return false };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne | Op::AnyNe => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Contains | Op::Matches | Op::BitAnd => false,
    }
}

fn in_prefix(addr: &[u8], net: &[u8], bits: u32) -> bool {
    if addr.len() != net.len() {
        return false;
    }
    let full = (bits / 8) as usize;
    if addr[..full] != net[..full] {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (addr[full] & mask) == (net[full] & mask)
}
