use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use super::{Detector, Finding};

/// A consumer group's backlog, measured from committed offsets and high watermarks.
#[derive(Debug, Clone, PartialEq)]
pub struct LagReading {
    pub group: String,
    /// Records written but not yet committed by the group, over all its partitions.
    pub lag_messages: i64,
    /// Age of the oldest record the group has not committed yet, seconds.
    pub lag_seconds: f64,
}

/// Lag in seconds at which the group is falling behind (if the lag also grows).
pub const BEHIND_SECONDS: f64 = 5.0;
/// Lag at which the group is degraded, whatever the trend.
pub const DEGRADED_SECONDS: f64 = 20.0;
pub const DEGRADED_MESSAGES: i64 = 10_000;

/// Watches a consumer group's lag. Growing lag past a few seconds is DIVERGING; lag past
/// 20 s (or 10 000 records) is DEGRADED, CONFIRMED once it has lasted three readings.
#[derive(Debug, Default)]
pub struct ConsumerLagDetector {
    previous_seconds: Option<f64>,
    degraded_streak: u32,
}

impl ConsumerLagDetector {
    pub const NAME: &'static str = "consumer-lag";
}

impl Detector<LagReading> for ConsumerLagDetector {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn check(&mut self, reading: &LagReading) -> Option<Finding> {
        let growing = self
            .previous_seconds
            .is_some_and(|previous| reading.lag_seconds > previous);
        self.previous_seconds = Some(reading.lag_seconds);
        let group = &reading.group;
        let seconds = reading.lag_seconds;
        let messages = reading.lag_messages;
        if seconds >= DEGRADED_SECONDS || messages >= DEGRADED_MESSAGES {
            self.degraded_streak += 1;
            let confidence = if self.degraded_streak >= 3 {
                Confidence::Confirmed
            } else {
                Confidence::Measured
            };
            return Some(Finding {
                detector: Self::NAME,
                condition: Condition::Degraded,
                confidence,
                situation: Situation::Critical,
                sentence: format!(
                    "Consumer group {group} is {seconds:.0} s ({messages} records) behind (threshold {DEGRADED_SECONDS:.0} s)."
                ),
            });
        }
        self.degraded_streak = 0;
        (seconds >= BEHIND_SECONDS && growing).then(|| Finding {
            detector: Self::NAME,
            condition: Condition::Diverging,
            confidence: Confidence::Tentative,
            situation: Situation::Warning,
            sentence: format!("Consumer group {group} is falling behind: {seconds:.0} s ({messages} records) and growing."),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(seconds: f64, messages: i64) -> LagReading {
        LagReading {
            group: "g".into(),
            lag_messages: messages,
            lag_seconds: seconds,
        }
    }

    #[test]
    fn growing_lag_diverges_then_degrades_and_drains_back_to_stable() {
        let mut d = ConsumerLagDetector::default();
        assert_eq!(d.check(&reading(0.5, 10)), None);
        assert_eq!(
            d.check(&reading(6.0, 300)).map(|f| f.condition),
            Some(Condition::Diverging)
        );
        assert_eq!(
            d.check(&reading(6.0, 300)),
            None,
            "steady lag below 20 s is not news"
        );
        let degraded = d.check(&reading(25.0, 900)).unwrap();
        assert_eq!(
            (degraded.condition, degraded.confidence),
            (Condition::Degraded, Confidence::Measured)
        );
        assert_eq!(
            degraded.sentence,
            "Consumer group g is 25 s (900 records) behind (threshold 20 s)."
        );
        d.check(&reading(26.0, 950));
        assert_eq!(
            d.check(&reading(27.0, 990)).map(|f| f.confidence),
            Some(Confidence::Confirmed)
        );
        assert_eq!(d.check(&reading(1.0, 5)), None);
    }

    #[test]
    fn a_huge_backlog_is_degraded_even_when_young() {
        let mut d = ConsumerLagDetector::default();
        assert_eq!(
            d.check(&reading(1.0, 50_000)).map(|f| f.condition),
            Some(Condition::Degraded)
        );
    }
}
