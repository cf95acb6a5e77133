//! The registry of environment kinds: every kind this build knows, one line each. The
//! factory, detection, the launch panel's choices and pre-flight, and `faultline-server
//! --env` all read it. A kind's entry ([`EnvironmentKind`]) lives in its own folder.

use std::sync::Arc;

use super::{docker, external, local, rehearsal, Environment, StartRequest};
use crate::wire::PreflightCheck;

/// Every kind, in the order the launch panel lists them (and refusals name them).
pub static KINDS: &[&EnvironmentKind] = &[
    &rehearsal::KIND,
    &local::KIND,
    &docker::KIND,
    &external::KIND,
];

/// The kind detection picks when no kind that asks to be preferred can start here: it
/// needs nothing but Faultline itself.
pub static FALLBACK: &EnvironmentKind = &rehearsal::KIND;

/// A sentence either way: `Ok(why yes)` or `Err(why not)`.
pub type Verdict = Result<String, String>;

/// One environment kind: what it is called, whether it can run here, what it needs and how
/// it is built.
pub struct EnvironmentKind {
    /// What requests, `--env`, events and the launch panel call it: `rehearsal`, ...
    pub id: &'static str,
    /// The launch panel's line for it, and `--env`'s help for the value.
    pub title: &'static str,
    /// Set for a kind detection prefers over [`FALLBACK`] when it can start here:
    /// `Ok(why it is picked)` or `Err(why not)`, each a short phrase such as "Docker not
    /// running" (detection adds "→ KIND").
    pub detect: Option<fn(&Host) -> Verdict>,
    /// Whether the launch panel offers it here, as one sentence: `Ok(what it needs)` or
    /// `Err(what stops it)`. `checks` are its environment's own pre-flight, built from the
    /// id alone; empty when it cannot be built that way (external needs its bootstrap).
    pub available: fn(&Host, &[PreflightCheck]) -> Verdict,
    /// What pre-flight checks on the machine before its environment's own checks.
    pub needs: Needs,
    pub build: Build,
}

/// What a kind needs of the machine before its environment is built. What depends on
/// the environment's configuration (the local stack's ports, tools at their paths) is its
/// environment's own pre-flight, made of the shared checks in `environments/preflight.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// Memory free before it starts, in MiB.
    pub memory_mib: u64,
    /// Whether a Docker engine must answer.
    pub docker_engine: bool,
    /// Whether a start must name the cluster's bootstrap servers (`--bootstrap`).
    pub bootstrap: bool,
}

/// How a kind's environment comes to be: built (starting nothing) from a start request;
/// `Err` says what the request lacks or names wrongly.
pub type Build = fn(&StartRequest) -> Result<Arc<dyn Environment>, String>;

impl EnvironmentKind {
    /// Its environment, built (not started) from `request`.
    pub fn environment(&self, request: &StartRequest) -> Result<Arc<dyn Environment>, String> {
        (self.build)(request)
    }
}

/// What detection and pre-flight know of this machine. `Default` is a bare machine: no
/// Docker engine, memory unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Host {
    /// Whether a Docker engine answers on its socket.
    pub docker_running: bool,
    /// MemAvailable in MiB; `None` where the system does not say.
    pub memory_available_mib: Option<u64>,
    /// A previous Faultline left its local stack running (it crashed, was killed, or was
    /// told to leave it running on quit), whole enough for a local start to adopt it.
    pub local_stack_running: bool,
}

impl Host {
    /// Looks at this machine now: probes the Docker socket, reads /proc/meminfo and the
    /// local stack's record.
    pub fn survey() -> Self {
        Self {
            docker_running: docker::engine_running(),
            memory_available_mib: super::preflight::available_memory_mib(),
            local_stack_running: local::LocalEnvironment::new(local::LocalConfig::default())
                .left_running(),
        }
    }
}

/// The registered kind called `id`. The refusal for any other names every registered kind
/// and not `id`, which came from a request.
pub fn find(id: &str) -> Result<&'static EnvironmentKind, String> {
    KINDS
        .iter()
        .copied()
        .find(|kind| kind.id == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = KINDS.iter().map(|kind| kind.id).collect();
            let listed = match ids.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            format!("there is no such environment: choose {listed}")
        })
}

/// The least any registered kind needs: what pre-flight assumes of a kind it does not know.
pub fn least_needs() -> Needs {
    Needs {
        memory_mib: KINDS
            .iter()
            .map(|kind| kind.needs.memory_mib)
            .min()
            .unwrap_or(0),
        docker_engine: false,
        bootstrap: false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::environments::create;

    /// A request for `kind` as the launch panel sends it, with bootstrap servers where the
    /// kind needs them.
    fn request(kind: &EnvironmentKind) -> StartRequest {
        StartRequest {
            kind: kind.id.into(),
            bootstrap: kind.needs.bootstrap.then(|| "127.0.0.1:9092".into()),
            ..StartRequest::default()
        }
    }

    #[test]
    fn every_registered_id_and_title_is_unique() {
        let ids: BTreeSet<&str> = KINDS.iter().map(|k| k.id).collect();
        let titles: BTreeSet<&str> = KINDS.iter().map(|k| k.title).collect();
        assert_eq!(ids.len(), KINDS.len(), "an id is registered twice");
        assert_eq!(titles.len(), KINDS.len(), "a title is registered twice");
        // Ids travel in URLs, events and `--env`: lowercase words only.
        assert!(ids
            .iter()
            .all(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    }

    #[test]
    fn create_builds_each_kind_in_this_build_under_its_own_id() {
        let mut built = Vec::new();
        for kind in KINDS.iter() {
            let environment = create(&request(kind))
                .unwrap_or_else(|why| panic!("{} is not built: {why}", kind.id));
            assert_eq!(environment.kind(), kind.id);
            built.push(kind.id);
        }
        assert_eq!(built, ["rehearsal", "local", "docker", "external"]);
    }

    #[test]
    fn the_fallback_is_registered_and_starts_with_nothing_given() {
        assert!(KINDS.iter().any(|kind| std::ptr::eq(*kind, FALLBACK)));
        assert!(!FALLBACK.needs.bootstrap && !FALLBACK.needs.docker_engine);
    }

    #[test]
    fn an_unknown_id_is_refused_without_repeating_it() {
        let unknown = create(&StartRequest {
            kind: "<script>".into(),
            ..StartRequest::default()
        })
        .err()
        .expect("an unknown kind is refused");
        assert_eq!(
            unknown,
            "there is no such environment: choose rehearsal, local, docker or external"
        );
        assert!(!unknown.contains("<script>"));
    }

    #[test]
    fn unknown_kinds_are_assumed_to_need_the_least_memory() {
        assert_eq!(least_needs().memory_mib, 128);
        assert!(KINDS
            .iter()
            .all(|k| k.needs.memory_mib >= least_needs().memory_mib));
    }
}
