//! What must be true before the local stack can start, each blocker named with how to fix it.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Mutex;

use super::config::LocalConfig;
use crate::environments::PreflightCheck;

/// Something that stops the local environment from starting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
    let taken = taken_ports(ports);
    if taken.is_empty() {
        checks.push(PreflightCheck::passed(
            "Ports",
            format!("all {} ports on 127.0.0.1 are free", ports.len()),
        ));
    }
    for port in taken {
        checks.push(PreflightCheck::failed(
            "Ports",
            format!("port {port} on 127.0.0.1 is in use"),
            format!("stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose other ports"),
        ));
    }
    checks
}

/// The ports something holds on 127.0.0.1, found by binding each for a moment.
pub fn taken_ports(ports: &[u16]) -> Vec<u16> {
    // Two probes at once (the launch panel's pre-flight beside a start's own check) would
    // each find the port the other has just bound, and call a free stack taken.
    static ONE_PROBE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _probing = ONE_PROBE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    ports
        .iter()
        .copied()
        .filter(|port| TcpListener::bind(("127.0.0.1", *port)).is_err())
        .collect()
}

fn runs(program: &Path, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn probes_running_at_once_find_free_ports_free() {
        let ports: Vec<u16> = (0..12)
            .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
            .collect::<Vec<_>>()
            .iter()
            .map(|listener| listener.local_addr().unwrap().port())
            .collect();
        let probes: Vec<_> = (0..2)
            .map(|_| {
                let ports = ports.clone();
                std::thread::spawn(move || {
                    (0..200)
                        .flat_map(|_| taken_ports(&ports))
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        for probe in probes {
            assert_eq!(probe.join().unwrap(), Vec::<u16>::new());
        }
    }
}
