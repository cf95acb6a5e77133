use std::collections::BTreeMap;

use faultline_protocol::vocabulary::{Condition, Confidence};
use serde::Serialize;

/// The latest JMX reading of one broker and the platform's judgement of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerObservation {
    pub reachable: bool,
    pub under_replicated_partitions: Option<i64>,
    pub offline_partitions: Option<i64>,
    pub active_controller: Option<i64>,
    pub request_handler_idle_pct: Option<f64>,
    pub network_processor_idle_pct: Option<f64>,
    pub preferred_replica_imbalance: Option<i64>,
    pub condition: Condition,
    pub confidence: Confidence,
    pub sentence: Option<String>,
    pub updated_ms: i64,
}

pub type Brokers = BTreeMap<i32, BrokerObservation>;
