//! TCP stream reassembly, one direction at a time: segments in, in-order bytes
//! out, and on top of that the cutting of those bytes into application PDUs.
//!
//! [`Direction`] turns segments (in capture order, with retransmissions,
//! reordering and holes) into the in-order byte stream the receiving
//! application read: data beyond a hole is held until the hole fills;
//! retransmitted bytes are compared with what was delivered (an expert note on
//! a mismatch, the first copy wins as in the receiver's socket); a hole that
//! cannot be waited for any longer (limits, or the end of the capture) is
//! skipped and counted as missing bytes.
//!
//! [`PduAssembler`] cuts the in-order bytes into PDUs with a [`PduParser`],
//! Suricata-style: the parser looks at bytes starting at a PDU boundary and
//! answers "the PDU is N bytes" or "I need N more bytes". A PDU that spans
//! segments completes in the packet whose bytes finished it, which is where it
//! is dissected (from a data source) — Wireshark's "reassembled in".
//!
//! Memory is bounded by the named limits: [`MAX_HELD_PER_DIRECTION`] and
//! [`MAX_SEGMENTS_PER_DIRECTION`] for out-of-order data, [`MAX_HELD_TOTAL`]
//! across every direction sharing a [`Budget`], [`RECENT_WINDOW`] of delivered
//! bytes kept to check retransmissions, and [`MAX_PDU_LEN`] for a PDU being
//! accumulated. Hitting one is reported as a [`Note`].

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Group, Packet, Protocol, Severity, Span, Value};

/// Wireshark's top-level "[N Reassembled TCP Segments (L bytes): #a(x), ...]"
/// item, on the packet whose segment completed a PDU that spans segments.
/// It is a tree item, not a protocol: it is not named in `frame.protocols`.
pub static SEGMENTS: Protocol = Protocol {
    name: "tcp.segments",
    label: "Reassembled TCP Segments",
    short: "TCP",
};

declare_fields! {
    #[generated_format = piece_frame_text] SEGMENT = "tcp.segment", "TCP Segment", FrameNum;
    #[generated] SEGMENT_COUNT = "tcp.segment.count", "Segment count", U32;
    #[generated] REASSEMBLED_LENGTH = "tcp.reassembled.length", "Reassembled TCP length", U32;
    #[generated] REASSEMBLED_DATA = "tcp.reassembled.data", "Reassembled TCP Data", Bytes;
    #[format = segment_data_text] SEGMENT_DATA = "tcp.segment_data", "TCP segment data", Bytes;
}

/// Segments listed per reassembled PDU; the bytes of later ones count into
/// the last one listed (a PDU split into this many segments is pathological).
pub const MAX_LISTED_SEGMENTS: usize = 4096;

/// Out-of-order bytes held for one direction before its oldest hole is given up.
pub const MAX_HELD_PER_DIRECTION: usize = 1024 * 1024;
/// Out-of-order segments held for one direction.
pub const MAX_SEGMENTS_PER_DIRECTION: usize = 1024;
/// Out-of-order and recently delivered bytes held across all directions of a [`Budget`].
pub const MAX_HELD_TOTAL: usize = 64 * 1024 * 1024;
/// Delivered bytes kept per direction to compare retransmissions with.
pub const RECENT_WINDOW: usize = 8 * 1024;
/// Longest PDU accumulated across segments; a longer one is skipped.
pub const MAX_PDU_LEN: usize = 16 * 1024 * 1024;

/// Something the reassembly noticed, for an expert item on the current packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub severity: Severity,
    pub message: String,
}

impl Note {
    fn warn(message: String) -> Self {
        Note {
            severity: Severity::Warn,
            message,
        }
    }

    fn info(message: String) -> Self {
        Note {
            severity: Severity::Note,
            message,
        }
    }
}

/// Adds notes to `pkt`'s current layer as expert items (group Reassemble).
pub fn report(pkt: &mut Packet, span: Span, notes: &[Note]) {
    for n in notes {
        pkt.expert(n.severity, Group::Reassemble, span, n.message.clone());
    }
}

/// Bytes held by every direction that shares it (one per capture, or per table).
#[derive(Debug, Default)]
pub struct Budget {
    held: usize,
}

impl Budget {
    /// Bytes held now across every direction.
    pub fn held(&self) -> usize {
        self.held
    }

    fn take(&mut self, n: usize) -> bool {
        if self.held + n > MAX_HELD_TOTAL {
            return false;
        }
        self.held += n;
        true
    }

    fn give(&mut self, n: usize) {
        self.held = self.held.saturating_sub(n);
    }
}

#[derive(Debug)]
struct Held {
    data: Box<[u8]>,
    fin: bool,
}

/// One direction of a TCP connection being reassembled. Offsets are in bytes
/// from the first byte of data (after the SYN), 64-bit so sequence wrap-around
/// does not matter.
#[derive(Debug, Default)]
pub struct Direction {
    /// Sequence number of offset 0, once a segment has been seen.
    base: Option<u32>,
    /// Offset of the next byte expected in order.
    next: u64,
    /// Out-of-order segments by offset.
    held: BTreeMap<u64, Held>,
    held_bytes: usize,
    /// The last delivered bytes, ending at `next`.
    recent: VecDeque<u8>,
    fin: bool,
    /// Bytes never seen: holes given up.
    pub missing: u64,
    /// Bytes delivered in order.
    pub delivered: u64,
}

impl Direction {
    /// Out-of-order bytes held now.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Whether the sender's FIN has been reached in order.
    pub fn finished(&self) -> bool {
        self.fin
    }

    /// The offset of the next byte expected.
    pub fn next_offset(&self) -> u64 {
        self.next
    }

    /// Offset of sequence number `seq`: the one nearest to the next expected byte.
    fn offset_of(&self, base: u32, seq: u32) -> i64 {
        let next_seq = base.wrapping_add(self.next as u32);
        self.next as i64 + seq.wrapping_sub(next_seq) as i32 as i64
    }

    /// Takes one segment (`syn`/`fin` as its flags say) and returns the bytes it
    /// makes available in order: its own new bytes and any held ones it joined.
    pub fn segment(
        &mut self,
        budget: &mut Budget,
        seq: u32,
        data: &[u8],
        syn: bool,
        fin: bool,
        notes: &mut Vec<Note>,
    ) -> Vec<u8> {
        self.segment_pieces(budget, seq, data, syn, fin, notes)
            .concat()
    }

    /// As [`Direction::segment`], the bytes in pieces: the segment's own new
    /// bytes, then each held segment it joined (as tshark's follow shows them).
    pub fn segment_pieces(
        &mut self,
        budget: &mut Budget,
        seq: u32,
        data: &[u8],
        syn: bool,
        fin: bool,
        notes: &mut Vec<Note>,
    ) -> Vec<Vec<u8>> {
        let first = if syn { seq.wrapping_add(1) } else { seq };
        let base = *self.base.get_or_insert(first);
        let mut out = Vec::new();
        let mut start = self.offset_of(base, first);
        let mut data = data;
        if start < 0 {
            // Bytes before the start of the stream (a SYN seen after data).
            let cut = ((-start) as usize).min(data.len());
            data = &data[cut..];
            start = 0;
        }
        let start = start as u64;
        if start > self.next {
            self.hold(budget, start, data, fin, &mut out, notes);
        } else {
            self.take_in_order(budget, start, data, fin, &mut out, notes);
            self.drain(budget, &mut out, notes);
        }
        out
    }

    /// Gives up every hole (the end of the capture, or a connection reset):
    /// delivers what is held in order, counting the missing bytes.
    pub fn flush(&mut self, budget: &mut Budget, notes: &mut Vec<Note>) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some((&at, _)) = self.held.iter().next() {
            self.skip_hole(at, notes);
            self.drain(budget, &mut out, notes);
        }
        out.concat()
    }

    /// The receiver acknowledged up to `ack`: a hole below it was delivered to
    /// the receiver though the capture missed it, so it is given up (what
    /// Wireshark's follow does). Returns, in order, each hole's size and the
    /// held pieces then delivered.
    pub fn acked(
        &mut self,
        budget: &mut Budget,
        ack: u32,
        notes: &mut Vec<Note>,
    ) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut events = Vec::new();
        let Some(base) = self.base else {
            return events;
        };
        while let Some((&at, _)) = self.held.iter().next() {
            if self.offset_of(base, ack) <= at as i64 {
                break;
            }
            let missing = at.saturating_sub(self.next);
            self.skip_hole(at, notes);
            let mut out = Vec::new();
            self.drain(budget, &mut out, notes);
            events.push((missing, out));
        }
        events
    }

    /// Bytes from `start` (at or before `next`): the part already delivered is
    /// compared with what was delivered, the rest is delivered.
    fn take_in_order(
        &mut self,
        budget: &mut Budget,
        start: u64,
        data: &[u8],
        fin: bool,
        out: &mut Vec<Vec<u8>>,
        notes: &mut Vec<Note>,
    ) {
        let end = start + data.len() as u64;
        let old = (self.next.min(end) - start) as usize;
        if old > 0 {
            self.check_retransmission(start, &data[..old], notes);
        }
        if end > self.next {
            let new = &data[old..];
            out.push(new.to_vec());
            self.remember(budget, new);
            self.next = end;
            self.delivered += new.len() as u64;
        }
        if fin && end >= self.next {
            self.fin = true;
        }
    }

    /// Delivers held segments that the in-order data now reaches.
    fn drain(&mut self, budget: &mut Budget, out: &mut Vec<Vec<u8>>, notes: &mut Vec<Note>) {
        while let Some(entry) = self.held.first_entry() {
            if *entry.key() > self.next {
                break;
            }
            let (at, h) = entry.remove_entry();
            self.held_bytes -= h.data.len();
            budget.give(h.data.len());
            self.take_in_order(budget, at, &h.data, h.fin, out, notes);
        }
    }

    /// Holds an out-of-order segment, within the limits.
    fn hold(
        &mut self,
        budget: &mut Budget,
        start: u64,
        data: &[u8],
        fin: bool,
        out: &mut Vec<Vec<u8>>,
        notes: &mut Vec<Note>,
    ) {
        if data.is_empty() {
            return;
        }
        if let Some(h) = self.held.get(&start) {
            if h.data.len() >= data.len() {
                let same = h.data[..data.len()] == *data;
                self.overlap_note(start, data.len(), same, notes);
                return;
            }
        }
        self.check_held_overlaps(start, data, notes);
        while self.held_bytes + data.len() > MAX_HELD_PER_DIRECTION
            || self.held.len() >= MAX_SEGMENTS_PER_DIRECTION
        {
            if !self.give_up_first_hole(budget, out, notes, "the per-direction limit") {
                break;
            }
        }
        if start <= self.next {
            // Giving up a hole reached this segment: it is in order now.
            self.take_in_order(budget, start, data, fin, out, notes);
            self.drain(budget, out, notes);
            return;
        }
        if !budget.take(data.len())
            && (!self.give_up_first_hole(budget, out, notes, "the total limit")
                || !budget.take(data.len()))
        {
            notes.push(Note::warn(format!(
                "TCP reassembly holds {MAX_HELD_TOTAL} bytes in total: an out-of-order segment of {} bytes is not held",
                data.len()
            )));
            return;
        }
        if start <= self.next {
            budget.give(data.len());
            self.take_in_order(budget, start, data, fin, out, notes);
            self.drain(budget, out, notes);
            return;
        }
        self.held_bytes += data.len();
        if let Some(old) = self.held.insert(
            start,
            Held {
                data: data.into(),
                fin,
            },
        ) {
            self.held_bytes -= old.data.len();
            budget.give(old.data.len());
        }
    }

    /// Skips the first hole so the held data can be delivered: the price of a limit.
    fn give_up_first_hole(
        &mut self,
        budget: &mut Budget,
        out: &mut Vec<Vec<u8>>,
        notes: &mut Vec<Note>,
        why: &str,
    ) -> bool {
        let Some((&at, _)) = self.held.iter().next() else {
            return false;
        };
        notes.push(Note::warn(format!(
            "TCP reassembly reached {why} ({} bytes, {} segments held): the hole before offset {at} is given up",
            self.held_bytes,
            self.held.len()
        )));
        self.skip_hole(at, notes);
        self.drain(budget, out, notes);
        true
    }

    fn skip_hole(&mut self, to: u64, notes: &mut Vec<Note>) {
        if to <= self.next {
            return;
        }
        let missing = to - self.next;
        notes.push(Note::warn(format!(
            "{missing} bytes missing in capture before stream offset {to}"
        )));
        self.missing += missing;
        self.next = to;
        self.recent.clear();
    }

    /// Compares retransmitted bytes with the delivered ones still remembered.
    fn check_retransmission(&self, start: u64, data: &[u8], notes: &mut Vec<Note>) {
        let known_from = self.next - self.recent.len() as u64;
        let from = start.max(known_from);
        let to = start + data.len() as u64;
        if from >= to {
            return;
        }
        let a = self
            .recent
            .range((from - known_from) as usize..(to - known_from) as usize);
        let b = &data[(from - start) as usize..];
        let same = a.eq(b.iter());
        self.overlap_note(from, (to - from) as usize, same, notes);
    }

    fn check_held_overlaps(&self, start: u64, data: &[u8], notes: &mut Vec<Note>) {
        let end = start + data.len() as u64;
        for (&at, h) in self.held.range(..end) {
            let h_end = at + h.data.len() as u64;
            let (from, to) = (at.max(start), h_end.min(end));
            if from >= to {
                continue;
            }
            let a = &h.data[(from - at) as usize..(to - at) as usize];
            let b = &data[(from - start) as usize..(to - start) as usize];
            self.overlap_note(from, (to - from) as usize, a == b, notes);
        }
    }

    fn overlap_note(&self, at: u64, len: usize, same: bool, notes: &mut Vec<Note>) {
        if same {
            return;
        }
        notes.push(Note::warn(format!(
            "retransmitted TCP data differs from the data first seen ({len} bytes at stream offset {at}); the first copy is kept"
        )));
    }

    fn remember(&mut self, budget: &mut Budget, new: &[u8]) {
        let keep = new.len().min(RECENT_WINDOW);
        let tail = &new[new.len() - keep..];
        let drop = (self.recent.len() + keep).saturating_sub(RECENT_WINDOW);
        self.recent.drain(..drop.min(self.recent.len()));
        budget.give(drop);
        if !budget.take(keep) {
            // Out of budget: stop checking retransmissions rather than hold more.
            budget.give(self.recent.len());
            self.recent.clear();
            return;
        }
        self.recent.extend(tail.iter().copied());
    }

    /// Returns the recently delivered bytes to the budget: retransmissions
    /// are no longer compared with what was first seen.
    pub fn forget_recent(&mut self, budget: &mut Budget) {
        budget.give(self.recent.len());
        self.recent = VecDeque::new();
    }

    /// Returns everything held to the budget (the connection is forgotten).
    pub fn release(&mut self, budget: &mut Budget) {
        budget.give(self.held_bytes + self.recent.len());
        self.held.clear();
        self.held_bytes = 0;
        self.recent = VecDeque::new();
    }
}

/// What a parser says about bytes starting at a PDU boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PduLen {
    /// The PDU is this many bytes long (at least 1).
    Complete(usize),
    /// The PDU's length is not known yet, or it is longer than what was given:
    /// at least this many more bytes are needed before asking again.
    NeedMore(usize),
    /// The bytes are not this protocol; the rest of the direction is not parsed.
    Invalid,
}

/// The one thing an application dissector over TCP implements for stream
/// reassembly: how long is the PDU at the start of `buf`? `buf` always starts
/// at a PDU boundary and holds every in-order byte not yet consumed.
pub trait PduParser {
    fn pdu_len(&mut self, buf: &[u8]) -> PduLen;
}

/// A complete PDU found in one direction's stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    pub data: Vec<u8>,
    /// The frame whose bytes started the PDU; it completed in the frame being dissected.
    pub first_frame: u64,
    /// False when the PDU lies within the bytes this frame delivered (it can be
    /// dissected from the frame itself, no data source needed).
    pub spans_segments: bool,
    /// Where the PDU starts within the bytes given to [`PduAssembler::push`]
    /// (meaningful when it does not span segments).
    pub start: usize,
    /// The frames whose bytes the PDU is made of and how many bytes each gave
    /// (empty when the PDU does not span segments).
    pub segments: Vec<(u64, usize)>,
}

/// Cuts one direction's in-order bytes into PDUs.
#[derive(Debug, Default)]
pub struct PduAssembler {
    /// Bytes of a PDU not yet complete.
    pending: Vec<u8>,
    /// Which frame gave which bytes of `pending`, in order.
    pieces: VecDeque<(u64, usize)>,
    pending_from: u64,
    /// Bytes still to skip of a PDU too long to hold.
    skip: usize,
    invalid: bool,
    /// How long the unfinished PDU is, as its header announced, or at least
    /// will be (0: not known).
    awaited: usize,
}

impl PduAssembler {
    /// Bytes of an unfinished PDU held now.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Whether `more` new bytes let the protocol look at the unfinished PDU
    /// again: there is none yet, or they reach the length it said it needs.
    /// Wireshark calls a protocol only then; a segment in the middle of a
    /// PDU of known length goes into reassembly unseen.
    fn offers(&self, more: usize) -> bool {
        self.pending.is_empty() || self.pending.len().saturating_add(more) >= self.awaited
    }

    /// Bytes of the unfinished PDU that frame `frame` gave.
    pub fn pending_from(&self, frame: u64) -> usize {
        self.pieces
            .iter()
            .filter(|(f, _)| *f == frame)
            .map(|(_, n)| n)
            .sum()
    }

    /// Takes the bytes frame `frame` delivered in order; returns the PDUs they completed.
    pub fn push(
        &mut self,
        frame: u64,
        bytes: &[u8],
        parser: &mut dyn PduParser,
        notes: &mut Vec<Note>,
    ) -> Vec<Pdu> {
        let mut pdus = Vec::new();
        if self.invalid {
            return pdus;
        }
        let skip = self.skip.min(bytes.len());
        self.skip -= skip;
        let bytes = &bytes[skip..];
        if bytes.is_empty() {
            return pdus;
        }
        if self.pending.is_empty() {
            self.pending_from = frame;
        }
        let mut carried = !self.pending.is_empty();
        self.grow_for(bytes.len());
        self.pending.extend_from_slice(bytes);
        let full = self.pieces.len() >= MAX_LISTED_SEGMENTS;
        match self.pieces.back_mut() {
            Some(last) if full => last.1 += bytes.len(),
            _ => self.pieces.push_back((frame, bytes.len())),
        }
        let mut at = 0;
        // How long the unfinished PDU at the front is, or at least will be.
        let mut awaited = None;
        loop {
            let rest = &self.pending[at..];
            if rest.is_empty() {
                break;
            }
            match parser.pdu_len(rest) {
                PduLen::Complete(n) if n > 0 && n <= rest.len() => {
                    let start = skip + (at + bytes.len()).saturating_sub(self.pending.len());
                    let segments = take_pieces(&mut self.pieces, n);
                    // A PDU that is the whole buffer is handed over, not copied.
                    let data = if at == 0 && n == self.pending.len() {
                        std::mem::take(&mut self.pending)
                    } else {
                        rest[..n].to_vec()
                    };
                    pdus.push(Pdu {
                        data,
                        first_frame: if carried { self.pending_from } else { frame },
                        spans_segments: carried,
                        start,
                        segments: if carried { segments } else { Vec::new() },
                    });
                    // Taken whole, the buffer is empty: nothing is left to look at.
                    at = if self.pending.is_empty() { 0 } else { at + n };
                    carried = false;
                }
                PduLen::Complete(n) if n > MAX_PDU_LEN => {
                    self.skip_long(n, rest.len(), notes);
                    at = self.pending.len();
                    break;
                }
                PduLen::NeedMore(more) if rest.len().saturating_add(more) > MAX_PDU_LEN => {
                    self.skip_long(rest.len().saturating_add(more), rest.len(), notes);
                    at = self.pending.len();
                    break;
                }
                PduLen::Complete(0) | PduLen::Invalid => {
                    self.invalid = true;
                    notes.push(Note::info(
                        "the stream does not parse as its protocol: the rest of this direction is not reassembled"
                            .into(),
                    ));
                    self.pending = Vec::new();
                    self.pieces = VecDeque::new();
                    return pdus;
                }
                PduLen::Complete(n) => {
                    awaited = Some(n);
                    break;
                }
                PduLen::NeedMore(more) => {
                    awaited = Some(rest.len().saturating_add(more));
                    break;
                }
            }
        }
        self.pending.drain(..at);
        self.awaited = awaited.unwrap_or(0);
        if self.pending.is_empty() {
            // A direction between PDUs holds nothing: the buffer a long PDU
            // grew goes back to the allocator rather than staying with the
            // connection for the rest of the capture.
            self.pending = Vec::new();
            self.pieces = VecDeque::new();
        } else if at > 0 {
            self.pending_from = frame;
        }
        pdus
    }

    /// Makes room for `more` bytes. Growth doubles as a `Vec`'s does, but
    /// stops at the length the PDU's header announced, so a long PDU is not
    /// held in a buffer up to twice its size; the announced length alone
    /// never allocates (it is the sender's word).
    fn grow_for(&mut self, more: usize) {
        let need = self.pending.len().saturating_add(more);
        let cap = self.pending.capacity();
        if need <= cap || self.awaited == 0 {
            return;
        }
        let target = need.max(cap.saturating_mul(2).min(self.awaited));
        self.pending.reserve_exact(target - self.pending.len());
    }

    fn skip_long(&mut self, len: usize, have: usize, notes: &mut Vec<Note>) {
        notes.push(Note::warn(format!(
            "a PDU of {len} bytes is longer than the {MAX_PDU_LEN} bytes reassembly holds: it is skipped"
        )));
        self.skip = len.saturating_sub(have);
        self.pending.clear();
        self.pieces.clear();
    }

    /// A hole was given up: the PDU being accumulated cannot be completed.
    pub fn lose_sync(&mut self, notes: &mut Vec<Note>) {
        if !self.pending.is_empty() {
            notes.push(Note::warn(format!(
                "a PDU of which {} bytes were seen is lost to missing data",
                self.pending.len()
            )));
        }
        self.pending.clear();
        self.pieces.clear();
        self.skip = 0;
        self.awaited = 0;
    }
}

/// Takes the first `n` bytes' worth of pieces: the frames a PDU of `n` bytes
/// at the front of the pending bytes came from.
fn take_pieces(pieces: &mut VecDeque<(u64, usize)>, mut n: usize) -> Vec<(u64, usize)> {
    let mut taken = Vec::new();
    while n > 0 {
        let Some(front) = pieces.front_mut() else {
            break;
        };
        let k = front.1.min(n);
        taken.push((front.0, k));
        front.1 -= k;
        n -= k;
        if front.1 == 0 {
            pieces.pop_front();
        }
    }
    taken
}

/// `TCP segment data (1448 bytes)`.
fn segment_data_text(out: &mut String, def: &crate::model::FieldDef, _: &Value, bytes: &[u8]) {
    let n = bytes.len();
    let _ = write!(out, "{} ({n} byte{})", def.label, plural(n));
}

/// `Frame: 6`: the frame a TCP segment or IP fragment of a reassembled whole
/// came from; [`append_piece_payload`] adds its place in the whole.
pub(crate) fn piece_frame_text(out: &mut String, _: &crate::model::FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "Frame: {}", v.as_u64().unwrap_or(0));
}

/// `, payload: 1448-2895 (1448 bytes)` after the piece added last, as
/// Wireshark's `show_fragment` words it.
pub(crate) fn append_piece_payload(pkt: &mut Packet, at: usize, len: usize) {
    if len > 0 {
        let last = at + len - 1;
        pkt.append_text(|t| {
            let _ = write!(t, ", payload: {at}-{last} ({len} byte{})", plural(len));
        });
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The "Reassembled TCP Segments" item of a PDU dissected from its own data
/// source (the current one): each segment's frame, the count, the length and
/// the bytes, as Wireshark's `show_fragment_seq_tree` lays them out.
fn add_segments_item(pkt: &mut Packet, pdu: &Pdu) {
    let whole = Span::new(0, pdu.data.len());
    let summary = || {
        pdu.segments
            .iter()
            .map(|(frame, len)| format!("#{frame}({len})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let protocol = pkt.summary.protocol;
    pkt.begin_layer(&SEGMENTS, whole);
    // A tree item, not a protocol: the chain and the Protocol column stay.
    pkt.protocols.pop();
    pkt.summary.protocol = protocol;
    if !pkt.tree {
        return;
    }
    pkt.set_title(|t| {
        let _ = write!(
            t,
            "[{} Reassembled TCP Segments ({} bytes): {}]",
            pdu.segments.len(),
            pdu.data.len(),
            summary()
        );
    });
    let mut at = 0;
    for (frame, len) in &pdu.segments {
        let span = Span::new(at.min(pdu.data.len()), *len);
        pkt.add(&SEGMENT, span, Value::Uint(*frame));
        append_piece_payload(pkt, at, *len);
        at += len;
    }
    pkt.add(
        &SEGMENT_COUNT,
        whole,
        Value::Uint(pdu.segments.len() as u64),
    );
    pkt.add(
        &REASSEMBLED_LENGTH,
        whole,
        Value::Uint(pdu.data.len() as u64),
    );
    pkt.add(&REASSEMBLED_DATA, whole, Value::SpanBytes);
}

/// One direction of a stream-reassembled conversation: the bytes in order and
/// the PDU being cut from them.
#[derive(Debug, Default)]
pub struct StreamHalf {
    pub bytes: Direction,
    pub pdus: PduAssembler,
}

/// A PDU dissector: Wireshark's shape, `buf` is exactly one PDU at `off`.
pub type PduDissector = fn(&mut Cx<'_>, usize, &[u8]) -> usize;

/// What the TCP layer calls for a segment of a stream whose protocol reassembles:
/// the segment (payload `payload` at `off` in `cx.data`) goes through `half`'s
/// reassembly, and every PDU it completes is dissected by `dissect` — from the
/// frame when it lies in this segment, otherwise from a "Reassembled TCP" data
/// source, on this packet (the one that completed it). Notes become expert
/// items on the current layer.
#[allow(clippy::too_many_arguments)]
pub fn dissect_segment(
    cx: &mut Cx<'_>,
    half: &mut StreamHalf,
    budget: &mut Budget,
    seq: u32,
    syn: bool,
    fin: bool,
    off: usize,
    payload: &[u8],
    parser: &mut dyn PduParser,
    dissect: PduDissector,
) -> SegmentOutcome {
    let mut notes = Vec::new();
    let missing_before = half.bytes.missing;
    let held_before = half.bytes.held_bytes();
    let pieces = half
        .bytes
        .segment_pieces(budget, seq, payload, syn, fin, &mut notes);
    let tcp_layer = cx.pkt.current_layer();
    if half.bytes.held_bytes() > held_before {
        // Held beyond a hole: the bytes wait in reassembly.
        let span = Span::new(off, payload.len());
        cx.pkt
            .add_to_layer(tcp_layer, &SEGMENT_DATA, span, Value::SpanBytes);
    }
    if half.bytes.missing != missing_before {
        half.pdus.lose_sync(&mut notes);
    }
    report(cx.pkt, Span::new(off, payload.len()), &notes);
    let frame = cx.meta.number;
    let mut count = 0;
    let mut offered = false;
    for (i, piece) in pieces.iter().enumerate() {
        let mut notes = Vec::new();
        offered |= half.pdus.offers(piece.len());
        let pdus = half.pdus.push(frame, piece, parser, &mut notes);
        report(cx.pkt, Span::new(off, payload.len()), &notes);
        // The segment's own new bytes are the first piece and the payload's tail.
        let own_at = payload.len().saturating_sub(piece.len());
        let own = i == 0 && payload.get(own_at..) == Some(&piece[..]);
        if own {
            add_segment_data(
                cx.pkt,
                tcp_layer,
                off + own_at,
                piece.len(),
                &pdus,
                &half.pdus,
                frame,
            );
        }
        for pdu in pdus {
            if own && !pdu.spans_segments {
                let at = off + own_at + pdu.start;
                dissect(cx, at, cx.data.get(at..at + pdu.data.len()).unwrap_or(&[]));
            } else {
                cx.in_source("Reassembled TCP", &pdu.data, |inner| {
                    add_segments_item(inner.pkt, &pdu);
                    dissect(inner, 0, &pdu.data);
                });
            }
            count += 1;
        }
    }
    let held = count == 0 && half.pdus.pending_from(frame) > 0;
    SegmentOutcome {
        pdus: count,
        held,
        offered: held && offered,
    }
}

/// What one segment did to its direction's stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentOutcome {
    /// PDUs the segment completed, each dissected.
    pub pdus: usize,
    /// The segment completed none and its bytes wait in an unfinished PDU:
    /// what Wireshark calls a TCP segment of a reassembled PDU.
    pub held: bool,
    /// Held, and the protocol looked at the unfinished PDU (it begins in
    /// this segment, or the segment brought the length it asked for): as in
    /// Wireshark, the protocol may have written its columns before asking
    /// for more.
    pub offered: bool,
}

/// Appends Wireshark's `[TCP segment of a reassembled PDU]` to the Info
/// column of a segment whose bytes only went into an unfinished PDU.
pub fn mark_segment_of_pdu(pkt: &mut Packet) {
    const NOTE: &str = "[TCP segment of a reassembled PDU]";
    if !pkt.summary.info.is_empty() {
        pkt.summary.info.push(' ');
    }
    pkt.summary.info.push_str(NOTE);
}

/// `tcp.segment_data` in the TCP layer: the bytes of this segment (`len`
/// at `at`) that belong to PDUs spanning segments, the one this segment
/// completed at its start and the one it leaves unfinished at its end, as
/// Wireshark shows what it put into reassembly.
fn add_segment_data(
    pkt: &mut Packet,
    tcp_layer: u8,
    at: usize,
    len: usize,
    pdus: &[Pdu],
    assembler: &PduAssembler,
    frame: u64,
) {
    let completed: usize = pdus
        .iter()
        .filter(|p| p.spans_segments)
        .flat_map(|p| &p.segments)
        .filter(|(f, _)| *f == frame)
        .map(|(_, n)| n)
        .sum();
    let pending = assembler.pending_from(frame).min(len);
    let completed = completed.min(len - pending);
    if completed > 0 {
        pkt.add_to_layer(
            tcp_layer,
            &SEGMENT_DATA,
            Span::new(at, completed),
            Value::SpanBytes,
        );
    }
    if pending > 0 {
        let span = Span::new(at + len - pending, pending);
        pkt.add_to_layer(tcp_layer, &SEGMENT_DATA, span, Value::SpanBytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy protocol for the tests: a 2-byte big-endian length, then that many
    /// bytes (DNS over TCP is framed this way).
    struct LenPrefixed;

    impl PduParser for LenPrefixed {
        fn pdu_len(&mut self, buf: &[u8]) -> PduLen {
            match buf {
                [a, b, ..] => {
                    let n = 2 + u16::from_be_bytes([*a, *b]) as usize;
                    if buf.len() >= n {
                        PduLen::Complete(n)
                    } else {
                        PduLen::NeedMore(n - buf.len())
                    }
                }
                _ => PduLen::NeedMore(2 - buf.len()),
            }
        }
    }

    fn msg(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    /// Feeds (frame, seq, bytes) segments after a SYN at sequence 1000; returns
    /// the PDUs found per frame, and the notes.
    struct Harness {
        dir: Direction,
        budget: Budget,
        asm: PduAssembler,
        notes: Vec<Note>,
    }

    impl Harness {
        fn new() -> Self {
            let mut h = Harness {
                dir: Direction::default(),
                budget: Budget::default(),
                asm: PduAssembler::default(),
                notes: Vec::new(),
            };
            h.dir
                .segment(&mut h.budget, 1000, &[], true, false, &mut h.notes);
            h
        }

        fn seg(&mut self, frame: u64, offset: u32, data: &[u8]) -> Vec<Pdu> {
            let bytes = self.dir.segment(
                &mut self.budget,
                1001 + offset,
                data,
                false,
                false,
                &mut self.notes,
            );
            self.asm
                .push(frame, &bytes, &mut LenPrefixed, &mut self.notes)
        }
    }

    #[test]
    fn a_pdu_split_into_one_byte_segments_completes_on_the_last() {
        let m = msg(b"hello, world");
        let mut h = Harness::new();
        for (i, b) in m.iter().enumerate() {
            let pdus = h.seg(i as u64 + 10, i as u32, std::slice::from_ref(b));
            if i + 1 < m.len() {
                assert!(pdus.is_empty());
            } else {
                assert_eq!(pdus.len(), 1);
                assert_eq!(pdus[0].data, m);
                assert_eq!(pdus[0].first_frame, 10);
                assert!(pdus[0].spans_segments);
            }
        }
        assert!(h.notes.is_empty());
    }

    #[test]
    fn a_direction_between_pdus_keeps_no_buffer() {
        // A 40 KB PDU in 1 KB segments grows the assembler's buffer; once it
        // completes, the buffer goes back rather than staying with the connection.
        let m = msg(&[7u8; 40_000]);
        let mut h = Harness::new();
        let mut found = 0;
        for (i, chunk) in m.chunks(1000).enumerate() {
            found += h.seg(i as u64 + 1, (i * 1000) as u32, chunk).len();
            if found == 0 {
                assert!(h.asm.pending.capacity() >= (i + 1) * 1000);
            }
        }
        assert_eq!(found, 1);
        assert_eq!(h.asm.pending.capacity(), 0);
    }

    #[test]
    fn a_closed_direction_returns_its_recent_bytes() {
        let mut h = Harness::new();
        let data = msg(&[1u8; 5000]);
        h.seg(1, 0, &data);
        assert_eq!(
            h.budget.held(),
            5002,
            "recent bytes kept for retransmission checks"
        );
        h.dir
            .segment(&mut h.budget, 1001 + 5002, &[], false, true, &mut h.notes);
        assert!(h.dir.finished());
        h.dir.release(&mut h.budget);
        assert_eq!(h.budget.held(), 0);
        assert_eq!(h.dir.recent.capacity(), 0);
    }

    #[test]
    fn several_pdus_in_one_segment_and_one_carried_over() {
        let mut stream = msg(b"one");
        stream.extend(msg(b"two"));
        stream.extend(msg(b"three"));
        let mut h = Harness::new();
        let cut = stream.len() - 3;
        let pdus = h.seg(1, 0, &stream[..cut]);
        assert_eq!(pdus.len(), 2);
        assert!(pdus.iter().all(|p| !p.spans_segments && p.first_frame == 1));
        let pdus = h.seg(2, cut as u32, &stream[cut..]);
        assert_eq!(pdus.len(), 1);
        assert_eq!(pdus[0].data, msg(b"three"));
        assert_eq!(pdus[0].first_frame, 1);
        assert!(pdus[0].spans_segments);
        assert_eq!(h.asm.pending_len(), 0);
    }

    #[test]
    fn out_of_order_segments_wait_for_the_hole() {
        let m = msg(b"abcdefghij");
        let mut h = Harness::new();
        assert!(h.seg(1, 8, &m[8..]).is_empty());
        assert!(h.seg(2, 4, &m[4..8]).is_empty());
        assert_eq!(h.dir.held_bytes(), 8);
        let pdus = h.seg(3, 0, &m[..4]);
        assert_eq!(pdus.len(), 1);
        assert_eq!(pdus[0].data, m);
        assert_eq!(h.dir.held_bytes(), 0);
        assert_eq!(h.budget.held(), m.len().min(RECENT_WINDOW));
    }

    #[test]
    fn a_consistent_retransmission_is_silent_and_delivers_nothing_twice() {
        let m = msg(b"abcdefghij");
        let mut h = Harness::new();
        h.seg(1, 0, &m[..6]);
        assert!(h.seg(2, 0, &m[..6]).is_empty());
        // Overlapping the old part and bringing the rest.
        let pdus = h.seg(3, 2, &m[2..]);
        assert_eq!(pdus.len(), 1);
        assert_eq!(pdus[0].data, m);
        assert!(h.notes.is_empty(), "{:?}", h.notes);
        assert_eq!(h.dir.delivered, m.len() as u64);
    }

    #[test]
    fn a_retransmission_with_other_bytes_is_reported_and_the_first_copy_kept() {
        let m = msg(b"abcdefghij");
        let mut h = Harness::new();
        h.seg(1, 0, &m[..6]);
        let mut bad = m.clone();
        bad[3] = b'X';
        let pdus = h.seg(2, 0, &bad);
        assert_eq!(pdus[0].data, m, "the first copy wins");
        assert_eq!(h.notes.len(), 1);
        assert!(h.notes[0].message.contains("differs"), "{:?}", h.notes);
    }

    #[test]
    fn conflicting_out_of_order_copies_are_reported() {
        let mut h = Harness::new();
        h.seg(1, 10, b"abcd");
        h.seg(2, 12, b"XYZW");
        assert!(h.notes.iter().any(|n| n.message.contains("differs")));
    }

    #[test]
    fn a_gap_flushed_at_the_end_counts_missing_bytes_and_loses_the_pdu() {
        let first = msg(b"first");
        let second = msg(b"second");
        let mut h = Harness::new();
        // The second PDU's first 3 bytes never arrive.
        h.seg(1, 0, &first[..4]);
        let at = first.len() as u32 + 3;
        assert!(h.seg(2, at, &second[3..]).is_empty());
        let rest = h.dir.flush(&mut h.budget, &mut h.notes);
        assert_eq!(rest, second[3..]);
        assert_eq!(h.dir.missing, first.len() as u64 - 4 + 3);
        assert!(h.notes.iter().any(|n| n.message.contains("bytes missing")));
        h.asm.lose_sync(&mut h.notes);
        assert!(h
            .notes
            .iter()
            .any(|n| n.message.contains("lost to missing data")));
    }

    #[test]
    fn sequence_numbers_wrap_around() {
        let mut dir = Direction::default();
        let mut budget = Budget::default();
        let mut notes = Vec::new();
        dir.segment(&mut budget, u32::MAX - 2, &[], true, false, &mut notes);
        let a = dir.segment(&mut budget, u32::MAX - 1, b"ab", false, false, &mut notes);
        let b = dir.segment(&mut budget, 0, b"cd", false, false, &mut notes);
        assert_eq!([a, b].concat(), b"abcd");
        assert_eq!(dir.next_offset(), 4);
    }

    #[test]
    fn endless_out_of_order_segments_stay_within_the_limits() {
        let mut h = Harness::new();
        let chunk = [7u8; 1400];
        // Every segment leaves a one-byte hole before it: nothing ever fills.
        for i in 0..5_000u32 {
            h.seg(i as u64, 1 + i * 1401, &chunk);
            assert!(h.dir.held_bytes() <= MAX_HELD_PER_DIRECTION);
            assert!(h.budget.held() <= MAX_HELD_TOTAL);
        }
        assert!(h
            .notes
            .iter()
            .any(|n| n.message.contains("per-direction limit")));
        assert!(h.dir.missing > 0);
    }

    mod toy {
        use crate::dissector::Cx;
        use crate::model::{Protocol, Span, Value};

        pub static TOY: Protocol = Protocol {
            name: "toy",
            label: "Length-prefixed toy protocol",
            short: "TOY",
        };

        crate::declare_fields! {
            LEN = "toy.len", "Length", U16;
            BODY = "toy.body", "Body", Bytes;
        }

        pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
            debug_assert_eq!(FIELDS.len(), 2);
            cx.pkt.begin_layer(&TOY, Span::new(off, buf.len()));
            let len = buf.len().saturating_sub(2);
            cx.pkt.add(&LEN, Span::new(off, 2), Value::Uint(len as u64));
            cx.pkt.add(&BODY, Span::new(off + 2, len), Value::SpanBytes);
            buf.len()
        }
    }

    /// Dissects segments (frame number, offset after the SYN at 1000, payload)
    /// of one direction through [`dissect_segment`] with the toy protocol, each
    /// as if its payload were a whole frame.
    fn dissect_stream(segments: &[(u64, u32, Vec<u8>)]) -> Vec<Packet> {
        dissect_stream_outcomes(segments)
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    /// [`dissect_stream`], with what each segment did to the stream.
    fn dissect_stream_outcomes(segments: &[(u64, u32, Vec<u8>)]) -> Vec<(Packet, SegmentOutcome)> {
        use crate::dissector::{Cx, Prefs};
        use crate::frame::FrameMeta;
        use crate::link::LinkType;
        let mut state = crate::flow::State::default();
        let prefs = Prefs::default();
        let mut half = StreamHalf::default();
        let mut budget = Budget::default();
        half.bytes
            .segment(&mut budget, 1000, &[], true, false, &mut Vec::new());
        segments
            .iter()
            .map(|(frame, offset, payload)| {
                let meta = FrameMeta::new(
                    *frame,
                    crate::model::Timestamp::new(0, 0),
                    payload.len() as u32,
                    LinkType::RAW,
                );
                let mut pkt = Packet::new(true);
                let mut cx = Cx {
                    tcp: None,
                    data: payload,
                    frame: payload,
                    pkt: &mut pkt,
                    state: &mut state,
                    prefs: &prefs,
                    meta: &meta,
                    nesting: 0,
                    ip: None,
                    in_icmp_error: false,
                };
                let outcome = dissect_segment(
                    &mut cx,
                    &mut half,
                    &mut budget,
                    1001 + offset,
                    false,
                    false,
                    0,
                    payload,
                    &mut LenPrefixed,
                    toy::dissect,
                );
                (pkt, outcome)
            })
            .collect()
    }

    /// A segment whose bytes only go into an unfinished PDU is held; the
    /// protocol is offered it when the PDU begins there or when it brings
    /// the length the PDU needs, not in the middle of a PDU of known length
    /// (as Wireshark calls a dissector). One that completes a PDU is not
    /// held, even when it begins the next.
    #[test]
    fn segments_of_an_unfinished_pdu_are_held_and_offered_as_wireshark_calls_dissectors() {
        let long = msg(b"a message of twenty-six b");
        let short = msg(b"ok");
        let mut stream = long.clone();
        stream.extend(&short);
        stream.extend(&long[..4]);
        let cuts = [0, 6, 12, long.len() + short.len() + 2, stream.len()];
        let segs: Vec<_> = cuts
            .windows(2)
            .enumerate()
            .map(|(i, w)| (i as u64 + 1, w[0] as u32, stream[w[0]..w[1]].to_vec()))
            .collect();
        let outcomes: Vec<_> = dissect_stream_outcomes(&segs)
            .into_iter()
            .map(|(_, o)| (o.pdus, o.held, o.offered))
            .collect();
        assert_eq!(
            outcomes,
            [
                // Begins the long PDU.
                (0, true, true),
                // Inside it, its length known: not offered.
                (0, true, false),
                // Completes it and the short one, and begins another.
                (2, false, false),
                // Inside the third, which began in the segment before.
                (0, true, false),
            ]
        );
    }

    fn toy_bodies(p: &Packet, frame: &[u8]) -> Vec<(u8, String)> {
        p.find_all("toy.body")
            .map(|n| {
                let data = p.node_data(n, frame);
                let s = n.span.start as usize;
                let bytes = data.get(s..s + n.span.len as usize).unwrap_or(&[]);
                (n.source, String::from_utf8_lossy(bytes).into_owned())
            })
            .collect()
    }

    #[test]
    fn pdus_in_one_segment_come_from_the_frame_and_spanning_ones_from_a_source() {
        let mut stream = msg(b"one");
        stream.extend(msg(b"two"));
        stream.extend(msg(b"three"));
        let cut = stream.len() - 3;
        let segs = vec![
            (1, 0, stream[..cut].to_vec()),
            (2, cut as u32, stream[cut..].to_vec()),
        ];
        let pkts = dissect_stream(&segs);
        assert_eq!(
            toy_bodies(&pkts[0], &segs[0].2),
            [(0, "one".to_string()), (0, "two".to_string())]
        );
        // "three" completed in the second packet: dissected there, from the reassembled bytes.
        assert_eq!(toy_bodies(&pkts[1], &segs[1].2), [(1, "three".to_string())]);
        assert_eq!(pkts[1].sources[0].name, "Reassembled TCP");
        assert_eq!(pkts[1].sources[0].bytes[..], msg(b"three")[..]);
    }

    #[test]
    fn out_of_order_and_conflicting_data_through_the_dissector() {
        let m = msg(b"abcdef");
        let mut bad = m.clone();
        bad[4] = b'X';
        let segs = vec![
            (1, 4, m[4..].to_vec()),
            (2, 0, m[..4].to_vec()),
            (3, 0, bad.clone()),
        ];
        let pkts = dissect_stream(&segs);
        assert!(pkts[0].find("toy.body").is_none());
        assert_eq!(
            toy_bodies(&pkts[1], &segs[1].2),
            [(1, "abcdef".to_string())]
        );
        assert!(
            pkts[2].find("toy.body").is_none(),
            "a retransmission completes nothing"
        );
        assert!(pkts[2]
            .experts
            .iter()
            .any(|e| e.group == crate::model::Group::Reassemble && e.message.contains("differs")));
    }

    #[test]
    fn a_long_pdu_is_held_in_a_buffer_of_its_own_size() {
        let mut asm = PduAssembler::default();
        let mut notes = Vec::new();
        let pdu = msg(&vec![7u8; 50_000]);
        let mut done = Vec::new();
        for (i, piece) in pdu.chunks(1448).enumerate() {
            done.extend(asm.push(i as u64 + 1, piece, &mut LenPrefixed, &mut notes));
            // Doubling alone would reach 65,536 bytes of capacity.
            assert!(
                asm.pending.capacity() <= pdu.len(),
                "{}",
                asm.pending.capacity()
            );
        }
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].data, pdu);
        assert_eq!(asm.pending_len(), 0);
        assert!(notes.is_empty());
    }

    #[test]
    fn a_pdu_longer_than_the_limit_is_skipped() {
        let mut asm = PduAssembler::default();
        let mut notes = Vec::new();
        struct Huge;
        impl PduParser for Huge {
            fn pdu_len(&mut self, _: &[u8]) -> PduLen {
                PduLen::NeedMore(MAX_PDU_LEN)
            }
        }
        assert!(asm.push(1, b"abc", &mut Huge, &mut notes).is_empty());
        assert_eq!(asm.pending_len(), 0);
        assert!(notes[0].message.contains("longer than"));
    }
}

/// Most stream directions whose reassembly state is kept at once; past it, an
/// arbitrary one is forgotten (its PDU in progress is lost, with a note).
pub const MAX_STREAM_HALVES: usize = 1 << 16;

/// The reassembly state of every stream direction being reassembled, and the
/// budget they share.
#[derive(Debug, Default)]
pub struct Streams {
    halves: super::FlowMap<(u32, usize), StreamHalf>,
    pub budget: Budget,
}

impl Streams {
    /// Directions being reassembled now.
    pub fn len(&self) -> usize {
        self.halves.len()
    }

    pub fn is_empty(&self) -> bool {
        self.halves.is_empty()
    }

    /// The sender of `(stream, dir)` closed (FIN) or the connection was reset:
    /// the bytes kept to compare retransmissions with go back to the budget.
    /// Out-of-order bytes stay: a FIN may arrive before the data it ends.
    pub fn close(&mut self, stream: u32, dir: usize) {
        if let Some(half) = self.halves.get_mut(&(stream, dir)) {
            half.bytes.forget_recent(&mut self.budget);
        }
    }
}

/// Runs one TCP segment of a stream-framed protocol through its direction's
/// reassembly (see [`dissect_segment`]). The direction's state lives in
/// `cx.state.streams`, keyed by `tcp.stream` and direction.
pub fn dissect_stream(
    cx: &mut Cx<'_>,
    seg: crate::dispatch::TcpSegment,
    off: usize,
    payload: &[u8],
    parser: &mut dyn PduParser,
    dissect: PduDissector,
) -> SegmentOutcome {
    let key = (seg.stream, seg.dir);
    // Taken out for the call, so the dissector can borrow the state freely.
    let mut half = cx.state.streams.halves.remove(&key).unwrap_or_default();
    let mut budget = std::mem::take(&mut cx.state.streams.budget);
    let chain_before = cx.pkt.protocols.len();
    let n = dissect_segment(
        cx,
        &mut half,
        &mut budget,
        seg.seq,
        seg.syn,
        seg.fin,
        off,
        payload,
        parser,
        dissect,
    );
    // The protocol is called once for the segment, whatever number of PDUs it
    // found in it, so it is named once in the protocol chain (as in Wireshark).
    let mut i = chain_before + 1;
    while i < cx.pkt.protocols.len() {
        if cx.pkt.protocols[i] == cx.pkt.protocols[chain_before] {
            cx.pkt.protocols.remove(i);
        } else {
            i += 1;
        }
    }
    if half.bytes.finished() && half.pdus.pending_len() == 0 {
        // The sender closed and every byte up to its FIN was delivered: what
        // remains is kept only to recognise late retransmissions, so the
        // recent bytes go back (a closed connection costs its bookkeeping,
        // not its data, for the rest of the capture).
        half.bytes.release(&mut budget);
    }
    let streams = &mut cx.state.streams;
    streams.budget = budget;
    if streams.halves.len() >= MAX_STREAM_HALVES {
        if let Some(victim) = streams.halves.keys().next().copied() {
            streams.halves.remove(&victim);
            cx.pkt.expert(
                crate::model::Severity::Note,
                crate::model::Group::Reassemble,
                Span::new(off, payload.len()),
                format!("more than {MAX_STREAM_HALVES} streams are being reassembled: one was forgotten"),
            );
        }
    }
    streams.halves.insert(key, half);
    n
}

#[cfg(test)]
mod close_tests {
    use crate::link::LinkType;
    use crate::model::{Packet, Timestamp};
    use crate::testutil::{tcp_frame, TcpEnd};
    use crate::{Dissector, FrameMeta, Prefs};

    /// DNS over TCP keeps the last bytes of each direction to compare
    /// retransmissions with; a bare FIN (no payload, so no application
    /// layer) still gives them back.
    #[test]
    fn a_bare_fin_returns_the_recent_bytes() {
        let client = TcpEnd {
            ip: [10, 0, 0, 1],
            port: 40000,
        };
        let server = TcpEnd {
            ip: [10, 0, 0, 2],
            port: 53,
        };
        let mut query = vec![0, 17];
        query.extend([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
        let frames = [
            tcp_frame(client, server, 1000, 0x18, &query),
            tcp_frame(client, server, 1000 + query.len() as u32, 0x11, &[]),
        ];
        let prefs = Prefs {
            ip_check_checksum: false,
            tcp_check_checksum: false,
            ..Prefs::default()
        };
        let mut d = Dissector::new(prefs);
        let mut held = Vec::new();
        for (i, f) in frames.iter().enumerate() {
            let ts = Timestamp::new(1, 0);
            let meta = FrameMeta::new(i as u64 + 1, ts, f.len() as u32, LinkType::ETHERNET);
            d.dissect(&meta, f, &mut Packet::new(false));
            held.push(d.state().streams.budget.held());
        }
        assert_eq!(held, [query.len(), 0]);
    }
}
