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
