//! `docker`: the full environment in containers, from `compose/docker-compose.yml` through
//! the Engine API (bollard): three KRaft brokers, Toxiproxy with proxies in front of each
//! (the brokers advertise them, so no client bypasses them), the Java demo workloads and
//! a `faultline-sidecar` container beside each. Only what carries the project label is
//! ever touched.

mod compose;
mod config;
mod containers;
mod engine;
mod extra;
mod faults;
mod images;
mod kind;
mod preflight;

pub use config::{ports, DockerConfig};
pub use engine::{engine_running, how_to_start};
pub use kind::KIND;

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use bollard::Docker;
use faultline_kafka::{ensure_these_topics, ensure_topics, ClientSettings};
use faultline_protocol::topics;
use tokio::sync::Mutex;

use super::local::{Toxiproxy, CONSUMER_GROUP, CONSUMER_ID, PRODUCER_ID};
use super::{readiness, Environment, EnvironmentError, LifecycleState, Progress, StepSink};
use crate::chaos::{FaultTarget, Inventory};
use crate::wire::{
    BrokerState, BrokerStatus, Check, ContainerAction, ContainerRow, EnvironmentStatus,
    PreflightCheck,
};
use compose::Project;

/// The brokers the compose file runs, `broker-1` to `broker-3`.
const BROKERS: u8 = 3;

pub struct DockerEnvironment {
    config: DockerConfig,
    inner: Mutex<Inner>,
    /// Producers added from the panel ("add a producer"): id → JMX port.
    added: Mutex<BTreeMap<String, u16>>,
}

#[derive(Default)]
struct Inner {
    life: LifecycleState,
    docker: Option<Docker>,
    project: Option<Project>,
}

fn broker_service(broker: i32) -> String {
    format!("broker-{broker}")
}

impl DockerEnvironment {
    pub fn new(config: DockerConfig) -> Self {
        Self {
            config,
            inner: Mutex::default(),
            added: Mutex::default(),
        }
    }

    pub fn config(&self) -> &DockerConfig {
        &self.config
    }

    /// Clients on the host reach the brokers through their Toxiproxy proxies.
    pub fn kafka_settings(&self) -> ClientSettings {
        ClientSettings::new(bootstrap())
    }

    pub fn toxiproxy(&self) -> Toxiproxy {
        Toxiproxy::new(ports::TOXIPROXY_API)
    }

    /// The engine, connected once.
    async fn engine(&self) -> Result<Docker, String> {
        if let Some(docker) = self.inner.lock().await.docker.clone() {
            return Ok(docker);
        }
        let docker = engine::connect().await?;
        self.inner.lock().await.docker = Some(docker.clone());
        Ok(docker)
    }

    /// The compose file, read once.
    async fn project(&self) -> Result<Project, String> {
        if let Some(project) = self.inner.lock().await.project.clone() {
            return Ok(project);
        }
        let project = compose::read(&self.config.compose_file)?;
        self.inner.lock().await.project = Some(project.clone());
        Ok(project)
    }

    /// The id of `service`'s container, found by the project and service labels.
    async fn container(&self, service: &str) -> Result<(Docker, String), String> {
        let docker = self.engine().await?;
        let project = self.project().await?;
        let id = containers::id_of(&docker, &project.name, service).await?;
        Ok((docker, id))
    }

    /// The state of `service`'s container as the engine has it.
    async fn state(&self, service: &str) -> Result<bollard::models::ContainerState, String> {
        let (docker, id) = self.container(service).await?;
        docker
            .inspect_container(&id, None)
            .await
            .map_err(|e| format!("inspecting {service} failed: {e}"))?
            .state
            .ok_or_else(|| format!("the engine did not say {service}'s state"))
    }

    /// Starts `service`'s container if it is stopped, or unpauses it if it is paused;
    /// nothing to do when it runs.
    pub async fn resume(&self, service: &str) -> Result<(), String> {
        let state = self.state(service).await?;
        let (docker, id) = self.container(service).await?;
        if state.paused == Some(true) {
            docker
                .unpause_container(&id)
                .await
                .map_err(|e| format!("unpausing {service} failed: {e}"))
        } else if state.running != Some(true) {
            docker
                .start_container(&id, None)
                .await
                .map_err(|e| format!("starting {service} failed: {e}"))
        } else {
            Ok(())
        }
    }

    async fn start_steps(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        let progress = Progress::new(steps, self.kind());
        let docker = progress
            .step("Connect to the Docker engine", async {
                self.engine()
                    .await
                    .map_err(|e| format!("{e}; {}", engine::how_to_start()))
            })
            .await?;
        progress
            .step_saying("Read the compose file", async {
                self.project().await.map(|p| {
                    format!(
                        "{} services from {}",
                        p.services.len(),
                        self.config.compose_file.display()
                    )
                })
            })
            .await?;
        let project = self.project().await.map_err(|reason| EnvironmentError {
            step: "Read the compose file".into(),
            reason,
        })?;
        progress
            .step_saying(
                "Remove what a previous run left (Faultline's label only)",
                async {
                    containers::down(&docker, &project.name)
                        .await
                        .map(|removed| format!("{removed} containers removed"))
                },
            )
            .await?;
        // One step per image, from the service that builds it when one does (a second
        // service running the same image only names it).
        let mut images: Vec<&compose::Service> = Vec::new();
        for service in &project.services {
            match images.iter_mut().find(|s| s.image == service.image) {
                Some(listed) if listed.build.is_none() && service.build.is_some() => {
                    *listed = service
                }
                Some(_) => {}
                None => images.push(service),
            }
        }
        for service in images {
            let step = format!("Image {}", service.image);
            let updates = progress.updates(&step);
            progress
                .step_saying(&step, async {
                    images::ensure(
                        &docker,
                        &project.name,
                        service,
                        &self.config.artifacts,
                        self.config.image_prefix.as_deref(),
                        &updates,
                    )
                    .await
                    .map(|outcome| outcome.describe(&service.image))
                })
                .await?;
        }
        progress
            .step(
                "Create the network",
                containers::create_networks(&docker, &project),
            )
            .await?;
        for service in &project.services {
            let step = format!("Start {}", service.name);
            let updates = progress.updates(&step);
            progress
                .step(&step, async {
                    for dependency in service.depends_on.iter().filter(|d| d.healthy) {
                        let Some(needed) = project.service(&dependency.service) else {
                            continue;
                        };
                        updates(format!("waiting for {} to be healthy", needed.name), None);
                        containers::wait_healthy(&docker, needed, self.config.healthy_within)
                            .await?;
                    }
                    containers::create_and_start(&docker, &project, service).await
                })
                .await?;
        }
        for service in &project.services {
            progress
                .step(
                    &format!("{} healthy", service.name),
                    containers::wait_healthy(&docker, service, self.config.healthy_within),
                )
                .await?;
        }
        let kafka = self.kafka_settings();
        progress
            .step(
                &format!("Wait for {BROKERS} brokers in the cluster metadata"),
                readiness::brokers_joined(&kafka, usize::from(BROKERS), Duration::from_secs(120)),
            )
            .await?;
        progress
            .step("Create topics (replication 3, min ISR 2)", async {
                ensure_topics(&kafka).await.map_err(|e| e.to_string())?;
                ensure_these_topics(&kafka, &[topics::DEMO])
                    .await
                    .map_err(|e| e.to_string())
            })
            .await?;
        progress
            .step(
                "Wait for the sidecars' registrations on Kafka",
                readiness::registrations(&kafka, &[PRODUCER_ID, CONSUMER_ID]),
            )
            .await?;
        Ok(kafka)
    }
}

/// `127.0.0.1:29091,...`: each broker's proxy for clients on the host.
fn bootstrap() -> String {
    (1..=BROKERS)
        .map(|n| format!("127.0.0.1:{}", ports::client(n)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The docker environment's fault side; its executors are registered in `faults/`.
#[async_trait]
impl FaultTarget for DockerEnvironment {
    fn name(&self) -> &'static str {
        self.kind()
    }

    async fn is_running(&self) -> bool {
        self.inner.lock().await.life.is_running()
    }

    async fn inventory(&self) -> Inventory {
        let mut producers = vec![PRODUCER_ID.to_owned()];
        producers.extend(self.added.lock().await.keys().cloned());
        Inventory {
            brokers: (1..=BROKERS).map(i32::from).collect(),
            producers,
            consumers: vec![CONSUMER_ID.to_owned()],
        }
    }

    async fn verify_clean(&self) -> Vec<Check> {
        let mut checks = vec![faults::no_toxics(&self.toxiproxy()).await];
        for broker in 1..=i32::from(BROKERS) {
            let service = broker_service(broker);
            let (ok, detail) = match self.state(&service).await {
                Ok(state) => {
                    let running = state.running == Some(true) && state.paused != Some(true);
                    let word = state.status.map(|s| s.to_string()).unwrap_or_default();
                    (running, word)
                }
                Err(error) => (false, error),
            };
            checks.push(Check {
                what: format!("{service}'s container runs, unpaused"),
                ok,
                detail,
            });
            checks.push(faults::full_cpu(self, broker).await);
        }
        checks
    }
}

#[async_trait]
impl Environment for DockerEnvironment {
    fn kind(&self) -> &'static str {
        KIND.id
    }

    fn preflight(&self) -> Vec<PreflightCheck> {
        let running = self
            .inner
            .try_lock()
            .is_ok_and(|inner| inner.life.is_running());
        preflight::checks(&self.config, running)
    }

    async fn start(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        {
            let mut inner = self.inner.lock().await;
            if inner.life.is_running() {
                return Ok(self.kafka_settings());
            }
            inner.life.starting();
        }
        self.added.lock().await.clear();
        let result = self.start_steps(steps).await;
        self.inner.lock().await.life.started(&result);
        result
    }

    /// Removes every container and network with the project's label.
    async fn stop(&self) {
        self.inner.lock().await.life.stopped();
        self.added.lock().await.clear();
        let removed = async {
            let docker = self.engine().await?;
            let project = self.project().await?;
            containers::down(&docker, &project.name).await
        };
        match removed.await {
            Ok(count) => tracing::info!(count, "docker environment removed"),
            Err(error) => tracing::warn!(%error, "removing the docker environment failed"),
        }
    }

    async fn status(&self) -> EnvironmentStatus {
        let mut brokers = Vec::new();
        for broker in 1..=BROKERS {
            let state = self.state(&broker_service(i32::from(broker))).await.ok();
            let up = state
                .as_ref()
                .is_some_and(|s| s.running == Some(true) && s.paused != Some(true));
            brokers.push(BrokerStatus {
                id: i32::from(broker),
                host: "127.0.0.1".into(),
                port: ports::client(broker),
                state: if up {
                    BrokerState::Up
                } else {
                    BrokerState::Down
                },
                pid: state
                    .and_then(|s| s.pid)
                    .filter(|pid| *pid > 0)
                    .and_then(|pid| u32::try_from(pid).ok()),
            });
        }
        let inner = self.inner.lock().await;
        EnvironmentStatus {
            kind: self.kind().to_owned(),
            state: inner.life.state(),
            bootstrap_servers: bootstrap(),
            brokers,
            error: inner.life.error(),
        }
    }

    async fn broker_jmx(&self) -> Vec<(i32, String)> {
        (1..=BROKERS)
            .map(|n| (i32::from(n), format!("127.0.0.1:{}", ports::broker_jmx(n))))
            .collect()
    }

    fn runs_workloads(&self) -> bool {
        true
    }

    fn consumer_groups(&self) -> Vec<String> {
        vec![CONSUMER_GROUP.to_owned()]
    }

    async fn start_broker(&self, broker: i32) -> Result<(), String> {
        self.resume(&broker_service(broker)).await
    }

    async fn containers(&self) -> Result<Vec<ContainerRow>, String> {
        let docker = self.engine().await?;
        let project = self.project().await?;
        containers::list(&docker, &project.name).await
    }

    async fn container_action(&self, service: &str, action: ContainerAction) -> Result<(), String> {
        if !containers::actions_for(service).contains(&action) {
            return Err(format!(
                "{service} is part of the stage: only brokers and sidecars are started, \
                 stopped or restarted from the containers view"
            ));
        }
        let (docker, id) = self.container(service).await?;
        let result = match action {
            ContainerAction::Start => return self.resume(service).await,
            ContainerAction::Stop => docker.stop_container(&id, None).await,
            ContainerAction::Restart => docker.restart_container(&id, None).await,
        };
        result.map_err(|e| format!("{service}: {e}"))
    }

    async fn add_producer(&self) -> Result<String, String> {
        let docker = self.engine().await?;
        let project = self.project().await?;
        let taken: Vec<String> = self.added.lock().await.keys().cloned().collect();
        let (id, port) = extra::next_producer(&taken);
        extra::start_pair(&docker, &project, &id, port, self.config.healthy_within).await?;
        self.added.lock().await.insert(id.clone(), port);
        Ok(id)
    }
}
