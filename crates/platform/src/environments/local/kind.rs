//! The local kind's registry entry: offered when its own pre-flight passes (Java, Kafka's
//! jars, Toxiproxy, the workloads, free ports; see `prerequisites.rs`), never picked unasked.

use std::sync::Arc;

use super::prerequisites::KAFKA_TO_FETCH;
use super::{LocalConfig, LocalEnvironment};
use crate::environments::kinds::{EnvironmentKind, Host, Needs, Verdict};
use crate::environments::{Environment, StartRequest};
use crate::wire::PreflightCheck;

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "local",
    title: "Local: real Kafka ×3, Toxiproxy, Java workloads",
    detect: None,
    available,
    // Three JVM brokers and two JVM workloads.
    needs: Needs {
        memory_mib: 2048,
        docker_engine: false,
        bootstrap: false,
    },
    build,
};

/// Judged by its environment's own checks: the first failed one says what stops it.
fn available(_: &Host, checks: &[PreflightCheck]) -> Verdict {
    match checks.iter().find(|check| !check.ok) {
        Some(blocker) => Err(blocker.detail.clone()),
        None if checks
            .iter()
            .any(|check| check.name == "Kafka" && check.detail.contains(KAFKA_TO_FETCH)) =>
        {
            Ok("ready; Apache Kafka's jars are fetched on the first start".into())
        }
        None => Ok("Kafka, Toxiproxy and the workloads are installed".into()),
    }
}

fn build(request: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    let mut config = LocalConfig::default();
    if let Some(sidecar) = &request.sidecar {
        config.sidecar = sidecar.clone();
    }
    Ok(Arc::new(LocalEnvironment::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_only_when_its_own_preflight_passes() {
        let missing = PreflightCheck::failed(
            "Kafka",
            "Apache Kafka's jars are not in /x".into(),
            "fetch them".into(),
        );
        let host = Host::default();
        assert_eq!(
            available(
                &host,
                &[PreflightCheck::passed("Java", "ok".into()), missing]
            ),
            Err("Apache Kafka's jars are not in /x".into())
        );
        assert!(available(&host, &[PreflightCheck::passed("Kafka", "ok".into())]).is_ok());
    }
}
