//! What the platform knows, apart from how it is shown: the sidecar registry, the latest
//! judgement per sidecar, and counts of refused records. Pure data with explicit clocks,
//! so the rules are unit-tested without Kafka.

pub mod brokers;
pub mod groups;
pub mod observations;
pub mod registry;
pub mod rejections;

use std::sync::{Arc, RwLock};

/// The platform's shared state, read by the server and written by the consumers.
#[derive(Clone, Default)]
pub struct SharedState {
    pub registry: Arc<RwLock<registry::Registry>>,
    pub observations: Arc<RwLock<observations::Observations>>,
    pub rejections: Arc<RwLock<rejections::Rejections>>,
    pub discovery: Arc<RwLock<DiscoveryProgress>>,
    pub groups: Arc<RwLock<groups::Groups>>,
    pub brokers: Arc<RwLock<brokers::Brokers>>,
}

/// Whether the registration topic has been replayed since this start.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryProgress {
    pub replayed: bool,
    pub records: u64,
    pub elapsed_ms: Option<u64>,
}
