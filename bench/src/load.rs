//! What the bench sends when it plays sidecars: signal snapshots and registrations, as the
//! protocol defines them (`faultline-protocol`).

use std::time::Duration;

use faultline_protocol::messages::MessageKind;
use faultline_protocol::{
    ProducerMetrics, Registration, SidecarId, SidecarType, SignalSnapshot, PROTOCOL_VERSION,
};
use rdkafka::producer::{BaseProducer, BaseRecord};

/// A calm producer's snapshot; `target_rate` doubles as a marker the bench can read back
/// from `GET /api/sidecars`.
pub fn snapshot(source: SidecarId, ts: i64, target_rate: u32) -> SignalSnapshot {
    SignalSnapshot {
        v: PROTOCOL_VERSION,
        kind: MessageKind::Signal,
        source,
        ts,
        probe: "bench".into(),
        producer: Some(ProducerMetrics {
            queue_bytes_max: 2 << 20,
            queue_messages_max: 100_000,
            target_rate,
            send_rate: 10.0,
            ..Default::default()
        }),
        consumer: None,
    }
}

/// A producer sidecar's registration; an hour between heartbeats keeps it ACTIVE for the
/// whole run without any.
pub fn registration(source: SidecarId, ts: i64) -> Registration {
    Registration {
        v: PROTOCOL_VERSION,
        kind: MessageKind::Registration,
        source,
        ts,
        sidecar_type: SidecarType::Producer,
        workload: "faultline-bench".into(),
        jmx_endpoint: None,
        host: "127.0.0.1".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        capabilities: Vec::new(),
        heartbeat_interval_ms: 3_600_000,
    }
}

/// `bench-00042`: ids the protocol accepts, the same length for every index below 100,000.
pub fn sidecar_id(prefix: &str, index: usize) -> SidecarId {
    SidecarId::parse(&format!("{prefix}-{index:05}")).expect("bench ids are valid sidecar ids")
}

/// Queues one record on `producer`, to `partition` when given (else by key), waiting for
/// librdkafka to deliver while its local queue is full: a bench sends faster than it.
pub fn queue(
    producer: &BaseProducer,
    topic: &str,
    key: &str,
    ts: i64,
    payload: &[u8],
    partition: Option<i32>,
) {
    loop {
        let mut record = BaseRecord::to(topic)
            .key(key)
            .payload(payload)
            .timestamp(ts);
        if let Some(p) = partition {
            record = record.partition(p);
        }
        if producer.send(record).is_ok() {
            return;
        }
        producer.poll(Duration::from_millis(1));
    }
}
