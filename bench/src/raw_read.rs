//! `faultline-bench raw-read`: the ingest floor, a raw consumer with Faultline's own
//! settings reading the signals topic from its start, run as a process pinned to the core
//! the server used.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use faultline_kafka::{assigned_consumer, ClientSettings};
use faultline_protocol::topics;
use futures_util::StreamExt;
use rdkafka::Offset;

/// Records per second over `count` records, timed from the first record to the last.
pub async fn run(bootstrap: &str, count: usize) -> Result<f64> {
    let consumer = assigned_consumer(
        &ClientSettings::new(bootstrap),
        topics::SIGNALS.name,
        Offset::Beginning,
    )
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let mut stream = consumer.stream();
    let mut first = None;
    let mut read = 0usize;
    while read < count {
        match tokio::time::timeout(Duration::from_secs(30), stream.next()).await {
            Ok(Some(Ok(_))) => {
                first.get_or_insert_with(Instant::now);
                read += 1;
            }
            Ok(Some(Err(error))) => bail!("reading {}: {error}", topics::SIGNALS.name),
            Ok(None) | Err(_) => bail!("only {read} of {count} records within 30 s"),
        }
    }
    let took = first.map_or(0.0, |f| f.elapsed().as_secs_f64());
    Ok(read as f64 / took.max(1e-6))
}
