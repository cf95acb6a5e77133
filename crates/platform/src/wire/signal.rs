//! A producer sidecar's signal as the `signal` event and the platform's state show it.

use serde::Serialize;

/// The numbers of one producer snapshot the platform shows and judges (the snapshot's
/// other numbers stay with the sidecar's probe).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerSignal {
    /// When the sidecar took the snapshot, ms since the Unix epoch on its clock.
    pub ts: i64,
    /// How full the send buffer is, 0–1 (the fuller of messages and bytes).
    pub buffer_fill: f64,
    /// The rate the producer is asked to send at, messages per second.
    pub target_rate: u32,
    /// The rate it sends at, messages per second.
    pub send_rate: f64,
    pub request_latency_ms: f64,
    /// Totals since the producer started.
    pub tx_errors: u64,
    pub retries: u64,
    pub queue_full_errors: u64,
}
