//! Linux cooked captures (SLL and SLL2).

use crate::dissector::Cx;

/// Not yet dissected: shown as data.
pub fn dissect_v1(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    crate::app::data::dissect(cx, off, buf)
}

/// Not yet dissected: shown as data.
pub fn dissect_v2(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    crate::app::data::dissect(cx, off, buf)
}
