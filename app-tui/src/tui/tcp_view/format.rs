//! Numbers as the view prints them.

/// A duration in seconds with a unit that keeps three significant digits.
pub fn duration(secs: f64) -> String {
    let abs = secs.abs();
    if !abs.is_finite() {
        return "-".into();
    }
    if abs >= 1.0 {
        format!("{secs:.3} s")
    } else if abs >= 1e-3 {
        format!("{:.3} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

/// A count of bytes with a binary-free SI unit (as tshark's statistics print them).
pub fn bytes(n: f64) -> String {
    let abs = n.abs();
    if abs >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if abs >= 1e6 {
        format!("{:.2} MB", n / 1e6)
    } else if abs >= 1e4 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

/// A capture time (seconds since the first packet), with enough decimals to
/// tell apart times `span` seconds apart.
pub fn time(secs: f64, span: f64) -> String {
    let decimals = if span <= 0.0 || !span.is_finite() {
        6
    } else {
        (3.0 - span.log10().floor()).clamp(0.0, 6.0) as usize
    };
    format!("{secs:.decimals$}")
}
