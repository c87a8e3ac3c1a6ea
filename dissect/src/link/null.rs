//! BSD loopback (NULL, host byte order) and OpenBSD loopback (LOOP, network byte order).

use crate::dissector::Cx;

/// Byte order of the 4-byte address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Host,
    Network,
}

/// Not yet dissected: shown as data.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8], _order: Order) -> usize {
    crate::app::data::dissect(cx, off, buf)
}
