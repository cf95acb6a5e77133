use serde::{Deserialize, Serialize};

use super::{Message, MessageKind};
use crate::SidecarId;

/// A live metric snapshot (`faultline.signals`, key = `source`), published every second.
/// Every probe (librdkafka statistics, JMX) fills the same shape, so detectors do not care
/// which probe fed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalSnapshot {
    pub v: u32,
    pub kind: MessageKind,
    pub source: SidecarId,
    pub ts: i64,
    /// Which probe produced it (`librdkafka`, `jmx`).
    pub probe: String,
    pub producer: Option<ProducerMetrics>,
    /// Present for consumer sidecars.
    #[serde(default)]
    pub consumer: Option<ConsumerMetrics>,
}

/// What a producer's own client reports about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerMetrics {
    /// Messages waiting in the client's queue, and the queue's message limit.
    pub queue_messages: u64,
    pub queue_messages_max: u64,
    /// Bytes waiting in the client's queue, and the queue's byte limit (the "buffer").
    pub queue_bytes: u64,
    pub queue_bytes_max: u64,
    /// Rate the workload is asked to send at (messages per second).
    pub target_rate: u32,
    /// Rate actually delivered over the last interval (messages per second).
    pub send_rate: f64,
    /// Average produce request round trip, milliseconds.
    pub request_latency_ms: f64,
    /// Cumulative transmit errors and retries as the client counts them.
    pub tx_errors: u64,
    pub retries: u64,
    /// Sends refused because the queue was full (cumulative).
    pub queue_full_errors: u64,
    pub brokers: Vec<BrokerLink>,
    /// Average time a record waits in the buffer before it is sent, ms (JMX probe).
    #[serde(default)]
    pub record_queue_time_ms: f64,
    /// Share of time sends waited for buffer space, 0–1 (JMX `bufferpool-wait-ratio`).
    #[serde(default)]
    pub buffer_wait_ratio: f64,
    /// Records failing, and retried, per second (JMX probe).
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub retry_rate: f64,
}

impl ProducerMetrics {
    /// Fill of the send buffer, 0.0–1.0: the fuller of the message and byte limits.
    pub fn buffer_fill(&self) -> f64 {
        let ratio = |used: u64, max: u64| {
            if max == 0 {
                0.0
            } else {
                used as f64 / max as f64
            }
        };
        ratio(self.queue_messages, self.queue_messages_max)
            .max(ratio(self.queue_bytes, self.queue_bytes_max))
            .clamp(0.0, 1.0)
    }
}

/// What a consumer's own client reports about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerMetrics {
    /// The consumer group it belongs to.
    pub group: String,
    /// The client's own view of its largest partition lag, in records.
    pub records_lag_max: f64,
    pub records_consumed_rate: f64,
    pub fetch_rate: f64,
    pub fetch_latency_ms: f64,
    /// The workload's per-record processing delay, ms (its control MBean).
    pub processing_delay_ms: u64,
    /// Records processed since it started.
    pub messages_consumed: u64,
}

/// The producer's view of one broker connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerLink {
    pub name: String,
    pub state: String,
    pub rtt_ms: f64,
}

impl Message for SignalSnapshot {
    const KIND: MessageKind = MessageKind::Signal;
    fn source(&self) -> &SidecarId {
        &self.source
    }
}
