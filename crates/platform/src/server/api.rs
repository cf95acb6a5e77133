use axum::extract::State;
use axum::Json;
use faultline_protocol::vocabulary::{Condition, Confidence};
use faultline_protocol::SidecarType;
use serde::Serialize;

use super::AppState;
use crate::environments::EnvironmentStatus;
use crate::state::registry::SidecarStatus;
use crate::state::rejections::Rejections;
use crate::state::DiscoveryProgress;

/// One row of `GET /api/sidecars`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SidecarView {
    pub sidecar_id: String,
    #[serde(rename = "type")]
    pub sidecar_type: Option<SidecarType>,
    pub status: SidecarStatus,
    pub last_seen_ms: i64,
    pub jmx_endpoint: Option<String>,
    pub workload: Option<String>,
    pub host: Option<String>,
    pub version: Option<String>,
    pub heartbeat_interval_ms: Option<u64>,
    pub condition: Option<Condition>,
    pub confidence: Option<Confidence>,
    pub sentence: Option<String>,
    pub buffer_fill: Option<f64>,
    pub target_rate: Option<u32>,
    pub send_rate: Option<f64>,
    pub request_latency_ms: Option<f64>,
}

pub async fn sidecars(State(app): State<AppState>) -> Json<Vec<SidecarView>> {
    let stage = app.stage();
    let registry = stage.state.registry.read().map(|r| {
        r.entries()
            .map(|(id, entry)| (id.clone(), entry.clone()))
            .collect::<Vec<_>>()
    });
    let observations = stage.state.observations.read();
    let rows = registry
        .unwrap_or_default()
        .into_iter()
        .map(|(id, entry)| {
            let observed = observations.as_ref().ok().and_then(|o| o.get(&id).cloned());
            let registration = entry.registration;
            SidecarView {
                sidecar_id: id.to_string(),
                sidecar_type: registration.as_ref().map(|r| r.sidecar_type),
                status: entry.status,
                last_seen_ms: entry.last_seen_ms,
                jmx_endpoint: registration.as_ref().and_then(|r| r.jmx_endpoint.clone()),
                workload: registration.as_ref().map(|r| r.workload.clone()),
                host: registration.as_ref().map(|r| r.host.clone()),
                version: registration.as_ref().map(|r| r.version.clone()),
                heartbeat_interval_ms: registration.as_ref().map(|r| r.heartbeat_interval_ms),
                condition: observed.as_ref().map(|o| o.condition),
                confidence: observed.as_ref().map(|o| o.confidence),
                sentence: observed.as_ref().and_then(|o| o.sentence.clone()),
                buffer_fill: observed.as_ref().map(|o| o.buffer_fill),
                target_rate: observed.as_ref().map(|o| o.target_rate),
                send_rate: observed.as_ref().map(|o| o.send_rate),
                request_latency_ms: observed.as_ref().map(|o| o.request_latency_ms),
            }
        })
        .collect();
    Json(rows)
}

/// The environment's own status, with each broker's latest JMX reading (`metrics`) where
/// the platform reads brokers, and the cluster's under-replicated partitions in total.
pub async fn environment(State(app): State<AppState>) -> Json<serde_json::Value> {
    let stage = app.stage();
    let status: EnvironmentStatus = stage.environment.status().await;
    let observed = stage
        .state
        .brokers
        .read()
        .map(|b| b.clone())
        .unwrap_or_default();
    let mut view = serde_json::to_value(&status).unwrap_or_default();
    if let Some(brokers) = view.get_mut("brokers").and_then(|b| b.as_array_mut()) {
        for broker in brokers {
            let id = broker.get("id").and_then(|v| v.as_i64()).unwrap_or(-1) as i32;
            if let Some(observation) = observed.get(&id) {
                broker["metrics"] = serde_json::to_value(observation).unwrap_or_default();
            }
        }
    }
    if !observed.is_empty() {
        let total: i64 = observed
            .values()
            .filter_map(|o| o.under_replicated_partitions)
            .sum();
        view["underReplicatedPartitions"] = total.into();
    }
    Json(view)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: &'static str,
    pub uptime_ms: u64,
    pub environment: String,
    pub sidecars: usize,
    pub discovery: DiscoveryProgress,
    pub rejected: Rejections,
    /// Scenario files that could not be loaded, each with its file and line.
    pub scenario_errors: Vec<String>,
}

pub async fn health(State(app): State<AppState>) -> Json<Health> {
    let stage = app.stage();
    let discovery = stage
        .state
        .discovery
        .read()
        .map(|d| d.clone())
        .unwrap_or_default();
    Json(Health {
        status: if discovery.replayed { "ok" } else { "starting" },
        uptime_ms: app.started.elapsed().as_millis() as u64,
        environment: stage.environment.kind().to_owned(),
        sidecars: stage
            .state
            .registry
            .read()
            .map(|r| r.len())
            .unwrap_or_default(),
        discovery,
        rejected: stage
            .state
            .rejections
            .read()
            .map(|r| r.clone())
            .unwrap_or_default(),
        scenario_errors: stage
            .scenarios
            .errors()
            .iter()
            .map(|e| e.to_string())
            .collect(),
    })
}

pub async fn consumer_groups(
    State(app): State<AppState>,
) -> Json<Vec<crate::state::groups::GroupObservation>> {
    Json(
        app.stage()
            .state
            .groups
            .read()
            .map(|g| g.latest.values().cloned().collect())
            .unwrap_or_default(),
    )
}
