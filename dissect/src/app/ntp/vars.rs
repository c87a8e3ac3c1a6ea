//! The variable lists of control messages (`leap=0, stratum=2, ...`), parsed
//! and shown as Wireshark 4.0 does it: with its generic `tvbparse` grammar,
//! whose every element, down to a quote character, becomes a line of the
//! tree holding the element's text. This module follows that grammar and
//! its quirks so that the lines come out the same:
//!
//! ```text
//! want       = assignment | identifier
//! assignment = ident "=" [value] [comma]
//! identifier = ident [comma]
//! value      = quoted('"') | quoted('\'') | value-chars
//! comma      = anything up to a ',', which it consumes but does not cover
//! ```
//!
//! with spaces, tabs and line ends skipped between the parts of a sequence
//! and before each `want`.

use super::{Msg, Stop};
use crate::model::{Packet, Value};

const IDENT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz-_ABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789";
const VALUE_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz-_ABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789 ";
const BLANKS: &[u8] = b" \t\r\n";
const ESCAPE: u8 = b'\\';

/// One element of the parse: the bytes it covers and the elements it is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Elem {
    pub at: usize,
    pub len: usize,
    pub subs: Vec<Elem>,
    /// A quoted value's own element, trimmed of its quotes once its item matched.
    quoted: bool,
}

impl Elem {
    fn leaf(at: usize, len: usize) -> Elem {
        Elem {
            at,
            len,
            subs: Vec::new(),
            quoted: false,
        }
    }

    /// An alternative's or repetition's element around the one it matched.
    fn around(sub: Elem) -> Elem {
        Elem {
            at: sub.at,
            len: sub.len,
            subs: vec![sub],
            quoted: false,
        }
    }
}

/// What a parse found, and why it stopped early if the bytes ran out.
pub(super) struct Found {
    pub elems: Vec<Elem>,
    pub stop: Option<Stop>,
}

/// An element and how many bytes matching it consumed.
type Match = Option<(Elem, usize)>;

struct Parser<'m, 'a> {
    m: &'m Msg<'a>,
    end: usize,
    /// What the comma search has learnt: no comma in `scan_base..scanned_to`,
    /// and `next`, when known, is the first comma from `scan_base` on. Items
    /// look for their commas at increasing offsets, so each byte is read once.
    scan_base: usize,
    scanned_to: usize,
    next: Option<usize>,
}

/// Parses the variables in message bytes `start..end` (`end` may lie past
/// the captured bytes: reading there stops the parse as it stops Wireshark).
pub(super) fn parse(m: &Msg<'_>, start: usize, end: usize) -> Found {
    let mut parser = Parser {
        m,
        end,
        scan_base: start,
        scanned_to: start,
        next: None,
    };
    let mut elems = Vec::new();
    let mut at = start;
    let stop = loop {
        let step = parser.blanks(at).and_then(|n| {
            at += n;
            parser.want(at)
        });
        match step {
            Ok(Some((mut elem, n))) => {
                shrink_quoted(&mut elem);
                elems.push(elem);
                at += n;
            }
            Ok(None) => break None,
            Err(stop) => break Some(stop),
        }
    };
    Found { elems, stop }
}

/// Adds the elements as the tree's lines of text, each over what it is made of.
pub(super) fn add(p: &mut Packet, m: &Msg<'_>, elems: &[Elem]) {
    if !p.tree {
        return;
    }
    for e in elems {
        let text = m.buf.get(e.at..e.at + e.len).unwrap_or(&[]);
        let mut line = String::new();
        crate::model::field::push_line_text(&mut line, text);
        p.add(
            &super::CTRL_TEXT,
            m.span(e.at, e.len),
            Value::Text(line.into()),
        );
        if !e.subs.is_empty() {
            p.subtree(|p| add(p, m, &e.subs));
        }
    }
}

/// Wireshark trims the quotes off a quoted value's own element (not the
/// elements around or inside it, whose extents were taken before) once the
/// whole item has matched.
fn shrink_quoted(e: &mut Elem) {
    if e.quoted {
        e.at += 1;
        e.len = e.len.saturating_sub(2);
    }
    for sub in &mut e.subs {
        shrink_quoted(sub);
    }
}

impl Parser<'_, '_> {
    fn byte(&self, at: usize) -> Result<u8, Stop> {
        self.m.u8(at)
    }

    /// A run of at least one byte of `set`.
    fn chars(&self, at: usize, set: &[u8]) -> Result<Match, Stop> {
        if at + 1 > self.end {
            return Ok(None);
        }
        let mut len = 0;
        while at + len < self.end && set.contains(&self.byte(at + len)?) {
            len += 1;
        }
        Ok((len > 0).then(|| (Elem::leaf(at, len), len)))
    }

    /// One byte equal to `c`.
    fn char(&self, at: usize, c: u8) -> Result<Match, Stop> {
        if at + 1 > self.end || self.byte(at)? != c {
            return Ok(None);
        }
        Ok(Some((Elem::leaf(at, 1), 1)))
    }

    /// How many blanks start at `at`.
    fn blanks(&self, at: usize) -> Result<usize, Stop> {
        Ok(self.chars(at, BLANKS)?.map_or(0, |(_, n)| n))
    }

    fn want(&mut self, at: usize) -> Result<Match, Stop> {
        if let Some((e, n)) = self.assignment(at)? {
            return Ok(Some((Elem::around(e), n)));
        }
        Ok(self.identifier(at)?.map(|(e, n)| (Elem::around(e), n)))
    }

    fn assignment(&mut self, at: usize) -> Result<Match, Stop> {
        let mut seq = Seq::new(at);
        let Some(ident) = self.chars(at, IDENT_CHARS)? else {
            return Ok(None);
        };
        seq.push(self, ident)?;
        let Some(equals) = self.char(seq.pos, b'=')? else {
            return Ok(None);
        };
        seq.push(self, equals)?;
        let value = self.optional(seq.pos, Parser::value)?;
        seq.push(self, value)?;
        let comma = self.optional(seq.pos, Parser::until_comma)?;
        seq.push(self, comma)?;
        Ok(Some(seq.finish()))
    }

    fn identifier(&mut self, at: usize) -> Result<Match, Stop> {
        let mut seq = Seq::new(at);
        let Some(ident) = self.chars(at, IDENT_CHARS)? else {
            return Ok(None);
        };
        seq.push(self, ident)?;
        let comma = self.optional(seq.pos, Parser::until_comma)?;
        seq.push(self, comma)?;
        Ok(Some(seq.finish()))
    }

    /// Zero or one of `part`: an empty element where it does not match.
    fn optional(
        &mut self,
        at: usize,
        part: fn(&mut Self, usize) -> Result<Match, Stop>,
    ) -> Result<(Elem, usize), Stop> {
        Ok(match part(self, at)? {
            Some((sub, n)) => (
                Elem {
                    at,
                    len: sub.at - at + sub.len,
                    subs: vec![sub],
                    quoted: false,
                },
                n,
            ),
            None => (Elem::leaf(at, 0), 0),
        })
    }

    fn value(&mut self, at: usize) -> Result<Match, Stop> {
        for quote in [b'"', b'\''] {
            if let Some((e, n)) = self.quoted(at, quote)? {
                return Ok(Some((Elem::around(e), n)));
            }
        }
        Ok(self
            .chars(at, VALUE_CHARS)?
            .map(|(e, n)| (Elem::around(e), n)))
    }

    /// `"text"` (the text may be just an escaped quote) or `""`.
    fn quoted(&mut self, at: usize, quote: u8) -> Result<Match, Stop> {
        let found = match self.quoted_text(at, quote)? {
            Some(m) => Some(m),
            None => self.empty_quotes(at, quote)?,
        };
        Ok(found.map(|(e, n)| {
            let mut e = Elem::around(e);
            e.quoted = true;
            (e, n)
        }))
    }

    fn quoted_text(&mut self, at: usize, quote: u8) -> Result<Match, Stop> {
        let mut seq = Seq::new(at);
        let Some(open) = self.char(at, quote)? else {
            return Ok(None);
        };
        seq.push(self, open)?;
        let Some(text) = self.text(seq.pos, quote)? else {
            return Ok(None);
        };
        seq.push(self, text)?;
        let Some(close) = self.char(seq.pos, quote)? else {
            return Ok(None);
        };
        seq.push(self, close)?;
        Ok(Some(seq.finish()))
    }

    /// A sequence of one alternative: the escaped quote, or a run of bytes
    /// other than the quote (the escape character is not special there).
    fn text(&mut self, at: usize, quote: u8) -> Result<Match, Stop> {
        let mut seq = Seq::new(at);
        // The alternative's length check covers the whole choice: too near
        // the end for the two-byte escape, neither alternative is tried.
        if at + 2 > self.end {
            return Ok(None);
        }
        let alternative = if self.byte(at)? == ESCAPE && self.byte(at + 1)? == quote {
            Some((Elem::leaf(at, 2), 2))
        } else {
            self.not_chars(at, quote)?
        };
        let Some((e, n)) = alternative else {
            return Ok(None);
        };
        seq.push(self, (Elem::around(e), n))?;
        Ok(Some(seq.finish()))
    }

    /// A run of at least one byte other than `stop`.
    fn not_chars(&self, at: usize, stop: u8) -> Result<Match, Stop> {
        let mut len = 0;
        while at + len < self.end && self.byte(at + len)? != stop {
            len += 1;
        }
        Ok((len > 0).then(|| (Elem::leaf(at, len), len)))
    }

    fn empty_quotes(&mut self, at: usize, quote: u8) -> Result<Match, Stop> {
        let mut seq = Seq::new(at);
        let Some(open) = self.char(at, quote)? else {
            return Ok(None);
        };
        seq.push(self, open)?;
        let Some(close) = self.char(seq.pos, quote)? else {
            return Ok(None);
        };
        seq.push(self, close)?;
        Ok(Some(seq.finish()))
    }

    /// The bytes up to the next comma, which it consumes without covering.
    /// Wireshark looks for the comma no further than two bytes before the
    /// end, unless it starts there.
    fn until_comma(&mut self, at: usize) -> Result<Match, Stop> {
        if at + 1 > self.end {
            return Ok(None);
        }
        let last_tried = if self.end >= 2 && self.end - 2 > at {
            self.end - 2
        } else {
            at
        };
        match self.next_comma(at, last_tried + 1)? {
            Some(c) => Ok(Some((Elem::leaf(at, c - at), c - at + 1))),
            None => Ok(None),
        }
    }

    /// The first comma in `from..to`.
    fn next_comma(&mut self, from: usize, to: usize) -> Result<Option<usize>, Stop> {
        let gap = self.next.is_none() && from > self.scanned_to;
        if from < self.scan_base || gap || self.next.is_some_and(|c| c < from) {
            self.scan_base = from;
            self.scanned_to = from;
            self.next = None;
        }
        if let Some(c) = self.next {
            return Ok((c < to).then_some(c));
        }
        let mut at = self.scanned_to.max(from);
        while at < to {
            if self.byte(at)? == b',' {
                self.next = Some(at);
                self.scanned_to = at;
                return Ok(Some(at));
            }
            at += 1;
        }
        self.scanned_to = at;
        Ok(None)
    }
}

/// The element of a sequence, grown part by part; blanks after each part are skipped.
struct Seq {
    pos: usize,
    parts: Vec<Elem>,
}

impl Seq {
    fn new(at: usize) -> Seq {
        Seq {
            pos: at,
            parts: Vec::new(),
        }
    }

    fn push(&mut self, parser: &Parser<'_, '_>, (part, n): (Elem, usize)) -> Result<(), Stop> {
        self.parts.push(part);
        self.pos += n;
        self.pos += parser.blanks(self.pos)?;
        Ok(())
    }

    /// The sequence's element: from its first part to the end of its last
    /// non-empty one (an empty part does not stretch it over skipped blanks).
    fn finish(self) -> (Elem, usize) {
        let start = self.parts.first().map_or(self.pos, |e| e.at);
        let len = self
            .parts
            .iter()
            .rev()
            .find(|e| e.len > 0)
            .map_or(0, |e| e.at + e.len - start);
        let consumed = self.pos - start;
        (
            Elem {
                at: start,
                len,
                subs: self.parts,
                quoted: false,
            },
            consumed,
        )
    }
}
