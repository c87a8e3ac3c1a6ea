//! HPACK (RFC 7541) for one direction of a connection: `loona-hpack` keeps the
//! dynamic table and does the Huffman decoding; this wrapper adds what a
//! passive observer needs that an endpoint does not:
//!
//! - each header's representation and table index (a scan of the block that
//!   runs alongside the decoder, which only yields names and values);
//! - incremental decoding of a block split over HEADERS and CONTINUATION
//!   frames, one complete representation at a time, as Wireshark shows it;
//! - a bound on the decoded size of one header list ([`MAX_HEADER_LIST_BYTES`])
//!   against blocks that expand a few bytes into megabytes;
//! - once a block cannot be decoded (lost bytes, a corrupt block), the
//!   dynamic table is unknown: every later block of the direction is reported
//!   as undecodable instead of showing headers from a wrong table.

use std::borrow::Cow;

use loona_hpack::Decoder;

/// Decoded bytes (name + value + 32 per header, RFC 7541 section 4.1) kept for
/// one header list; past it the headers are still decoded to keep the table
/// right, but not kept, and the block is reported as cut.
pub const MAX_HEADER_LIST_BYTES: usize = 256 * 1024;
/// Bytes of an unfinished block (HEADERS and CONTINUATION frames) held.
pub const MAX_PENDING_BLOCK: usize = 1024 * 1024;
/// HPACK's per-entry overhead (RFC 7541 section 4.1).
const ENTRY_OVERHEAD: usize = 32;

/// How a header field was represented (RFC 7541 section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    Indexed,
    Incremental { indexed_name: bool },
    WithoutIndexing { indexed_name: bool },
    NeverIndexed { indexed_name: bool },
}

impl Repr {
    /// Wireshark's text for the representation.
    pub fn text(self) -> &'static str {
        match self {
            Repr::Indexed => "Indexed Header Field",
            Repr::Incremental { indexed_name: true } => {
                "Literal Header Field with Incremental Indexing - Indexed Name"
            }
            Repr::Incremental {
                indexed_name: false,
            } => "Literal Header Field with Incremental Indexing - New Name",
            Repr::WithoutIndexing { indexed_name: true } => {
                "Literal Header Field without Indexing - Indexed Name"
            }
            Repr::WithoutIndexing {
                indexed_name: false,
            } => "Literal Header Field without Indexing - New Name",
            Repr::NeverIndexed { indexed_name: true } => {
                "Literal Header Field never Indexed - Indexed Name"
            }
            Repr::NeverIndexed {
                indexed_name: false,
            } => "Literal Header Field never Indexed - New Name",
        }
    }
}

/// One decoded header field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub repr: Repr,
    /// The table index of the field (indexed) or of its name (indexed name).
    pub index: Option<u32>,
    /// Where its representation starts in the fragment and how long it is
    /// (the start of the fragment for a representation begun in an earlier one).
    pub at: usize,
    pub len: usize,
}

/// One entry of a decoded block, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Header(Header),
    SizeUpdate { size: u32, at: usize, len: usize },
}

/// What feeding one fragment produced.
#[derive(Debug, Default)]
pub struct Decoded {
    pub items: Vec<Item>,
    /// The decoded size of the headers (name + value + 32 each), kept or not.
    pub list_bytes: usize,
    /// Headers decoded but not kept because the list passed [`MAX_HEADER_LIST_BYTES`].
    pub dropped: usize,
    /// The block could not be decoded; the table is lost from here on.
    pub error: Option<String>,
    /// The direction's table was lost in an earlier frame: nothing was decoded.
    pub lost_since: Option<u64>,
}

/// The HPACK decoding state of one direction.
pub struct HpackDecoder {
    decoder: Decoder<'static>,
    /// Bytes of the block not yet decoded (an unfinished representation).
    pending: Vec<u8>,
    /// Decoded size of the block so far.
    block_bytes: usize,
    /// The frame where the table was lost.
    lost_at: Option<u64>,
}

impl Default for HpackDecoder {
    fn default() -> Self {
        let mut decoder = Decoder::new();
        decoder.set_max_allowed_table_size(super::settings::DEFAULT_HEADER_TABLE_SIZE as usize);
        HpackDecoder {
            decoder,
            pending: Vec::new(),
            block_bytes: 0,
            lost_at: None,
        }
    }
}

impl std::fmt::Debug for HpackDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HpackDecoder")
            .field("pending", &self.pending.len())
            .field("lost_at", &self.lost_at)
            .finish()
    }
}

impl HpackDecoder {
    /// The decoding side announced SETTINGS_HEADER_TABLE_SIZE: a size update
    /// above it is an error from now on.
    pub fn set_max_allowed(&mut self, size: u32) {
        self.decoder.set_max_allowed_table_size(size as usize);
    }

    /// The frame where the table was lost, if it was.
    pub fn lost_at(&self) -> Option<u64> {
        self.lost_at
    }

    /// Marks the table lost (bytes of the direction went missing).
    pub fn lose(&mut self, frame: u64) {
        self.lost_at.get_or_insert(frame);
        self.pending.clear();
    }

    /// Decodes the complete representations of a block fragment (`end`: the
    /// last fragment of the block) seen in frame `frame`.
    pub fn fragment(&mut self, frag: &[u8], end: bool, frame: u64) -> Decoded {
        let mut out = Decoded::default();
        if let Some(at) = self.lost_at {
            out.lost_since = Some(at);
            return out;
        }
        let carried = self.pending.len();
        if carried + frag.len() > MAX_PENDING_BLOCK {
            self.fail(
                &mut out,
                frame,
                format!("header block longer than {MAX_PENDING_BLOCK} bytes"),
            );
            return out;
        }
        self.pending.extend_from_slice(frag);
        let block = std::mem::take(&mut self.pending);
        // Representations that are complete; a trailing size update waits for
        // the field after it (the decoder rejects a block ending in one).
        let mut scanned = Vec::new();
        let mut at = 0;
        let mut cut = 0;
        let mut error = None;
        while at < block.len() {
            match scan(&block[at..]) {
                Scan::Complete(kind, len) => {
                    scanned.push((kind, at, len));
                    at += len;
                    if !matches!(kind, Kind::SizeUpdate(_)) {
                        cut = at;
                    }
                }
                Scan::Incomplete => break,
                Scan::Bad(why) => {
                    error = Some(why.to_string());
                    break;
                }
            }
        }
        if end && error.is_none() && cut < block.len() {
            error = Some(if at < block.len() {
                "the header block ends inside a representation".to_string()
            } else {
                "the header block ends with a dynamic table size update".to_string()
            });
        }
        let pairs = self.decode(&block[..cut], &mut out);
        if let Err(e) = pairs {
            self.fail(&mut out, frame, e);
            return out;
        }
        let mut pairs = pairs.unwrap_or_default().into_iter();
        let to_frag = |p: usize| p.saturating_sub(carried);
        for (kind, p, len) in scanned.into_iter().filter(|(_, p, _)| *p < cut) {
            let (fat, flen) = if p < carried {
                (0, (p + len).saturating_sub(carried))
            } else {
                (to_frag(p), len)
            };
            match kind {
                Kind::SizeUpdate(size) => out.items.push(Item::SizeUpdate {
                    size,
                    at: fat,
                    len: flen,
                }),
                Kind::Field(repr, index) => {
                    if let Some(Some((name, value))) = pairs.next() {
                        out.items.push(Item::Header(Header {
                            name,
                            value,
                            repr,
                            index,
                            at: fat,
                            len: flen,
                        }));
                    }
                }
            }
        }
        if let Some(e) = error {
            self.fail(&mut out, frame, e);
            return out;
        }
        self.pending = block[cut..].to_vec();
        if end {
            self.pending.clear();
            self.block_bytes = 0;
        }
        out
    }

    /// Runs the decoder over complete representations; each header comes back
    /// as `Some((name, value))`, or `None` once the list is past its limit.
    #[allow(clippy::type_complexity)]
    fn decode(
        &mut self,
        bytes: &[u8],
        out: &mut Decoded,
    ) -> Result<Vec<Option<(Vec<u8>, Vec<u8>)>>, String> {
        let mut pairs = Vec::new();
        if bytes.is_empty() {
            return Ok(pairs);
        }
        let block_bytes = &mut self.block_bytes;
        let list_bytes = &mut out.list_bytes;
        let dropped = &mut out.dropped;
        self.decoder
            .decode_with_cb(bytes, |name: Cow<'_, [u8]>, value: Cow<'_, [u8]>| {
                let size = name.len() + value.len() + ENTRY_OVERHEAD;
                *block_bytes = block_bytes.saturating_add(size);
                *list_bytes = list_bytes.saturating_add(size);
                if *block_bytes > MAX_HEADER_LIST_BYTES {
                    *dropped += 1;
                    pairs.push(None);
                } else {
                    pairs.push(Some((name.into_owned(), value.into_owned())));
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(pairs)
    }

    fn fail(&mut self, out: &mut Decoded, frame: u64, why: String) {
        out.error = Some(why);
        self.lost_at = Some(frame);
        self.pending.clear();
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Field(Repr, Option<u32>),
    SizeUpdate(u32),
}

enum Scan {
    Complete(Kind, usize),
    Incomplete,
    Bad(&'static str),
}

/// An HPACK integer with an `n`-bit prefix (RFC 7541 section 5.1): the value
/// and its length, `Ok(None)` when the bytes end first. Values past u32 are errors.
fn integer(buf: &[u8], n: u8) -> Result<Option<(u32, usize)>, &'static str> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let max = (1u32 << n) - 1;
    let mut value = u32::from(first) & max;
    if value < max {
        return Ok(Some((value, 1)));
    }
    let mut shift = 0u32;
    for (i, &b) in buf.iter().enumerate().skip(1) {
        if shift > 28 {
            return Err("an HPACK integer is too long");
        }
        let add = u64::from(b & 0x7f) << shift;
        let v = u64::from(value) + add;
        value = u32::try_from(v).map_err(|_| "an HPACK integer is too large")?;
        if b & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
        shift += 7;
    }
    Ok(None)
}

/// Length of a string literal (section 5.2), `Ok(None)` when incomplete.
fn string_len(buf: &[u8]) -> Result<Option<usize>, &'static str> {
    let Some((len, n)) = integer(buf, 7)? else {
        return Ok(None);
    };
    let total = n + len as usize;
    Ok((buf.len() >= total).then_some(total))
}

/// The representation at the start of `buf` and its length.
fn scan(buf: &[u8]) -> Scan {
    match scan_inner(buf) {
        Ok(Some((k, n))) => Scan::Complete(k, n),
        Ok(None) => Scan::Incomplete,
        Err(e) => Scan::Bad(e),
    }
}

fn scan_inner(buf: &[u8]) -> Result<Option<(Kind, usize)>, &'static str> {
    let Some(&b) = buf.first() else {
        return Ok(None);
    };
    if b & 0x80 != 0 {
        return Ok(integer(buf, 7)?.map(|(index, n)| (Kind::Field(Repr::Indexed, Some(index)), n)));
    }
    if b & 0xe0 == 0x20 {
        return Ok(integer(buf, 5)?.map(|(size, n)| (Kind::SizeUpdate(size), n)));
    }
    let prefix = if b & 0x40 != 0 { 6 } else { 4 };
    let Some((index, mut n)) = integer(buf, prefix)? else {
        return Ok(None);
    };
    let indexed_name = index != 0;
    if !indexed_name {
        let Some(len) = string_len(&buf[n..])? else {
            return Ok(None);
        };
        n += len;
    }
    let Some(len) = string_len(&buf[n..])? else {
        return Ok(None);
    };
    n += len;
    let repr = if b & 0x40 != 0 {
        Repr::Incremental { indexed_name }
    } else if b & 0x10 != 0 {
        Repr::NeverIndexed { indexed_name }
    } else {
        Repr::WithoutIndexing { indexed_name }
    };
    Ok(Some((Kind::Field(repr, indexed_name.then_some(index)), n)))
}
