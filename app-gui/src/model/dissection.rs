//! On-demand dissection for the packet list and the detail pane, on one
//! thread of its own.
//!
//! The session's index has no Info column and no trees: the rows on screen
//! and the selected packet are dissected again ([`Session::visit`],
//! [`Session::dissect`]), which replays from the nearest parked dissector. A
//! jump into a big file can take seconds, so it never happens on the UI
//! thread: the frame asks ([`Dissection::request_rows`],
//! [`Dissection::request_detail`]) and draws placeholders until the answer
//! arrives. When the user scrolls fast, requests pile up; the thread keeps
//! only the newest few and reports the rest as dropped, so the rows on screen
//! now come first.
//!
//! Rows are dissected with their trees, a chunk of 128 at a time, and the
//! trees of the last few chunks are kept: clicking a row on screen then
//! costs nothing, and a jump dissects the target's chunk once for both its
//! rows and its tree.

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use wirelens_capture::session::Session;
use wirelens_dissect::model::{Address, Severity};
use wirelens_dissect::{Packet, Timestamp};

use super::detail::Detail;
use super::job::Notify;

/// Rows are fetched in aligned chunks of this many packets.
pub const CHUNK: u64 = 128;

/// Chunk requests kept when several are waiting: about two screens.
const KEEP_CHUNKS: usize = 6;

/// The packet-list facts of one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowSummary {
    pub number: u64,
    pub ts: Timestamp,
    pub src: Address,
    pub dst: Address,
    pub protocol: &'static str,
    pub length: u32,
    pub info: Box<str>,
    pub colour: RowColour,
}

/// Wireshark's default colouring rules, the common ones: what a row's
/// background says at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowColour {
    Plain,
    /// Malformed, or an error expert item.
    Bad,
    /// A TCP analysis warning (retransmission, zero window, ...).
    TcpProblem,
    TcpSynFin,
    TcpReset,
    Http,
    Dns,
    Tls,
    Arp,
    Icmp,
    Routing,
    Tcp,
    Udp,
}

impl RowColour {
    /// The rule a dissected packet falls under, first match wins as in
    /// Wireshark's list.
    pub fn of(pkt: &Packet) -> RowColour {
        let has = |p: &str| pkt.protocols.contains(&p);
        let info = pkt.summary.info.as_str();
        if pkt.is_malformed() || pkt.worst_severity() == Some(Severity::Error) {
            RowColour::Bad
        } else if has("tcp")
            && pkt
                .experts
                .iter()
                .any(|e| e.severity >= Severity::Warn && e.name.is_some())
        {
            RowColour::TcpProblem
        } else if has("tcp") && info.contains("RST") && info.contains('[') {
            RowColour::TcpReset
        } else if has("tcp") && (info.contains("[SYN") || info.contains("FIN")) {
            RowColour::TcpSynFin
        } else if has("http") || has("http2") {
            RowColour::Http
        } else if has("dns") || has("mdns") {
            RowColour::Dns
        } else if has("tls") || has("ssh") {
            RowColour::Tls
        } else if has("arp") {
            RowColour::Arp
        } else if has("icmp") || has("icmpv6") {
            RowColour::Icmp
        } else if has("bgp") || has("ospf") || has("stp") {
            RowColour::Routing
        } else if has("tcp") {
            RowColour::Tcp
        } else if has("udp") {
            RowColour::Udp
        } else {
            RowColour::Plain
        }
    }
}

enum Request {
    Rows { first: u64 },
    Detail(u64),
}

/// What the thread sends back.
pub enum Reply {
    Rows(Vec<RowSummary>),
    /// Chunks (by first packet) skipped for newer requests: ask again if still in view.
    Dropped(Vec<u64>),
    Detail(Arc<Detail>),
    /// The packet could not be dissected (not loaded, or the file changed).
    NoDetail(u64),
}

/// The dissection thread's handle: dropping it ends the thread.
pub struct Dissection {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
    pending_chunks: HashSet<u64>,
}

impl Dissection {
    pub fn start(session: Arc<Session>, notify: Notify) -> Dissection {
        let (req_tx, req_rx) = mpsc::channel();
        let (rep_tx, rep_rx) = mpsc::channel();
        // Failing to start the thread leaves requests unanswered: the list
        // shows placeholders, which is what it shows while waiting anyway.
        let _ = std::thread::Builder::new()
            .name("wirelens-gui-dissect".into())
            .spawn(move || serve(&session, &req_rx, &rep_tx, &*notify));
        Dissection {
            requests: req_tx,
            replies: rep_rx,
            pending_chunks: HashSet::new(),
        }
    }

    /// Asks for the rows of the chunk holding packet `number`, unless asked already.
    pub fn request_rows(&mut self, number: u64) {
        let first = chunk_start(number);
        if self.pending_chunks.insert(first) {
            let _ = self.requests.send(Request::Rows { first });
        }
    }

    /// Asks for packet `number` with its tree (after its rows, when those
    /// are asked for too: one replay then gives both).
    pub fn request_detail(&mut self, number: u64) {
        let _ = self.requests.send(Request::Detail(number));
    }

    /// Replies that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Reply> {
        let mut out = Vec::new();
        while let Ok(reply) = self.replies.try_recv() {
            match &reply {
                Reply::Rows(rows) => {
                    if let Some(r) = rows.first() {
                        self.pending_chunks.remove(&chunk_start(r.number));
                    }
                }
                Reply::Dropped(firsts) => {
                    for f in firsts {
                        self.pending_chunks.remove(f);
                    }
                }
                Reply::Detail(_) | Reply::NoDetail(_) => {}
            }
            out.push(reply);
        }
        out
    }

    /// True while rows asked for have not arrived.
    pub fn is_waiting(&self) -> bool {
        !self.pending_chunks.is_empty()
    }

    /// Forgets chunk requests of rows that were not loaded yet when asked,
    /// so they are asked again once loading has reached them.
    pub fn forget_pending(&mut self, first: u64) {
        self.pending_chunks.remove(&first);
    }
}

/// The first packet number of `number`'s chunk.
pub fn chunk_start(number: u64) -> u64 {
    (number.max(1) - 1) / CHUNK * CHUNK + 1
}

/// Trees of the chunks dissected last. A parked cursor stands after the
/// last chunk visited, so dissecting a packet on screen again would replay
/// from an earlier cursor (or the start); keeping the trees of the rows just
/// shown answers a click on one of them at once.
#[derive(Default)]
struct Recent {
    chunks: VecDeque<(u64, Vec<Arc<Detail>>)>,
}

/// Chunks whose trees are kept: a few screens.
const RECENT_CHUNKS: usize = 4;

impl Recent {
    fn get(&self, number: u64) -> Option<Arc<Detail>> {
        let first = chunk_start(number);
        let (_, details) = self.chunks.iter().find(|(f, _)| *f == first)?;
        details.iter().find(|d| d.number == number).cloned()
    }

    fn insert(&mut self, first: u64, details: Vec<Arc<Detail>>) {
        self.chunks.retain(|(f, _)| *f != first);
        self.chunks.push_back((first, details));
        while self.chunks.len() > RECENT_CHUNKS {
            self.chunks.pop_front();
        }
    }
}

fn serve(
    session: &Session,
    requests: &Receiver<Request>,
    replies: &Sender<Reply>,
    notify: &dyn Fn(),
) {
    let mut recent = Recent::default();
    while let Ok(first) = requests.recv() {
        // Take everything waiting: the newest detail request wins, and the
        // newest few chunk requests.
        let mut detail = None;
        let mut chunks = Vec::new();
        let mut next = Some(first);
        while let Some(req) = next {
            match req {
                Request::Detail(n) => detail = Some(n),
                Request::Rows { first } => chunks.push(first),
            }
            next = requests.try_recv().ok();
        }
        let keep_from = chunks.len().saturating_sub(KEEP_CHUNKS);
        let mut keep = chunks.split_off(keep_from);
        let mut dropped = chunks;
        if let Some(n) = detail {
            // The selected packet's chunk first: its rows and its tree come
            // from one replay.
            let first = chunk_start(n);
            dropped.retain(|&c| c != first);
            if let Some(i) = keep.iter().position(|&c| c == first) {
                keep.remove(i);
                if !send_rows(session, first, &mut recent, replies) {
                    return;
                }
            }
            let reply = match recent.get(n) {
                Some(d) => Reply::Detail(d),
                None => match session.dissect(n) {
                    Some(d) => Reply::Detail(Arc::new(Detail::new(n, d.packet, d.frame.data))),
                    None => Reply::NoDetail(n),
                },
            };
            if replies.send(reply).is_err() {
                return;
            }
            notify();
        }
        if !dropped.is_empty() && replies.send(Reply::Dropped(dropped)).is_err() {
            return;
        }
        for first in keep {
            if !send_rows(session, first, &mut recent, replies) {
                return;
            }
        }
        notify();
    }
}

/// Dissects chunk `first` with trees, keeps the trees in `recent` and sends
/// the rows; false when nobody listens any more.
fn send_rows(session: &Session, first: u64, recent: &mut Recent, replies: &Sender<Reply>) -> bool {
    let mut rows = Vec::with_capacity(CHUNK as usize);
    let mut details = Vec::with_capacity(CHUNK as usize);
    session.visit(first, CHUNK, true, |d| {
        rows.push(row_of(
            &d.packet,
            d.frame.number,
            d.frame.ts,
            d.frame.orig_len,
        ));
        details.push(Arc::new(Detail::new(
            d.frame.number,
            d.packet,
            d.frame.data,
        )));
    });
    let reply = if rows.is_empty() {
        Reply::Dropped(vec![first])
    } else {
        recent.insert(first, details);
        Reply::Rows(rows)
    };
    replies.send(reply).is_ok()
}

fn row_of(pkt: &Packet, number: u64, ts: Timestamp, length: u32) -> RowSummary {
    let s = &pkt.summary;
    RowSummary {
        number,
        ts,
        src: s.src,
        dst: s.dst,
        protocol: s.protocol,
        length,
        info: s.info.as_str().into(),
        colour: RowColour::of(pkt),
    }
}
