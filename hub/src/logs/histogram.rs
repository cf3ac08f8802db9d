//! The fixed log-spaced latency histogram of a summary row: its buckets and columns, and percentiles interpolated from merged counts.
//!
//! Every summary row holds one histogram of total latency and one of time to first byte, as 32
//! counter columns each (`latency_h00`..`latency_h31`, `ttfb_h00`..`ttfb_h31`). The buckets never
//! change, so histograms merge by adding counts: across rows and periods with `SUM`, and across
//! replicas with the same `stored + excluded` upsert as every other counter.
//!
//! Error bound: a percentile is interpolated linearly inside the bucket holding the sample of
//! its rank (the nearest-rank sample, rank `ceil(p * n)`), so the answer lies in the same bucket
//! as the exact value. Bucket bounds grow by about √2 (at most ×1.4375, from 16 to 23 ms), so
//! the answer is within 44% of the exact value, or within 16 ms below 16 ms; values from
//! 524,288 ms (8.7 min) up share the last bucket and are answered as 524,288 ms.

use std::sync::LazyLock;
use std::time::Duration;

/// Buckets per histogram.
pub const BUCKETS: usize = 32;

/// Upper bounds (exclusive, ms) of every bucket but the last: 16 ms × √2^k, rounded. Bucket `i`
/// holds `[UPPER_MS[i - 1], UPPER_MS[i])` (bucket 0 from 0 ms); the last holds the rest.
const UPPER_MS: [i64; BUCKETS - 1] = [
    16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1_024, 1_448, 2_048, 2_896, 4_096, 5_793,
    8_192, 11_585, 16_384, 23_170, 32_768, 46_341, 65_536, 92_682, 131_072, 185_364, 262_144,
    370_728, 524_288,
];

/// Counts per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Histogram(pub [i64; BUCKETS]);

impl Default for Histogram {
    fn default() -> Self {
        Histogram([0; BUCKETS])
    }
}

impl Histogram {
    /// Counts one sample.
    pub fn record(&mut self, duration: Duration) {
        let ms = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        let bucket = UPPER_MS.partition_point(|upper| *upper <= ms);
        self.0[bucket] += 1;
    }

    /// Adds another histogram's counts (same buckets, so a merge is exact).
    pub fn add(&mut self, other: &Histogram) {
        for (count, more) in self.0.iter_mut().zip(other.0) {
            *count += more;
        }
    }

    /// Samples counted.
    pub fn samples(&self) -> i64 {
        self.0.iter().sum()
    }

    /// The `fraction` (0 to 1) percentile in ms, interpolated within its bucket (see the
    /// module's error bound); `None` without samples (rows written before the histograms).
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts far beyond 2^53 are not expected; the answer is an estimate anyway"
    )]
    pub fn percentile(&self, fraction: f64) -> Option<f64> {
        let samples = self.samples();
        if samples <= 0 {
            return None;
        }
        let rank = (fraction.clamp(0.0, 1.0) * samples as f64).max(f64::MIN_POSITIVE);
        let mut below = 0_i64;
        for (bucket, count) in self.0.iter().enumerate() {
            let through = below + count;
            if *count > 0 && through as f64 >= rank {
                let lower = if bucket == 0 { 0 } else { UPPER_MS[bucket - 1] };
                let Some(upper) = UPPER_MS.get(bucket) else {
                    // The open last bucket has no width to interpolate over.
                    return Some(lower as f64);
                };
                let within = (rank - below as f64) / *count as f64;
                return Some(lower as f64 + (upper - lower) as f64 * within);
            }
            below = through;
        }
        None
    }
}

/// The columns of the total latency histogram, `latency_h00`..`latency_h31`.
pub static LATENCY_COLUMNS: LazyLock<Vec<String>> = LazyLock::new(|| column_names("latency"));
/// The columns of the time to first byte histogram, `ttfb_h00`..`ttfb_h31`.
pub static TTFB_COLUMNS: LazyLock<Vec<String>> = LazyLock::new(|| column_names("ttfb"));

fn column_names(prefix: &str) -> Vec<String> {
    (0..BUCKETS)
        .map(|bucket| format!("{prefix}_h{bucket:02}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(samples_ms: &[u64]) -> Histogram {
        let mut histogram = Histogram::default();
        for ms in samples_ms {
            histogram.record(Duration::from_millis(*ms));
        }
        histogram
    }

    #[test]
    fn samples_land_in_their_bucket() {
        let histogram = of(&[0, 15, 16, 22, 23, 524_287, 524_288, 10_000_000]);
        assert_eq!(histogram.0[0], 2);
        assert_eq!(histogram.0[1], 2);
        assert_eq!(histogram.0[2], 1);
        assert_eq!(histogram.0[BUCKETS - 2], 1);
        assert_eq!(histogram.0[BUCKETS - 1], 2);
    }

    #[test]
    fn percentiles_stay_within_the_bound() {
        let samples: Vec<u64> = (1..=1_000).map(|index| index * 37).collect();
        let histogram = of(&samples);
        for fraction in [0.5, 0.95, 0.99] {
            let rank = (fraction * samples.len() as f64).ceil() as usize;
            let exact = samples[rank - 1] as f64;
            let estimate = histogram.percentile(fraction).unwrap();
            assert!(
                (estimate - exact).abs() <= exact * 0.4375,
                "p{fraction}: {estimate} against {exact}"
            );
        }
        assert_eq!(Histogram::default().percentile(0.5), None);
        assert_eq!(of(&[900_000]).percentile(0.95), Some(524_288.0));
    }
}
