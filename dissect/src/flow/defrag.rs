//! IP fragment reassembly (IPv4 and IPv6), keyed as Wireshark keys it: source,
//! destination, identification and (IPv4 only) protocol.
//!
//! Fragments are held until the datagram is complete; the packet whose fragment
//! completes it dissects the reassembled payload. Overlaps are placed the way
//! Wireshark's `reassemble.c` places them (fragments sorted by offset, the bytes
//! placed first win) so the reassembled bytes and the error flags agree with it.
//!
//! Wireshark knows on its second pass which frame completed a datagram and
//! writes "Reassembled in #N" on the earlier fragments. A single pass cannot
//! know the future, and tshark in its default single-pass mode does not show it
//! either, so `ip.reassembled_in` is never emitted here.
//!
//! Everything held is bounded: [`MAX_BYTES_HELD`] in total,
//! [`MAX_FRAGMENTS_PER_DATAGRAM`], [`MAX_PENDING_DATAGRAMS`] and [`MAX_AGE`] (in
//! capture time, like a kernel's `ipfrag_time`). A limit that drops data says so
//! with an expert item on the packet that hit it.

use std::collections::{HashMap, VecDeque};

use std::fmt::Write as _;

use crate::dissector::{Cx, IpContext};
use crate::flow::reassembly::append_piece_payload;
use crate::model::{Duration, FieldDef, Group, Packet, Severity, SourceId, Span, Timestamp, Value};

/// Bytes of fragment payload held across all pending datagrams.
pub const MAX_BYTES_HELD: usize = 8 * 1024 * 1024;
/// Fragments held for one datagram; more is a flood, not a datagram.
pub const MAX_FRAGMENTS_PER_DATAGRAM: usize = 256;
/// Datagrams waiting for fragments at once.
pub const MAX_PENDING_DATAGRAMS: usize = 4096;
/// How long (capture time) an incomplete datagram waits; Linux waits 30 s, this
/// is more lenient to captures with slow links.
pub const MAX_AGE: Duration = Duration(60_000_000_000);
/// Largest reassembled payload: what a 13-bit offset and a 16-bit length allow.
pub const MAX_DATAGRAM_LEN: usize = 65_535;

/// What identifies the fragments of one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FragKey {
    V4 {
        src: [u8; 4],
        dst: [u8; 4],
        id: u16,
        proto: u8,
    },
    V6 {
        src: [u8; 16],
        dst: [u8; 16],
        id: u32,
    },
}

impl FragKey {
    fn family(&self) -> &'static str {
        match self {
            FragKey::V4 { .. } => "IPv4",
            FragKey::V6 { .. } => "IPv6",
        }
    }
}

/// One fragment as it arrived.
#[derive(Debug)]
pub struct Fragment {
    pub frame: u64,
    /// Byte offset of the payload within the datagram.
    pub offset: usize,
    pub more: bool,
    pub data: Box<[u8]>,
}

impl Fragment {
    fn end(&self) -> usize {
        self.offset + self.data.len()
    }
}

/// What Wireshark flags on one fragment of a reassembled datagram.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FragFlags {
    pub overlap: bool,
    pub conflict: bool,
    pub too_long: bool,
    pub multiple_tails: bool,
}

impl FragFlags {
    pub fn any(&self) -> bool {
        self.overlap || self.conflict || self.too_long || self.multiple_tails
    }
}

/// A fragment's place in a reassembled datagram, in offset order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragInfo {
    pub frame: u64,
    pub offset: usize,
    pub len: usize,
    pub flags: FragFlags,
}

/// A complete datagram's payload and the fragments it was built from.
#[derive(Debug)]
pub struct Reassembled {
    pub data: Vec<u8>,
    pub fragments: Vec<FragInfo>,
}

/// What became of a fragment handed to the table.
#[derive(Debug)]
pub enum Outcome {
    /// Held until the datagram is complete.
    Held,
    /// This fragment completed the datagram.
    Complete(Reassembled),
    /// Not held (a limit, or a fragment that cannot belong to any datagram).
    Dropped,
}

#[derive(Debug)]
struct Pending {
    fragments: Vec<Fragment>,
    /// Payload length, known once the last fragment (more = false) arrived.
    total: Option<usize>,
    multiple_tails: bool,
    bytes: usize,
    serial: u64,
}

/// The datagrams waiting for fragments, with the limits above.
#[derive(Debug, Default)]
pub struct DefragTable {
    pending: HashMap<FragKey, Pending>,
    /// Pending datagrams by arrival of their first fragment (oldest first);
    /// entries whose serial no longer matches were completed or dropped.
    order: VecDeque<(Timestamp, FragKey, u64)>,
    bytes_held: usize,
    next_serial: u64,
}

impl DefragTable {
    /// Bytes of fragment payload held now.
    pub fn bytes_held(&self) -> usize {
        self.bytes_held
    }

    /// Datagrams waiting for fragments now.
    pub fn pending_datagrams(&self) -> usize {
        self.pending.len()
    }

    /// Adds a fragment of the datagram `key`; expert items about it (and about
    /// datagrams a limit dropped) go on `pkt`'s current layer, spanning `span`.
    pub fn add(
        &mut self,
        pkt: &mut Packet,
        span: Span,
        key: FragKey,
        now: Timestamp,
        frag: Fragment,
    ) -> Outcome {
        self.expire(pkt, span, now);
        let family = key.family();
        if frag.end() > MAX_DATAGRAM_LEN {
            pkt.expert(
                Severity::Error,
                Group::Malformed,
                span,
                format!(
                    "{family} fragment ends at byte {}, past the largest datagram ({MAX_DATAGRAM_LEN}): not reassembled",
                    frag.end()
                ),
            );
            return Outcome::Dropped;
        }
        if frag.data.len() > MAX_BYTES_HELD {
            return Outcome::Dropped;
        }
        if let Some(p) = self.pending.get(&key) {
            if p.fragments.len() >= MAX_FRAGMENTS_PER_DATAGRAM {
                pkt.expert(
                    Severity::Warn,
                    Group::Reassemble,
                    span,
                    format!(
                        "{family} datagram has more than {MAX_FRAGMENTS_PER_DATAGRAM} fragments: it is dropped and not reassembled"
                    ),
                );
                self.remove(&key);
                return Outcome::Dropped;
            }
            report_overlaps(pkt, span, family, &p.fragments, &frag);
        }
        self.make_room(pkt, span, frag.data.len());
        if !self.pending.contains_key(&key) && self.pending.len() >= MAX_PENDING_DATAGRAMS {
            pkt.expert(
                Severity::Warn,
                Group::Reassemble,
                span,
                format!(
                    "more than {MAX_PENDING_DATAGRAMS} {family} datagrams wait for fragments: the oldest is dropped"
                ),
            );
            self.drop_oldest(pkt, span);
        }
        let serial = self.next_serial;
        let entry = self.pending.entry(key).or_insert_with(|| Pending {
            fragments: Vec::new(),
            total: None,
            multiple_tails: false,
            bytes: 0,
            serial,
        });
        if entry.serial == serial {
            self.next_serial += 1;
            self.order.push_back((now, key, serial));
        }
        if !frag.more {
            let end = frag.end();
            match entry.total {
                Some(t) if t != end => {
                    entry.multiple_tails = true;
                    pkt.expert(
                        Severity::Warn,
                        Group::Reassemble,
                        span,
                        format!("{family} datagram has more than one last fragment (ends at {t} and {end})"),
                    );
                }
                Some(_) => {}
                None => entry.total = Some(end),
            }
        }
        entry.bytes += frag.data.len();
        self.bytes_held += frag.data.len();
        entry.fragments.push(frag);
        if !is_complete(entry) {
            return Outcome::Held;
        }
        let Some(p) = self.remove(&key) else {
            return Outcome::Held;
        };
        Outcome::Complete(defragment(p))
    }

    fn remove(&mut self, key: &FragKey) -> Option<Pending> {
        let p = self.pending.remove(key)?;
        self.bytes_held -= p.bytes;
        Some(p)
    }

    /// Drops datagrams older than [`MAX_AGE`], saying what they were missing.
    fn expire(&mut self, pkt: &mut Packet, span: Span, now: Timestamp) {
        while let Some(&(ts, key, serial)) = self.order.front() {
            let live = self.pending.get(&key).is_some_and(|p| p.serial == serial);
            if live && now.since(ts) <= MAX_AGE {
                break;
            }
            self.order.pop_front();
            if live {
                if let Some(p) = self.remove(&key) {
                    report_dropped(pkt, span, &key, &p, "timed out");
                }
            }
        }
    }

    /// Drops the oldest datagrams until `incoming` more bytes fit under [`MAX_BYTES_HELD`].
    fn make_room(&mut self, pkt: &mut Packet, span: Span, incoming: usize) {
        if self.bytes_held + incoming <= MAX_BYTES_HELD {
            return;
        }
        pkt.expert(
            Severity::Warn,
            Group::Reassemble,
            span,
            format!("fragments held reach the limit of {MAX_BYTES_HELD} bytes: the oldest datagrams are dropped"),
        );
        while self.bytes_held + incoming > MAX_BYTES_HELD && self.drop_oldest(pkt, span) {}
    }

    fn drop_oldest(&mut self, pkt: &mut Packet, span: Span) -> bool {
        while let Some((_, key, serial)) = self.order.pop_front() {
            if self.pending.get(&key).is_some_and(|p| p.serial == serial) {
                if let Some(p) = self.remove(&key) {
                    report_dropped(pkt, span, &key, &p, "dropped to stay within the limits");
                }
                return true;
            }
        }
        false
    }
}

/// Whether the fragments held cover the datagram from 0 to its known end.
fn is_complete(p: &Pending) -> bool {
    let Some(total) = p.total else {
        return false;
    };
    let mut spans: Vec<(usize, usize)> = p.fragments.iter().map(|f| (f.offset, f.end())).collect();
    spans.sort_unstable();
    let mut covered = 0;
    for (start, end) in spans {
        if start > covered {
            return false;
        }
        covered = covered.max(end);
    }
    covered >= total
}

/// The byte ranges no fragment covers, up to the known end (or the furthest byte seen).
fn missing_ranges(p: &Pending) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = p.fragments.iter().map(|f| (f.offset, f.end())).collect();
    spans.sort_unstable();
    let mut holes = Vec::new();
    let mut covered = 0;
    for (start, end) in spans {
        if start > covered {
            holes.push((covered, start));
        }
        covered = covered.max(end);
    }
    if let Some(total) = p.total {
        if total > covered {
            holes.push((covered, total));
        }
    }
    holes
}

fn report_dropped(pkt: &mut Packet, span: Span, key: &FragKey, p: &Pending, why: &str) {
    let holes = missing_ranges(p);
    let mut text = format!(
        "incomplete {} datagram {} ({} fragments from frame {}) {why}: ",
        key.family(),
        ident(key),
        p.fragments.len(),
        p.fragments.first().map_or(0, |f| f.frame),
    );
    if p.total.is_none() {
        text.push_str("last fragment never seen");
        if !holes.is_empty() {
            text.push_str(", ");
        }
    }
    if !holes.is_empty() {
        let missing: usize = holes.iter().map(|(a, b)| b - a).sum();
        text.push_str(&format!("{missing} bytes missing"));
        for (i, (a, b)) in holes.iter().take(4).enumerate() {
            text.push_str(if i == 0 { " (" } else { ", " });
            text.push_str(&format!("{a}-{}", b - 1));
        }
        text.push_str(if holes.len() > 4 { ", ...)" } else { ")" });
    }
    pkt.expert(Severity::Warn, Group::Reassemble, span, text);
}

fn ident(key: &FragKey) -> String {
    match key {
        FragKey::V4 { id, .. } => format!("ID 0x{id:04x}"),
        FragKey::V6 { id, .. } => format!("ident 0x{id:08x}"),
    }
}

/// Expert items for a new fragment that overlaps ones already held.
fn report_overlaps(pkt: &mut Packet, span: Span, family: &str, held: &[Fragment], new: &Fragment) {
    for old in held {
        let start = old.offset.max(new.offset);
        let end = old.end().min(new.end());
        if start >= end {
            continue;
        }
        let a = old.data.get(start - old.offset..end - old.offset);
        let b = new.data.get(start - new.offset..end - new.offset);
        let same_place = old.offset == new.offset && old.data.len() == new.data.len();
        if a != b {
            pkt.expert(
                Severity::Warn,
                Group::Reassemble,
                span,
                format!(
                    "{family} fragment overlaps frame {} with different data (bytes {start}-{})",
                    old.frame,
                    end - 1
                ),
            );
        } else if same_place {
            pkt.expert(
                Severity::Note,
                Group::Reassemble,
                span,
                format!("duplicate {family} fragment (same as frame {})", old.frame),
            );
        } else {
            pkt.expert(
                Severity::Note,
                Group::Reassemble,
                span,
                format!(
                    "{family} fragment overlaps frame {} with the same data (bytes {start}-{})",
                    old.frame,
                    end - 1
                ),
            );
        }
        return;
    }
}

/// Builds the datagram as Wireshark's `fragment_defragment_and_free` does:
/// fragments in offset order (arrival order among equal offsets), each placed
/// where it does not overwrite bytes already placed; overlaps compared.
fn defragment(mut p: Pending) -> Reassembled {
    let total = p.total.unwrap_or(0);
    p.fragments.sort_by_key(|f| f.offset);
    let mut data = vec![0u8; total];
    let mut placed = 0usize;
    let mut infos = Vec::with_capacity(p.fragments.len());
    for f in &p.fragments {
        let mut flags = FragFlags::default();
        let (start, end) = (f.offset, f.end());
        if end > total {
            flags.too_long = true;
        }
        if start < placed {
            flags.overlap = true;
            let cmp_end = placed.min(end).min(total);
            if start < cmp_end {
                let old = &data[start..cmp_end];
                let new = &f.data[..cmp_end - start];
                flags.conflict = old != new;
            }
        }
        let from = placed.max(start);
        let to = end.min(total);
        if from < to {
            data[from..to].copy_from_slice(&f.data[from - start..to - start]);
        }
        if !f.more && p.multiple_tails {
            flags.multiple_tails = true;
        }
        placed = placed.max(to);
        infos.push(FragInfo {
            frame: f.frame,
            offset: f.offset,
            len: f.data.len(),
            flags,
        });
    }
    Reassembled {
        data,
        fragments: infos,
    }
}

/// The fields a reassembled datagram shows, named per family (`ip.*`, `ipv6.*`).
pub struct FragFields {
    /// The node over the reassembled bytes (IPv4 gives it the bytes as value, IPv6 none).
    pub fragments: &'static FieldDef,
    pub fragment: &'static FieldDef,
    pub error: &'static FieldDef,
    pub overlap: &'static FieldDef,
    pub conflict: &'static FieldDef,
    pub multiple_tails: &'static FieldDef,
    pub too_long: &'static FieldDef,
    pub count: &'static FieldDef,
    pub length: &'static FieldDef,
    pub data: &'static FieldDef,
}

/// Adds the fragments tree of a reassembled datagram to the current layer, its
/// spans in data source `source` (the reassembled bytes), as Wireshark's
/// `show_fragment_tree` lays it out.
fn add_fragment_tree(p: &mut Packet, f: &FragFields, source: SourceId, r: &Reassembled) {
    if !p.tree {
        return;
    }
    let whole = Span::new(0, r.data.len());
    let node_value = match f.fragments.kind {
        crate::model::FieldKind::None => Value::None,
        _ => Value::SpanBytes,
    };
    p.with_source(source, |p| {
        p.add(f.fragments, whole, node_value);
        // `[3 IPv4 Fragments (164 bytes): #1(18), #3(304), #2(116)]`
        p.set_text(|t| {
            let _ = write!(
                t,
                "{} {} ({} bytes):",
                r.fragments.len(),
                f.fragments.label,
                r.data.len()
            );
            for (i, frag) in r.fragments.iter().enumerate() {
                let sep = if i == 0 { " " } else { ", " };
                let _ = write!(t, "{sep}#{}({})", frag.frame, frag.len);
            }
        });
        p.subtree(|p| {
            for frag in &r.fragments {
                let start = frag.offset.min(r.data.len());
                let span = Span::new(start, frag.len.min(r.data.len() - start));
                if !frag.flags.any() {
                    p.add(f.fragment, span, Value::Uint(frag.frame));
                    append_piece_payload(p, frag.offset, frag.len);
                    continue;
                }
                p.add(f.error, span, Value::Uint(frag.frame));
                append_piece_payload(p, frag.offset, frag.len);
                p.subtree(|p| {
                    let flags = frag.flags;
                    for (set, def) in [
                        (flags.overlap, f.overlap),
                        (flags.conflict, f.conflict),
                        (flags.multiple_tails, f.multiple_tails),
                        (flags.too_long, f.too_long),
                    ] {
                        if set {
                            p.add(def, span, Value::Bool(true));
                        }
                    }
                });
            }
            p.add(f.count, whole, Value::Uint(r.fragments.len() as u64));
            p.add(f.length, whole, Value::Uint(r.data.len() as u64));
            p.add(f.data, whole, Value::SpanBytes);
        });
    });
}

/// Shows a reassembled datagram on the packet that completed it: the
/// fragments tree on the current (IP) layer, then the payload dissected by
/// protocol `proto` as data source `name`. The payload's dissector sees the
/// reassembled bytes as a complete buffer of their own (captured and reported
/// lengths equal), its spans referring to that source.
pub fn dissect_reassembled(
    cx: &mut Cx<'_>,
    name: &'static str,
    fields: &FragFields,
    proto: u8,
    ip: IpContext,
    r: &Reassembled,
) {
    let data = &r.data[..];
    cx.in_source(name, data, |inner| {
        // The tree goes on the IP layer (still the current one), before the payload's layers.
        let source = inner.pkt.sources.len() as SourceId;
        add_fragment_tree(inner.pkt, fields, source, r);
        inner.ip = Some(ip);
        if !data.is_empty() {
            crate::dispatch::ip_proto(inner, proto, 0, data);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: FragKey = FragKey::V4 {
        src: [10, 0, 0, 1],
        dst: [10, 0, 0, 2],
        id: 7,
        proto: 17,
    };

    fn frag(frame: u64, offset: usize, more: bool, data: &[u8]) -> Fragment {
        Fragment {
            frame,
            offset,
            more,
            data: data.into(),
        }
    }

    fn ts(secs: i64) -> Timestamp {
        Timestamp::new(secs, 0)
    }

    fn add(t: &mut DefragTable, pkt: &mut Packet, at: i64, f: Fragment) -> Outcome {
        t.add(pkt, Span::default(), KEY, ts(at), f)
    }

    fn experts(pkt: &Packet) -> Vec<String> {
        pkt.experts.iter().map(|e| e.message.to_string()).collect()
    }

    #[test]
    fn in_order_fragments_complete_on_the_last() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        assert!(matches!(
            add(&mut t, &mut pkt, 0, frag(1, 0, true, b"abcdefgh")),
            Outcome::Held
        ));
        assert_eq!(t.bytes_held(), 8);
        let Outcome::Complete(r) = add(&mut t, &mut pkt, 0, frag(2, 8, false, b"ij")) else {
            panic!("not complete");
        };
        assert_eq!(r.data, b"abcdefghij");
        assert_eq!(r.fragments.len(), 2);
        assert_eq!(t.bytes_held(), 0);
        assert_eq!(t.pending_datagrams(), 0);
        assert!(pkt.experts.is_empty());
    }

    #[test]
    fn out_of_order_fragments_complete_when_the_hole_fills() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        assert!(matches!(
            add(&mut t, &mut pkt, 0, frag(1, 16, false, b"xy")),
            Outcome::Held
        ));
        assert!(matches!(
            add(&mut t, &mut pkt, 0, frag(2, 0, true, b"01234567")),
            Outcome::Held
        ));
        let Outcome::Complete(r) = add(&mut t, &mut pkt, 0, frag(3, 8, true, b"89abcdef")) else {
            panic!("not complete");
        };
        assert_eq!(r.data, b"0123456789abcdefxy");
        let frames: Vec<u64> = r.fragments.iter().map(|f| f.frame).collect();
        assert_eq!(frames, [2, 3, 1], "offset order");
    }

    #[test]
    fn conflicting_overlap_keeps_the_first_bytes_and_is_flagged() {
        // The shape of ip/ipv4_fragmented_ntp.pcap: a short first fragment, the
        // last one, then a long first fragment with other data covering all.
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        add(&mut t, &mut pkt, 0, frag(1, 0, true, b"AAAA"));
        add(&mut t, &mut pkt, 0, frag(2, 8, false, b"CCCC"));
        let Outcome::Complete(r) = add(&mut t, &mut pkt, 0, frag(3, 0, true, b"BBBBBBBBBBBBBBBB"))
        else {
            panic!("not complete");
        };
        assert_eq!(r.data, b"AAAABBBBBBBB", "bytes placed first win");
        assert_eq!(r.fragments[0].frame, 1);
        assert!(!r.fragments[0].flags.any());
        assert_eq!(r.fragments[1].frame, 3);
        assert!(
            r.fragments[1].flags.overlap
                && r.fragments[1].flags.conflict
                && r.fragments[1].flags.too_long
        );
        assert_eq!(r.fragments[2].frame, 2);
        assert!(r.fragments[2].flags.overlap && r.fragments[2].flags.conflict);
        assert!(
            experts(&pkt).iter().any(|e| e.contains("different data")),
            "{:?}",
            experts(&pkt)
        );
    }

    #[test]
    fn duplicates_and_consistent_overlaps_are_notes() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        add(&mut t, &mut pkt, 0, frag(1, 0, true, b"01234567"));
        add(&mut t, &mut pkt, 0, frag(2, 0, true, b"01234567"));
        assert!(experts(&pkt)[0].contains("duplicate IPv4 fragment (same as frame 1)"));
        let mut pkt = Packet::new(true);
        let Outcome::Complete(r) = add(&mut t, &mut pkt, 0, frag(3, 4, false, b"4567ab")) else {
            panic!("not complete");
        };
        assert_eq!(r.data, b"01234567ab");
        assert!(experts(&pkt)[0].contains("with the same data"));
        assert!(r.fragments[2].flags.overlap && !r.fragments[2].flags.conflict);
    }

    #[test]
    fn an_old_incomplete_datagram_times_out_and_says_what_is_missing() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        add(&mut t, &mut pkt, 0, frag(1, 0, true, b"01234567"));
        add(&mut t, &mut pkt, 1, frag(2, 16, false, b"xy"));
        let other = FragKey::V4 {
            src: [1, 1, 1, 1],
            dst: [2, 2, 2, 2],
            id: 1,
            proto: 6,
        };
        let mut pkt = Packet::new(true);
        t.add(
            &mut pkt,
            Span::default(),
            other,
            ts(100),
            frag(3, 0, true, b"z"),
        );
        let e = experts(&pkt);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].contains("timed out") && e[0].contains("8 bytes missing (8-15)"),
            "{e:?}"
        );
        assert_eq!(t.pending_datagrams(), 1);
        assert_eq!(t.bytes_held(), 1);
    }

    #[test]
    fn too_many_fragments_drop_the_datagram() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        for i in 0..MAX_FRAGMENTS_PER_DATAGRAM {
            add(
                &mut t,
                &mut pkt,
                0,
                frag(i as u64, i * 8 + 8, true, b"12345678"),
            );
        }
        assert!(pkt.experts.is_empty());
        let r = add(&mut t, &mut pkt, 0, frag(999, 0, true, b"12345678"));
        assert!(matches!(r, Outcome::Dropped));
        assert!(experts(&pkt)[0].contains("more than 256 fragments"));
        assert_eq!(t.bytes_held(), 0);
    }

    #[test]
    fn a_fragment_past_the_largest_datagram_is_refused() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        let r = add(&mut t, &mut pkt, 0, frag(1, 65_528, false, &[0; 16]));
        assert!(matches!(r, Outcome::Dropped));
        assert!(pkt.experts[0].severity == Severity::Error);
    }

    #[test]
    fn held_bytes_stay_under_the_limit() {
        let mut t = DefragTable::default();
        let mut pkt = Packet::new(true);
        let chunk = vec![0u8; 60_000];
        for id in 0..400u16 {
            let key = FragKey::V4 {
                src: [1, 1, 1, 1],
                dst: [2, 2, 2, 2],
                id,
                proto: 17,
            };
            t.add(
                &mut pkt,
                Span::default(),
                key,
                ts(0),
                frag(id as u64, 0, true, &chunk),
            );
            assert!(t.bytes_held() <= MAX_BYTES_HELD);
        }
        assert!(experts(&pkt).iter().any(|e| e.contains("reach the limit")));
        assert!(experts(&pkt)
            .iter()
            .any(|e| e.contains("last fragment never seen")));
    }
}
