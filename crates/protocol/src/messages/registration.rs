//! The registration and heartbeat message a sidecar keeps on `faultline.sidecars`.

use serde::{Deserialize, Serialize};

use super::{Message, MessageKind};
use crate::bounds::{HEARTBEAT_INTERVAL_MS, TIMESTAMP_MS};
use crate::{DecodeError, SidecarId};

/// What a sidecar watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SidecarType {
    Producer,
    Consumer,
}

/// Registration and heartbeat in one: re-sent every heartbeat interval on the compacted
/// `faultline.sidecars` topic, key = `source`. A tombstone (null value) marks a clean exit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    pub v: u32,
    pub kind: MessageKind,
    pub source: SidecarId,
    pub ts: i64,
    pub sidecar_type: SidecarType,
    /// Free text naming the watched application (rendered as text, never markup).
    pub workload: String,
    /// `host:port` of the workload's JMX endpoint, when it has one.
    pub jmx_endpoint: Option<String>,
    pub host: String,
    pub version: String,
    pub capabilities: Vec<String>,
    /// Lets the platform judge liveness with this sidecar's own interval; 100 ms to 1 h
    /// ([`HEARTBEAT_INTERVAL_MS`]).
    pub heartbeat_interval_ms: u64,
}

impl Message for Registration {
    const KIND: MessageKind = MessageKind::Registration;
    fn source(&self) -> &SidecarId {
        &self.source
    }

    fn check_bounds(&self) -> Result<(), DecodeError> {
        TIMESTAMP_MS.check(&self.source, "ts", self.ts)?;
        HEARTBEAT_INTERVAL_MS.check(
            &self.source,
            "heartbeatIntervalMs",
            self.heartbeat_interval_ms,
        )
    }
}
