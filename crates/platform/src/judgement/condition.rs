//! A subject's condition as news: what was last announced, whether a new verdict is news,
//! and the `condition` event that announces it.

use faultline_protocol::vocabulary::{Condition, Confidence};

use super::verdict::Verdict;
use crate::wire::{Event, Subject, SubjectKind};

/// Remembers a subject's last announced condition.
#[derive(Debug, Default)]
pub struct ConditionTracker {
    last: Option<(Condition, Confidence)>,
}

/// A verdict that is news: the subject's condition before it (None for its first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct News {
    pub previous: Option<Condition>,
}

impl ConditionTracker {
    /// Whether the verdict is news (the first one, a new condition, or a new confidence in
    /// a trouble condition); if so it becomes the last announced.
    pub fn news(&mut self, verdict: &Verdict) -> Option<News> {
        let news = match self.last {
            None => true,
            Some((condition, confidence)) => {
                condition != verdict.condition
                    || (verdict.condition != Condition::Stable && confidence != verdict.confidence)
            }
        };
        if !news {
            return None;
        }
        let previous = self.last.map(|(condition, _)| condition);
        self.last = Some((verdict.condition, verdict.confidence));
        Some(News { previous })
    }
}

/// The `condition` event for a subject's new verdict, naming the subject by its kind's
/// field (`sidecarId`, `brokerId` or `group`).
pub fn condition_event(
    subject: Subject,
    verdict: &Verdict,
    previous: Option<Condition>,
    sentence: String,
) -> Event {
    let (subject_kind, sidecar_id, broker_id, group) = match &subject {
        Subject::Sidecar(id) => (SubjectKind::Sidecar, Some(id.clone()), None, None),
        Subject::Broker(id) => (SubjectKind::Broker, None, Some(*id), None),
        Subject::ConsumerGroup(name) => {
            (SubjectKind::ConsumerGroup, None, None, Some(name.clone()))
        }
    };
    Event::Condition {
        subject_kind,
        subject: subject.to_string(),
        sidecar_id,
        broker_id,
        group,
        detector: verdict.detector.unwrap_or("none").to_owned(),
        condition: verdict.condition,
        confidence: verdict.confidence,
        situation: verdict.situation,
        previous,
        sentence,
    }
}

#[cfg(test)]
mod tests {
    use faultline_protocol::vocabulary::Situation;

    use super::*;

    fn verdict(condition: Condition, confidence: Confidence) -> Verdict {
        Verdict {
            condition,
            confidence,
            situation: Situation::Normal,
            sentence: None,
            detector: None,
        }
    }

    #[test]
    fn a_new_condition_or_a_surer_trouble_is_news_a_surer_calm_is_not() {
        let mut tracker = ConditionTracker::default();
        let stable = |confidence| verdict(Condition::Stable, confidence);
        let degraded = |confidence| verdict(Condition::Degraded, confidence);
        assert_eq!(
            tracker.news(&stable(Confidence::Measured)),
            Some(News { previous: None })
        );
        assert_eq!(tracker.news(&stable(Confidence::Confirmed)), None);
        assert_eq!(
            tracker.news(&degraded(Confidence::Measured)),
            Some(News {
                previous: Some(Condition::Stable)
            })
        );
        assert_eq!(tracker.news(&degraded(Confidence::Measured)), None);
        assert_eq!(
            tracker.news(&degraded(Confidence::Confirmed)),
            Some(News {
                previous: Some(Condition::Degraded)
            })
        );
    }
}
