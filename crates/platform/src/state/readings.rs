//! One reading of each kind of subject the platform judges, as the ingest tasks make them and
//! the detectors look at them: whose it is, and its figures in the shape the events and the
//! API show (`crate::wire`).

use faultline_protocol::{SidecarId, SignalSnapshot};

use crate::wire::{BrokerMetrics, GroupLag, ProducerSignal};

/// A producer sidecar's snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerReading {
    pub sidecar: SidecarId,
    pub signal: ProducerSignal,
}

impl ProducerReading {
    /// The producer numbers of a snapshot; None for a snapshot without them (a consumer's).
    pub fn from_snapshot(snapshot: &SignalSnapshot) -> Option<Self> {
        let producer = snapshot.producer.as_ref()?;
        Some(Self {
            sidecar: snapshot.source.clone(),
            signal: ProducerSignal {
                ts: snapshot.ts,
                buffer_fill: producer.buffer_fill(),
                target_rate: producer.target_rate,
                send_rate: producer.send_rate,
                request_latency_ms: producer.request_latency_ms,
                tx_errors: producer.tx_errors,
                retries: producer.retries,
                queue_full_errors: producer.queue_full_errors,
            },
        })
    }
}

/// One reading of a broker's health.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerReading {
    pub broker: i32,
    /// When it was read, ms since the Unix epoch.
    pub at_ms: i64,
    pub metrics: BrokerMetrics,
}

/// A consumer group's backlog from one round (`state::groups` folds the round's reads into
/// it).
#[derive(Debug, Clone, PartialEq)]
pub struct LagReading {
    pub group: String,
    /// When the reading was made, ms since the Unix epoch.
    pub at_ms: i64,
    pub lag: GroupLag,
}

#[cfg(test)]
mod tests {
    use faultline_protocol::messages::MessageKind;
    use faultline_protocol::ProducerMetrics;

    use super::*;

    fn snapshot(producer: Option<ProducerMetrics>) -> SignalSnapshot {
        SignalSnapshot {
            v: 1,
            kind: MessageKind::Signal,
            source: SidecarId::parse("producer-1").unwrap(),
            ts: 1_700_000_000_000,
            probe: "test".into(),
            producer,
            consumer: None,
        }
    }

    #[test]
    fn a_producer_reading_takes_the_snapshot_s_fill_and_numbers() {
        let reading = ProducerReading::from_snapshot(&snapshot(Some(ProducerMetrics {
            queue_messages: 10,
            queue_messages_max: 100,
            queue_bytes: 60,
            queue_bytes_max: 100,
            target_rate: 50,
            send_rate: 49.5,
            request_latency_ms: 12.0,
            tx_errors: 1,
            retries: 2,
            queue_full_errors: 3,
            ..Default::default()
        })))
        .unwrap();
        assert_eq!(reading.sidecar.as_str(), "producer-1");
        assert_eq!(
            reading.signal,
            ProducerSignal {
                ts: 1_700_000_000_000,
                buffer_fill: 0.6,
                target_rate: 50,
                send_rate: 49.5,
                request_latency_ms: 12.0,
                tx_errors: 1,
                retries: 2,
                queue_full_errors: 3,
            },
            "the fuller of messages and bytes"
        );
    }

    #[test]
    fn a_snapshot_without_producer_numbers_is_no_producer_reading() {
        assert_eq!(ProducerReading::from_snapshot(&snapshot(None)), None);
    }
}
