use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use faultline_kafka::ClientSettings;
use futures_util::StreamExt;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use tokio::task::JoinHandle;

/// A real consumer in a consumer group that takes `delay` per record, committing what it
/// has processed about once a second: slowing it down builds real, measurable lag.
pub struct DemoConsumer {
    delay_ms: Arc<AtomicU64>,
    consumed: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl DemoConsumer {
    pub fn start(
        settings: &ClientSettings,
        client_id: &str,
        group: &str,
        topic: &str,
    ) -> Result<Self, KafkaError> {
        let consumer: StreamConsumer = settings
            .client_config()
            .set("client.id", client_id)
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            // Commit only what has been processed, not what has merely been fetched.
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "latest")
            .create()?;
        consumer.subscribe(&[topic])?;
        let delay_ms = Arc::new(AtomicU64::new(0));
        let consumed = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(consume(consumer, delay_ms.clone(), consumed.clone()));
        Ok(Self {
            delay_ms,
            consumed,
            task,
        })
    }

    /// Sets the processing delay per record; returns the previous one.
    pub fn set_delay(&self, ms: u64) -> u64 {
        self.delay_ms.swap(ms, Ordering::Relaxed)
    }

    pub fn consumed(&self) -> u64 {
        self.consumed.load(Ordering::Relaxed)
    }
}

impl Drop for DemoConsumer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn consume(consumer: StreamConsumer, delay_ms: Arc<AtomicU64>, consumed: Arc<AtomicU64>) {
    let mut stream = consumer.stream();
    while let Some(record) = stream.next().await {
        match record {
            Ok(record) => {
                let delay = delay_ms.load(Ordering::Relaxed);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                if let Err(error) = consumer.store_offset_from_message(&record) {
                    tracing::debug!(%error, "offset not stored");
                }
                consumed.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => tracing::warn!(%error, "demo consumer error"),
        }
    }
}
