//! The HTTP API's short answers: a refusal's sentence, and what an accepted action gives
//! back (a run id, a command's response id, a reverted fault's sentence).

use serde::Serialize;

use super::launch::PreflightCheck;

/// Every refusal, whatever its status: `{"error": sentence}`, the sentence never echoing
/// raw input.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    pub error: String,
}

/// A start refused by pre-flight (422): the sentence naming every blocker with its fix,
/// and the blockers.
#[derive(Debug, Clone, Serialize)]
pub struct StartRefused {
    pub error: String,
    pub blockers: Vec<PreflightCheck>,
}

/// `POST /api/scenarios/{id}/run` (202): the run to follow at `GET /api/runs/{runId}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunStarted {
    pub run_id: String,
}

/// `POST /api/sidecars/{id}/command` (202): the response id the COMMAND was sent under.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandSent {
    pub response_id: String,
}

/// `POST /api/environment/containers/{service}/{action}`: what was done to which container.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerDone {
    pub service: String,
    pub action: super::ContainerAction,
}

/// `POST /api/environment/producers` (201): the new producer's id; its sidecar registers
/// under it.
#[derive(Debug, Clone, Serialize)]
pub struct ProducerAdded {
    pub added: String,
}

/// `POST /api/environment/brokers/{id}/start`: the broker started.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerStarted {
    pub started: i32,
}

/// `DELETE /api/faults/{id}`: the sentence saying what was reverted.
#[derive(Debug, Clone, Serialize)]
pub struct FaultReverted {
    pub reverted: String,
}
