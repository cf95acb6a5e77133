//! The interface every probe kind implements to read a workload's health.

use faultline_protocol::{ConsumerMetrics, ProducerMetrics};

/// Reads a workload's health. Each probe kind (librdkafka statistics, JMX) lives in its
/// own module under `probes/` and fills the same metric types, so detectors do not care
/// which probe fed them.
#[async_trait::async_trait]
pub trait Probe: Send {
    /// Short name carried in every snapshot (`librdkafka`, `jmx`).
    fn name(&self) -> &'static str;
    /// One reading. `Ok(None)` means "nothing to report yet" (no statistics so far).
    async fn sample(&mut self) -> Result<Option<Reading>, ProbeError>;
}

/// What one probe reading found: a producer's metrics, a consumer's, or both.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub producer: Option<ProducerMetrics>,
    pub consumer: Option<ConsumerMetrics>,
}

#[derive(Debug, thiserror::Error)]
#[error("{probe} probe cannot read its workload: {reason}")]
pub struct ProbeError {
    pub probe: &'static str,
    pub reason: String,
}
