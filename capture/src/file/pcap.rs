//! Classic pcap: one 24-byte file header, then records of a 16-byte header
//! (24 in the "modified" format) and the captured bytes.
//!
//! Parsing goes through `pcap-parser` where its functions fit the file's
//! layout. Two layouts it does not know are decoded here: headers of
//! version 2.3 and older, whose two length fields may be swapped (see
//! [`LengthOrder`]), and big-endian "modified" pcap.

use pcap_parser::nom::{self, Needed};
use pcap_parser::{
    parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
    LegacyPcapBlock, Linktype, PcapError, PcapHeader,
};
use wirelens_dissect::{LinkType, Timestamp};

use super::error::byte_count;
use super::{FileFormat, Frame, Interface, OpenError, ReadError};

pub(super) const FILE_HEADER_LEN: usize = 24;

/// Magic numbers as read little-endian from the first four bytes.
const MAGIC_USEC: u32 = 0xa1b2_c3d4;
const MAGIC_NSEC: u32 = 0xa1b2_3c4d;
const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
const MAGIC_MODIFIED_SWAPPED: u32 = MAGIC_MODIFIED.swap_bytes();

/// Records longer than this (and than the snaplen) are taken for corruption,
/// like libpcap's and Wireshark's limit: no capture tool writes them, and a
/// corrupt length field that happens to fit in a large file would otherwise
/// turn the rest of the file into garbage packets.
const MAX_PLAUSIBLE_CAPLEN: u32 = 262_144;

/// Link-type field: bits 16-25 are reserved and must be zero; bit 26 says
/// bits 28-31 hold the FCS length (libpcap's `LT_FCS_LENGTH_PRESENT`).
const LINKTYPE_RESERVED_BITS: u32 = 0x03ff_0000;
const LINKTYPE_FCS_PRESENT: u32 = 0x0400_0000;

pub(super) fn is_magic(magic: &[u8; 4]) -> bool {
    matches!(
        u32::from_le_bytes(*magic),
        MAGIC_USEC
            | MAGIC_NSEC
            | MAGIC_MODIFIED
            | MAGIC_MODIFIED_SWAPPED
            | 0xd4c3_b2a1
            | 0x4d3c_b2a1
    )
}

/// What the file header tells.
pub(super) struct PcapOpen {
    pub format: FileFormat,
    pub interface: Interface,
    pub records: RecordReader,
}

/// Checks the file header and prepares record reading.
pub(super) fn open(bytes: &[u8]) -> Result<PcapOpen, OpenError> {
    if bytes.len() < FILE_HEADER_LEN {
        return Err(OpenError::BadHeader {
            offset: bytes.len() as u64,
            reason: format!(
                "the {FILE_HEADER_LEN}-byte pcap file header is cut short after {} bytes",
                bytes.len()
            ),
        });
    }
    let header = parse_header(bytes)?;
    check_version(&header)?;
    let (link_type, fcs_len) = split_link_type_field(header.network.0 as u32)?;

    let big_endian = header.is_bigendian();
    let modified = header.is_modified_format() || header.magic_number == MAGIC_MODIFIED_SWAPPED;
    let nanosecond = header.is_nanosecond_precision();

    let mut interface = Interface::new(link_type, header.snaplen);
    interface.fcs_len = fcs_len;
    if nanosecond {
        interface.set_ts_units_per_sec(1_000_000_000);
    }
    Ok(PcapOpen {
        format: FileFormat::Pcap {
            big_endian,
            nanosecond,
            modified,
            version: (header.version_major, header.version_minor),
        },
        interface,
        records: RecordReader::new(&header, link_type, big_endian, modified, nanosecond),
    })
}

fn parse_header(bytes: &[u8]) -> Result<PcapHeader, OpenError> {
    let bad = |reason: String| OpenError::BadHeader { offset: 0, reason };
    match parse_pcap_header(bytes) {
        Ok((_, header)) => Ok(header),
        // pcap-parser knows "modified" pcap only in little-endian order.
        Err(_) if bytes.starts_with(&MAGIC_MODIFIED.to_be_bytes()) => {
            parse_swapped_modified_header(bytes).ok_or_else(|| bad("file header cut short".into()))
        }
        Err(e) => Err(bad(format!("file header unreadable: {e:?}"))),
    }
}

fn parse_swapped_modified_header(bytes: &[u8]) -> Option<PcapHeader> {
    let u16_at = |at: usize| Some(u16::from_be_bytes(*bytes.get(at..)?.first_chunk()?));
    let u32_at = |at: usize| Some(u32::from_be_bytes(*bytes.get(at..)?.first_chunk()?));
    Some(PcapHeader {
        magic_number: MAGIC_MODIFIED_SWAPPED,
        version_major: u16_at(4)?,
        version_minor: u16_at(6)?,
        thiszone: u32_at(8)? as i32,
        sigfigs: u32_at(12)?,
        snaplen: u32_at(16)?,
        network: Linktype(u32_at(20)? as i32),
    })
}

/// Only major version 2 exists; its minor versions differ in the length
/// fields only (see [`LengthOrder`]). tshark rejects 1.x as well.
fn check_version(header: &PcapHeader) -> Result<(), OpenError> {
    if header.version_major == 2 {
        return Ok(());
    }
    Err(OpenError::BadHeader {
        offset: 4,
        reason: format!(
            "pcap format version {}.{} is not supported (only 2.x exists)",
            header.version_major, header.version_minor
        ),
    })
}

/// Splits the 32-bit link-type field into the link type (bits 0-15) and the
/// FCS length (bits 28-31, valid when bit 26 is set), as libpcap does.
fn split_link_type_field(field: u32) -> Result<(LinkType, Option<u8>), OpenError> {
    let reserved = field & LINKTYPE_RESERVED_BITS;
    if reserved != 0 {
        return Err(OpenError::BadHeader {
            offset: 20,
            reason: format!(
                "the link-type field {field:#010x} has reserved bits set ({reserved:#010x}); \
                 libpcap and tshark refuse such files too"
            ),
        });
    }
    let fcs_len = (field & LINKTYPE_FCS_PRESENT != 0).then_some((field >> 28) as u8);
    Ok((LinkType(field & 0xffff), fcs_len))
}

/// Which record-header field holds the captured length.
///
/// Before version 2.3 the two length fields came in the other order (the
/// captured length second); some 2.3 writers used either order, so there
/// the smaller value is the captured length. libpcap and Wireshark apply
/// the same rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LengthOrder {
    Standard,
    Swapped,
    SwappedIfCaplenLarger,
}

type RecordParser = fn(&[u8]) -> nom::IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

/// Reads the records after the file header.
#[derive(Clone, Copy)]
pub(super) struct RecordReader {
    /// pcap-parser's record parser, where it fits the layout.
    parser: Option<RecordParser>,
    header_len: usize,
    big_endian: bool,
    lengths: LengthOrder,
    /// Multiplier from the fraction field to nanoseconds.
    nanos_per_tick: u64,
    max_caplen: u32,
    link_type: LinkType,
}

impl RecordReader {
    fn new(
        header: &PcapHeader,
        link_type: LinkType,
        big_endian: bool,
        modified: bool,
        nanosecond: bool,
    ) -> Self {
        let lengths = match header.version_minor {
            0..=2 => LengthOrder::Swapped,
            3 => LengthOrder::SwappedIfCaplenLarger,
            _ => LengthOrder::Standard,
        };
        let parser: Option<RecordParser> = match (lengths, modified, big_endian) {
            (LengthOrder::Standard, false, false) => Some(parse_pcap_frame),
            (LengthOrder::Standard, false, true) => Some(parse_pcap_frame_be),
            (LengthOrder::Standard, true, false) => Some(parse_pcap_frame_modified),
            _ => None,
        };
        RecordReader {
            parser,
            header_len: if modified { 24 } else { 16 },
            big_endian,
            lengths,
            nanos_per_tick: if nanosecond { 1 } else { 1_000 },
            max_caplen: header.snaplen.max(MAX_PLAUSIBLE_CAPLEN),
            link_type,
        }
    }

    /// Reads the record at `*pos` and moves past it; `None` at the end.
    pub(super) fn next_frame<'a>(
        &self,
        bytes: &'a [u8],
        pos: &mut usize,
    ) -> Result<Option<Frame<'a>>, ReadError> {
        let rest = bytes.get(*pos..).unwrap_or_default();
        if rest.is_empty() {
            return Ok(None);
        }
        let record = self
            .parse_record(rest)
            .map_err(|short| ReadError::new(*pos, short.describe(self.header_len)))?;
        if record.caplen > self.max_caplen {
            return Err(ReadError::new(
                *pos,
                format!(
                    "record claims {} captured bytes, more than the snaplen and the \
                     {MAX_PLAUSIBLE_CAPLEN}-byte limit of capture tools: file corrupt",
                    record.caplen
                ),
            ));
        }
        let frame = Frame {
            number: 0,
            data: record.data,
            orig_len: record.origlen,
            ts: Timestamp::new(
                i64::from(record.ts_sec),
                u64::from(record.ts_usec) * self.nanos_per_tick,
            ),
            has_ts: true,
            custom: None,
            section: 0,
            link_type: self.link_type,
            interface_id: 0,
            file_offset: *pos as u64,
            comments: Vec::new(),
            flags: None,
            drop_count: None,
        };
        *pos += self.header_len + record.data.len();
        Ok(Some(frame))
    }

    fn parse_record<'a>(&self, rest: &'a [u8]) -> Result<LegacyPcapBlock<'a>, Short> {
        let Some(parser) = self.parser else {
            return self.parse_record_by_hand(rest);
        };
        match parser(rest) {
            Ok((_, record)) => Ok(record),
            // The record parsers fail only for want of bytes: either the
            // header is cut, or `take(caplen)` names how many are missing.
            Err(nom::Err::Incomplete(needed)) if rest.len() >= self.header_len => {
                let have = rest.len() - self.header_len;
                let missing = match needed {
                    Needed::Size(n) => n.get(),
                    Needed::Unknown => 1,
                };
                Err(Short::Data {
                    caplen: (have + missing) as u64,
                    have,
                })
            }
            Err(_) => Err(Short::Header { have: rest.len() }),
        }
    }

    /// For the layouts pcap-parser does not read: swapped length fields
    /// (version 2.3 and older) and big-endian modified pcap.
    fn parse_record_by_hand<'a>(&self, rest: &'a [u8]) -> Result<LegacyPcapBlock<'a>, Short> {
        let (Some((fixed, _)), Some(data)) =
            (rest.split_first_chunk::<16>(), rest.get(self.header_len..))
        else {
            return Err(Short::Header { have: rest.len() });
        };
        let [ts_sec, ts_frac, first_len, second_len]: [u32; 4] = std::array::from_fn(|i| {
            let bytes = [
                fixed[4 * i],
                fixed[4 * i + 1],
                fixed[4 * i + 2],
                fixed[4 * i + 3],
            ];
            if self.big_endian {
                u32::from_be_bytes(bytes)
            } else {
                u32::from_le_bytes(bytes)
            }
        });
        let (mut caplen, mut origlen) = (first_len, second_len);
        let swap = match self.lengths {
            LengthOrder::Standard => false,
            LengthOrder::Swapped => true,
            LengthOrder::SwappedIfCaplenLarger => caplen > origlen,
        };
        if swap {
            std::mem::swap(&mut caplen, &mut origlen);
        }
        let data = data.get(..caplen as usize).ok_or(Short::Data {
            caplen: u64::from(caplen),
            have: data.len(),
        })?;
        Ok(LegacyPcapBlock {
            ts_sec,
            ts_usec: ts_frac,
            caplen,
            origlen,
            data,
        })
    }
}

/// How a record ran past the end of the file.
enum Short {
    Header { have: usize },
    Data { caplen: u64, have: usize },
}

impl Short {
    fn describe(&self, header_len: usize) -> String {
        match *self {
            Short::Header { have } => format!(
                "the file ends {} into a {header_len}-byte record header: file truncated",
                byte_count(have)
            ),
            Short::Data { caplen, have } => format!(
                "record claims {caplen} captured bytes but only {have} remain: \
                 file truncated or corrupt"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian pcap header with the given magic, version and
    /// link-type field, snaplen 65535.
    fn header(magic: u32, version: (u16, u16), link_field: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(&magic.to_le_bytes());
        h.extend_from_slice(&version.0.to_le_bytes());
        h.extend_from_slice(&version.1.to_le_bytes());
        h.extend_from_slice(&[0; 8]);
        h.extend_from_slice(&65535u32.to_le_bytes());
        h.extend_from_slice(&link_field.to_le_bytes());
        h
    }

    fn record(ts: (u32, u32), first_len: u32, second_len: u32, data: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        for v in [ts.0, ts.1, first_len, second_len] {
            r.extend_from_slice(&v.to_le_bytes());
        }
        r.extend_from_slice(data);
        r
    }

    fn frames(bytes: &[u8]) -> Vec<Result<(u32, Vec<u8>), ReadError>> {
        let open = open(bytes).expect("header accepted");
        let mut pos = FILE_HEADER_LEN;
        let mut out = Vec::new();
        loop {
            match open.records.next_frame(bytes, &mut pos) {
                Ok(Some(f)) => out.push(Ok((f.orig_len, f.data.to_vec()))),
                Ok(None) => break,
                Err(e) => {
                    out.push(Err(e));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn fcs_bits_are_masked_and_reported() {
        // 0x3000007f as in tcpdump's fuzz files: FCS length 3 without the
        // "present" bit, so no FCS length.
        let (lt, fcs) = split_link_type_field(0x3000_007f).expect("accepted");
        assert_eq!((lt, fcs), (LinkType::IEEE802_11_RADIOTAP, None));
        let (lt, fcs) = split_link_type_field(0x4400_0001).expect("accepted");
        assert_eq!((lt, fcs), (LinkType::ETHERNET, Some(4)));
    }

    #[test]
    fn reserved_link_type_bits_are_refused() {
        let bytes = header(MAGIC_USEC, (2, 4), 0x0030_0000);
        let Err(OpenError::BadHeader { offset, reason }) = open(&bytes) else {
            panic!("reserved bits must be refused");
        };
        assert_eq!(offset, 20);
        assert!(reason.contains("0x00300000"), "{reason}");
    }

    #[test]
    fn old_versions_swap_the_length_fields() {
        // Version 2.2: the first length field is the original length.
        let mut bytes = header(MAGIC_USEC, (2, 2), 1);
        bytes.extend(record((1, 2), 100, 3, b"abc"));
        assert_eq!(frames(&bytes), vec![Ok((100, b"abc".to_vec()))]);

        // Version 2.3: swapped only where the "captured" length is larger.
        let mut bytes = header(MAGIC_USEC, (2, 3), 1);
        bytes.extend(record((1, 2), 100, 3, b"abc"));
        bytes.extend(record((1, 2), 2, 100, b"de"));
        assert_eq!(
            frames(&bytes),
            vec![Ok((100, b"abc".to_vec())), Ok((100, b"de".to_vec()))]
        );
    }

    #[test]
    fn big_endian_modified_pcap_is_read() {
        let mut bytes = MAGIC_MODIFIED.to_be_bytes().to_vec();
        for v in [2u16, 4] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        for v in [0u32, 0, 65535, 1] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        for v in [7u32, 8, 2, 60, 0, 0] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        bytes.extend_from_slice(b"hi");
        let open = open(&bytes).expect("accepted");
        assert_eq!(
            open.format,
            FileFormat::Pcap {
                big_endian: true,
                nanosecond: false,
                modified: true,
                version: (2, 4)
            }
        );
        assert_eq!(frames(&bytes), vec![Ok((60, b"hi".to_vec()))]);
    }

    #[test]
    fn cut_record_header_is_reported_at_its_offset() {
        let mut bytes = header(MAGIC_NSEC, (2, 4), 1);
        bytes.extend(record((1, 2), 1, 1, b"x"));
        bytes.extend_from_slice(&[0; 5]);
        let got = frames(&bytes);
        assert_eq!(got.len(), 2);
        let Err(e) = &got[1] else {
            panic!("expected an error")
        };
        assert_eq!(e.offset, 24 + 17);
        assert!(
            e.reason.contains("5 bytes into a 16-byte record header"),
            "{e}"
        );
    }

    #[test]
    fn implausible_caplen_that_fits_the_file_is_corruption() {
        let mut bytes = header(MAGIC_USEC, (2, 4), 1);
        let big = vec![0; 300_000];
        bytes.extend(record((1, 2), 300_000, 300_000, &big));
        let got = frames(&bytes);
        let Err(e) = &got[0] else {
            panic!("expected an error")
        };
        assert_eq!(e.offset, 24);
        assert!(e.reason.contains("300000 captured bytes"), "{e}");
    }
}
