//! The external kind's registry entry: always offered, never picked unasked, built from the
//! bootstrap servers a start names (and `--kafka-config`'s client settings).

use std::sync::Arc;

use faultline_kafka::ClientSettings;

use super::ExternalEnvironment;
use crate::environments::kinds::{EnvironmentKind, Host, Needs, Verdict};
use crate::environments::{Environment, StartRequest};
use crate::wire::PreflightCheck;

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "external",
    title: "External: an existing cluster",
    detect: None,
    available,
    // Faultline's own clients only: the cluster runs elsewhere.
    needs: Needs {
        memory_mib: 128,
        docker_engine: false,
        bootstrap: true,
    },
    build,
};

fn available(_: &Host, _: &[PreflightCheck]) -> Verdict {
    Ok("give its bootstrap servers; Faultline starts nothing".into())
}

/// Refused without bootstrap servers, or when the `--kafka-config` file cannot be read
/// (the error names the file and line).
fn build(request: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    let bootstrap = request
        .bootstrap
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .ok_or("an external cluster needs its bootstrap servers (HOST:PORT[,HOST:PORT...])")?;
    let mut settings = ClientSettings::new(bootstrap.to_owned());
    if let Some(path) = &request.kafka_config {
        settings = settings
            .with_properties_file(path)
            .map_err(|e| e.to_string())?;
    }
    Ok(Arc::new(ExternalEnvironment::new(settings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(bootstrap: Option<&str>) -> StartRequest {
        StartRequest {
            kind: KIND.id.into(),
            bootstrap: bootstrap.map(Into::into),
            ..StartRequest::default()
        }
    }

    #[test]
    fn needs_its_bootstrap_servers() {
        let missing = build(&request(Some("  "))).err().expect("blank is refused");
        assert!(missing.contains("bootstrap servers"), "{missing}");
        assert!(build(&request(None)).is_err());
        let built = build(&request(Some("127.0.0.1:9092"))).expect("built");
        assert_eq!(built.kind(), "external");
    }

    #[test]
    fn an_unreadable_client_settings_file_is_named() {
        let mut with_config = request(Some("127.0.0.1:9092"));
        with_config.kafka_config = Some("/nonexistent/client.properties".into());
        let refused = build(&with_config).err().expect("refused");
        assert!(
            refused.contains("/nonexistent/client.properties"),
            "{refused}"
        );
    }
}
