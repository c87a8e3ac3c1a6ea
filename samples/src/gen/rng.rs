//! A small, portable pseudo-random generator.
//!
//! The generator promises the same bytes for the same seed on every machine,
//! so it cannot depend on a crate whose stream may change between versions,
//! nor on the platform's `libm`, whose `ln` may differ in the last bit. It
//! uses xoshiro256** seeded through SplitMix64 and derives every distribution
//! from integer and basic IEEE arithmetic only.

/// xoshiro256** (Blackman and Vigna), seeded by SplitMix64.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    /// A new generator for a sub-stream (one flow), so that a flow's content
    /// does not depend on how its packets interleave with other flows.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    pub fn next_u16(&mut self) -> u16 {
        (self.next_u64() >> 48) as u16
    }

    pub fn next_u8(&mut self) -> u8 {
        (self.next_u64() >> 56) as u8
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32
    /// for every `n` used here). `n == 0` yields 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        debug_assert!(lo <= hi);
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks an index with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Exponentially distributed with the given mean: the gaps between
    /// independent arrivals (new DNS lookups, pings, ARP requests).
    pub fn exp(&mut self, mean: u64) -> u64 {
        // 1 - unit() lies in (0, 1], so the logarithm is finite.
        let x = -ln(1.0 - self.unit()) * mean as f64;
        x.min(u64::MAX as f64 / 2.0) as u64
    }

    /// Log-uniform in `[lo, hi]`: as many values in 1..10 as in 10..100.
    /// Sizes and delays on real networks spread over orders of magnitude.
    pub fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        debug_assert!(0 < lo && lo <= hi);
        let (a, b) = (ln(lo as f64), ln(hi as f64));
        let x = exp(a + (b - a) * self.unit());
        (x as u64).clamp(lo, hi)
    }

    /// `base` moved by up to `percent` percent either way.
    pub fn jitter(&mut self, base: u64, percent: u64) -> u64 {
        let spread = base * percent / 100;
        base - spread + self.below(2 * spread + 1)
    }
}

/// Natural logarithm from basic arithmetic only (see the module notes).
/// Accurate to about 1e-12 for positive finite input.
fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    const LN2: f64 = std::f64::consts::LN_2;
    // Split x into m * 2^e with m in [1, 2): exact, by the bits. Subnormals
    // never reach here (inputs are at least 2^-53).
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    // ln m = 2 atanh(s) with s = (m - 1) / (m + 1) in [0, 1/3).
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 40.0 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    e as f64 * LN2 + 2.0 * sum
}

/// e^x from basic arithmetic only, for the modest range used here.
fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    // e^x = 2^k * e^r with |r| <= ln2/2; the series for e^r converges fast.
    let k = (x / LN2).round();
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1.0;
    while n < 24.0 {
        term *= r / n;
        sum += term;
        n += 1.0;
    }
    sum * 2f64.powi(k as i32)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn ln_and_exp_match_std() {
        for &x in &[1e-9, 0.001, 0.5, 1.0, 1.5, 2.0, 10.0, 1234.5, 3e9] {
            assert!((ln(x) - x.ln()).abs() < 1e-10, "ln({x})");
        }
        for &x in &[-20.0, -1.0, 0.0, 0.3, 1.0, 5.0, 21.0] {
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-12, "exp({x})");
        }
    }

    #[test]
    fn distributions_stay_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            assert!(r.below(10) < 10);
            let v = r.between(5, 9);
            assert!((5..=9).contains(&v));
            let l = r.log_uniform(100, 100_000);
            assert!((100..=100_000).contains(&l));
            let j = r.jitter(1000, 10);
            assert!((900..=1100).contains(&j));
        }
        let mean = (0..20_000).map(|_| r.exp(1000)).sum::<u64>() / 20_000;
        assert!((900..1100).contains(&mean), "exp mean {mean}");
    }
}
