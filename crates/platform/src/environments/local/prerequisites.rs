//! What the local stack needs on this machine before it starts (Java, Kafka's jars,
//! Toxiproxy, the workloads and the sidecar, its ports free), each blocker named with how
//! to fix it. Built from the shared checks in `environments/preflight.rs`.

use super::config::LocalConfig;
use crate::environments::preflight::{is_executable, ports_free, runs};
use crate::wire::PreflightCheck;

/// Something that stops the local environment from starting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub what: String,
    pub fix: String,
}

/// Only the failed checks, as blockers: what `start` refuses on.
pub fn check(config: &LocalConfig, ports: &[u16]) -> Vec<Blocker> {
    checks(config, ports)
        .into_iter()
        .filter_map(|check| {
            (!check.ok).then(|| Blocker {
                what: check.detail,
                fix: check.fix.unwrap_or_default(),
            })
        })
        .collect()
}

/// Every prerequisite, passed or not, for the launch panel's pre-flight list.
pub fn checks(config: &LocalConfig, ports: &[u16]) -> Vec<PreflightCheck> {
    let fetch = "run `bash tests/scripts/fetch-local-stack.sh` (or `make test`, which runs it)";
    let mut checks = vec![PreflightCheck::new(
        "Java",
        runs(&config.java, &["-version"]),
        format!("Java runs ({})", config.java.display()),
        format!("Java is not runnable ({})", config.java.display()),
        "install it with `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME",
    )];
    let has_kafka = std::fs::read_dir(&config.kafka_libs)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("kafka_2.13-"))
        })
        .unwrap_or(false);
    checks.push(PreflightCheck::new(
        "Kafka",
        has_kafka,
        format!("Apache Kafka's jars are in {}", config.kafka_libs.display()),
        format!(
            "Apache Kafka's jars are not in {}",
            config.kafka_libs.display()
        ),
        fetch,
    ));
    checks.push(PreflightCheck::new(
        "Toxiproxy",
        is_executable(&config.toxiproxy),
        format!("the Toxiproxy server is at {}", config.toxiproxy.display()),
        format!(
            "the Toxiproxy server is not at {}",
            config.toxiproxy.display()
        ),
        fetch,
    ));
    if config.workloads {
        checks.push(PreflightCheck::new(
            "Workloads",
            config.workloads_jar.is_file(),
            format!(
                "the demo workloads jar is at {}",
                config.workloads_jar.display()
            ),
            format!(
                "the demo workloads jar is not at {}",
                config.workloads_jar.display()
            ),
            fetch,
        ));
        checks.push(PreflightCheck::new(
            "Sidecar",
            runs(&config.sidecar, &["--version"]),
            format!("the sidecar runs ({})", config.sidecar.display()),
            format!(
                "the sidecar binary is not runnable ({})",
                config.sidecar.display()
            ),
            "build it beside Faultline: `cargo build --release -p faultline-sidecar` (without --release for a debug build)",
        ));
    }
    checks.extend(ports_free(ports));
    checks
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    #[test]
    fn every_missing_piece_and_taken_port_is_named() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let config = LocalConfig {
            kafka_libs: "/nonexistent/kafka".into(),
            toxiproxy: "/nonexistent/toxiproxy".into(),
            workloads_jar: "/nonexistent/w.jar".into(),
            sidecar: "/nonexistent/faultline-sidecar".into(),
            java: "/nonexistent/java".into(),
            ..LocalConfig::default()
        };
        let blockers = check(&config, &[port]);
        let text: Vec<String> = blockers.iter().map(|b| b.what.clone()).collect();
        assert_eq!(blockers.len(), 6, "{text:#?}");
        assert!(
            text.iter()
                .any(|t| t == &format!("port {port} on 127.0.0.1 is in use")),
            "{text:#?}"
        );
        assert!(blockers.iter().all(|b| !b.fix.is_empty()));
    }
}
