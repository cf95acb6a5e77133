//! Builds an environment of the kind the launch panel (or `--env`) asked for. Building
//! starts nothing: `Environment::start` does, after pre-flight.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use super::{kinds, Environment, SidecarCommand};

/// What to start: `{"kind":"rehearsal"}`, or `{"kind":"external","bootstrap":"host:9092"}`.
/// Any other field, `kafkaConfig` included, is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartRequest {
    pub kind: String,
    #[serde(default)]
    pub bootstrap: Option<String>,
    /// Extra client settings (TLS, SASL) for an external cluster; set by `--kafka-config`,
    /// never taken from the API.
    #[serde(skip)]
    pub kafka_config: Option<PathBuf>,
    /// How `local` starts `faultline-sidecar`; set by the desktop app (through
    /// tauri-plugin-shell), never taken from the API. `None`: the binary beside Faultline.
    #[serde(skip)]
    pub sidecar: Option<SidecarCommand>,
}

pub type EnvironmentFactory =
    Arc<dyn Fn(&StartRequest) -> Result<Arc<dyn Environment>, String> + Send + Sync>;

/// Builds the environment of the registered kind `request.kind` names (see `kinds.rs`).
/// Refused, in one sentence: a kind not registered (the sentence names the registered ones,
/// not the request's), a kind this build does not have, or a request its kind cannot use
/// (external without bootstrap servers, an unreadable `--kafka-config`).
pub fn create(request: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    kinds::find(&request.kind)?.environment(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_takes_kind_and_bootstrap_only() {
        let request: StartRequest =
            serde_json::from_str(r#"{"kind":"external","bootstrap":"h:9092"}"#).unwrap();
        assert_eq!(request.bootstrap.as_deref(), Some("h:9092"));
        // The client settings file comes from the command line, never from a request.
        assert!(
            serde_json::from_str::<StartRequest>(r#"{"kind":"external","kafkaConfig":"/x"}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<StartRequest>(r#"{"kind":"local","extra":1}"#).is_err());
    }
}
