//! Rehearsal: the whole show with no Docker, no JVM and no network. An embedded Kafka
//! cluster (librdkafka's mock brokers) with a simulated network round trip, in-process demo
//! producers and their sidecars. The platform talks to it exactly as to any other cluster.

mod embedded_cluster;
mod faults;
mod kind;
mod mock_waker;
mod replication;
mod workload;

pub use embedded_cluster::EmbeddedCluster;
pub use kind::KIND;
pub use workload::{DemoWorkload, DemoWorkloadConfig};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use faultline_kafka::ClientSettings;
use faultline_protocol::{topics, SidecarId};
use faultline_sidecar::workload::{DemoConsumer, WorkloadState};
use tokio::sync::Mutex;

use super::StepSink;
use super::{Environment, EnvironmentError, LifecycleState, Progress, ReplicationReading};
use crate::chaos::{FaultTarget, Inventory};
use crate::wire::Check;
use crate::wire::{BrokerState, BrokerStatus, EnvironmentStatus};

#[derive(Debug, Clone)]
pub struct RehearsalConfig {
    pub brokers: i32,
    /// Ids of the demo producers started with the environment (each with its sidecar).
    pub producers: Vec<SidecarId>,
    /// Simulated network round trip to every broker. Without it an in-process broker
    /// absorbs any burst instantly; with it a producer's buffer behaves as on a real
    /// network, so overflow and latency scenarios look real.
    pub round_trip: Duration,
    pub heartbeat_interval: Duration,
    pub signal_interval: Duration,
    /// Ids of the demo consumers (in one group) started with the environment.
    pub consumers: Vec<String>,
}

/// The group rehearsal's demo consumers belong to.
pub const CONSUMER_GROUP: &str = "faultline-demo-consumers";

impl Default for RehearsalConfig {
    fn default() -> Self {
        Self {
            brokers: 3,
            producers: ["producer-1", "producer-2"]
                .iter()
                .filter_map(|id| SidecarId::parse(id).ok())
                .collect(),
            round_trip: Duration::from_millis(20),
            heartbeat_interval: Duration::from_secs(2),
            signal_interval: Duration::from_secs(1),
            consumers: vec!["consumer-1".to_owned()],
        }
    }
}

#[derive(Default)]
struct Inner {
    cluster: Option<Arc<EmbeddedCluster>>,
    workloads: BTreeMap<SidecarId, DemoWorkload>,
    consumers: BTreeMap<String, DemoConsumer>,
    brokers_down: BTreeSet<i32>,
    /// Brokers whose round trip a fault has raised, and by how much.
    slowed: BTreeMap<i32, Duration>,
    life: LifecycleState,
}

pub struct RehearsalEnvironment {
    config: RehearsalConfig,
    inner: Mutex<Inner>,
}

impl RehearsalEnvironment {
    pub fn new(config: RehearsalConfig) -> Self {
        Self {
            config,
            inner: Mutex::default(),
        }
    }

    /// Takes a broker down as a crash would; leadership of its partitions moves to live
    /// replicas (see `replication.rs`).
    pub async fn broker_down(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner
            .cluster
            .as_ref()
            .ok_or("rehearsal is not running")?
            .broker_down(broker)?;
        inner.brokers_down.insert(broker);
        Ok(())
    }

    /// Cuts a broker off from its clients; it keeps leading its partitions, as a broker
    /// behind a network partition on the local stack does. Reported down all the same:
    /// nothing can reach it.
    pub async fn cut_off(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner
            .cluster
            .as_ref()
            .ok_or("rehearsal is not running")?
            .cut_off(broker)?;
        inner.brokers_down.insert(broker);
        Ok(())
    }

    pub async fn broker_up(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner
            .cluster
            .as_ref()
            .ok_or("rehearsal is not running")?
            .broker_up(broker)?;
        inner.brokers_down.remove(&broker);
        Ok(())
    }

    /// Sets a producer's rate; returns the previous one.
    pub async fn swap_rate(&self, producer: &str, rate: u32) -> Result<u32, String> {
        let state = self.producer_state(producer).await?;
        Ok(state.rate.swap(rate, std::sync::atomic::Ordering::Relaxed))
    }

    pub async fn nominal_rate(&self, producer: &str) -> Result<u32, String> {
        Ok(self.producer_state(producer).await?.nominal_rate)
    }

    async fn producer_state(&self, producer: &str) -> Result<Arc<WorkloadState>, String> {
        let id = SidecarId::parse(producer).map_err(|e| format!("producer {producer:?}: {e}"))?;
        let inner = self.inner.lock().await;
        let workload = inner
            .workloads
            .get(&id)
            .ok_or_else(|| format!("no demo producer {producer}"))?;
        Ok(workload.producer.state())
    }

    /// Sets a consumer's processing delay per record; returns the previous one.
    pub async fn swap_delay(&self, consumer: &str, ms: u64) -> Result<u64, String> {
        let inner = self.inner.lock().await;
        let consumer = inner
            .consumers
            .get(consumer)
            .ok_or_else(|| format!("no demo consumer {consumer}"))?;
        Ok(consumer.set_delay(ms))
    }

    /// Raises a broker's round trip above the simulated network's by `extra`.
    pub async fn set_extra_round_trip(&self, broker: i32, extra: Duration) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner
            .cluster
            .as_ref()
            .ok_or("rehearsal is not running")?
            .set_round_trip(broker, self.config.round_trip + extra)?;
        inner.slowed.insert(broker, extra);
        Ok(())
    }

    pub async fn restore_round_trip(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        if let Some(cluster) = inner.cluster.as_ref() {
            cluster.set_round_trip(broker, self.config.round_trip)?;
        }
        inner.slowed.remove(&broker);
        Ok(())
    }

    async fn start_steps(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        let progress = Progress::new(steps, self.kind());
        let brokers = self.config.brokers;
        let round_trip = self.config.round_trip;
        let groups = self.consumer_groups();
        let cluster = progress
            .step(
                &format!("Start the embedded Kafka cluster ({brokers} brokers)"),
                async move {
                    let mut topics: Vec<(String, i32)> = topics::ALL
                        .iter()
                        .map(|t| (t.name.to_owned(), t.partitions))
                        .collect();
                    topics.push((topics::DEMO.name.to_owned(), topics::DEMO.partitions));
                    tokio::task::spawn_blocking(move || {
                        EmbeddedCluster::start(brokers, round_trip, topics, &groups)
                    })
                    .await
                    .map_err(|e| e.to_string())?
                },
            )
            .await?;
        let kafka = ClientSettings::new(cluster.bootstrap());
        self.inner.lock().await.cluster = Some(Arc::new(cluster));
        for id in &self.config.producers {
            let mut config = DemoWorkloadConfig::new(id.clone());
            config.heartbeat_interval = self.config.heartbeat_interval;
            config.signal_interval = self.config.signal_interval;
            let workload = progress
                .step(
                    &format!("Start demo producer {id} and its sidecar"),
                    async { DemoWorkload::spawn(&kafka, config) },
                )
                .await?;
            self.inner
                .lock()
                .await
                .workloads
                .insert(id.clone(), workload);
        }
        for id in &self.config.consumers {
            let consumer = progress
                .step(
                    &format!("Start demo consumer {id} (group {CONSUMER_GROUP})"),
                    async { DemoConsumer::start(&kafka, id, CONSUMER_GROUP, topics::DEMO.name) },
                )
                .await?;
            self.inner
                .lock()
                .await
                .consumers
                .insert(id.clone(), consumer);
        }
        Ok(kafka)
    }
}

/// Rehearsal's fault side; its executors are registered in `faults/`.
#[async_trait]
impl FaultTarget for RehearsalEnvironment {
    fn name(&self) -> &'static str {
        self.kind()
    }

    async fn is_running(&self) -> bool {
        self.inner.lock().await.life.is_running()
    }

    /// From the configuration, so it holds whether or not the cluster is up (a fault on a
    /// stopped rehearsal then fails for that reason, not for its target).
    async fn inventory(&self) -> Inventory {
        Inventory {
            brokers: (1..=self.config.brokers).collect(),
            producers: self
                .config
                .producers
                .iter()
                .map(ToString::to_string)
                .collect(),
            consumers: self.config.consumers.clone(),
        }
    }

    async fn verify_clean(&self) -> Vec<Check> {
        let inner = self.inner.lock().await;
        let down: Vec<String> = inner
            .brokers_down
            .iter()
            .map(|b| format!("broker-{b}"))
            .collect();
        let slowed: Vec<String> = inner.slowed.keys().map(|b| format!("broker-{b}")).collect();
        vec![
            Check {
                what: "every embedded broker is up".into(),
                ok: down.is_empty(),
                detail: down.join(", "),
            },
            Check {
                what: "no broker is slowed down".into(),
                ok: slowed.is_empty(),
                detail: slowed.join(", "),
            },
        ]
    }
}

#[async_trait]
impl Environment for RehearsalEnvironment {
    fn kind(&self) -> &'static str {
        KIND.id
    }

    async fn start(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        {
            let mut inner = self.inner.lock().await;
            if let (Some(cluster), true) = (&inner.cluster, inner.life.is_running()) {
                return Ok(ClientSettings::new(cluster.bootstrap()));
            }
            inner.life.starting();
        }
        let result = self.start_steps(steps).await;
        self.inner.lock().await.life.started(&result);
        result
    }

    /// Consumers leave their group and sidecars write their tombstones while the embedded
    /// cluster is still up; then the cluster goes.
    async fn stop(&self) {
        let (consumers, workloads, cluster) = {
            let mut inner = self.inner.lock().await;
            inner.life.stopped();
            inner.brokers_down.clear();
            inner.slowed.clear();
            (
                std::mem::take(&mut inner.consumers),
                std::mem::take(&mut inner.workloads),
                inner.cluster.take(),
            )
        };
        if let Some(cluster) = &cluster {
            // A broker a fault left down would keep the group coordinator away.
            for (id, _, _) in cluster.brokers() {
                let _ = cluster.broker_up(id);
            }
        }
        for (_, consumer) in consumers {
            consumer.stop().await;
        }
        for (_, workload) in workloads {
            workload.stop().await;
        }
        if let Some(cluster) = cluster {
            // Joining the cluster's thread blocks; keep it off the async workers.
            faultline_kafka::close_detached(cluster, "embedded cluster", Duration::from_secs(10))
                .await;
        }
    }

    /// `None` as well for a broker cut off from its clients: nothing could read it.
    async fn replication(&self, broker: i32) -> Option<ReplicationReading> {
        let inner = self.inner.lock().await;
        if inner.brokers_down.contains(&broker) {
            return None;
        }
        inner.cluster.as_ref()?.replication(broker)
    }

    fn runs_workloads(&self) -> bool {
        !self.config.producers.is_empty()
    }

    fn consumer_groups(&self) -> Vec<String> {
        if self.config.consumers.is_empty() {
            Vec::new()
        } else {
            vec![CONSUMER_GROUP.to_owned()]
        }
    }

    async fn status(&self) -> EnvironmentStatus {
        let inner = self.inner.lock().await;
        let brokers = inner
            .cluster
            .as_ref()
            .map(|cluster| {
                cluster
                    .brokers()
                    .into_iter()
                    .map(|(id, host, port)| BrokerStatus {
                        id,
                        host,
                        port,
                        state: if inner.brokers_down.contains(&id) {
                            BrokerState::Down
                        } else {
                            BrokerState::Up
                        },
                        pid: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        EnvironmentStatus {
            kind: self.kind().to_owned(),
            state: inner.life.state(),
            bootstrap_servers: inner
                .cluster
                .as_ref()
                .map(|c| c.bootstrap().to_owned())
                .unwrap_or_default(),
            brokers,
            error: inner.life.error(),
        }
    }
}
