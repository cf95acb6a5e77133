//! The read-only API: sidecars, environment, health and consumer groups as JSON.

use axum::extract::State;
use axum::Json;

use super::AppState;
use crate::wire::{EnvironmentStatus, Health, SidecarView};

pub async fn sidecars(State(app): State<AppState>) -> Json<Vec<SidecarView>> {
    Json(app.stage().state.sidecar_views())
}

/// The environment's own status, with each broker's latest JMX reading (`metrics`) where
/// the platform reads brokers, and the cluster's under-replicated partitions in total.
pub async fn environment(State(app): State<AppState>) -> Json<serde_json::Value> {
    let stage = app.stage();
    let status: EnvironmentStatus = stage.environment.status().await;
    let observed = stage.state.brokers.read().clone();
    let mut view = serde_json::to_value(&status).unwrap_or_default();
    if let Some(brokers) = view.get_mut("brokers").and_then(|b| b.as_array_mut()) {
        for broker in brokers {
            let id = broker
                .get("id")
                .and_then(|v| v.as_i64())
                .and_then(|id| i32::try_from(id).ok());
            if let Some(observation) = id.and_then(|id| observed.get(&id)) {
                broker["metrics"] = serde_json::to_value(observation).unwrap_or_default();
            }
        }
    }
    if !observed.is_empty() {
        // Saturating: the counts come from the brokers over JMX.
        let total = observed
            .values()
            .filter_map(|o| o.figures.under_replicated_partitions)
            .fold(0_i64, i64::saturating_add);
        view["underReplicatedPartitions"] = total.into();
    }
    Json(view)
}

pub async fn health(State(app): State<AppState>) -> Json<Health> {
    let stage = app.stage();
    let discovery = stage.state.discovery.read().clone();
    let (degraded, restarts) = {
        let tasks = stage.state.tasks.lock();
        (tasks.degraded(), tasks.restarts())
    };
    let status = if !degraded.is_empty() {
        "degraded"
    } else if discovery.replayed {
        "ok"
    } else {
        "starting"
    };
    let sidecars = stage.state.registry.read().len();
    let rejected = stage.state.rejections.read().clone();
    Json(Health {
        status,
        uptime_ms: app.started.elapsed().as_millis() as u64,
        environment: stage.environment.kind().to_owned(),
        sidecars,
        discovery,
        rejected,
        scenario_errors: stage
            .scenarios
            .errors()
            .iter()
            .map(|e| e.to_string())
            .collect(),
        warnings: stage.chaos.warnings(),
        degraded,
        restarts,
    })
}

pub async fn consumer_groups(
    State(app): State<AppState>,
) -> Json<Vec<crate::wire::GroupObservation>> {
    Json(app.stage().state.group_views())
}
