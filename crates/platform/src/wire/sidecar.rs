//! A sidecar as the API and events show it: its liveness as the registry judges it, and
//! its row in `GET /api/sidecars`.

use faultline_protocol::vocabulary::{Condition, Confidence};
use faultline_protocol::SidecarType;
use serde::Serialize;

/// Liveness of a sidecar (the rules are in `state::registry`'s documentation): ACTIVE while its
/// newest registration is younger than the registry's `inactive_after_ms`, INACTIVE after, DEPARTED after
/// a tombstone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SidecarStatus {
    Active,
    Inactive,
    Departed,
}

/// One row of `GET /api/sidecars`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SidecarView {
    pub sidecar_id: String,
    #[serde(rename = "type")]
    pub sidecar_type: Option<SidecarType>,
    pub status: SidecarStatus,
    pub last_seen_ms: i64,
    pub jmx_endpoint: Option<String>,
    pub workload: Option<String>,
    pub host: Option<String>,
    pub version: Option<String>,
    pub heartbeat_interval_ms: Option<u64>,
    pub condition: Option<Condition>,
    pub confidence: Option<Confidence>,
    pub sentence: Option<String>,
    pub buffer_fill: Option<f64>,
    pub target_rate: Option<u32>,
    pub send_rate: Option<f64>,
    pub request_latency_ms: Option<f64>,
    /// The platform's clock minus the sidecar's, ms (positive: the sidecar's is behind);
    /// null until measured.
    pub clock_offset_ms: Option<i64>,
    /// A sentence with the offset when the clocks differ by more than 2 s, else null.
    pub clock_warning: Option<String>,
    /// A sentence naming what differs when two sidecars share this id, else null.
    pub id_conflict: Option<String>,
}
