//! pcapng: a sequence of blocks, grouped into sections that each start with
//! a Section Header Block (SHB) declaring the section's byte order.
//!
//! Every block is framed by its type, its total length and the same length
//! again at its end. [`read_block`] checks that framing before anything
//! looks inside, so a block parser only ever sees a complete block, and a
//! broken frame ends reading at the block's offset.
//!
//! The fixed fields of SHB, IDB, ISB and NRB are parsed with `pcap-parser`.
//! Packet blocks (EPB, SPB, and the obsolete OPB that pcap-parser does not
//! know) and options are decoded here:
//! - pcap-parser collects a block's options into a `Vec`, which would be a
//!   heap allocation per packet on the hot path;
//! - its option helpers read numbers as little-endian whatever the section's
//!   byte order, and its option list parser silently drops an option that
//!   overruns the block, which tshark rightly reports as corruption;
//! - its `build_ts_resolution` refuses every power-of-two `if_tsresol`.

use std::net::IpAddr;

use pcap_parser::nom;
use pcap_parser::pcapng::{
    parse_interfacedescriptionblock_be, parse_interfacedescriptionblock_le,
    parse_interfacestatisticsblock_be, parse_interfacestatisticsblock_le,
    parse_nameresolutionblock_be, parse_nameresolutionblock_le, parse_sectionheaderblock,
    NameRecord, NameRecordType, CB_MAGIC, DCB_MAGIC, DSB_MAGIC, EPB_MAGIC, IDB_MAGIC, ISB_MAGIC,
    NRB_MAGIC, SHB_MAGIC, SPB_MAGIC,
};
use pcap_parser::PcapError;
use wirelens_dissect::{LinkType, Timestamp};

use super::error::byte_count;
use super::{
    CustomBlock, Frame, Interface, InterfaceStats, Metadata, NameEntry, OpenError, ReadError,
    Section,
};

/// Obsolete Packet Block, superseded by the EPB but still found in old files.
const OPB_MAGIC: u32 = 0x0000_0002;

/// Byte-order magic as it reads in the section's own order.
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// Framing: type and length before the body, the length again after it.
const BLOCK_OVERHEAD: usize = 12;

/// EPB and OPB: interface, timestamp (high, low), captured and original
/// length, then the packet data.
const PACKET_HEADER_LEN: usize = 20;

const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const SHB_HARDWARE: u16 = 2;
const SHB_OS: u16 = 3;
const SHB_USERAPPL: u16 = 4;
const IF_NAME: u16 = 2;
const IF_DESCRIPTION: u16 = 3;
const IF_TSRESOL: u16 = 9;
const IF_FCSLEN: u16 = 13;
const IF_TSOFFSET: u16 = 14;
const ISB_STARTTIME: u16 = 2;
const ISB_ENDTIME: u16 = 3;
const ISB_IFRECV: u16 = 4;
const ISB_IFDROP: u16 = 5;
const ISB_FILTERACCEPT: u16 = 6;
const ISB_OSDROP: u16 = 7;
const ISB_USRDELIV: u16 = 8;

pub(super) fn is_magic(magic: &[u8; 4]) -> bool {
    *magic == SHB_MAGIC.to_le_bytes()
}

/// Checks that the file starts with a section this reader can read, or
/// skip.
pub(super) fn check_first_section(bytes: &[u8]) -> Result<(), OpenError> {
    let bad_header = |e: ReadError| OpenError::BadHeader {
        offset: e.offset,
        reason: e.reason,
    };
    let block = read_block(bytes, 0, Endian::Little)
        .map_err(bad_header)?
        .ok_or_else(|| OpenError::NotACapture {
            reason: "the file is empty".into(),
        })?;
    BlockReader::new()
        .begin_section(&block, &mut Metadata::default(), bytes.len())
        .map_err(bad_header)?;
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    fn u16_at(self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw = *bytes.get(at..)?.first_chunk()?;
        Some(match self {
            Endian::Little => u16::from_le_bytes(raw),
            Endian::Big => u16::from_be_bytes(raw),
        })
    }

    fn u32_at(self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw = *bytes.get(at..)?.first_chunk()?;
        Some(match self {
            Endian::Little => u32::from_le_bytes(raw),
            Endian::Big => u32::from_be_bytes(raw),
        })
    }

    fn u64_at(self, bytes: &[u8], at: usize) -> Option<u64> {
        let raw = *bytes.get(at..)?.first_chunk()?;
        Some(match self {
            Endian::Little => u64::from_le_bytes(raw),
            Endian::Big => u64::from_be_bytes(raw),
        })
    }

    /// A 64-bit timestamp stored as two 32-bit words, high word first.
    fn ticks_at(self, bytes: &[u8], at: usize) -> Option<u64> {
        let high = self.u32_at(bytes, at)?;
        let low = self.u32_at(bytes, at + 4)?;
        Some(u64::from(high) << 32 | u64::from(low))
    }
}

/// A block whose framing has been checked.
struct Block<'a> {
    offset: usize,
    kind: u32,
    endian: Endian,
    /// The whole block, framing included (what pcap-parser's parsers take).
    bytes: &'a [u8],
    /// Between the leading length and the trailing length.
    body: &'a [u8],
}

impl<'a> Block<'a> {
    fn end(&self) -> usize {
        self.offset + self.bytes.len()
    }

    fn error(&self, what: impl std::fmt::Display) -> ReadError {
        damaged(self.offset, format_args!("{} {what}", BlockName(self.kind)))
    }

    fn require_len(&self, min: usize) -> Result<(), ReadError> {
        if self.bytes.len() >= min {
            return Ok(());
        }
        Err(self.error(format_args!(
            "is {} bytes long, shorter than its {min}-byte minimum: block corrupt",
            self.bytes.len()
        )))
    }

    /// The options after the first `fixed` bytes of the body.
    fn options(&self, fixed: usize) -> Options<'a> {
        Options {
            rest: self.body.get(fixed..).unwrap_or_default(),
            endian: self.endian,
        }
    }
}

/// A block type as people call it, for messages; formats without
/// allocating because `read_block` runs once per block.
struct BlockName(u32);

impl std::fmt::Display for BlockName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            SHB_MAGIC => "section header block",
            IDB_MAGIC => "interface description block",
            OPB_MAGIC => "obsolete packet block",
            SPB_MAGIC => "simple packet block",
            NRB_MAGIC => "name resolution block",
            ISB_MAGIC => "interface statistics block",
            EPB_MAGIC => "enhanced packet block",
            DSB_MAGIC => "decryption secrets block",
            CB_MAGIC | DCB_MAGIC => "custom block",
            other => return write!(f, "block of type {other:#010x}"),
        })
    }
}

/// Reads the framing of the block at `pos`; `None` at the end of the file.
fn read_block(bytes: &[u8], pos: usize, endian: Endian) -> Result<Option<Block<'_>>, ReadError> {
    let rest = bytes.get(pos..).unwrap_or_default();
    if rest.is_empty() {
        return Ok(None);
    }
    let truncated_header = || {
        damaged(
            pos,
            format_args!(
                "the file ends {} into a block header: file truncated",
                byte_count(rest.len())
            ),
        )
    };
    if rest.len() < BLOCK_OVERHEAD {
        return Err(truncated_header());
    }
    let is_shb = rest.starts_with(&SHB_MAGIC.to_le_bytes());
    // A section header declares the byte order of itself and its section.
    let endian = if is_shb {
        section_byte_order(rest, pos)?
    } else {
        endian
    };
    let (Some(kind), Some(len)) = (endian.u32_at(rest, 0), endian.u32_at(rest, 4)) else {
        return Err(truncated_header());
    };
    let name = BlockName(kind);
    let len = len as usize;
    if len < BLOCK_OVERHEAD || len % 4 != 0 {
        return Err(damaged(
            pos,
            format_args!(
                "{name} has length {len}, which is not a multiple of 4 of at least 12: \
                 file corrupt"
            ),
        ));
    }
    let Some(block) = rest.get(..len) else {
        return Err(damaged(
            pos,
            format_args!(
                "{name} claims {len} bytes but only {} remain: file truncated or corrupt",
                rest.len()
            ),
        ));
    };
    let trailer = endian.u32_at(block, len - 4).unwrap_or_default() as usize;
    if trailer != len {
        return Err(damaged(
            pos,
            format_args!(
                "{name} starts with length {len} but ends with length {trailer}: file corrupt"
            ),
        ));
    }
    Ok(Some(Block {
        offset: pos,
        kind,
        endian,
        bytes: block,
        body: &block[8..len - 4],
    }))
}

/// Builds the error for damage at `pos`; cold and out of line, so the
/// formatting stays off the per-block path.
#[cold]
#[inline(never)]
fn damaged(pos: usize, message: std::fmt::Arguments<'_>) -> ReadError {
    ReadError::new(pos, message.to_string())
}

fn section_byte_order(rest: &[u8], pos: usize) -> Result<Endian, ReadError> {
    match rest.get(8..12).and_then(|b| b.first_chunk::<4>()) {
        Some(&bom) if bom == BYTE_ORDER_MAGIC.to_le_bytes() => Ok(Endian::Little),
        Some(&bom) if bom == BYTE_ORDER_MAGIC.to_be_bytes() => Ok(Endian::Big),
        Some(bom) => Err(ReadError::new(
            pos,
            format!(
                "section header block has the unknown byte-order magic {:02x}{:02x}{:02x}{:02x}: \
                 file corrupt",
                bom[0], bom[1], bom[2], bom[3]
            ),
        )),
        None => Err(ReadError::new(
            pos,
            "section header block cut short: file truncated",
        )),
    }
}

/// One option: code and value without padding.
struct RawOption<'a> {
    code: u16,
    value: &'a [u8],
}

/// Walks a block's options without allocating. Yields an error (and then
/// stops) where an option does not fit in the block.
struct Options<'a> {
    rest: &'a [u8],
    endian: Endian,
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<RawOption<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = std::mem::take(&mut self.rest);
        let (Some(code), Some(len), Some(after)) = (
            self.endian.u16_at(rest, 0),
            self.endian.u16_at(rest, 2),
            rest.get(4..),
        ) else {
            return Some(Err(format!(
                "has {} where an option header should be: block corrupt",
                byte_count(rest.len())
            )));
        };
        if code == OPT_ENDOFOPT {
            return None;
        }
        let len = usize::from(len);
        let Some(value) = after.get(..len) else {
            return Some(Err(format!(
                "has an option (code {code}) of length {len} that runs past the end of the \
                 block: block corrupt"
            )));
        };
        // Tolerate a missing final padding; the value itself is complete.
        self.rest = after.get(len.next_multiple_of(4)..).unwrap_or_default();
        Some(Ok(RawOption { code, value }))
    }
}

/// pcapng strings are UTF-8 without terminator, but some writers add NULs.
fn text(value: &[u8]) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(value).map(|s| s.trim_end_matches('\0'))
}

fn owned_text(value: &[u8]) -> String {
    String::from_utf8_lossy(value)
        .trim_end_matches('\0')
        .to_owned()
}

/// Ticks per second for an `if_tsresol` value: 10^n, or 2^n with the high
/// bit set. `None` if it does not fit in 64 bits.
fn ts_units_per_sec(tsresol: u8) -> Option<u64> {
    let exponent = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        1u64.checked_shl(exponent)
    }
}

/// Describes a pcap-parser failure on a block whose framing is intact.
fn parse_failure(e: nom::Err<PcapError<&[u8]>>) -> String {
    match e {
        nom::Err::Incomplete(_) => "is too short for its fixed fields: block corrupt".into(),
        nom::Err::Error(e) | nom::Err::Failure(e) => match e {
            PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
                format!("could not be parsed ({kind:?}): block corrupt")
            }
            other => format!("could not be parsed ({other}): block corrupt"),
        },
    }
}

/// The readable section being read.
#[derive(Clone, Copy, Debug)]
struct SectionState {
    index: u32,
    /// Global index of the section's interface 0.
    first_interface: usize,
    interface_count: u32,
}

/// State carried from block to block.
#[derive(Clone)]
pub(super) struct BlockReader {
    endian: Endian,
    /// `None` after a skipped section, until the next section header.
    section: Option<SectionState>,
}

/// Secrets kept from a file's Decryption Secrets Blocks at most, in bytes.
pub const MAX_DECRYPTION_SECRETS: usize = 64 * 1024 * 1024;

/// The Decryption Secrets Blocks of a pcapng file in file order, as
/// (secrets type, secrets data). Walks the block framing only; a damaged
/// block ends the walk (packet reading reports the damage).
pub(super) fn decryption_secrets(bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut kept = 0;
    let mut pos = 0;
    let mut endian = Endian::Little;
    while let Ok(Some(block)) = read_block(bytes, pos, endian) {
        endian = block.endian;
        pos = block.end();
        if block.kind != DSB_MAGIC {
            continue;
        }
        let (Some(kind), Some(len)) = (endian.u32_at(block.body, 0), endian.u32_at(block.body, 4))
        else {
            continue;
        };
        let Some(data) = block.body.get(8..).and_then(|b| b.get(..len as usize)) else {
            continue;
        };
        kept += data.len();
        if kept > MAX_DECRYPTION_SECRETS {
            break;
        }
        out.push((kind, data.to_vec()));
    }
    out
}

impl BlockReader {
    pub(super) fn new() -> Self {
        BlockReader {
            endian: Endian::Little,
            section: None,
        }
    }

    /// Reads blocks from `*pos` up to and including the next packet block,
    /// recording interfaces, sections, statistics and names on the way.
    /// `None` at the end of the file. On error `*pos` stays at the bad block.
    pub(super) fn next_frame<'a>(
        &mut self,
        bytes: &'a [u8],
        pos: &mut usize,
        meta: &mut Metadata,
    ) -> Result<Option<Frame<'a>>, ReadError> {
        // Each pass moves `*pos` forward by at least one block header, so the
        // loop ends.
        while let Some(block) = read_block(bytes, *pos, self.endian)? {
            if block.kind == SHB_MAGIC {
                *pos = self
                    .begin_section(&block, meta, bytes.len())?
                    .unwrap_or(block.end());
                continue;
            }
            if self.section.is_none() {
                return Err(block.error(
                    "follows a skipped section, where a section header block should be: \
                     file corrupt",
                ));
            }
            let frame = match block.kind {
                EPB_MAGIC => Some(self.packet(&block, meta, false)?),
                OPB_MAGIC => Some(self.packet(&block, meta, true)?),
                SPB_MAGIC => Some(self.simple_packet(&block, meta)?),
                IDB_MAGIC => {
                    self.add_interface(&block, meta)?;
                    None
                }
                ISB_MAGIC => {
                    self.record_statistics(&block, meta);
                    None
                }
                NRB_MAGIC => {
                    self.record_names(&block, meta);
                    None
                }
                CB_MAGIC | DCB_MAGIC => {
                    meta.custom_blocks += 1;
                    Some(self.custom_block(&block, meta)?)
                }
                // Decryption secrets, systemd journal entries, process
                // information and unknown types: nothing packet reading
                // needs, skipped by their length.
                _ => None,
            };
            *pos = block.end();
            if frame.is_some() {
                return Ok(frame);
            }
        }
        Ok(None)
    }

    /// Starts the section of a section header block. Returns where to go
    /// on if the section is skipped.
    ///
    /// A section whose major version is not 1 cannot be read: the pcapng
    /// specification says to skip it. That is possible only if the SHB gives
    /// the section's length; then the section is skipped (noted in
    /// [`Metadata::warnings`] and [`Section::skipped`]) and reading goes on
    /// with the next section, so no readable packet is lost. Without a
    /// length (the usual -1) there is no safe way to find the next section,
    /// so reading stops with an error naming the SHB's offset, where tshark
    /// stops as well. Minor versions are not checked: they only add to
    /// what version 1.0 defines.
    fn begin_section(
        &mut self,
        block: &Block<'_>,
        meta: &mut Metadata,
        file_len: usize,
    ) -> Result<Option<usize>, ReadError> {
        block.require_len(28)?;
        let (_, shb) =
            parse_sectionheaderblock(block.bytes).map_err(|e| block.error(parse_failure(e)))?;
        let mut section = Section {
            offset: block.offset as u64,
            big_endian: block.endian == Endian::Big,
            version: (shb.major_version, shb.minor_version),
            length: u64::try_from(shb.section_len).ok(),
            ..Section::default()
        };
        if shb.major_version != 1 {
            return self.skip_section(block, section, meta, file_len).map(Some);
        }
        // Byte-order magic, versions and section length come before the
        // options.
        for option in block.options(16) {
            let RawOption { code, value } = option.map_err(|e| block.error(e))?;
            match code {
                OPT_COMMENT => section.comments.push(owned_text(value)),
                SHB_HARDWARE => section.hardware = Some(owned_text(value)),
                SHB_OS => section.os = Some(owned_text(value)),
                SHB_USERAPPL => section.user_application = Some(owned_text(value)),
                _ => {}
            }
        }
        self.endian = block.endian;
        self.section = Some(SectionState {
            index: meta.sections.len() as u32,
            first_interface: meta.interfaces.len(),
            interface_count: 0,
        });
        meta.sections.push(section);
        Ok(None)
    }

    fn skip_section(
        &mut self,
        block: &Block<'_>,
        mut section: Section,
        meta: &mut Metadata,
        file_len: usize,
    ) -> Result<usize, ReadError> {
        let (major, minor) = section.version;
        let Some(length) = section.length else {
            return Err(block.error(format_args!(
                "has pcapng version {major}.{minor}, which cannot be read, and no section \
                 length to skip the section by"
            )));
        };
        let next = usize::try_from(length)
            .ok()
            .and_then(|length| block.end().checked_add(length))
            .filter(|&next| next <= file_len)
            .ok_or_else(|| {
                block.error(format_args!(
                    "has pcapng version {major}.{minor}, which cannot be read, and a section \
                     length of {length} bytes that runs past the end of the file"
                ))
            })?;
        meta.warnings.push(block.error(format_args!(
            "has pcapng version {major}.{minor}, which cannot be read; skipped its \
             {length}-byte section"
        )));
        section.skipped = true;
        meta.sections.push(section);
        self.section = None;
        Ok(next)
    }

    /// Maps a section-local interface number to the global index.
    fn interface<'m>(
        &self,
        local: u32,
        block: &Block<'_>,
        meta: &'m Metadata,
    ) -> Result<(u32, &'m Interface), ReadError> {
        let unknown = || {
            let count = self.section.map_or(0, |s| s.interface_count);
            block.error(format_args!(
                "refers to interface {local}, but its section has {count} interface \
                 description block(s) before it: file corrupt"
            ))
        };
        let section = self.section.filter(|s| local < s.interface_count);
        let global = section.ok_or_else(unknown)?.first_interface + local as usize;
        let interface = meta.interfaces.get(global).ok_or_else(unknown)?;
        Ok((global as u32, interface))
    }

    /// Enhanced (or obsolete) packet block.
    fn packet<'a>(
        &self,
        block: &Block<'a>,
        meta: &mut Metadata,
        obsolete: bool,
    ) -> Result<Frame<'a>, ReadError> {
        block.require_len(BLOCK_OVERHEAD + PACKET_HEADER_LEN)?;
        let header = PacketHeader::read(block.body, block.endian, obsolete)
            .ok_or_else(|| block.error("is too short for its packet header"))?;
        let room = block.body.get(PACKET_HEADER_LEN..).unwrap_or_default();
        let caplen = header.caplen as usize;
        let data = room.get(..caplen).ok_or_else(|| {
            block.error(format_args!(
                "claims {caplen} captured bytes but has room for only {}: file corrupt",
                room.len()
            ))
        })?;
        let options = room.get(caplen.next_multiple_of(4)..).unwrap_or_default();
        let PacketOptions {
            comments,
            flags,
            drop_count,
        } = packet_options(block, options, &mut meta.warnings)?;
        let (interface_id, interface) = self.interface(header.interface, block, meta)?;
        Ok(Frame {
            number: 0,
            data,
            orig_len: header.orig_len,
            ts: interface.timestamp(header.ticks),
            has_ts: true,
            custom: None,
            section: current_section(meta),
            link_type: interface.link_type,
            interface_id,
            file_offset: block.offset as u64,
            comments,
            flags,
            drop_count,
        })
    }

    /// Simple packet block: interface 0 of the section, no timestamp, and a
    /// captured length implied by the original length, the block's room and
    /// the interface's snaplen.
    fn simple_packet<'a>(
        &self,
        block: &Block<'a>,
        meta: &Metadata,
    ) -> Result<Frame<'a>, ReadError> {
        let orig_len = block
            .endian
            .u32_at(block.body, 0)
            .ok_or_else(|| block.error("is too short for its length field: block corrupt"))?;
        let room = block.body.get(4..).unwrap_or_default();
        let (interface_id, interface) = self.interface(0, block, meta)?;
        let mut caplen = (orig_len as usize).min(room.len());
        if interface.snaplen != 0 {
            caplen = caplen.min(interface.snaplen as usize);
        }
        Ok(Frame {
            number: 0,
            data: &room[..caplen],
            orig_len,
            ts: Timestamp::default(),
            has_ts: false,
            custom: None,
            section: current_section(meta),
            link_type: interface.link_type,
            interface_id,
            file_offset: block.offset as u64,
            comments: Vec::new(),
            flags: None,
            drop_count: None,
        })
    }

    /// A custom block as a frame: its data is everything after the enterprise
    /// number (custom options included), as Wireshark shows it.
    fn custom_block<'a>(&self, block: &Block<'a>, meta: &Metadata) -> Result<Frame<'a>, ReadError> {
        let pen = block
            .endian
            .u32_at(block.body, 0)
            .ok_or_else(|| block.error("is too short for its enterprise number: block corrupt"))?;
        let data = block.body.get(4..).unwrap_or_default();
        Ok(Frame {
            number: 0,
            data,
            orig_len: data.len() as u32,
            ts: Timestamp::default(),
            has_ts: false,
            custom: Some(CustomBlock {
                pen,
                copyable: block.kind == CB_MAGIC,
            }),
            section: current_section(meta),
            link_type: LinkType(u32::MAX),
            interface_id: 0,
            file_offset: block.offset as u64,
            comments: Vec::new(),
            flags: None,
            drop_count: None,
        })
    }

    fn add_interface(&mut self, block: &Block<'_>, meta: &mut Metadata) -> Result<(), ReadError> {
        block.require_len(20)?;
        let (_, idb) = match block.endian {
            Endian::Little => parse_interfacedescriptionblock_le(block.bytes),
            Endian::Big => parse_interfacedescriptionblock_be(block.bytes),
        }
        .map_err(|e| block.error(parse_failure(e)))?;
        let Some(section) = self.section.as_mut() else {
            return Err(block.error("appears outside a section: file corrupt"));
        };
        // pcap-parser widened the 16-bit field to i32; it is never negative.
        let mut interface = Interface::new(LinkType(idb.linktype.0 as u32), idb.snaplen);
        interface.section = section.index;
        interface.id_in_section = section.interface_count;
        // Link type, reserved field and snaplen come before the options.
        for option in block.options(8) {
            let RawOption { code, value } = option.map_err(|e| block.error(e))?;
            match code {
                IF_NAME => interface.name = Some(owned_text(value)),
                IF_DESCRIPTION => interface.description = Some(owned_text(value)),
                IF_TSRESOL => {
                    let &[tsresol] = value else {
                        meta.warnings.push(block.error(format_args!(
                            "has an if_tsresol option of {} bytes instead of 1; ignored",
                            value.len()
                        )));
                        continue;
                    };
                    let units = ts_units_per_sec(tsresol).ok_or_else(|| {
                        block.error(format_args!(
                            "has if_tsresol {tsresol:#04x}, a resolution too fine to count \
                             in 64 bits: block corrupt"
                        ))
                    })?;
                    interface.set_ts_units_per_sec(units);
                }
                IF_FCSLEN => interface.fcs_len = value.first().copied(),
                // A signed 64-bit count of seconds.
                IF_TSOFFSET => match block.endian.u64_at(value, 0) {
                    Some(offset) if value.len() == 8 => interface.ts_offset_secs = offset as i64,
                    _ => meta.warnings.push(block.error(format_args!(
                        "has an if_tsoffset option of {} bytes instead of 8; ignored",
                        value.len()
                    ))),
                },
                _ => {}
            }
        }
        section.interface_count += 1;
        meta.interfaces.push(interface);
        Ok(())
    }

    /// Statistics are not needed to read packets, so a bad ISB is a warning.
    fn record_statistics(&self, block: &Block<'_>, meta: &mut Metadata) {
        match self.statistics(block, meta) {
            Ok(stats) => meta.statistics.push(stats),
            Err(warning) => meta.warnings.push(warning),
        }
    }

    fn statistics(&self, block: &Block<'_>, meta: &Metadata) -> Result<InterfaceStats, ReadError> {
        block.require_len(24)?;
        let (_, isb) = match block.endian {
            Endian::Little => parse_interfacestatisticsblock_le(block.bytes),
            Endian::Big => parse_interfacestatisticsblock_be(block.bytes),
        }
        .map_err(|e| block.error(parse_failure(e)))?;
        let (interface_id, interface) = self.interface(isb.if_id, block, meta)?;
        let ticks = u64::from(isb.ts_high) << 32 | u64::from(isb.ts_low);
        let mut stats = InterfaceStats {
            interface_id,
            offset: block.offset as u64,
            ts: interface.timestamp(ticks),
            ..InterfaceStats::default()
        };
        let counter = |value: &[u8]| block.endian.u64_at(value, 0);
        let time = |value: &[u8]| {
            let ticks = block.endian.ticks_at(value, 0)?;
            Some(interface.timestamp(ticks))
        };
        // Interface, timestamp high and low come before the options.
        for option in block.options(12) {
            let RawOption { code, value } = option.map_err(|e| block.error(e))?;
            match code {
                OPT_COMMENT => stats.comments.push(owned_text(value)),
                ISB_STARTTIME => stats.start = time(value),
                ISB_ENDTIME => stats.end = time(value),
                ISB_IFRECV => stats.received = counter(value),
                ISB_IFDROP => stats.if_dropped = counter(value),
                ISB_FILTERACCEPT => stats.filter_accepted = counter(value),
                ISB_OSDROP => stats.os_dropped = counter(value),
                ISB_USRDELIV => stats.delivered = counter(value),
                _ => {}
            }
        }
        Ok(stats)
    }

    /// Names are not needed to read packets, so a bad NRB is a warning.
    fn record_names(&self, block: &Block<'_>, meta: &mut Metadata) {
        let parsed = match block.endian {
            Endian::Little => parse_nameresolutionblock_le(block.bytes),
            Endian::Big => parse_nameresolutionblock_be(block.bytes),
        };
        match parsed {
            Ok((_, nrb)) => meta.names.extend(nrb.nr.iter().filter_map(name_entry)),
            Err(e) => meta.warnings.push(block.error(parse_failure(e))),
        }
    }
}

/// The fixed fields of an EPB or OPB.
struct PacketHeader {
    interface: u32,
    ticks: u64,
    caplen: u32,
    orig_len: u32,
}

impl PacketHeader {
    /// The OPB has a 16-bit interface number followed by a 16-bit drop
    /// count where the EPB has a 32-bit interface number.
    fn read(body: &[u8], endian: Endian, obsolete: bool) -> Option<PacketHeader> {
        let interface = if obsolete {
            u32::from(endian.u16_at(body, 0)?)
        } else {
            endian.u32_at(body, 0)?
        };
        Some(PacketHeader {
            interface,
            ticks: endian.ticks_at(body, 4)?,
            caplen: endian.u32_at(body, 12)?,
            orig_len: endian.u32_at(body, 16)?,
        })
    }
}

/// Collects `opt_comment` values; allocates only if there is one.
/// `epb_flags` (pcapng section 4.3.1).
const OPT_EPB_FLAGS: u16 = 2;
/// `epb_dropcount`.
const OPT_EPB_DROPCOUNT: u16 = 4;

/// The index of the section being read: the last one begun.
fn current_section(meta: &Metadata) -> u32 {
    meta.sections.len().saturating_sub(1) as u32
}

/// What a packet block's options say that readers show.
struct PacketOptions<'a> {
    comments: Vec<&'a str>,
    /// `epb_flags`: direction, reception type, FCS length, link-layer errors.
    flags: Option<u32>,
    /// `epb_dropcount`: packets lost between this one and the one before.
    drop_count: Option<u64>,
}

fn packet_options<'a>(
    block: &Block<'a>,
    options: &'a [u8],
    warnings: &mut Vec<ReadError>,
) -> Result<PacketOptions<'a>, ReadError> {
    let mut found = PacketOptions {
        comments: Vec::new(),
        flags: None,
        drop_count: None,
    };
    let options = Options {
        rest: options,
        endian: block.endian,
    };
    for option in options {
        let RawOption { code, value } = option.map_err(|e| block.error(e))?;
        match code {
            OPT_COMMENT => match text(value) {
                Ok(comment) => found.comments.push(comment),
                Err(_) => warnings.push(block.error("has a comment that is not UTF-8; left out")),
            },
            OPT_EPB_FLAGS => match block.endian.u32_at(value, 0) {
                Some(flags) if value.len() == 4 => found.flags = Some(flags),
                _ => warnings
                    .push(block.error("has an epb_flags option that is not 4 bytes; left out")),
            },
            OPT_EPB_DROPCOUNT => match block.endian.u64_at(value, 0) {
                Some(drops) if value.len() == 8 => found.drop_count = Some(drops),
                _ => warnings
                    .push(block.error("has an epb_dropcount option that is not 8 bytes; left out")),
            },
            _ => {}
        }
    }
    Ok(found)
}

/// An IPv4 or IPv6 record: the address, then NUL-terminated names (and
/// zero padding, which yields no names).
fn name_entry(record: &NameRecord<'_>) -> Option<NameEntry> {
    let value = record.record_value;
    let (address, names) = match record.record_type {
        NameRecordType::Ipv4 => {
            let (address, names) = value.split_first_chunk::<4>()?;
            (IpAddr::from(*address), names)
        }
        NameRecordType::Ipv6 => {
            let (address, names) = value.split_first_chunk::<16>()?;
            (IpAddr::from(*address), names)
        }
        _ => return None,
    };
    let names = names
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect();
    Some(NameEntry { address, names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsresol_powers_of_ten_and_two() {
        assert_eq!(ts_units_per_sec(6), Some(1_000_000));
        assert_eq!(ts_units_per_sec(9), Some(1_000_000_000));
        assert_eq!(ts_units_per_sec(0x80 | 20), Some(1 << 20));
        assert_eq!(ts_units_per_sec(0x80 | 63), Some(1 << 63));
        assert_eq!(ts_units_per_sec(0x80 | 64), None);
        assert_eq!(ts_units_per_sec(20), None);
    }

    #[test]
    fn options_stop_at_end_of_options_and_report_overruns() {
        let bytes = [1, 0, 3, 0, b'a', b'b', b'c', 0, 0, 0, 0, 0, 9, 9, 9, 9];
        let opts: Vec<_> = Options {
            rest: &bytes,
            endian: Endian::Little,
        }
        .collect();
        assert_eq!(opts.len(), 1);
        let Ok(first) = &opts[0] else {
            panic!("first option is fine")
        };
        assert_eq!((first.code, first.value), (1, &b"abc"[..]));

        let bytes = [1, 0, 40, 0, b'a', 0, 0, 0];
        let opts: Vec<_> = Options {
            rest: &bytes,
            endian: Endian::Little,
        }
        .collect();
        let [Err(e)] = opts.as_slice() else {
            panic!("overrun must be an error")
        };
        assert!(e.contains("length 40"), "{e}");
    }

    #[test]
    fn name_records_give_addresses_and_names() {
        let record = NameRecord {
            record_type: NameRecordType::Ipv4,
            record_value: b"\x7f\x00\x00\x01localhost\0lo\0\0\0\0",
        };
        let entry = name_entry(&record).expect("IPv4 record");
        assert_eq!(entry.address, IpAddr::from([127, 0, 0, 1]));
        assert_eq!(entry.names, ["localhost", "lo"]);
    }
}
