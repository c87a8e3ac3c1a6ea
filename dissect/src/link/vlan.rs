//! IEEE 802.1Q / 802.1ad VLAN tags.

use crate::dissector::Cx;

/// Not yet dissected: shown as data.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8], _tpid: u16) -> usize {
    crate::app::data::dissect(cx, off, buf)
}
