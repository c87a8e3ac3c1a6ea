//! Dissection off the UI thread.
//!
//! The index keeps addresses and the protocol of every packet but not its
//! Info text nor its tree: both need the packet dissected again, which replays
//! from the nearest parked dissector and, after a jump to the end of a big
//! file, can read most of it. One worker thread does that work; the UI asks
//! for the rows on screen and the selected packet's tree, and draws what it
//! has meanwhile. Only the newest request of each kind is kept: rows scrolled
//! past are never dissected.

use std::sync::mpsc::{self, Receiver, Sender};
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

pub enum Reply {
    Rows(Vec<(u64, RowSummary)>),
    Detail(Arc<DetailPacket>),
}

#[derive(Default)]
struct Pending {
    rows: Option<Vec<u64>>,
    detail: Option<u64>,
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

    /// Asks for the tree of packet `number`, replacing any earlier request.
    pub fn request_detail(&self, number: u64) {
        lock(&self.shared).detail = Some(number);
        self.shared.wake.notify_one();
    }

    /// What arrived since the last call, without waiting.
    pub fn poll(&self) -> Vec<Reply> {
        self.replies.try_iter().collect()
    }

    /// Nothing is asked for or being worked on.
    pub fn is_idle(&self) -> bool {
        let p = lock(&self.shared);
        p.quit || (!p.busy && p.rows.is_none() && p.detail.is_none())
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
                // The selected packet's tree first: it is one packet, and
                // the user is looking at it.
                if let Some(n) = p.detail.take() {
                    p.busy = true;
                    break Job::Detail(n);
                }
                if let Some(rows) = p.rows.take() {
                    p.busy = true;
                    break Job::Rows(rows);
                }
                p = shared.wake.wait(p).unwrap_or_else(|e| e.into_inner());
            }
        };
        let reply = match job {
            Job::Detail(n) => dissect_detail(session, n).map(|d| Reply::Detail(Arc::new(d))),
            Job::Rows(numbers) => Some(Reply::Rows(summaries(session, &numbers))),
        };
        // Sent before `busy` clears, so an idle worker has nothing in flight.
        let sent = reply.is_none_or(|r| tx.send(r).is_ok());
        if !sent {
            return;
        }
        lock(shared).busy = false;
    }
}

enum Job {
    Detail(u64),
    Rows(Vec<u64>),
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
        session.visit(first, last - first + 1, false, |d| {
            if wanted.binary_search(&d.frame.number).is_ok() {
                let s = &d.packet.summary;
                out.push((
                    d.frame.number,
                    RowSummary {
                        src: s.src,
                        dst: s.dst,
                        protocol: s.protocol,
                        info: s.info.clone(),
                    },
                ));
            }
        });
        i = j;
    }
    out
}
