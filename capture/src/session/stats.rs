//! Statistics the session keeps current while it loads: protocol hierarchy
//! (from per-shape counts), expert-info summary, and the IO rate series
//! (computed from the index for any interval).
//!
//! Conversations and endpoints come from the dissector's own tables
//! (`flow::conv::ConvStats`), which the loading pass fills.

use std::hash::{Hash, Hasher};

use wirelens_dissect::model::{Group, Severity};
use wirelens_dissect::Packet;

use super::index::IndexSnapshot;
use super::intern::{FxHasher, FxMap, Shape};

/// Frames and bytes counted for one shape id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub frames: u64,
    pub bytes: u64,
}

/// One node of the protocol hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhsNode {
    pub proto: &'static str,
    pub frames: u64,
    pub bytes: u64,
    pub children: Vec<PhsNode>,
}

/// Builds tshark's protocol hierarchy (`-z io,phs`) from per-shape counts.
/// Shapes are visited in order of first appearance, so siblings come in the
/// order their first packet came, as tshark adds them.
pub fn hierarchy<'a>(shapes: impl Iterator<Item = (&'a Shape, Count)>) -> Vec<PhsNode> {
    let mut roots: Vec<PhsNode> = Vec::new();
    for (shape, count) in shapes {
        let mut level = &mut roots;
        for proto in &shape.layers {
            let i = match level.iter().position(|n| n.proto == *proto) {
                Some(i) => i,
                None => {
                    level.push(PhsNode {
                        proto,
                        frames: 0,
                        bytes: 0,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            let node = &mut level[i];
            node.frames += count.frames;
            node.bytes += count.bytes;
            level = &mut node.children;
        }
    }
    roots
}

/// Writes the hierarchy as `tshark -q -z io,phs` (4.0) prints it.
pub fn write_hierarchy(out: &mut impl std::io::Write, roots: &[PhsNode]) -> std::io::Result<()> {
    fn draw(out: &mut impl std::io::Write, nodes: &[PhsNode], depth: usize) -> std::io::Result<()> {
        for n in nodes {
            let mut label = String::new();
            for i in 0..depth {
                if i > 15 {
                    label.push_str("...");
                    break;
                }
                label.push_str("  ");
            }
            label.push_str(n.proto);
            label.truncate(79);
            writeln!(out, "{label:<40} frames:{} bytes:{}", n.frames, n.bytes)?;
            draw(out, &n.children, depth + 1)?;
        }
        Ok(())
    }
    writeln!(out)?;
    writeln!(
        out,
        "==================================================================="
    )?;
    writeln!(out, "Protocol Hierarchy Statistics")?;
    writeln!(out, "Filter: ")?;
    writeln!(out)?;
    draw(out, roots, 0)?;
    writeln!(
        out,
        "==================================================================="
    )
}

/// One row of the expert summary: items with the same severity, group,
/// protocol and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpertRow {
    pub severity: Severity,
    pub group: Group,
    /// The Protocol column's name of the layer that raised it.
    pub protocol: &'static str,
    pub message: String,
    pub count: u64,
}

/// tshark's `-z expert` table, bounded: past `limit` distinct rows, new
/// messages are counted in `overflow` by severity only.
#[derive(Debug, Default)]
pub struct ExpertSummary {
    rows: Vec<ExpertRow>,
    /// Row indices by a hash of (severity, group, protocol, message), so a
    /// packet's items are counted without allocating.
    keys: FxMap<u64, Vec<usize>>,
    limit: usize,
    /// Items whose row did not fit, by severity (chat, note, warning, error).
    pub overflow: [u64; 4],
}

impl ExpertSummary {
    pub fn new(limit: usize) -> Self {
        ExpertSummary {
            limit,
            ..Default::default()
        }
    }

    /// Counts the expert items of a dissected packet.
    pub fn add(&mut self, pkt: &Packet) {
        for e in &pkt.experts {
            let protocol = pkt
                .layers
                .get(e.layer as usize)
                .map_or("", |l| l.proto.short);
            let mut h = FxHasher::default();
            (e.severity, e.group, protocol, e.message.as_ref()).hash(&mut h);
            let slot = self.keys.entry(h.finish()).or_default();
            let found = slot.iter().copied().find(|&i| {
                let r = &self.rows[i];
                r.severity == e.severity
                    && r.group == e.group
                    && r.protocol == protocol
                    && r.message == e.message.as_ref()
            });
            if let Some(i) = found {
                self.rows[i].count += 1;
                continue;
            }
            if self.rows.len() >= self.limit {
                self.overflow[severity_index(e.severity)] += 1;
                continue;
            }
            slot.push(self.rows.len());
            self.rows.push(ExpertRow {
                severity: e.severity,
                group: e.group,
                protocol,
                message: e.message.to_string(),
                count: 1,
            });
        }
    }

    /// Rows in order of first appearance.
    pub fn rows(&self) -> &[ExpertRow] {
        &self.rows
    }

    /// Writes the table as `tshark -q -z expert` prints it: errors, warnings,
    /// notes, chats, each with its total.
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for (sev, title) in [
            (Severity::Error, "Errors"),
            (Severity::Warn, "Warns"),
            (Severity::Note, "Notes"),
            (Severity::Chat, "Chats"),
        ] {
            let rows: Vec<&ExpertRow> = self.rows.iter().filter(|r| r.severity == sev).collect();
            let over = self.overflow[severity_index(sev)];
            let total: u64 = rows.iter().map(|r| r.count).sum::<u64>() + over;
            if total == 0 {
                continue;
            }
            writeln!(out)?;
            writeln!(out, "{title} ({total})")?;
            writeln!(out, "=============")?;
            writeln!(
                out,
                "{:>12} {:>10} {:>18}  Summary",
                "Frequency", "Group", "Protocol"
            )?;
            for r in rows {
                writeln!(
                    out,
                    "{:>12} {:>10} {:>18}  {}",
                    r.count,
                    r.group.name(),
                    r.protocol,
                    r.message
                )?;
            }
            if over > 0 {
                writeln!(
                    out,
                    "{over:>12} {:>10} {:>18}  (other messages: the table is full)",
                    "", ""
                )?;
            }
        }
        Ok(())
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Chat => 0,
        Severity::Note => 1,
        Severity::Warn => 2,
        Severity::Error => 3,
    }
}

/// The index flag value for a packet's worst expert severity.
pub fn severity_flag(pkt: &Packet) -> u16 {
    pkt.worst_severity()
        .map_or(0, |s| severity_index(s) as u16 + 1)
}

/// Packets and bytes per interval, from the index: interval `i` covers
/// `[first + i * interval, first + (i + 1) * interval)`, relative to the
/// first packet's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoSeries {
    pub interval_ns: u64,
    /// Time of the last packet relative to the first, in nanoseconds.
    pub duration_ns: i128,
    pub frames: Vec<u64>,
    pub bytes: Vec<u64>,
}

/// Upper bound on the buckets of one series, so an interval far shorter than
/// the capture cannot allocate or print without bound: the interval is
/// widened. A hundred thousand rows is more than a table or a plot can show;
/// a timestamp years away from the rest (a damaged record) would otherwise
/// ask for billions.
pub const MAX_IO_BUCKETS: u64 = 100_000;

pub fn io_series(index: &IndexSnapshot, interval_ns: u64) -> IoSeries {
    let first = index.get(1).map(|e| e.ts().as_nanos()).unwrap_or(0);
    let last = index
        .iter()
        .map(|(_, e)| e.ts().as_nanos())
        .max()
        .unwrap_or(first);
    let span = (last - first).max(0) as u128;
    let mut interval = interval_ns.max(1);
    if span / interval as u128 >= MAX_IO_BUCKETS as u128 {
        // A whole multiple of the asked interval, so the rows still start
        // on its grid.
        let factor = span / (interval as u128 * (MAX_IO_BUCKETS as u128 - 1)) + 1;
        interval = u64::try_from(interval as u128 * factor).unwrap_or(u64::MAX);
    }
    let n = (span / interval as u128) as usize + 1;
    let mut frames = vec![0u64; n];
    let mut bytes = vec![0u64; n];
    for (_, e) in index.iter() {
        let rel = e.ts().as_nanos() - first;
        // tshark counts packets before the first one's time in the first interval.
        let i = if rel < 0 {
            0
        } else {
            (rel as u128 / interval as u128) as usize
        };
        if let (Some(f), Some(b)) = (frames.get_mut(i), bytes.get_mut(i)) {
            *f += 1;
            *b += e.orig_len as u64;
        }
    }
    IoSeries {
        interval_ns: interval,
        duration_ns: last - first,
        frames,
        bytes,
    }
}

/// Summary of a latency sample set: min, median, 95th percentile, max.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Distribution {
    pub count: usize,
    pub min: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

/// The latencies of one kind seen while loading (see
/// [`wirelens_dissect::model::LatencyKind`]): count, minimum and maximum
/// exact; the median and 95th percentile exact while at most `capacity`
/// samples came, and from a uniform sample of that many afterwards
/// (reservoir sampling with a fixed seed, so a file always gives the same
/// answer). Memory: 8 bytes per kept sample.
#[derive(Clone, Debug)]
pub struct LatencySamples {
    pub count: u64,
    min: f64,
    max: f64,
    kept: Vec<f64>,
    capacity: usize,
    rng: u64,
}

impl LatencySamples {
    pub fn new(capacity: usize) -> Self {
        LatencySamples {
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            kept: Vec::new(),
            capacity: capacity.max(1),
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Adds one sample, in seconds.
    pub fn add(&mut self, secs: f64) {
        self.min = self.min.min(secs);
        self.max = self.max.max(secs);
        let seen = self.count;
        self.count += 1;
        if self.kept.len() < self.capacity {
            self.kept.push(secs);
            return;
        }
        // Algorithm R: the new sample replaces a kept one with probability
        // capacity / count, which keeps every sample equally likely to be kept.
        let j = self.next_random() % (seen + 1);
        if let Some(slot) = self.kept.get_mut(j as usize) {
            *slot = secs;
        }
    }

    /// Whether the percentiles come from every sample.
    pub fn is_exact(&self) -> bool {
        self.count as usize <= self.capacity
    }

    pub fn distribution(&self) -> Option<Distribution> {
        let mut kept = self.kept.clone();
        let d = distribution(&mut kept)?;
        Some(Distribution {
            count: self.count as usize,
            min: self.min,
            max: self.max,
            ..d
        })
    }

    /// xorshift64*: enough to pick reservoir slots.
    fn next_random(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Nearest-rank percentiles of `samples` (seconds); `None` when empty.
pub fn distribution(samples: &mut [f64]) -> Option<Distribution> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let r = (p * samples.len() as f64).ceil() as usize;
        samples[r.clamp(1, samples.len()) - 1]
    };
    Some(Distribution {
        count: samples.len(),
        min: samples[0],
        median: rank(0.5),
        p95: rank(0.95),
        max: samples[samples.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(layers: &[&'static str]) -> Shape {
        Shape {
            layers: layers.to_vec(),
            ..Shape::default()
        }
    }

    #[test]
    fn latency_samples_are_exact_until_full_then_a_fair_sample() {
        let mut s = LatencySamples::new(1000);
        for i in (1..=1000).rev() {
            s.add(f64::from(i));
        }
        assert!(s.is_exact());
        let d = s.distribution().expect("samples");
        assert_eq!(
            (d.count, d.min, d.median, d.p95, d.max),
            (1000, 1.0, 500.0, 950.0, 1000.0)
        );
        // 100,000 uniform samples through a 1,000-slot reservoir: the
        // estimates stay near the true percentiles, count/min/max exact.
        let mut s = LatencySamples::new(1000);
        for i in 0..100_000u32 {
            s.add(f64::from((i * 7919) % 100_000));
        }
        let d = s.distribution().expect("samples");
        assert!(!s.is_exact());
        assert_eq!((d.count, d.min, d.max), (100_000, 0.0, 99_999.0));
        assert!((d.median - 50_000.0).abs() < 5_000.0, "{}", d.median);
        assert!((d.p95 - 95_000.0).abs() < 3_000.0, "{}", d.p95);
    }

    #[test]
    fn hierarchy_merges_prefixes_in_first_seen_order() {
        let a = shape(&["eth", "ip", "tcp"]);
        let b = shape(&["eth", "ip", "udp", "dns"]);
        let c = shape(&["eth", "arp"]);
        let counts = [
            (
                &a,
                Count {
                    frames: 2,
                    bytes: 200,
                },
            ),
            (
                &b,
                Count {
                    frames: 1,
                    bytes: 90,
                },
            ),
            (
                &c,
                Count {
                    frames: 1,
                    bytes: 60,
                },
            ),
        ];
        let roots = hierarchy(counts.into_iter());
        let mut out = Vec::new();
        write_hierarchy(&mut out, &roots).unwrap_or_default();
        let text = String::from_utf8(out).unwrap_or_default();
        let want = "\n===================================================================\nProtocol Hierarchy Statistics\nFilter: \n\n\
eth                                      frames:4 bytes:350\n  \
ip                                     frames:3 bytes:290\n    \
tcp                                  frames:2 bytes:200\n    \
udp                                  frames:1 bytes:90\n      \
dns                                frames:1 bytes:90\n  \
arp                                    frames:1 bytes:60\n\
===================================================================\n";
        assert_eq!(text, want);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut s: Vec<f64> = (1..=100).map(f64::from).collect();
        let d = distribution(&mut s);
        assert_eq!(
            d.map(|d| (d.min, d.median, d.p95, d.max)),
            Some((1.0, 50.0, 95.0, 100.0))
        );
        assert_eq!(distribution(&mut []), None);
    }
}
