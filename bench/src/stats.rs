//! A figure's summary (n, median, p95, min, max) from repeated samples, through
//! hdrhistogram rather than hand-rolled percentiles.

use hdrhistogram::Histogram;
use serde::Serialize;

/// Samples are recorded in thousandths of the figure's unit (µs for a figure in ms), so
/// sub-unit values keep three significant decimals.
const SCALE: f64 = 1000.0;

/// The summary of one figure's samples, in the figure's own unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub n: u64,
    pub median: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// Summarises non-negative samples; None when there are none. Negative or non-finite
    /// samples (a clock that stepped back) are left out, and not counted in `n`.
    pub fn of(samples: &[f64]) -> Option<Self> {
        // Three significant figures: 0.1 % resolution, plenty for noisy end-to-end times.
        let mut histogram = Histogram::<u64>::new(3).ok()?;
        for sample in samples.iter().filter(|s| s.is_finite() && **s >= 0.0) {
            histogram.record((sample * SCALE).round() as u64).ok()?;
        }
        if histogram.is_empty() {
            return None;
        }
        let at = |q: f64| histogram.value_at_quantile(q) as f64 / SCALE;
        Some(Self {
            n: histogram.len(),
            median: at(0.5),
            p95: at(0.95),
            min: histogram.min() as f64 / SCALE,
            max: histogram.max() as f64 / SCALE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= b.abs() * 0.002 + 0.001
    }

    #[test]
    fn median_and_p95_of_one_to_a_hundred() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Summary::of(&samples).unwrap();
        assert_eq!(s.n, 100);
        assert!(close(s.median, 50.0), "{s:?}");
        assert!(close(s.p95, 95.0), "{s:?}");
        assert!(close(s.min, 1.0) && close(s.max, 100.0), "{s:?}");
    }

    #[test]
    fn fractions_keep_their_decimals() {
        let s = Summary::of(&[0.25, 0.25, 0.75]).unwrap();
        assert!(close(s.median, 0.25), "{s:?}");
        assert!(close(s.max, 0.75), "{s:?}");
    }

    #[test]
    fn nothing_or_only_nonsense_has_no_summary() {
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[-1.0, f64::NAN]), None);
        assert_eq!(Summary::of(&[-1.0, 3.0]).unwrap().n, 1);
    }
}
