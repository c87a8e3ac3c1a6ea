//! An application message carried in one UDP datagram, read the way
//! Wireshark reads a tvb: bytes the capture kept, and the length the
//! datagram had on the wire. Reading past the kept bytes stops the
//! dissection as "packet size limited during capture" when the datagram had
//! those bytes, and as a malformed packet when it did not. DHCP and NTP read
//! their messages through it.

use crate::dissector::Cx;
use crate::model::{Packet, Span};

/// Why dissection stopped early, as Wireshark's exceptions tell it; each
/// carries the absolute offset of the first byte that was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The bytes were sent but the capture cut them off.
    Short(usize),
    /// The message claims bytes beyond its own end.
    Malformed(usize),
}

/// A message's bytes as captured, with its length as sent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Msg<'a> {
    pub buf: &'a [u8],
    /// Length on the wire: at least `buf.len()`.
    pub reported: usize,
    /// Absolute offset of `buf[0]`.
    pub off: usize,
}

impl<'a> Msg<'a> {
    /// The UDP payload `buf` at absolute offset `off` of the frame `cx`
    /// dissects.
    pub fn of_udp_payload(cx: &Cx<'_>, off: usize, buf: &'a [u8]) -> Self {
        Msg {
            buf,
            reported: reported_len(cx, off, buf),
            off,
        }
    }

    /// A value inside the message, read as a message of its own: reading
    /// past its end is a malformation, never a short capture.
    pub fn part(&self, at: usize, len: usize) -> Result<Msg<'a>, Stop> {
        let buf = self.bytes(at, len)?;
        Ok(Msg {
            buf,
            reported: buf.len(),
            off: self.off + at,
        })
    }

    pub fn bytes(&self, at: usize, len: usize) -> Result<&'a [u8], Stop> {
        let end = at.saturating_add(len);
        match self.buf.get(at..end) {
            Some(b) => Ok(b),
            None if end <= self.reported => Err(Stop::Short(self.off + at.min(self.buf.len()))),
            None => Err(Stop::Malformed(self.off + at.min(self.buf.len()))),
        }
    }

    pub fn need(&self, at: usize, len: usize) -> Result<(), Stop> {
        self.bytes(at, len).map(|_| ())
    }

    pub fn u8(&self, at: usize) -> Result<u8, Stop> {
        Ok(self.bytes(at, 1)?[0])
    }

    pub fn u16(&self, at: usize) -> Result<u16, Stop> {
        let b = self.bytes(at, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&self, at: usize) -> Result<u32, Stop> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&self, at: usize) -> Result<u64, Stop> {
        let mut a = [0; 8];
        a.copy_from_slice(self.bytes(at, 8)?);
        Ok(u64::from_be_bytes(a))
    }

    pub fn ipv4(&self, at: usize) -> Result<[u8; 4], Stop> {
        let b = self.bytes(at, 4)?;
        Ok([b[0], b[1], b[2], b[3]])
    }

    pub fn ipv6(&self, at: usize) -> Result<[u8; 16], Stop> {
        let mut a = [0; 16];
        a.copy_from_slice(self.bytes(at, 16)?);
        Ok(a)
    }

    /// Whether these bytes were captured: Wireshark's `tvb_bytes_exist`,
    /// which a first pass uses so as not to throw.
    pub fn exists(&self, at: usize, len: usize) -> bool {
        at.checked_add(len).is_some_and(|end| end <= self.buf.len())
    }

    /// Bytes the datagram has from `at` on: Wireshark's
    /// `tvb_reported_length_remaining`, which says none where `at` is past
    /// the captured bytes (so a message cut short stops looking for more).
    pub fn remaining(&self, at: usize) -> usize {
        if at > self.buf.len() {
            return 0;
        }
        self.reported.saturating_sub(at)
    }

    /// The absolute span of `len` bytes at `at`, cut to what was captured.
    pub fn span(&self, at: usize, len: usize) -> Span {
        let at = at.min(self.buf.len());
        Span::new(self.off + at, len.min(self.buf.len() - at))
    }

    pub fn whole(&self) -> Span {
        Span::new(self.off, self.buf.len())
    }
}

/// The message's length as sent: `buf.len()`, unless the capture cut the
/// frame short; then what the UDP header in front of it said.
fn reported_len(cx: &Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let wire_len = cx.meta.orig_len as usize;
    if off + buf.len() < cx.data.len() || wire_len <= cx.data.len() {
        return buf.len();
    }
    let on_wire = buf.len() + (wire_len - cx.data.len());
    let udp_said = off
        .checked_sub(4)
        .and_then(|at| cx.data.get(at..at + 2))
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])).saturating_sub(8));
    udp_said.map_or(on_wire, |n| n.min(on_wire).max(buf.len()))
}

/// Where the bytes of protocol `name`'s message ran out, as Wireshark marks
/// it: Info gets its tag and the layer an error.
pub(crate) fn report_stop(p: &mut Packet, m: &Msg<'_>, stop: Stop, name: &str) {
    let end = m.off + m.buf.len();
    match stop {
        Stop::Short(at) => {
            p.append_info("[Packet size limited during capture]");
            p.malformed(
                Span::new(at, end.saturating_sub(at)),
                format!("Packet size limited during capture: {name} truncated"),
            );
        }
        Stop::Malformed(at) => {
            p.append_info("[Malformed Packet]");
            p.malformed(
                Span::new(at, end.saturating_sub(at)),
                format!(
                    "Malformed Packet: {name} needs bytes past the end of its {} bytes (at offset {})",
                    m.reported,
                    at - m.off
                ),
            );
        }
    }
}
