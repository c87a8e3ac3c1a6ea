//! NLRI prefixes (RFC 4271 section 4.3, RFC 4760, RFC 8277 labels, RFC 7911
//! path identifiers): the wire format and its fields, shared by the withdrawn
//! routes, the NLRI of an UPDATE and MP_REACH/MP_UNREACH.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::model::{Packet, Span, Value};

use super::fields as f;

/// Address families whose prefixes the dissector decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn from_afi(afi: u16) -> Option<Family> {
        match afi {
            1 => Some(Family::Ipv4),
            2 => Some(Family::Ipv6),
            _ => None,
        }
    }

    fn max_bits(self) -> u8 {
        match self {
            Family::Ipv4 => 32,
            Family::Ipv6 => 128,
        }
    }
}

/// An IP prefix: the address is zero past the prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    pub family: Family,
    pub addr: [u8; 16],
    pub len: u8,
}

impl Prefix {
    pub fn v4(a: [u8; 4], len: u8) -> Prefix {
        let mut addr = [0; 16];
        addr[..4].copy_from_slice(&a);
        Prefix {
            family: Family::Ipv4,
            addr,
            len,
        }
    }

    fn address_value(&self) -> Value {
        match self.family {
            Family::Ipv4 => Value::Ipv4([self.addr[0], self.addr[1], self.addr[2], self.addr[3]]),
            Family::Ipv6 => Value::Ipv6(self.addr),
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.family {
            Family::Ipv4 => {
                let a = Ipv4Addr::new(self.addr[0], self.addr[1], self.addr[2], self.addr[3]);
                write!(out, "{a}/{}", self.len)
            }
            Family::Ipv6 => write!(out, "{}/{}", Ipv6Addr::from(self.addr), self.len),
        }
    }
}

/// How the NLRI of a family/SAFI is encoded on this session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub family: Family,
    /// SAFI 4 (RFC 8277): a label stack before the prefix.
    pub labeled: bool,
    /// ADD-PATH negotiated for this direction: a 4-byte path identifier first.
    pub path_id: bool,
}

impl Encoding {
    pub const IPV4_UNICAST: Encoding = Encoding {
        family: Family::Ipv4,
        labeled: false,
        path_id: false,
    };
}

/// Labels at most in one NLRI: its length byte counts at most 255 bits.
const MAX_LABELS: usize = 10;

/// One NLRI entry as read from the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nlri {
    pub prefix: Prefix,
    pub path_id: Option<u32>,
    /// Label values with the bottom-of-stack bit of the last; empty if unlabeled.
    labels: [u32; MAX_LABELS],
    label_count: usize,
    /// The first label was the withdrawal marker (0x000000 or 0x800000, RFC 8277 2.4).
    withdrawn_label: bool,
    /// The bottom-of-stack bit never came: the stack ate the prefix.
    bogus_stack: bool,
    /// The length byte as sent: labels included.
    pub wire_bits: u8,
    /// Bytes the entry takes.
    pub wire_len: usize,
}

impl Nlri {
    /// Wireshark's label stack text: `100,101 (bottom)`, `0 (withdrawn)`.
    pub fn label_text(&self) -> String {
        if self.withdrawn_label {
            return "0 (withdrawn)".to_string();
        }
        let mut s = String::new();
        for (i, l) in self.labels[..self.label_count].iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&(l >> 4).to_string());
        }
        if self.bogus_stack {
            s.push_str(", (BOGUS: Bottom of Stack NOT set!)");
        } else {
            s.push_str(" (bottom)");
        }
        s
    }
}

/// Why an NLRI entry could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NlriError {
    /// The entry runs past the bytes given.
    Truncated,
    /// The prefix length is longer than the family's addresses.
    BadLength(u8),
}

impl fmt::Display for NlriError {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NlriError::Truncated => out.write_str("NLRI prefix runs past its field"),
            NlriError::BadLength(n) => write!(out, "NLRI prefix length {n} is invalid"),
        }
    }
}

/// Reads one NLRI entry at the start of `buf`.
pub fn read(buf: &[u8], enc: Encoding) -> Result<Nlri, NlriError> {
    let mut pos = 0;
    let path_id = if enc.path_id {
        let b = buf.get(..4).ok_or(NlriError::Truncated)?;
        pos = 4;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    } else {
        None
    };
    let wire_bits = *buf.get(pos).ok_or(NlriError::Truncated)?;
    pos += 1;
    let mut bits = wire_bits as usize;
    let mut labels = [0u32; MAX_LABELS];
    let mut label_count = 0;
    let mut withdrawn_label = false;
    let mut bogus_stack = false;
    if enc.labeled {
        loop {
            if bits < 24 {
                bogus_stack = true;
                break;
            }
            let b = buf.get(pos..pos + 3).ok_or(NlriError::Truncated)?;
            let entry = u32::from_be_bytes([0, b[0], b[1], b[2]]);
            pos += 3;
            bits -= 24;
            if label_count == 0 && (entry == 0 || entry == 0x80_0000) {
                withdrawn_label = true;
                labels[0] = entry;
                label_count = 1;
                break;
            }
            if label_count < MAX_LABELS {
                labels[label_count] = entry;
                label_count += 1;
            }
            if entry & 1 == 1 {
                break;
            }
        }
    }
    if bits > enc.family.max_bits() as usize {
        return Err(NlriError::BadLength(wire_bits));
    }
    let nbytes = bits.div_ceil(8);
    let raw = buf.get(pos..pos + nbytes).ok_or(NlriError::Truncated)?;
    let mut addr = [0u8; 16];
    addr[..nbytes].copy_from_slice(raw);
    // Bits past the prefix length are not part of the prefix (Wireshark masks them).
    if !bits.is_multiple_of(8) {
        if let Some(last) = addr.get_mut(nbytes - 1) {
            *last &= 0xffu8 << (8 - bits % 8);
        }
    }
    Ok(Nlri {
        prefix: Prefix {
            family: enc.family,
            addr,
            len: bits as u8,
        },
        path_id,
        labels,
        label_count,
        withdrawn_label,
        bogus_stack,
        wire_bits,
        wire_len: pos + nbytes,
    })
}

/// Where a prefix is listed: it picks the field its address goes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Withdrawn,
    Nlri,
    MpReach,
    MpUnreach,
}

fn address_field(section: Section, family: Family) -> &'static crate::model::FieldDef {
    match (section, family) {
        (Section::Withdrawn, _) => &f::WITHDRAWN_PREFIX,
        (Section::Nlri, _) => &f::NLRI_PREFIX,
        (Section::MpReach, Family::Ipv4) => &f::MP_REACH_IPV4_PREFIX,
        (Section::MpReach, Family::Ipv6) => &f::MP_REACH_IPV6_PREFIX,
        (Section::MpUnreach, Family::Ipv4) => &f::MP_UNREACH_IPV4_PREFIX,
        (Section::MpUnreach, Family::Ipv6) => &f::MP_UNREACH_IPV6_PREFIX,
    }
}

/// Adds one entry at absolute offset `off` as Wireshark shows it: a text item
/// (`10.0.0.0/24`, or `Label Stack=... IPv4=...` when labeled) over the
/// prefix length, the labels and the address.
pub fn add_entry(p: &mut Packet, off: usize, n: &Nlri, section: Section, enc: Encoding) {
    if !p.tree {
        return;
    }
    let text = if enc.labeled {
        let fam = match n.prefix.family {
            Family::Ipv4 => "IPv4",
            Family::Ipv6 => "IPv6",
        };
        format!("Label Stack={} {fam}={}", n.label_text(), n.prefix)
    } else {
        n.prefix.to_string()
    };
    let id_len = if n.path_id.is_some() { 4 } else { 0 };
    p.add_tree(
        &f::PREFIX_ITEM,
        Span::new(off, n.wire_len),
        Value::Text(text.into()),
        |p| {
            if let Some(id) = n.path_id {
                p.add(&f::NLRI_PATH_ID, Span::new(off, 4), Value::Uint(id.into()));
            }
            p.add(
                &f::PREFIX_LENGTH,
                Span::new(off + id_len, 1),
                Value::Uint(n.wire_bits.into()),
            );
            let label_bytes = n.label_count * 3;
            if enc.labeled {
                p.add(
                    &f::LABEL_STACK,
                    Span::new(off + id_len + 1, label_bytes),
                    Value::Str(n.label_text().into()),
                );
            }
            let at = off + id_len + 1 + label_bytes;
            p.add(
                address_field(section, n.prefix.family),
                Span::new(at, n.wire_len.saturating_sub(at - off)),
                n.prefix.address_value(),
            );
        },
    );
}

/// Reads every entry of `buf` (at absolute `off`), adding their fields, and
/// calls `each` with every prefix read. Returns the error that stopped it, with
/// the offset within `buf` of the entry that failed.
pub fn read_all(
    p: &mut Packet,
    off: usize,
    buf: &[u8],
    section: Section,
    enc: Encoding,
    mut each: impl FnMut(&Nlri),
) -> Result<(), (usize, NlriError)> {
    let mut pos = 0;
    while pos < buf.len() {
        let n = read(&buf[pos..], enc).map_err(|e| (pos, e))?;
        add_entry(p, off + pos, &n, section, enc);
        each(&n);
        pos += n.wire_len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv4_prefix_is_masked_to_its_length() {
        let n = read(&[20, 10, 1, 0xff], Encoding::IPV4_UNICAST).expect("decodes");
        assert_eq!(n.prefix.to_string(), "10.1.240.0/20");
        assert_eq!(n.wire_len, 4);
    }

    #[test]
    fn a_labeled_prefix_reads_the_stack_to_the_bottom() {
        // bgp/bgp_labeled_unicast_session.pcap frame 18: the NLRI ending its
        // MP_REACH_NLRI (the frame's last 17 bytes, 122..139): labels 100..103,
        // 30.1.1.1/32.
        let enc = Encoding {
            family: Family::Ipv4,
            labeled: true,
            path_id: false,
        };
        let frame =
            crate::testutil::CorpusFrame::new("bgp/bgp_labeled_unicast_session.pcap", 18).bytes();
        assert_eq!(frame.len(), 139);
        let wire = &frame[122..];
        let n = read(wire, enc).expect("decodes");
        assert_eq!(n.label_text(), "100,101,102,103 (bottom)");
        assert_eq!(n.prefix.to_string(), "30.1.1.1/32");
        assert_eq!(n.wire_len, wire.len());
    }

    #[test]
    fn bad_lengths_and_truncation_are_errors() {
        assert_eq!(
            read(&[33, 1, 2, 3, 4, 5], Encoding::IPV4_UNICAST),
            Err(NlriError::BadLength(33))
        );
        assert_eq!(
            read(&[24, 1, 2], Encoding::IPV4_UNICAST),
            Err(NlriError::Truncated)
        );
        assert_eq!(read(&[], Encoding::IPV4_UNICAST), Err(NlriError::Truncated));
    }
}
