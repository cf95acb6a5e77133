//! Waiting for a cluster an environment started to be ready: its brokers in the cluster
//! metadata, and its sidecars' registrations on `faultline.sidecars`. Shared by the
//! environments that start real brokers (local, docker).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use faultline_kafka::ClientSettings;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;

/// Waits until the cluster's metadata lists `wanted` brokers, asking every 500 ms.
/// Errors: fewer within `within`, saying how many there were.
pub async fn brokers_joined(
    kafka: &ClientSettings,
    wanted: usize,
    within: Duration,
) -> Result<(), String> {
    let deadline = Instant::now() + within;
    loop {
        let last = match faultline_kafka::broker_count(kafka).await {
            Ok(count) if count as usize >= wanted => return Ok(()),
            Ok(count) => format!("{count} of {wanted} brokers"),
            Err(error) => error.to_string(),
        };
        tracing::info!(%last, "waiting for brokers");
        if Instant::now() > deadline {
            return Err(format!(
                "the brokers did not form a cluster within {} s ({last})",
                within.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Waits until each id has a registration on `faultline.sidecars` written since now - 10 s.
/// Errors: one is missing after 60 s (the sentence names them all).
pub async fn registrations(kafka: &ClientSettings, ids: &[&str]) -> Result<(), String> {
    use futures_util::StreamExt;
    use rdkafka::Message;
    let consumer = faultline_kafka::assigned_consumer(
        kafka,
        topics::SIDECARS.name,
        rdkafka::Offset::Beginning,
    )
    .await
    .map_err(|e| e.to_string())?;
    let since = now_ms() - 10_000;
    let mut missing: HashSet<&str> = ids.iter().copied().collect();
    let mut stream = consumer.stream();
    let waiting = async {
        while let Some(Ok(record)) = stream.next().await {
            let fresh = record.timestamp().to_millis().is_some_and(|ts| ts >= since);
            if let (true, Some(key), Some(_)) = (fresh, record.key(), record.payload()) {
                missing.retain(|id| id.as_bytes() != key);
            }
            if missing.is_empty() {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), waiting)
        .await
        .map_err(|_| format!("no registration within 60 s from {}", ids.join(", ")))
}
