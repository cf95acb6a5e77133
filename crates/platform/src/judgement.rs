//! Turning detectors' findings into a subject's condition, and announcing it when it is
//! news. Shared by every monitor (sidecar signals, brokers, consumer groups).

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use crate::detectors::{severity, Finding};
use crate::events::{Event, Subject};
use crate::Bus;

/// A subject's condition right now.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub condition: Condition,
    pub confidence: Confidence,
    pub situation: Situation,
    /// The worst finding's sentence; None when nothing is wrong.
    pub sentence: Option<String>,
    pub detector: Option<&'static str>,
}

/// The worst of the findings; no finding means STABLE.
pub fn worst(findings: impl IntoIterator<Item = Finding>) -> Verdict {
    match findings
        .into_iter()
        .max_by_key(|f| (severity(f.condition), f.confidence))
    {
        Some(f) => Verdict {
            condition: f.condition,
            confidence: f.confidence,
            situation: f.situation,
            sentence: Some(f.sentence),
            detector: Some(f.detector),
        },
        None => Verdict {
            condition: Condition::Stable,
            confidence: Confidence::Measured,
            situation: Situation::Normal,
            sentence: None,
            detector: None,
        },
    }
}

/// Remembers a subject's last announced condition.
#[derive(Debug, Default)]
pub struct ConditionTracker {
    last: Option<(Condition, Confidence)>,
}

impl ConditionTracker {
    /// Announces the verdict if it is news (the first one, a new condition, or a new
    /// confidence in a trouble condition). `calm` words the sentence for a STABLE subject,
    /// given whether it was judged before.
    pub fn announce(
        &mut self,
        bus: &Bus,
        subject: Subject,
        verdict: &Verdict,
        calm: impl FnOnce(bool) -> String,
    ) {
        let previous = self.last.map(|(condition, _)| condition);
        let news = match self.last {
            None => true,
            Some((condition, confidence)) => {
                condition != verdict.condition
                    || (verdict.condition != Condition::Stable && confidence != verdict.confidence)
            }
        };
        if !news {
            return;
        }
        self.last = Some((verdict.condition, verdict.confidence));
        let sentence = verdict
            .sentence
            .clone()
            .unwrap_or_else(|| calm(previous.is_some()));
        tracing::info!(subject = %subject, condition = ?verdict.condition, confidence = ?verdict.confidence, %sentence, "condition");
        bus.publish(Event::condition(subject, verdict, previous, sentence));
    }
}
