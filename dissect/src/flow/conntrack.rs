//! A connection-tracking table in the manner of Linux's conntrack: every
//! transport flow (TCP, UDP, ICMP echo) keyed by its bidirectional 5-tuple and
//! zone (VLAN id, tunnel depth), with who opened it, a per-packet state (NEW,
//! ESTABLISHED, RELATED, INVALID), packet and byte counts per direction, first
//! and last time, idle expiry with the kernel's default timeouts, and a bounded
//! size.
//!
//! Each flow also keeps what Zeek's `conn.log` reports about it (the `history`
//! letters, the per-endpoint state that `conn_state` is derived from, payload
//! sizes from sequence numbers), so the `flows` command can print Zeek's fields
//! with Zeek's meanings. TCP flows carry a [`TcpFlowSummary`] of the analysis
//! that `flow::tcp` already computed (retransmissions, duplicate ACKs, RTT
//! samples, bytes in flight); later analyses attach their results there too.
//!
//! The fast path is one hash lookup on a `Copy` key and a few counter updates:
//! nothing is allocated per packet except when a series grows (amortised, and
//! capped by [`MAX_SERIES_POINTS`]).

use super::tcp::{analysis as an, th};
use super::{ConvKey, Endpoint};
use crate::app::AppProtocol;
use crate::dissector::Cx;
use crate::frame::FrameMeta;
use crate::model::{Duration, Timestamp};
use crate::model::{Group, Packet, Severity, Span, FRAME_SOURCE};

/// Most flows tracked at once (Linux's `nf_conntrack_max` on a small host).
/// Past it, expired flows are swept first, then the least recently active
/// eighth is retired and the packet gets an expert item.
pub const MAX_FLOWS: usize = 1 << 15;

/// Retired flows kept for the report (the `flows` command); past it, the
/// oldest retired ones are dropped and counted in [`FlowTable::dropped`].
pub const MAX_RETIRED: usize = 1 << 15;

/// Payload-carrying packets of a flow offered to service recognition before it gives up.
pub const SERVICE_ATTEMPTS: u8 = 4;

/// Points kept per series (bytes in flight, RTT) per direction. When a series
/// fills, every other point is dropped and only every second later point is
/// kept, so the series stays evenly spread over the whole flow.
pub const MAX_SERIES_POINTS: usize = 1024;

/// Zeek's `TOO_LARGE_SEQ_DELTA`: sequence jumps beyond it on a SYN, RST or zero
/// ACK are not believed when sizing a connection.
const TOO_LARGE_SEQ_DELTA: u64 = 1_048_576;

/// How often (in packets) the table looks for idle flows to expire.
pub const SWEEP_INTERVAL: u64 = 4096;

/// Idle timeouts, in seconds: Linux's `nf_conntrack_*_timeout*` defaults.
pub mod timeout {
    pub const TCP_SYN_SENT: i64 = 120;
    pub const TCP_SYN_RECV: i64 = 60;
    /// Five days, as `nf_conntrack_tcp_timeout_established`.
    pub const TCP_ESTABLISHED: i64 = 432_000;
    pub const TCP_FIN_WAIT: i64 = 120;
    pub const TCP_CLOSE_WAIT: i64 = 60;
    pub const TCP_LAST_ACK: i64 = 30;
    pub const TCP_TIME_WAIT: i64 = 120;
    pub const TCP_CLOSE: i64 = 10;
    /// A UDP flow that has not seen a reply.
    pub const UDP: i64 = 30;
    /// A UDP flow that has seen traffic both ways.
    pub const UDP_STREAM: i64 = 120;
    pub const ICMP: i64 = 30;
    pub const GENERIC: i64 = 600;
}

/// IP protocol numbers of the flows tracked.
pub mod proto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;
}

/// The conntrack state a packet was given (Linux's `ctinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CtState {
    /// The first packet of a flow, or more packets before any reply.
    #[default]
    New,
    /// The flow has seen packets both ways.
    Established,
    /// An ICMP error quoting a tracked flow.
    Related,
    /// Not part of a trackable flow (e.g. an ICMP error quoting an unknown flow).
    Invalid,
}

impl CtState {
    pub fn name(self) -> &'static str {
        match self {
            CtState::New => "NEW",
            CtState::Established => "ESTABLISHED",
            CtState::Related => "RELATED",
            CtState::Invalid => "INVALID",
        }
    }
}

/// Where a flow lives besides its 5-tuple: the same addresses in another VLAN
/// or inside a tunnel are another flow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Zone {
    /// The innermost 802.1Q VLAN id (0: none).
    pub vlan: u16,
    /// How many IP headers enclose the flow's own (0: not tunnelled).
    pub tunnel_depth: u8,
}

/// A flow's key: protocol, zone and both endpoints in canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub proto: u8,
    pub zone: Zone,
    pub conv: ConvKey,
}

/// The endpoint states Zeek's TCP analyzer keeps (`TCP_ENDPOINT_*`), from which
/// `conn_state` is derived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ZeekTcpState {
    #[default]
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

/// Counters and series of one direction of a TCP flow, from `flow::tcp`'s analysis.
#[derive(Clone, Debug, Default)]
pub struct TcpSideSummary {
    /// Segments flagged retransmission, fast or spurious retransmission.
    pub retransmissions: u32,
    pub dup_acks: u32,
    pub zero_windows: u32,
    pub out_of_order: u32,
    /// ACK RTT samples (`tcp.analysis.ack_rtt`) of ACKs this side sent.
    pub rtt_samples: u32,
    pub rtt_min: Duration,
    pub rtt_max: Duration,
    rtt_sum: i128,
    /// `tcp.analysis.bytes_in_flight` of this side's data segments.
    pub bytes_in_flight: Series,
    /// ACK RTT of this side's data, keyed by the time of the ACK that measured it.
    pub rtt: Series,
    /// Estimated congestion window of this side as a sender (filled by the
    /// congestion-window analysis; empty until it runs).
    pub cwnd: Series,
}

impl TcpSideSummary {
    /// Mean ACK RTT, if any sample was taken.
    pub fn rtt_avg(&self) -> Option<Duration> {
        (self.rtt_samples > 0).then(|| Duration(self.rtt_sum / self.rtt_samples as i128))
    }

    fn add_rtt(&mut self, rtt: Duration) {
        if self.rtt_samples == 0 || rtt < self.rtt_min {
            self.rtt_min = rtt;
        }
        if self.rtt_samples == 0 || rtt > self.rtt_max {
            self.rtt_max = rtt;
        }
        self.rtt_samples += 1;
        self.rtt_sum += rtt.0;
    }
}

/// What the TCP analysis says about a flow; index 0 is the originator's side.
/// Other analyses (endpoint state machines, handshake timeline, congestion
/// control) add their own fields here.
#[derive(Clone, Debug, Default)]
pub struct TcpFlowSummary {
    pub sides: [TcpSideSummary; 2],
}

/// A time series of `(epoch seconds, value)` points, evenly thinned to stay
/// within [`MAX_SERIES_POINTS`].
#[derive(Clone, Debug, Default)]
pub struct Series {
    pub points: Vec<(f64, f64)>,
    /// Only one offered point in `stride` is kept.
    stride: u32,
    offered: u32,
}

impl Series {
    pub fn push(&mut self, ts: f64, value: f64) {
        self.stride = self.stride.max(1);
        let keep = self.offered.is_multiple_of(self.stride);
        self.offered = self.offered.wrapping_add(1);
        if !keep {
            return;
        }
        if self.points.len() >= MAX_SERIES_POINTS {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride = self.stride.saturating_mul(2);
            self.offered = 1;
        }
        self.points.push((ts, value));
    }
}

/// One direction of a flow as conntrack and Zeek count it.
#[derive(Clone, Debug, Default)]
pub struct Side {
    pub pkts: u64,
    /// Bytes of the IP datagrams (header included), Zeek's `*_ip_bytes`.
    pub ip_bytes: u64,
    /// Transport payload bytes carried (retransmissions included).
    pub payload_bytes: u64,
    /// Payload bytes not flagged as retransmitted: what a reassembler received.
    pub new_payload_bytes: u64,
    pub zeek: ZeekTcpState,
    prev_zeek: ZeekTcpState,
    seq_init: bool,
    start_seq: u32,
    /// Highest sequence number reached (seq + segment length), as an offset from `start_seq`.
    last_seq: u64,
    /// Highest offset the peer acknowledged.
    ack_seq: u64,
    fin_cnt: u32,
    hist_last_syn: Option<u32>,
    hist_last_fin: Option<u32>,
    hist_last_rst: Option<u32>,
    /// Next count at which a scaled history letter (T, W) is written again.
    next_retrans_mark: u64,
    retrans_count: u64,
    next_zero_win_mark: u64,
    zero_win_count: u64,
}

impl Side {
    /// Zeek's `TCP_Endpoint::Size`: payload bytes from the sequence numbers.
    pub fn tcp_size(&self) -> u64 {
        if self.prev_zeek == ZeekTcpState::SynSent && self.zeek == ZeekTcpState::Reset {
            return 0;
        }
        let mut size = self.last_seq.max(self.ack_seq);
        // The SYN (or the SYN Zeek pretends for a partial connection) is no payload.
        size = size.saturating_sub(1);
        if self.fin_cnt > 0 && size != 0 {
            size -= 1;
        }
        size
    }

    fn set_zeek(&mut self, s: ZeekTcpState) {
        self.prev_zeek = self.zeek;
        self.zeek = s;
    }

    /// Offset of `seq` from this side's start, extending `seq` to 64 bits near `last_seq`.
    fn offset(&self, seq: u32) -> u64 {
        let rel = seq.wrapping_sub(self.start_seq);
        let base = self.last_seq & !0xffff_ffff;
        let cand = base | rel as u64;
        // Pick the 32-bit epoch closest to last_seq.
        let last = self.last_seq as i128;
        [cand, cand.wrapping_add(1 << 32), cand.wrapping_sub(1 << 32)]
            .into_iter()
            .filter(|c| *c < (1 << 62))
            .min_by_key(|c| (*c as i128 - last).abs())
            .unwrap_or(cand)
    }
}

/// Zeek's history letters, up to [`History::CAPACITY`].
#[derive(Clone, Copy, Debug, Default)]
pub struct History {
    buf: [u8; History::CAPACITY],
    len: u8,
    /// Letters already written once (bit per letter and side).
    seen: u32,
}

impl History {
    pub const CAPACITY: usize = 32;

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len as usize]).unwrap_or("")
    }

    fn add(&mut self, c: u8) {
        if (self.len as usize) < Self::CAPACITY {
            self.buf[self.len as usize] = c;
            self.len += 1;
        }
    }

    /// Zeek's `CheckHistory`: writes the letter (lower case for the responder)
    /// the first time; returns whether it had been seen before.
    fn check(&mut self, letter: u8, orig: bool) -> bool {
        let bit = hist_bit(letter) << if orig { 0 } else { 16 };
        if self.seen & bit != 0 {
            return true;
        }
        self.seen |= bit;
        self.add(case(letter, orig));
        false
    }
}

fn case(letter: u8, orig: bool) -> u8 {
    if orig {
        letter
    } else {
        letter.to_ascii_lowercase()
    }
}

fn hist_bit(letter: u8) -> u32 {
    match letter {
        b'S' => 1 << 0,
        b'H' => 1 << 1,
        b'A' => 1 << 2,
        b'D' => 1 << 3,
        b'F' => 1 << 4,
        b'R' => 1 << 5,
        b'I' => 1 << 6,
        b'Q' => 1 << 7,
        b'T' => 1 << 8,
        b'W' => 1 << 9,
        _ => 1 << 15,
    }
}

/// One tracked flow.
#[derive(Clone, Debug)]
pub struct FlowRecord {
    pub proto: u8,
    pub zone: Zone,
    /// The endpoint that opened the flow (Zeek's originator).
    pub orig: Endpoint,
    pub resp: Endpoint,
    /// Which `ConvKey` direction is the originator's.
    orig_dir: usize,
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Index 0: originator to responder.
    pub sides: [Side; 2],
    /// Conntrack state of the flow's latest packet.
    pub state: CtState,
    pub seen_reply: bool,
    /// ICMP errors seen that quote this flow.
    pub related: u32,
    pub tcp_stream: Option<u32>,
    pub udp_stream: Option<u32>,
    pub history: History,
    /// Zeek's `^`: the first packet was taken for the responder's (see [`LIKELY_SERVER_PORTS`]).
    pub flipped: bool,
    pub service: Option<AppProtocol>,
    service_attempts: u8,
    /// Boxed: most flows of a busy capture are small UDP or ICMP ones.
    pub tcp: Option<Box<TcpFlowSummary>>,
}

impl FlowRecord {
    /// The `ConvKey` direction (0/1, as `tcp::Conversation::flows`) of the originator.
    pub fn orig_dir(&self) -> usize {
        self.orig_dir
    }

    /// Zeek's `duration`.
    pub fn duration(&self) -> Duration {
        self.last_ts.since(self.first_ts)
    }

    /// Zeek's `orig_bytes` / `resp_bytes`: from sequence numbers for TCP, payload sums otherwise.
    pub fn payload_bytes(&self, side: usize) -> u64 {
        let s = &self.sides[side];
        if self.proto == proto::TCP {
            s.tcp_size()
        } else {
            s.payload_bytes
        }
    }

    /// Zeek's `missed_bytes`: bytes the sequence numbers cover that no packet carried.
    pub fn missed_bytes(&self) -> u64 {
        if self.proto != proto::TCP {
            return 0;
        }
        self.sides
            .iter()
            .map(|s| s.tcp_size().saturating_sub(s.new_payload_bytes))
            .sum()
    }

    /// Zeek's `conn_state` (the rules of `conn_state()` in Zeek's `conn/main.zeek`).
    pub fn conn_state(&self) -> &'static str {
        use ZeekTcpState as Z;
        let (o, r) = (&self.sides[0], &self.sides[1]);
        match self.proto {
            proto::TCP => {
                let (os, rs) = (o.zeek, r.zeek);
                let o_inactive = matches!(os, Z::Inactive | Z::Partial);
                let r_inactive = matches!(rs, Z::Inactive | Z::Partial);
                if rs == Z::Reset {
                    if matches!(os, Z::SynSent | Z::SynAckSent)
                        || (os == Z::Reset && o.tcp_size() == 0 && r.tcp_size() == 0)
                    {
                        "REJ"
                    } else if o_inactive {
                        "RSTRH"
                    } else {
                        "RSTR"
                    }
                } else if os == Z::Reset {
                    if r_inactive {
                        if history_is_rstos0(self.history.as_str()) {
                            "RSTOS0"
                        } else {
                            "OTH"
                        }
                    } else {
                        "RSTO"
                    }
                } else if rs == Z::Closed && os == Z::Closed {
                    "SF"
                } else if os == Z::Closed {
                    if r_inactive {
                        "SH"
                    } else {
                        "S2"
                    }
                } else if rs == Z::Closed {
                    if o_inactive {
                        "SHR"
                    } else {
                        "S3"
                    }
                } else if os == Z::SynSent && rs == Z::Inactive {
                    "S0"
                } else if os == Z::Established && rs == Z::Established {
                    "S1"
                } else {
                    "OTH"
                }
            }
            proto::UDP => match (o.pkts > 0, r.pkts > 0) {
                (true, true) => "SF",
                (true, false) => "S0",
                (false, true) => "SHR",
                (false, false) => "OTH",
            },
            _ => "OTH",
        }
    }

    /// The idle timeout that applies to the flow now.
    pub fn timeout(&self) -> i64 {
        use ZeekTcpState as Z;
        match self.proto {
            proto::TCP => {
                let (o, r) = (self.sides[0].zeek, self.sides[1].zeek);
                match (o, r) {
                    (Z::Reset, _) | (_, Z::Reset) => timeout::TCP_CLOSE,
                    (Z::Closed, Z::Closed) => timeout::TCP_TIME_WAIT,
                    (Z::Closed, _) | (_, Z::Closed) => timeout::TCP_FIN_WAIT,
                    (Z::SynSent, Z::Inactive) => timeout::TCP_SYN_SENT,
                    (_, Z::SynAckSent) | (Z::SynAckSent, _) => timeout::TCP_SYN_RECV,
                    _ => timeout::TCP_ESTABLISHED,
                }
            }
            proto::UDP if self.seen_reply => timeout::UDP_STREAM,
            proto::UDP => timeout::UDP,
            proto::ICMP | proto::ICMPV6 => timeout::ICMP,
            _ => timeout::GENERIC,
        }
    }

    fn expired_at(&self, now: Timestamp) -> bool {
        now.since(self.last_ts).0 > self.timeout() as i128 * 1_000_000_000
    }
}

/// Zeek's RSTOS0 pattern `^?S[^HAFGIQ]*R.*`: the originator sent a SYN and then a
/// RST without ever seeing a SYN-ACK.
fn history_is_rstos0(h: &str) -> bool {
    let h = h.strip_prefix('^').unwrap_or(h);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        match c {
            'R' => return true,
            'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
            _ => {}
        }
    }
    false
}

/// What the TCP dissector tells the table about a segment.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpSegment {
    pub flags: u16,
    /// Raw sequence and acknowledgement numbers.
    pub seq: u32,
    pub ack: u32,
    /// The window field as sent (unscaled).
    pub window: u16,
    pub stream: u32,
    /// `analysis::*` bits of the segment (0: none).
    pub analysis: u32,
    pub bytes_in_flight: u32,
    /// `tcp.analysis.ack_rtt` (zero: none).
    pub ack_rtt: Duration,
}

/// One packet as a transport dissector saw it.
#[derive(Clone, Copy, Debug)]
pub struct Observation<'a> {
    pub proto: u8,
    pub zone: Zone,
    pub src: Endpoint,
    pub dst: Endpoint,
    /// Length of the IP datagram (header included).
    pub ip_bytes: u32,
    /// The transport payload (as captured; `payload_len` is the length on the wire).
    pub payload: &'a [u8],
    pub payload_len: u32,
    pub tcp: Option<TcpSegment>,
    pub udp_stream: Option<u32>,
    /// The packet is the one quoted inside an ICMP error.
    pub in_icmp_error: bool,
    /// The application protocol the dissector recognised for the connection,
    /// if it did (TCP); otherwise the flow's service is recognised here.
    pub app: Option<AppProtocol>,
}

/// What tracking a packet found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub state: CtState,
    /// Flows retired to make room (the table was full).
    pub evicted: usize,
}

/// Every tracked flow.
#[derive(Debug)]
pub struct FlowTable {
    /// Boxed so that growing the map or retiring a flow moves a pointer, not a record.
    live: super::FlowMap<FlowKey, Box<FlowRecord>>,
    // Boxed too: a retired flow comes out of `live` as a box, and the vector's
    // growth then moves pointers.
    #[allow(clippy::vec_box)]
    retired: Vec<Box<FlowRecord>>,
    limit: usize,
    packets: u64,
    /// Retired flows dropped because more than `max_retired` were kept.
    pub dropped: u64,
    /// Retired flows kept ([`super::Retention::retired_flows`]).
    pub max_retired: usize,
    /// Keep bytes-in-flight and RTT series ([`super::Retention::tcp_history`]).
    pub keep_history: bool,
    /// Keep each TCP flow's analysis summary ([`super::Retention::flow_summaries`]).
    pub keep_summaries: bool,
    /// The flow (by the frame that opened it) the last tracked packet counted
    /// towards, so a caller can tell which flows a packet it selected belongs to.
    pub last_flow: Option<u64>,
}

impl Default for FlowTable {
    fn default() -> Self {
        FlowTable::with_limit(MAX_FLOWS)
    }
}

impl FlowTable {
    /// A table tracking at most `limit` flows at once.
    pub fn with_limit(limit: usize) -> Self {
        FlowTable {
            live: super::FlowMap::default(),
            retired: Vec::new(),
            limit: limit.max(1),
            packets: 0,
            dropped: 0,
            max_retired: MAX_RETIRED,
            keep_history: true,
            keep_summaries: true,
            last_flow: None,
        }
    }

    /// Flows being tracked now.
    pub fn live_len(&self) -> usize {
        self.live.len()
    }

    /// Every flow, retired and live, in order of first packet.
    pub fn all(&self) -> Vec<&FlowRecord> {
        let mut v: Vec<&FlowRecord> = self
            .retired
            .iter()
            .chain(self.live.values())
            .map(|f| &**f)
            .collect();
        v.sort_by_key(|f| (f.first_frame, f.first_ts));
        v
    }

    fn retire(&mut self, rec: Box<FlowRecord>) {
        if self.retired.len() >= self.max_retired {
            // Drop the older half at once, so the cost is paid once per many flows.
            let half = self.retired.len().div_ceil(2);
            self.retired.drain(..half);
            self.dropped += half as u64;
        }
        self.retired.push(rec);
    }

    fn sweep(&mut self, now: Timestamp) {
        let expired: Vec<FlowKey> = self
            .live
            .iter()
            .filter(|(_, f)| f.expired_at(now))
            .map(|(k, _)| *k)
            .collect();
        for k in expired {
            if let Some(f) = self.live.remove(&k) {
                self.retire(f);
            }
        }
    }

    /// Retires the least recently active eighth of the flows.
    fn evict(&mut self) -> usize {
        let mut ages: Vec<u64> = self.live.values().map(|f| f.last_frame).collect();
        let n = (ages.len() / 8).max(1).min(ages.len());
        if n == 0 {
            return 0;
        }
        let (_, cutoff, _) = ages.select_nth_unstable(n - 1);
        let cutoff = *cutoff;
        let victims: Vec<FlowKey> = self
            .live
            .iter()
            .filter(|(_, f)| f.last_frame <= cutoff)
            .map(|(k, _)| *k)
            .take(n)
            .collect();
        let count = victims.len();
        for k in victims {
            if let Some(f) = self.live.remove(&k) {
                self.retire(f);
            }
        }
        count
    }

    /// Tracks one packet of frame `frame` at `ts`.
    pub fn observe(&mut self, frame: u64, ts: Timestamp, obs: &Observation<'_>) -> Verdict {
        let (conv, dir) = ConvKey::new(obs.src, obs.dst);
        let key = FlowKey {
            proto: obs.proto,
            zone: obs.zone,
            conv,
        };
        let mut verdict = Verdict::default();
        if obs.in_icmp_error {
            // The quote is a packet one endpoint sent: it relates to the flow, adds nothing to it.
            verdict.state = match self.live.get_mut(&key) {
                Some(f) => {
                    f.related += 1;
                    CtState::Related
                }
                None => CtState::Invalid,
            };
            return verdict;
        }
        self.packets += 1;
        if self.packets.is_multiple_of(SWEEP_INTERVAL) {
            self.sweep(ts);
        }
        // A flow idle past its timeout, or a new TCP stream on the same ports, starts afresh.
        let stale = self.live.get(&key).is_some_and(|f| {
            f.expired_at(ts) || (obs.tcp.is_some() && f.tcp_stream != obs.tcp.map(|t| t.stream))
        });
        if stale {
            if let Some(f) = self.live.remove(&key) {
                self.retire(f);
            }
        }
        if !self.live.contains_key(&key) && self.live.len() >= self.limit {
            self.sweep(ts);
            if self.live.len() >= self.limit {
                verdict.evicted = self.evict();
            }
        }
        let rec = self
            .live
            .entry(key)
            .or_insert_with(|| Box::new(new_record(obs, dir, frame, ts, self.keep_summaries)));
        self.last_flow = Some(rec.first_frame);
        let side = usize::from(dir != rec.orig_dir);
        verdict.state = if side == 1 || rec.seen_reply {
            rec.seen_reply = true;
            CtState::Established
        } else {
            CtState::New
        };
        rec.state = verdict.state;
        rec.last_ts = rec.last_ts.max(ts);
        rec.last_frame = frame;
        let s = &mut rec.sides[side];
        s.pkts += 1;
        s.ip_bytes += u64::from(obs.ip_bytes);
        s.payload_bytes += u64::from(obs.payload_len);
        if rec.service.is_none()
            && !obs.payload.is_empty()
            && rec.service_attempts < SERVICE_ATTEMPTS
        {
            rec.service_attempts += 1;
            rec.service = obs
                .app
                .or_else(|| recognise_service(obs, rec.orig.port, rec.resp.port));
        }
        if let Some(seg) = obs.tcp {
            track_tcp(rec, side, &seg, obs.payload_len, ts, self.keep_history);
        } else if obs.proto == proto::UDP && obs.payload_len > 0 {
            // Zeek's UDP analyzer writes D / d for the first datagram with data each way.
            rec.history.check(b'D', side == 0);
        }
        verdict
    }
}

fn recognise_service(obs: &Observation<'_>, orig_port: u16, resp_port: u16) -> Option<AppProtocol> {
    let transport = match obs.proto {
        proto::TCP => crate::app::Transport::Tcp,
        proto::UDP => crate::app::Transport::Udp,
        _ => return None,
    };
    crate::app::recognise(transport, orig_port, resp_port, obs.payload)
}

/// Ports Zeek counts as likely server ports (those its protocol analyzers
/// register; an approximation of `likely_server_ports` of a default install).
pub const LIKELY_SERVER_PORTS: &[u16] = &[
    21, 22, 23, 25, 53, 67, 68, 69, 80, 88, 110, 111, 123, 135, 137, 138, 139, 143, 161, 162, 179,
    389, 443, 445, 465, 500, 502, 514, 587, 636, 853, 989, 990, 992, 993, 994, 995, 1080, 1194,
    1812, 1813, 1883, 2049, 3128, 3306, 3389, 4500, 5060, 5061, 5222, 5269, 5353, 5355, 5432, 6379,
    6666, 6667, 6668, 6669, 8000, 8080, 8443, 8883, 8888,
];

fn likely_server_port(port: u16) -> bool {
    LIKELY_SERVER_PORTS.contains(&port)
}

/// Zeek's `WantConnection` role guess for a flow's first packet: a TCP flow that
/// does not start with a pure SYN, or any UDP flow, is flipped when its source
/// port looks like a server's and its destination port does not (for TCP, also
/// when both do, the packet is no SYN-ACK and the source port is the lower).
fn flip_roles(obs: &Observation<'_>) -> bool {
    let (sp, dp) = (obs.src.port, obs.dst.port);
    if matches!(obs.proto, proto::ICMP | proto::ICMPV6) {
        // The reply half of a request/reply pair: its receiver asked.
        return icmp_ports(obs.proto == proto::ICMPV6, sp as u8, 0).2 && sp != dp;
    }
    if !likely_server_port(sp) {
        return false;
    }
    match obs.tcp {
        Some(t) => {
            let syn = t.flags & th::SYN != 0;
            let pure_syn = syn && t.flags & th::ACK == 0;
            if pure_syn {
                false
            } else if likely_server_port(dp) {
                !syn && sp < dp
            } else {
                true
            }
        }
        None => obs.proto == proto::UDP && !likely_server_port(dp),
    }
}

fn new_record(
    obs: &Observation<'_>,
    dir: usize,
    frame: u64,
    ts: Timestamp,
    tcp_summary: bool,
) -> FlowRecord {
    let flipped = flip_roles(obs);
    let (orig, resp, orig_dir) = if flipped {
        (obs.dst, obs.src, 1 - dir)
    } else {
        (obs.src, obs.dst, dir)
    };
    let mut history = History::default();
    if flipped {
        history.add(b'^');
    }
    FlowRecord {
        proto: obs.proto,
        zone: obs.zone,
        orig,
        resp,
        orig_dir,
        first_ts: ts,
        last_ts: ts,
        first_frame: frame,
        last_frame: frame,
        sides: Default::default(),
        state: CtState::New,
        seen_reply: false,
        related: 0,
        tcp_stream: obs.tcp.map(|t| t.stream),
        udp_stream: obs.udp_stream,
        history,
        flipped,
        service: None,
        service_attempts: 0,
        tcp: obs.tcp.filter(|_| tcp_summary).map(|_| Box::default()),
    }
}

/// Zeek's per-segment TCP bookkeeping: sequence-space sizes, the endpoint
/// state machine and the history letters; then our analysis counters.
fn track_tcp(
    rec: &mut FlowRecord,
    side: usize,
    seg: &TcpSegment,
    len: u32,
    ts: Timestamp,
    keep_history: bool,
) {
    let orig = side == 0;
    let flags = seg.flags;
    let (syn, fin, rst, ack) = (
        flags & th::SYN != 0,
        flags & th::FIN != 0,
        flags & th::RST != 0,
        flags & th::ACK != 0,
    );
    let [s0, s1] = &mut rec.sides;
    let (me, peer) = if orig { (s0, s1) } else { (s1, s0) };

    // Sequence space (Zeek's init_endpoint / init_peer / update_last_seq).
    if !me.seq_init {
        me.seq_init = true;
        me.start_seq = if syn {
            seg.seq
        } else {
            seg.seq.wrapping_sub(1)
        };
    }
    if ack && !peer.seq_init {
        peer.seq_init = true;
        peer.start_seq = seg.ack.wrapping_sub(1);
    }
    let seg_len = if rst {
        u64::from(syn) + u64::from(fin)
    } else {
        u64::from(len) + u64::from(syn) + u64::from(fin)
    };
    let rel = me.offset(seg.seq);
    let end = rel + seg_len;
    if fin {
        me.fin_cnt += 1;
    }
    // Zeek's update_last_seq: a SYN or RST far from the stream is not trusted,
    // nor anything after a RST.
    let far = end.abs_diff(me.last_seq) > TOO_LARGE_SEQ_DELTA;
    if !((syn || rst) && far) && me.zeek != ZeekTcpState::Reset && end > me.last_seq {
        me.last_seq = end;
    }
    if ack && peer.seq_init {
        let acked = peer.offset(seg.ack);
        // Zeek's update_ack_seq: an ACK of 0 far ahead is more likely broken than a wrap.
        let broken = seg.ack == 0 && acked.saturating_sub(peer.ack_seq) > TOO_LARGE_SEQ_DELTA;
        if acked > peer.ack_seq && !broken {
            peer.ack_seq = acked;
        }
    }
    let retrans = seg.analysis
        & (an::RETRANSMISSION | an::FAST_RETRANSMISSION | an::SPURIOUS_RETRANSMISSION)
        != 0;
    if len > 0 && !retrans && !rst {
        me.new_payload_bytes += u64::from(len);
    }

    update_zeek_state(me, peer, orig, flags, len);
    update_history(&mut rec.history, me, orig, seg, len, retrans);

    // Our analysis counters and series.
    let Some(summary) = rec.tcp.as_mut() else {
        return;
    };
    let t = ts.as_secs_f64();
    let mine = &mut summary.sides[side];
    if retrans {
        mine.retransmissions += 1;
    }
    if seg.analysis & an::DUPLICATE_ACK != 0 {
        mine.dup_acks += 1;
    }
    if seg.analysis & an::ZERO_WINDOW != 0 {
        mine.zero_windows += 1;
    }
    if seg.analysis & an::OUT_OF_ORDER != 0 {
        mine.out_of_order += 1;
    }
    if seg.bytes_in_flight != 0 && keep_history {
        mine.bytes_in_flight.push(t, f64::from(seg.bytes_in_flight));
    }
    if seg.ack_rtt.0 > 0 {
        mine.add_rtt(seg.ack_rtt);
        if keep_history {
            // The sample measures the peer's data: it belongs to the peer's series.
            summary.sides[1 - side]
                .rtt
                .push(t, seg.ack_rtt.as_secs_f64());
        }
    }
}

/// Zeek's `TCP_Analyzer::UpdateStateMachine`, without its weirds and timers.
fn update_zeek_state(me: &mut Side, peer: &mut Side, orig: bool, flags: u16, len: u32) {
    use ZeekTcpState as Z;
    let (syn, fin, rst, ack) = (
        flags & th::SYN != 0,
        flags & th::FIN != 0,
        flags & th::RST != 0,
        flags & th::ACK != 0,
    );
    match me.zeek {
        Z::Inactive => {
            if syn {
                if orig {
                    me.set_zeek(if ack { Z::SynAckSent } else { Z::SynSent });
                } else {
                    if peer.zeek == Z::SynSent {
                        peer.set_zeek(Z::Established);
                    }
                    me.set_zeek(Z::Established);
                }
            }
            if fin {
                me.set_zeek(Z::Closed);
            }
            if rst {
                me.set_zeek(Z::Reset);
            }
            if me.zeek == Z::Inactive {
                if !orig && len == 0 && peer.zeek == Z::SynSent {
                    // An ACK of the SYN before the SYN-ACK: not a partial connection.
                } else if ack && peer.zeek == Z::Established {
                    me.set_zeek(Z::Established);
                } else {
                    me.set_zeek(Z::Partial);
                }
            }
        }
        Z::SynSent | Z::SynAckSent => {
            if fin {
                me.set_zeek(Z::Closed);
            }
            if rst {
                me.set_zeek(Z::Reset);
            }
        }
        Z::Established | Z::Partial => {
            if syn && me.zeek == Z::Partial && peer.zeek == Z::Inactive && !ack {
                me.set_zeek(Z::SynSent);
            }
            if fin && !rst {
                me.set_zeek(Z::Closed);
                if peer.zeek == Z::Reset && peer.prev_zeek == Z::Closed {
                    peer.set_zeek(Z::Closed);
                }
            }
            if rst {
                me.set_zeek(Z::Reset);
            }
        }
        Z::Closed => {
            if rst && peer.zeek != Z::Closed {
                me.set_zeek(Z::Reset);
            }
        }
        Z::Reset => {}
    }
}

/// Zeek's `update_history` plus its scaled letters for retransmissions and zero windows.
fn update_history(
    h: &mut History,
    me: &mut Side,
    orig: bool,
    seg: &TcpSegment,
    len: u32,
    retrans: bool,
) {
    let flags = seg.flags;
    let (syn, fin, rst, ack) = (
        flags & th::SYN != 0,
        flags & th::FIN != 0,
        flags & th::RST != 0,
        flags & th::ACK != 0,
    );
    let bits = u8::from(syn) + u8::from(fin) + u8::from(rst);
    if bits > 1 {
        if fin && rst {
            h.check(b'I', orig);
        } else {
            h.check(b'Q', orig);
        }
    } else if bits == 1 {
        if syn {
            let code = if ack { b'H' } else { b'S' };
            if h.check(code, orig) && me.hist_last_syn != Some(seg.seq) {
                h.add(case(code, orig));
            }
            me.hist_last_syn = Some(seg.seq);
        }
        if fin {
            let at = seg.seq.wrapping_add(len);
            if h.check(b'F', orig) && me.hist_last_fin != Some(at) {
                h.add(case(b'F', orig));
            }
            me.hist_last_fin = Some(at);
        }
        if rst {
            if h.check(b'R', orig) && me.hist_last_rst != Some(seg.seq) {
                h.add(case(b'R', orig));
            }
            me.hist_last_rst = Some(seg.seq);
        }
    } else if len > 0 {
        h.check(b'D', orig);
    } else if ack {
        h.check(b'A', orig);
    }
    if retrans && len > 0 {
        me.retrans_count += 1;
        scaled_letter(h, b'T', orig, me.retrans_count, &mut me.next_retrans_mark);
    }
    if seg.window == 0 && !rst && !syn {
        me.zero_win_count += 1;
        scaled_letter(h, b'W', orig, me.zero_win_count, &mut me.next_zero_win_mark);
    }
}

/// Zeek's `ScaledHistoryEntry`: the letter is written at the 1st, 10th, 100th, ... event.
fn scaled_letter(h: &mut History, letter: u8, orig: bool, count: u64, next: &mut u64) {
    if *next == 0 {
        *next = 1;
    }
    if count == *next {
        h.add(case(letter, orig));
        *next = next.saturating_mul(10);
    }
}

/// The zone of a packet being dissected: the innermost VLAN id and how many IP
/// headers enclose the innermost one. The IP header quoted in an ICMP error is
/// not an enclosing one: the quote belongs to the same zone as the flow it quotes.
pub fn zone_of(pkt: &Packet, data: &[u8]) -> Zone {
    let mut zone = Zone::default();
    let mut ips = 0u8;
    let mut prev = "";
    for l in &pkt.layers {
        let after_icmp = matches!(prev, "icmp" | "icmpv6");
        prev = l.proto.name;
        match l.proto.name {
            "ip" | "ipv6" if after_icmp => {}
            "vlan" if l.source == FRAME_SOURCE => {
                let at = l.span.start as usize;
                if let Some(tci) = data.get(at..at + 2) {
                    zone.vlan = u16::from_be_bytes([tci[0], tci[1]]) & 0x0fff;
                }
            }
            "ip" | "ipv6" => ips = ips.saturating_add(1),
            _ => {}
        }
    }
    zone.tunnel_depth = ips.saturating_sub(1);
    zone
}

/// Bytes of the innermost IP datagram whose transport payload starts at `off`
/// and is `transport_len` bytes long on the wire. When the transport header is
/// in reassembled bytes (another data source than the IP header's), the IP
/// header is counted at its minimum size.
pub fn ip_bytes_of(pkt: &Packet, off: usize, transport_len: usize) -> u32 {
    let transport_source = pkt.layers.last().map_or(FRAME_SOURCE, |l| l.source);
    let header = match pkt
        .layers
        .iter()
        .rev()
        .find(|l| matches!(l.proto.name, "ip" | "ipv6"))
    {
        Some(l) if l.source == transport_source => off.saturating_sub(l.span.start as usize),
        Some(l) if l.proto.name == "ipv6" => 40,
        Some(_) => 20,
        None => 0,
    };
    (header + transport_len).min(u32::MAX as usize) as u32
}

/// The hook the transport dissectors call once per header: updates the flow
/// table and reports a full table. Takes the parts of the state it needs, so
/// callers may hold other parts borrowed.
pub fn track(
    flows: &mut FlowTable,
    pkt: &mut Packet,
    meta: &FrameMeta<'_>,
    off: usize,
    obs: &Observation<'_>,
) -> Verdict {
    let now = meta.ts;
    let verdict = flows.observe(meta.number, now, obs);
    if verdict.evicted > 0 {
        pkt.expert(
            Severity::Note,
            Group::Undecoded,
            Span::new(off, 0),
            format!(
                "Flow table full ({MAX_FLOWS} flows): the {} least recently active were retired",
                verdict.evicted
            ),
        );
    }
    verdict
}

/// Zeek's ICMP "ports": a request type and its reply type share a flow (orig_p is
/// the request type, resp_p the reply type); other messages use (type, code).
/// Returns the ports as the packet's sender and receiver see them, and whether
/// the packet is the reply half (its receiver opened the flow).
pub fn icmp_ports(v6: bool, ty: u8, code: u8) -> (u16, u16, bool) {
    const V4: &[(u8, u8)] = &[(8, 0), (13, 14), (15, 16), (17, 18), (10, 9)];
    const V6: &[(u8, u8)] = &[(128, 129), (133, 134), (135, 136), (130, 131), (139, 140)];
    let pairs = if v6 { V6 } else { V4 };
    for &(req, rep) in pairs {
        if ty == req {
            return (req.into(), rep.into(), false);
        }
        if ty == rep {
            return (rep.into(), req.into(), true);
        }
    }
    (ty.into(), code.into(), false)
}

/// The hook of the ICMP and ICMPv6 dissectors: tracks the message as a flow of
/// its own (as Zeek does), unless it is quoted inside another ICMP error.
pub fn track_icmp(cx: &mut Cx<'_>, off: usize, buf: &[u8], v6: bool, ty: u8, code: u8) {
    if cx.in_icmp_error {
        return;
    }
    let Some(ip) = cx.ip else {
        return;
    };
    let (sp, dp, _) = icmp_ports(v6, ty, code);
    let obs = Observation {
        app: None,
        proto: if v6 { proto::ICMPV6 } else { proto::ICMP },
        zone: zone_of(cx.pkt, cx.data),
        src: Endpoint {
            addr: ip.src,
            port: sp,
        },
        dst: Endpoint {
            addr: ip.dst,
            port: dp,
        },
        ip_bytes: ip_bytes_of(cx.pkt, off, buf.len()),
        payload: buf.get(8..).unwrap_or(&[]),
        payload_len: buf.len().saturating_sub(8) as u32,
        tcp: None,
        udp_stream: None,
        in_icmp_error: false,
    };
    track(&mut cx.state.flows, cx.pkt, cx.meta, off, &obs);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Address;

    fn ep(last: u8, port: u16) -> Endpoint {
        Endpoint {
            addr: Address::Ipv4([10, 0, 0, last]),
            port,
        }
    }

    fn seg(flags: u16, seq: u32, ack: u32) -> TcpSegment {
        TcpSegment {
            flags,
            seq,
            ack,
            window: 1000,
            ..Default::default()
        }
    }

    fn send(t: &mut FlowTable, frame: u64, from_client: bool, s: TcpSegment, len: u32) -> Verdict {
        let (src, dst) = if from_client {
            (ep(1, 40000), ep(2, 80))
        } else {
            (ep(2, 80), ep(1, 40000))
        };
        let obs = Observation {
            app: None,
            proto: proto::TCP,
            zone: Zone::default(),
            src,
            dst,
            ip_bytes: 40 + len,
            payload: &[],
            payload_len: len,
            tcp: Some(s),
            udp_stream: None,
            in_icmp_error: false,
        };
        t.observe(frame, Timestamp::new(frame as i64, 0), &obs)
    }

    const S: u16 = th::SYN;
    const A: u16 = th::ACK;
    const F: u16 = th::FIN;
    const R: u16 = th::RST;

    #[test]
    fn a_complete_exchange_is_sf_with_zeek_history() {
        let mut t = FlowTable::default();
        assert_eq!(send(&mut t, 1, true, seg(S, 100, 0), 0).state, CtState::New);
        let v = send(&mut t, 2, false, seg(S | A, 500, 101), 0);
        assert_eq!(v.state, CtState::Established);
        send(&mut t, 3, true, seg(A, 101, 501), 0);
        send(&mut t, 4, true, seg(A | th::PUSH, 101, 501), 10);
        send(&mut t, 5, false, seg(A, 501, 111), 0);
        send(&mut t, 6, false, seg(A | th::PUSH, 501, 111), 20);
        send(&mut t, 7, true, seg(F | A, 111, 521), 0);
        send(&mut t, 8, false, seg(F | A, 521, 112), 0);
        send(&mut t, 9, true, seg(A, 112, 522), 0);
        let flows = t.all();
        let f = flows[0];
        assert_eq!(f.history.as_str(), "ShADadFf");
        assert_eq!(f.conn_state(), "SF");
        assert_eq!((f.payload_bytes(0), f.payload_bytes(1)), (10, 20));
        assert_eq!(f.missed_bytes(), 0);
        assert_eq!((f.sides[0].pkts, f.sides[1].pkts), (5, 4));
    }

    #[test]
    fn an_unanswered_syn_is_s0_and_a_reset_one_rej() {
        let mut t = FlowTable::default();
        send(&mut t, 1, true, seg(S, 100, 0), 0);
        assert_eq!(t.all()[0].conn_state(), "S0");
        send(&mut t, 2, false, seg(R | A, 0, 101), 0);
        let f = t.all()[0];
        assert_eq!(f.conn_state(), "REJ");
        assert_eq!(f.history.as_str(), "Sr");
    }

    #[test]
    fn a_first_syn_ack_from_a_server_port_flips_the_roles() {
        let mut t = FlowTable::default();
        send(&mut t, 1, false, seg(S | A, 500, 101), 0);
        let f = t.all()[0];
        assert!(f.flipped);
        assert_eq!(f.orig, ep(1, 40000));
        assert_eq!(f.history.as_str(), "^h");
    }

    #[test]
    fn zeek_role_guess() {
        let obs = |sp, dp, flags| Observation {
            app: None,
            proto: proto::TCP,
            zone: Zone::default(),
            src: ep(1, sp),
            dst: ep(2, dp),
            ip_bytes: 40,
            payload: &[],
            payload_len: 0,
            tcp: Some(seg(flags, 0, 0)),
            udp_stream: None,
            in_icmp_error: false,
        };
        assert!(!flip_roles(&obs(80, 40000, S)));
        assert!(flip_roles(&obs(80, 40000, A)));
        assert!(!flip_roles(&obs(888, 40000, S | A)));
        assert!(flip_roles(&obs(80, 443, A)));
        assert!(!flip_roles(&obs(443, 80, A)));
        assert!(!flip_roles(&obs(80, 443, S | A)));
    }

    #[test]
    fn icmp_request_and_reply_share_a_flow() {
        assert_eq!(icmp_ports(false, 8, 0), (8, 0, false));
        assert_eq!(icmp_ports(false, 0, 0), (0, 8, true));
        assert_eq!(icmp_ports(true, 129, 0), (129, 128, true));
        assert_eq!(icmp_ports(false, 3, 1), (3, 1, false));
    }

    #[test]
    fn rstos0_pattern() {
        assert!(history_is_rstos0("SR"));
        assert!(history_is_rstos0("^SdR"));
        // The pattern is case-sensitive: only the originator's letters stop it.
        assert!(history_is_rstos0("ShR"));
        assert!(!history_is_rstos0("SAR"));
        assert!(!history_is_rstos0("hR"));
    }

    #[test]
    fn a_missing_segment_counts_as_missed_bytes() {
        let mut t = FlowTable::default();
        send(&mut t, 1, true, seg(S, 0, 0), 0);
        send(&mut t, 2, false, seg(S | A, 0, 1), 0);
        send(&mut t, 3, true, seg(A, 1, 1), 100);
        // 100 bytes at 101 never seen.
        send(&mut t, 4, true, seg(A, 201, 1), 100);
        send(&mut t, 5, false, seg(A, 1, 301), 0);
        let f = t.all()[0];
        assert_eq!(f.payload_bytes(0), 300);
        assert_eq!(f.missed_bytes(), 100);
    }

    #[test]
    fn idle_flows_expire_and_come_back_as_new_ones() {
        let mut t = FlowTable::default();
        let obs = |src, dst| Observation {
            app: None,
            proto: proto::UDP,
            zone: Zone::default(),
            src,
            dst,
            ip_bytes: 28,
            payload: &[],
            payload_len: 0,
            tcp: None,
            udp_stream: Some(0),
            in_icmp_error: false,
        };
        t.observe(1, Timestamp::new(0, 0), &obs(ep(1, 5), ep(2, 53)));
        let v = t.observe(2, Timestamp::new(10, 0), &obs(ep(2, 53), ep(1, 5)));
        assert_eq!(v.state, CtState::Established);
        // Past the replied-UDP timeout.
        let later = Timestamp::new(10 + timeout::UDP_STREAM + 1, 0);
        let v = t.observe(3, later, &obs(ep(1, 5), ep(2, 53)));
        assert_eq!(v.state, CtState::New);
        assert_eq!(t.all().len(), 2);
        assert_eq!(t.all()[0].conn_state(), "SF");
        assert_eq!(t.all()[1].conn_state(), "S0");
    }

    #[test]
    fn a_full_table_retires_the_least_recent_and_says_so() {
        let mut t = FlowTable::with_limit(8);
        let ts = Timestamp::new(1, 0);
        let mut evicted = 0;
        for p in 0..20u16 {
            let obs = Observation {
                app: None,
                proto: proto::UDP,
                zone: Zone::default(),
                src: ep(1, p),
                dst: ep(2, 53),
                ip_bytes: 28,
                payload: &[],
                payload_len: 0,
                tcp: None,
                udp_stream: None,
                in_icmp_error: false,
            };
            evicted += t.observe(u64::from(p), ts, &obs).evicted;
        }
        assert!(t.live_len() <= 8);
        assert!(evicted >= 12);
        assert_eq!(t.all().len(), 20);
    }

    #[test]
    fn an_icmp_error_quoting_a_flow_is_related() {
        let mut t = FlowTable::default();
        send(&mut t, 1, true, seg(S, 100, 0), 0);
        let mut obs = Observation {
            app: None,
            proto: proto::TCP,
            zone: Zone::default(),
            src: ep(1, 40000),
            dst: ep(2, 80),
            ip_bytes: 40,
            payload: &[],
            payload_len: 0,
            tcp: Some(seg(S, 100, 0)),
            udp_stream: None,
            in_icmp_error: true,
        };
        assert_eq!(
            t.observe(2, Timestamp::new(2, 0), &obs).state,
            CtState::Related
        );
        obs.dst = ep(3, 80);
        assert_eq!(
            t.observe(3, Timestamp::new(3, 0), &obs).state,
            CtState::Invalid
        );
        assert_eq!(t.all()[0].related, 1);
        assert_eq!(t.all()[0].sides[0].pkts, 1);
    }

    #[test]
    fn series_thin_evenly_when_full() {
        let mut s = Series::default();
        for i in 0..(MAX_SERIES_POINTS * 4) {
            s.push(i as f64, i as f64);
        }
        assert!(s.points.len() <= MAX_SERIES_POINTS);
        assert!(s.points.len() >= MAX_SERIES_POINTS / 2);
        let gaps: Vec<f64> = s.points.windows(2).map(|w| w[1].0 - w[0].0).collect();
        assert!(gaps.iter().all(|g| *g == gaps[0]), "{gaps:?}");
    }

    /// The handshake of mixed/http_get.pcap, frames 1-3 (read from the corpus), through the dissectors:
    /// the hooks in IPv4 and TCP give one flow, opened by the client, NEW then
    /// ESTABLISHED, with Zeek's "ShA" so far and the IP lengths (64, 60, 52).
    #[test]
    fn handshake_through_the_dissectors() {
        use crate::testutil::corpus_capture;
        let capture = corpus_capture("mixed/http_get.pcap");
        let frames = capture.test_frames();
        let mut d = crate::Dissector::new(crate::Prefs::default());
        for (i, f) in frames[..3].iter().enumerate() {
            let wire_len = f.wire_len.unwrap_or(f.bytes.len() as u32);
            let meta = crate::FrameMeta::new(i as u64 + 1, f.ts, wire_len, capture.link);
            let mut pkt = Packet::new(false);
            d.dissect(&meta, f.bytes, &mut pkt);
        }
        let flows = d.state().flows.all();
        assert_eq!(flows.len(), 1);
        let f = flows[0];
        assert_eq!(f.orig.addr, crate::model::Address::Ipv4([141, 142, 228, 5]));
        assert_eq!((f.orig.port, f.resp.port), (59856, 80));
        assert_eq!(f.history.as_str(), "ShA");
        assert_eq!(f.conn_state(), "S1");
        assert_eq!(f.state, CtState::Established);
        assert_eq!((f.sides[0].ip_bytes, f.sides[1].ip_bytes), (64 + 52, 60));
        assert_eq!(f.tcp_stream, Some(0));
        let conv = &d.state().conv.tcp.rows[0];
        assert_eq!(
            (conv.tx_frames, conv.tx_bytes, conv.rx_frames, conv.rx_bytes),
            (2, 78 + 66, 1, 74)
        );
    }
}
