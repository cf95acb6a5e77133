//! The interface through which a sidecar carries out the platform's COMMANDs.

use faultline_protocol::Command;

/// Carries out the platform's COMMANDs on the watched workload.
#[async_trait::async_trait]
pub trait Control: Send + Sync {
    /// Applies the command and returns a sentence saying what changed.
    async fn apply(&self, command: &Command) -> Result<String, ControlError>;
}

#[derive(Debug, thiserror::Error)]
#[error("cannot carry out {command}: {reason}")]
pub struct ControlError {
    pub command: String,
    pub reason: String,
}
