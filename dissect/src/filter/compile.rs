//! Compilation: the checked syntax tree becomes a program of typed tests
//! that evaluation runs without parsing or looking anything up.

use regex::bytes::Regex;

use super::check::{self, Const, FieldRef, Source, Ty};
use super::lexer::Op;
use super::parser::{Expr, Lit, Operand, Rhs, SetItem};
use super::FilterError;
use crate::registry;

/// One node of a compiled filter.
#[derive(Debug)]
pub enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Xor(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Exists(FieldRef),
    Cmp {
        field: FieldRef,
        op: Op,
        value: Const,
    },
    Matches {
        field: FieldRef,
        re: Regex,
    },
    /// A field compared with another field (`ip.src == ip.dst`).
    CmpFields {
        lhs: FieldRef,
        op: Op,
        rhs: FieldRef,
    },
    In {
        field: FieldRef,
        set: Vec<SetConst>,
        negated: bool,
    },
}

#[derive(Debug)]
pub enum SetConst {
    One(Const),
    /// Inclusive range.
    Range(Const, Const),
}

pub fn compile(e: &Expr) -> Result<Node, FilterError> {
    let bin = |a: &Expr, b: &Expr| -> Result<(Box<Node>, Box<Node>), FilterError> {
        Ok((Box::new(compile(a)?), Box::new(compile(b)?)))
    };
    Ok(match e {
        Expr::And(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::And(a, b)
        }
        Expr::Or(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::Or(a, b)
        }
        Expr::Xor(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::Xor(a, b)
        }
        Expr::Not(a) => Node::Not(Box::new(compile(a)?)),
        Expr::Exists(op) => Node::Exists(check::resolve(op)?),
        Expr::Compare { lhs, op, rhs } => compare(lhs, *op, rhs)?,
        Expr::In { lhs, set, negated } => {
            let field = valued(lhs)?;
            let mut out = Vec::with_capacity(set.len());
            for item in set {
                out.push(match item {
                    SetItem::One(lit, pos) => SetConst::One(check::value(&field, lit, *pos)?),
                    SetItem::Range((lo, lp), (hi, hp)) => {
                        if !matches!(field.ty(), Ty::Int | Ty::Float | Ty::Time | Ty::RelTime) {
                            return Err(FilterError::new(
                                *lp,
                                format!(
                                    "a range needs a number or time field; \"{}\" is a {}",
                                    field.name,
                                    field.kind.ws_name()
                                ),
                            ));
                        }
                        SetConst::Range(
                            check::value(&field, lo, *lp)?,
                            check::value(&field, hi, *hp)?,
                        )
                    }
                });
            }
            Node::In {
                field,
                set: out,
                negated: *negated,
            }
        }
    })
}

/// Resolves an operand that must have a value to compare.
fn valued(op: &Operand) -> Result<FieldRef, FilterError> {
    let f = check::resolve(op)?;
    if f.ty() == Ty::Nothing {
        return Err(FilterError::new(
            op.pos,
            format!(
                "\"{}\" has no value (FT_NONE): it can only be tested for presence",
                f.name
            ),
        ));
    }
    Ok(f)
}

fn compare(lhs: &Operand, op: Op, rhs: &Rhs) -> Result<Node, FilterError> {
    let field = valued(lhs)?;
    // An unquoted word naming a field is that field, as in Wireshark.
    let rhs_field = match rhs {
        Rhs::Field(o) => Some(o.clone()),
        Rhs::Lit(Lit::Word(w), pos) if registry::field(w).is_some() && op != Op::Matches => {
            Some(Operand {
                name: w.clone(),
                pos: *pos,
                slice: None,
                len: false,
                mask: None,
            })
        }
        Rhs::Lit(..) => None,
    };
    if let Some(o) = rhs_field {
        let other = valued(&o)?;
        if !compatible(field.ty(), other.ty()) {
            return Err(FilterError::new(
                o.pos,
                format!(
                    "\"{}\" ({}) cannot be compared with \"{}\" ({})",
                    field.name,
                    field.kind.ws_name(),
                    other.name,
                    other.kind.ws_name()
                ),
            ));
        }
        return Ok(Node::CmpFields {
            lhs: field,
            op,
            rhs: other,
        });
    }
    let Rhs::Lit(lit, pos) = rhs else {
        unreachable!("field operands handled above")
    };
    match op {
        Op::Matches => {
            if !matches!(field.ty(), Ty::Bytes(_)) {
                return Err(FilterError::new(
                    lhs.pos,
                    format!(
                        "\"{}\" is a {}: 'matches' needs a string, bytes or protocol",
                        field.name,
                        field.kind.ws_name()
                    ),
                ));
            }
            let pattern = match lit {
                Lit::Str(s) => String::from_utf8_lossy(s).into_owned(),
                Lit::Word(_) => {
                    return Err(FilterError::new(
                        *pos,
                        "'matches' needs a quoted regular expression",
                    ))
                }
            };
            let re = Regex::new(&pattern)
                .map_err(|e| FilterError::new(*pos, format!("invalid regular expression: {e}")))?;
            Ok(Node::Matches { field, re })
        }
        Op::Contains => {
            if !matches!(field.ty(), Ty::Bytes(_)) {
                return Err(FilterError::new(
                    lhs.pos,
                    format!(
                        "\"{}\" is a {}: 'contains' needs a string, bytes or protocol",
                        field.name,
                        field.kind.ws_name()
                    ),
                ));
            }
            // `contains` looks for a byte string, whatever the field's address type.
            let value = match lit {
                Lit::Str(s) => Const::Bytes(s.clone()),
                Lit::Word(w) => match check::parse_bytes(w) {
                    Some(b) => Const::Bytes(b),
                    None if field.kind == crate::model::FieldKind::String => {
                        Const::Bytes(w.as_bytes().to_vec())
                    }
                    None => {
                        return Err(FilterError::new(
                            *pos,
                            format!("\"{w}\" is not a byte string (aa:bb:cc) or a quoted string"),
                        ))
                    }
                },
            };
            Ok(Node::Cmp { field, op, value })
        }
        _ => Ok(Node::Cmp {
            value: check::value(&field, lit, *pos)?,
            field,
            op,
        }),
    }
}

fn compatible(a: Ty, b: Ty) -> bool {
    matches!(
        (a, b),
        (Ty::Int | Ty::Float, Ty::Int | Ty::Float)
            | (Ty::Bytes(_), Ty::Bytes(_))
            | (Ty::Time, Ty::Time)
            | (Ty::RelTime, Ty::RelTime)
    )
}

/// Calls `f` on every field reference of the program.
pub fn for_each_field(n: &Node, f: &mut impl FnMut(&FieldRef)) {
    match n {
        Node::And(a, b) | Node::Or(a, b) | Node::Xor(a, b) => {
            for_each_field(a, f);
            for_each_field(b, f);
        }
        Node::Not(a) => for_each_field(a, f),
        Node::Exists(r)
        | Node::Cmp { field: r, .. }
        | Node::Matches { field: r, .. }
        | Node::In { field: r, .. } => f(r),
        Node::CmpFields { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
    }
}

/// Whether the program reads only what a packet index can keep per packet:
/// addresses and ports (facts), frame number, lengths and time, protocol
/// presence, and named expert items. Protocol bytes (`tcp contains ...`,
/// slices of a protocol) and tree fields are not.
pub fn summary_only(n: &Node) -> bool {
    let plain = |r: &FieldRef| {
        matches!(
            r.source,
            Source::Fact(_)
                | Source::FrameNumber
                | Source::FrameLen
                | Source::FrameCapLen
                | Source::FrameTime
                | Source::Marker { fast: true, .. }
        )
    };
    match n {
        Node::And(a, b) | Node::Or(a, b) | Node::Xor(a, b) => summary_only(a) && summary_only(b),
        Node::Not(a) => summary_only(a),
        Node::Exists(r) => plain(r) || (matches!(r.source, Source::Proto(_)) && r.slice.is_none()),
        Node::Cmp { field, .. } | Node::Matches { field, .. } | Node::In { field, .. } => {
            plain(field)
        }
        Node::CmpFields { lhs, rhs, .. } => plain(lhs) && plain(rhs),
    }
}

/// Whether the program reads a field only the full tree has.
pub fn needs_tree(n: &Node) -> bool {
    let mut tree = false;
    for_each_field(n, &mut |r| {
        tree |= matches!(
            r.source,
            Source::Tree(_) | Source::Marker { fast: false, .. }
        )
    });
    tree
}
