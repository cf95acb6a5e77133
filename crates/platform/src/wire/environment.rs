//! The environment as `GET /api/environment` shows it: its kind, where it is in its life,
//! its bootstrap servers and brokers.

use serde::Serialize;

/// Where an environment is in its life (`state` in `GET /api/environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Stopped,
    Starting,
    Running,
    Failed,
}

/// `GET /api/environment`: the environment, where it is in its life, and its brokers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentStatus {
    pub kind: String,
    pub state: Lifecycle,
    pub bootstrap_servers: String,
    pub brokers: Vec<BrokerStatus>,
    /// Why the environment failed, when it did.
    pub error: Option<String>,
}

/// Whether a broker's process or container is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "lowercase")]
pub enum BrokerState {
    Up,
    Down,
}

/// One broker of the environment: where it listens and whether it is up.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerStatus {
    pub id: i32,
    pub host: String,
    pub port: u16,
    pub state: BrokerState,
    /// The broker's process, when Faultline started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
}

/// One container of the environment, as the launch panel's containers view shows it
/// (`GET /api/environment/containers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRow {
    /// The compose service (`broker-2`, `sidecar-producer-1`).
    pub service: String,
    /// The container's name.
    pub name: String,
    /// The engine's word: `running`, `paused`, `exited`, `created`, ...
    pub state: String,
    /// `healthy`, `unhealthy`, `starting`, or `none` without a healthcheck.
    pub health: String,
    /// What the presenter may do to it from the panel (`start`, `stop`, `restart`): brokers
    /// and sidecars only; Toxiproxy and the workloads are the stage, not the actors.
    pub actions: Vec<ContainerAction>,
}

/// What the containers view can do to a container
/// (`POST /api/environment/containers/{service}/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, strum::VariantArray)]
#[serde(rename_all = "lowercase")]
pub enum ContainerAction {
    Start,
    Stop,
    Restart,
}
