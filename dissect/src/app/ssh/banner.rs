//! The protocol version exchange (RFC 4253 section 4.2):
//! `SSH-protoversion-softwareversion SP comments CR LF`.

/// A version line split into its parts (borrowed from the line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banner<'a> {
    /// The line without CR LF: what `ssh.protocol` shows.
    pub line: &'a [u8],
    /// `2.0`, `1.99`...
    pub proto_version: &'a [u8],
    pub software_version: &'a [u8],
    pub comments: Option<&'a [u8]>,
    /// The line ended with LF (a line cut by the length limit or the end of the stream does not).
    pub terminated: bool,
}

/// Splits a version line PDU (up to and including its LF, if any).
pub fn parse(pdu: &[u8]) -> Banner<'_> {
    let terminated = pdu.last() == Some(&b'\n');
    let mut line = pdu;
    if terminated {
        line = &line[..line.len() - 1];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
    }
    let rest = line.get(4..).unwrap_or(&[]);
    let (ident, comments) = match rest.iter().position(|&b| b == b' ') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (proto_version, software_version) = match ident.iter().position(|&b| b == b'-') {
        Some(i) => (&ident[..i], &ident[i + 1..]),
        None => (ident, &[][..]),
    };
    Banner {
        line,
        proto_version,
        software_version,
        comments,
        terminated,
    }
}

impl Banner<'_> {
    /// SSH 2 is spoken: version 2.x, or 1.99 (compatible with both).
    pub fn is_v2(&self) -> bool {
        self.proto_version.starts_with(b"2.") || self.proto_version == b"1.99"
    }
}

/// Bytes shown as text the way Wireshark's `tvb_format_text` does: printable
/// ASCII as is, anything else escaped.
pub fn display_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0x20..=0x7e => s.push(b as char),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            _ => s.push_str(&format!("\\{b:03o}")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_version_software_and_comments() {
        // The TCP payload of ssh/ssh_libssh_newkeys.pcap frame 5 (Ethernet,
        // IPv4, TCP; bytes 54..): a version line ending in a bare LF; then
        // the same line ending in CR LF, and a Debian-style comment.
        let frame = crate::testutil::CorpusFrame::new("ssh/ssh_libssh_newkeys.pcap", 5).bytes();
        let lf = &frame[54..];
        assert_eq!(lf.last(), Some(&b'\n'));
        let crlf = [&lf[..lf.len() - 1], b"\r\n"].concat();
        for line in [lf, &crlf[..]] {
            let b = parse(line);
            assert_eq!(b.line, b"SSH-2.0-libssh-0.7.2");
            assert_eq!(b.proto_version, b"2.0");
            assert_eq!(b.software_version, b"libssh-0.7.2");
            assert_eq!(b.comments, None);
            assert!(b.terminated && b.is_v2());
        }
        let b = parse(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\n");
        assert_eq!(b.software_version, b"OpenSSH_9.2p1");
        assert_eq!(b.comments, Some(&b"Debian-2+deb12u3"[..]));
        let b = parse(b"SSH-1.99-OpenSSH_3.9p1");
        assert!(b.is_v2() && !b.terminated);
        assert!(!parse(b"SSH-1.5-x\n").is_v2());
        assert_eq!(parse(b"SSH-").proto_version, b"");
    }
}
