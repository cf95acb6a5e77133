//! Producing protocol messages, each record stamped with the message's own `ts`.

use std::time::Duration;

use faultline_protocol::clock::now_ms;
use faultline_protocol::{encode, DecodeError};
use rdkafka::error::KafkaError;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};

use crate::ClientSettings;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Encode(#[from] DecodeError),
    #[error("cannot send to {topic}: {source}")]
    Send { topic: String, source: KafkaError },
}

/// Produces protocol messages with the record timestamp set to the message's own `ts`:
/// after a platform restart, a replayed registration's liveness is judged by its record
/// timestamp, and a live one's clock offset is measured with it.
#[derive(Clone)]
pub struct Publisher {
    producer: FutureProducer,
}

impl Publisher {
    pub fn new(settings: &ClientSettings) -> Result<Self, KafkaError> {
        let producer = settings
            .client_config()
            .set("linger.ms", "5")
            .set("message.timeout.ms", "10000")
            .create()?;
        Ok(Self { producer })
    }

    pub async fn send<M: serde::Serialize>(
        &self,
        topic: &str,
        key: &str,
        ts: i64,
        message: &M,
    ) -> Result<(), PublishError> {
        let payload = encode(message)?;
        self.send_raw(topic, key, ts, Some(&payload)).await
    }

    /// A record with a null value: on the compacted registration topic, a tombstone.
    pub async fn send_tombstone(&self, topic: &str, key: &str) -> Result<(), PublishError> {
        self.send_raw(topic, key, now_ms(), None).await
    }

    async fn send_raw(
        &self,
        topic: &str,
        key: &str,
        ts: i64,
        payload: Option<&Vec<u8>>,
    ) -> Result<(), PublishError> {
        let mut record = FutureRecord::<str, Vec<u8>>::to(topic)
            .key(key)
            .timestamp(ts);
        if let Some(payload) = payload {
            record = record.payload(payload);
        }
        self.producer
            .send(record, Duration::from_secs(10))
            .await
            .map(|_| ())
            .map_err(|(source, _)| PublishError::Send {
                topic: topic.to_owned(),
                source,
            })
    }

    /// Waits for queued records to reach the broker (used before a clean exit).
    pub fn flush(&self, timeout: Duration) {
        if let Err(error) = self.producer.flush(timeout) {
            tracing::warn!(%error, "records still queued at shutdown");
        }
    }
}
