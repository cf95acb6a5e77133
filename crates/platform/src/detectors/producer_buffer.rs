//! The `producer-buffer` detector: judges a producer's send buffer from its fill.

use faultline_protocol::vocabulary::{Condition, Confidence, QueueSign, Situation};

use super::{Detector, Detectors, Finding};
use crate::state::readings::ProducerReading;

/// Fill at which a producer's buffer is under pressure.
pub const PRESSURE_FILL: f64 = 0.80;
/// Fill at which it overflows: sends start to block or fail.
pub const OVERFLOW_FILL: f64 = 0.95;

/// Watches a producer's send buffer. One overflowing sample is DIVERGING (it may be a
/// blip); two in a row are DEGRADED/MEASURED; four are DEGRADED/CONFIRMED. Below the
/// pressure mark it is STABLE again: the condition recovers when the buffer drains.
#[derive(Debug, Default)]
pub struct BufferDetector {
    overflow_streak: u32,
}

impl BufferDetector {
    pub const NAME: &'static str = "producer-buffer";
}

/// The detectors of a producer sidecar's signal.
pub fn for_producers() -> Detectors<ProducerReading> {
    Detectors::new(vec![Box::new(BufferDetector::default())])
}

impl Detector<ProducerReading> for BufferDetector {
    fn check(&mut self, reading: &ProducerReading) -> Option<Finding> {
        let fill = reading.signal.buffer_fill;
        let percent = (fill * 100.0).round();
        let id = &reading.sidecar;
        if fill >= OVERFLOW_FILL {
            self.overflow_streak = self.overflow_streak.saturating_add(1);
            let (condition, confidence, situation) = match self.overflow_streak {
                1 => (
                    Condition::Diverging,
                    Confidence::Tentative,
                    Situation::Warning,
                ),
                2 | 3 => (
                    Condition::Degraded,
                    Confidence::Measured,
                    Situation::Critical,
                ),
                _ => (
                    Condition::Degraded,
                    Confidence::Confirmed,
                    Situation::Critical,
                ),
            };
            return Some(Finding {
                detector: Self::NAME,
                condition,
                confidence,
                situation,
                sentence: format!(
                    "{id}'s send buffer is {percent}% full (threshold {}%), {} sample{} in a row.",
                    OVERFLOW_FILL * 100.0,
                    self.overflow_streak,
                    if self.overflow_streak == 1 { "" } else { "s" }
                ),
            });
        }
        self.overflow_streak = 0;
        (fill >= PRESSURE_FILL).then(|| Finding {
            detector: Self::NAME,
            condition: Condition::Diverging,
            confidence: Confidence::Tentative,
            situation: Situation::Warning,
            sentence: format!(
                "{id}'s send buffer is {percent}% full, above the {}% pressure mark.",
                PRESSURE_FILL * 100.0
            ),
        })
    }
}

/// What the buffer is doing: OVERFLOW at the threshold, otherwise ENQUEUE while it fills
/// or holds and DEQUEUE while it drains.
pub fn buffer_sign(fill: f64, previous_fill: Option<f64>) -> QueueSign {
    if fill >= OVERFLOW_FILL {
        QueueSign::Overflow
    } else if previous_fill.is_some_and(|previous| fill < previous - 0.01) {
        QueueSign::Dequeue
    } else {
        QueueSign::Enqueue
    }
}

#[cfg(test)]
mod tests {
    use faultline_protocol::SidecarId;

    use super::*;
    use crate::wire::ProducerSignal;

    fn reading(fill_percent: u64) -> ProducerReading {
        ProducerReading {
            sidecar: SidecarId::parse("producer-1").unwrap(),
            signal: ProducerSignal {
                buffer_fill: fill_percent as f64 / 100.0,
                ..ProducerSignal::default()
            },
        }
    }

    fn judge(detector: &mut BufferDetector, fill: u64) -> Option<(Condition, Confidence)> {
        detector
            .check(&reading(fill))
            .map(|f| (f.condition, f.confidence))
    }

    #[test]
    fn overflow_escalates_with_repetition_and_recovers_when_drained() {
        let mut d = BufferDetector::default();
        assert_eq!(judge(&mut d, 10), None);
        assert_eq!(
            judge(&mut d, 97),
            Some((Condition::Diverging, Confidence::Tentative))
        );
        assert_eq!(
            judge(&mut d, 99),
            Some((Condition::Degraded, Confidence::Measured))
        );
        assert_eq!(
            judge(&mut d, 99),
            Some((Condition::Degraded, Confidence::Measured))
        );
        assert_eq!(
            judge(&mut d, 100),
            Some((Condition::Degraded, Confidence::Confirmed))
        );
        assert_eq!(
            judge(&mut d, 85),
            Some((Condition::Diverging, Confidence::Tentative))
        );
        assert_eq!(judge(&mut d, 40), None, "STABLE again once drained");
        assert_eq!(
            judge(&mut d, 96),
            Some((Condition::Diverging, Confidence::Tentative)),
            "streak restarts"
        );
    }

    #[test]
    fn the_sentence_carries_the_number_and_threshold() {
        let mut d = BufferDetector::default();
        let finding = d.check(&reading(97)).unwrap();
        assert_eq!(
            finding.sentence,
            "producer-1's send buffer is 97% full (threshold 95%), 1 sample in a row."
        );
        let finding = BufferDetector::default().check(&reading(88)).unwrap();
        assert_eq!(
            finding.sentence,
            "producer-1's send buffer is 88% full, above the 80% pressure mark."
        );
    }

    #[test]
    fn signs_follow_the_fill() {
        assert_eq!(buffer_sign(0.96, None), QueueSign::Overflow);
        assert_eq!(buffer_sign(0.5, Some(0.9)), QueueSign::Dequeue);
        assert_eq!(buffer_sign(0.5, Some(0.5)), QueueSign::Enqueue);
        assert_eq!(buffer_sign(0.6, Some(0.5)), QueueSign::Enqueue);
    }
}
