//! Congestion-window estimate of one TCP sender, from what a capture shows.
//!
//! Method (see docs/TCP-ANALYSIS.md): a sender that has data waiting sends
//! until its "pipe" (the data it believes is in the network) reaches cwnd. So
//! right after each burst of sends, the pipe *is* the window. The pipe is
//! computed as RFC 6675 does: bytes sent and not cumulatively acknowledged,
//! minus SACKed bytes and holes below the highest SACK (taken as lost), plus
//! retransmissions still out; after a retransmission timeout everything
//! outstanding counts as lost (the sender restarts from one segment). One point
//! is recorded per ACK: the pipe after the burst that ACK released.
//!
//! Loss signals move the sender between phases: a retransmission after three
//! duplicate ACKs or a SACK hole starts fast recovery; one after a silence
//! longer than the RTO (at least 200 ms, Linux's minimum) starts RTO recovery;
//! recovery ends when the ACKs pass what was outstanding at the loss.
//!
//! Limits: the estimate is the window only while the sender is cwnd-limited
//! (bulk data). An application-limited or pacing-limited sender (BBR) keeps its
//! pipe below cwnd, and a receiver-window-limited one is capped by the peer.
//! Far from the sender the pipe is shifted by the path delay on each side.

use super::tcp::{analysis, ge_seq, gt_seq, le_seq, lt_seq, th, Acked, SegmentFacts};
use crate::model::Timestamp;

/// Points kept per series. When full, every other point is dropped and only
/// every second new point is kept from then on, so a series covers the whole
/// connection at an evenly coarser resolution.
pub const MAX_SERIES_POINTS: usize = 512;

/// Phase changes kept per sender.
pub const MAX_PHASE_CHANGES: usize = 256;

/// Loss episodes kept per sender (for the congestion-control classifier).
pub const MAX_LOSS_EPISODES: usize = 256;

/// SACK blocks and retransmitted ranges remembered per sender.
const MAX_RANGES: usize = 32;

/// Linux's minimum RTO: a retransmission after a shorter silence was not a timeout.
const MIN_RTO_NANOS: i128 = 200_000_000;

/// Round trips over which BBR takes the maximum delivery rate (its `bbr_bw_rtts`).
const BW_FILTER_ROUNDS: usize = 10;

/// BBR's window gain in steady state (`bbr_cwnd_gain`).
const BBR_CWND_GAIN: f64 = 2.0;

/// Segments Linux's BBR adds to its window for send quantisation
/// (`bbr_quantization_budget`: three times a TSO goal of at least two).
const BBR_QUANTIZATION_SEGMENTS: f64 = 6.0;

/// Duplicate ACKs that make a loss signal (RFC 5681's dupthresh).
const DUPTHRESH: u32 = 3;

/// One point of a series: a capture time and a value (bytes, seconds or bytes/s).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesPoint {
    pub ts: Timestamp,
    pub value: f64,
}

/// A time series that thins itself out to stay within [`MAX_SERIES_POINTS`].
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    points: Vec<SeriesPoint>,
    stride: u32,
    skipped: u32,
    cap: usize,
}

impl Default for Series {
    fn default() -> Self {
        Series::with_cap(MAX_SERIES_POINTS)
    }
}

impl Series {
    pub fn with_cap(cap: usize) -> Self {
        Series {
            points: Vec::new(),
            stride: 1,
            skipped: 0,
            cap: cap.max(2),
        }
    }

    pub fn push(&mut self, ts: Timestamp, value: f64) {
        self.skipped += 1;
        if self.skipped < self.stride {
            return;
        }
        self.skipped = 0;
        self.points.push(SeriesPoint { ts, value });
        if self.points.len() >= self.cap {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride = self.stride.saturating_mul(2);
        }
    }

    pub fn points(&self) -> &[SeriesPoint] {
        &self.points
    }
}

/// What the sender appears to be doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Phase {
    #[default]
    SlowStart,
    CongestionAvoidance,
    FastRecovery,
    RtoRecovery,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::SlowStart => "slow_start",
            Phase::CongestionAvoidance => "congestion_avoidance",
            Phase::FastRecovery => "fast_recovery",
            Phase::RtoRecovery => "rto_recovery",
        }
    }
}

/// Why the phase changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhaseCause {
    /// A retransmission after a run of duplicate ACKs.
    DupAcks,
    /// A retransmission filling a hole the receiver's SACK blocks showed.
    SackHole,
    /// A retransmission without either signal (RACK, tail-loss probe, dup ACKs not captured).
    Retransmission,
    /// A retransmission after a silence longer than the retransmission timeout.
    Timeout,
    /// The ACKs passed everything outstanding at the loss.
    RecoveryDone,
    /// The window grew less than slow start's doubling over a round trip.
    GrowthSlowed,
    /// After a timeout, the window reached half of what it was at the loss.
    ReachedSsthresh,
}

impl PhaseCause {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseCause::DupAcks => "dup_acks",
            PhaseCause::SackHole => "sack_hole",
            PhaseCause::Retransmission => "retransmission",
            PhaseCause::Timeout => "timeout",
            PhaseCause::RecoveryDone => "recovery_done",
            PhaseCause::GrowthSlowed => "growth_slowed",
            PhaseCause::ReachedSsthresh => "reached_ssthresh",
        }
    }
}

/// The sender entered `phase` at frame `frame`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseChange {
    pub frame: u64,
    pub ts: Timestamp,
    pub phase: Phase,
    pub cause: PhaseCause,
    /// Estimated window (bytes) when it happened.
    pub cwnd: f64,
}

/// One loss and the sender's reaction to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossEpisode {
    pub ts: Timestamp,
    pub frame: u64,
    pub timeout: bool,
    /// Largest window estimate of the round trip before the loss (bytes).
    pub w_max: f64,
    /// First window estimate after recovery ended (bytes); `None` until then.
    pub w_after: Option<f64>,
    /// When recovery ended.
    pub recovered: Option<Timestamp>,
}

/// The estimator of one sender.
#[derive(Clone, Debug, Default)]
pub struct CwndEstimator {
    una: Option<u32>,
    nxt: Option<u32>,
    /// Largest segment seen: the MSS as far as the capture tells.
    mss: u32,
    sack_seen: bool,
    high_sack: u32,
    sacked: Vec<(u32, u32)>,
    retx: Vec<(u32, u32)>,
    /// After a timeout: everything below this not retransmitted is lost.
    rto_lost_upto: Option<u32>,
    dupacks: u32,
    phase: Phase,
    recovery_point: u32,
    ssthresh_est: Option<f64>,
    last_ack_ts: Option<Timestamp>,
    last_send_ts: Option<Timestamp>,
    srtt: Option<f64>,
    /// The pipe after the latest send, waiting for the next ACK to be recorded.
    pending: Option<SeriesPoint>,
    /// Largest recorded window in the current and the previous round trip.
    recent_max: f64,
    prev_round_max: f64,
    round_start: Option<Timestamp>,
    round_start_cwnd: f64,
    cwnd: Series,
    flight: Series,
    rtt: Series,
    throughput: Series,
    bin_start: Option<Timestamp>,
    bin_bytes: u64,
    /// Delivery rates (bytes/s) of the latest [`BW_FILTER_ROUNDS`] bins, and
    /// the smallest RTT seen: BBR's own model of the path.
    recent_rates: std::collections::VecDeque<f64>,
    min_rtt: Option<f64>,
    model: Series,
    phases: Vec<PhaseChange>,
    losses: Vec<LossEpisode>,
    data_segments: u64,
    retransmissions: u64,
}

impl CwndEstimator {
    /// The estimated window, one point per ACK: (time, bytes).
    pub fn cwnd_series(&self) -> Vec<SeriesPoint> {
        let mut v = self.cwnd.points().to_vec();
        v.extend(self.pending);
        v
    }

    /// BBR's window as its model would set it: cwnd gain × the delivery rate
    /// of the last ten round trips × the smallest RTT (bytes).
    pub fn bbr_model_series(&self) -> &[SeriesPoint] {
        self.model.points()
    }

    /// The BBR model's window in effect at `ts`.
    pub fn bbr_model_at(&self, ts: Timestamp) -> Option<f64> {
        let pts = self.model.points();
        let i = pts.partition_point(|p| p.ts <= ts);
        i.checked_sub(1).map(|i| pts[i].value)
    }

    /// The window of a BBR sender at `ts`: BBR paces, so its pipe stays below
    /// its window, except in loss recovery, where it conserves packets (the
    /// window is the pipe). So: the pipe in recovery, else the larger of the
    /// pipe and the model window.
    pub fn bbr_cwnd_at(&self, ts: Timestamp) -> Option<f64> {
        let pipe = self.cwnd_at(ts);
        let i = self.phases.partition_point(|p| p.ts <= ts);
        let recovering = i.checked_sub(1).is_some_and(|i| {
            matches!(
                self.phases[i].phase,
                Phase::FastRecovery | Phase::RtoRecovery
            )
        });
        if recovering {
            return pipe;
        }
        match (pipe, self.bbr_model_at(ts)) {
            (Some(p), Some(m)) => Some(p.max(m)),
            (p, m) => p.or(m),
        }
    }

    /// [`Self::bbr_cwnd_at`] at the times of the window series.
    pub fn bbr_cwnd_series(&self) -> Vec<SeriesPoint> {
        self.cwnd_series()
            .into_iter()
            .filter_map(|p| {
                Some(SeriesPoint {
                    ts: p.ts,
                    value: self.bbr_cwnd_at(p.ts)?,
                })
            })
            .collect()
    }

    /// The SACK-aware pipe after each ACK was taken into account.
    pub fn flight_series(&self) -> &[SeriesPoint] {
        self.flight.points()
    }

    /// RTT samples (seconds) at the time of the ACK that gave them.
    pub fn rtt_series(&self) -> &[SeriesPoint] {
        self.rtt.points()
    }

    /// Acknowledged bytes per second, about one point per smoothed RTT.
    pub fn throughput_series(&self) -> &[SeriesPoint] {
        self.throughput.points()
    }

    pub fn phases(&self) -> &[PhaseChange] {
        &self.phases
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn losses(&self) -> &[LossEpisode] {
        &self.losses
    }

    /// The MSS as far as the capture shows (largest segment), 0 before any data.
    pub fn mss(&self) -> u32 {
        self.mss
    }

    /// Smoothed RTT (seconds), once measured.
    pub fn srtt(&self) -> Option<f64> {
        self.srtt
    }

    /// Data segments sent, and how many of them were retransmissions.
    pub fn segment_counts(&self) -> (u64, u64) {
        (self.data_segments, self.retransmissions)
    }

    /// The estimate in effect at `ts` (the latest point at or before it).
    pub fn cwnd_at(&self, ts: Timestamp) -> Option<f64> {
        let pts = self.cwnd.points();
        let i = pts.partition_point(|p| p.ts <= ts);
        let from_series = i.checked_sub(1).map(|i| pts[i]);
        match self.pending {
            Some(p) if p.ts <= ts => Some(p.value),
            _ => from_series.map(|p| p.value),
        }
    }

    /// The sender's pipe, RFC 6675-style (see the module comment).
    fn pipe(&self) -> f64 {
        let (Some(una), Some(nxt)) = (self.una, self.nxt) else {
            return 0.0;
        };
        let mut lost_below = una;
        if self.sack_seen && gt_seq(self.high_sack, lost_below) {
            lost_below = self.high_sack;
        }
        if let Some(r) = self.rto_lost_upto {
            if gt_seq(r, lost_below) {
                lost_below = r;
            }
        }
        if gt_seq(lost_below, nxt) {
            lost_below = nxt;
        }
        let above = nxt.wrapping_sub(lost_below) as f64;
        let retx: u64 = self
            .retx
            .iter()
            .map(|&(a, b)| {
                let a = if lt_seq(a, una) { una } else { a };
                let b = if gt_seq(b, lost_below) { lost_below } else { b };
                if lt_seq(a, b) {
                    u64::from(b.wrapping_sub(a))
                } else {
                    0
                }
            })
            .sum();
        above + retx as f64
    }

    fn enter(&mut self, phase: Phase, cause: PhaseCause, s: &SegmentFacts, cwnd: f64) {
        if self.phase == phase {
            return;
        }
        self.phase = phase;
        if self.phases.len() < MAX_PHASE_CHANGES {
            self.phases.push(PhaseChange {
                frame: s.frame,
                ts: s.ts,
                phase,
                cause,
                cwnd,
            });
        }
    }

    /// A segment this sender sent. `flags` are its `tcp.analysis` flags.
    pub fn on_send(&mut self, s: &SegmentFacts, flags: u32) {
        if s.flags & (th::SYN | th::RST) != 0 {
            return;
        }
        let len = s.seglen + u32::from(s.flags & th::FIN != 0);
        if len == 0 {
            return;
        }
        let end = s.seq.wrapping_add(len);
        let nxt = *self.nxt.get_or_insert(s.seq);
        self.una.get_or_insert(s.seq);
        self.mss = self.mss.max(s.seglen);
        self.data_segments += 1;
        let resend = analysis::RETRANSMISSION
            | analysis::FAST_RETRANSMISSION
            | analysis::SPURIOUS_RETRANSMISSION;
        if flags & resend != 0 || lt_seq(s.seq, nxt) {
            self.retransmissions += 1;
            self.on_retransmission(s, end, flags);
        }
        if gt_seq(end, self.nxt.unwrap_or(end)) {
            self.nxt = Some(end);
        }
        self.last_send_ts = Some(s.ts);
        let pipe = self.pipe();
        self.pending = Some(SeriesPoint {
            ts: s.ts,
            value: pipe,
        });
    }

    fn on_retransmission(&mut self, s: &SegmentFacts, end: u32, flags: u32) {
        if self.retx.len() < MAX_RANGES && !self.retx.contains(&(s.seq, end)) {
            self.retx.push((s.seq, end));
        }
        if matches!(self.phase, Phase::FastRecovery | Phase::RtoRecovery) {
            return;
        }
        let quiet_since = self.last_ack_ts.max(self.last_send_ts).unwrap_or(s.ts);
        let rto = self
            .srtt
            .map_or(MIN_RTO_NANOS, |r| ((r * 1.5e9) as i128).max(MIN_RTO_NANOS));
        let timeout = s.ts.since(quiet_since).0 >= rto;
        let w_max = self.recent_max.max(self.prev_round_max);
        let (phase, cause) = if timeout {
            (Phase::RtoRecovery, PhaseCause::Timeout)
        } else if self.dupacks >= DUPTHRESH || flags & analysis::FAST_RETRANSMISSION != 0 {
            (Phase::FastRecovery, PhaseCause::DupAcks)
        } else if self.sack_seen && !self.sacked.is_empty() {
            (Phase::FastRecovery, PhaseCause::SackHole)
        } else {
            (Phase::FastRecovery, PhaseCause::Retransmission)
        };
        self.recovery_point = self.nxt.unwrap_or(end);
        if timeout {
            self.rto_lost_upto = self.nxt;
        }
        self.enter(phase, cause, s, w_max);
        if self.losses.len() < MAX_LOSS_EPISODES {
            self.losses.push(LossEpisode {
                ts: s.ts,
                frame: s.frame,
                timeout,
                w_max,
                w_after: None,
                recovered: None,
            });
        }
        self.ssthresh_est = Some(w_max / 2.0);
    }

    /// A segment from the peer: its ACK and SACK blocks acknowledge this sender's data.
    pub fn on_ack(&mut self, s: &SegmentFacts, ta: Option<&Acked>, sack: &[(u32, u32)]) {
        if s.flags & th::ACK == 0 || s.flags & th::RST != 0 {
            return;
        }
        let Some(una) = self.una else {
            return;
        };
        // The burst the previous ACK released is complete: record it.
        if let Some(p) = self.pending.take() {
            self.record_window(p, s);
        }
        self.last_ack_ts = Some(s.ts);
        for &(l, r) in sack {
            if gt_seq(r, una) && lt_seq(l, r) {
                self.add_sack(l, r);
            }
        }
        if gt_seq(s.ack, una) && self.nxt.is_none_or(|n| le_seq(s.ack, n)) {
            let acked = s.ack.wrapping_sub(una);
            self.una = Some(s.ack);
            self.dupacks = 0;
            self.bin_bytes += u64::from(acked);
            self.forget_below(s.ack);
            self.maybe_end_recovery(s);
        } else if s.ack == una && s.seglen == 0 && s.flags & (th::SYN | th::FIN) == 0 {
            self.dupacks += 1;
        }
        if let Some(t) = ta {
            if t.frame_acked != 0 && t.ack_rtt.0 > 0 {
                let r = t.ack_rtt.as_secs_f64();
                self.rtt.push(s.ts, r);
                self.min_rtt = Some(self.min_rtt.map_or(r, |m| m.min(r)));
                self.srtt = Some(self.srtt.map_or(r, |v| 0.875 * v + 0.125 * r));
            }
        }
        self.flight.push(s.ts, self.pipe());
        self.throughput_bin(s.ts);
    }

    fn record_window(&mut self, p: SeriesPoint, s: &SegmentFacts) {
        self.cwnd.push(p.ts, p.value);
        self.recent_max = self.recent_max.max(p.value);
        if let Some(ep) = self.losses.last_mut() {
            if ep.recovered.is_some() && ep.w_after.is_none() {
                ep.w_after = Some(p.value);
            }
        }
        // Round trips: slow start doubles the window in each.
        let srtt = self.srtt.unwrap_or(0.0);
        let start = *self.round_start.get_or_insert(p.ts);
        if srtt > 0.0 && p.ts.since(start).as_secs_f64() >= srtt {
            if self.phase == Phase::SlowStart {
                let grew = p.value / self.round_start_cwnd.max(1.0);
                let at_threshold = self.ssthresh_est.is_some_and(|t| p.value >= t);
                if at_threshold {
                    self.enter(
                        Phase::CongestionAvoidance,
                        PhaseCause::ReachedSsthresh,
                        s,
                        p.value,
                    );
                } else if self.round_start_cwnd > 0.0 && grew < 1.25 {
                    self.enter(
                        Phase::CongestionAvoidance,
                        PhaseCause::GrowthSlowed,
                        s,
                        p.value,
                    );
                }
            }
            self.prev_round_max = self.recent_max;
            self.recent_max = p.value;
            self.round_start = Some(p.ts);
            self.round_start_cwnd = p.value;
        }
    }

    fn maybe_end_recovery(&mut self, s: &SegmentFacts) {
        let in_recovery = matches!(self.phase, Phase::FastRecovery | Phase::RtoRecovery);
        if !in_recovery || !ge_seq(s.ack, self.recovery_point) {
            return;
        }
        let after_timeout = self.phase == Phase::RtoRecovery;
        self.rto_lost_upto = None;
        if let Some(ep) = self.losses.last_mut() {
            ep.recovered = Some(s.ts);
        }
        let next = if after_timeout {
            Phase::SlowStart
        } else {
            Phase::CongestionAvoidance
        };
        let pipe = self.pipe();
        self.enter(next, PhaseCause::RecoveryDone, s, pipe);
        self.round_start = Some(s.ts);
        self.round_start_cwnd = pipe;
    }

    fn add_sack(&mut self, l: u32, r: u32) {
        self.sack_seen = true;
        if gt_seq(r, self.high_sack) || self.high_sack == 0 {
            self.high_sack = r;
        }
        // Merge with overlapping blocks; the list stays small (one per hole).
        let (mut l, mut r) = (l, r);
        self.sacked.retain(|&(a, b)| {
            let overlaps = le_seq(a, r) && ge_seq(b, l);
            if overlaps {
                if lt_seq(a, l) {
                    l = a;
                }
                if gt_seq(b, r) {
                    r = b;
                }
            }
            !overlaps
        });
        if self.sacked.len() < MAX_RANGES {
            self.sacked.push((l, r));
        }
        // A retransmission the receiver now holds is no longer in flight.
        self.retx.retain(|&(a, b)| !(ge_seq(a, l) && le_seq(b, r)));
    }

    fn forget_below(&mut self, ack: u32) {
        self.sacked.retain(|&(_, b)| gt_seq(b, ack));
        self.retx.retain(|&(_, b)| gt_seq(b, ack));
        if le_seq(self.high_sack, ack) {
            self.high_sack = ack;
        }
    }

    fn throughput_bin(&mut self, ts: Timestamp) {
        let start = *self.bin_start.get_or_insert(ts);
        let width = self.srtt.unwrap_or(0.1).max(0.01);
        let dt = ts.since(start).as_secs_f64();
        if dt >= width {
            let rate = self.bin_bytes as f64 / dt;
            self.throughput.push(ts, rate);
            if self.recent_rates.len() >= BW_FILTER_ROUNDS {
                self.recent_rates.pop_front();
            }
            self.recent_rates.push_back(rate);
            if let Some(min_rtt) = self.min_rtt {
                // The mean, not BBR's max: single bins are noisy (delayed ACKs, a
                // cumulative ACK closing a SACK hole), and their max overshoots.
                let n = self.recent_rates.len() as f64;
                let bw = self.recent_rates.iter().sum::<f64>() / n;
                let budget = BBR_QUANTIZATION_SEGMENTS * f64::from(self.mss);
                self.model.push(ts, BBR_CWND_GAIN * bw * min_rtt + budget);
            }
            self.bin_start = Some(ts);
            self.bin_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Timestamp {
        Timestamp::new(1000 + (ms / 1000) as i64, (ms % 1000) * 1_000_000)
    }

    fn data(frame: u64, ms: u64, seq: u32, len: u32) -> SegmentFacts {
        SegmentFacts {
            frame,
            ts: at(ms),
            seq,
            ack: 1,
            seglen: len,
            flags: th::ACK,
            window: 65535,
        }
    }

    fn ack(frame: u64, ms: u64, ack: u32) -> SegmentFacts {
        SegmentFacts {
            frame,
            ts: at(ms),
            seq: 1,
            ack,
            seglen: 0,
            flags: th::ACK,
            window: 65535,
        }
    }

    #[test]
    fn series_thins_out_evenly() {
        let mut s = Series::with_cap(8);
        for i in 0..100 {
            s.push(at(i), i as f64);
        }
        assert!(s.points().len() < 8);
        let v: Vec<f64> = s.points().iter().map(|p| p.value).collect();
        assert!(v.windows(2).all(|w| w[1] > w[0]));
        assert_eq!(v[0], 0.0);
    }

    /// Ten segments of 1000 bytes in flight, ACKs one by one, each releasing one
    /// more: the window stays at 10 segments.
    #[test]
    fn ack_clocked_sender_shows_its_window() {
        let mut e = CwndEstimator::default();
        let mut f = 0;
        let mut seq = 1u32;
        for _ in 0..10 {
            f += 1;
            e.on_send(&data(f, 0, seq, 1000), 0);
            seq += 1000;
        }
        for k in 1..=20u32 {
            f += 1;
            e.on_ack(&ack(f, 20 + k as u64, 1 + 1000 * k), None, &[]);
            f += 1;
            e.on_send(&data(f, 20 + k as u64, seq, 1000), 0);
            seq += 1000;
        }
        let s = e.cwnd_series();
        assert!(s.len() >= 20);
        assert!(s.iter().skip(1).all(|p| p.value == 10_000.0), "{s:?}");
        assert_eq!(e.cwnd_at(at(25)), Some(10_000.0));
    }

    /// Dup ACKs with SACK, then a retransmission: fast recovery, the SACKed
    /// bytes and the hole leave the pipe, and recovery ends at the recovery point.
    #[test]
    fn sack_hole_and_fast_recovery() {
        let mut e = CwndEstimator::default();
        for i in 0..10u32 {
            e.on_send(&data(u64::from(i) + 1, 0, 1 + 1000 * i, 1000), 0);
        }
        // Segment 1..1001 lost; three dup ACKs SACK 1001..4001.
        for k in 0..3u32 {
            e.on_ack(
                &ack(20 + u64::from(k), 20, 1),
                None,
                &[(1001, 2001 + 1000 * k)],
            );
        }
        assert_eq!(e.phase(), Phase::SlowStart);
        e.on_send(&data(30, 21, 1, 1000), analysis::FAST_RETRANSMISSION);
        assert_eq!(e.phase(), Phase::FastRecovery);
        // Pipe: 4001..10001 above the highest SACK, plus the retransmission.
        assert_eq!(e.pipe(), 7000.0);
        e.on_ack(&ack(31, 40, 10001), None, &[]);
        assert_eq!(e.phase(), Phase::CongestionAvoidance);
        assert_eq!(e.phases().len(), 2);
        assert_eq!(e.losses().len(), 1);
        assert_eq!(e.phases()[0].cause, PhaseCause::DupAcks);
    }

    #[test]
    fn silence_before_a_retransmission_is_a_timeout() {
        let mut e = CwndEstimator::default();
        for i in 0..4u32 {
            e.on_send(&data(u64::from(i) + 1, 0, 1 + 1000 * i, 1000), 0);
        }
        e.on_send(&data(5, 600, 1, 1000), analysis::RETRANSMISSION);
        assert_eq!(e.phase(), Phase::RtoRecovery);
        // Everything outstanding is lost: only the retransmission is in flight.
        assert_eq!(e.pipe(), 1000.0);
        assert!(e.losses()[0].timeout);
    }
}
