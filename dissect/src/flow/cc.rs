//! Which congestion control does a sender use? Judged from the shape of its
//! estimated window (see `cwnd.rs`) around losses:
//!
//! - the multiplicative decrease β = window after recovery / window before the
//!   loss: Reno halves (β ≈ 0.5), CUBIC keeps 70% (β ≈ 0.7), BBR does not
//!   back off on random loss at all (β ≈ 1: it is loss-insensitive);
//! - the growth between losses: Reno adds one segment per round trip (a line),
//!   CUBIC follows `W(t) = C·(t−K)³ + Wmax` with `K = ∛(Wmax·(1−β)/C)`, fitted
//!   here per loss epoch (C in segments/s³; Linux uses 0.4).
//!
//! Without losses there is nothing to judge by and the answer is `Unknown`.

use super::cwnd::{CwndEstimator, LossEpisode};

/// Loss epochs needed for full confidence.
const EPOCHS_FOR_FULL_CONFIDENCE: f64 = 5.0;
/// Points of an epoch needed to fit a curve to it.
const MIN_FIT_POINTS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CcAlgorithm {
    Reno,
    Cubic,
    Bbr,
    Unknown,
}

impl CcAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            CcAlgorithm::Reno => "reno",
            CcAlgorithm::Cubic => "cubic",
            CcAlgorithm::Bbr => "bbr",
            CcAlgorithm::Unknown => "unknown",
        }
    }
}

/// The classifier's answer and the numbers behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CcGuess {
    pub algorithm: CcAlgorithm,
    /// 0 to 1.
    pub confidence: f64,
    /// Loss epochs (fast or timeout recoveries) the answer rests on.
    pub loss_epochs: usize,
    /// Median multiplicative decrease.
    pub beta: Option<f64>,
    /// Median fitted CUBIC constant C (segments/s³).
    pub cubic_c: Option<f64>,
    /// Median window before a loss (bytes).
    pub w_max: Option<f64>,
    /// Share of epochs the cubic curve fits better than a line.
    pub cubic_fit_share: Option<f64>,
}

/// Classifies one sender.
pub fn classify(est: &CwndEstimator) -> CcGuess {
    let mss = f64::from(est.mss().max(1));
    let episodes: Vec<&LossEpisode> = est
        .losses()
        .iter()
        .filter(|e| !e.timeout && e.w_max > 0.0 && e.w_after.is_some())
        .collect();
    let mut betas: Vec<f64> = episodes
        .iter()
        .filter_map(|e| e.w_after.map(|a| a / e.w_max))
        .collect();
    let mut guess = CcGuess {
        algorithm: CcAlgorithm::Unknown,
        confidence: 0.0,
        loss_epochs: episodes.len(),
        beta: median(&mut betas),
        cubic_c: None,
        w_max: median(&mut episodes.iter().map(|e| e.w_max).collect::<Vec<_>>()),
        cubic_fit_share: None,
    };
    let Some(beta) = guess.beta else {
        return guess;
    };

    let series = est.cwnd_series();
    let mut cs = Vec::new();
    let (mut cubic_better, mut fitted) = (0usize, 0usize);
    let all = est.losses();
    for (i, ep) in all.iter().enumerate() {
        let (Some(rec), Some(after)) = (ep.recovered, ep.w_after) else {
            continue;
        };
        let end = all.get(i + 1).map(|n| n.ts);
        let pts: Vec<(f64, f64)> = series
            .iter()
            .filter(|p| p.ts >= rec && end.is_none_or(|e| p.ts < e))
            .map(|p| (p.ts.since(ep.ts).as_secs_f64(), p.value / mss))
            .collect();
        if pts.len() < MIN_FIT_POINTS || ep.w_max <= 0.0 {
            continue;
        }
        let w_max = ep.w_max / mss;
        let b = (after / ep.w_max).clamp(0.05, 0.99);
        let (c, cubic_err) = fit_cubic(&pts, w_max, b);
        let line_err = fit_line(&pts);
        fitted += 1;
        if cubic_err < line_err {
            cubic_better += 1;
        }
        cs.push(c);
    }
    guess.cubic_c = median(&mut cs);
    let fit_share = (fitted > 0).then(|| cubic_better as f64 / fitted as f64);
    guess.cubic_fit_share = fit_share;

    let in_range = |lo: f64, hi: f64| {
        betas.iter().filter(|b| (lo..hi).contains(*b)).count() as f64 / betas.len() as f64
    };
    let (algorithm, agreement) = if beta >= 0.85 {
        (CcAlgorithm::Bbr, in_range(0.85, f64::INFINITY))
    } else if beta >= 0.6 {
        (CcAlgorithm::Cubic, in_range(0.6, 0.85))
    } else if fit_share.is_some_and(|s| s > 0.6) && beta >= 0.45 {
        // Between the two: the shape of the growth decides.
        (CcAlgorithm::Cubic, in_range(0.45, 0.85))
    } else {
        (CcAlgorithm::Reno, in_range(0.0, 0.6))
    };
    let weight = (episodes.len() as f64 / EPOCHS_FOR_FULL_CONFIDENCE).min(1.0);
    guess.algorithm = algorithm;
    guess.confidence = (agreement * weight).clamp(0.0, 1.0);
    guess
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Least-squares C of `W(t) = C·(t−K)³ + Wmax`, K = ∛(Wmax(1−β)/C), by a
/// search over C on a log grid; returns C and the RMS error (segments).
fn fit_cubic(pts: &[(f64, f64)], w_max: f64, beta: f64) -> (f64, f64) {
    let mut best = (0.0, f64::INFINITY);
    for i in 0..=80 {
        let c = 10f64.powf(-3.0 + 5.0 * f64::from(i) / 80.0);
        let k = (w_max * (1.0 - beta) / c).cbrt();
        let err = rms(pts, |t| c * (t - k).powi(3) + w_max);
        if err < best.1 {
            best = (c, err);
        }
    }
    best
}

/// RMS error of the least-squares line through the points.
fn fit_line(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
    let (mx, my) = (sx / n, sy / n);
    let (sxy, sxx) = pts.iter().fold((0.0, 0.0), |(a, b), p| {
        (a + (p.0 - mx) * (p.1 - my), b + (p.0 - mx) * (p.0 - mx))
    });
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    rms(pts, |t| my + slope * (t - mx))
}

fn rms(pts: &[(f64, f64)], f: impl Fn(f64) -> f64) -> f64 {
    let sum: f64 = pts.iter().map(|&(t, w)| (f(t) - w).powi(2)).sum();
    (sum / pts.len().max(1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_fit_recovers_its_constant() {
        let (c, w_max, beta): (f64, f64, f64) = (0.4, 100.0, 0.7);
        let k: f64 = (w_max * (1.0 - beta) / c).cbrt();
        let pts: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let t = f64::from(i) * 0.1;
                (t, c * (t - k).powi(3) + w_max)
            })
            .collect();
        let (fc, err) = fit_cubic(&pts, w_max, beta);
        assert!((fc - c).abs() / c < 0.1, "{fc}");
        assert!(err < 1.0);
        assert!(fit_line(&pts) > err);
    }

    #[test]
    fn median_of_nothing_is_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn no_losses_means_unknown() {
        let g = classify(&CwndEstimator::default());
        assert_eq!(g.algorithm, CcAlgorithm::Unknown);
        assert_eq!(g.confidence, 0.0);
    }
}
