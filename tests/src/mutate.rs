//! Deterministic random mutation of seed inputs: the stable-toolchain
//! stand-in for the fuzz targets (`fuzz/`), bounded in cases so it runs in
//! the normal test suite. Each run mutates the same seeds the same way; a
//! failing case is written to a file so it can be replayed and turned into a
//! unit test.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// A small, fast, seeded generator (xorshift64*): the same seed gives the
/// same cases on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Values that often sit on a boundary of a length or type field.
const INTERESTING: [u8; 10] = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 4, 8, 0x40];

/// Mutates `input` in place with one to four edits: bit flips, boundary
/// bytes, 16-bit length changes, truncation, duplication, insertion,
/// deletion and splicing with `other`.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 if len > 1 => {
                let i = rng.below(len - 1);
                let v = match rng.below(4) {
                    0 => 0u16,
                    1 => 0xffff,
                    2 => u16::from_be_bytes([input[i], input[i + 1]]).wrapping_add(1),
                    _ => rng.next_u64() as u16,
                };
                input[i..i + 2].copy_from_slice(&v.to_be_bytes());
            }
            3 if len > 0 => input.truncate(rng.below(len)),
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let piece = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, piece);
            }
            5 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                input.splice(at..at, bytes);
            }
            6 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(32)).min(len);
                input.drain(a..b);
            }
            7 if !other.is_empty() => {
                let at = rng.below(len + 1);
                let from = rng.below(other.len());
                let to = (from + 1 + rng.below(256)).min(other.len());
                input.truncate(at);
                input.extend_from_slice(&other[from..to]);
            }
            _ if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next_u64() as u8;
            }
            _ => input.push(rng.next_u64() as u8),
        }
    }
}

/// Runs `run` on `cases` mutations of randomly chosen seeds (the seeds as
/// they are run in the corpus tests). A panic is reported with the target name, the case and the
/// file its input was saved to (under the cargo target directory), then
/// re-raised.
pub fn check(target: &str, seeds: &[Vec<u8>], cases: usize, seed: u64, run: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{target}: no seeds found in the corpus");
    let mut rng = Rng::new(seed);
    let guard = |case: usize, input: &[u8]| {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| run(input))) {
            let path = save_failure(target, case, input);
            eprintln!(
                "{target}: case {case} panicked; its input is in {} (replay it with the fuzz target or a unit test)",
                path.display()
            );
            resume_unwind(panic);
        }
    };
    for case in 0..cases {
        let mut input = seeds[rng.below(seeds.len())].clone();
        let other = &seeds[rng.below(seeds.len())];
        mutate(&mut rng, &mut input, other);
        guard(case, &input);
    }
}

fn save_failure(target: &str, case: usize, input: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join("wirelens-robustness");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-case-{case}.bin"));
    let _ = std::fs::write(&path, input);
    path
}

/// How many mutated cases to run per target: `default`, scaled by the
/// `WIRELENS_MUTATION_SCALE` environment variable (e.g. 10 for a longer
/// local run).
pub fn cases(default: usize) -> usize {
    let scale = std::env::var("WIRELENS_MUTATION_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    (default as f64 * scale) as usize
}
