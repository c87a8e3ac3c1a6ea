//! The capture session: a file loaded in the background into a compact
//! per-packet index, with statistics kept current and the full tree of any
//! packet dissected again on demand.
//!
//! ```no_run
//! use std::path::Path;
//! use wirelens_capture::session::{Config, Session};
//!
//! let session = Session::open(Path::new("big.pcap"), Config::default())?;
//! session.wait_for_packets(50); // the first screenful, at once
//! let first = session.dissect(1).expect("packet 1");
//! println!("{}", first.packet.summary.info);
//! let done = session.wait();   // or poll session.progress() for a bar
//! println!("{} packets", done.packets);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How it stays small and exact is described in docs/ARCHITECTURE.md
//! ("Session"): the index holds 40 bytes per packet; a packet's tree is
//! rebuilt by replaying dissection from the nearest parked dissector
//! ("cursor") up to it, so it is the tree a single full pass gives.

pub mod access;
pub mod filter;
pub mod index;
pub mod intern;
pub mod stats;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wirelens_dissect::flow::{Retention, State};
use wirelens_dissect::model::LatencyKind;
use wirelens_dissect::{Dissector, FrameMeta, Packet, Prefs};

use crate::file::{
    CaptureFile, FileFormat, Frame, Interface, OpenError, Packets, ReadError, ResumePoint,
};
use index::{flags, Index, IndexEntry, IndexSnapshot};
use intern::{Addrs, Interner, Shape};
use stats::{Count, ExpertSummary, LatencySamples};

/// What bounds the session's memory and how it loads.
#[derive(Clone, Debug)]
pub struct Config {
    pub prefs: Prefs,
    /// Packets published before anything else: the first screenful.
    pub first_screen: usize,
    /// Packets dissected between two publications to readers.
    pub batch: usize,
    /// Parked dissectors kept for on-demand dissection. Each holds a full
    /// dissection state (bounded by the dissector's own table limits).
    pub cursors: usize,
    /// Distinct address/port combinations interned (about 300 bytes each).
    pub max_addrs: usize,
    /// Distinct packet shapes interned.
    pub max_shapes: usize,
    /// Distinct expert-summary rows.
    pub max_expert_rows: usize,
    /// Latency samples kept per kind for the percentiles (8 bytes each); the
    /// count, minimum and maximum are exact past it.
    pub max_latency_samples: usize,
}

impl Default for Config {
    /// Dissection keeps only what trees and the session's tables need
    /// ([`Retention::LEAN`]): a connection's charts and routes are rebuilt by
    /// dissecting it again.
    fn default() -> Self {
        Config {
            prefs: Prefs {
                retention: Retention::LEAN,
                ..Prefs::default()
            },
            first_screen: 64,
            batch: 4096,
            cursors: 2,
            max_addrs: 1 << 20,
            max_shapes: 1 << 16,
            max_expert_rows: 10_000,
            max_latency_samples: 1 << 16,
        }
    }
}

/// Where loading stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadState {
    Loading,
    /// Every packet of the file is in the index.
    Done,
    /// [`Session::cancel`] stopped it; the packets so far stay usable.
    Cancelled,
    /// The file is damaged here; every packet before it is in the index.
    Damaged(ReadError),
}

/// A progress report for a progress bar.
#[derive(Clone, Debug)]
pub struct Progress {
    pub state: LoadState,
    pub packets: u64,
    pub bytes_read: u64,
    pub file_len: u64,
    pub elapsed: Duration,
}

impl Progress {
    /// Share of the file read, 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.file_len == 0 {
            1.0
        } else {
            (self.bytes_read as f64 / self.file_len as f64).min(1.0)
        }
    }

    /// Bytes read per second so far.
    pub fn bytes_per_sec(&self) -> f64 {
        self.bytes_read as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn packets_per_sec(&self) -> f64 {
        self.packets as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Time left at the rate so far; `None` before anything was read or after the end.
    pub fn remaining(&self) -> Option<Duration> {
        if self.state != LoadState::Loading || self.bytes_read == 0 {
            return None;
        }
        let left = self.file_len.saturating_sub(self.bytes_read) as f64;
        Some(Duration::from_secs_f64(left / self.bytes_per_sec()))
    }

    pub fn is_finished(&self) -> bool {
        self.state != LoadState::Loading
    }
}

/// What the loading pass accumulates besides the index, behind one lock
/// taken once per batch.
pub struct Analysis {
    /// The loading pass's dissector: its state holds the conversation tables
    /// (`state().conv`), flows, neighbours...
    pub dissector: Dissector,
    pub shapes: Interner<Shape>,
    pub addrs: Interner<Addrs>,
    /// Frames and bytes per shape id.
    pub shape_counts: Vec<Count>,
    /// Frames and bytes of packets whose shape did not fit the table.
    pub unshaped: Count,
    pub expert: ExpertSummary,
    /// Latencies by [`LatencyKind::index`].
    pub latencies: [LatencySamples; LatencyKind::ALL.len()],
}

impl Analysis {
    /// The protocol hierarchy of the packets loaded so far.
    pub fn hierarchy(&self) -> Vec<stats::PhsNode> {
        stats::hierarchy(
            self.shape_counts
                .iter()
                .enumerate()
                .filter_map(|(id, c)| Some((self.shapes.get(id as u32)?, *c))),
        )
    }

    pub fn state(&self) -> &State {
        self.dissector.state()
    }

    /// The latencies of `kind` seen so far.
    pub fn latency(&self, kind: LatencyKind) -> &LatencySamples {
        &self.latencies[kind.index()]
    }
}

/// A packet dissected again on demand, with everything needed to show it.
pub struct Dissected<'s> {
    pub packet: Packet,
    pub frame: Frame<'s>,
    interfaces: Vec<Interface>,
    pcapng: bool,
}

impl Dissected<'_> {
    /// The frame facts the dissector saw (for JSON export, text trees).
    pub fn meta(&self) -> FrameMeta<'_> {
        self.frame.meta(&self.interfaces, self.pcapng)
    }
}

/// A dissector parked after some packet, to continue from there.
struct Cursor {
    dissector: Dissector,
    at: ResumePoint,
}

impl Cursor {
    /// The number of the next packet it would dissect.
    fn next(&self) -> u64 {
        self.at.frames_read() + 1
    }
}

struct Shared {
    file: CaptureFile,
    config: Config,
    pcapng: bool,
    index: RwLock<Index>,
    analysis: Mutex<Analysis>,
    cursors: Mutex<Vec<Cursor>>,
    packets: AtomicU64,
    bytes_read: AtomicU64,
    cancel: AtomicBool,
    /// The file is still being written: at its end the loader waits for
    /// more instead of finishing.
    following: AtomicBool,
    state: Mutex<LoadState>,
    changed: Condvar,
    started: Instant,
    finished_after: Mutex<Option<Duration>>,
}

/// A capture file being loaded or loaded: see the module documentation.
pub struct Session {
    shared: Arc<Shared>,
    loader: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    /// Opens `path` and starts loading it on a background thread.
    pub fn open(path: &Path, config: Config) -> Result<Session, OpenError> {
        Ok(Session::start(CaptureFile::open(path)?, config))
    }

    /// Opens a capture file that is still being written (a live capture's)
    /// and loads it as it grows: packets appear as their records are
    /// complete, and loading stays [`LoadState::Loading`] until
    /// [`stop_following`](Self::stop_following) is called once the writer
    /// has finished. Decryption secrets are those of the file's start.
    pub fn follow(path: &Path, config: Config) -> Result<Session, OpenError> {
        Ok(Session::begin(
            CaptureFile::open_growing(path)?,
            config,
            true,
        ))
    }

    /// The writer has finished: load what is left and end as a file would
    /// (a record still cut short at the end is then damage).
    pub fn stop_following(&self) {
        self.shared.following.store(false, Ordering::Release);
    }

    /// True while the session waits for the file to grow.
    pub fn is_following(&self) -> bool {
        self.shared.following.load(Ordering::Acquire)
    }

    /// Starts loading an opened capture.
    pub fn start(file: CaptureFile, config: Config) -> Session {
        Session::begin(file, config, false)
    }

    fn begin(file: CaptureFile, mut config: Config, following: bool) -> Session {
        // Secrets embedded in the capture decrypt for the load and every
        // replay alike, so on-demand trees equal a full pass.
        for (kind, data) in file.decryption_secrets() {
            config.prefs.add_decryption_secrets(kind, &data);
        }
        let pcapng = matches!(file.format(), FileFormat::PcapNg);
        let analysis = Analysis {
            dissector: Dissector::new(config.prefs.clone()),
            shapes: Interner::new(config.max_shapes),
            addrs: Interner::new(config.max_addrs),
            shape_counts: Vec::new(),
            unshaped: Count::default(),
            expert: ExpertSummary::new(config.max_expert_rows),
            latencies: LatencyKind::ALL.map(|_| LatencySamples::new(config.max_latency_samples)),
        };
        let shared = Arc::new(Shared {
            file,
            config,
            pcapng,
            index: RwLock::new(Index::default()),
            analysis: Mutex::new(analysis),
            cursors: Mutex::new(Vec::new()),
            packets: AtomicU64::new(0),
            bytes_read: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            following: AtomicBool::new(following),
            state: Mutex::new(LoadState::Loading),
            changed: Condvar::new(),
            started: Instant::now(),
            finished_after: Mutex::new(None),
        });
        let worker = Arc::clone(&shared);
        let loader = std::thread::Builder::new()
            .name("wirelens-load".into())
            .spawn(move || load(&worker))
            .ok();
        if loader.is_none() {
            finish(&shared, LoadState::Cancelled);
        }
        Session { shared, loader }
    }

    pub fn file(&self) -> &CaptureFile {
        &self.shared.file
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    pub fn progress(&self) -> Progress {
        let state = lock(&self.shared.state).clone();
        let elapsed =
            (*lock(&self.shared.finished_after)).unwrap_or_else(|| self.shared.started.elapsed());
        Progress {
            state,
            packets: self.shared.packets.load(Ordering::Acquire),
            bytes_read: self.shared.bytes_read.load(Ordering::Acquire),
            file_len: self.shared.file.len(),
            elapsed,
        }
    }

    /// Packets in the index so far.
    pub fn len(&self) -> u64 {
        self.shared.packets.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Asks the loader to stop; the packets loaded so far stay usable.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Release);
    }

    /// Blocks until at least `n` packets are indexed or loading ended;
    /// returns how many are.
    pub fn wait_for_packets(&self, n: u64) -> u64 {
        let mut state = lock(&self.shared.state);
        loop {
            let have = self.len();
            if have >= n || *state != LoadState::Loading {
                return have;
            }
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Blocks until loading ends.
    pub fn wait(&self) -> Progress {
        self.wait_for_packets(u64::MAX);
        self.progress()
    }

    /// The index entry of packet `number` (1-based).
    pub fn entry(&self, number: u64) -> Option<IndexEntry> {
        self.shared
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(number)
    }

    /// The index as it is now, to read without holding a lock.
    pub fn snapshot(&self) -> IndexSnapshot {
        self.shared
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .snapshot()
    }

    /// Runs `f` on the statistics and dissection state gathered so far.
    /// Loading waits while `f` runs; keep it short.
    pub fn with_analysis<R>(&self, f: impl FnOnce(&Analysis) -> R) -> R {
        f(&lock(&self.shared.analysis))
    }

    /// Bytes of memory the session holds besides the file map: the index,
    /// the interned tables (estimated) and nothing of the dissection state,
    /// which its own limits bound.
    pub fn index_bytes(&self) -> usize {
        self.shared
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .heap_bytes()
    }

    /// Dissects packet `number` with its full tree, exactly as a single pass
    /// over the file would: by replaying from the nearest parked dissector.
    pub fn dissect(&self, number: u64) -> Option<Dissected<'_>> {
        let mut out = None;
        self.visit(number, 1, true, |d| out = Some(d));
        out
    }

    /// Dissects packets `first ..` (at most `count`, and only those already
    /// indexed), with or without the tree, calling `f` on each in order.
    pub fn visit<'s>(
        &'s self,
        first: u64,
        count: u64,
        tree: bool,
        mut f: impl FnMut(Dissected<'s>),
    ) {
        let loaded = self.len();
        if first == 0 || count == 0 || first > loaded {
            return;
        }
        let last = first.saturating_add(count - 1).min(loaded);
        let file = &self.shared.file;
        let mut cursor = self.take_cursor(first);
        let mut packets = file.packets_from(&cursor.at);
        let mut skip = Packet::new(false);
        while let Some(Ok(frame)) = packets.next() {
            let meta = frame.meta(packets.interfaces(), self.shared.pcapng);
            if frame.number < first {
                cursor.dissector.dissect(&meta, frame.data, &mut skip);
                continue;
            }
            let mut pkt = Packet::new(tree);
            cursor.dissector.dissect(&meta, frame.data, &mut pkt);
            let number = frame.number;
            f(Dissected {
                packet: pkt,
                frame,
                interfaces: packets.interfaces().to_vec(),
                pcapng: self.shared.pcapng,
            });
            if number >= last {
                break;
            }
        }
        cursor.at = packets.resume_point();
        self.park_cursor(cursor);
    }

    /// The parked cursor furthest along that has not passed `number`, or a new one.
    fn take_cursor(&self, number: u64) -> Cursor {
        let mut cursors = lock(&self.shared.cursors);
        let best = cursors
            .iter()
            .enumerate()
            .filter(|(_, c)| c.next() <= number)
            .max_by_key(|(_, c)| c.next())
            .map(|(i, _)| i);
        match best {
            Some(i) => cursors.swap_remove(i),
            None => {
                // Every parked cursor is past `number`: at the limit, the one
                // furthest along goes before a new one starts, so no more than
                // `cursors` dissection states exist besides the loader's.
                if cursors.len() >= self.shared.config.cursors.max(1) {
                    if let Some(i) = (0..cursors.len()).max_by_key(|&i| cursors[i].next()) {
                        cursors.swap_remove(i);
                    }
                }
                Cursor {
                    dissector: Dissector::new(self.shared.config.prefs.clone()),
                    at: self.shared.file.packets().resume_point(),
                }
            }
        }
    }

    /// Parks a cursor; when there are too many, the one nearest another goes
    /// (they cover the file best when spread out).
    fn park_cursor(&self, cursor: Cursor) {
        let limit = self.shared.config.cursors;
        if limit == 0 {
            return;
        }
        let mut cursors = lock(&self.shared.cursors);
        cursors.push(cursor);
        while cursors.len() > limit {
            cursors.sort_by_key(Cursor::next);
            let victim = (1..cursors.len())
                .min_by_key(|&i| cursors[i].next() - cursors[i - 1].next())
                .unwrap_or(0);
            cursors.remove(victim);
        }
    }

    /// Packets parked cursors stand at (for tests and diagnostics).
    pub fn cursor_positions(&self) -> Vec<u64> {
        let mut v: Vec<u64> = lock(&self.shared.cursors)
            .iter()
            .map(Cursor::next)
            .collect();
        v.sort_unstable();
        v
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.cancel();
        if let Some(h) = self.loader.take() {
            let _ = h.join();
        }
    }
}

fn finish(shared: &Shared, state: LoadState) {
    *lock(&shared.finished_after) = Some(shared.started.elapsed());
    *lock(&shared.state) = state;
    shared.changed.notify_all();
}

/// How often a session following a growing file looks for more.
const FOLLOW_POLL: Duration = Duration::from_millis(50);

/// What the loader does at the end of what is readable of a file.
enum AtEnd {
    /// Read on: the file grew.
    Grown,
    /// Wait, then look again: the file is still being written.
    Wait,
    /// The file is complete.
    Finish,
}

/// At the end of the bytes that were readable (`seen`): a followed file may
/// have grown, or may grow later; any other file is complete.
fn at_end(shared: &Shared, seen: u64) -> AtEnd {
    // Read the flag before the length: once the writer is done (and the
    // flag cleared), the length read after it is final.
    let following = shared.following.load(Ordering::Acquire);
    if shared.file.refresh() > seen {
        AtEnd::Grown
    } else if following {
        AtEnd::Wait
    } else {
        AtEnd::Finish
    }
}

/// A record that runs past the end of the readable bytes.
fn is_cut_short(e: &ReadError) -> bool {
    e.reason.contains("file truncated")
}

/// The loading pass: dissects every packet on the fast path, appends its
/// index entry, counts it in the statistics, and publishes in batches.
/// Following a growing file, it goes on from where it stopped each time the
/// file grows.
fn load(shared: &Shared) {
    let file = &shared.file;
    let mut packets = file.packets();
    let mut caught_up = false;
    let mut pkt = Packet::new(false);
    let mut shape = Shape::default();
    let mut addrs = Addrs::default();
    let mut entries = Vec::with_capacity(shared.config.batch.max(1));
    let mut batch = shared.config.first_screen.max(1);
    let mut end = None;
    while end.is_none() {
        if shared.cancel.load(Ordering::Acquire) {
            end = Some(LoadState::Cancelled);
            break;
        }
        entries.clear();
        {
            let mut a = lock(&shared.analysis);
            let a = &mut *a;
            while entries.len() < batch {
                let frame = match packets.next() {
                    Some(Ok(f)) => f,
                    Some(Err(e)) if is_cut_short(&e) => {
                        match at_end(shared, packets.readable_len()) {
                            AtEnd::Finish => {
                                end = Some(LoadState::Damaged(e));
                                break;
                            }
                            AtEnd::Grown | AtEnd::Wait => {
                                caught_up = true;
                                break;
                            }
                        }
                    }
                    Some(Err(e)) => {
                        end = Some(LoadState::Damaged(e));
                        break;
                    }
                    None => match at_end(shared, packets.readable_len()) {
                        AtEnd::Finish => {
                            end = Some(LoadState::Done);
                            break;
                        }
                        AtEnd::Grown | AtEnd::Wait => {
                            caught_up = true;
                            break;
                        }
                    },
                };
                let meta = frame.meta(packets.interfaces(), shared.pcapng);
                a.dissector.dissect(&meta, frame.data, &mut pkt);
                entries.push(index_packet(a, &frame, &pkt, &mut shape, &mut addrs));
            }
        }
        shared
            .index
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(&entries);
        shared
            .packets
            .fetch_add(entries.len() as u64, Ordering::AcqRel);
        shared
            .bytes_read
            .store(packets.bytes_read(), Ordering::Release);
        // Wake waiters under the state lock so none misses the change.
        drop(lock(&shared.state));
        shared.changed.notify_all();
        batch = shared.config.batch.max(1);
        if std::mem::take(&mut caught_up) {
            packets = continue_growing(shared, &packets);
        }
    }
    if let Some(state) = end {
        finish(shared, state);
    }
}

/// Waits until the followed file grows (or following ends, or loading is
/// cancelled), then reads on from where `packets` stopped.
fn continue_growing<'f>(shared: &'f Shared, packets: &Packets<'f>) -> Packets<'f> {
    let seen = packets.readable_len();
    while matches!(at_end(shared, seen), AtEnd::Wait) && !shared.cancel.load(Ordering::Acquire) {
        std::thread::sleep(FOLLOW_POLL);
    }
    shared
        .file
        .packets_from(&packets.resume_point_to_continue())
}

fn index_packet(
    a: &mut Analysis,
    frame: &Frame<'_>,
    pkt: &Packet,
    shape: &mut Shape,
    addrs: &mut Addrs,
) -> IndexEntry {
    shape.fill(pkt);
    let shape_id = a.shapes.intern(shape);
    if shape_id as usize == a.shape_counts.len() {
        a.shape_counts.push(Count::default());
    }
    let count = match a.shape_counts.get_mut(shape_id as usize) {
        Some(c) => c,
        None => &mut a.unshaped,
    };
    count.frames += 1;
    count.bytes += frame.orig_len as u64;
    addrs.fill(pkt);
    let addrs_id = a.addrs.intern(addrs);
    if !pkt.experts.is_empty() {
        a.expert.add(pkt);
    }
    for l in &pkt.latencies {
        a.latencies[l.kind.index()].add(l.value.as_secs_f64());
    }
    let mut f = stats::severity_flag(pkt);
    if pkt.is_malformed() {
        f |= flags::MALFORMED;
    }
    if !frame.has_ts {
        f |= flags::NO_TIMESTAMP;
    }
    if frame.custom.is_some() {
        f |= flags::CUSTOM_BLOCK;
    }
    if !frame.comments.is_empty() {
        f |= flags::COMMENTED;
    }
    let stream = a
        .dissector
        .state()
        .flows
        .last_flow
        .map_or(0, |s| u32::try_from(s).unwrap_or(u32::MAX));
    let mut entry = IndexEntry {
        offset: frame.file_offset,
        ts_ns: 0,
        orig_len: frame.orig_len,
        cap_len: frame.data.len() as u32,
        shape: shape_id,
        addrs: addrs_id,
        stream,
        interface: u16::try_from(frame.interface_id).unwrap_or(u16::MAX),
        flags: f,
    };
    entry.set_ts(frame.ts);
    entry
}
