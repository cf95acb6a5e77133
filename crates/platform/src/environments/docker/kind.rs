//! The docker kind's registry entry: preferred whenever the Docker engine answers and the
//! environment's own pre-flight passes; otherwise detection passes it over with the reason.

use std::sync::Arc;

use super::{DockerConfig, DockerEnvironment};
use crate::environments::kinds::{EnvironmentKind, Host, Needs, Verdict};
use crate::environments::{Environment, StartRequest};
use crate::wire::PreflightCheck;

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "docker",
    title: "Docker: the full environment in containers",
    detect: Some(detect),
    available,
    // Three broker JVMs, two workload JVMs and the sidecars, with the engine's own share.
    needs: Needs {
        memory_mib: 3072,
        docker_engine: true,
        bootstrap: false,
    },
    build,
};

fn build(_: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    Ok(Arc::new(DockerEnvironment::new(DockerConfig::default())))
}

/// Picked when the engine answers and the environment's pre-flight passes here.
fn detect(host: &Host) -> Verdict {
    if !host.docker_running {
        return Err("Docker not running".into());
    }
    judge(&DockerEnvironment::new(DockerConfig::default()).preflight())
        .map_err(|why| format!("Docker is running, but {why}"))
}

fn available(host: &Host, checks: &[PreflightCheck]) -> Verdict {
    if !host.docker_running {
        return Err("Docker is not running".into());
    }
    judge(checks)
}

/// The first failed check says what stops it.
fn judge(checks: &[PreflightCheck]) -> Verdict {
    match checks.iter().find(|check| !check.ok) {
        Some(blocker) => Err(blocker.detail.clone()),
        None => Ok("Docker is running and its pre-flight passes".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_when_docker_runs_and_nothing_in_its_preflight_fails() {
        let with = Host {
            docker_running: true,
            ..Host::default()
        };
        let without = Host::default();
        assert_eq!(detect(&without), Err("Docker not running".into()));
        assert_eq!(
            available(&without, &[]),
            Err("Docker is not running".into())
        );
        let memory = PreflightCheck::failed(
            "Docker memory",
            "Docker has 2.0 GiB of memory".into(),
            "give it more".into(),
        );
        assert_eq!(
            available(
                &with,
                &[PreflightCheck::passed("Docker", "ok".into()), memory]
            ),
            Err("Docker has 2.0 GiB of memory".into())
        );
        assert!(available(&with, &[PreflightCheck::passed("Docker", "ok".into())]).is_ok());
    }
}
