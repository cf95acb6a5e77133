//! Judging a consumer group's lag reading: how far behind it is (`consumer-lag`), whether
//! every partition could be measured (`lag-coverage`), and whether it waits behind an open
//! transaction (`open-transaction`).

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use super::{Detector, Detectors, Finding};
use crate::state::groups::{name_partitions, STALE_AFTER_MS};
use crate::state::readings::LagReading;

/// Lag in seconds at which the group is falling behind (if the lag also grows).
pub const BEHIND_SECONDS: f64 = 5.0;
/// Lag at which the group is degraded, whatever the trend.
pub const DEGRADED_SECONDS: f64 = 20.0;
pub const DEGRADED_MESSAGES: i64 = 10_000;

/// Watches a consumer group's lag. Growing lag past a few seconds is DIVERGING; lag past
/// 20 s (or 10 000 records) is DEGRADED, CONFIRMED once it has lasted three readings. A
/// stale reading is left to [`LagCoverageDetector`]: its figures are old, so neither the
/// trend nor the streak moves.
#[derive(Debug, Default)]
pub struct ConsumerLagDetector {
    previous_seconds: Option<f64>,
    degraded_streak: u32,
}

impl ConsumerLagDetector {
    pub const NAME: &'static str = "consumer-lag";
}

impl Detector<LagReading> for ConsumerLagDetector {
    fn check(&mut self, reading: &LagReading) -> Option<Finding> {
        let group = &reading.group;
        let lag = &reading.lag;
        if lag.stale {
            return None;
        }
        let growing = self
            .previous_seconds
            .is_some_and(|previous| lag.lag_seconds > previous);
        self.previous_seconds = Some(lag.lag_seconds);
        let seconds = lag.lag_seconds;
        let messages = lag.lag_messages;
        if seconds >= DEGRADED_SECONDS || messages >= DEGRADED_MESSAGES {
            self.degraded_streak = self.degraded_streak.saturating_add(1);
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

/// Says which partitions' lag is unknown and when a whole reading is stale. Both are
/// DEGRADED, TENTATIVE (the consumers can probably not reach those partitions either, but
/// nothing measured it), WARNING: never STABLE on figures that could not be checked.
#[derive(Debug, Default)]
pub struct LagCoverageDetector;

impl LagCoverageDetector {
    pub const NAME: &'static str = "lag-coverage";
}

impl Detector<LagReading> for LagCoverageDetector {
    fn check(&mut self, reading: &LagReading) -> Option<Finding> {
        let lag = &reading.lag;
        if lag.unknown_partitions.is_empty() {
            return None;
        }
        let group = &reading.group;
        let mut reasons: Vec<&str> = Vec::new();
        for unknown in &lag.unknown_partitions {
            if !reasons.contains(&unknown.reason.as_str()) {
                reasons.push(&unknown.reason);
            }
        }
        let reasons = reasons.join("; ");
        let sentence = if lag.stale {
            match lag.measured_ms {
                Some(measured) => {
                    let age = reading.at_ms.saturating_sub(measured).max(0) / 1000;
                    format!(
                        "Lag of consumer group {group} has not been measured for {age} s ({reasons}); figures older than {} s are not shown.",
                        STALE_AFTER_MS / 1000
                    )
                }
                None => {
                    format!("Lag of consumer group {group} cannot be measured yet ({reasons}).")
                }
            }
        } else {
            let names = name_partitions(
                lag.unknown_partitions
                    .iter()
                    .map(|u| (u.topic.as_str(), u.partition)),
            );
            format!(
                "Lag of consumer group {group} is unknown for {} of {} partitions ({names}): {reasons}; the figures cover the other {}.",
                lag.unknown_partitions.len(),
                lag.partitions,
                lag.measured_partitions
            )
        };
        Some(Finding {
            detector: Self::NAME,
            condition: Condition::Degraded,
            confidence: Confidence::Tentative,
            situation: Situation::Warning,
            sentence,
        })
    }
}

/// A group that has committed up to the last stable offset while records lie beyond it,
/// for [`crate::state::groups::STUCK_AFTER_MS`] or longer (the reading's
/// `stuck_partitions`): a
/// read_committed consumer cannot read past an open transaction until it commits or
/// aborts. DEFECTIVE (such a consumer reads nothing at all, as from an offline partition,
/// so it is worse than any lag and always announced), CONFIRMED (it has lasted five
/// readings), CRITICAL.
#[derive(Debug, Default)]
pub struct OpenTransactionDetector;

impl OpenTransactionDetector {
    pub const NAME: &'static str = "open-transaction";
}

impl Detector<LagReading> for OpenTransactionDetector {
    fn check(&mut self, reading: &LagReading) -> Option<Finding> {
        let stuck = &reading.lag.stuck_partitions;
        let first = stuck.first()?;
        let group = &reading.group;
        let waited = reading.at_ms.saturating_sub(first.since_ms).max(0) / 1000;
        let others = match stuck.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more partition)".to_owned(),
            n => format!(" (and {n} more partitions)"),
        };
        Some(Finding {
            detector: Self::NAME,
            condition: Condition::Defective,
            confidence: Confidence::Confirmed,
            situation: Situation::Critical,
            sentence: format!(
                "Consumer group {group} is stuck behind an open transaction at offset {} of {}-{}{others}: the last stable offset has not moved for {waited} s while {} records lie beyond it (high watermark {}).",
                first.last_stable_offset,
                first.topic,
                first.partition,
                first.high_watermark.saturating_sub(first.last_stable_offset),
                first.high_watermark
            ),
        })
    }
}

/// The detectors of a consumer group's lag reading. Listed so that between equally bad
/// findings the more specific cause goes first: an open transaction, then unknown
/// partitions, then the lag they cause or leave out.
pub fn for_groups() -> Detectors<LagReading> {
    Detectors::new(vec![
        Box::new(OpenTransactionDetector),
        Box::new(LagCoverageDetector),
        Box::new(ConsumerLagDetector::default()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::{GroupLag, StuckPartition, UnknownPartition};

    fn reading(seconds: f64, messages: i64) -> LagReading {
        LagReading {
            group: "g".into(),
            at_ms: 60_000,
            lag: GroupLag {
                lag_messages: messages,
                lag_seconds: seconds,
                partitions: 6,
                measured_partitions: 6,
                unknown_partitions: vec![],
                stuck_partitions: vec![],
                stale: false,
                measured_ms: Some(60_000),
            },
        }
    }

    fn unknown(partition: i32, reason: &str) -> UnknownPartition {
        UnknownPartition {
            topic: "faultline.demo".into(),
            partition,
            leader: Some(2),
            reason: reason.into(),
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

    #[test]
    fn unknown_partitions_are_named_with_their_reason_and_the_group_is_not_stable() {
        let mut partial = reading(1.0, 40);
        partial.lag.measured_partitions = 4;
        partial.lag.unknown_partitions = vec![
            unknown(1, "leader broker 2 did not answer within 3 s"),
            unknown(4, "leader broker 2 did not answer within 3 s"),
        ];
        let mut detectors = for_groups();
        let findings = detectors.check(&partial);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let finding = &findings[0];
        assert_eq!(
            (finding.detector, finding.condition, finding.confidence),
            ("lag-coverage", Condition::Degraded, Confidence::Tentative)
        );
        assert_eq!(
            finding.sentence,
            "Lag of consumer group g is unknown for 2 of 6 partitions (faultline.demo-1, faultline.demo-4): leader broker 2 did not answer within 3 s; the figures cover the other 4."
        );
    }

    #[test]
    fn a_stale_reading_is_never_stable_and_old_figures_are_not_judged() {
        let mut detectors = for_groups();
        detectors.check(&reading(25.0, 900));
        let mut stale = reading(0.0, 0);
        stale.lag.measured_partitions = 0;
        stale.lag.stale = true;
        stale.lag.measured_ms = Some(48_000);
        stale.lag.unknown_partitions = (0..6)
            .map(|p| {
                unknown(
                    p,
                    "committed offsets could not be read: Broker: Coordinator not available",
                )
            })
            .collect();
        let findings = detectors.check(&stale);
        assert_eq!(
            findings.len(),
            1,
            "the lag detector stays out: {findings:?}"
        );
        assert_eq!(findings[0].condition, Condition::Degraded);
        assert_eq!(
            findings[0].sentence,
            "Lag of consumer group g has not been measured for 12 s (committed offsets could not be read: Broker: Coordinator not available); figures older than 6 s are not shown."
        );
        stale.lag.measured_ms = None;
        assert_eq!(
            detectors.check(&stale)[0].sentence,
            "Lag of consumer group g cannot be measured yet (committed offsets could not be read: Broker: Coordinator not available)."
        );
        // Measured again: the streak carries on from the last real reading, not from the gap.
        let again = detectors.check(&reading(26.0, 950));
        assert_eq!(
            (again[0].detector, again[0].confidence),
            ("consumer-lag", Confidence::Measured)
        );
    }

    #[test]
    fn an_open_transaction_outranks_the_lag_it_causes() {
        let mut detectors = for_groups();
        let mut stuck = reading(25.0, 201);
        stuck.lag.stuck_partitions = vec![StuckPartition {
            topic: "lag-test".into(),
            partition: 0,
            committed: 0,
            last_stable_offset: 0,
            high_watermark: 201,
            since_ms: 48_000,
        }];
        for _ in 0..3 {
            detectors.check(&stuck);
        }
        let findings = detectors.check(&stuck);
        assert_eq!(
            findings
                .iter()
                .map(|f| (f.detector, f.condition, f.confidence))
                .collect::<Vec<_>>(),
            [
                (
                    "open-transaction",
                    Condition::Defective,
                    Confidence::Confirmed
                ),
                ("consumer-lag", Condition::Degraded, Confidence::Confirmed)
            ],
        );
        assert_eq!(findings[0].situation, Situation::Critical);
        assert_eq!(
            findings[0].sentence,
            "Consumer group g is stuck behind an open transaction at offset 0 of lag-test-0: the last stable offset has not moved for 12 s while 201 records lie beyond it (high watermark 201)."
        );
        stuck.lag.stuck_partitions[0].high_watermark = 205;
        stuck
            .lag
            .stuck_partitions
            .push(stuck.lag.stuck_partitions[0].clone());
        stuck.lag.stuck_partitions[1].partition = 1;
        assert!(detectors.check(&stuck)[0]
            .sentence
            .starts_with("Consumer group g is stuck behind an open transaction at offset 0 of lag-test-0 (and 1 more partition): "));
    }
}
