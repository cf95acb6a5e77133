//! The real local stack in tests: a guard that stops what a stack recorded even when the
//! test panics, a bare cluster (brokers and Toxiproxy, no workloads) on ports of the test's
//! own, and the wait for `faultline-server --env local` to be up with both sidecars.

use std::path::PathBuf;
use std::time::Duration;

use faultline_kafka::ClientSettings;
use faultline_platform::environments::local::{cache_dir, kill_recorded, Ports};
use faultline_platform::environments::{Environment, LocalConfig, LocalEnvironment, StepSink};

use super::processes::ServerProcess;
use super::{eventually, get_json, statuses};

/// Kills every process recorded in a run directory when dropped.
pub struct StackGuard(pub PathBuf);

impl StackGuard {
    /// The run directory `faultline-server --env local` uses.
    pub fn server_run() -> Self {
        Self(cache_dir().join("run").join("local"))
    }
}

impl Drop for StackGuard {
    fn drop(&mut self) {
        kill_recorded(&self.0);
    }
}

/// Three KRaft brokers behind Toxiproxy, no workloads, in a run directory named after
/// `name` and this process, on ports from `base` (apart from the server's stack).
pub async fn bare_stack(name: &str, base: u16) -> (StackGuard, LocalEnvironment, ClientSettings) {
    let run_dir = std::env::temp_dir().join(format!("faultline-{name}-{}", std::process::id()));
    let config = LocalConfig {
        run_dir: run_dir.clone(),
        ports: Ports {
            base,
            ..Ports::default()
        },
        workloads: false,
        ..LocalConfig::default()
    };
    let guard = StackGuard(run_dir);
    let stack = LocalEnvironment::new(config);
    let kafka = stack
        .start(&StepSink::new(|_| {}))
        .await
        .expect("the real cluster starts (with Faultline's topics)");
    (guard, stack, kafka)
}

/// Waits (up to 4 minutes) until the server's local stack runs with both sidecars ACTIVE.
pub async fn ready(server: &ServerProcess) {
    let up = eventually(Duration::from_secs(240), || async {
        let environment = get_json(server, "/api/environment").await;
        assert_ne!(environment["state"], "failed", "{environment}");
        let active = statuses(server)
            .await
            .iter()
            .filter(|(_, s)| s == "ACTIVE")
            .count();
        (environment["state"] == "running" && active == 2).then_some(())
    })
    .await;
    assert!(
        up.is_some(),
        "local stack never ready: {}",
        get_json(server, "/api/environment").await
    );
}
