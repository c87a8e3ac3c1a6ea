//! Reading pcap and pcapng files.
//!
//! A [`CaptureFile`] owns the file's bytes (a read-only memory map, or a
//! buffer for stdin) and knows its [`FileFormat`]. [`CaptureFile::packets`]
//! starts a [`Packets`] iterator at the first record; it reads one record or
//! block per step, so the first packets are available at once and memory
//! stays flat whatever the file size.
//!
//! pcapng files describe their interfaces (IDBs), statistics (ISBs) and name
//! resolution (NRBs) in blocks between the packets, so that information is
//! discovered while iterating: [`Packets::interfaces`] and friends show what
//! was seen so far, and [`CaptureFile::metadata`] what a full pass finds.
//!
//! # Reading rules
//!
//! - Damage (a record or block running past the end of the file, a block
//!   whose length fields disagree, a packet block naming an interface that
//!   was never described, an option overrunning its block, ...) ends the
//!   iteration with one [`ReadError`] naming the offset of the record or
//!   block; every packet before it has been yielded. Problems that lose no
//!   packet (a statistics block for an unknown interface, a comment that is
//!   not UTF-8, a skipped section) become [`Metadata::warnings`].
//! - pcapng sections whose major version is not 1 are skipped, as the
//!   specification asks, when their section header gives the section
//!   length; otherwise reading stops there with an error (tshark stops there
//!   too).
//! - pcapng interfaces are numbered across sections in order of appearance
//!   ([`Frame::interface_id`]); [`Interface::id_in_section`] is the number
//!   within the section, which tshark prints as `frame.interface_id`.
//! - Simple Packet Blocks use interface 0 of their section; their captured
//!   length is the smallest of original length, block room and snaplen, and
//!   they have no timestamp ([`Frame::has_ts`] is false).
//! - pcap: only major version 2 is read; before 2.3 the two length fields
//!   are swapped (and in 2.3 when the captured length is the larger), as
//!   libpcap and Wireshark read them. Bits 16-25 of the link-type field
//!   must be zero; bits 26-31 give the FCS length ([`Interface::fcs_len`]).
//!   A record claiming more than both the snaplen and 262144 bytes is taken
//!   for corruption, like libpcap and Wireshark do.
//! - A pcap fraction field of one second or more (`tv_usec >= 1e6`) is kept
//!   and carried into the seconds, giving the instant the fields describe;
//!   tshark prints such fields unnormalised.

mod error;
mod follow;
mod pcap;
mod pcapng;

use std::fmt;
use std::fs::File;
use std::iter::FusedIterator;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use memmap2::Mmap;
use wirelens_dissect::{FrameMeta, LinkType, Timestamp};

pub use error::{OpenError, ReadError};
pub use follow::{FollowError, Follower, Polled};

/// A pcapng custom block (type 0x00000BAD, or 0x40000BAD: not to be copied).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomBlock {
    /// The IANA Private Enterprise Number of the block's owner.
    pub pen: u32,
    /// Whether the block may be copied to a new file (type 0x00000BAD).
    pub copyable: bool,
}

/// One packet record of a capture file, borrowing its bytes from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// 1-based packet number in the file. Only packets are counted: pcapng
    /// custom blocks, which tshark also numbers as records, are not.
    pub number: u64,
    /// The captured bytes (`frame.cap_len` is `data.len()`).
    pub data: &'a [u8],
    /// The packet's length on the wire (`frame.len`).
    pub orig_len: u32,
    /// Capture time. Zero when `has_ts` is false.
    pub ts: Timestamp,
    /// False for pcapng Simple Packet Blocks, which carry no timestamp
    /// (tshark then prints no `frame.time_epoch`).
    pub has_ts: bool,
    /// Set when the record is a pcapng custom block rather than a packet:
    /// Wireshark shows those as frames of their own, and so does wirelens.
    pub custom: Option<CustomBlock>,
    /// Index of the pcapng section the record is in (0 for pcap).
    pub section: u32,
    pub link_type: LinkType,
    /// Index into the file's interface table ([`Packets::interfaces`],
    /// [`CaptureFile::interfaces`]), numbered across all sections in order of
    /// appearance. Always 0 for pcap.
    pub interface_id: u32,
    /// Byte offset of the record (pcap) or block (pcapng) in the file.
    pub file_offset: u64,
    /// pcapng packet comments (`opt_comment`); empty for none and for pcap.
    pub comments: Vec<&'a str>,
    /// pcapng `epb_flags`, when the packet block has them.
    pub flags: Option<u32>,
    /// pcapng `epb_dropcount`, when the packet block has it.
    pub drop_count: Option<u64>,
}

impl<'a> Frame<'a> {
    /// What the dissector needs to know of this frame. pcapng frames carry
    /// their section and interface (numbered within the section, as tshark
    /// numbers them); pcap frames and custom blocks have no interface.
    /// `interfaces` is the reader's interface table, indexed by `interface_id`.
    pub fn meta(&'a self, interfaces: &'a [Interface], pcapng: bool) -> FrameMeta<'a> {
        let iface = interfaces
            .get(self.interface_id as usize)
            .filter(|_| pcapng && self.custom.is_none());
        FrameMeta {
            number: self.number,
            ts: self.ts,
            orig_len: self.orig_len,
            link_type: self.link_type,
            section: pcapng.then_some(self.section + 1),
            interface_id: iface.map(|i| i.id_in_section),
            interface_name: iface.and_then(|i| i.name.as_deref()),
            comments: &self.comments,
            has_ts: self.has_ts,
            custom: self.custom.map(|c| (c.pen, c.copyable)),
            packet_flags: self.flags,
            drop_count: self.drop_count,
            ts_digits: interfaces
                .get(self.interface_id as usize)
                .map_or(9, |i| ts_digits(i.ts_units_per_sec)),
        }
    }
}

/// Decimal places of a timestamp with `units` ticks per second: `n` for
/// 10^n; for 2^n, the digits 2^n needs (as Wireshark rounds a binary
/// resolution up to a decimal one); at most 9.
fn ts_digits(units: u64) -> u8 {
    let mut digits = 0u8;
    let mut rest = units.max(1);
    while rest > 1 && digits < 9 {
        digits += 1;
        rest = rest.div_ceil(10);
    }
    digits
}

/// The container format of a capture file, as its header declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Pcap {
        big_endian: bool,
        nanosecond: bool,
        /// Alexey Kuznetzov's "modified" pcap (magic `a1b2cd34`), whose
        /// record headers have 8 more bytes.
        modified: bool,
        version: (u16, u16),
    },
    /// pcapng; each section declares its own byte order (see [`Section`]).
    PcapNg,
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FileFormat::Pcap {
                big_endian,
                nanosecond,
                modified,
                version: (major, minor),
            } => {
                let flavour = if modified { "modified pcap" } else { "pcap" };
                let order = if big_endian {
                    "big-endian"
                } else {
                    "little-endian"
                };
                let unit = if nanosecond { "ns" } else { "µs" };
                write!(f, "{flavour} {major}.{minor} {order} {unit}")
            }
            FileFormat::PcapNg => f.write_str("pcapng"),
        }
    }
}

/// A capture interface: the pcap file header, or one pcapng IDB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub link_type: LinkType,
    /// `if_name`.
    pub name: Option<String>,
    /// `if_description`.
    pub description: Option<String>,
    /// Maximum captured length; 0 means "no limit" in pcapng.
    pub snaplen: u32,
    /// Nanoseconds per timestamp tick, rounded down, at least 1. Exact only
    /// for resolutions of 1 ns or coarser; see `ts_units_per_sec`.
    pub ts_resolution_nanos: u64,
    /// Index of the pcapng section (see [`Metadata::sections`]); 0 for pcap.
    pub section: u32,
    /// The interface number within its section, as pcapng blocks refer to it
    /// and as tshark prints `frame.interface_id`.
    pub id_in_section: u32,
    /// Timestamp ticks per second (`if_tsresol`: 10^n or 2^n).
    pub ts_units_per_sec: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    pub ts_offset_secs: i64,
    /// Length of the frame check sequence at the end of each frame, where the
    /// file says (pcap link-type field bits 26-31, pcapng `if_fcslen`).
    pub fcs_len: Option<u8>,
}

impl Interface {
    /// An interface with pcap's defaults: microsecond ticks, no name.
    pub fn new(link_type: LinkType, snaplen: u32) -> Self {
        Interface {
            link_type,
            name: None,
            description: None,
            snaplen,
            ts_resolution_nanos: 1_000,
            section: 0,
            id_in_section: 0,
            ts_units_per_sec: 1_000_000,
            ts_offset_secs: 0,
            fcs_len: None,
        }
    }

    /// Sets the tick rate and the derived `ts_resolution_nanos`.
    pub(crate) fn set_ts_units_per_sec(&mut self, units: u64) {
        self.ts_units_per_sec = units.max(1);
        self.ts_resolution_nanos = (1_000_000_000 / self.ts_units_per_sec).max(1);
    }

    /// Converts a tick count in this interface's resolution to a timestamp.
    /// Sub-nanosecond parts are cut off.
    pub fn timestamp(&self, ticks: u64) -> Timestamp {
        // Constant divisors for the two resolutions nearly every file uses
        // turn the divisions into multiplications on the hot path.
        let (secs, nanos) = match self.ts_units_per_sec {
            1_000_000 => (ticks / 1_000_000, ticks % 1_000_000 * 1_000),
            1_000_000_000 => (ticks / 1_000_000_000, ticks % 1_000_000_000),
            units => {
                let units = units.max(1);
                let nanos = u128::from(ticks % units) * 1_000_000_000 / u128::from(units);
                (ticks / units, u64::try_from(nanos).unwrap_or(0))
            }
        };
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        Timestamp::new(secs.saturating_add(self.ts_offset_secs), nanos)
    }
}

/// One pcapng section (from its Section Header Block).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// Byte offset of the SHB.
    pub offset: u64,
    pub big_endian: bool,
    pub version: (u16, u16),
    /// The section length the SHB declares, if it declares one.
    pub length: Option<u64>,
    /// `shb_hardware`.
    pub hardware: Option<String>,
    /// `shb_os`.
    pub os: Option<String>,
    /// `shb_userappl`: the program that wrote the section.
    pub user_application: Option<String>,
    /// `opt_comment`: the capture file comments Wireshark shows.
    pub comments: Vec<String>,
    /// True if the section was skipped because its major version is not 1.
    pub skipped: bool,
}

/// Counters from one pcapng Interface Statistics Block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterfaceStats {
    /// Global interface index, as in [`Frame::interface_id`].
    pub interface_id: u32,
    /// Byte offset of the ISB.
    pub offset: u64,
    /// When the counters were taken.
    pub ts: Timestamp,
    /// `isb_starttime`
    pub start: Option<Timestamp>,
    /// `isb_endtime`
    pub end: Option<Timestamp>,
    /// `isb_ifrecv`: packets seen by the interface.
    pub received: Option<u64>,
    /// `isb_ifdrop`: packets the interface dropped.
    pub if_dropped: Option<u64>,
    /// `isb_filteraccept`: packets accepted by the capture filter.
    pub filter_accepted: Option<u64>,
    /// `isb_osdrop`: packets the operating system dropped.
    pub os_dropped: Option<u64>,
    /// `isb_usrdeliv`: packets delivered to the capturing program.
    pub delivered: Option<u64>,
    pub comments: Vec<String>,
}

/// An address and the host names a pcapng Name Resolution Block gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameEntry {
    pub address: IpAddr,
    pub names: Vec<String>,
}

/// What a file says about itself besides packets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Interfaces in order of appearance across sections; indexed by
    /// [`Frame::interface_id`].
    pub interfaces: Vec<Interface>,
    /// pcapng sections in file order; empty for pcap.
    pub sections: Vec<Section>,
    pub statistics: Vec<InterfaceStats>,
    pub names: Vec<NameEntry>,
    /// pcapng custom blocks skipped (tshark counts these as records).
    pub custom_blocks: u64,
    /// Problems that did not stop reading: a skipped section, a comment that
    /// is not UTF-8, a statistics block for an unknown interface, ...
    pub warnings: Vec<ReadError>,
}

/// A capture file, mapped into memory (or held in a buffer).
///
/// `CaptureFile` is `Send + Sync`: one thread can iterate while another
/// reads the same file.
pub struct CaptureFile {
    bytes: Bytes,
    format: FileFormat,
    kind: Kind,
    metadata: OnceLock<Metadata>,
}

enum Bytes {
    Mapped(Mmap),
    Owned(Vec<u8>),
    /// A file another program is still appending to, mapped far past its
    /// end so that the mapping never needs to move: only the first `valid`
    /// bytes, which the file held at the last [`CaptureFile::refresh`], are
    /// ever read.
    Growing {
        map: Mmap,
        file: File,
        valid: AtomicUsize,
    },
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(vec) => vec,
            Bytes::Growing { map, valid, .. } => {
                let valid = valid.load(Ordering::Acquire).min(map.len());
                map.get(..valid).unwrap_or_default()
            }
        }
    }

    fn map(&self) -> Option<&Mmap> {
        match self {
            Bytes::Mapped(map) | Bytes::Growing { map, .. } => Some(map),
            Bytes::Owned(_) => None,
        }
    }
}

/// Address space reserved for a growing file: the most of it a session can
/// follow. Reserving costs no memory.
#[cfg(target_pointer_width = "64")]
const GROWING_RESERVE: usize = 1 << 40;
#[cfg(not(target_pointer_width = "64"))]
const GROWING_RESERVE: usize = 1 << 30;

/// What each format needs to start reading records.
enum Kind {
    Pcap {
        interface: Interface,
        records: pcap::RecordReader,
    },
    PcapNg,
}

impl CaptureFile {
    /// Opens and memory-maps a capture file, and checks its header.
    pub fn open(path: &Path) -> Result<CaptureFile, OpenError> {
        let file = File::open(path)?;
        if file.metadata()?.len() == 0 {
            return Err(OpenError::NotACapture {
                reason: "the file is empty".into(),
            });
        }
        // SAFETY: the map is read-only and every byte of it is treated as
        // untrusted input, so concurrent changes to the file can only give
        // wrong packets, never unsoundness in this crate's own reads. The one
        // remaining hazard of file mappings, another process truncating the
        // file while it is mapped (SIGBUS on access), is accepted as the cost
        // of reading gigabyte captures without copying them, as other
        // mmap-based readers do.
        #[allow(unsafe_code)]
        let map = unsafe { Mmap::map(&file)? };
        #[cfg(unix)]
        {
            // Only a hint for read-ahead; reading works the same without it.
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        Self::from_storage(Bytes::Mapped(map))
    }

    /// Opens a capture file that another program (a live capture) is still
    /// writing. Its header must be complete; [`refresh`](Self::refresh)
    /// makes what was appended since readable.
    pub fn open_growing(path: &Path) -> Result<CaptureFile, OpenError> {
        let file = File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if len == 0 {
            return Err(OpenError::NotACapture {
                reason: "the file is empty".into(),
            });
        }
        // SAFETY: as in `open`. The map reaches past the end of the file, but
        // only the part the file held at the last refresh is ever read, and
        // a file only grows while it is written; a file truncated under the
        // map is the hazard `open` accepts too.
        #[allow(unsafe_code)]
        let map = unsafe {
            memmap2::MmapOptions::new()
                .len(GROWING_RESERVE.max(len))
                .map(&file)?
        };
        Self::from_storage(Bytes::Growing {
            map,
            file,
            valid: AtomicUsize::new(len),
        })
    }

    /// For a file opened with [`open_growing`](Self::open_growing): takes in
    /// what was appended since, and returns the length now readable. For
    /// any other file, returns its length.
    pub fn refresh(&self) -> u64 {
        if let Bytes::Growing { map, file, valid } = &self.bytes {
            if let Ok(meta) = file.metadata() {
                let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
                // Never shrink: bytes already handed out stay valid.
                valid.fetch_max(len.min(map.len()), Ordering::AcqRel);
            }
        }
        self.len()
    }

    /// Reads a capture from a buffer, such as all of stdin.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<CaptureFile, OpenError> {
        Self::from_storage(Bytes::Owned(bytes))
    }

    fn from_storage(bytes: Bytes) -> Result<CaptureFile, OpenError> {
        let data = bytes.as_slice();
        let Some(magic) = data.first_chunk::<4>() else {
            return Err(OpenError::NotACapture {
                reason: format!(
                    "the file is {} bytes long, too short for any capture header",
                    data.len()
                ),
            });
        };
        let (format, kind) = if pcapng::is_magic(magic) {
            pcapng::check_first_section(data)?;
            (FileFormat::PcapNg, Kind::PcapNg)
        } else if pcap::is_magic(magic) {
            let header = pcap::open(data)?;
            let kind = Kind::Pcap {
                interface: header.interface,
                records: header.records,
            };
            (header.format, kind)
        } else {
            return Err(OpenError::NotACapture {
                reason: unknown_magic(magic),
            });
        };
        Ok(CaptureFile {
            bytes,
            format,
            kind,
            metadata: OnceLock::new(),
        })
    }

    pub fn format(&self) -> &FileFormat {
        &self.format
    }

    /// File size in bytes; compare with [`Packets::bytes_read`] for progress.
    pub fn len(&self) -> u64 {
        self.as_bytes().len() as u64
    }

    /// Never true for an opened capture (it has at least a header); here
    /// because `len` is.
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }

    /// The whole file, for hex views and for re-reading a frame's bytes by
    /// offset.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// A lazy iterator over the packets, from the first record on.
    pub fn packets(&self) -> Packets<'_> {
        let bytes = self.as_bytes();
        let (reader, pos, metadata) = match &self.kind {
            Kind::Pcap { interface, records } => (
                Reader::Pcap(*records),
                pcap::FILE_HEADER_LEN,
                Metadata {
                    interfaces: vec![interface.clone()],
                    ..Metadata::default()
                },
            ),
            Kind::PcapNg => (
                Reader::PcapNg(pcapng::BlockReader::new()),
                0,
                Metadata::default(),
            ),
        };
        Packets {
            bytes,
            pos,
            number: 0,
            finished: false,
            reader,
            metadata,
            map: self.bytes.map(),
            released_to: 0,
        }
    }

    /// The pcap record at `offset` (its [`Frame::file_offset`], as the
    /// session index keeps it), numbered `number`, read without walking the
    /// records before it. `None` for pcapng, where a block's meaning depends
    /// on the interface blocks before it: walk [`CaptureFile::packets`] there.
    pub fn pcap_frame_at(&self, offset: u64, number: u64) -> Option<Result<Frame<'_>, ReadError>> {
        let Kind::Pcap { records, .. } = &self.kind else {
            return None;
        };
        let mut pos = usize::try_from(offset).ok()?;
        let read = records.next_frame(self.as_bytes(), &mut pos);
        Some(match read {
            Ok(Some(mut frame)) => {
                frame.number = number;
                Ok(frame)
            }
            Ok(None) => Err(ReadError::new(pos, "no record at this offset")),
            Err(e) => Err(e),
        })
    }

    /// Continues reading where [`Packets::resume_point`] was taken: the next
    /// frame yielded is the one that followed it, with the same number.
    pub fn packets_from(&self, at: &ResumePoint) -> Packets<'_> {
        Packets {
            bytes: self.as_bytes(),
            pos: at.pos,
            number: at.number,
            finished: at.finished,
            reader: at.reader.clone(),
            metadata: at.metadata.clone(),
            map: self.bytes.map(),
            released_to: at.pos & !(PAGE - 1),
        }
    }

    /// Everything the file says besides packets.
    ///
    /// For pcap this is known from the header. For pcapng the first call
    /// reads the whole file once (block by block, as [`packets`] does) and
    /// keeps the result; a program that is iterating anyway can use
    /// [`Packets::metadata`] instead and skip that extra pass.
    ///
    /// [`packets`]: CaptureFile::packets
    /// The secrets of the file's pcapng Decryption Secrets Blocks, as
    /// (secrets type, data) in file order (none for pcap). For TLS key logs
    /// (type `0x544c534b`) hand them to `Prefs::add_decryption_secrets`.
    pub fn decryption_secrets(&self) -> Vec<(u32, Vec<u8>)> {
        match &self.kind {
            Kind::PcapNg => pcapng::decryption_secrets(self.as_bytes()),
            Kind::Pcap { .. } => Vec::new(),
        }
    }

    pub fn metadata(&self) -> &Metadata {
        self.metadata.get_or_init(|| match &self.kind {
            Kind::Pcap { interface, .. } => Metadata {
                interfaces: vec![interface.clone()],
                ..Metadata::default()
            },
            Kind::PcapNg => {
                let mut packets = self.packets();
                packets.by_ref().for_each(drop);
                packets.into_metadata()
            }
        })
    }

    /// All interfaces of the file (see [`metadata`](CaptureFile::metadata)
    /// for the cost on pcapng).
    pub fn interfaces(&self) -> &[Interface] {
        &self.metadata().interfaces
    }

    /// pcapng sections; empty for pcap.
    pub fn sections(&self) -> &[Section] {
        &self.metadata().sections
    }

    /// The capture comments of all sections, in file order.
    pub fn section_comments(&self) -> impl Iterator<Item = &str> {
        self.sections()
            .iter()
            .flat_map(|section| section.comments.iter().map(String::as_str))
    }
}

impl fmt::Debug for CaptureFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureFile")
            .field("format", &self.format)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

fn unknown_magic(magic: &[u8; 4]) -> String {
    let hex = format!(
        "{:02x} {:02x} {:02x} {:02x}",
        magic[0], magic[1], magic[2], magic[3]
    );
    if magic.starts_with(&[0x1f, 0x8b]) {
        format!("it starts with {hex}, the gzip signature: decompress it first")
    } else {
        format!("unknown magic number {hex}")
    }
}

/// Iterator over the packets of a [`CaptureFile`].
///
/// Yields `Ok(frame)` for each packet in file order. If the file is damaged,
/// it yields every packet before the damage, then one `Err` naming the
/// offset, and then ends.
pub struct Packets<'a> {
    bytes: &'a [u8],
    /// Offset of the next record or block.
    pos: usize,
    /// Number of frames yielded so far.
    number: u64,
    finished: bool,
    reader: Reader,
    metadata: Metadata,
    /// The file's map, when it is mapped: pages read past are handed back to
    /// the kernel so a sequential pass holds a few MiB, not the whole file.
    map: Option<&'a Mmap>,
    /// Everything before this offset has been handed back.
    released_to: usize,
}

/// A saved reading position of [`Packets`]: see [`Packets::resume_point`].
#[derive(Clone)]
pub struct ResumePoint {
    pos: usize,
    number: u64,
    finished: bool,
    reader: Reader,
    metadata: Metadata,
}

impl ResumePoint {
    /// Frames read before this point (the next frame has this number + 1).
    pub fn frames_read(&self) -> u64 {
        self.number
    }
}

impl fmt::Debug for ResumePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumePoint")
            .field("pos", &self.pos)
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

/// Page size assumed for aligning released ranges (a multiple of every
/// Linux page size in use is not needed: a smaller alignment only makes the
/// kernel round the range inwards).
const PAGE: usize = 4096;

/// How far a sequential pass reads past pages before handing them back.
const RELEASE_STEP: usize = 1 << 20;

#[derive(Clone)]
enum Reader {
    Pcap(pcap::RecordReader),
    PcapNg(pcapng::BlockReader),
}

impl<'a> Packets<'a> {
    /// Bytes consumed so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.pos as u64
    }

    /// Interfaces seen so far, indexed by [`Frame::interface_id`].
    pub fn interfaces(&self) -> &[Interface] {
        &self.metadata.interfaces
    }

    /// Interface statistics blocks seen so far.
    pub fn statistics(&self) -> &[InterfaceStats] {
        &self.metadata.statistics
    }

    /// pcapng sections seen so far.
    pub fn sections(&self) -> &[Section] {
        &self.metadata.sections
    }

    /// Problems so far that did not stop reading.
    pub fn warnings(&self) -> &[ReadError] {
        &self.metadata.warnings
    }

    /// All metadata seen so far.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    pub fn into_metadata(self) -> Metadata {
        self.metadata
    }

    /// Where the iterator stands, to continue later with
    /// [`CaptureFile::packets_from`] (on the same file): the reader's
    /// position, frame count, pcapng section state and the metadata seen so far.
    pub fn resume_point(&self) -> ResumePoint {
        ResumePoint {
            pos: self.pos,
            number: self.number,
            finished: self.finished,
            reader: self.reader.clone(),
            metadata: self.metadata.clone(),
        }
    }

    /// Where to read on once a file that was being written has grown: the
    /// reader stopped at its end, or at the start of a record it could not
    /// read yet, and reading resumes there.
    /// Length of the bytes this iterator reads: the file's length when it
    /// was created.
    pub(crate) fn readable_len(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub(crate) fn resume_point_to_continue(&self) -> ResumePoint {
        let mut at = self.resume_point();
        at.finished = false;
        at
    }

    /// Hands the pages behind the reading position back to the kernel once
    /// `RELEASE_STEP` bytes have been read past them. Frames already yielded
    /// stay valid: touching their bytes again faults the pages back in from
    /// the page cache.
    #[allow(unsafe_code)]
    fn release_read_pages(&mut self) {
        let Some(map) = self.map else {
            return;
        };
        if self.pos < self.released_to + 2 * RELEASE_STEP {
            return;
        }
        let end = (self.pos - RELEASE_STEP) & !(PAGE - 1);
        // SAFETY: the map is a read-only shared mapping of a file. MADV_DONTNEED
        // on it only drops this process's copies of the pages; later reads fault
        // the same file contents back in, so no reference into the map is
        // invalidated or changed.
        let _ = unsafe {
            map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                self.released_to,
                end - self.released_to,
            )
        };
        self.released_to = end;
    }

    fn read_next(&mut self) -> Result<Option<Frame<'a>>, ReadError> {
        self.release_read_pages();
        match &mut self.reader {
            Reader::Pcap(records) => records.next_frame(self.bytes, &mut self.pos),
            Reader::PcapNg(blocks) => {
                blocks.next_frame(self.bytes, &mut self.pos, &mut self.metadata)
            }
        }
    }
}

impl<'a> Iterator for Packets<'a> {
    type Item = Result<Frame<'a>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.read_next() {
            Ok(Some(mut frame)) => {
                self.number += 1;
                frame.number = self.number;
                Some(Ok(frame))
            }
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(error) => {
                self.finished = true;
                Some(Err(error))
            }
        }
    }
}

impl FusedIterator for Packets<'_> {}

impl fmt::Debug for Packets<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Packets")
            .field("bytes_read", &self.pos)
            .field("packets", &self.number)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
