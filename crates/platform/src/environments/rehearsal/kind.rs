//! The rehearsal kind's registry entry: always offered, and the kind detection falls back
//! to, because it needs nothing but Faultline itself.

use std::sync::Arc;

use super::{RehearsalConfig, RehearsalEnvironment};
use crate::environments::kinds::{EnvironmentKind, Host, Needs, Verdict};
use crate::environments::{Environment, StartRequest};
use crate::wire::PreflightCheck;

pub static KIND: EnvironmentKind = EnvironmentKind {
    id: "rehearsal",
    title: "Rehearsal: embedded Kafka, no network",
    detect: None,
    available,
    // A few threads: the embedded cluster, the demo producers and their sidecars.
    needs: Needs {
        memory_mib: 256,
        docker_engine: false,
        bootstrap: false,
    },
    build,
};

fn available(_: &Host, _: &[PreflightCheck]) -> Verdict {
    Ok("runs inside Faultline and needs nothing else".into())
}

fn build(_: &StartRequest) -> Result<Arc<dyn Environment>, String> {
    Ok(Arc::new(RehearsalEnvironment::new(
        RehearsalConfig::default(),
    )))
}
