//! Environments: where the Kafka cluster and the demo workloads come from. One trait,
//! one folder per kind, each registered in `kinds.rs`. An environment starts (reporting
//! each step to the launcher's `StepSink`), stops, and reports its brokers.

mod carried;
pub mod docker;
mod external;
mod factory;
pub mod kinds;
pub mod local;
pub mod preflight;
mod progress;
mod readiness;
pub mod rehearsal;
mod sidecar_command;

pub use docker::{DockerConfig, DockerEnvironment};
pub use external::ExternalEnvironment;
pub use factory::{create, EnvironmentFactory, StartRequest};
pub use kinds::{EnvironmentKind, Host};
pub use local::{LocalConfig, LocalEnvironment};

pub use progress::{megabytes, Progress, StepReport, StepSink};
pub use rehearsal::{RehearsalConfig, RehearsalEnvironment};
pub use sidecar_command::SidecarCommand;

/// The local demo producer's nominal rate, messages per second. The buffer-overflow
/// scenario bursts a thousand times above it: 100 000 messages of 512 B a second outrun what
/// three local brokers behind Toxiproxy absorb even on a fast laptop, so the 2 MB buffer
/// fills for certain; ten times less was sometimes absorbed on an idle one.
pub const LOCAL_PRODUCER_RATE: u32 = 100;

/// The rehearsal demo producers' nominal rate. The embedded cluster's simulated round trip
/// fills the buffer at any burst, so this stays at the rate the rehearsal scenarios were
/// proven with: at 100 a second, one full rehearsal run in four lost producer-1's latency
/// after the broker-failure scenario (cause not found yet); at 10 none did.
pub const REHEARSAL_PRODUCER_RATE: u32 = 10;

use async_trait::async_trait;
use faultline_kafka::ClientSettings;

use crate::chaos::FaultTarget;
use crate::wire::{ContainerAction, ContainerRow, EnvironmentStatus, Lifecycle, PreflightCheck};

/// An environment's lifecycle. Its fault side (inventory, executors, checks that no fault is
/// left) is the chaos engine's [`FaultTarget`].
#[async_trait]
pub trait Environment: FaultTarget {
    /// Its kind's id in the registry (`kinds.rs`): `rehearsal`, `local`, `docker` or
    /// `external`.
    fn kind(&self) -> &'static str;
    /// Brings the environment up, reporting each step to `steps` as it starts and ends, and
    /// returns how to reach its cluster.
    async fn start(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError>;
    /// Stops exactly what `start` started.
    async fn stop(&self);
    /// What must hold before `start` can work, passed or not; a failed check blocks it.
    fn preflight(&self) -> Vec<PreflightCheck> {
        Vec::new()
    }
    async fn status(&self) -> EnvironmentStatus;
    /// `(broker id, host:port)` of each broker's JMX, where the platform can read it.
    async fn broker_jmx(&self) -> Vec<(i32, String)> {
        Vec::new()
    }
    /// A live broker's replication numbers where the environment itself keeps them instead
    /// of JMX (rehearsal's embedded cluster); `None` elsewhere, and for a broker that is
    /// down or unknown.
    async fn replication(&self, broker: i32) -> Option<ReplicationReading> {
        let _ = broker;
        None
    }
    /// Whether starting it also starts demo workloads with sidecars (so a start waits for
    /// the first one to register).
    fn runs_workloads(&self) -> bool {
        false
    }
    /// Consumer groups the environment's workloads use.
    fn consumer_groups(&self) -> Vec<String> {
        Vec::new()
    }
    /// Starts a broker that is down (killed, crashed or stopped).
    async fn start_broker(&self, broker: i32) -> Result<(), String> {
        Err(format!(
            "the {} environment cannot start broker {broker}",
            self.kind()
        ))
    }
    /// Its containers, for the containers view. Errors: it has none (only docker has), or
    /// the engine's answer.
    async fn containers(&self) -> Result<Vec<ContainerRow>, String> {
        Err(format!("the {} environment has no containers", self.kind()))
    }
    /// Starts, stops or restarts one of its containers by service. Errors: no such
    /// service, an action the containers view does not offer for it, or the engine's
    /// answer.
    async fn container_action(&self, service: &str, action: ContainerAction) -> Result<(), String> {
        let _ = (service, action);
        Err(format!("the {} environment has no containers", self.kind()))
    }
    /// Starts one more demo producer with its sidecar, which registers itself like the
    /// others. Returns its id. Errors: this environment cannot, or the start failed.
    async fn add_producer(&self) -> Result<String, String> {
        Err(format!(
            "the {} environment cannot add a producer",
            self.kind()
        ))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{step}: {reason}")]
pub struct EnvironmentError {
    pub step: String,
    pub reason: String,
}

/// Where an environment is in its life, and why it failed if it did. Each environment
/// keeps one, so start and status read the same way everywhere.
#[derive(Debug, Clone, Default)]
pub struct LifecycleState {
    lifecycle: Option<Lifecycle>,
    error: Option<String>,
}

impl LifecycleState {
    pub fn is_running(&self) -> bool {
        self.lifecycle == Some(Lifecycle::Running)
    }

    pub fn starting(&mut self) {
        self.lifecycle = Some(Lifecycle::Starting);
        self.error = None;
    }

    /// Records how a start ended.
    pub fn started<T>(&mut self, result: &Result<T, EnvironmentError>) {
        match result {
            Ok(_) => self.lifecycle = Some(Lifecycle::Running),
            Err(error) => {
                self.lifecycle = Some(Lifecycle::Failed);
                self.error = Some(error.to_string());
            }
        }
    }

    pub fn stopped(&mut self) {
        self.lifecycle = Some(Lifecycle::Stopped);
    }

    pub fn state(&self) -> Lifecycle {
        self.lifecycle.unwrap_or(Lifecycle::Stopped)
    }

    pub fn error(&self) -> Option<String> {
        self.error.clone()
    }
}

/// What a broker without JMX reports of replication, with the meaning of Kafka's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicationReading {
    /// Partitions this broker leads whose in-sync replicas are fewer than their replicas
    /// (Kafka's UnderReplicatedPartitions).
    pub under_replicated_partitions: i64,
    /// Partitions of the whole cluster led by a broker other than their preferred replica
    /// (Kafka's PreferredReplicaImbalanceCount, as a controller reports it).
    pub preferred_replica_imbalance: i64,
}
