//! Dissection off the UI thread.
//!
//! The index keeps addresses and the protocol of every packet but not its
//! Info text nor its tree: both need the packet dissected again, which replays
//! from the nearest parked dissector and, after a jump to the end of a big
//! file, can read most of it. One worker thread does that work; the UI asks
//! for the rows on screen and the selected packet's tree, and draws what it
//! has meanwhile. Only the newest request of each kind is kept: rows scrolled
//! past are never dissected.

use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use wirelens_capture::session::Session;
use wirelens_dissect::model::{Address, Packet};
use wirelens_dissect::Timestamp;

/// The columns of one row that the index does not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowSummary {
    pub src: Address,
    pub dst: Address,
    pub protocol: &'static str,
    pub info: String,
    /// `frame.protocols`.
    pub protocols: Vec<&'static str>,
    /// `tcp.flags`, for the colouring rules the index cannot answer.
    pub tcp_flags: Option<u64>,
    /// Wireshark's "Bad TCP" rule applies.
    pub bad_tcp: bool,
}

/// A packet dissected with its full tree, owned so the UI can keep it.
pub struct DetailPacket {
    pub number: u64,
    pub ts: Timestamp,
    pub packet: Packet,
    /// The frame's captured bytes.
    pub data: Vec<u8>,
}

impl DetailPacket {
    /// The value of a numeric field, such as `tcp.stream`.
    pub fn field_u64(&self, name: &str) -> Option<u64> {
        self.packet.find(name).and_then(|f| f.value.as_u64())
    }
}

/// An interned packet shape, as the list needs it.
#[derive(Clone, Debug)]
pub struct ShapeInfo {
    /// The Protocol column.
    pub column: &'static str,
    /// `frame.protocols`, for the colouring rules.
    pub protocols: Vec<&'static str>,
    /// Wireshark's "Bad TCP" rule applies.
    pub bad_tcp: bool,
}

/// Wireshark's "Bad TCP" colouring rule: `tcp.analysis.flags &&
/// !tcp.analysis.window_update && !tcp.analysis.keep_alive &&
/// !tcp.analysis.keep_alive_ack`, over the names of the expert items raised.
pub fn bad_tcp<'a>(mut names: impl Iterator<Item = &'a str>) -> bool {
    names.any(|n| {
        n.starts_with("tcp.analysis.")
            && !matches!(
                n,
                "tcp.analysis.window_update"
                    | "tcp.analysis.keep_alive"
                    | "tcp.analysis.keep_alive_ack"
            )
    })
}

/// Interned ids the list has no copy of yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookup {
    pub addrs: Vec<u32>,
    pub shapes: Vec<u32>,
}

impl Lookup {
    pub fn is_empty(&self) -> bool {
        self.addrs.is_empty() && self.shapes.is_empty()
    }
}

pub enum Reply {
    Rows(Vec<(u64, RowSummary)>),
    Detail(Arc<DetailPacket>),
    /// Source and destination by address-set id, shapes by id.
    Interned {
        addrs: Vec<(u32, Address, Address)>,
        shapes: Vec<(u32, ShapeInfo)>,
    },
}

#[derive(Default)]
struct Pending {
    rows: Option<Vec<u64>>,
    detail: Option<u64>,
    lookup: Option<Lookup>,
    busy: bool,
    quit: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
}

fn lock(shared: &Shared) -> MutexGuard<'_, Pending> {
    shared.pending.lock().unwrap_or_else(|e| e.into_inner())
}

/// Packets closer than this are dissected in one run rather than two: the
/// replay between them costs less than starting again.
const RUN_GAP: u64 = 256;

pub struct Worker {
    shared: Arc<Shared>,
    replies: Receiver<Reply>,
}

impl Worker {
    pub fn spawn(session: Arc<Session>) -> Worker {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
        });
        let (tx, replies) = mpsc::channel();
        let theirs = Arc::clone(&shared);
        let started = std::thread::Builder::new()
            .name("wirelens-ui-dissect".into())
            .spawn(move || serve(&session, &theirs, &tx));
        if started.is_err() {
            // No thread: requests stay pending and the UI shows the index
            // columns only, which is still usable.
            lock(&shared).quit = true;
        }
        Worker { shared, replies }
    }

    /// Asks for the summaries of `numbers` (ascending), replacing any earlier request.
    pub fn request_rows(&self, numbers: Vec<u64>) {
        lock(&self.shared).rows = Some(numbers);
        self.shared.wake.notify_one();
    }

    /// Asks for interned values, replacing any earlier request. The lookup
    /// waits for the loader's lock, which it holds for a whole batch: on
    /// this thread, drawing never does.
    pub fn request_lookup(&self, lookup: Lookup) {
        lock(&self.shared).lookup = Some(lookup);
        self.shared.wake.notify_one();
    }

    /// Asks for the tree of packet `number`, replacing any earlier request.
    pub fn request_detail(&self, number: u64) {
        lock(&self.shared).detail = Some(number);
        self.shared.wake.notify_one();
    }

    /// What arrived since the last call, without waiting.
    pub fn poll(&self) -> Vec<Reply> {
        let mut out = Vec::new();
        loop {
            match self.replies.try_recv() {
                Ok(r) => out.push(r),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    // The thread is gone (a dissector panicked): nothing
                    // asked will come, so nothing is awaited any more.
                    lock(&self.shared).quit = true;
                    break;
                }
            }
        }
        out
    }

    /// The thread stopped: rows keep the index's columns only.
    pub fn is_dead(&self) -> bool {
        lock(&self.shared).quit
    }

    /// Nothing is asked for or being worked on.
    pub fn is_idle(&self) -> bool {
        let p = lock(&self.shared);
        p.quit || (!p.busy && p.rows.is_none() && p.detail.is_none() && p.lookup.is_none())
    }
}

impl Drop for Worker {
    /// The thread ends after its current request; it is not waited for, so
    /// quitting never waits on a long replay.
    fn drop(&mut self) {
        lock(&self.shared).quit = true;
        self.shared.wake.notify_one();
    }
}

fn serve(session: &Session, shared: &Shared, tx: &Sender<Reply>) {
    loop {
        let job = {
            let mut p = lock(shared);
            loop {
                if p.quit {
                    return;
                }
                if let Some(job) = next_job(&mut p) {
                    p.busy = true;
                    break job;
                }
                p = shared.wake.wait(p).unwrap_or_else(|e| e.into_inner());
            }
        };
        let replies = match job {
            Job::Detail(n) => dissect_detail(session, n)
                .map(|d| Reply::Detail(Arc::new(d)))
                .into_iter()
                .collect(),
            Job::Rows(numbers) => vec![Reply::Rows(summaries(session, &numbers))],
            Job::Both(numbers, n) => rows_and_detail(session, &numbers, n),
            Job::Lookup(l) => vec![look_up(session, &l)],
        };
        // Sent before `busy` clears, so an idle worker has nothing in flight.
        let sent = replies.into_iter().all(|r| tx.send(r).is_ok());
        if !sent {
            return;
        }
        lock(shared).busy = false;
    }
}

enum Job {
    Detail(u64),
    Rows(Vec<u64>),
    /// Rows and the tree of a packet among them, in one replay.
    Both(Vec<u64>, u64),
    Lookup(Lookup),
}

/// Packets dissected with their tree in one pass at most, so that rows
/// around the selected packet and its tree come from one replay.
const ONE_PASS: u64 = 4096;

/// What to do next. A replay only goes forwards, so after a jump the rows
/// on screen and the selected packet among them are dissected in one pass
/// (with trees, cheap for a screenful) rather than one after the other,
/// which would replay the same stretch of file twice.
fn next_job(p: &mut Pending) -> Option<Job> {
    // Interned values first: a lookup takes no dissection.
    if let Some(l) = p.lookup.take() {
        return Some(Job::Lookup(l));
    }
    if let (Some(rows), Some(n)) = (&p.rows, p.detail) {
        let first = rows.first().copied().unwrap_or(n).min(n);
        let last = rows.last().copied().unwrap_or(n).max(n);
        if last - first < ONE_PASS {
            let rows = p.rows.take().unwrap_or_default();
            p.detail = None;
            return Some(Job::Both(rows, n));
        }
    }
    // The selected packet's tree first: it is the one looked at.
    if let Some(n) = p.detail.take() {
        return Some(Job::Detail(n));
    }
    p.rows.take().map(Job::Rows)
}

fn dissect_detail(session: &Session, number: u64) -> Option<DetailPacket> {
    let d = session.dissect(number)?;
    Some(DetailPacket {
        number,
        ts: d.frame.ts,
        data: d.frame.data.to_vec(),
        packet: d.packet,
    })
}

fn look_up(session: &Session, l: &Lookup) -> Reply {
    session.with_analysis(|a| Reply::Interned {
        addrs: l
            .addrs
            .iter()
            .filter_map(|&id| a.addrs.get(id).map(|x| (id, x.src, x.dst)))
            .collect(),
        shapes: l
            .shapes
            .iter()
            .filter_map(|&id| {
                a.shapes.get(id).map(|s| {
                    (
                        id,
                        ShapeInfo {
                            column: s.column,
                            protocols: s.protocols.clone(),
                            bad_tcp: bad_tcp(s.markers.iter().map(|m| m.0.name)),
                        },
                    )
                })
            })
            .collect(),
    })
}

/// Dissects `numbers` (ascending) and packet `n` with its tree, in one pass.
fn rows_and_detail(session: &Session, numbers: &[u64], n: u64) -> Vec<Reply> {
    let first = numbers.first().copied().unwrap_or(n).min(n);
    let last = numbers.last().copied().unwrap_or(n).max(n);
    let mut rows = Vec::with_capacity(numbers.len());
    let mut detail = None;
    session.visit(first, last - first + 1, true, |d| {
        let number = d.frame.number;
        if numbers.binary_search(&number).is_ok() {
            rows.push((number, summary(&d.packet)));
        }
        if number == n {
            detail = Some(DetailPacket {
                number,
                ts: d.frame.ts,
                data: d.frame.data.to_vec(),
                packet: d.packet,
            });
        }
    });
    let mut out = vec![Reply::Rows(rows)];
    out.extend(detail.map(|d| Reply::Detail(Arc::new(d))));
    out
}

/// `pkt` must have its tree (for `tcp.flags`).
fn summary(pkt: &Packet) -> RowSummary {
    let s = &pkt.summary;
    RowSummary {
        src: s.src,
        dst: s.dst,
        protocol: s.protocol,
        info: s.info.clone(),
        protocols: pkt.protocols.clone(),
        tcp_flags: pkt.find("tcp.flags").and_then(|f| f.value.as_u64()),
        bad_tcp: bad_tcp(pkt.experts.iter().filter_map(|e| e.name.map(|d| d.name))),
    }
}

/// Dissects `numbers` (ascending) in runs of nearby packets.
fn summaries(session: &Session, numbers: &[u64]) -> Vec<(u64, RowSummary)> {
    let mut out = Vec::with_capacity(numbers.len());
    let mut i = 0;
    while i < numbers.len() {
        let first = numbers[i];
        let mut j = i + 1;
        while j < numbers.len() && numbers[j].saturating_sub(numbers[j - 1]) <= RUN_GAP {
            j += 1;
        }
        let last = numbers[j - 1];
        let wanted = &numbers[i..j];
        // With trees: a screenful costs little more, and gives the flags.
        session.visit(first, last - first + 1, true, |d| {
            if wanted.binary_search(&d.frame.number).is_ok() {
                out.push((d.frame.number, summary(&d.packet)));
            }
        });
        i = j;
    }
    out
}
