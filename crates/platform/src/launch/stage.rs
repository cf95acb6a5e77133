//! One environment with everything that works on it: its chaos engine (and ledger), its
//! scenarios, the platform's state and, once up, the platform. A new start of another
//! kind gets a new stage, so nothing of the last one (sidecars, faults) leaks into it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use super::StageOptions;
use crate::chaos::Chaos;
use crate::environments::{Environment, EnvironmentError, Progress, StepSink};
use crate::scenarios::Scenarios;
use crate::state::SharedState;
use crate::wire::SidecarStatus;
use crate::{Bus, Platform, PlatformConfig};

/// How long a start waits for the first demo sidecar before saying so.
const FIRST_SIDECAR_WITHIN: Duration = Duration::from_secs(60);

pub struct Stage {
    pub environment: Arc<dyn Environment>,
    pub chaos: Arc<Chaos>,
    pub scenarios: Arc<Scenarios>,
    pub state: SharedState,
    /// Empty until the environment is up and the platform has started.
    pub platform: Arc<Mutex<Option<Platform>>>,
}

impl Stage {
    pub fn new(environment: Arc<dyn Environment>, options: &StageOptions, bus: &Bus) -> Self {
        let state = SharedState::default();
        let chaos = Arc::new(Chaos::new(
            environment.clone(),
            options.ledger.clone(),
            bus.clone(),
            state.clone(),
        ));
        let scenarios = Arc::new(Scenarios::new(
            options.scenarios_dir.clone(),
            chaos.clone(),
            bus.clone(),
            state.clone(),
            environment.kind(),
        ));
        Self {
            environment,
            chaos,
            scenarios,
            state,
            platform: Arc::new(Mutex::new(None)),
        }
    }

    /// Starts the environment, reverts faults a crashed run left behind, starts the
    /// platform (on `bus`) and waits for the first demo sidecar; every step is reported to
    /// `steps`.
    pub async fn bring_up(&self, bus: &Bus, steps: &StepSink) -> Result<(), EnvironmentError> {
        let environment = &self.environment;
        let kafka = environment.start(steps).await?;
        let progress = Progress::new(steps, environment.kind());
        progress
            .step("Revert faults a previous run left behind", async {
                if let Some(report) = self.chaos.recover_leftovers().await {
                    tracing::warn!(reverted = ?report.reverted, failed = ?report.failed, "reverted faults left behind by a previous run");
                }
                Ok::<_, String>(())
            })
            .await?;
        let mut config = PlatformConfig::new(kafka);
        config.consumer_groups = environment.consumer_groups();
        config.broker_jmx = environment.broker_jmx().await;
        config.environment = Some(environment.clone());
        let platform = progress
            .step(
                "Start the platform (discovery, detectors, coordinator)",
                async { Platform::start(config, bus.clone(), self.state.clone()) },
            )
            .await?;
        *self.platform.lock().await = Some(platform);
        if environment.runs_workloads() {
            progress
                .step(
                    "Wait for the first sidecar to register",
                    self.first_sidecar(),
                )
                .await?;
        }
        Ok(())
    }

    async fn first_sidecar(&self) -> Result<(), String> {
        let registered = || {
            self.state
                .registry
                .read()
                .entries()
                .any(|(_, entry)| entry.status == SidecarStatus::Active)
        };
        let waiting = async {
            while !registered() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        tokio::time::timeout(FIRST_SIDECAR_WITHIN, waiting)
            .await
            .map_err(|_| {
                format!(
                    "no sidecar registered within {} s",
                    FIRST_SIDECAR_WITHIN.as_secs()
                )
            })
    }

    /// Reverts every fault and stops the platform; the environment keeps running.
    pub async fn wind_down(&self) {
        let report = self.chaos.restore_all(Duration::ZERO).await;
        if !report.reverted.is_empty() {
            tracing::info!(
                reverted = report.reverted.len(),
                "faults reverted on the way out"
            );
        }
        if let Some(platform) = self.platform.lock().await.take() {
            platform.shutdown().await;
        }
    }
}
