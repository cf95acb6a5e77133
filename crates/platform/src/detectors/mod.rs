//! Detectors: small types that look at one reading of a subject (a producer sidecar's
//! signal, a broker's health, a consumer group's lag) and, when something is wrong, say so
//! in a whole sentence with its number, under the detector's name. Each module holds the
//! detectors of one subject kind and lists them (`for_producers`, `for_brokers`,
//! `for_groups`); every subject gets a fresh set when first seen (`judgement/`).

mod broker_health;
mod group_lag;
mod producer_buffer;

pub use broker_health::for_brokers;
pub use group_lag::{for_groups, BEHIND_SECONDS};
pub use producer_buffer::{buffer_sign, for_producers};

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use crate::wire;

/// What a detector found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The detector's name (its `NAME`), shown as `detector` in `condition` events and in
    /// a consumer group's findings.
    pub detector: &'static str,
    pub condition: Condition,
    pub confidence: Confidence,
    pub situation: Situation,
    /// A complete sentence with the number that triggered it, for the narrative panel.
    pub sentence: String,
}

impl Finding {
    /// As the API and events show it.
    pub fn shown(&self) -> wire::Finding {
        wire::Finding {
            detector: self.detector,
            condition: self.condition,
            confidence: self.confidence,
            sentence: self.sentence.clone(),
        }
    }
}

/// Looks at one reading `R` of a subject.
pub trait Detector<R>: Send {
    /// `None` when this detector sees nothing wrong (the subject is STABLE as far as it
    /// can tell). Detectors may keep state between readings (e.g. how long a buffer has
    /// been overflowing) because confidence grows with repetition.
    fn check(&mut self, reading: &R) -> Option<Finding>;
}

/// One subject's detectors, in the order its kind lists them.
pub struct Detectors<R>(Vec<Box<dyn Detector<R>>>);

impl<R> Detectors<R> {
    pub fn new(detectors: Vec<Box<dyn Detector<R>>>) -> Self {
        Self(detectors)
    }

    /// Every finding about `reading`, worst first; between equally bad ones the detector
    /// listed first goes first (a kind lists the more specific cause first: unknown
    /// partitions before the lag they leave out). The first sets the subject's condition.
    pub fn check(&mut self, reading: &R) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .0
            .iter_mut()
            .filter_map(|detector| detector.check(reading))
            .collect();
        // A stable sort: ties keep the order above.
        findings.sort_by_key(|f| std::cmp::Reverse((severity(f.condition), f.confidence)));
        findings
    }
}

/// How bad a condition is, for picking the worst of several findings.
pub fn severity(condition: Condition) -> u8 {
    match condition {
        Condition::Stable => 0,
        Condition::Converging => 1,
        Condition::Diverging => 2,
        Condition::Erratic => 3,
        Condition::Degraded => 4,
        Condition::Defective => 5,
        Condition::Down => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds what it is told to, under its name.
    struct FakeDetector(&'static str, Option<(Condition, Confidence)>);

    impl Detector<()> for FakeDetector {
        fn check(&mut self, _: &()) -> Option<Finding> {
            let (condition, confidence) = self.1?;
            Some(Finding {
                detector: self.0,
                condition,
                confidence,
                situation: Situation::Warning,
                sentence: format!("{} says so.", self.0),
            })
        }
    }

    #[test]
    fn findings_come_worst_first_and_ties_in_the_listed_order() {
        let mut detectors = Detectors::new(vec![
            Box::new(FakeDetector("calm", None)),
            Box::new(FakeDetector(
                "first",
                Some((Condition::Degraded, Confidence::Tentative)),
            )),
            Box::new(FakeDetector(
                "slow",
                Some((Condition::Diverging, Confidence::Confirmed)),
            )),
            Box::new(FakeDetector(
                "second",
                Some((Condition::Degraded, Confidence::Tentative)),
            )),
            Box::new(FakeDetector(
                "sure",
                Some((Condition::Degraded, Confidence::Measured)),
            )),
        ]);
        let order: Vec<&str> = detectors.check(&()).iter().map(|f| f.detector).collect();
        assert_eq!(order, ["sure", "first", "second", "slow"]);
    }
}
