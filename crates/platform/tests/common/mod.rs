//! Shared helpers for the rehearsal end-to-end tests: an embedded cluster, in-process
//! sidecars, the platform with its server on an ephemeral port, HTTP and WebSocket clients.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_kafka::ClientSettings;
use faultline_platform::environments::rehearsal::{DemoWorkload, DemoWorkloadConfig};
pub use faultline_platform::environments::Environment as _;
use faultline_platform::environments::{
    Environment, RehearsalConfig, RehearsalEnvironment, StepSink,
};
use faultline_platform::{Headless, StageOptions};
use faultline_protocol::SidecarId;
use futures_util::StreamExt;

pub mod local;
pub mod processes;
pub mod scenarios;
use serde_json::Value;

pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                "warn,faultline_platform=info,faultline_sidecar=info,librdkafka=off,rdkafka=off"
                    .into()
            }),
        )
        .with_test_writer()
        .try_init();
}

pub fn id(raw: &str) -> SidecarId {
    SidecarId::parse(raw).expect("test ids are valid")
}

/// A rehearsal environment with the given demo producers, started.
pub async fn rehearsal(
    producers: &[&str],
    heartbeat: Duration,
) -> (Arc<RehearsalEnvironment>, ClientSettings) {
    let config = RehearsalConfig {
        producers: producers.iter().map(|p| id(p)).collect(),
        heartbeat_interval: heartbeat,
        ..RehearsalConfig::default()
    };
    let environment = Arc::new(RehearsalEnvironment::new(config));
    let kafka = environment
        .start(&StepSink::new(|_| {}))
        .await
        .expect("rehearsal starts");
    (environment, kafka)
}

pub fn spawn_sidecar(kafka: &ClientSettings, name: &str, heartbeat: Duration) -> DemoWorkload {
    let mut config = DemoWorkloadConfig::new(id(name));
    config.heartbeat_interval = heartbeat;
    DemoWorkload::spawn(kafka, config).expect("demo workload starts")
}

/// The platform and its server on a free port, with a fault ledger of the test's own.
pub async fn start_platform(environment: Arc<RehearsalEnvironment>) -> Headless {
    start_platform_with(environment, None).await
}

pub async fn start_platform_with(
    environment: Arc<RehearsalEnvironment>,
    scenarios_dir: Option<std::path::PathBuf>,
) -> Headless {
    let ledger = std::env::temp_dir().join(format!(
        "faultline-test-ledger-{}-{}.json",
        std::process::id(),
        next_id()
    ));
    let options = StageOptions {
        ledger,
        scenarios_dir,
        recordings: recordings_folder(),
    };
    Headless::start_with("127.0.0.1:0".parse().unwrap(), environment, options)
        .await
        .expect("server starts")
}

/// Where the tests' session recordings go: one folder, pruned to the newest few like any.
pub fn recordings_folder() -> std::path::PathBuf {
    std::env::temp_dir().join("faultline-test-recordings")
}

fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

pub async fn post_json(server: &impl Served, path: &str, body: Value) -> (u16, Value) {
    let url = format!("http://{}{path}", server.addr());
    let response = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Runs a scenario through the API and waits for its verdict.
pub async fn run_scenario(server: &impl Served, id: &str, deadline: Duration) -> Value {
    let (status, body) = post_json(server, &format!("/api/scenarios/{id}/run"), Value::Null).await;
    assert_eq!(status, 202, "starting {id}: {body}");
    let run_id = body["runId"].as_str().expect("a run id").to_owned();
    let finished = eventually(deadline, || async {
        let run = get_json(server, &format!("/api/runs/{run_id}")).await;
        (run["status"] != "running").then_some(run)
    })
    .await;
    finished.unwrap_or_else(|| panic!("scenario {id} still running after {deadline:?}"))
}

/// Anything serving the Faultline API: an in-process `Headless` or a server process.
pub trait Served {
    fn addr(&self) -> SocketAddr;
}

impl Served for Headless {
    fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Served for SocketAddr {
    fn addr(&self) -> SocketAddr {
        *self
    }
}

pub async fn get_json(server: &impl Served, path: &str) -> Value {
    let url = format!("http://{}{}", server.addr(), path);
    reqwest::get(&url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .json()
        .await
        .expect("JSON body")
}

/// `GET path`'s status, Content-Type and body.
pub async fn get_bytes(server: &impl Served, path: &str) -> (u16, String, Vec<u8>) {
    let url = format!("http://{}{}", server.addr(), path);
    let response = reqwest::get(&url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, content_type, body)
}

/// The sidecars as `GET /api/sidecars` lists them: id → status.
pub async fn statuses(server: &impl Served) -> Vec<(String, String)> {
    let rows = get_json(server, "/api/sidecars").await;
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["sidecarId"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Polls `check` until it returns Some or `deadline` passes.
pub async fn eventually<T, F: Future<Output = Option<T>>>(
    deadline: Duration,
    mut check: impl FnMut() -> F,
) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if start.elapsed() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every JSON event the server streams on `/ws`, collected in the background.
pub struct EventLog {
    events: Arc<std::sync::Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

impl EventLog {
    pub async fn connect(server: &impl Served) -> Self {
        let url = format!("ws://{}/ws", server.addr());
        let (mut socket, _) = tokio_tungstenite::connect_async(&url)
            .await
            .expect("websocket connects");
        let events: Arc<std::sync::Mutex<Vec<Value>>> = Arc::default();
        let sink = events.clone();
        let task = tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                if let Ok(text) = message.to_text() {
                    if let Ok(value) = serde_json::from_str::<Value>(text) {
                        sink.lock().unwrap().push(value);
                    }
                }
            }
        });
        Self { events, task }
    }

    pub fn snapshot(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Waits until `topic` holds at least `count` records in all, proving a sidecar wrote
/// before anything read.
pub async fn wait_for_records(kafka: &ClientSettings, topic: &str, count: i64) {
    let consumer = faultline_kafka::assigned_consumer(kafka, topic, rdkafka::Offset::Beginning)
        .await
        .expect("topic exists");
    let found = eventually(Duration::from_secs(20), || {
        let consumer = consumer.clone();
        async move {
            let marks = faultline_kafka::high_watermarks(&consumer, topic)
                .await
                .ok()?;
            (marks.iter().map(|(_, high)| high).sum::<i64>() >= count).then_some(())
        }
    })
    .await;
    assert!(found.is_some(), "{topic} never held {count} records");
}
