//! The floor under every Kafka-borne figure: a raw produce → consume round trip on the
//! same cluster, in the same run, with Faultline's own client settings (linger 5 ms,
//! fetch wait ≤ 100 ms), so a ratio isolates what the platform adds.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use faultline_kafka::{assigned_consumer, ClientSettings, Publisher};
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use futures_util::StreamExt;
use rdkafka::consumer::StreamConsumer;
use rdkafka::{Message, Offset};
use serde_json::json;

/// Round trips on the demo topic (it exists in every environment), in ms each.
pub async fn round_trips(bootstrap: &str, samples: usize) -> Result<Vec<f64>> {
    let settings = ClientSettings::new(bootstrap);
    let publisher = Publisher::new(&settings).context("a producer for the round-trip floor")?;
    let topic = topics::DEMO.name;
    let consumer = assigned_consumer(&settings, topic, Offset::End)
        .await
        .map_err(|e| anyhow!("a consumer for the round-trip floor: {e}"))?;
    let run = std::process::id();
    // "End" is resolved when the consumer first fetches: keep sending until one returns.
    let warm = Instant::now() + Duration::from_secs(30);
    let mut attempt = 0;
    loop {
        let key = format!("bench-floor-{run}-warm-{attempt}");
        send(&publisher, topic, &key).await?;
        if arrives(&consumer, &key, Duration::from_secs(2)).await {
            break;
        }
        if Instant::now() > warm {
            bail!("no round trip on {topic} at {bootstrap} within 30 s");
        }
        attempt += 1;
    }
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let key = format!("bench-floor-{run}-{i}");
        let sent = Instant::now();
        send(&publisher, topic, &key).await?;
        if arrives(&consumer, &key, Duration::from_secs(10)).await {
            times.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(times)
}

async fn send(publisher: &Publisher, topic: &str, key: &str) -> Result<()> {
    publisher
        .send(topic, key, now_ms(), &json!({"bench": key}))
        .await
        .with_context(|| format!("round-trip floor: send to {topic}"))
}

/// Whether the record keyed `key` is read within `within` (other records are skipped:
/// the demo workloads write to the same topic).
async fn arrives(consumer: &StreamConsumer, key: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut stream = consumer.stream();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match tokio::time::timeout(left, stream.next()).await {
            Ok(Some(Ok(record))) if record.key() == Some(key.as_bytes()) => return true,
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return false,
        }
    }
    false
}
