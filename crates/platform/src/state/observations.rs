use std::collections::BTreeMap;

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};
use faultline_protocol::SidecarId;
use serde::Serialize;

/// The latest judgement and key numbers for one sidecar.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub condition: Condition,
    pub confidence: Confidence,
    pub situation: Situation,
    /// The detector's sentence behind the condition, if any.
    pub sentence: Option<String>,
    pub buffer_fill: f64,
    pub target_rate: u32,
    pub send_rate: f64,
    pub request_latency_ms: f64,
    pub updated_ms: i64,
}

impl Default for Observation {
    fn default() -> Self {
        Self {
            condition: Condition::Stable,
            confidence: Confidence::Tentative,
            situation: Situation::Normal,
            sentence: None,
            buffer_fill: 0.0,
            target_rate: 0,
            send_rate: 0.0,
            request_latency_ms: 0.0,
            updated_ms: 0,
        }
    }
}

#[derive(Debug, Default)]
pub struct Observations {
    by_sidecar: BTreeMap<SidecarId, Observation>,
}

impl Observations {
    pub fn get(&self, id: &SidecarId) -> Option<&Observation> {
        self.by_sidecar.get(id)
    }

    pub fn entry(&mut self, id: &SidecarId) -> &mut Observation {
        self.by_sidecar.entry(id.clone()).or_default()
    }
}
