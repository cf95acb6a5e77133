//! The metric snapshot a sidecar publishes on `faultline.signals` every second.

use serde::{Deserialize, Serialize};

use super::{Message, MessageKind};
use crate::bounds::{
    COUNT, DELAY_MS, LAG_RECORDS, LATENCY_MS, QUEUE_BYTES, QUEUE_MESSAGES, RATE, RATIO,
    TARGET_RATE, TIMESTAMP_MS,
};
use crate::{DecodeError, SidecarId};

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

/// What a producer's own client reports about itself. Every number has a plausible range
/// (`crate::bounds`), checked when a snapshot is decoded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerMetrics {
    /// Messages waiting in the client's queue, and the queue's message limit
    /// (0 to 2^31 − 1, [`QUEUE_MESSAGES`]).
    pub queue_messages: u64,
    pub queue_messages_max: u64,
    /// Bytes waiting in the client's queue, and the queue's byte limit (the "buffer");
    /// 0 to 2 TiB ([`QUEUE_BYTES`]).
    pub queue_bytes: u64,
    pub queue_bytes_max: u64,
    /// Rate the workload is asked to send at (messages per second, 0 to 10 million).
    pub target_rate: u32,
    /// Rate actually delivered over the last interval (messages per second, 0 to 10
    /// million).
    pub send_rate: f64,
    /// Average produce request round trip, milliseconds (0 to 1 h).
    pub request_latency_ms: f64,
    /// Cumulative transmit errors and retries as the client counts them (0 to 2^53).
    pub tx_errors: u64,
    pub retries: u64,
    /// Sends refused because the queue was full (cumulative, 0 to 2^53).
    pub queue_full_errors: u64,
    pub brokers: Vec<BrokerLink>,
    /// Average time a record waits in the buffer before it is sent, ms (JMX probe; 0 to
    /// 1 h).
    #[serde(default)]
    pub record_queue_time_ms: f64,
    /// Share of time sends waited for buffer space, 0–1 (JMX `bufferpool-wait-ratio`).
    #[serde(default)]
    pub buffer_wait_ratio: f64,
    /// Records failing, and retried, per second (JMX probe; 0 to 10 million).
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

    fn check_bounds(&self, whose: &SidecarId) -> Result<(), DecodeError> {
        let messages = [
            ("producer.queueMessages", self.queue_messages),
            ("producer.queueMessagesMax", self.queue_messages_max),
        ];
        for (field, value) in messages {
            QUEUE_MESSAGES.check(whose, field, value)?;
        }
        let bytes = [
            ("producer.queueBytes", self.queue_bytes),
            ("producer.queueBytesMax", self.queue_bytes_max),
        ];
        for (field, value) in bytes {
            QUEUE_BYTES.check(whose, field, value)?;
        }
        TARGET_RATE.check(whose, "producer.targetRate", self.target_rate)?;
        let rates = [
            ("producer.sendRate", self.send_rate),
            ("producer.errorRate", self.error_rate),
            ("producer.retryRate", self.retry_rate),
        ];
        for (field, value) in rates {
            RATE.check(whose, field, value)?;
        }
        let latencies = [
            ("producer.requestLatencyMs", self.request_latency_ms),
            ("producer.recordQueueTimeMs", self.record_queue_time_ms),
        ];
        for (field, value) in latencies {
            LATENCY_MS.check(whose, field, value)?;
        }
        for (i, broker) in self.brokers.iter().enumerate() {
            LATENCY_MS.check(
                whose,
                &format!("producer.brokers[{i}].rttMs"),
                broker.rtt_ms,
            )?;
        }
        RATIO.check(whose, "producer.bufferWaitRatio", self.buffer_wait_ratio)?;
        let counts = [
            ("producer.txErrors", self.tx_errors),
            ("producer.retries", self.retries),
            ("producer.queueFullErrors", self.queue_full_errors),
        ];
        for (field, value) in counts {
            COUNT.check(whose, field, value)?;
        }
        Ok(())
    }
}

/// What a consumer's own client reports about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerMetrics {
    /// The consumer group it belongs to.
    pub group: String,
    /// The client's own view of its largest partition lag, in records (0 to 2^53).
    pub records_lag_max: f64,
    /// Records consumed and fetch requests per second (0 to 10 million).
    pub records_consumed_rate: f64,
    pub fetch_rate: f64,
    /// Average fetch round trip, ms (0 to 1 h).
    pub fetch_latency_ms: f64,
    /// The workload's per-record processing delay, ms (its control MBean; 0 to 1 h).
    pub processing_delay_ms: u64,
    /// Records processed since it started (0 to 2^53).
    pub messages_consumed: u64,
}

impl ConsumerMetrics {
    fn check_bounds(&self, whose: &SidecarId) -> Result<(), DecodeError> {
        LAG_RECORDS.check(whose, "consumer.recordsLagMax", self.records_lag_max)?;
        RATE.check(
            whose,
            "consumer.recordsConsumedRate",
            self.records_consumed_rate,
        )?;
        RATE.check(whose, "consumer.fetchRate", self.fetch_rate)?;
        LATENCY_MS.check(whose, "consumer.fetchLatencyMs", self.fetch_latency_ms)?;
        DELAY_MS.check(
            whose,
            "consumer.processingDelayMs",
            self.processing_delay_ms,
        )?;
        COUNT.check(whose, "consumer.messagesConsumed", self.messages_consumed)
    }
}

/// The producer's view of one broker connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerLink {
    pub name: String,
    pub state: String,
    /// Round trip to this broker, ms (0 to 1 h).
    pub rtt_ms: f64,
}

impl Message for SignalSnapshot {
    const KIND: MessageKind = MessageKind::Signal;
    fn source(&self) -> &SidecarId {
        &self.source
    }

    fn check_bounds(&self) -> Result<(), DecodeError> {
        TIMESTAMP_MS.check(&self.source, "ts", self.ts)?;
        if let Some(producer) = &self.producer {
            producer.check_bounds(&self.source)?;
        }
        if let Some(consumer) = &self.consumer {
            consumer.check_bounds(&self.source)?;
        }
        Ok(())
    }
}
