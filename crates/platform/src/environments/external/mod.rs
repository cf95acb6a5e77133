//! The `external` environment: an existing cluster that Faultline only observes.

mod kind;

pub use kind::KIND;

use std::time::Duration;

use async_trait::async_trait;
use faultline_kafka::ClientSettings;
use rdkafka::producer::{BaseProducer, Producer};

use super::StepSink;
use super::{Environment, EnvironmentError, Progress};
use crate::chaos::{Executes, Executors, FaultTarget};
use crate::wire::{BrokerState, BrokerStatus, EnvironmentStatus, Lifecycle};

/// An existing cluster somewhere else: Faultline starts nothing, it only discovers the
/// sidecars that report there. Client settings (TLS, SASL) pass through untouched.
pub struct ExternalEnvironment {
    settings: ClientSettings,
}

impl ExternalEnvironment {
    pub fn new(settings: ClientSettings) -> Self {
        Self { settings }
    }
}

/// Faultline only observes an external cluster: no executor is registered, so every fault
/// is refused as unsupported.
impl Executes for ExternalEnvironment {
    fn executors(&self) -> &Executors<Self> {
        static NONE: Executors<ExternalEnvironment> = Executors::none();
        &NONE
    }
}

#[async_trait]
impl FaultTarget for ExternalEnvironment {
    fn name(&self) -> &'static str {
        self.kind()
    }

    async fn is_running(&self) -> bool {
        self.status().await.state == Lifecycle::Running
    }
}

#[async_trait]
impl Environment for ExternalEnvironment {
    fn kind(&self) -> &'static str {
        KIND.id
    }

    async fn start(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        let progress = Progress::new(steps, self.kind());
        let count = progress
            .step(
                &format!("Reach the cluster at {}", self.settings.bootstrap),
                faultline_kafka::broker_count(&self.settings),
            )
            .await?;
        tracing::info!(brokers = count, bootstrap = %self.settings.bootstrap, "external cluster reachable");
        Ok(self.settings.clone())
    }

    async fn stop(&self) {}

    async fn status(&self) -> EnvironmentStatus {
        let config = self.settings.client_config();
        let brokers = tokio::task::spawn_blocking(move || -> Result<Vec<BrokerStatus>, String> {
            let producer: BaseProducer = config.create().map_err(|e| e.to_string())?;
            let metadata = producer
                .client()
                .fetch_metadata(None, Duration::from_secs(3))
                .map_err(|e| e.to_string())?;
            Ok(metadata
                .brokers()
                .iter()
                .map(|b| BrokerStatus {
                    id: b.id(),
                    host: b.host().to_owned(),
                    port: u16::try_from(b.port()).unwrap_or_default(),
                    state: BrokerState::Up,
                    pid: None,
                })
                .collect())
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        let (state, brokers, error) = match brokers {
            Ok(brokers) => (Lifecycle::Running, brokers, None),
            Err(error) => (
                Lifecycle::Failed,
                Vec::new(),
                Some(format!("cannot read cluster metadata: {error}")),
            ),
        };
        EnvironmentStatus {
            kind: self.kind().to_owned(),
            state,
            bootstrap_servers: self.settings.bootstrap.clone(),
            brokers,
            error,
        }
    }
}
