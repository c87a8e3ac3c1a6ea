//! UDP.

use crate::dissector::Cx;

/// Not yet dissected: shown as data.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    crate::app::data::dissect(cx, off, buf)
}
