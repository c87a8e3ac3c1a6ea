//! Bounds-checked big-endian reads at an offset, shared by the IPv6 and ICMPv6
//! dissectors. Every read returns `None` past the end of the buffer, so callers
//! can show what was decoded and flag the rest as truncated.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32};
use nom::Parser;

type Err<'a> = nom::error::Error<&'a [u8]>;

pub(crate) fn u8_at(buf: &[u8], at: usize) -> Option<u8> {
    buf.get(at).copied()
}

pub(crate) fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    be_u16::<_, Err>.parse(buf.get(at..)?).ok().map(|(_, v)| v)
}

pub(crate) fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    be_u32::<_, Err>.parse(buf.get(at..)?).ok().map(|(_, v)| v)
}

pub(crate) fn bytes_at(buf: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    take::<_, _, Err>(len)
        .parse(buf.get(at..)?)
        .ok()
        .map(|(_, b)| b)
}

pub(crate) fn array_at<const N: usize>(buf: &[u8], at: usize) -> Option<[u8; N]> {
    bytes_at(buf, at, N)?.try_into().ok()
}

pub(crate) fn addr_at(buf: &[u8], at: usize) -> Option<[u8; 16]> {
    array_at::<16>(buf, at)
}

/// Whether an IPv6 address is multicast (ff00::/8).
pub(crate) fn is_multicast(addr: &[u8; 16]) -> bool {
    addr[0] == 0xff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let b = [1, 2, 3, 4, 5];
        assert_eq!(u8_at(&b, 4), Some(5));
        assert_eq!(u8_at(&b, 5), None);
        assert_eq!(u16_at(&b, 3), Some(0x0405));
        assert_eq!(u16_at(&b, 4), None);
        assert_eq!(u32_at(&b, 1), Some(0x0203_0405));
        assert_eq!(u32_at(&b, 2), None);
        assert_eq!(bytes_at(&b, 5, 0), Some(&[][..]));
        assert_eq!(bytes_at(&b, 6, 0), None);
        assert_eq!(bytes_at(&b, 1, usize::MAX), None);
        assert_eq!(addr_at(&b, 0), None);
    }
}
