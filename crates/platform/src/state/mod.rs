//! What the platform knows, apart from how it is shown: the sidecar registry, the latest
//! reading and judgement of every subject (sidecars, brokers, consumer groups), what
//! happened to them (`history`), counts of refused records and the health of its own tasks.
//! Pure data with explicit clocks, so the rules are unit-tested without Kafka.

pub mod groups;
pub mod history;
mod judged_views;
pub mod readings;
pub mod registry;
mod sidecar_views;
pub mod tasks;

use std::collections::BTreeMap;
use std::sync::Arc;

use faultline_protocol::SidecarId;
use parking_lot::{Mutex, RwLock};

use crate::wire::{BrokerMetrics, DiscoveryProgress, Observed, ProducerSignal, Rejections};

/// The latest reading and judgement of each subject of one kind, by its id.
pub type Table<Id, F> = BTreeMap<Id, Observed<F>>;

/// The platform's shared state, read by the server and written by the consumers. The locks
/// do not poison: a task that panics while holding one releases it, and what it guarded is
/// still read and written (every update leaves it whole).
#[derive(Clone, Default)]
pub struct SharedState {
    pub registry: Arc<RwLock<registry::Registry>>,
    /// Each producer sidecar's latest signal, judged.
    pub signals: Arc<RwLock<Table<SidecarId, ProducerSignal>>>,
    pub rejections: Arc<RwLock<Rejections>>,
    pub discovery: Arc<RwLock<DiscoveryProgress>>,
    /// The watched consumer groups and each one's latest lag, judged.
    pub groups: Arc<RwLock<groups::Groups>>,
    /// Each broker's latest health reading, judged.
    pub brokers: Arc<RwLock<Table<i32, BrokerMetrics>>>,
    /// Situations reached and sidecars healed, for readers that look now and then.
    pub history: Arc<RwLock<history::History>>,
    /// Which supervised platform tasks are failing, and how often each was restarted.
    pub tasks: Arc<Mutex<tasks::Tasks>>,
}
