//! Rehearsal: the whole show with no Docker, no JVM and no network. An embedded Kafka
//! cluster (librdkafka's mock brokers) with a simulated network round trip, in-process demo
//! producers and their sidecars. The platform talks to it exactly as to any other cluster.

mod embedded_cluster;
mod workload;

pub use embedded_cluster::EmbeddedCluster;
pub use workload::{DemoWorkload, DemoWorkloadConfig};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use faultline_kafka::ClientSettings;
use faultline_protocol::{topics, SidecarId};
use tokio::sync::Mutex;

use super::{BrokerState, BrokerStatus, Environment, EnvironmentError, EnvironmentStatus, Lifecycle, Progress};
use crate::Bus;

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
}

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
        }
    }
}

#[derive(Default)]
struct Inner {
    cluster: Option<Arc<EmbeddedCluster>>,
    workloads: BTreeMap<SidecarId, DemoWorkload>,
    brokers_down: BTreeSet<i32>,
    lifecycle: Option<Lifecycle>,
    error: Option<String>,
}

pub struct RehearsalEnvironment {
    config: RehearsalConfig,
    inner: Mutex<Inner>,
}

impl RehearsalEnvironment {
    pub fn new(config: RehearsalConfig) -> Self {
        Self { config, inner: Mutex::default() }
    }

    /// Changes a running demo producer's rate (what a burst fault does).
    pub async fn set_rate(&self, producer: &SidecarId, rate: u32) -> Result<(), String> {
        let inner = self.inner.lock().await;
        let workload = inner.workloads.get(producer).ok_or_else(|| format!("no demo producer {producer}"))?;
        workload.producer.set_rate(rate);
        Ok(())
    }

    pub async fn broker_down(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner.cluster.as_ref().ok_or("rehearsal is not running")?.broker_down(broker)?;
        inner.brokers_down.insert(broker);
        Ok(())
    }

    pub async fn broker_up(&self, broker: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        inner.cluster.as_ref().ok_or("rehearsal is not running")?.broker_up(broker)?;
        inner.brokers_down.remove(&broker);
        Ok(())
    }

    async fn start_steps(&self, bus: &Bus) -> Result<ClientSettings, EnvironmentError> {
        let progress = Progress::new(bus, self.kind());
        let brokers = self.config.brokers;
        let round_trip = self.config.round_trip;
        let cluster = progress
            .step(&format!("Start the embedded Kafka cluster ({brokers} brokers)"), async move {
                let mut topics: Vec<(String, i32)> =
                    topics::ALL.iter().map(|t| (t.name.to_owned(), t.partitions)).collect();
                topics.push((topics::DEMO.name.to_owned(), topics::DEMO.partitions));
                tokio::task::spawn_blocking(move || EmbeddedCluster::start(brokers, round_trip, topics))
                    .await
                    .map_err(|e| e.to_string())?
            })
            .await?;
        let kafka = ClientSettings::new(cluster.bootstrap());
        self.inner.lock().await.cluster = Some(Arc::new(cluster));
        for id in &self.config.producers {
            let mut config = DemoWorkloadConfig::new(id.clone());
            config.heartbeat_interval = self.config.heartbeat_interval;
            config.signal_interval = self.config.signal_interval;
            let workload = progress
                .step(&format!("Start demo producer {id} and its sidecar"), async {
                    DemoWorkload::spawn(&kafka, config)
                })
                .await?;
            self.inner.lock().await.workloads.insert(id.clone(), workload);
        }
        Ok(kafka)
    }
}

#[async_trait]
impl Environment for RehearsalEnvironment {
    fn kind(&self) -> &'static str {
        "rehearsal"
    }

    async fn start(&self, bus: &Bus) -> Result<ClientSettings, EnvironmentError> {
        {
            let mut inner = self.inner.lock().await;
            if let (Some(cluster), Some(Lifecycle::Running)) = (&inner.cluster, inner.lifecycle) {
                return Ok(ClientSettings::new(cluster.bootstrap()));
            }
            inner.lifecycle = Some(Lifecycle::Starting);
            inner.error = None;
        }
        let result = self.start_steps(bus).await;
        let mut inner = self.inner.lock().await;
        match &result {
            Ok(_) => inner.lifecycle = Some(Lifecycle::Running),
            Err(error) => {
                inner.lifecycle = Some(Lifecycle::Failed);
                inner.error = Some(error.to_string());
            }
        }
        result
    }

    async fn stop(&self) {
        let (workloads, cluster) = {
            let mut inner = self.inner.lock().await;
            inner.lifecycle = Some(Lifecycle::Stopped);
            inner.brokers_down.clear();
            (std::mem::take(&mut inner.workloads), inner.cluster.take())
        };
        for (_, workload) in workloads {
            workload.stop().await;
        }
        if let Some(cluster) = cluster {
            // Joining the cluster's thread blocks; keep it off the async workers.
            let _ = tokio::task::spawn_blocking(move || drop(cluster)).await;
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
                        state: if inner.brokers_down.contains(&id) { BrokerState::Down } else { BrokerState::Up },
                        pid: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        EnvironmentStatus {
            kind: self.kind().to_owned(),
            state: inner.lifecycle.unwrap_or(Lifecycle::Stopped),
            bootstrap_servers: inner.cluster.as_ref().map(|c| c.bootstrap().to_owned()).unwrap_or_default(),
            brokers,
            error: inner.error.clone(),
        }
    }
}
