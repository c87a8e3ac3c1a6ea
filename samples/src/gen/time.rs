//! Simulated time: nanoseconds since the start of the capture.

pub const US: u64 = 1_000;
pub const MS: u64 = 1_000_000;
pub const SEC: u64 = 1_000_000_000;

/// Wall-clock time of the first packet: 2026-03-14 09:00:00 UTC, a weekday
/// morning, so the timestamps read like an ordinary office capture.
pub const START_EPOCH_SECS: i64 = 1_773_478_800;

/// The capture timestamp of simulated time `t`.
pub fn timestamp(t: u64) -> wirelens_dissect::Timestamp {
    wirelens_dissect::Timestamp::new(START_EPOCH_SECS + (t / SEC) as i64, t % SEC)
}
