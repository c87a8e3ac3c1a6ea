//! Tokens of the display-filter language, each with its byte offset.
//!
//! Wireshark's grammar has one awkward token class, the unquoted literal:
//! `00:1b:21`, `10.0.0.0/8`, `fe80::1`, `tcp.port` and `AAAA` are all "words"
//! whose meaning depends on the field they are compared with, so the lexer
//! keeps them as text and the checker decides.

use super::FilterError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A field name, number, address or named value, as written.
    Word(String),
    /// A double-quoted string, escapes resolved, as bytes (`\xff` may not be UTF-8).
    Str(Vec<u8>),
    /// The inside of `[...]`, for slices.
    Slice(String),
    Op(Op),
    And,
    Or,
    Xor,
    Not,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    DotDot,
    In,
}

/// Comparison operators, symbolic or spelled out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    /// `!=`: no value equals (Wireshark 4: `!(a == b)` over present values).
    Ne,
    /// `~=`: some value differs.
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches,
    /// `&`: some bit of the value and the mask is set.
    BitAnd,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::AnyNe => "~=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
            Op::Matches => "matches",
            Op::BitAnd => "&",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset of the token's first character in the filter string.
    pub pos: usize,
}

/// Characters an unquoted word may contain (field names, addresses, numbers, CIDR).
fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'/' | b'-')
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let pos = i;
        let two = b.get(i..i + 2).unwrap_or(&[]);
        let (tok, len) = match (c, two) {
            (_, b"==") => (
                Tok::Op(Op::Eq),
                if b.get(i + 2) == Some(&b'=') { 3 } else { 2 },
            ),
            (_, b"!=") => (Tok::Op(Op::Ne), 2),
            (_, b"~=") => (Tok::Op(Op::AnyNe), 2),
            (_, b"<=") => (Tok::Op(Op::Le), 2),
            (_, b">=") => (Tok::Op(Op::Ge), 2),
            (_, b"&&") => (Tok::And, 2),
            (_, b"||") => (Tok::Or, 2),
            (_, b"^^") => (Tok::Xor, 2),
            (_, b"..") => (Tok::DotDot, 2),
            (b'<', _) => (Tok::Op(Op::Lt), 1),
            (b'&', _) => (Tok::Op(Op::BitAnd), 1),
            (b'>', _) => (Tok::Op(Op::Gt), 1),
            (b'!', _) => (Tok::Not, 1),
            (b'~', _) => (Tok::Op(Op::Matches), 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'{', _) => (Tok::LBrace, 1),
            (b'}', _) => (Tok::RBrace, 1),
            (b',', _) => (Tok::Comma, 1),
            (b'"', _) => {
                let (s, len) = string(src, i)?;
                (Tok::Str(s), len)
            }
            (b'[', _) => {
                let Some(end) = src[i..].find(']') else {
                    return Err(FilterError::new(i, "unclosed '[': a slice ends with ']'"));
                };
                (Tok::Slice(src[i + 1..i + end].trim().to_string()), end + 1)
            }
            (c, _) if is_word_char(c) => {
                let mut j = i;
                while j < b.len() && is_word_char(b[j]) {
                    // `1..1024` is two words around a range operator.
                    if b[j] == b'.' && b.get(j + 1) == Some(&b'.') && j > i {
                        break;
                    }
                    j += 1;
                }
                (keyword(&src[i..j]), j - i)
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(FilterError::new(i, format!("unexpected character '{ch}'")));
            }
        };
        out.push(Token { tok, pos });
        i += len;
    }
    Ok(out)
}

fn keyword(w: &str) -> Tok {
    match w {
        "and" => Tok::And,
        "or" => Tok::Or,
        "xor" => Tok::Xor,
        "not" => Tok::Not,
        "in" => Tok::In,
        "eq" | "any_eq" => Tok::Op(Op::Eq),
        "ne" | "all_ne" => Tok::Op(Op::Ne),
        "any_ne" => Tok::Op(Op::AnyNe),
        "lt" => Tok::Op(Op::Lt),
        "le" => Tok::Op(Op::Le),
        "gt" => Tok::Op(Op::Gt),
        "ge" => Tok::Op(Op::Ge),
        "contains" => Tok::Op(Op::Contains),
        "matches" => Tok::Op(Op::Matches),
        "bitwise_and" => Tok::Op(Op::BitAnd),
        _ => Tok::Word(w.to_string()),
    }
}

/// A double-quoted string starting at `start`; returns its bytes and its length in the source.
fn string(src: &str, start: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Ok((out, i + 1 - start)),
            b'\\' => {
                let esc = *b
                    .get(i + 1)
                    .ok_or_else(|| FilterError::new(i, "a string ends in a lone backslash"))?;
                i += 2;
                match esc {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'0'..=b'7' => {
                        let mut v = u32::from(esc - b'0');
                        let mut n = 1;
                        while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                            v = v * 8 + u32::from(b[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        out.push(v as u8);
                    }
                    b'x' => {
                        let digits = src
                            .get(i..(i + 2).min(b.len()))
                            .unwrap_or("")
                            .chars()
                            .take_while(char::is_ascii_hexdigit)
                            .count();
                        if digits == 0 {
                            return Err(FilterError::new(i - 2, "\\x needs hex digits"));
                        }
                        let v = u8::from_str_radix(&src[i..i + digits], 16)
                            .map_err(|_| FilterError::new(i - 2, "bad \\x escape"))?;
                        out.push(v);
                        i += digits;
                    }
                    other => out.push(other),
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(FilterError::new(start, "unterminated string: missing '\"'"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn words_operators_and_ranges() {
        assert_eq!(
            toks("tcp.port in {1..1024}"),
            vec![
                Tok::Word("tcp.port".into()),
                Tok::In,
                Tok::LBrace,
                Tok::Word("1".into()),
                Tok::DotDot,
                Tok::Word("1024".into()),
                Tok::RBrace
            ]
        );
        assert_eq!(
            toks("eth.src[0:3]==00:1b:21"),
            vec![
                Tok::Word("eth.src".into()),
                Tok::Slice("0:3".into()),
                Tok::Op(Op::Eq),
                Tok::Word("00:1b:21".into())
            ]
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            toks(r#""a\"b\x41\101\n""#),
            vec![Tok::Str(b"a\"bAA\n".to_vec())]
        );
        assert_eq!(tokenize("\"abc").unwrap_err().pos, 0);
    }
}
