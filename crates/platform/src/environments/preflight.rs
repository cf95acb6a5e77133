//! Pre-flight, in one place: the check type, the list the launch panel shows (and a refused
//! start quotes), and the checks kinds share (memory, the Docker engine, free ports,
//! programs that run). Each kind declares its needs in its registry entry
//! ([`super::kinds::Needs`]); its environment adds what only it knows
//! (`Environment::preflight`, built from the shared checks here).

use std::net::TcpListener;
use std::path::Path;

use parking_lot::Mutex;

use super::kinds::{self, Host};
use super::Environment;
use crate::wire::{Preflight, PreflightCheck};

/// The pre-flight list of kind `kind`: what its registry entry needs of `host` (memory, the
/// Docker engine), then `environment`'s own checks. `environment` is the built environment,
/// or the sentence saying why none could be built, which becomes a failed `Environment`
/// check.
pub fn run(kind: &str, environment: Result<&dyn Environment, &str>, host: &Host) -> Preflight {
    let needs = match kinds::find(kind) {
        Ok(registered) => registered.needs,
        // A kind this build does not know is refused by its `Environment` check below;
        // the memory line still shows, at the least any kind needs.
        Err(_) => kinds::least_needs(),
    };
    let mut checks = vec![memory(kind, needs.memory_mib, host.memory_available_mib)];
    if needs.docker_engine {
        checks.push(docker_engine(host.docker_running));
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

/// Whether `available` MiB of memory (None: unknown) covers the `needed` MiB of `kind`.
pub fn memory(kind: &str, needed: u64, available: Option<u64>) -> PreflightCheck {
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

/// Whether the Docker engine answers (see [`Host::docker_running`]).
pub fn docker_engine(running: bool) -> PreflightCheck {
    PreflightCheck::new(
        "Docker",
        running,
        "the Docker engine answers".into(),
        "the Docker engine is not running".into(),
        super::docker::how_to_start(),
    )
}

/// One passed `Ports` check when every port on 127.0.0.1 is free, else one failed check
/// per taken port, saying how to find what holds it.
pub fn ports_free(ports: &[u16]) -> Vec<PreflightCheck> {
    let taken = taken_ports(ports);
    if taken.is_empty() {
        return vec![PreflightCheck::passed(
            "Ports",
            format!("all {} ports on 127.0.0.1 are free", ports.len()),
        )];
    }
    taken
        .into_iter()
        .map(|port| {
            PreflightCheck::failed(
                "Ports",
                format!("port {port} on 127.0.0.1 is in use"),
                format!("stop what listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose other ports"),
            )
        })
        .collect()
}

/// The ports something holds on 127.0.0.1, found by binding each for a moment.
pub fn taken_ports(ports: &[u16]) -> Vec<u16> {
    // Two probes at once (the launch panel's pre-flight beside a start's own check) would
    // each find the port the other has just bound, and call a free stack taken.
    static ONE_PROBE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _probing = ONE_PROBE_AT_A_TIME.lock();
    ports
        .iter()
        .copied()
        .filter(|port| TcpListener::bind(("127.0.0.1", *port)).is_err())
        .collect()
}

/// Whether `program` runs with `args` and exits successfully (its output is discarded).
pub fn runs(program: &Path, args: &[&str]) -> bool {
    let mut command = std::process::Command::new(program);
    command.args(args);
    succeeds(command)
}

/// Whether `command` runs and exits with success (its output discarded).
pub fn succeeds(mut command: std::process::Command) -> bool {
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether `path` is a file someone may execute.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// MemAvailable from /proc/meminfo, in MiB; None where it cannot be read.
pub fn available_memory_mib() -> Option<u64> {
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

    fn names(preflight: &Preflight) -> Vec<&str> {
        preflight.checks.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn reads_available_memory_and_blocks_below_what_the_kind_needs() {
        let meminfo = "MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:    1048576 kB\n";
        assert_eq!(parse_mem_available(meminfo), Some(1024));
        assert_eq!(parse_mem_available("garbage"), None);
        let local = memory("local", 2048, Some(1024));
        assert!(!local.ok);
        assert_eq!(
            local.detail,
            "only 1024 MiB of memory available, local needs 2048 MiB"
        );
        assert!(memory("rehearsal", 256, Some(1024)).ok);
        assert!(memory("local", 2048, None).ok);
    }

    #[test]
    fn each_kind_is_checked_against_its_registered_needs() {
        let host = Host {
            memory_available_mib: Some(1024),
            ..Host::default()
        };
        let local = run("local", Err("cannot build"), &host);
        assert_eq!(
            local.checks[0].detail,
            "only 1024 MiB of memory available, local needs 2048 MiB"
        );
        let rehearsal = run("rehearsal", Err("cannot build"), &host);
        assert!(rehearsal.checks[0].ok, "{rehearsal:?}");
        // Only the docker kind asks for the Docker engine.
        let docker = run("docker", Err("not part of this build"), &host);
        assert_eq!(names(&docker), ["Memory", "Docker", "Environment"]);
        assert_eq!(docker.checks[1].detail, "the Docker engine is not running");
        assert_eq!(names(&rehearsal), ["Memory", "Environment"]);
        // An unknown kind still gets the memory line, at the least any kind needs.
        let unknown = run("nope", Err("there is no such environment"), &host);
        assert_eq!(
            unknown.checks[0].detail,
            "1024 MiB of memory available (128 MiB needed)"
        );
        assert!(!unknown.ok);
        assert_eq!(unknown.blockers[0].detail, "there is no such environment");
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

    #[test]
    fn a_taken_port_is_named_and_free_ports_pass_as_one_line() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let checks = ports_free(&[port]);
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].ok);
        assert_eq!(
            checks[0].detail,
            format!("port {port} on 127.0.0.1 is in use")
        );
        assert!(checks[0]
            .fix
            .as_deref()
            .unwrap()
            .contains(&format!(":{port}")));
        let none_taken = ports_free(&[]);
        assert!(none_taken[0].ok, "{none_taken:?}");
        assert_eq!(none_taken[0].detail, "all 0 ports on 127.0.0.1 are free");
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

    #[test]
    fn a_program_that_fails_or_is_missing_does_not_run() {
        use std::os::unix::fs::PermissionsExt;
        assert!(runs(Path::new("true"), &[]));
        assert!(!runs(Path::new("false"), &[]));
        assert!(!runs(Path::new("/nonexistent/java"), &["-version"]));
        assert!(!is_executable(Path::new("/nonexistent/toxiproxy")));
        let file = std::env::temp_dir().join(format!("faultline-exec-{}", std::process::id()));
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!is_executable(&file));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_executable(&file));
        std::fs::remove_file(&file).unwrap();
    }
}
