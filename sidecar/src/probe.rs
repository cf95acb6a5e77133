use faultline_protocol::ProducerMetrics;

/// Reads a workload's health. Each probe kind (librdkafka statistics, JMX) lives in its
/// own module under `probes/` and fills the same [`ProducerMetrics`], so detectors do not
/// care which probe fed them.
pub trait Probe: Send {
    /// Short name carried in every snapshot (`librdkafka`, `jmx`).
    fn name(&self) -> &'static str;
    /// One reading. `Ok(None)` means "nothing to report yet" (no statistics so far).
    fn sample(&mut self) -> Result<Option<ProducerMetrics>, ProbeError>;
}

#[derive(Debug, thiserror::Error)]
#[error("{probe} probe cannot read its workload: {reason}")]
pub struct ProbeError {
    pub probe: &'static str,
    pub reason: String,
}
