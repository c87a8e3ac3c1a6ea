//! A reading position over a borrowed TLS structure: each read is a nom parser
//! applied to the rest, and gives the absolute span of what it read, so the
//! tree code can add fields as it goes. `None` means the bytes ran out.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u24, be_u32, be_u8};
use nom::Parser;

use crate::model::Span;

type E<'a> = nom::error::Error<&'a [u8]>;

#[derive(Clone, Copy, Debug)]
pub struct Cursor<'a> {
    buf: &'a [u8],
    /// Absolute offset of `buf[0]` in the data source.
    base: usize,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8], base: usize) -> Self {
        Cursor { buf, base, pos: 0 }
    }

    /// Absolute offset of the next byte.
    pub fn at(&self) -> usize {
        self.base + self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    fn read<T>(
        &mut self,
        mut p: impl Parser<&'a [u8], Output = T, Error = E<'a>>,
    ) -> Option<(Span, T)> {
        let (rest, v) = p.parse(self.rest()).ok()?;
        let n = self.remaining() - rest.len();
        let span = Span::new(self.at(), n);
        self.pos += n;
        Some((span, v))
    }

    pub fn u8(&mut self) -> Option<(Span, u8)> {
        self.read(be_u8)
    }

    pub fn u16(&mut self) -> Option<(Span, u16)> {
        self.read(be_u16)
    }

    pub fn u24(&mut self) -> Option<(Span, u32)> {
        self.read(be_u24)
    }

    pub fn u32(&mut self) -> Option<(Span, u32)> {
        self.read(be_u32)
    }

    pub fn bytes(&mut self, n: usize) -> Option<(Span, &'a [u8])> {
        self.read(take(n))
    }

    /// A sub-cursor over the next `n` bytes (all that is left if fewer), consumed here.
    /// The flag says whether all `n` bytes were there.
    pub fn sub(&mut self, n: usize) -> (Cursor<'a>, bool) {
        let have = n.min(self.remaining());
        let c = Cursor {
            buf: &self.buf[self.pos..self.pos + have],
            base: self.at(),
            pos: 0,
        };
        self.pos += have;
        (c, have == n)
    }

    /// The span of everything left.
    pub fn rest_span(&self) -> Span {
        Span::new(self.at(), self.remaining())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_give_absolute_spans_and_stop_at_the_end() {
        let mut c = Cursor::new(&[1, 0, 2, 0, 0, 3], 100);
        assert_eq!(c.u8(), Some((Span::new(100, 1), 1)));
        assert_eq!(c.u16(), Some((Span::new(101, 2), 2)));
        let (mut s, full) = c.sub(5);
        assert!(!full);
        assert_eq!(s.u24(), Some((Span::new(103, 3), 3)));
        assert_eq!(s.u8(), None);
    }
}
