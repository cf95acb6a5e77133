//! `local`: the real topology as plain processes on 127.0.0.1, no Docker. Three Apache
//! Kafka brokers in KRaft mode, Toxiproxy with one proxy per broker (the brokers advertise
//! their proxies, so clients cannot bypass them), the Java demo producer and consumer with
//! JMX, and a `faultline-sidecar` process watching each. Only the processes recorded in the
//! stack file are ever signalled.

mod config;
pub(crate) mod faults;
mod kafka;
mod kafka_jars;
mod kind;
mod prerequisites;
pub(crate) mod process;
mod run_lock;
mod stack_file;
mod toxiproxy;
mod workloads;

pub use config::{cache_dir, LocalConfig, Ports, KAFKA_VERSION};
pub use kind::KIND;
pub use prerequisites::Blocker;
pub use process::ProcessRecord;
pub use toxiproxy::{Proxy, Toxic, Toxiproxy, ToxiproxyError};
pub use workloads::{CONSUMER_GROUP, CONSUMER_ID, PRODUCER_ID};

use std::process::Command;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use faultline_kafka::{ensure_these_topics, ensure_topics, ClientSettings};
use faultline_protocol::topics;
use nix::sys::signal::Signal;
use tokio::sync::Mutex;

use super::{megabytes, readiness, StepSink};
use super::{Environment, EnvironmentError, LifecycleState, Progress};
use crate::chaos::{FaultTarget, Inventory};
use crate::wire::Check;
use crate::wire::{BrokerState, BrokerStatus, EnvironmentStatus, PreflightCheck};
use run_lock::{Holder, RunLock};
use stack_file::StackFile;

const TOXIPROXY: &str = "toxiproxy";
/// How long a start waits for ports that are still taken before it names them as blockers.
const PORTS_RELEASED_WITHIN: Duration = Duration::from_secs(15);
const PRODUCER_WORKLOAD: &str = "Java demo producer";
const CONSUMER_WORKLOAD: &str = "Java demo consumer";

pub struct LocalEnvironment {
    config: LocalConfig,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    stack: StackFile,
    life: LifecycleState,
    /// Held from start until the stack is stopped and its record removed.
    lock: Option<RunLock>,
}

fn broker_name(broker: u8) -> String {
    format!("broker-{broker}")
}

const STOP_PHASES: u8 = 3;

/// When a process stops, by its role. Brokers stop together: the last of three brokers
/// stopped one by one waits in vain for a controller quorum that has already gone, and
/// would hold up every stop until it is killed.
fn stop_phase(name: &str) -> u8 {
    if name.starts_with("sidecar-") {
        0
    } else if name.starts_with("broker-") {
        2
    } else if name == TOXIPROXY {
        STOP_PHASES
    } else {
        1
    }
}

impl LocalEnvironment {
    pub fn new(config: LocalConfig) -> Self {
        Self {
            config,
            inner: Mutex::default(),
        }
    }

    pub fn config(&self) -> &LocalConfig {
        &self.config
    }

    pub fn kafka_settings(&self) -> ClientSettings {
        ClientSettings::new(kafka::bootstrap(&self.config.ports, self.config.brokers))
    }

    pub fn toxiproxy(&self) -> Toxiproxy {
        Toxiproxy::new(self.config.ports.toxiproxy_api())
    }

    /// The record of a process of the running stack, by name (`broker-2`, `toxiproxy`,
    /// `producer`, `consumer`, `sidecar-producer-1`, ...).
    pub async fn process(&self, name: &str) -> Option<ProcessRecord> {
        self.inner.lock().await.stack.get(name).cloned()
    }

    /// Every port the stack listens on.
    fn ports(&self) -> Vec<u16> {
        let ports = self.config.ports;
        let mut all = vec![ports.toxiproxy_api()];
        for n in 1..=self.config.brokers {
            all.extend([
                ports.proxied_client(n),
                ports.client(n),
                ports.internal(n),
                ports.controller(n),
                ports.broker_jmx(n),
            ]);
        }
        if self.config.workloads {
            all.extend([ports.producer_jmx, ports.consumer_jmx]);
        }
        all
    }

    /// A previous Faultline's stack (it crashed, was killed, or was restarted) is adopted
    /// while its Toxiproxy and at least one broker still run: frozen processes are resumed
    /// and dead ones started again. Otherwise what is left of it is stopped. Returns true
    /// when adopted.
    /// Whether a stack a previous Faultline left running is alive enough to take over.
    fn adoptable(&self, previous: &StackFile) -> bool {
        let alive = |name: &str| previous.get(name).is_some_and(|p| p.is_alive());
        alive(TOXIPROXY) && (1..=self.config.brokers).any(|b| alive(&broker_name(b)))
    }

    /// Whether a previous Faultline's stack runs here, whole enough to adopt.
    pub fn left_running(&self) -> bool {
        StackFile::load(&self.config.run_dir).is_some_and(|previous| self.adoptable(&previous))
    }

    async fn adopt_or_clean(&self) -> Result<bool, String> {
        let Some(previous) = StackFile::load(&self.config.run_dir) else {
            return Ok(false);
        };
        let alive = |name: &str| previous.get(name).is_some_and(|p| p.is_alive());
        if !self.adoptable(&previous) {
            for record in previous.processes.iter().rev().filter(|p| p.is_alive()) {
                tracing::info!(name = %record.name, pid = record.pid, "stopping what is left of a previous stack");
                record.stop(Duration::from_secs(10)).await;
            }
            StackFile::remove(&self.config.run_dir);
            return Ok(false);
        }
        tracing::info!(
            processes = previous.processes.len(),
            "adopting the local stack a previous Faultline left running"
        );
        for record in previous.processes.iter().filter(|p| p.is_paused()) {
            tracing::warn!(name = %record.name, pid = record.pid, "resuming a process left frozen");
            record.signal(Signal::SIGCONT)?;
        }
        self.inner.lock().await.stack = previous.clone();
        for broker in 1..=self.config.brokers {
            if !alive(&broker_name(broker)) {
                tracing::warn!(broker, "starting a broker the previous run left down");
                self.spawn_broker(broker).await?;
            }
        }
        if self.config.workloads {
            let ports = self.config.ports;
            let restarts = [
                ("producer", workloads::producer_command(&self.config)),
                ("consumer", workloads::consumer_command(&self.config)),
                (
                    "sidecar-producer-1",
                    workloads::sidecar_command(
                        &self.config,
                        PRODUCER_ID,
                        "producer",
                        ports.producer_jmx,
                        PRODUCER_WORKLOAD,
                    )?,
                ),
                (
                    "sidecar-consumer-1",
                    workloads::sidecar_command(
                        &self.config,
                        CONSUMER_ID,
                        "consumer",
                        ports.consumer_jmx,
                        CONSUMER_WORKLOAD,
                    )?,
                ),
            ];
            for (name, command) in restarts {
                if !alive(name) {
                    tracing::warn!(name, "starting a process the previous run left dead");
                    self.spawn(name, command).await?;
                }
            }
        }
        Ok(true)
    }

    /// Every blocker, in one sentence. Ports get a moment first: a stack stopped just before
    /// (Stop, then Start at once) may still be closing its last connections.
    async fn prerequisites(&self, ports: &[u16]) -> Result<(), String> {
        wait_until(PORTS_RELEASED_WITHIN, || {
            std::future::ready(crate::environments::preflight::taken_ports(ports).is_empty())
        })
        .await;
        let blockers = prerequisites::check(&self.config, ports);
        if blockers.is_empty() {
            return Ok(());
        }
        Err(blockers
            .iter()
            .map(|b| format!("{}: {}", b.what, b.fix))
            .collect::<Vec<_>>()
            .join("; "))
    }

    /// Kept until `stop` has stopped the stack; a start that failed keeps it for the retry.
    async fn take_run_lock(&self) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        if inner.lock.is_none() {
            // It may wait out another process's probe for a moment.
            let run_dir = self.config.run_dir.clone();
            let lock = tokio::task::spawn_blocking(move || RunLock::take(&run_dir))
                .await
                .map_err(|e| format!("taking the run lock failed: {e}"))??;
            inner.lock = Some(lock);
        }
        Ok(())
    }

    async fn spawn(&self, name: &str, command: Command) -> Result<ProcessRecord, String> {
        let log = self.config.run_dir.join("logs").join(format!("{name}.log"));
        let record = process::spawn(name, command, &log).map_err(|e| e.to_string())?;
        let mut inner = self.inner.lock().await;
        inner.stack.put(record.clone());
        inner
            .stack
            .save(&self.config.run_dir)
            .map_err(|e| format!("cannot record the stack: {e}"))?;
        Ok(record)
    }

    async fn start_steps(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        let progress = Progress::new(steps, self.kind());
        progress
            .step(
                "Make sure no other Faultline runs this stack",
                self.take_run_lock(),
            )
            .await?;
        let adopted = progress
            .step(
                "Look for a stack left by a previous run",
                self.adopt_or_clean(),
            )
            .await?;
        if !adopted {
            let ports = self.ports();
            progress
                .step(
                    "Check prerequisites (Java, Kafka, Toxiproxy, workloads, free ports)",
                    self.prerequisites(&ports),
                )
                .await?;
            if !kafka_jars::complete(&self.config.kafka_libs) {
                let repository = kafka_jars::repository();
                let step = format!(
                    "Fetch Apache Kafka {KAFKA_VERSION}'s jars from {}",
                    kafka_jars::source_name(&repository)
                );
                let updates = progress.updates(&step);
                progress
                    .step_saying(&step, self.fetch_kafka(&repository, &updates))
                    .await?;
            }
            progress
                .step("Write broker configs and format storage", self.prepare())
                .await?;
            progress
                .step(
                    "Start Toxiproxy with one proxy per broker",
                    self.start_toxiproxy(),
                )
                .await?;
            for broker in 1..=self.config.brokers {
                progress
                    .step(
                        &format!("Start broker {broker} (KRaft)"),
                        self.spawn_broker(broker),
                    )
                    .await?;
            }
        }
        let kafka = self.kafka_settings();
        progress
            .step(
                &format!(
                    "Wait for {} brokers in the cluster metadata",
                    self.config.brokers
                ),
                self.wait_for_brokers(),
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
        if self.config.workloads {
            if !adopted {
                progress
                    .step(
                        "Start the Java demo producer and consumer (JMX)",
                        self.start_workloads(),
                    )
                    .await?;
                progress
                    .step("Start their sidecars", self.start_sidecars())
                    .await?;
            }
            progress
                .step(
                    "Wait for the sidecars' registrations on Kafka",
                    readiness::registrations(&kafka, &[PRODUCER_ID, CONSUMER_ID]),
                )
                .await?;
        }
        Ok(kafka)
    }

    /// Downloads the jars of Kafka's manifest that are missing, reporting megabytes and
    /// percent; says what it fetched ("46 jars, 43 MB fetched").
    async fn fetch_kafka(
        &self,
        repository: &str,
        updates: &(impl Fn(String, Option<u8>) + Send + Sync),
    ) -> Result<String, String> {
        let jars = kafka_jars::manifest();
        let fetched =
            kafka_jars::fetch(&self.config.kafka_libs, jars, repository, |done, total| {
                let percent = (done * 100).checked_div(total).unwrap_or(100);
                updates(
                    format!("{} of {}", megabytes(done), megabytes(total)),
                    Some(u8::try_from(percent).unwrap_or(100)),
                );
            })
            .await
            .map_err(|error| format!("{error}; {}", kafka_jars::advice(repository)))?;
        Ok(format!(
            "{} jars, {} fetched",
            fetched.jars,
            megabytes(fetched.bytes)
        ))
    }

    async fn prepare(&self) -> Result<(), String> {
        let run = &self.config.run_dir;
        // A fresh stack starts from empty brokers: a demo must not inherit yesterday's data.
        for broker in 1..=self.config.brokers {
            let _ = std::fs::remove_dir_all(kafka::node_dir(&self.config, broker));
        }
        std::fs::create_dir_all(run.join("logs"))
            .map_err(|e| format!("cannot create {}: {e}", run.display()))?;
        std::fs::write(run.join("log4j2.properties"), kafka::LOG4J2).map_err(|e| e.to_string())?;
        let cluster_id = kafka::new_cluster_id();
        for broker in 1..=self.config.brokers {
            let dir = kafka::node_dir(&self.config, broker);
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            std::fs::write(
                dir.join("server.properties"),
                kafka::properties(&self.config, broker),
            )
            .map_err(|e| e.to_string())?;
            let mut command = kafka::format_command(&self.config, broker, &cluster_id);
            let output = tokio::task::spawn_blocking(move || command.output())
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("cannot run kafka-storage format: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "formatting broker {broker}'s storage failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                        .lines()
                        .last()
                        .unwrap_or_default()
                ));
            }
        }
        let mut inner = self.inner.lock().await;
        inner.stack.cluster_id = cluster_id;
        Ok(())
    }

    async fn start_toxiproxy(&self) -> Result<(), String> {
        let api = self.config.ports.toxiproxy_api();
        let mut command = Command::new(&self.config.toxiproxy);
        command.args(["-host", "127.0.0.1", "-port", &api.to_string()]);
        let record = self.spawn(TOXIPROXY, command).await?;
        let toxiproxy = self.toxiproxy();
        let up = wait_until(Duration::from_secs(15), || toxiproxy.is_up()).await;
        if !up {
            return Err(format!(
                "Toxiproxy did not answer on port {api}; log: {}",
                process::log_tail(&record.log)
            ));
        }
        for broker in 1..=self.config.brokers {
            let ports = self.config.ports;
            toxiproxy
                .ensure_proxy(
                    &broker_name(broker),
                    &format!("127.0.0.1:{}", ports.proxied_client(broker)),
                    &format!("127.0.0.1:{}", ports.client(broker)),
                )
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Stops Toxiproxy and starts it again with clean proxies: every toxic is gone and
    /// every client connection through it is dropped (clients reconnect). The way out when
    /// Toxiproxy hangs removing a toxic, which it does under Kafka traffic
    /// (Shopify/toxiproxy#412, #558).
    pub async fn restart_toxiproxy(&self) -> Result<(), String> {
        let running = self.inner.lock().await.stack.get(TOXIPROXY).cloned();
        if let Some(record) = running {
            record.stop(Duration::from_secs(5)).await;
        }
        self.start_toxiproxy().await
    }

    async fn spawn_broker(&self, broker: u8) -> Result<(), String> {
        let record = self
            .spawn(
                &broker_name(broker),
                kafka::broker_command(&self.config, broker),
            )
            .await?;
        record
            .check_started(Duration::from_secs(1))
            .await
            .map_err(|e| e.to_string())
    }

    async fn wait_for_brokers(&self) -> Result<(), String> {
        let wanted = usize::from(self.config.brokers);
        readiness::brokers_joined(&self.kafka_settings(), wanted, Duration::from_secs(120))
            .await
            .map_err(|error| {
                let logs = (1..=self.config.brokers)
                    .map(|b| {
                        kafka::node_dir(&self.config, b)
                            .join("server.log")
                            .display()
                            .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{error}; see {logs}")
            })
    }

    async fn start_workloads(&self) -> Result<(), String> {
        let producer = self
            .spawn("producer", workloads::producer_command(&self.config))
            .await?;
        let consumer = self
            .spawn("consumer", workloads::consumer_command(&self.config))
            .await?;
        producer
            .check_started(Duration::from_secs(2))
            .await
            .map_err(|e| e.to_string())?;
        consumer
            .check_started(Duration::ZERO)
            .await
            .map_err(|e| e.to_string())
    }

    async fn start_sidecars(&self) -> Result<(), String> {
        let ports = self.config.ports;
        let producer = workloads::sidecar_command(
            &self.config,
            PRODUCER_ID,
            "producer",
            ports.producer_jmx,
            PRODUCER_WORKLOAD,
        )?;
        let consumer = workloads::sidecar_command(
            &self.config,
            CONSUMER_ID,
            "consumer",
            ports.consumer_jmx,
            CONSUMER_WORKLOAD,
        )?;
        let first = self.spawn("sidecar-producer-1", producer).await?;
        let second = self.spawn("sidecar-consumer-1", consumer).await?;
        first
            .check_started(Duration::from_millis(500))
            .await
            .map_err(|e| e.to_string())?;
        second
            .check_started(Duration::ZERO)
            .await
            .map_err(|e| e.to_string())
    }

    /// SIGKILL to one broker (the fault "broker crashed").
    pub async fn kill_broker(&self, broker: i32) -> Result<(), String> {
        self.broker_record(broker).await?.kill().await
    }

    pub(crate) async fn broker_record(&self, broker: i32) -> Result<ProcessRecord, String> {
        let id = u8::try_from(broker)
            .ok()
            .filter(|b| (1..=self.config.brokers).contains(b));
        let id = id.ok_or_else(|| format!("there is no broker {broker}"))?;
        self.process(&broker_name(id))
            .await
            .ok_or_else(|| format!("broker {broker} was never started"))
    }
}

/// Kills (SIGKILL) every still-running process recorded in `run_dir`'s stack file, at once
/// and without async: for a panicking test or a last-resort cleanup.
pub fn kill_recorded(run_dir: &std::path::Path) {
    if let Some(stack) = StackFile::load(run_dir) {
        for record in stack.processes.iter().filter(|p| p.is_alive()) {
            let _ = record.signal(Signal::SIGKILL);
        }
        StackFile::remove(run_dir);
    }
}

/// Polls `check` every 200 ms until it is true or `within` passes.
async fn wait_until<F: std::future::Future<Output = bool>>(
    within: Duration,
    mut check: impl FnMut() -> F,
) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// The local stack's fault side; its executors are registered in `faults/`.
#[async_trait]
impl FaultTarget for LocalEnvironment {
    fn name(&self) -> &'static str {
        self.kind()
    }

    async fn is_running(&self) -> bool {
        self.inner.lock().await.life.is_running()
    }

    /// The configured brokers, and the Java demo producer and consumer when workloads run.
    async fn inventory(&self) -> Inventory {
        let workloads = |id: &str| {
            if self.config.workloads {
                vec![id.to_owned()]
            } else {
                Vec::new()
            }
        };
        Inventory {
            brokers: (1..=self.config.brokers).map(i32::from).collect(),
            producers: workloads(PRODUCER_ID),
            consumers: workloads(CONSUMER_ID),
        }
    }

    async fn verify_clean(&self) -> Vec<Check> {
        let mut checks = vec![faults::controls::no_toxics(&self.toxiproxy()).await];
        let inner = self.inner.lock().await;
        for broker in 1..=self.config.brokers {
            let record = inner.stack.get(&broker_name(broker));
            let running = record.is_some_and(|r| r.is_alive() && !r.is_paused());
            checks.push(Check {
                what: format!("broker-{broker}'s process runs"),
                ok: running,
                detail: record
                    .map(|r| format!("pid {}", r.pid))
                    .unwrap_or_else(|| "never started".into()),
            });
        }
        checks
    }
}

#[async_trait]
impl Environment for LocalEnvironment {
    fn kind(&self) -> &'static str {
        KIND.id
    }

    fn preflight(&self) -> Vec<PreflightCheck> {
        if let Holder::Other(reason) = RunLock::holder(&self.config.run_dir) {
            return vec![PreflightCheck::failed(
                "Stack",
                reason,
                "use that Faultline, or stop its environment (or quit it) and start here".into(),
            )];
        }
        let running = self
            .inner
            .try_lock()
            .is_ok_and(|inner| inner.life.is_running());
        let adoptable = StackFile::load(&self.config.run_dir).is_some_and(|s| self.adoptable(&s));
        if running || adoptable {
            // Its ports are taken by its own processes, which is no blocker.
            return vec![PreflightCheck::passed(
                "Stack",
                "Faultline's local stack is already running and will be used".into(),
            )];
        }
        prerequisites::checks(&self.config, &self.ports())
    }

    async fn start(&self, steps: &StepSink) -> Result<ClientSettings, EnvironmentError> {
        {
            let mut inner = self.inner.lock().await;
            if inner.life.is_running() {
                return Ok(self.kafka_settings());
            }
            inner.life.starting();
        }
        let result = self.start_steps(steps).await;
        self.inner.lock().await.life.started(&result);
        result
    }

    /// Sidecars first (they write their tombstones while Kafka is still up), then the
    /// workloads, the brokers, and Toxiproxy; each group at once. A Faultline that never took
    /// the run lock owns nothing here: its stop must not touch the stack record of the one
    /// that does.
    async fn stop(&self) {
        let stack = {
            let mut inner = self.inner.lock().await;
            inner.life.stopped();
            if inner.lock.is_none() {
                return;
            }
            std::mem::take(&mut inner.stack)
        };
        for phase in 0..=STOP_PHASES {
            let stopping = stack
                .processes
                .iter()
                .filter(|record| stop_phase(&record.name) == phase)
                .map(|record| record.stop(Duration::from_secs(20)));
            futures_util::future::join_all(stopping).await;
        }
        StackFile::remove(&self.config.run_dir);
        self.inner.lock().await.lock = None;
    }

    async fn status(&self) -> EnvironmentStatus {
        let inner = self.inner.lock().await;
        let brokers = (1..=self.config.brokers)
            .map(|n| {
                let record = inner.stack.get(&broker_name(n));
                let up = record.is_some_and(|r| r.is_alive() && !r.is_paused());
                BrokerStatus {
                    id: i32::from(n),
                    host: "127.0.0.1".into(),
                    port: self.config.ports.proxied_client(n),
                    state: if up {
                        BrokerState::Up
                    } else {
                        BrokerState::Down
                    },
                    pid: record.filter(|r| r.is_alive()).map(|r| r.pid),
                }
            })
            .collect();
        EnvironmentStatus {
            kind: self.kind().to_owned(),
            state: inner.life.state(),
            bootstrap_servers: kafka::bootstrap(&self.config.ports, self.config.brokers),
            brokers,
            error: inner.life.error(),
        }
    }

    async fn broker_jmx(&self) -> Vec<(i32, String)> {
        (1..=self.config.brokers)
            .map(|n| {
                (
                    i32::from(n),
                    format!("127.0.0.1:{}", self.config.ports.broker_jmx(n)),
                )
            })
            .collect()
    }

    fn runs_workloads(&self) -> bool {
        self.config.workloads
    }

    fn consumer_groups(&self) -> Vec<String> {
        if self.config.workloads {
            vec![CONSUMER_GROUP.to_owned()]
        } else {
            Vec::new()
        }
    }

    async fn start_broker(&self, broker: i32) -> Result<(), String> {
        let record = self.broker_record(broker).await?;
        if record.is_alive() {
            return if record.is_paused() {
                record.signal(Signal::SIGCONT)
            } else {
                Ok(())
            };
        }
        let id = u8::try_from(broker).map_err(|e| e.to_string())?;
        self.spawn_broker(id).await
    }
}
