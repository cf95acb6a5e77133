//! The local kind's registry entry: offered when its own pre-flight passes (Java,
//! Toxiproxy, the workloads, free ports; see `prerequisites.rs`), picked by detection only
//! when a stack an earlier Faultline left running is there to adopt.

use std::sync::Arc;

use super::prerequisites::KAFKA_TO_FETCH;
use super::{LocalConfig, LocalEnvironment};
use crate::environments::kinds::{EnvironmentKind, Host, Needs, Verdict};
use crate::environments::{Environment, StartRequest};
use crate::wire::PreflightCheck;

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "local",
    title: "Local: real Kafka ×3, Toxiproxy, Java workloads",
    detect: Some(left_running),
    available,
    // Three JVM brokers and two JVM workloads.
    needs: Needs {
        memory_mib: 2048,
        docker_engine: false,
        bootstrap: false,
    },
    build,
};

/// Preferred only when Faultline's own stack from an earlier run still runs: starting
/// local then adopts it instead of leaving some 2 GB of Kafka running unseen. Otherwise it
/// is never picked unasked, and says nothing in the detection's reason.
fn left_running(host: &Host) -> Verdict {
    if host.local_stack_running {
        Ok("Faultline's local stack from an earlier run is still running (Start adopts it)".into())
    } else {
        Err(String::new())
    }
}

/// Judged by its environment's own checks: the first failed one says what stops it and
/// how to fix it.
fn available(_: &Host, checks: &[PreflightCheck]) -> Verdict {
    match checks.iter().find(|check| !check.ok) {
        // A greyed-out choice shows only this sentence, so it carries the fix too.
        Some(blocker) => Err(match &blocker.fix {
            Some(fix) => format!("{}: {fix}", blocker.detail),
            None => blocker.detail.clone(),
        }),
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
            Err("Apache Kafka's jars are not in /x: fetch them".into())
        );
        assert!(available(&host, &[PreflightCheck::passed("Kafka", "ok".into())]).is_ok());
    }
}
