//! The registry as viewers see it: one `SidecarView` row per known sidecar, with its latest
//! judged signal. `GET /api/sidecars` answers it and a recording's snapshot carries it.

use super::SharedState;
use crate::wire::SidecarView;

impl SharedState {
    /// One row per sidecar the registry knows, in id order: liveness and registration from
    /// the registry, condition and figures from its latest signal (null until one arrived).
    pub fn sidecar_views(&self) -> Vec<SidecarView> {
        let registry: Vec<_> = self
            .registry
            .read()
            .entries()
            .map(|(id, entry)| (id.clone(), entry.clone()))
            .collect();
        let signals = self.signals.read();
        registry
            .into_iter()
            .map(|(id, entry)| {
                let observed = signals.get(&id);
                let registration = entry.registration;
                SidecarView {
                    sidecar_id: id.to_string(),
                    sidecar_type: registration.as_ref().map(|r| r.sidecar_type),
                    status: entry.status,
                    last_seen_ms: entry.last_seen_ms,
                    jmx_endpoint: registration.as_ref().and_then(|r| r.jmx_endpoint.clone()),
                    workload: registration.as_ref().map(|r| r.workload.clone()),
                    host: registration.as_ref().map(|r| r.host.clone()),
                    version: registration.as_ref().map(|r| r.version.clone()),
                    heartbeat_interval_ms: registration.as_ref().map(|r| r.heartbeat_interval_ms),
                    condition: observed.map(|o| o.condition),
                    confidence: observed.map(|o| o.confidence),
                    sentence: observed.and_then(|o| o.sentence.clone()),
                    buffer_fill: observed.map(|o| o.figures.buffer_fill),
                    target_rate: observed.map(|o| o.figures.target_rate),
                    send_rate: observed.map(|o| o.figures.send_rate),
                    request_latency_ms: observed.map(|o| o.figures.request_latency_ms),
                    clock_offset_ms: entry.clock_offset_ms,
                    clock_warning: entry.clock_warning,
                    id_conflict: entry.id_conflict,
                }
            })
            .collect()
    }
}
