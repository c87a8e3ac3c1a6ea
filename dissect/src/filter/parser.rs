//! The filter's syntax tree, by recursive descent over the tokens.
//!
//! Precedence follows Wireshark 4: `not` binds tightest, then `and`, `xor`, `or`.

use super::lexer::{Op, Tok, Token};
use super::FilterError;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    Xor(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A field or protocol on its own: true when present.
    Exists(Operand),
    Compare {
        lhs: Operand,
        op: Op,
        rhs: Rhs,
    },
    /// `lhs in {…}`, or `lhs not in {…}` when `negated`.
    In {
        lhs: Operand,
        set: Vec<SetItem>,
        negated: bool,
    },
}

/// A field reference, maybe sliced or wrapped in `len()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    pub name: String,
    pub pos: usize,
    /// The text inside `[...]` and its position.
    pub slice: Option<(String, usize)>,
    pub len: bool,
    /// `field & mask` compared with a value (`tcp.flags & 0x12 == 0x12`).
    pub mask: Option<(Lit, usize)>,
}

/// A literal as written; its type comes from the field it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Word(String),
    Str(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Rhs {
    /// A literal; an unquoted word that names a field is read as that field.
    Lit(Lit, usize),
    Field(Operand),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    One(Lit, usize),
    Range((Lit, usize), (Lit, usize)),
}

pub fn parse(src: &str, tokens: &[Token]) -> Result<Expr, FilterError> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        end: src.len(),
    };
    if tokens.is_empty() {
        return Err(FilterError::new(0, "empty filter"));
    }
    let e = p.or()?;
    match p.peek() {
        None => Ok(e),
        Some(Token {
            tok: Tok::RParen,
            pos,
        }) => Err(FilterError::new(
            *pos,
            "unbalanced parentheses: ')' without '('",
        )),
        Some(t) => Err(FilterError::new(
            t.pos,
            format!("unexpected {}", describe(&t.tok)),
        )),
    }
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    /// Offset just past the filter, for "expected … at the end" errors.
    end: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(_) => "string".into(),
        Tok::Slice(s) => format!("'[{s}]'"),
        Tok::Op(op) => format!("'{}'", op.symbol()),
        Tok::And => "'&&'".into(),
        Tok::Or => "'||'".into(),
        Tok::Xor => "'^^'".into(),
        Tok::Not => "'!'".into(),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBrace => "'{'".into(),
        Tok::RBrace => "'}'".into(),
        Tok::Comma => "','".into(),
        Tok::DotDot => "'..'".into(),
        Tok::In => "'in'".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn next(&mut self) -> Option<&Token> {
        let t = self.toks.get(self.i);
        self.i += 1;
        t
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.xor()?;
        while self.peek_tok() == Some(&Tok::Or) {
            self.i += 1;
            e = Expr::Or(Box::new(e), Box::new(self.xor()?));
        }
        Ok(e)
    }

    fn xor(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.and()?;
        while self.peek_tok() == Some(&Tok::Xor) {
            self.i += 1;
            e = Expr::Xor(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.unary()?;
        while self.peek_tok() == Some(&Tok::And) {
            self.i += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        match self.peek() {
            Some(Token { tok: Tok::Not, .. }) => {
                self.i += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Token {
                tok: Tok::LParen,
                pos,
            }) => {
                let open = *pos;
                self.i += 1;
                let e = self.or()?;
                match self.next() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => Ok(e),
                    Some(t) => Err(FilterError::new(
                        t.pos,
                        format!(
                            "expected ')' (to close '(' at {open}), found {}",
                            describe(&t.tok)
                        ),
                    )),
                    None => Err(FilterError::new(
                        open,
                        "unbalanced parentheses: '(' is never closed",
                    )),
                }
            }
            _ => self.test(),
        }
    }

    /// A field on its own, or a comparison / set membership.
    fn test(&mut self) -> Result<Expr, FilterError> {
        let mut lhs = self.operand()?;
        // `x & mask == v` compares the masked value; a bare `x & mask` tests for any bit set.
        if self.peek_tok() == Some(&Tok::Op(Op::BitAnd))
            && matches!(
                self.toks.get(self.i + 2).map(|t| &t.tok),
                Some(Tok::Op(_) | Tok::In)
            )
        {
            self.i += 1;
            lhs.mask = Some(self.literal()?);
        }
        match self.peek_tok() {
            Some(Tok::Op(op)) => {
                let op = *op;
                self.i += 1;
                let rhs = self.rhs()?;
                Ok(Expr::Compare { lhs, op, rhs })
            }
            Some(Tok::In) => {
                self.i += 1;
                let set = self.set()?;
                Ok(Expr::In {
                    lhs,
                    set,
                    negated: false,
                })
            }
            Some(Tok::Not) if self.toks.get(self.i + 1).map(|t| &t.tok) == Some(&Tok::In) => {
                self.i += 2;
                let set = self.set()?;
                Ok(Expr::In {
                    lhs,
                    set,
                    negated: true,
                })
            }
            _ => Ok(Expr::Exists(lhs)),
        }
    }

    fn operand(&mut self) -> Result<Operand, FilterError> {
        let at = self.here();
        let Some(Token {
            tok: Tok::Word(w),
            pos,
        }) = self.next().cloned()
        else {
            let what = self
                .toks
                .get(self.i - 1)
                .map_or("the end of the filter".into(), |t| describe(&t.tok));
            return Err(FilterError::new(
                at,
                format!("expected a field name, found {what}"),
            ));
        };
        if w == "len" && self.peek_tok() == Some(&Tok::LParen) {
            self.i += 1;
            let mut inner = self.operand()?;
            match self.next() {
                Some(Token {
                    tok: Tok::RParen, ..
                }) => {}
                _ => {
                    return Err(FilterError::new(
                        pos + 3,
                        "unbalanced parentheses: 'len(' is never closed",
                    ))
                }
            }
            inner.len = true;
            return Ok(inner);
        }
        let slice = match self.peek() {
            Some(Token {
                tok: Tok::Slice(s),
                pos,
            }) => {
                let s = (s.clone(), *pos);
                self.i += 1;
                Some(s)
            }
            _ => None,
        };
        Ok(Operand {
            name: w,
            pos,
            slice,
            len: false,
            mask: None,
        })
    }

    fn literal(&mut self) -> Result<(Lit, usize), FilterError> {
        let at = self.here();
        match self.next() {
            Some(Token {
                tok: Tok::Word(w),
                pos,
            }) => Ok((Lit::Word(w.clone()), *pos)),
            Some(Token {
                tok: Tok::Str(s),
                pos,
            }) => Ok((Lit::Str(s.clone()), *pos)),
            Some(t) => Err(FilterError::new(
                t.pos,
                format!("expected a value, found {}", describe(&t.tok)),
            )),
            None => Err(FilterError::new(
                at,
                "expected a value at the end of the filter",
            )),
        }
    }

    fn rhs(&mut self) -> Result<Rhs, FilterError> {
        // `len(x)` or a sliced field on the right: parse as an operand.
        let is_operand = matches!(
            (self.peek_tok(), self.toks.get(self.i + 1).map(|t| &t.tok)),
            (Some(Tok::Word(w)), Some(Tok::LParen)) if w == "len"
        ) || matches!(
            (self.peek_tok(), self.toks.get(self.i + 1).map(|t| &t.tok)),
            (Some(Tok::Word(_)), Some(Tok::Slice(_)))
        );
        if is_operand {
            return Ok(Rhs::Field(self.operand()?));
        }
        let (lit, pos) = self.literal()?;
        Ok(Rhs::Lit(lit, pos))
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        let at = self.here();
        match self.next() {
            Some(Token {
                tok: Tok::LBrace, ..
            }) => {}
            _ => return Err(FilterError::new(at, "expected '{' after 'in'")),
        }
        let mut items = Vec::new();
        loop {
            if self.peek_tok() == Some(&Tok::RBrace) && !items.is_empty() {
                self.i += 1;
                return Ok(items);
            }
            if self.peek().is_none() {
                return Err(FilterError::new(
                    at,
                    "unbalanced braces: '{' is never closed",
                ));
            }
            let lo = self.literal()?;
            if self.peek_tok() == Some(&Tok::DotDot) {
                self.i += 1;
                let hi = self.literal()?;
                items.push(SetItem::Range(lo, hi));
            } else {
                items.push(SetItem::One(lo.0, lo.1));
            }
            // Wireshark 4 separates elements with commas; spaces alone are accepted too.
            if self.peek_tok() == Some(&Tok::Comma) {
                self.i += 1;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn p(s: &str) -> Result<Expr, FilterError> {
        parse(s, &tokenize(s)?)
    }

    #[test]
    fn precedence_not_and_or() {
        let e = p("a or b and not c").unwrap();
        let Expr::Or(_, r) = e else { panic!("{e:?}") };
        assert!(matches!(*r, Expr::And(_, _)));
    }

    #[test]
    fn unbalanced_parentheses_name_the_position() {
        assert_eq!(p("(tcp && udp").unwrap_err().pos, 0);
        assert_eq!(p("tcp && udp)").unwrap_err().pos, 10);
        assert_eq!(p("tcp &&").unwrap_err().pos, 6);
    }
}
