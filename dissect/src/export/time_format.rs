//! The time column of the packet list in each of tshark's `-t` formats.

use std::fmt::Write as _;

use crate::frame::{civil_from_days, FrameMeta};
use crate::model::Timestamp;

/// How the time column reads (tshark's `-t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `r`: seconds since the first frame.
    #[default]
    Relative,
    /// `d`: seconds since the previous captured frame.
    Delta,
    /// `dd`: seconds since the previous displayed frame.
    DeltaDisplayed,
    /// `e`: seconds since the Unix epoch.
    Epoch,
    /// `a`, `ad`, `adoy`: the local time of day.
    Local(DateStyle),
    /// `u`, `ud`, `udoy`: the time of day in UTC.
    Utc(DateStyle),
}

/// What comes before the time of day in the absolute formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// `16:42:06.869344`
    TimeOnly,
    /// `2013-03-07 16:42:06.869344`
    Date,
    /// `2013/066 16:42:06.869344`
    DayOfYear,
}

impl TimeFormat {
    /// The format tshark's `-t` names `name`.
    pub fn parse(name: &str) -> Option<Self> {
        use DateStyle::*;
        Some(match name {
            "r" => TimeFormat::Relative,
            "d" => TimeFormat::Delta,
            "dd" => TimeFormat::DeltaDisplayed,
            "e" => TimeFormat::Epoch,
            "a" => TimeFormat::Local(TimeOnly),
            "ad" => TimeFormat::Local(Date),
            "adoy" => TimeFormat::Local(DayOfYear),
            "u" => TimeFormat::Utc(TimeOnly),
            "ud" => TimeFormat::Utc(Date),
            "udoy" => TimeFormat::Utc(DayOfYear),
            _ => return None,
        })
    }

    /// Whether the column needs the local time zone's offset.
    pub fn is_local(self) -> bool {
        matches!(self, TimeFormat::Local(_))
    }
}

/// The times a frame's column is measured from.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameClock {
    pub first: Timestamp,
    pub prev_captured: Timestamp,
    pub prev_displayed: Timestamp,
    /// Seconds east of UTC of the local time zone at this frame's time (for
    /// [`TimeFormat::Local`]; the caller looks it up, so this crate needs no
    /// time zone database).
    pub local_offset: i32,
}

/// Writes the time column of the frame `meta` describes, to the precision
/// of its timestamps; nothing for a record without a time.
pub fn write_time(out: &mut String, format: TimeFormat, meta: &FrameMeta<'_>, clock: &FrameClock) {
    if !meta.has_ts {
        return;
    }
    let digits = meta.ts_digits;
    let ts = meta.ts;
    match format {
        TimeFormat::Relative => ts.since(clock.first).write_with_digits(out, digits),
        TimeFormat::Delta => ts.since(clock.prev_captured).write_with_digits(out, digits),
        TimeFormat::DeltaDisplayed => ts
            .since(clock.prev_displayed)
            .write_with_digits(out, digits),
        TimeFormat::Epoch => ts
            .since(Timestamp::default())
            .write_with_digits(out, digits),
        TimeFormat::Local(style) => {
            let shifted = Timestamp {
                secs: ts.secs.saturating_add(clock.local_offset as i64),
                ..ts
            };
            write_civil(out, shifted, style, digits);
        }
        TimeFormat::Utc(style) => write_civil(out, ts, style, digits),
    }
}

/// `2013-03-07 21:42:06.869344` (or its day-of-year or time-only form).
fn write_civil(out: &mut String, ts: Timestamp, style: DateStyle, digits: u8) {
    let days = ts.secs.div_euclid(86_400);
    let secs_of_day = ts.secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let _ = match style {
        DateStyle::TimeOnly => Ok(()),
        DateStyle::Date => write!(out, "{y:04}-{m:02}-{d:02} "),
        DateStyle::DayOfYear => {
            let jan1 = days_from_civil(y, 1, 1);
            write!(out, "{y:04}/{:03} ", days - jan1 + 1)
        }
    };
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60
    );
    let digits = digits.min(9) as u32;
    if digits > 0 {
        let fraction = ts.nanos / 10u32.pow(9 - digits);
        let _ = write!(out, ".{fraction:0width$}", width = digits as usize);
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, the
/// inverse of [`civil_from_days`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkType;

    /// Frame 1 of mixed/http_get.pcap: 1362692526.869344 (microseconds).
    fn meta() -> FrameMeta<'static> {
        FrameMeta {
            ts_digits: 6,
            ..FrameMeta::new(
                1,
                Timestamp::new(1_362_692_526, 869_344_000),
                78,
                LinkType::ETHERNET,
            )
        }
    }

    fn text(format: &str, clock: FrameClock) -> String {
        let mut s = String::new();
        write_time(
            &mut s,
            TimeFormat::parse(format).expect("format"),
            &meta(),
            &clock,
        );
        s
    }

    /// What tshark 4.0 prints for that frame with `-t` (and TZ=America/New_York
    /// for the local ones, five hours west of UTC on that date).
    #[test]
    fn every_format_reads_as_tshark_prints_it() {
        let first = Timestamp::new(1_362_692_526, 800_000_000);
        let clock = FrameClock {
            first,
            prev_captured: Timestamp::new(1_362_692_526, 860_000_000),
            prev_displayed: Timestamp::new(1_362_692_526, 769_344_000),
            local_offset: -5 * 3600,
        };
        assert_eq!(text("r", clock), "0.069344");
        assert_eq!(text("d", clock), "0.009344");
        assert_eq!(text("dd", clock), "0.100000");
        assert_eq!(text("e", clock), "1362692526.869344");
        assert_eq!(text("a", clock), "16:42:06.869344");
        assert_eq!(text("ad", clock), "2013-03-07 16:42:06.869344");
        assert_eq!(text("adoy", clock), "2013/066 16:42:06.869344");
        assert_eq!(text("u", clock), "21:42:06.869344");
        assert_eq!(text("ud", clock), "2013-03-07 21:42:06.869344");
        assert_eq!(text("udoy", clock), "2013/066 21:42:06.869344");
        assert_eq!(TimeFormat::parse("x"), None);
    }

    #[test]
    fn days_from_civil_inverts_civil_from_days() {
        for days in [-800_000, -1, 0, 59, 365, 15_771, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }
}
