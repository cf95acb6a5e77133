//! What must be true before the local stack can start, each blocker named with how to fix it.

use std::net::TcpListener;
use std::path::Path;

use super::config::LocalConfig;

/// Something that stops the local environment from starting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    pub what: String,
    pub fix: String,
}

pub fn check(config: &LocalConfig, ports: &[u16]) -> Vec<Blocker> {
    let mut blockers = Vec::new();
    let fetch = "run `bash tests/scripts/fetch-local-stack.sh` (or `make test`, which runs it)";
    if !runs(&config.java, &["-version"]) {
        blockers.push(Blocker {
            what: format!("Java is not runnable ({})", config.java.display()),
            fix: "install it with `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME"
                .into(),
        });
    }
    let has_kafka = std::fs::read_dir(&config.kafka_libs)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("kafka_2.13-"))
        })
        .unwrap_or(false);
    if !has_kafka {
        blockers.push(Blocker {
            what: format!(
                "Apache Kafka's jars are not in {}",
                config.kafka_libs.display()
            ),
            fix: fetch.into(),
        });
    }
    if !is_executable(&config.toxiproxy) {
        blockers.push(Blocker {
            what: format!(
                "the Toxiproxy server is not at {}",
                config.toxiproxy.display()
            ),
            fix: fetch.into(),
        });
    }
    if config.workloads {
        if !config.workloads_jar.is_file() {
            blockers.push(Blocker {
                what: format!(
                    "the demo workloads jar is not at {}",
                    config.workloads_jar.display()
                ),
                fix: fetch.into(),
            });
        }
        if !runs(&config.sidecar, &["--version"]) {
            blockers.push(Blocker {
                what: format!(
                    "the sidecar binary is not runnable ({})",
                    config.sidecar.display()
                ),
                fix: "build it with `cargo build -p faultline-sidecar`".into(),
            });
        }
    }
    for port in ports {
        if TcpListener::bind(("127.0.0.1", *port)).is_err() {
            blockers.push(Blocker {
                what: format!("port {port} on 127.0.0.1 is in use"),
                fix: format!("stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose other ports"),
            });
        }
    }
    blockers
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
}
