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
}

impl ProducerMetrics {
    /// Fill of the send buffer, 0.0–1.0: the fuller of the message and byte limits.
    pub fn buffer_fill(&self) -> f64 {
        let ratio = |used: u64, max: u64| if max == 0 { 0.0 } else { used as f64 / max as f64 };
        ratio(self.queue_messages, self.queue_messages_max)
            .max(ratio(self.queue_bytes, self.queue_bytes_max))
            .clamp(0.0, 1.0)
    }
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
