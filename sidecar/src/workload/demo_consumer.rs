//! The demo consumer: reads in a group with a delay per record, so lag can build.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use faultline_kafka::ClientSettings;
use futures_util::StreamExt;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A real consumer in a consumer group that takes `delay` per record, committing what it
/// has processed about once a second: slowing it down builds real, measurable lag.
pub struct DemoConsumer {
    delay_ms: Arc<AtomicU64>,
    consumed: Arc<AtomicU64>,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
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
        let stop = CancellationToken::new();
        let task = tokio::spawn(consume(
            consumer,
            delay_ms.clone(),
            consumed.clone(),
            stop.clone(),
        ));
        Ok(Self {
            delay_ms,
            consumed,
            stop,
            task: Some(task),
        })
    }

    /// Leaves the group cleanly. Must happen while the cluster is still up: closing a
    /// group member waits for its coordinator, and would wait forever for a vanished one.
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
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
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn consume(
    consumer: StreamConsumer,
    delay_ms: Arc<AtomicU64>,
    consumed: Arc<AtomicU64>,
    stop: CancellationToken,
) {
    // Closing waits for the group coordinator, which may be gone for good; if this task is
    // aborted, the consumer is closed on a thread of its own instead of here.
    let consumer = faultline_kafka::ClosesDetached::new(consumer, "demo consumer");
    let mut stream = consumer.stream();
    loop {
        let record = tokio::select! {
            _ = stop.cancelled() => break,
            record = stream.next() => match record {
                Some(record) => record,
                None => break,
            },
        };
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
    drop(stream);
    consumer.close(Duration::from_secs(10)).await;
}
