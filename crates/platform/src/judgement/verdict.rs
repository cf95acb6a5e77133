//! A subject's condition from its detectors' findings: the worst finding decides it, and
//! no finding means STABLE.

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use crate::detectors::Finding;

/// A subject's condition right now.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub condition: Condition,
    pub confidence: Confidence,
    pub situation: Situation,
    /// The deciding finding's sentence; None when nothing is wrong.
    pub sentence: Option<String>,
    /// The deciding finding's detector; None when nothing is wrong.
    pub detector: Option<&'static str>,
}

impl Verdict {
    /// The verdict of findings listed worst first (as `detectors::Detectors::check` lists
    /// them): the first decides; none is STABLE (MEASURED: every detector looked).
    pub fn of(findings: &[Finding]) -> Self {
        match findings.first() {
            Some(f) => Verdict {
                condition: f.condition,
                confidence: f.confidence,
                situation: f.situation,
                sentence: Some(f.sentence.clone()),
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
}
