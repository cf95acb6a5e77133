//! A subject's latest reading with the platform's judgement of it, as the platform keeps it
//! and the HTTP API shows it: one shape for sidecars, brokers and consumer groups.

use faultline_protocol::vocabulary::{Condition, Confidence};
use serde::Serialize;

/// One detector's finding about a subject, as the API and events show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The detector's name, e.g. `consumer-lag`.
    pub detector: &'static str,
    pub condition: Condition,
    pub confidence: Confidence,
    pub sentence: String,
}

/// A subject's latest reading (`figures`: `F`'s fields, flattened into this object) and
/// the platform's judgement of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observed<F> {
    #[serde(flatten)]
    pub figures: F,
    pub condition: Condition,
    pub confidence: Confidence,
    /// The sentence of the finding behind the condition; None when nothing is wrong.
    pub sentence: Option<String>,
    /// Every current finding, the one that sets `condition` first, for the subject kinds
    /// that show them (consumer groups); None (and left out) for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    /// When the reading was made, ms since the Unix epoch (a sidecar's: its snapshot's
    /// `ts`, on the sidecar's clock). Written for every reading, also one that could
    /// measure nothing.
    pub updated_ms: i64,
}

impl<F: Default> Default for Observed<F> {
    /// A subject not judged yet: no figures, STABLE as far as anyone knows (TENTATIVE).
    fn default() -> Self {
        Self {
            figures: F::default(),
            condition: Condition::Stable,
            confidence: Confidence::Tentative,
            sentence: None,
            findings: None,
            updated_ms: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{BrokerMetrics, BrokerObservation, GroupLag, GroupObservation};

    /// The rows keep the flat JSON the API has always sent: the figures first, then the
    /// judgement; findings only where the kind shows them.
    #[test]
    fn rows_keep_their_flat_json() {
        let broker: BrokerObservation = Observed {
            figures: BrokerMetrics {
                reachable: false,
                ..BrokerMetrics::default()
            },
            condition: Condition::Down,
            confidence: Confidence::Confirmed,
            sentence: Some("s".into()),
            findings: None,
            updated_ms: 5,
        };
        assert_eq!(
            serde_json::to_string(&broker).unwrap(),
            r#"{"reachable":false,"underReplicatedPartitions":null,"offlinePartitions":null,"activeController":null,"requestHandlerIdlePct":null,"networkProcessorIdlePct":null,"preferredReplicaImbalance":null,"condition":"DOWN","confidence":"CONFIRMED","sentence":"s","updatedMs":5}"#
        );
        let group = GroupObservation {
            group: "g".into(),
            observed: Observed {
                figures: GroupLag::default(),
                findings: Some(vec![]),
                ..Observed::default()
            },
        };
        assert_eq!(
            serde_json::to_string(&group).unwrap(),
            r#"{"group":"g","lagMessages":0,"lagSeconds":0.0,"partitions":0,"measuredPartitions":0,"unknownPartitions":[],"stuckPartitions":[],"stale":false,"measuredMs":null,"condition":"STABLE","confidence":"TENTATIVE","sentence":null,"findings":[],"updatedMs":0}"#
        );
    }
}
