//! Capture timestamps.

use std::fmt;

/// A capture timestamp: seconds since the Unix epoch plus nanoseconds.
///
/// Kept as integers so that nanosecond pcap files round-trip exactly; a
/// float would lose the last digits of a 2020s epoch time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    /// Always below 1_000_000_000 once normalised by [`Timestamp::new`].
    pub nanos: u32,
}

impl Timestamp {
    /// Builds a timestamp, carrying a nanosecond part of one second or more
    /// into the seconds (some writers store `tv_usec >= 1e6`).
    pub fn new(secs: i64, nanos: u64) -> Self {
        let carry = (nanos / 1_000_000_000) as i64;
        Timestamp {
            secs: secs.saturating_add(carry),
            nanos: (nanos % 1_000_000_000) as u32,
        }
    }

    /// Nanoseconds since the epoch, saturating.
    pub fn as_nanos(self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }

    /// Seconds since the epoch as a float, for plots and series.
    pub fn as_secs_f64(self) -> f64 {
        self.secs as f64 + self.nanos as f64 / 1e9
    }

    /// `self - earlier` as a signed duration, in the same representation.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration(self.as_nanos() - earlier.as_nanos())
    }
}

/// Formats as tshark prints `frame.time_epoch`: `1362692526.869344000`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

/// A signed time difference in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i128);

impl Duration {
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

/// Formats as tshark prints relative times: `0.069740000`, `-0.000001000`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:09}",
            abs / 1_000_000_000,
            abs % 1_000_000_000
        )
    }
}

impl Duration {
    /// Seconds with `digits` decimal places (at most 9), cut rather than
    /// rounded, as tshark prints a time to the precision the capture's
    /// timestamps have: `0.000036` for a microsecond file.
    pub fn write_with_digits(self, out: &mut String, digits: u8) {
        use std::fmt::Write as _;
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let _ = write!(out, "{sign}{}", abs / 1_000_000_000);
        let digits = digits.min(9) as u32;
        if digits > 0 {
            let fraction = (abs % 1_000_000_000) / 10u128.pow(9 - digits);
            let _ = write!(out, ".{fraction:0width$}", width = digits as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_is_written_to_the_digits_asked() {
        let text = |d: Duration, digits: u8| {
            let mut s = String::new();
            d.write_with_digits(&mut s, digits);
            s
        };
        assert_eq!(text(Duration(3_951_000), 6), "0.003951");
        assert_eq!(text(Duration(3_951_789), 6), "0.003951");
        assert_eq!(text(Duration(12_000_000_001), 9), "12.000000001");
        assert_eq!(text(Duration(-36_000), 6), "-0.000036");
        assert_eq!(text(Duration(1_500_000_000), 0), "1");
    }

    #[test]
    fn carries_oversized_fraction() {
        let t = Timestamp::new(10, 1_500_000_000);
        assert_eq!(
            t,
            Timestamp {
                secs: 11,
                nanos: 500_000_000
            }
        );
        assert_eq!(t.to_string(), "11.500000000");
    }

    #[test]
    fn duration_formats_sign() {
        let a = Timestamp::new(5, 0);
        let b = Timestamp::new(4, 999_999_000);
        assert_eq!(a.since(b).to_string(), "0.000001000");
        assert_eq!(b.since(a).to_string(), "-0.000001000");
    }
}
