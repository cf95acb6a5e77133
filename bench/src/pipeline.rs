//! The signal pipeline: the bench plays N sidecars emitting snapshots at a set rate; each
//! snapshot is timed from its send to its `signal` event on a `/ws` client. The floor is
//! the same records read by a raw consumer of `faultline.signals` in the same moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use faultline_kafka::{assigned_consumer, ClientSettings, Publisher};
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use faultline_protocol::SidecarId;
use futures_util::StreamExt;
use rdkafka::{Message, Offset};
use serde_json::Value;

use crate::events::EventLog;
use crate::load;
use crate::server::Server;

/// What one rate measured.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Send → `/ws` event, ms per snapshot.
    pub to_ws: Vec<f64>,
    /// Send → raw consumer, ms per snapshot (the floor).
    pub to_consumer: Vec<f64>,
    pub sent: usize,
    /// `lagged` notices: events the bus dropped for this client.
    pub lagged: u64,
    /// Records the platform's decoder refused during the window.
    pub rejected: u64,
}

type Sent = Arc<Mutex<HashMap<(String, i64), Instant>>>;

/// Sends `rate` snapshots a second for `warm_up` (not measured), then for `window`.
pub async fn measure(
    server: &Server,
    bootstrap: &str,
    rate: u32,
    warm_up: Duration,
    window: Duration,
) -> Result<Pipeline> {
    let log = EventLog::connect(server.addr).await?;
    // One snapshot a second per sidecar up to 1,000/s, then two a second: fewer subjects
    // than the platform's cap of 10,000.
    let per_sidecar = if rate <= 1000 { 1 } else { 2 };
    let ids: Vec<SidecarId> = (0..(rate / per_sidecar).max(1) as usize)
        .map(|i| load::sidecar_id("bench", i))
        .collect();
    let settings = ClientSettings::new(bootstrap);
    let publisher = Publisher::new(&settings)?;
    let sent: Sent = Arc::default();
    let floor: Arc<Mutex<HashMap<(String, i64), Instant>>> = Arc::default();
    let consumer = assigned_consumer(&settings, topics::SIGNALS.name, Offset::End)
        .await
        .map_err(|e| anyhow!("a raw consumer of the signals topic: {e}"))?;
    let reader = {
        let floor = floor.clone();
        tokio::spawn(async move {
            let mut stream = consumer.stream();
            while let Some(Ok(record)) = stream.next().await {
                let at = Instant::now();
                let (Some(key), Some(payload)) = (record.key(), record.payload()) else {
                    continue;
                };
                let Ok(value) = serde_json::from_slice::<Value>(payload) else {
                    continue;
                };
                if let Some(ts) = value["ts"].as_i64() {
                    let key = String::from_utf8_lossy(key).into_owned();
                    floor.lock().unwrap().insert((key, ts), at);
                }
            }
        })
    };
    let rejected_before = rejected(server).await;
    send_for(&publisher, &ids, rate, warm_up, &sent).await;
    sent.lock().unwrap().clear();
    let from = log.len();
    let count = send_for(&publisher, &ids, rate, window, &sent).await;
    // What is still in flight gets 5 s to arrive.
    tokio::time::sleep(Duration::from_secs(5)).await;
    reader.abort();
    let sent = sent.lock().unwrap().clone();
    let floor = floor.lock().unwrap().clone();
    let mut to_ws = Vec::new();
    let mut lagged = 0;
    for received in log.since(from) {
        let e = &received.event;
        match received.kind() {
            "lagged" => lagged += e["missed"].as_u64().unwrap_or(0),
            "signal" => {
                let key = (
                    e["sidecarId"].as_str().unwrap_or_default().to_owned(),
                    e["ts"].as_i64().unwrap_or(0),
                );
                if let Some(at) = sent.get(&key) {
                    to_ws.push(received.at.duration_since(*at).as_secs_f64() * 1000.0);
                }
            }
            _ => {}
        }
    }
    let to_consumer = floor
        .iter()
        .filter_map(|(key, at)| {
            sent.get(key)
                .map(|s| at.duration_since(*s).as_secs_f64() * 1000.0)
        })
        .collect();
    Ok(Pipeline {
        to_ws,
        to_consumer,
        sent: count,
        lagged,
        rejected: rejected(server).await.saturating_sub(rejected_before),
    })
}

async fn rejected(server: &Server) -> u64 {
    server
        .get("/api/health")
        .await
        .ok()
        .and_then(|h| h["rejected"]["total"].as_u64())
        .unwrap_or(0)
}

/// Sends at `rate` per second for `during`, round-robin over `ids`, recording each send's
/// instant by (sidecar id, snapshot ts). Returns how many were sent.
async fn send_for(
    publisher: &Publisher,
    ids: &[SidecarId],
    rate: u32,
    during: Duration,
    sent: &Sent,
) -> usize {
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    let mut count = 0usize;
    let mut next_id = 0usize;
    // Per sidecar, the last ts used: two snapshots of one sidecar never share a ts.
    let mut last_ts: HashMap<usize, i64> = HashMap::new();
    while started.elapsed() < during {
        tick.tick().await;
        let due = (started.elapsed().as_secs_f64() * f64::from(rate)) as usize;
        while count < due {
            let i = next_id % ids.len();
            next_id += 1;
            let ts = now_ms().max(last_ts.get(&i).map_or(0, |t| t + 1));
            last_ts.insert(i, ts);
            let id = ids[i].to_string();
            let snapshot = load::snapshot(ids[i].clone(), ts, 10);
            sent.lock()
                .unwrap()
                .insert((id.clone(), ts), Instant::now());
            let publisher = publisher.clone();
            tokio::spawn(async move {
                let _ = publisher
                    .send(topics::SIGNALS.name, &id, ts, &snapshot)
                    .await;
            });
            count += 1;
        }
    }
    count
}
