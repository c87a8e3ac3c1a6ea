//! Display filters over a session.
//!
//! A filter that reads only what the index keeps ([`Filter::summary_only`]:
//! addresses, ports, frame number, lengths, time, protocol presence, named
//! expert items) runs over the index in parallel chunks, one per core,
//! without reading the file: each entry is turned back into the facts the
//! filter engine reads (protocol chain, address/port facts, expert names)
//! and the same compiled filter runs on them.
//!
//! Any other filter needs each packet dissected again, in capture order
//! (stateful analysis), so it runs as one replay pass over the loaded
//! packets, building the tree only when the filter needs it.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use wirelens_dissect::filter::Filter;
use wirelens_dissect::model::{Expert, Group, Severity, Span};
use wirelens_dissect::{Dissector, FrameMeta, LinkType, Packet};

use super::index::{flags, IndexEntry, NOT_INTERNED};
use super::intern::{Addrs, Shape};
use super::Session;

/// The result of a filter run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterOutcome {
    /// Numbers of the matching packets, ascending.
    pub matches: Vec<u64>,
    /// Packets examined.
    pub scanned: u64,
    /// The index answered (no packet was read from the file).
    pub from_index: bool,
    /// The run was cancelled; `matches` is incomplete.
    pub cancelled: bool,
}

/// Progress and cancellation shared with whoever started the run.
#[derive(Debug, Default)]
pub struct FilterControl {
    /// Packets examined so far.
    pub done: AtomicU64,
    /// Packets to examine.
    pub total: AtomicU64,
    pub cancel: AtomicBool,
}

impl FilterControl {
    pub fn fraction(&self) -> f64 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        self.done.load(Ordering::Relaxed) as f64 / total as f64
    }
}

/// Entries scanned between two progress updates and cancellation checks.
const STRIDE: usize = 4096;

impl Session {
    /// Runs `filter` over the packets loaded so far; see the module documentation.
    pub fn filter(&self, filter: &Filter, control: &FilterControl) -> FilterOutcome {
        if filter.summary_only() {
            if let Some(outcome) = self.filter_index(filter, control) {
                return outcome;
            }
        }
        self.filter_replay(filter, control)
    }

    /// The parallel index path; `None` when some packet's facts were not interned.
    fn filter_index(&self, filter: &Filter, control: &FilterControl) -> Option<FilterOutcome> {
        let index = self.snapshot();
        let (shapes, addrs) = self.with_analysis(|a| (a.shapes.snapshot(), a.addrs.snapshot()));
        let complete = index.iter().all(|(_, e)| {
            e.shape != NOT_INTERNED
                && e.addrs != NOT_INTERNED
                && e.flags & flags::TIME_SATURATED == 0
        });
        if !complete {
            return None;
        }
        control.total.store(index.len() as u64, Ordering::Relaxed);
        control.done.store(0, Ordering::Relaxed);
        let max_cap = index.iter().map(|(_, e)| e.cap_len).max().unwrap_or(0) as usize;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Work items: (first packet number, count), several per thread so
        // uneven pieces balance.
        let total = index.len() as u64;
        let piece = (total / (threads as u64 * 4)).max(STRIDE as u64);
        let items: Vec<(u64, u64)> = (0..total.div_ceil(piece))
            .map(|k| (k * piece + 1, piece.min(total - k * piece)))
            .collect();
        let next = AtomicU64::new(0);
        let results: Vec<Vec<(usize, Vec<u64>)>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let zeros = vec![0u8; max_cap];
                        let mut pkt = Packet::new(false);
                        let mut found = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                            let Some(&(first, count)) = items.get(i) else {
                                break;
                            };
                            let mut hits = Vec::new();
                            for (k, (n, e)) in index.range(first, count).enumerate() {
                                if k % STRIDE == 0 {
                                    if control.cancel.load(Ordering::Relaxed) {
                                        return found;
                                    }
                                    if k > 0 {
                                        control.done.fetch_add(STRIDE as u64, Ordering::Relaxed);
                                    }
                                }
                                if matches_entry(filter, n, &e, &shapes, &addrs, &zeros, &mut pkt) {
                                    hits.push(n);
                                }
                            }
                            control
                                .done
                                .fetch_add(count % STRIDE as u64, Ordering::Relaxed);
                            found.push((i, hits));
                        }
                        found
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        });
        let mut parts: Vec<(usize, Vec<u64>)> = results.into_iter().flatten().collect();
        parts.sort_by_key(|(i, _)| *i);
        let cancelled = control.cancel.load(Ordering::Relaxed);
        Some(FilterOutcome {
            matches: parts.into_iter().flat_map(|(_, m)| m).collect(),
            scanned: index.len() as u64,
            from_index: true,
            cancelled,
        })
    }

    /// Dissects the loaded packets again in order (one pass, its own dissector).
    fn filter_replay(&self, filter: &Filter, control: &FilterControl) -> FilterOutcome {
        let loaded = self.len();
        control.total.store(loaded, Ordering::Relaxed);
        control.done.store(0, Ordering::Relaxed);
        let file = self.file();
        let pcapng = matches!(file.format(), crate::FileFormat::PcapNg);
        let mut dissector = Dissector::new(self.config().prefs.clone());
        let mut pkt = Packet::new(filter.needs_tree());
        let mut outcome = FilterOutcome::default();
        let mut packets = file.packets();
        while let Some(Ok(frame)) = packets.next() {
            if frame.number > loaded {
                break;
            }
            if frame.number % STRIDE as u64 == 0 {
                control.done.store(frame.number, Ordering::Relaxed);
                if control.cancel.load(Ordering::Relaxed) {
                    outcome.cancelled = true;
                    break;
                }
            }
            let meta = frame.meta(packets.interfaces(), pcapng);
            dissector.dissect(&meta, frame.data, &mut pkt);
            outcome.scanned += 1;
            if filter.matches(&pkt, &meta, frame.data) {
                outcome.matches.push(frame.number);
            }
        }
        control.done.store(outcome.scanned, Ordering::Relaxed);
        outcome
    }
}

/// Evaluates `filter` on the facts the index keeps for packet `n`.
fn matches_entry(
    filter: &Filter,
    n: u64,
    e: &IndexEntry,
    shapes: &[Arc<Shape>],
    addrs: &[Arc<Addrs>],
    zeros: &[u8],
    pkt: &mut Packet,
) -> bool {
    let (Some(shape), Some(addr)) = (shapes.get(e.shape as usize), addrs.get(e.addrs as usize))
    else {
        return false;
    };
    pkt.protocols.clear();
    pkt.protocols.extend_from_slice(&shape.protocols);
    pkt.facts.clear();
    pkt.facts.extend_from_slice(&addr.facts);
    pkt.experts.clear();
    pkt.experts.extend(shape.markers.iter().map(|m| Expert {
        severity: Severity::Note,
        group: Group::Sequence,
        message: Cow::Borrowed(""),
        layer: 0,
        span: Span::new(0, 0),
        name: Some(m.0),
    }));
    // The filters answered here read no link type; any value does.
    let mut meta = FrameMeta::new(n, e.ts(), e.orig_len, LinkType::ETHERNET);
    meta.has_ts = e.flags & flags::NO_TIMESTAMP == 0;
    let data = zeros.get(..e.cap_len as usize).unwrap_or(zeros);
    filter.matches(pkt, &meta, data)
}
