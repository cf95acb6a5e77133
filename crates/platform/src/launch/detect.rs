//! Which environment to offer first, and why, so the presenter sees "Docker not running →
//! rehearsal" instead of guessing.

use std::path::PathBuf;

use super::status::{Choice, Detection};
use crate::environments::PreflightCheck;

/// Whether a Docker engine answers on its socket (DOCKER_HOST when it is a unix socket).
pub fn docker_running() -> bool {
    let socket = std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|host| host.strip_prefix("unix://").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"));
    std::os::unix::net::UnixStream::connect(socket).is_ok()
}

/// The docker environment is a later piece of work: it is offered, never picked.
const DOCKER_MISSING: &str = "this build has no docker environment yet";

pub fn detect(docker: bool) -> Detection {
    let reason = if docker {
        format!("Docker is running, but {DOCKER_MISSING} → rehearsal")
    } else {
        "Docker not running → rehearsal".to_owned()
    };
    Detection {
        kind: "rehearsal".into(),
        reason,
    }
}

/// Every kind, with whether it can start here; `local` is judged by its own pre-flight.
pub fn choices(docker: bool, local_checks: &[PreflightCheck]) -> Vec<Choice> {
    let local_blocker = local_checks.iter().find(|c| !c.ok);
    vec![
        Choice {
            kind: "rehearsal".into(),
            title: "Rehearsal: embedded Kafka, no network".into(),
            available: true,
            reason: "runs inside Faultline and needs nothing else".into(),
        },
        Choice {
            kind: "local".into(),
            title: "Local: real Kafka ×3, Toxiproxy, Java workloads".into(),
            available: local_blocker.is_none(),
            reason: match local_blocker {
                Some(check) => check.detail.clone(),
                None => "Kafka, Toxiproxy and the workloads are installed".into(),
            },
        },
        Choice {
            kind: "docker".into(),
            title: "Docker: the full environment in containers".into(),
            available: false,
            reason: if docker {
                format!("Docker is running, but {DOCKER_MISSING}")
            } else {
                format!("Docker is not running, and {DOCKER_MISSING}")
            },
        },
        Choice {
            kind: "external".into(),
            title: "External: an existing cluster".into(),
            available: true,
            reason: "give its bootstrap servers; Faultline starts nothing".into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_docker_the_reason_says_so() {
        let detection = detect(false);
        assert_eq!(detection.kind, "rehearsal");
        assert_eq!(detection.reason, "Docker not running → rehearsal");
        assert!(detect(true).reason.starts_with("Docker is running"));
    }

    #[test]
    fn local_is_offered_only_when_its_preflight_passes() {
        let missing = PreflightCheck::failed(
            "Kafka",
            "Apache Kafka's jars are not in /x".into(),
            "fetch them".into(),
        );
        let local = |checks: &[PreflightCheck]| {
            choices(false, checks)
                .into_iter()
                .find(|c| c.kind == "local")
                .unwrap()
        };
        let blocked = local(std::slice::from_ref(&missing));
        assert!(!blocked.available);
        assert_eq!(blocked.reason, "Apache Kafka's jars are not in /x");
        assert!(local(&[PreflightCheck::passed("Kafka", "ok".into())]).available);
        assert!(choices(true, &[])
            .iter()
            .any(|c| c.kind == "docker" && !c.available));
    }
}
