//! Detectors: small types that look at one snapshot and, when something is wrong, say so
//! in a whole sentence with its number. Each kind lives in its own module and is
//! registered by name in [`REGISTERED`]; a sidecar gets a fresh set when first seen.

mod broker;
mod buffer;
mod consumer_lag;

pub use broker::{BrokerDetector, BrokerReading};
pub use buffer::{buffer_sign, BufferDetector};
pub use consumer_lag::GroupDetectors;

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};
use faultline_protocol::SignalSnapshot;

/// What a detector found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub detector: &'static str,
    pub condition: Condition,
    pub confidence: Confidence,
    pub situation: Situation,
    /// A complete sentence with the number that triggered it, for the narrative panel.
    pub sentence: String,
}

/// Looks at one reading of a subject (`S`: a sidecar's snapshot, a broker's metrics, a
/// consumer group's lag).
pub trait Detector<S = SignalSnapshot>: Send {
    fn name(&self) -> &'static str;
    /// `None` when this detector sees nothing wrong (the subject is STABLE as far as it
    /// can tell). Detectors may keep state between readings (e.g. how long a buffer has
    /// been overflowing) because confidence grows with repetition.
    fn check(&mut self, reading: &S) -> Option<Finding>;
}

/// Every detector of sidecar snapshots, by name.
pub const REGISTERED: &[(&str, fn() -> Box<dyn Detector>)] =
    &[(BufferDetector::NAME, || Box::new(BufferDetector::default()))];

/// A fresh instance of every registered snapshot detector.
pub fn standard_set() -> Vec<Box<dyn Detector>> {
    REGISTERED.iter().map(|(_, make)| make()).collect()
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
