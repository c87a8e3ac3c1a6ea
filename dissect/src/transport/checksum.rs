//! The Internet checksum (RFC 1071) and the pseudo-headers of TCP, UDP and ICMPv6.

use std::fmt::Write as _;

use crate::model::{Address, FieldDef, Group, Packet, Severity, Span};

/// The error item Wireshark hangs under a bad checksum (`def` is the
/// protocol's expert name, such as `tcp.checksum_bad.expert`), at the
/// current depth.
pub fn bad_checksum_expert(p: &mut Packet, def: &'static FieldDef, span: Span, correct: u16) {
    let msg = format!("Bad checksum [should be 0x{correct:04x}]");
    p.expert_field(def, Severity::Error, Group::Checksum, span, msg);
}

/// What a checksum's tree line says after its value, as Wireshark's
/// `proto_tree_add_checksum` words it: ` [correct]`, or the value the
/// checksum should have had.
pub fn write_verdict(out: &mut String, good: bool, expected: u16) {
    if good {
        out.push_str(" [correct]");
    } else {
        let _ = write!(out, " incorrect, should be 0x{expected:04x}");
    }
}

/// Adds `data` to a running one's-complement sum (folded to 16 bits, not
/// complemented).
///
/// Four bytes at a time into a 64-bit accumulator: 2^16 is 1 modulo
/// 0xffff, so a big-endian 32-bit word adds the same as its two 16-bit
/// halves, and the wide accumulator cannot overflow below 2^32 words. This is
/// a quarter of the work of the 16-bit loop on the summary pass's hottest path.
pub fn sum(acc: u32, data: &[u8]) -> u32 {
    let mut wide = u64::from(acc);
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        wide += u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    }
    let mut pairs = words.remainder().chunks_exact(2);
    for p in &mut pairs {
        wide += u64::from(u16::from_be_bytes([p[0], p[1]]));
    }
    if let [last] = pairs.remainder() {
        wide += u64::from(*last) << 8;
    }
    while wide > 0xffff {
        wide = (wide & 0xffff) + (wide >> 16);
    }
    wide as u32
}

/// Folds a running sum to 16 bits and complements it.
pub fn finish(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The checksum of `data` alone (IPv4 header, ICMP).
pub fn checksum(data: &[u8]) -> u16 {
    finish(sum(0, data))
}

/// The running sum of the pseudo-header for an upper-layer packet of `len` bytes.
/// Returns `None` when the addresses are not IP addresses.
pub fn pseudo_header(src: &Address, dst: &Address, proto: u8, len: u32) -> Option<u32> {
    let acc = match (src, dst) {
        (Address::Ipv4(s), Address::Ipv4(d)) => {
            let acc = sum(sum(0, s), d);
            acc + proto as u32 + (len & 0xffff) + (len >> 16)
        }
        (Address::Ipv6(s), Address::Ipv6(d)) => {
            let acc = sum(sum(0, s), d);
            acc + (len >> 16) + (len & 0xffff) + proto as u32
        }
        _ => return None,
    };
    Some(acc)
}

/// What verifying a checksum found, numbered as Wireshark's `*.checksum.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Bad = 0,
    Good = 1,
    /// Not checked: turned off, or the bytes needed were not captured.
    Unverified = 2,
    /// Bad, but the stored value equals the pseudo-header sum alone: the sender's
    /// NIC was to fill it in (transmit checksum offload), as on every loopback capture.
    /// Reported as status 2 in tshark-shaped output.
    Offloaded = 5,
}

impl Verdict {
    /// Wireshark's numeric status.
    pub fn status(self) -> u64 {
        match self {
            Verdict::Bad => 0,
            Verdict::Good => 1,
            Verdict::Unverified | Verdict::Offloaded => 2,
        }
    }
}

/// Verifies a transport checksum stored at `stored` over `segment` (whose checksum
/// field still holds the stored value), given the pseudo-header sum.
pub fn verify_transport(pseudo: u32, segment: &[u8], stored: u16) -> Verdict {
    if finish(sum(pseudo, segment)) == 0 {
        return Verdict::Good;
    }
    // Offload leaves the folded pseudo-header sum (not complemented) in the field.
    let partial = !finish(pseudo);
    if stored == partial || stored == !partial {
        Verdict::Offloaded
    } else {
        Verdict::Bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(!checksum(&data), 0xddf2);
    }

    #[test]
    fn ipv4_header_checksum_verifies() {
        // The IPv4 header of frame 1 of mixed/http_get.pcap (after its 14-byte
        // Ethernet header), checksum 0x6dd3.
        let frame = crate::testutil::CorpusFrame::new("mixed/http_get.pcap", 1).bytes();
        let hdr = &frame[14..34];
        assert_eq!(hdr[10..12], [0x6d, 0xd3]);
        assert_eq!(checksum(hdr), 0);
    }

    /// RFC 1071's 16-bit loop, the definition the wide one must agree with.
    fn sum16(mut acc: u64, data: &[u8]) -> u16 {
        for c in data.chunks(2) {
            acc += u64::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
        }
        while acc > 0xffff {
            acc = (acc & 0xffff) + (acc >> 16);
        }
        !(acc as u16)
    }

    proptest::proptest! {
        #[test]
        fn the_wide_sum_equals_the_16_bit_definition(
            acc in 0u32..0x2_0000,
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
        ) {
            proptest::prop_assert_eq!(finish(sum(acc, &data)), sum16(u64::from(acc), &data));
        }
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(checksum(&[0xff]), !0xff00);
    }
}
