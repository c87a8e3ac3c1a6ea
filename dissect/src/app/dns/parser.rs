//! DNS message wire format (RFC 1035 section 4), as borrowed views over one
//! whole message: the header, questions, resource records, and names with
//! compression pointers followed safely.

use nom::bytes::complete::take;
use nom::number::complete::{be_u16, be_u32};
use nom::Parser;

/// The fixed header.
pub const HEADER_LEN: usize = 12;
/// Longest name on the wire (RFC 1035 section 3.1), counting length octets.
pub const MAX_NAME_LEN: usize = 255;
/// Most labels a name of at most 255 octets can have.
pub const MAX_LABELS: usize = 127;
/// Compression pointers followed for one name before it is declared a loop.
/// Every pointer must also go strictly backwards, so this only bounds the work.
pub const MAX_POINTERS: usize = 64;

type Res<'a, T> = nom::IResult<&'a [u8], T>;

/// The header's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    pub fn is_response(&self) -> bool {
        self.flags & 0x8000 != 0
    }
    pub fn opcode(&self) -> u16 {
        (self.flags >> 11) & 0xf
    }
    pub fn rcode(&self) -> u16 {
        self.flags & 0xf
    }
}

/// Parses the 12-byte header.
pub fn header(i: &[u8]) -> Res<'_, Header> {
    let (i, (id, flags, qdcount, ancount, nscount, arcount)) =
        (be_u16, be_u16, be_u16, be_u16, be_u16, be_u16).parse(i)?;
    Ok((
        i,
        Header {
            id,
            flags,
            qdcount,
            ancount,
            nscount,
            arcount,
        },
    ))
}

/// What went wrong while reading a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    /// The name runs past the end of the message.
    Truncated,
    /// A compression pointer points at or after itself (loops are only possible that way).
    ForwardPointer,
    /// More pointers than [`MAX_POINTERS`].
    TooManyPointers,
    /// A label type other than 00 (length) or 11 (pointer).
    BadLabelType,
    /// Longer than [`MAX_NAME_LEN`] or more than [`MAX_LABELS`] labels.
    TooLong,
}

impl NameError {
    /// The placeholder text Wireshark shows in place of the name.
    pub fn placeholder(self) -> &'static str {
        match self {
            NameError::Truncated => "<Name truncated>",
            NameError::ForwardPointer | NameError::TooManyPointers => {
                "<Name contains a pointer that loops>"
            }
            NameError::BadLabelType => "<Unknown extended label>",
            NameError::TooLong => "<Name too long>",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            NameError::Truncated => "DNS name runs past the end of the message",
            NameError::ForwardPointer => {
                "DNS name compression pointer does not point backwards (loop or forward pointer)"
            }
            NameError::TooManyPointers => "DNS name has too many compression pointers",
            NameError::BadLabelType => "DNS name has an unknown label type",
            NameError::TooLong => "DNS name is longer than 255 octets or 127 labels",
        }
    }
}

/// A name read from the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    /// The dotted text; `<Root>` for the root; a placeholder when `error` is set.
    pub text: String,
    /// Octets the name occupies where it starts (up to and including the first pointer).
    pub wire_len: usize,
    /// Number of labels.
    pub labels: usize,
    /// Octets of the dotted name before escaping and `<Root>` substitution
    /// (Wireshark's `dns.qry.name.len`).
    pub text_len: usize,
    pub error: Option<NameError>,
}

/// Reads the name starting at `pos` of `msg`, following compression pointers.
/// On error the name keeps its placeholder text and `wire_len` covers what was read
/// in place, so the caller can carry on or stop.
pub fn read_name(msg: &[u8], pos: usize) -> Name {
    let mut name = Name::default();
    let mut at = pos;
    let mut jumped = false;
    let mut pointers = 0;
    let mut octets = 0usize;
    loop {
        let Some(&len) = msg.get(at) else {
            return fail(name, NameError::Truncated, jumped, at, pos);
        };
        match len >> 6 {
            0 => {
                if len == 0 {
                    if !jumped {
                        name.wire_len = at + 1 - pos;
                    }
                    break;
                }
                let Some(label) = msg.get(at + 1..at + 1 + len as usize) else {
                    return fail(name, NameError::Truncated, jumped, msg.len(), pos);
                };
                octets += 1 + label.len();
                name.labels += 1;
                if octets + 1 > MAX_NAME_LEN || name.labels > MAX_LABELS {
                    return fail(name, NameError::TooLong, jumped, at + 1 + label.len(), pos);
                }
                if name.labels > 1 {
                    name.text.push('.');
                }
                push_label(&mut name.text, label);
                at += 1 + label.len();
            }
            3 => {
                let Some(&low) = msg.get(at + 1) else {
                    return fail(name, NameError::Truncated, jumped, msg.len(), pos);
                };
                let target = usize::from(len & 0x3f) << 8 | usize::from(low);
                if !jumped {
                    name.wire_len = at + 2 - pos;
                    jumped = true;
                }
                pointers += 1;
                if pointers > MAX_POINTERS {
                    return fail(name, NameError::TooManyPointers, true, at, pos);
                }
                if target >= at {
                    return fail(name, NameError::ForwardPointer, true, at, pos);
                }
                at = target;
            }
            _ => return fail(name, NameError::BadLabelType, jumped, at + 1, pos),
        }
    }
    // Labels and the dots between them, as they are on the wire.
    name.text_len = octets.saturating_sub(1);
    if name.text.is_empty() {
        name.text.push_str("<Root>");
    }
    name
}

fn fail(mut name: Name, e: NameError, jumped: bool, at: usize, pos: usize) -> Name {
    if !jumped {
        name.wire_len = at.saturating_sub(pos);
    }
    name.text.clear();
    name.text.push_str(e.placeholder());
    // Wireshark measures the placeholder it shows.
    name.text_len = name.text.len();
    name.error = Some(e);
    name
}

/// Appends a label, escaping what would not print as Wireshark does (`\001`, octal).
fn push_label(out: &mut String, label: &[u8]) {
    for &b in label {
        if b.is_ascii_graphic() || b == b' ' {
            out.push(b as char);
        } else {
            use std::fmt::Write as _;
            let _ = write!(out, "\\{b:03o}");
        }
    }
}

/// A question: name, type, class.
#[derive(Clone, Debug)]
pub struct Question {
    pub name: Name,
    /// Offset of the name in the message.
    pub start: usize,
    pub qtype: u16,
    pub qclass: u16,
}

impl Question {
    /// Octets this question occupies.
    pub fn wire_len(&self) -> usize {
        self.name.wire_len + 4
    }
}

/// Why a section entry could not be read.
#[derive(Clone, Debug)]
pub enum EntryError {
    /// The name is bad; what was read of it is kept.
    Name(Name, usize),
    /// The fixed fields after the name run past the message; the name is kept.
    Truncated(Name, usize),
}

/// Reads a question at `pos`.
pub fn question(msg: &[u8], pos: usize) -> Result<Question, EntryError> {
    let name = read_name(msg, pos);
    if name.error.is_some() {
        return Err(EntryError::Name(name, pos));
    }
    let rest = msg.get(pos + name.wire_len..).unwrap_or(&[]);
    match (be_u16::<_, nom::error::Error<&[u8]>>, be_u16).parse(rest) {
        Ok((_, (qtype, qclass))) => Ok(Question {
            name,
            start: pos,
            qtype,
            qclass,
        }),
        Err(_) => Err(EntryError::Truncated(name, pos)),
    }
}

/// A resource record with its data still as bytes.
#[derive(Clone, Debug)]
pub struct Record<'a> {
    pub name: Name,
    pub start: usize,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    /// Declared data length.
    pub rdlength: u16,
    /// Offset of the data in the message.
    pub rdata_at: usize,
    /// The data, cut to what the message holds.
    pub rdata: &'a [u8],
}

impl Record<'_> {
    /// Octets the record occupies as declared.
    pub fn wire_len(&self) -> usize {
        self.rdata_at - self.start + self.rdlength as usize
    }

    /// Whether the data runs past the end of the message.
    pub fn truncated(&self) -> bool {
        self.rdata.len() < self.rdlength as usize
    }
}

/// Reads a resource record at `pos`.
pub fn record(msg: &[u8], pos: usize) -> Result<Record<'_>, EntryError> {
    let name = read_name(msg, pos);
    if name.error.is_some() {
        return Err(EntryError::Name(name, pos));
    }
    let fixed_at = pos + name.wire_len;
    let rest = msg.get(fixed_at..).unwrap_or(&[]);
    let parsed: Res<'_, (u16, u16, u32, u16)> = (be_u16, be_u16, be_u32, be_u16).parse(rest);
    let Ok((data, (rtype, class, ttl, rdlength))) = parsed else {
        return Err(EntryError::Truncated(name, pos));
    };
    let rdata = data.get(..rdlength as usize).unwrap_or(data);
    Ok(Record {
        name,
        start: pos,
        rtype,
        class,
        ttl,
        rdlength,
        rdata_at: fixed_at + 10,
        rdata,
    })
}

/// Splits `n` bytes off the front, for rdata parsers.
pub fn bytes(i: &[u8], n: usize) -> Res<'_, &[u8]> {
    take(n).parse(i)
}

/// RFC 4034 appendix B: the key tag of a DNSKEY's data.
pub fn key_tag(rdata: &[u8]) -> u16 {
    let mut acc: u32 = 0;
    for (i, &b) in rdata.iter().enumerate() {
        acc += if i & 1 == 0 {
            u32::from(b) << 8
        } else {
            u32::from(b)
        };
    }
    acc += (acc >> 16) & 0xffff;
    (acc & 0xffff) as u16
}

/// Base32 with the extended-hex alphabet (RFC 4648 section 7), lowercase and
/// unpadded, as NSEC3 owner hashes are written.
pub fn base32hex(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in data {
        buffer = buffer << 8 | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 0x1f) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_compressed_names() {
        // "www.example.com" at 12, then a pointer to "example.com" at 16.
        let mut msg = vec![0u8; 12];
        msg.extend_from_slice(b"\x03www\x07example\x03com\x00");
        msg.extend_from_slice(&[0x03, b'f', b't', b'p', 0xc0, 16]);
        let n = read_name(&msg, 12);
        assert_eq!(
            (n.text.as_str(), n.wire_len, n.labels),
            ("www.example.com", 17, 3)
        );
        let n = read_name(&msg, 29);
        assert_eq!(
            (n.text.as_str(), n.wire_len, n.labels),
            ("ftp.example.com", 6, 3)
        );
        assert_eq!((n.error, n.text_len), (None, 15));
    }

    #[test]
    fn unprintable_bytes_are_escaped_in_octal_and_counted_raw() {
        // tshark 4.0 shows labels "a\x01b." and "c d" as `a\001b..c d`, length 8.
        let n = read_name(b"\x04a\x01b.\x03c d\x00", 0);
        assert_eq!((n.text.as_str(), n.text_len), ("a\\001b..c d", 8));
    }

    #[test]
    fn root_name() {
        let n = read_name(&[0], 0);
        assert_eq!((n.text.as_str(), n.wire_len, n.text_len), ("<Root>", 1, 0));
    }

    #[test]
    fn self_pointer_and_forward_pointer_are_rejected() {
        let msg = [0u8, 0, 0xc0, 2];
        assert_eq!(read_name(&msg, 2).error, Some(NameError::ForwardPointer));
        let msg = [0xc0, 4, 0, 0, 1, b'a', 0];
        assert_eq!(read_name(&msg, 0).error, Some(NameError::ForwardPointer));
    }

    #[test]
    fn truncated_and_bad_label() {
        assert_eq!(read_name(b"\x05ab", 0).error, Some(NameError::Truncated));
        assert_eq!(read_name(b"\x40ab", 0).error, Some(NameError::BadLabelType));
        assert_eq!(read_name(b"", 0).error, Some(NameError::Truncated));
    }

    #[test]
    fn long_names_are_rejected() {
        let mut msg = Vec::new();
        for _ in 0..5 {
            msg.push(63);
            msg.extend_from_slice(&[b'a'; 63]);
        }
        msg.push(0);
        assert_eq!(read_name(&msg, 0).error, Some(NameError::TooLong));
    }

    #[test]
    fn key_tag_and_base32hex() {
        // RFC 4648 test vectors for base32hex.
        assert_eq!(base32hex(b"foobar"), "cpnmuoj1e8");
        assert_eq!(base32hex(b"f"), "co");
        // Key tag of an all-zero key with flags 256, protocol 3, algorithm 8.
        assert_eq!(key_tag(&[1, 0, 3, 8]), 0x0408);
    }
}
