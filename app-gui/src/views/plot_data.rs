//! Downsampling for plots: at most two points (the minimum and maximum) per
//! pixel column of the visible range, so a series of millions of points
//! draws as fast as one of a thousand and still shows every spike.

/// `points` (sorted by x) reduced to the min and max of each of `columns`
/// equal slices of `[xmin, xmax]`, plus the nearest point outside on each
/// side so lines run to the edges.
pub fn downsample(points: &[[f64; 2]], xmin: f64, xmax: f64, columns: usize) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns || xmax.partial_cmp(&xmin) != Some(std::cmp::Ordering::Greater) {
        return points.to_vec();
    }
    let lo = points.partition_point(|p| p[0] < xmin);
    let hi = points.partition_point(|p| p[0] <= xmax);
    let mut out = Vec::with_capacity(2 * columns + 2);
    if lo > 0 {
        out.push(points[lo - 1]);
    }
    let width = (xmax - xmin) / columns as f64;
    let mut i = lo;
    while i < hi {
        let column = ((points[i][0] - xmin) / width).floor();
        let end = xmin + (column + 1.0) * width;
        let mut min = points[i];
        let mut max = points[i];
        let mut j = i;
        while j < hi && points[j][0] < end {
            if points[j][1] < min[1] {
                min = points[j];
            }
            if points[j][1] > max[1] {
                max = points[j];
            }
            j += 1;
        }
        // Keep the pair in x order so the line does not zigzag backwards.
        if min[0] <= max[0] {
            out.push(min);
            if max != min {
                out.push(max);
            }
        } else {
            out.push(max);
            out.push(min);
        }
        i = j.max(i + 1);
    }
    if hi < points.len() {
        out.push(points[hi]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_points_become_two_per_column_and_keep_the_spike() {
        let mut points: Vec<[f64; 2]> =
            (0..1_000_000).map(|i| [i as f64, (i % 7) as f64]).collect();
        points[500_123][1] = 1e6;
        let out = downsample(&points, 0.0, 1_000_000.0, 800);
        assert!(out.len() <= 2 * 800 + 2, "{}", out.len());
        assert!(out.contains(&[500_123.0, 1e6]));
        assert!(out.windows(2).all(|w| w[0][0] <= w[1][0]));
    }

    #[test]
    fn a_zoomed_range_keeps_neighbours_outside_it() {
        let points: Vec<[f64; 2]> = (0..10_000).map(|i| [i as f64, i as f64]).collect();
        let out = downsample(&points, 100.0, 200.0, 10);
        assert_eq!(out.first(), Some(&[99.0, 99.0]));
        assert_eq!(out.last(), Some(&[201.0, 201.0]));
        // Two per column, the right edge its own column, and the two neighbours.
        assert!(out.len() <= 2 * 11 + 2, "{}", out.len());
    }

    #[test]
    fn few_points_are_kept_as_they_are() {
        let points = vec![[0.0, 1.0], [1.0, 2.0]];
        assert_eq!(downsample(&points, 0.0, 1.0, 100), points);
    }
}
