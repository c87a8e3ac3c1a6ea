//! TCP conversations as Wireshark's TCP dissector tracks them: the stream index,
//! the conversation completeness, relative sequence numbers, window scaling, and
//! the SEQ/ACK analysis (unacknowledged segments, RTT, bytes in flight, and the
//! retransmission / duplicate-ACK / window classifications).
//!
//! Everything here follows Wireshark's `packet-tcp.c` rule for rule, because users
//! compare these numbers with Wireshark's: the same packet must get the same
//! `tcp.stream`, the same relative `tcp.seq` and the same `tcp.analysis.*` values.
//! Wireshark does this in its first, sequential pass; so do we. Where the source
//! read and tshark 4.0.17's output disagree, the output won (noted in place): every
//! analysis field and flag over the shared corpus matches it.

use std::collections::VecDeque;

use super::{evict_least_recent, ConvKey};
use crate::model::{Duration, Timestamp};

/// Most TCP conversations remembered at once. Past it, the least recently active
/// eighth is forgotten (a forgotten connection that shows up again gets a new
/// stream index and starts its analysis afresh) and the packet gets an expert item.
pub const MAX_CONVERSATIONS: usize = 1 << 15;

/// Unacknowledged segments remembered per direction (Wireshark's `TCP_MAX_UNACKED_SEGMENTS`).
pub const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// SACK blocks remembered per segment (Wireshark's `MAX_TCP_SACK_RANGES`).
pub const MAX_SACK_RANGES: usize = 4;

/// TCP header flag bits (the low 12 bits of bytes 12-13).
pub mod th {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PUSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const AE: u16 = 0x100;
    pub const RES: u16 = 0xe00;
    pub const MASK: u16 = 0xfff;
}

/// `tcp.analysis` classifications of a segment (Wireshark's `TCP_A_*`).
pub mod analysis {
    pub const RETRANSMISSION: u32 = 0x0001;
    pub const LOST_PACKET: u32 = 0x0002;
    pub const ACK_LOST_PACKET: u32 = 0x0004;
    pub const KEEP_ALIVE: u32 = 0x0008;
    pub const DUPLICATE_ACK: u32 = 0x0010;
    pub const ZERO_WINDOW: u32 = 0x0020;
    pub const ZERO_WINDOW_PROBE: u32 = 0x0040;
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 0x0080;
    pub const KEEP_ALIVE_ACK: u32 = 0x0100;
    pub const OUT_OF_ORDER: u32 = 0x0200;
    pub const FAST_RETRANSMISSION: u32 = 0x0400;
    pub const WINDOW_UPDATE: u32 = 0x0800;
    pub const WINDOW_FULL: u32 = 0x1000;
    pub const REUSED_PORTS: u32 = 0x2000;
    pub const SPURIOUS_RETRANSMISSION: u32 = 0x4000;
}

/// Bits of `tcp.completeness`: what has been seen of the conversation so far.
pub mod completeness {
    pub const SYN_SENT: u8 = 0x01;
    pub const SYN_ACK: u8 = 0x02;
    pub const ACK: u8 = 0x04;
    pub const DATA: u8 = 0x08;
    pub const FIN: u8 = 0x10;
    pub const RST: u8 = 0x20;
}

/// Window scaling not known yet (no SYN seen).
pub const WIN_SCALE_UNKNOWN: i8 = -1;
/// The handshake showed that window scaling is not used.
pub const WIN_SCALE_NONE: i8 = -2;

/// `dupacknum` after an "ACKed unseen segment" (Wireshark's -1 in an unsigned field).
const ACKED_UNSEEN: u32 = u32::MAX;

const BASE_SEQ_SET: u8 = 0x01;
const SAW_SYN: u8 = 0x03;
const SAW_SYNACK: u8 = 0x05;

/// `a > b` in sequence space (Wireshark's `GT_SEQ`).
pub fn gt_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}

/// `a < b` in sequence space.
pub fn lt_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a <= b` in sequence space.
pub fn le_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// `a >= b` in sequence space.
pub fn ge_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) <= 0
}

/// A segment sent but not yet acknowledged.
#[derive(Clone, Copy, Debug)]
struct Unacked {
    frame: u64,
    seq: u32,
    nextseq: u32,
    ts: Timestamp,
}

/// Sequence-analysis state of one direction (Wireshark's `tcp_analyze_seq_flow_info_t`).
#[derive(Clone, Debug, Default)]
pub struct SeqInfo {
    /// Newest first, as Wireshark keeps its list.
    segments: VecDeque<Unacked>,
    pub lastack: u32,
    lastacktime: Timestamp,
    lastnondupack: u64,
    /// Duplicate ACKs in a row. Unsigned as in Wireshark, where the "ACKed unseen
    /// segment" marker -1 is stored as `u32::MAX` and so counts as many duplicates.
    dupacknum: u32,
    pub nextseq: u32,
    nextseqframe: u64,
    nextseqtime: Timestamp,
    maxseqtobeacked: u32,
    /// SACK blocks of this direction's latest segment, at indices 1..=3 as Wireshark stores them.
    num_sack_ranges: usize,
    sack_left_edge: [u32; MAX_SACK_RANGES],
    sack_right_edge: [u32; MAX_SACK_RANGES],
}

/// One direction of a connection.
#[derive(Clone, Debug)]
pub struct Flow {
    /// The number relative sequence numbers are counted from (the ISN, or seq - 1).
    pub base_seq: u32,
    static_flags: u8,
    /// Window shift announced in this direction's SYN, or `WIN_SCALE_UNKNOWN` / `WIN_SCALE_NONE`.
    pub win_scale: i8,
    /// Last window field seen (unscaled).
    window: u32,
    is_first_ack: bool,
    closing_initiator: bool,
    valid_bif: bool,
    push_bytes_sent: u32,
    push_set_last: bool,
    lastsegmentflags: u32,
    pub seq: SeqInfo,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            base_seq: 0,
            static_flags: 0,
            win_scale: WIN_SCALE_UNKNOWN,
            window: u32::MAX,
            is_first_ack: false,
            closing_initiator: false,
            valid_bif: true,
            push_bytes_sent: 0,
            push_set_last: false,
            lastsegmentflags: 0,
            seq: SeqInfo::default(),
        }
    }
}

impl Flow {
    /// Whether the base sequence number of this direction is known.
    pub fn base_seq_set(&self) -> bool {
        self.static_flags & BASE_SEQ_SET != 0
    }
}

/// What the analysis found about one segment (Wireshark's `struct tcp_acked`).
/// A segment has one only when something was found; `tcp.analysis` is shown then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Acked {
    /// `analysis::*` bits.
    pub flags: u32,
    /// The frame whose data this segment acknowledges (0: none).
    pub frame_acked: u64,
    /// Time since that frame.
    pub ack_rtt: Duration,
    pub rto: Duration,
    pub rto_frame: u64,
    pub dupack_num: u32,
    pub dupack_frame: u64,
    pub bytes_in_flight: u32,
    pub push_bytes_sent: u32,
}

/// One TCP connection, both directions.
#[derive(Clone, Debug)]
pub struct Conversation {
    /// `tcp.stream`.
    pub stream: u32,
    /// `completeness::*` bits seen so far.
    pub completeness: u8,
    pub ts_first: Timestamp,
    pub ts_prev: Timestamp,
    /// Time of the latest SYN (zero: none), for the initial RTT.
    pub ts_mru_syn: Timestamp,
    /// `tcp.analysis.initial_rtt` (zero: not known yet).
    pub ts_first_rtt: Duration,
    /// The server port learnt from the handshake (0: unknown).
    pub server_port: u16,
    /// A SYN carried data and a Fast Open cookie.
    pub tfo_syn_data: bool,
    pub flows: [Flow; 2],
    last_frame: u64,
    /// What wirelens adds: endpoint states, handshake timeline, cwnd estimates
    /// (`tcp_state.rs`). Boxed: most of the table's connections are short.
    pub tracking: Box<super::tcp_state::ConnTracking>,
    /// The application protocol recognised on the connection's first payload
    /// (by port or content), kept so later segments, which carry no banner or
    /// preface of their own, go to the same dissector.
    pub app: Option<crate::app::AppProtocol>,
}

impl Conversation {
    fn new(stream: u32, frame: u64, ts: Timestamp) -> Self {
        Conversation {
            stream,
            completeness: 0,
            ts_first: ts,
            ts_prev: ts,
            ts_mru_syn: Timestamp::default(),
            ts_first_rtt: Duration(0),
            server_port: 0,
            tfo_syn_data: false,
            flows: [Flow::default(), Flow::default()],
            last_frame: frame,
            tracking: Box::default(),
            app: None,
        }
    }

    /// The flow of direction `dir` and the opposite one.
    pub fn flows_mut(&mut self, dir: usize) -> (&mut Flow, &mut Flow) {
        let [a, b] = &mut self.flows;
        if dir == 0 {
            (a, b)
        } else {
            (b, a)
        }
    }

    /// Moves the conversation's clock to `ts`; returns the time since its previous segment.
    pub fn advance_clock(&mut self, ts: Timestamp) -> Duration {
        let delta = ts.since(self.ts_prev);
        self.ts_prev = ts;
        delta
    }

    /// Adds what a segment shows to the completeness bits (Wireshark counts a pure SYN
    /// only when it opened the conversation, and a FIN only with ACK set).
    pub fn update_completeness(&mut self, opened_here: bool, flags: u16, seglen: u32) {
        use completeness as c;
        let syn_ack = flags & (th::SYN | th::ACK);
        if opened_here {
            if syn_ack == th::SYN {
                self.completeness |= c::SYN_SENT;
                if seglen > 0 {
                    // TCP Fast Open: data on the SYN.
                    self.completeness |= c::DATA;
                }
            }
            return;
        }
        if syn_ack == th::SYN | th::ACK {
            self.completeness |= c::SYN_ACK;
        }
        if syn_ack == th::ACK {
            self.completeness |= if seglen > 0 { c::DATA } else { c::ACK };
        }
        if flags & (th::FIN | th::ACK) == th::FIN | th::ACK {
            self.completeness |= c::FIN;
        }
        if flags & th::RST != 0 {
            self.completeness |= c::RST;
        }
    }

    /// Notes what the SYN, FIN and ACK flags of a segment say about the connection:
    /// the server port, the SYN time and the closing initiator. Returns, for a FIN,
    /// whether this side started the closing.
    pub fn note_flags(
        &mut self,
        dir: usize,
        flags: u16,
        sport: u16,
        dport: u16,
        ts: Timestamp,
    ) -> Option<bool> {
        if flags & th::SYN != 0 {
            if flags & th::ACK != 0 {
                self.server_port = sport;
            } else {
                self.server_port = dport;
                self.ts_mru_syn = ts;
            }
            self.flows_mut(dir).0.is_first_ack = true;
        }
        if flags & th::FIN == 0 {
            return None;
        }
        let (fwd, rev) = self.flows_mut(dir);
        if rev.closing_initiator {
            Some(false)
        } else {
            fwd.closing_initiator = true;
            Some(true)
        }
    }

    /// The initial RTT and first-ACK bookkeeping done after the flags (only with
    /// sequence analysis on): the first pure ACK after a SYN completes the
    /// handshake. Returns the initial RTT when this segment settled it.
    pub fn note_ack(&mut self, dir: usize, flags: u16, ts: Timestamp) -> Option<Duration> {
        if flags & (th::SYN | th::ACK) != th::ACK {
            return None;
        }
        let mut settled = None;
        if self.ts_mru_syn != Timestamp::default() && self.ts_first_rtt.0 == 0 {
            self.ts_first_rtt = ts.since(self.ts_mru_syn);
            settled = Some(self.ts_first_rtt).filter(|d| d.0 > 0);
        }
        self.flows_mut(dir).0.is_first_ack = false;
        settled
    }

    /// Settles window scaling once a SYN's options have been read: a SYN without the
    /// option means neither side scales (RFC 7323 needs it on both SYNs).
    pub fn verify_window_scaling(&mut self, dir: usize, is_synack: bool) {
        let (fwd, rev) = self.flows_mut(dir);
        if fwd.win_scale == WIN_SCALE_UNKNOWN {
            fwd.win_scale = WIN_SCALE_NONE;
            rev.win_scale = WIN_SCALE_NONE;
        } else if is_synack && rev.win_scale == WIN_SCALE_NONE {
            fwd.win_scale = WIN_SCALE_NONE;
        }
    }

    /// Starts a new segment's SACK bookkeeping for direction `dir`.
    pub fn clear_sack(&mut self, dir: usize) {
        self.flows_mut(dir).0.seq.num_sack_ranges = 0;
    }

    /// Remembers SACK block number `n` (1-based) of direction `dir`, as Wireshark does
    /// for its bytes-in-flight estimate (blocks 1 to 3 only).
    pub fn store_sack(&mut self, dir: usize, n: usize, left: u32, right: u32) {
        if n < MAX_SACK_RANGES {
            let s = &mut self.flows_mut(dir).0.seq;
            s.num_sack_ranges = n;
            s.sack_left_edge[n] = left;
            s.sack_right_edge[n] = right;
        }
    }

    /// Wireshark's `tcp_analyze_sequence_number`: sets the base sequence numbers,
    /// classifies the segment, tracks unacknowledged data and acknowledgements.
    /// `ta` is the segment's analysis record so far (the port-reuse check may have made one).
    pub fn analyze(&mut self, dir: usize, s: &SegmentFacts, ta: &mut Option<Acked>) {
        use analysis as a;
        let ts_first_rtt = self.ts_first_rtt;
        let (fwd, rev) = self.flows_mut(dir);
        let (seq, ack, seglen, flags, window, now) =
            (s.seq, s.ack, s.seglen, s.flags, s.window, s.ts);
        let no_sfr = flags & (th::SYN | th::FIN | th::RST) == 0;

        set_base_seqs(fwd, rev, s);

        'fwd: {
            // A 1-byte probe into a closed window.
            if seglen == 1 && seq == fwd.seq.nextseq && rev.window == 0 {
                ta.get_or_insert_with(Acked::default).flags |= a::ZERO_WINDOW_PROBE;
                break 'fwd;
            }
            if window == 0 && no_sfr {
                ta.get_or_insert_with(Acked::default).flags |= a::ZERO_WINDOW;
            }
            // Beyond what this side has sent so far: something was not captured.
            if fwd.seq.nextseq != 0 && gt_seq(seq, fwd.seq.nextseq) && flags & th::RST == 0 {
                ta.get_or_insert_with(Acked::default).flags |= a::LOST_PACKET;
                fwd.valid_bif = false;
            }
            if seglen <= 1 && seq == fwd.seq.nextseq.wrapping_sub(1) && no_sfr {
                ta.get_or_insert_with(Acked::default).flags |= a::KEEP_ALIVE;
            }
            let repeats_ack = seq == fwd.seq.nextseq && ack == fwd.seq.lastack;
            if seglen == 0 && window != 0 && window != fwd.window && repeats_ack && no_sfr {
                ta.get_or_insert_with(Acked::default).flags |= a::WINDOW_UPDATE;
            }
            if seglen > 0 && rev.win_scale != WIN_SCALE_UNKNOWN && no_sfr {
                let shift = if rev.is_first_ack || rev.win_scale == WIN_SCALE_NONE {
                    0
                } else {
                    rev.win_scale as u32
                };
                let edge = rev.seq.lastack.wrapping_add(rev.window << shift);
                if seq.wrapping_add(seglen) == edge {
                    ta.get_or_insert_with(Acked::default).flags |= a::WINDOW_FULL;
                }
            }
            let same_window = window == fwd.window;
            if seglen == 0
                && window != 0
                && same_window
                && repeats_ack
                && rev.lastsegmentflags & a::KEEP_ALIVE != 0
                && no_sfr
            {
                ta.get_or_insert_with(Acked::default).flags |= a::KEEP_ALIVE_ACK;
                break 'fwd;
            }
            if seglen == 0
                && window == 0
                && same_window
                && repeats_ack
                && rev.lastsegmentflags & a::ZERO_WINDOW_PROBE != 0
                && no_sfr
            {
                ta.get_or_insert_with(Acked::default).flags |= a::ZERO_WINDOW_PROBE_ACK;
                break 'fwd;
            }
            if seglen == 0 && window != 0 && same_window && repeats_ack && no_sfr {
                // -1 marks an "ACKed unseen segment" already reported; restart counting.
                fwd.seq.dupacknum = if fwd.seq.dupacknum == ACKED_UNSEEN {
                    1
                } else {
                    fwd.seq.dupacknum.wrapping_add(1)
                };
                let t = ta.get_or_insert_with(Acked::default);
                t.flags |= a::DUPLICATE_ACK;
                t.dupack_num = fwd.seq.dupacknum;
                t.dupack_frame = fwd.seq.lastnondupack;
            }
        }

        if ack != fwd.seq.lastack {
            fwd.seq.lastnondupack = s.frame;
            fwd.seq.dupacknum = 0;
        }

        // Acknowledging data never seen from the other side.
        if rev.seq.maxseqtobeacked != 0
            && gt_seq(ack, rev.seq.maxseqtobeacked)
            && flags & th::ACK != 0
        {
            let t = ta.get_or_insert_with(Acked::default);
            // The other side moved on past a hole since the last report: report again.
            // (tshark 4.0.17's output over the corpus needs `<` here; later sources read `>`.)
            if rev.seq.maxseqtobeacked < rev.seq.nextseq {
                rev.seq.maxseqtobeacked = rev.seq.nextseq;
                t.flags |= a::ACK_LOST_PACKET;
            } else {
                if rev.seq.dupacknum == 0 {
                    t.flags |= a::ACK_LOST_PACKET;
                }
                rev.seq.dupacknum = ACKED_UNSEEN;
            }
        }

        if seglen > 0 || flags & (th::SYN | th::FIN) != 0 {
            classify_resend(fwd, rev, s, ts_first_rtt, ta);
        }

        let mut nextseq = seq.wrapping_add(seglen);
        if (seglen > 0 || flags & (th::SYN | th::FIN) != 0)
            && fwd.seq.segments.len() < MAX_UNACKED_SEGMENTS
        {
            if flags & (th::SYN | th::FIN) != 0 {
                nextseq = nextseq.wrapping_add(1);
            }
            fwd.seq.segments.push_front(Unacked {
                frame: s.frame,
                seq,
                nextseq,
                ts: now,
            });
        }

        let is_zwp = ta
            .as_ref()
            .is_some_and(|t| t.flags & a::ZERO_WINDOW_PROBE != 0);
        if (gt_seq(nextseq, fwd.seq.nextseq) || fwd.seq.nextseq == 0) && !is_zwp {
            fwd.seq.nextseq = nextseq;
            fwd.seq.nextseqframe = s.frame;
            fwd.seq.nextseqtime = now;
        }
        if (seq == fwd.seq.maxseqtobeacked || fwd.seq.maxseqtobeacked == 0) && !is_zwp {
            fwd.seq.maxseqtobeacked = fwd.seq.nextseq;
        }

        fwd.window = window;
        fwd.seq.lastack = ack;
        fwd.seq.lastacktime = now;
        fwd.lastsegmentflags = ta.as_ref().map_or(0, |t| t.flags);

        remove_acked(rev, ack, now, ta);
        bytes_in_flight(fwd, rev, s, ta);
    }
}

/// The facts about a segment the analysis needs. Sequence numbers are absolute.
#[derive(Clone, Copy, Debug)]
pub struct SegmentFacts {
    pub frame: u64,
    pub ts: Timestamp,
    pub seq: u32,
    pub ack: u32,
    pub seglen: u32,
    pub flags: u16,
    /// The window field as sent (unscaled).
    pub window: u32,
}

/// The first segment of a direction fixes its base: the ISN of a SYN, else seq - 1
/// so the first data byte is 1. The other direction's base comes from the first ACK.
fn set_base_seqs(fwd: &mut Flow, rev: &mut Flow, s: &SegmentFacts) {
    if !fwd.base_seq_set() {
        if s.flags & th::SYN != 0 {
            fwd.base_seq = s.seq;
            fwd.static_flags |= if s.flags & th::ACK != 0 {
                SAW_SYNACK
            } else {
                SAW_SYN
            };
        } else {
            fwd.base_seq = s.seq.wrapping_sub(1);
        }
        fwd.static_flags |= BASE_SEQ_SET;
    }
    if !rev.base_seq_set() && s.flags & th::ACK != 0 {
        rev.base_seq = s.ack.wrapping_sub(1);
        rev.static_flags |= BASE_SEQ_SET;
    }
    if s.flags & th::ACK != 0 {
        rev.valid_bif = true;
    }
}

/// Nanoseconds from `earlier` to `now` as Wireshark's unsigned arithmetic sees them:
/// a clock going backwards gives a huge value.
fn ns_since(now: Timestamp, earlier: Timestamp) -> u64 {
    now.since(earlier).0 as u64
}

/// Retransmission, fast retransmission, spurious retransmission or out-of-order,
/// for a segment carrying data, SYN or FIN.
fn classify_resend(
    fwd: &Flow,
    rev: &Flow,
    s: &SegmentFacts,
    ts_first_rtt: Duration,
    ta: &mut Option<Acked>,
) {
    use analysis as a;
    let (seq, seglen, flags, now) = (s.seq, s.seglen, s.flags, s.ts);
    let mut seq_not_advanced = fwd.seq.nextseq != 0 && lt_seq(seq, fwd.seq.nextseq);
    if ta.as_ref().is_some_and(|t| t.flags & a::KEEP_ALIVE != 0) {
        return;
    }
    // One byte less than expected after a probe is new data, not a resend.
    if seglen > 1 && fwd.seq.nextseq.wrapping_sub(1) == seq {
        seq_not_advanced = false;
    }
    if seglen > 0 && rev.seq.lastack != 0 && le_seq(seq.wrapping_add(seglen), rev.seq.lastack) {
        ta.get_or_insert_with(Acked::default).flags |= a::SPURIOUS_RETRANSMISSION;
        return;
    }
    // Fast retransmission takes precedence over out-of-order (Wireshark's default).
    if seq_not_advanced
        && rev.seq.dupacknum >= 2
        && rev.seq.lastack == seq
        && ns_since(now, rev.seq.lastacktime) < 20_000_000
    {
        ta.get_or_insert_with(Acked::default).flags |= a::FAST_RETRANSMISSION;
        return;
    }
    let ooo_threshold = if ts_first_rtt.0 == 0 {
        3_000_000
    } else {
        ts_first_rtt.0 as u64
    };
    let syn_fin = u32::from(flags & (th::SYN | th::FIN) != 0);
    if seq_not_advanced
        && ns_since(now, fwd.seq.nextseqtime) < ooo_threshold
        && fwd.seq.nextseq != seq.wrapping_add(seglen).wrapping_add(syn_fin)
    {
        ta.get_or_insert_with(Acked::default).flags |= a::OUT_OF_ORDER;
        return;
    }
    if seq_not_advanced {
        let t = ta.get_or_insert_with(Acked::default);
        t.flags |= a::RETRANSMISSION;
        // The oldest unacknowledged segment is most likely the one sent again.
        match fwd.seq.segments.back() {
            Some(oldest) => {
                t.rto = now.since(oldest.ts);
                t.rto_frame = oldest.frame;
            }
            None => {
                t.rto = now.since(fwd.seq.nextseqtime);
                t.rto_frame = fwd.seq.nextseqframe;
            }
        }
    }
}

/// Drops the other direction's segments that `ack` acknowledges, noting the frame
/// an exact acknowledgement answers and the RTT.
fn remove_acked(rev: &mut Flow, ack: u32, now: Timestamp, ta: &mut Option<Acked>) {
    rev.seq.segments.retain_mut(|u| {
        if ack == u.nextseq {
            let t = ta.get_or_insert_with(Acked::default);
            t.frame_acked = u.frame;
            t.ack_rtt = now.since(u.ts);
            false
        } else if gt_seq(ack, u.seq) && le_seq(ack, u.nextseq) {
            // Partly acknowledged: keep the rest.
            u.seq = ack;
            true
        } else {
            gt_seq(u.nextseq, ack)
        }
    });
}

/// Bytes in flight after this segment (the span of this side's unacknowledged data,
/// less what the other side SACKed) and the bytes sent since the last PSH.
fn bytes_in_flight(fwd: &mut Flow, rev: &Flow, s: &SegmentFacts, ta: &mut Option<Acked>) {
    if s.seglen == 0 || !fwd.valid_bif {
        return;
    }
    let Some(newest) = fwd.seq.segments.front() else {
        return;
    };
    let base = fwd.base_seq;
    let mut first = newest.seq.wrapping_sub(base);
    let mut last = newest.nextseq.wrapping_sub(base);
    for u in &fwd.seq.segments {
        last = last.max(u.nextseq.wrapping_sub(base));
        first = first.min(u.seq.wrapping_sub(base));
    }
    let mut in_flight = last.wrapping_sub(first);
    for i in 1..=rev.seq.num_sack_ranges.min(MAX_SACK_RANGES - 1) {
        in_flight = in_flight
            .wrapping_sub(rev.seq.sack_right_edge[i].wrapping_sub(rev.seq.sack_left_edge[i]));
    }
    let t = ta.get_or_insert_with(Acked::default);
    if in_flight > 0 && in_flight < 2_000_000_000 {
        t.bytes_in_flight = in_flight;
        if s.flags & (th::SYN | th::FIN) != 0 {
            t.bytes_in_flight -= 1;
        }
    }
    let push = s.flags & th::PUSH != 0;
    if push && !fwd.push_set_last {
        fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(s.seglen);
    } else if push || fwd.push_set_last {
        fwd.push_bytes_sent = s.seglen;
    } else {
        fwd.push_bytes_sent = fwd.push_bytes_sent.wrapping_add(s.seglen);
    }
    fwd.push_set_last = push;
    t.push_bytes_sent = fwd.push_bytes_sent;
}

/// What finding a segment's conversation did besides finding it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lookup {
    /// The conversation was created by this segment.
    pub created: bool,
    /// A SYN or SYN-ACK restarted an existing 4-tuple (Wireshark's "ports reused").
    pub reused_ports: bool,
    /// Conversations forgotten to make room.
    pub evicted: usize,
}

/// Hands out the next stream index.
fn take(next: &mut u32) -> u32 {
    let s = *next;
    *next = s.wrapping_add(1);
    s
}

/// Every TCP connection seen so far.
#[derive(Debug)]
pub struct TcpTable {
    convs: super::FlowMap<ConvKey, Box<Conversation>>,
    next_stream: u32,
    limit: usize,
    /// Estimate each connection's congestion window and keep its series
    /// ([`super::Retention::tcp_history`]).
    pub keep_history: bool,
}

impl Default for TcpTable {
    fn default() -> Self {
        TcpTable::with_limit(MAX_CONVERSATIONS)
    }
}

impl TcpTable {
    /// A table remembering at most `limit` conversations.
    pub fn with_limit(limit: usize) -> Self {
        TcpTable {
            convs: super::FlowMap::default(),
            next_stream: 0,
            limit: limit.max(1),
            keep_history: true,
        }
    }

    /// Finds the conversation of a segment, creating it if new, and applies Wireshark's
    /// port-reuse rules: a SYN whose sequence number differs from the base sequence
    /// number already seen in its direction starts a new conversation (a new stream);
    /// a SYN-ACK with a different one resets that direction's base. (Checked against
    /// tshark 4.0: a SYN sent again with the same number is not "ports reused".)
    pub fn lookup(
        &mut self,
        key: ConvKey,
        dir: usize,
        flags: u16,
        seq: u32,
        frame: u64,
        ts: Timestamp,
    ) -> (&mut Conversation, Lookup) {
        let mut lookup = Lookup::default();
        if !self.convs.contains_key(&key) && self.convs.len() >= self.limit {
            lookup.evicted = evict_least_recent(&mut self.convs, |c| c.last_frame);
        }
        let next_stream = &mut self.next_stream;
        let conv = self.convs.entry(key).or_insert_with(|| {
            lookup.created = true;
            Box::new(Conversation::new(take(next_stream), frame, ts))
        });
        conv.last_frame = frame;
        let syn_ack = flags & (th::SYN | th::ACK);
        let fwd = &conv.flows[dir];
        if syn_ack == th::SYN && fwd.base_seq_set() {
            if seq != fwd.base_seq {
                lookup.reused_ports = true;
                **conv = Conversation::new(take(next_stream), frame, ts);
                // A new conversation that starts with a SYN.
                conv.completeness = completeness::SYN_SENT;
            } else {
                // The same SYN again (a retransmission, not a new connection): forget
                // a RST that moved nextseq (Wireshark issue 17616).
                let s = &mut conv.flows[dir].seq;
                s.nextseq = s.maxseqtobeacked;
            }
        } else if syn_ack == th::SYN | th::ACK && fwd.base_seq_set() && seq != fwd.base_seq {
            lookup.reused_ports = true;
            conv.flows[dir].base_seq = seq;
        }
        (conv, lookup)
    }

    /// The conversations remembered, in no particular order.
    pub fn conversations(&self) -> impl Iterator<Item = &Conversation> {
        self.convs.values().map(|c| &**c)
    }

    /// How many conversations are remembered.
    pub fn len(&self) -> usize {
        self.convs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.convs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Endpoint;
    use crate::model::Address;

    fn key() -> (ConvKey, usize) {
        ConvKey::new(
            Endpoint {
                addr: Address::Ipv4([10, 0, 0, 1]),
                port: 40000,
            },
            Endpoint {
                addr: Address::Ipv4([10, 0, 0, 2]),
                port: 80,
            },
        )
    }

    fn seg(frame: u64, seq: u32, ack: u32, seglen: u32, flags: u16) -> SegmentFacts {
        SegmentFacts {
            frame,
            ts: Timestamp::new(1000, frame * 1_000_000),
            seq,
            ack,
            seglen,
            flags,
            window: 1000,
        }
    }

    #[test]
    fn sequence_space_comparisons_wrap() {
        assert!(gt_seq(1, u32::MAX));
        assert!(lt_seq(u32::MAX, 1));
        assert!(le_seq(5, 5) && ge_seq(5, 5));
    }

    #[test]
    fn syn_with_new_isn_starts_a_new_stream() {
        let mut t = TcpTable::default();
        let (k, d) = key();
        let ts = Timestamp::new(1, 0);
        let (c, l) = t.lookup(k, d, th::SYN, 100, 1, ts);
        assert!(l.created);
        assert_eq!(c.stream, 0);
        let mut ta = None;
        c.analyze(d, &seg(1, 100, 0, 0, th::SYN), &mut ta);
        // Same ISN: a retransmitted SYN, same stream, not a reuse.
        let (c, l) = t.lookup(k, d, th::SYN, 100, 2, ts);
        assert!(!l.reused_ports && !l.created);
        assert_eq!(c.stream, 0);
        // Another ISN: a new connection on the same ports.
        let (c, l) = t.lookup(k, d, th::SYN, 5000, 3, ts);
        assert!(l.reused_ports);
        assert_eq!(c.stream, 1);
        assert_eq!(c.completeness, completeness::SYN_SENT);
    }

    #[test]
    fn handshake_sets_bases_and_acks() {
        let mut t = TcpTable::default();
        let (k, d) = key();
        let r = 1 - d;
        let (c, _) = t.lookup(k, d, th::SYN, 1000, 1, Timestamp::default());
        let mut ta = None;
        c.analyze(d, &seg(1, 1000, 0, 0, th::SYN), &mut ta);
        assert_eq!(ta, None);
        let mut ta = None;
        c.analyze(r, &seg(2, 9000, 1001, 0, th::SYN | th::ACK), &mut ta);
        assert_eq!(ta.as_ref().map(|t| t.frame_acked), Some(1));
        assert_eq!(c.flows[d].base_seq, 1000);
        assert_eq!(c.flows[r].base_seq, 9000);
        let mut ta = None;
        c.analyze(d, &seg(3, 1001, 9001, 10, th::ACK | th::PUSH), &mut ta);
        let t = ta.expect("acks the SYN-ACK and carries data");
        assert_eq!(t.frame_acked, 2);
        assert_eq!(t.bytes_in_flight, 10);
        assert_eq!(t.push_bytes_sent, 10);
    }

    #[test]
    fn resent_data_is_a_retransmission() {
        let mut t = TcpTable::default();
        let (k, d) = key();
        let (c, _) = t.lookup(k, d, th::ACK, 1, 1, Timestamp::default());
        let mut ta = None;
        c.analyze(d, &seg(1, 1, 1, 100, th::ACK), &mut ta);
        let mut ta = None;
        let mut s = seg(2, 1, 1, 100, th::ACK);
        s.ts = Timestamp::new(2000, 0);
        c.analyze(d, &s, &mut ta);
        let t = ta.expect("flagged");
        assert_ne!(t.flags & analysis::RETRANSMISSION, 0);
        assert_eq!(t.rto_frame, 1);
    }

    #[test]
    fn completeness_counts_a_pure_syn_only_when_it_opens_the_conversation() {
        // tcp/tcp_handshake_reorder.pcap: the SYN-ACK is captured before the SYN.
        let mut t = TcpTable::default();
        let (k, d) = key();
        let (c, l) = t.lookup(k, 1 - d, th::SYN | th::ACK, 9000, 1, Timestamp::default());
        c.update_completeness(l.created, th::SYN | th::ACK, 0);
        assert_eq!(c.completeness, 0);
        let (c, l) = t.lookup(k, d, th::SYN, 1000, 2, Timestamp::default());
        c.update_completeness(l.created, th::SYN, 0);
        assert_eq!(c.completeness, 0);
        let (c, l) = t.lookup(k, d, th::ACK, 1001, 3, Timestamp::default());
        c.update_completeness(l.created, th::ACK, 0);
        c.update_completeness(false, th::ACK | th::PUSH, 10);
        c.update_completeness(false, th::FIN, 0);
        assert_eq!(c.completeness, completeness::ACK | completeness::DATA);
        c.update_completeness(false, th::FIN | th::ACK, 0);
        c.update_completeness(false, th::RST, 0);
        assert_eq!(c.completeness, 0x3c);
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_active() {
        let mut t = TcpTable::with_limit(8);
        for port in 0..8u16 {
            let (k, d) = ConvKey::new(
                Endpoint {
                    addr: Address::Ipv4([10, 0, 0, 1]),
                    port,
                },
                Endpoint {
                    addr: Address::Ipv4([10, 0, 0, 2]),
                    port: 80,
                },
            );
            let (_, l) = t.lookup(k, d, th::SYN, 1, port as u64 + 1, Timestamp::default());
            assert_eq!(l.evicted, 0);
        }
        let (k, d) = key();
        let (c, l) = t.lookup(k, d, th::SYN, 1, 100, Timestamp::default());
        assert_eq!(l.evicted, 1);
        assert_eq!(c.stream, 8);
        assert_eq!(t.len(), 8);
    }

    #[test]
    fn unacked_list_is_bounded() {
        let mut t = TcpTable::default();
        let (k, d) = key();
        let (c, _) = t.lookup(k, d, th::ACK, 1, 1, Timestamp::default());
        for i in 0..(MAX_UNACKED_SEGMENTS as u32 + 50) {
            let mut ta = None;
            c.analyze(d, &seg(i as u64 + 1, 1 + i * 10, 1, 10, th::ACK), &mut ta);
        }
        assert_eq!(c.flows[d].seq.segments.len(), MAX_UNACKED_SEGMENTS);
    }
}
