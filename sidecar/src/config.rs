//! A sidecar's settings: its id, cluster, workload, intervals and announcement.

use std::path::PathBuf;
use std::time::Duration;

use faultline_kafka::ClientSettings;
use faultline_protocol::{SidecarId, SidecarType};

/// Everything a sidecar needs to know about itself.
#[derive(Debug, Clone)]
pub struct SidecarConfig {
    pub id: SidecarId,
    pub kafka: ClientSettings,
    pub sidecar_type: SidecarType,
    /// Free text naming the watched application.
    pub workload: String,
    pub jmx_endpoint: Option<String>,
    pub host: String,
    pub heartbeat_interval: Duration,
    pub signal_interval: Duration,
    /// How soon the next snapshot follows one whose buffer is at least
    /// [`crate::overflow_watch::OVERFLOW_FILL`] full. The platform judges a producer
    /// DEGRADED on the second such snapshot, so waiting a whole `signal_interval` for it
    /// made buffer-overflow detection take 2.2 s (bench/run, docs/benchmarks.md); 500 ms
    /// is as often as the demo producer's librdkafka statistics change.
    pub pressure_interval: Duration,
    /// Consecutive overflowing samples before the sidecar asks the platform to throttle.
    /// Three, so the platform has already judged the producer DEGRADED (two samples)
    /// when the REQUEST arrives.
    pub overflow_samples_before_request: u32,
    /// A sentence sent once as a REPORT (OBSERVATION) when the sidecar starts, such as
    /// what it watches and why; the platform shows it in its feed.
    pub announcement: Option<String>,
    /// A file rewritten after every heartbeat Kafka acknowledged (`--health-file`), for a
    /// container healthcheck to read its age; `None`: no file.
    pub health_file: Option<PathBuf>,
}

impl SidecarConfig {
    pub fn new(id: SidecarId, kafka: ClientSettings) -> Self {
        Self {
            id,
            kafka,
            sidecar_type: SidecarType::Producer,
            workload: "demo producer".to_owned(),
            jmx_endpoint: None,
            host: local_hostname(),
            heartbeat_interval: Duration::from_secs(2),
            signal_interval: Duration::from_secs(1),
            pressure_interval: Duration::from_millis(500),
            overflow_samples_before_request: 3,
            announcement: None,
            health_file: None,
        }
    }
}

fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
