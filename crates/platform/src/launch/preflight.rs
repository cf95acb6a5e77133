//! The launch panel's pre-flight: the environment's own checks plus what every kind needs
//! from the machine (memory; Docker for the docker kind). A failed check is a blocker.

use serde::Serialize;

use crate::environments::{Environment, PreflightCheck};

#[derive(Debug, Clone, Serialize)]
pub struct Preflight {
    pub kind: String,
    pub ok: bool,
    pub checks: Vec<PreflightCheck>,
    /// The failed checks: what stops a start.
    pub blockers: Vec<PreflightCheck>,
}

impl Preflight {
    fn of(kind: &str, checks: Vec<PreflightCheck>) -> Self {
        let blockers: Vec<PreflightCheck> = checks.iter().filter(|c| !c.ok).cloned().collect();
        Self {
            kind: kind.to_owned(),
            ok: blockers.is_empty(),
            checks,
            blockers,
        }
    }

    /// One sentence naming every blocker with its fix, for a refused start.
    pub fn refusal(&self) -> String {
        let named: Vec<String> = self
            .blockers
            .iter()
            .map(|c| match &c.fix {
                Some(fix) => format!("{} ({fix})", c.detail),
                None => c.detail.clone(),
            })
            .collect();
        format!(
            "The {} environment cannot start: {}.",
            self.kind,
            named.join("; ")
        )
    }
}

/// Memory a kind needs free before it starts, in MiB: three JVM brokers and two JVM
/// workloads for local, a few threads for rehearsal.
fn memory_needed_mib(kind: &str) -> u64 {
    match kind {
        "local" => 2048,
        "docker" => 3072,
        "rehearsal" => 256,
        _ => 128,
    }
}

/// `environment` is the built environment, or why this build cannot make one.
pub fn run(
    kind: &str,
    environment: Result<&dyn Environment, &str>,
    docker_running: bool,
) -> Preflight {
    let mut checks = vec![memory_check(kind, available_memory_mib())];
    if kind == "docker" {
        checks.push(PreflightCheck::new(
            "Docker",
            docker_running,
            "the Docker engine answers".into(),
            "the Docker engine is not running".into(),
            "start it (`sudo systemctl start docker`) or choose rehearsal",
        ));
    }
    match environment {
        Ok(environment) => checks.extend(environment.preflight()),
        Err(why) => checks.push(PreflightCheck::failed(
            "Environment",
            why.to_owned(),
            "choose another environment".into(),
        )),
    }
    Preflight::of(kind, checks)
}

fn memory_check(kind: &str, available: Option<u64>) -> PreflightCheck {
    let needed = memory_needed_mib(kind);
    match available {
        Some(free) => PreflightCheck::new(
            "Memory",
            free >= needed,
            format!("{free} MiB of memory available ({needed} MiB needed)"),
            format!("only {free} MiB of memory available, {kind} needs {needed} MiB"),
            "close other applications, or choose rehearsal, which needs the least",
        ),
        // Not knowing is no reason to refuse a start in front of a customer.
        None => PreflightCheck::passed(
            "Memory",
            "available memory is unknown on this system".into(),
        ),
    }
}

/// MemAvailable from /proc/meminfo.
fn available_memory_mib() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_available_memory_and_blocks_below_what_the_kind_needs() {
        let meminfo = "MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:    1048576 kB\n";
        assert_eq!(parse_mem_available(meminfo), Some(1024));
        assert_eq!(parse_mem_available("garbage"), None);
        let local = memory_check("local", Some(1024));
        assert!(!local.ok);
        assert_eq!(
            local.detail,
            "only 1024 MiB of memory available, local needs 2048 MiB"
        );
        assert!(memory_check("rehearsal", Some(1024)).ok);
        assert!(memory_check("local", None).ok);
    }

    #[test]
    fn a_refusal_names_every_blocker_with_its_fix() {
        let preflight = Preflight::of(
            "local",
            vec![
                PreflightCheck::passed("Java", "Java runs".into()),
                PreflightCheck::failed(
                    "Ports",
                    "port 19001 on 127.0.0.1 is in use".into(),
                    "stop it".into(),
                ),
                PreflightCheck::failed("Kafka", "no Kafka jars".into(), "fetch them".into()),
            ],
        );
        assert!(!preflight.ok);
        assert_eq!(preflight.blockers.len(), 2);
        assert_eq!(
            preflight.refusal(),
            "The local environment cannot start: port 19001 on 127.0.0.1 is in use (stop it); no Kafka jars (fetch them)."
        );
    }
}
