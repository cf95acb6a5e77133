//! A broker's health as the `broker` event and `GET /api/environment`'s `metrics` show it.

use serde::Serialize;

use super::observed::Observed;

/// One reading of a broker's health (over JMX, or the environment's own report where
/// brokers have no JMX). `None`: not read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerMetrics {
    pub reachable: bool,
    pub under_replicated_partitions: Option<i64>,
    pub offline_partitions: Option<i64>,
    pub active_controller: Option<i64>,
    /// 0–100.
    pub request_handler_idle_pct: Option<f64>,
    /// 0–100.
    pub network_processor_idle_pct: Option<f64>,
    /// Partitions led by another broker than their preferred one (controllers only).
    pub preferred_replica_imbalance: Option<i64>,
}

/// A broker's latest reading and judgement (`metrics` of a broker in
/// `GET /api/environment`).
pub type BrokerObservation = Observed<BrokerMetrics>;

/// One broker's latest reading and judgement with its id (a recording's snapshot).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerReading {
    pub broker_id: i32,
    #[serde(flatten)]
    pub observed: BrokerObservation,
}
