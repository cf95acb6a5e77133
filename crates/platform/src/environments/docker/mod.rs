//! `docker`: the full environment in containers. This build has no docker environment yet
//! (issue 11 builds it in this folder); its registry entry says so truthfully: detection
//! passes it over, the launch panel shows it greyed out, a start is refused.

use std::path::PathBuf;

use super::kinds::{Build, EnvironmentKind, Host, Needs, Verdict};
use crate::wire::PreflightCheck;

/// Why this kind is never picked, in every sentence that mentions it.
const MISSING: &str = "this build has no docker environment yet";

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "docker",
    title: "Docker: the full environment in containers",
    detect: Some(detect),
    available,
    // The brokers, workloads and Toxiproxy as containers, with the engine's own share.
    needs: Needs {
        memory_mib: 3072,
        docker_engine: true,
        bootstrap: false,
    },
    build: Build::NotInThisBuild(
        "the docker environment is not part of this build yet; use rehearsal or local",
    ),
};

/// Preferred whenever it can start; in this build it never can.
fn detect(host: &Host) -> Verdict {
    Err(if host.docker_running {
        format!("Docker is running, but {MISSING}")
    } else {
        "Docker not running".to_owned()
    })
}

fn available(host: &Host, _: &[PreflightCheck]) -> Verdict {
    Err(if host.docker_running {
        format!("Docker is running, but {MISSING}")
    } else {
        format!("Docker is not running, and {MISSING}")
    })
}

/// Whether a Docker engine answers on its socket (DOCKER_HOST when it is a unix socket,
/// else /var/run/docker.sock).
pub fn engine_running() -> bool {
    let socket = std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|host| host.strip_prefix("unix://").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"));
    std::os::unix::net::UnixStream::connect(socket).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_picked_and_never_offered_and_each_sentence_says_why() {
        let with = Host {
            docker_running: true,
            ..Host::default()
        };
        let without = Host::default();
        assert_eq!(
            detect(&with),
            Err("Docker is running, but this build has no docker environment yet".into())
        );
        assert_eq!(detect(&without), Err("Docker not running".into()));
        assert_eq!(
            available(&without, &[]),
            Err("Docker is not running, and this build has no docker environment yet".into())
        );
        assert!(available(&with, &[]).is_err());
    }
}
