//! Builds an environment of the kind the launch panel (or `--env`) asked for. Building
//! starts nothing: `Environment::start` does, after pre-flight.

use std::path::PathBuf;
use std::sync::Arc;

use faultline_kafka::ClientSettings;
use serde::Deserialize;

use super::{
    Environment, ExternalEnvironment, LocalConfig, LocalEnvironment, RehearsalConfig,
    RehearsalEnvironment,
};

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
}

pub type EnvironmentFactory =
    Arc<dyn Fn(&StartRequest) -> Result<Arc<dyn Environment>, String> + Send + Sync>;

/// The environments this build has, each with its default configuration.
pub fn create(request: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    match request.kind.as_str() {
        "rehearsal" => Ok(Arc::new(RehearsalEnvironment::new(
            RehearsalConfig::default(),
        ))),
        "local" => Ok(Arc::new(LocalEnvironment::new(LocalConfig::default()))),
        "external" => {
            let bootstrap = request
                .bootstrap
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .ok_or(
                    "an external cluster needs its bootstrap servers (HOST:PORT[,HOST:PORT...])",
                )?;
            let mut settings = ClientSettings::new(bootstrap.to_owned());
            if let Some(path) = &request.kafka_config {
                settings = settings
                    .with_properties_file(path)
                    .map_err(|e| e.to_string())?;
            }
            Ok(Arc::new(ExternalEnvironment::new(settings)))
        }
        "docker" => Err(
            "the docker environment is not part of this build yet; use rehearsal or local".into(),
        ),
        // The kind came from a request: the refusal does not repeat it.
        _ => {
            Err("there is no such environment: choose rehearsal, local, docker or external".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: &str, bootstrap: Option<&str>) -> StartRequest {
        StartRequest {
            kind: kind.into(),
            bootstrap: bootstrap.map(Into::into),
            kafka_config: None,
        }
    }

    #[test]
    fn builds_each_kind_it_has_and_names_what_is_missing() {
        assert_eq!(
            create(&request("rehearsal", None)).unwrap().kind(),
            "rehearsal"
        );
        assert_eq!(create(&request("local", None)).unwrap().kind(), "local");
        let external = create(&request("external", Some("127.0.0.1:9092"))).unwrap();
        assert_eq!(external.kind(), "external");
        let missing = create(&request("external", Some("  "))).err().unwrap();
        assert!(missing.contains("bootstrap servers"), "{missing}");
        let docker = create(&request("docker", None)).err().unwrap();
        assert!(docker.contains("not part of this build"), "{docker}");
        let unknown = create(&request("<script>", None)).err().unwrap();
        assert!(
            unknown.contains("choose rehearsal, local, docker or external")
                && !unknown.contains("<script>"),
            "{unknown}"
        );
    }

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
