//! What the platform knows, apart from how it is shown: the sidecar registry, the latest
//! judgement per sidecar, counts of refused records and the health of its own tasks. Pure
//! data with explicit clocks, so the rules are unit-tested without Kafka.

pub mod brokers;
pub mod groups;
pub mod observations;
pub mod registry;
pub mod rejections;
pub mod tasks;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

/// The platform's shared state, read by the server and written by the consumers. The locks
/// do not poison: a task that panics while holding one releases it, and what it guarded is
/// still read and written (every update leaves it whole).
#[derive(Clone, Default)]
pub struct SharedState {
    pub registry: Arc<RwLock<registry::Registry>>,
    pub observations: Arc<RwLock<observations::Observations>>,
    pub rejections: Arc<RwLock<rejections::Rejections>>,
    pub discovery: Arc<RwLock<DiscoveryProgress>>,
    pub groups: Arc<RwLock<groups::Groups>>,
    pub brokers: Arc<RwLock<brokers::Brokers>>,
    /// Which supervised platform tasks are failing, and how often each was restarted.
    pub tasks: Arc<Mutex<tasks::Tasks>>,
}

/// Whether the registration topic has been replayed since this start.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryProgress {
    pub replayed: bool,
    pub records: u64,
    pub elapsed_ms: Option<u64>,
}
