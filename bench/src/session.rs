//! One environment brought up through the shipped server exactly as the launch panel does
//! it (`POST /api/environment/start`), timed from the click to all green, and kept up for
//! the sections that measure on it.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use faultline_platform::environments::rehearsal::RehearsalConfig;
use reqwest::Method;
use serde_json::{json, Value};

use crate::events::EventLog;
use crate::green::{self, Expected};
use crate::server::Server;

/// An environment kind and what all green needs on it.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    pub expected: Expected,
    /// A scratch cache and config (rehearsal); local keeps the warm cache of Kafka's jars.
    pub scratch: bool,
    /// How long start → green may take before the bench gives up on it.
    pub start_within: Duration,
    /// Most start-ups a run measures (each of local's takes about 20 s and a stop).
    pub max_starts: usize,
}

pub fn rehearsal() -> Kind {
    let config = RehearsalConfig::default();
    Kind {
        name: "rehearsal",
        expected: Expected {
            brokers: config.brokers as usize,
            // Rehearsal's demo consumers run without a sidecar.
            sidecars: config.producers.len(),
            groups: 1,
        },
        scratch: true,
        start_within: Duration::from_secs(90),
        max_starts: usize::MAX,
    }
}

/// The local stack: three brokers, one producer and one consumer, each with its sidecar
/// (as `tests/scenarios_local.rs` waits for).
pub fn local() -> Kind {
    Kind {
        name: "local",
        expected: Expected {
            brokers: 3,
            sidecars: 2,
            groups: 1,
        },
        scratch: false,
        start_within: Duration::from_secs(240),
        max_starts: 3,
    }
}

/// The docker environment: the same topology as local, in containers. Its first start
/// builds and pulls images, so it may take minutes.
pub fn docker() -> Kind {
    Kind {
        name: "docker",
        start_within: Duration::from_secs(900),
        ..local()
    }
}

/// Where one start's time went.
#[derive(Debug, Clone)]
pub struct StartTimes {
    /// Process spawned → `/api/health` answers, ms.
    pub spawn_to_health: f64,
    /// Start clicked → the launch is `running`, ms.
    pub start_to_running: f64,
    /// Start clicked → all green, ms.
    pub start_to_green: f64,
    /// The launch panel's steps and how long each took, ms.
    pub steps: Vec<(String, f64)>,
}

pub struct Session {
    pub kind: Kind,
    pub server: Server,
    pub log: EventLog,
    pub bootstrap: String,
}

impl Session {
    /// Starts the server with nothing running, clicks Start, waits for all green.
    pub async fn start(kind: Kind, log: &Path) -> Result<(Self, StartTimes)> {
        let server =
            Server::start(&["--env", kind.name, "--no-autostart"], kind.scratch, log).await?;
        let spawn_to_health = server.spawned.elapsed().as_secs_f64() * 1000.0;
        let events = EventLog::connect(server.addr).await?;
        let clicked = Instant::now();
        let (status, body) = server
            .send(
                Method::POST,
                "/api/environment/start",
                &json!({"kind": kind.name}),
            )
            .await?;
        if status != 202 {
            stop(server).await;
            bail!("starting {} answered {status}: {body}", kind.name);
        }
        let green = green::wait(&events, 0, kind.expected, kind.start_within).await;
        let launch = server.get("/api/launch").await.unwrap_or_default();
        let green = match green {
            Ok(green) => green,
            Err(missing) => {
                // Stopped through the server, so what the environment started (brokers,
                // Toxiproxy, workloads) goes with it.
                stop(server).await;
                bail!(
                    "{} never turned green within {:?} ({missing}); launch state {}, error {}; the server's log is {}",
                    kind.name,
                    kind.start_within,
                    launch["state"],
                    launch["error"],
                    log.display()
                )
            }
        };
        let running = events
            .first(0, Duration::ZERO, |e| {
                e["type"] == "launch" && e["state"] == "running"
            })
            .await
            .map(|(_, r)| r.at)
            .unwrap_or(green.at);
        let ms = |at: Instant| at.duration_since(clicked).as_secs_f64() * 1000.0;
        let steps = launch["steps"]
            .as_array()
            .map(|steps| {
                steps
                    .iter()
                    .map(|s| {
                        let name = s["step"].as_str().unwrap_or("?").to_owned();
                        (name, s["elapsedMs"].as_f64().unwrap_or(0.0))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let environment = server.get("/api/environment").await.unwrap_or_default();
        let Some(bootstrap) = environment["bootstrapServers"].as_str().map(str::to_owned) else {
            stop(server).await;
            bail!("no bootstrap servers in {environment}");
        };
        let times = StartTimes {
            spawn_to_health,
            start_to_running: ms(running),
            start_to_green: ms(green.at),
            steps,
        };
        Ok((
            Self {
                kind,
                server,
                log: events,
                bootstrap,
            },
            times,
        ))
    }

    /// Waits for all green from now on (a fresh event that finds everything green).
    pub async fn green(&self, within: Duration) -> Result<crate::events::Received, String> {
        green::wait(&self.log, self.log.len(), self.kind.expected, within).await
    }

    /// Stops the environment and the server.
    pub async fn stop(self) {
        stop(self.server).await;
    }
}

/// Stops the server's environment, then the server.
async fn stop(server: Server) {
    let _ = server
        .send(Method::POST, "/api/environment/stop", &Value::Null)
        .await;
    server.stop().await;
}
