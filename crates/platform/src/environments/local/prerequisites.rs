//! What the local stack needs on this machine before it starts (Java, Kafka's jars,
//! Toxiproxy, the workloads and the sidecar, its ports free), each blocker named with how
//! to fix it. Built from the shared checks in `environments/preflight.rs`.

use super::config::{LocalConfig, KAFKA_VERSION};
use super::kafka_jars;
use crate::environments::megabytes;
use crate::environments::preflight::{is_executable, ports_free, runs, succeeds};
use crate::wire::PreflightCheck;

/// The fix for a file the installed app carries that is missing: the package was damaged
/// or a checkout's build is incomplete.
const REINSTALL: &str = "reinstall Faultline, whose package carries it (in a checkout of its repository, `make run` builds it)";

/// What the Kafka check says while the jars are still to be fetched (not a blocker).
pub const KAFKA_TO_FETCH: &str = "will be fetched from";

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
    let mut checks = vec![PreflightCheck::new(
        "Java",
        runs(&config.java, &["-version"]),
        format!("Java runs ({})", config.java.display()),
        format!("Java is not runnable ({})", config.java.display()),
        "install a Java 17 or newer runtime (on Debian or Ubuntu: `sudo apt-get install openjdk-17-jre-headless`), or set JAVA_HOME",
    )];
    checks.push(if kafka_jars::complete(&config.kafka_libs) {
        PreflightCheck::passed(
            "Kafka",
            format!(
                "Apache Kafka {KAFKA_VERSION}'s jars are in {}",
                config.kafka_libs.display()
            ),
        )
    } else {
        // Not a blocker: the start fetches them, with progress, and says so if it cannot.
        PreflightCheck::passed(
            "Kafka",
            format!(
                "Apache Kafka {KAFKA_VERSION}'s jars ({} jars, {}) {KAFKA_TO_FETCH} {} into {} on start (needs the network once)",
                kafka_jars::manifest().len(),
                megabytes(kafka_jars::manifest().iter().map(|jar| jar.size).sum()),
                kafka_jars::source_name(&kafka_jars::repository()),
                config.kafka_libs.display()
            ),
        )
    });
    checks.push(PreflightCheck::new(
        "Toxiproxy",
        is_executable(&config.toxiproxy),
        format!("the Toxiproxy server is at {}", config.toxiproxy.display()),
        format!(
            "the Toxiproxy server is not at {}",
            config.toxiproxy.display()
        ),
        REINSTALL,
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
            REINSTALL,
        ));
        // Resolved once: the desktop app's resolution goes through its shell plugin.
        let command = config.sidecar.command();
        let sidecar = command
            .as_ref()
            .map(|command| std::path::PathBuf::from(command.get_program()))
            .unwrap_or_default();
        let sidecar_runs = command.is_ok_and(|mut command| {
            command.arg("--version");
            succeeds(command)
        });
        checks.push(PreflightCheck::new(
            "Sidecar",
            sidecar_runs,
            format!(
                "the sidecar runs ({}, {})",
                sidecar.display(),
                config.sidecar.origin()
            ),
            format!(
                "the sidecar binary is not runnable ({}, {})",
                sidecar.display(),
                config.sidecar.origin()
            ),
            REINSTALL,
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
            sidecar: crate::environments::SidecarCommand::at(
                "/nonexistent/faultline-sidecar".into(),
            ),
            java: "/nonexistent/java".into(),
            ..LocalConfig::default()
        };
        let blockers = check(&config, &[port]);
        let text: Vec<String> = blockers.iter().map(|b| b.what.clone()).collect();
        // Java, Toxiproxy, the workloads jar, the sidecar and the port; Kafka's jars are
        // fetched on start instead.
        assert_eq!(blockers.len(), 5, "{text:#?}");
        let kafka = checks(&config, &[port])
            .into_iter()
            .find(|check| check.name == "Kafka")
            .expect("a Kafka check");
        assert!(kafka.ok && kafka.detail.contains(KAFKA_TO_FETCH));
        assert!(
            text.iter()
                .any(|t| t == &format!("port {port} on 127.0.0.1 is in use")),
            "{text:#?}"
        );
        assert!(blockers.iter().all(|b| !b.fix.is_empty()));
        // A presenter's app has no checkout: no fix sends them into the repository's scripts.
        assert!(
            blockers.iter().all(|b| !b.fix.contains("tests/")),
            "{blockers:#?}"
        );
    }
}
