//! How an SSH byte stream is cut into PDUs (RFC 4253 sections 4.2 and 6): the
//! version line up to its LF, then binary packets (a 4-byte packet_length and
//! that many bytes: padding_length, payload, padding; no MAC before NEWKEYS),
//! then, after the sender's NEWKEYS, encrypted bytes whose packet boundaries
//! cannot be known without the keys (each segment's bytes make one PDU, as
//! Wireshark shows them).

use nom::number::complete::be_u32;
use nom::Parser;

use super::state::Framing;
use crate::flow::reassembly::{PduLen, PduParser};

/// Longest version line accepted (RFC 4253 section 4.2: 255 characters with CR LF).
/// A longer one is cut there and the rest of the direction is not framed.
pub const MAX_BANNER_LEN: usize = 255;

/// Largest packet_length framed. RFC 4253 section 6.1 asks for 35000 bytes at
/// least; OpenSSH refuses more than 256 KiB. Anything above is a framing error.
pub const MAX_PACKET_LEN: u32 = 256 * 1024;

/// Smallest packet_length that can hold padding_length and a message code.
pub const MIN_PACKET_LEN: u32 = 2;

/// SSH_MSG_NEWKEYS: the sender's next packet is encrypted.
pub const MSG_NEWKEYS: u8 = 21;

/// The PDU parser of one direction, built from and saved back to the
/// connection's state around each segment.
#[derive(Debug, Clone, Copy)]
pub struct SshFraming {
    pub mode: Framing,
    /// The segment being fed is the direction's last (FIN): a version line
    /// without its end of line is then complete as it is.
    pub at_fin: bool,
    /// The last answer was "need more": a PDU is waiting for later segments.
    pub pending: bool,
}

/// Whether a packet_length can be framed.
pub fn packet_length_ok(plen: u32) -> bool {
    (MIN_PACKET_LEN..=MAX_PACKET_LEN).contains(&plen)
}

/// Where a version line ends (after its LF), if within `buf`.
pub fn banner_end(buf: &[u8]) -> Option<usize> {
    buf.iter()
        .take(MAX_BANNER_LEN)
        .position(|&b| b == b'\n')
        .map(|i| i + 1)
}

/// Whether `buf` starts like a version line ("SSH-", or a prefix of it).
pub fn starts_like_banner(buf: &[u8]) -> bool {
    let n = buf.len().min(4);
    buf[..n].eq_ignore_ascii_case(&b"SSH-"[..n])
}

impl SshFraming {
    fn banner(&mut self, buf: &[u8]) -> PduLen {
        if !starts_like_banner(buf) {
            // Not a version line: a capture that starts mid-connection.
            self.mode = Framing::Encrypted;
            return PduLen::Complete(buf.len());
        }
        if buf.len() < 4 {
            return PduLen::NeedMore(4 - buf.len());
        }
        match banner_end(buf) {
            Some(n) => {
                self.mode = Framing::Plain;
                PduLen::Complete(n)
            }
            None if buf.len() >= MAX_BANNER_LEN => {
                self.mode = Framing::Lost;
                PduLen::Complete(MAX_BANNER_LEN)
            }
            None if self.at_fin => {
                self.mode = Framing::Lost;
                PduLen::Complete(buf.len())
            }
            None => PduLen::NeedMore(1),
        }
    }

    fn binary_packet(&mut self, buf: &[u8]) -> PduLen {
        let Ok((_, plen)) = be_u32::<_, nom::error::Error<&[u8]>>.parse(buf) else {
            return PduLen::NeedMore(4 - buf.len());
        };
        if !packet_length_ok(plen) {
            // The rest cannot be framed: it goes to the dissector to be flagged.
            self.mode = Framing::Lost;
            return PduLen::Complete(buf.len());
        }
        let total = 4 + plen as usize;
        if buf.len() < total {
            return PduLen::NeedMore(total - buf.len());
        }
        if buf.get(5) == Some(&MSG_NEWKEYS) {
            self.mode = Framing::Encrypted;
        }
        PduLen::Complete(total)
    }
}

impl PduParser for SshFraming {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
        let answer = match self.mode {
            _ if buf.is_empty() => PduLen::NeedMore(1),
            Framing::Banner => self.banner(buf),
            Framing::Plain => self.binary_packet(buf),
            Framing::Encrypted | Framing::Lost => PduLen::Complete(buf.len()),
        };
        self.pending = matches!(answer, PduLen::NeedMore(_));
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(mode: Framing) -> SshFraming {
        SshFraming {
            mode,
            at_fin: false,
            pending: false,
        }
    }

    #[test]
    fn a_version_line_ends_at_its_lf() {
        let mut p = parser(Framing::Banner);
        assert_eq!(
            p.pdu_len(b"SSH-2.0-OpenSSH_7.4\r\n\0\0"),
            PduLen::Complete(21)
        );
        assert_eq!(p.mode, Framing::Plain);
        let mut p = parser(Framing::Banner);
        assert_eq!(p.pdu_len(b"SSH-2.0-Open"), PduLen::NeedMore(1));
        assert_eq!(p.pdu_len(b"SS"), PduLen::NeedMore(2));
        assert_eq!(p.mode, Framing::Banner);
    }

    #[test]
    fn a_version_line_without_end_is_bounded() {
        let mut p = parser(Framing::Banner);
        let long = [b"SSH-2.0-".as_slice(), &[b'x'; 400]].concat();
        assert_eq!(p.pdu_len(&long), PduLen::Complete(MAX_BANNER_LEN));
        assert_eq!(p.mode, Framing::Lost);
        let mut p = SshFraming {
            mode: Framing::Banner,
            at_fin: true,
            pending: false,
        };
        assert_eq!(p.pdu_len(b"SSH-2.0-x"), PduLen::Complete(9));
    }

    #[test]
    fn binary_packets_and_newkeys() {
        let mut p = parser(Framing::Plain);
        assert_eq!(p.pdu_len(&[0, 0]), PduLen::NeedMore(2));
        assert_eq!(p.pdu_len(&[0, 0, 0, 12, 10]), PduLen::NeedMore(11));
        let newkeys = [0, 0, 0, 12, 10, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa];
        assert_eq!(p.pdu_len(&newkeys), PduLen::Complete(16));
        assert_eq!(p.mode, Framing::Encrypted);
        assert_eq!(p.pdu_len(&newkeys[16..]), PduLen::Complete(1));
    }

    #[test]
    fn out_of_range_lengths_lose_the_framing() {
        for plen in [0u32, 1, MAX_PACKET_LEN + 1, u32::MAX] {
            let mut p = parser(Framing::Plain);
            let mut b = plen.to_be_bytes().to_vec();
            b.extend_from_slice(&[4, 20, 0, 0]);
            assert_eq!(p.pdu_len(&b), PduLen::Complete(b.len()), "{plen}");
            assert_eq!(p.mode, Framing::Lost);
        }
    }
}
