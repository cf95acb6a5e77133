//! Which environment to offer first, and why, so the presenter sees "Docker not running →
//! rehearsal" instead of guessing; and every registered kind as a launch panel choice.
//! Both read the registry (`environments/kinds.rs`).

use crate::environments::kinds::{EnvironmentKind, Host, FALLBACK, KINDS};
use crate::wire::PreflightCheck;
use crate::wire::{Choice, Detection};

/// The first registered kind that asks to be preferred and can start on `host`; else the
/// fallback, with every passed-over kind's reason ("Docker not running → rehearsal").
pub fn detect(host: &Host) -> Detection {
    let mut passed_over = Vec::new();
    for kind in KINDS {
        let Some(detect) = kind.detect else {
            continue;
        };
        match detect(host) {
            Ok(why) => return picked(kind, &why),
            // An empty reason is a kind that is preferred only now and then (local, with a
            // stack left running): it has nothing to say when it is not.
            Err(why) if why.is_empty() => {}
            Err(why) => passed_over.push(why),
        }
    }
    let why = if passed_over.is_empty() {
        "no other kind is preferred here".to_owned()
    } else {
        passed_over.join("; ")
    };
    picked(FALLBACK, &why)
}

fn picked(kind: &EnvironmentKind, why: &str) -> Detection {
    Detection {
        kind: kind.id.to_owned(),
        reason: format!("{why} → {}", kind.id),
    }
}

/// Every registered kind in registry order, with whether it can start here and why.
/// `checks_of` gives a kind's own environment pre-flight (empty when it cannot be built
/// from its id alone); it runs programs, so call this off the async threads.
pub fn choices(
    host: &Host,
    checks_of: impl Fn(&EnvironmentKind) -> Vec<PreflightCheck>,
) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|kind| {
            let (available, reason) = match (kind.available)(host, &checks_of(kind)) {
                Ok(reason) => (true, reason),
                Err(reason) => (false, reason),
            };
            Choice {
                kind: kind.id.to_owned(),
                title: kind.title.to_owned(),
                available,
                reason,
                needs_bootstrap: kind.needs.bootstrap,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_docker(running: bool) -> Host {
        Host {
            docker_running: running,
            ..Host::default()
        }
    }

    #[test]
    fn without_docker_the_reason_says_so() {
        let detection = detect(&with_docker(false));
        assert_eq!(detection.kind, "rehearsal");
        assert_eq!(detection.reason, "Docker not running → rehearsal");
    }

    #[test]
    fn a_local_stack_left_running_is_picked_to_be_adopted() {
        let host = Host {
            local_stack_running: true,
            ..with_docker(true)
        };
        let detection = detect(&host);
        assert_eq!(detection.kind, "local");
        assert_eq!(
            detection.reason,
            "Faultline's local stack from an earlier run is still running (Start adopts it) → local"
        );
    }

    #[test]
    fn every_kind_is_offered_and_local_only_when_its_preflight_passes() {
        let missing = PreflightCheck::failed(
            "Kafka",
            "Apache Kafka's jars are not in /x".into(),
            "fetch them".into(),
        );
        let blocked = choices(&with_docker(false), |kind| {
            if kind.id == "local" {
                vec![missing.clone()]
            } else {
                Vec::new()
            }
        });
        let offered: Vec<(&str, bool)> = blocked
            .iter()
            .map(|c| (c.kind.as_str(), c.available))
            .collect();
        assert_eq!(
            offered,
            [
                ("rehearsal", true),
                ("local", false),
                ("docker", false),
                ("external", true)
            ]
        );
        assert_eq!(
            blocked[1].reason,
            "Apache Kafka's jars are not in /x: fetch them"
        );
        assert_eq!(
            blocked[1].title,
            "Local: real Kafka ×3, Toxiproxy, Java workloads"
        );
        assert_eq!(blocked[2].reason, "Docker is not running");
        let ready = choices(&with_docker(true), |_| {
            vec![PreflightCheck::passed("Kafka", "ok".into())]
        });
        assert!(ready[1].available);
        assert_eq!(
            ready[1].reason,
            "Kafka, Toxiproxy and the workloads are installed"
        );
        assert!(ready[2].available, "{}", ready[2].reason);
    }
}
