//! The docker environment's own pre-flight: the engine answers (and its API version), the
//! memory Docker may use, the compose file, each image present or to be pulled or built,
//! the host ports free, and no container of someone else under one of our names.

use bollard::Docker;

use super::compose::{self, Project};
use super::config::DockerConfig;
use super::containers;
use super::engine;
use crate::environments::preflight::ports_free;
use crate::wire::PreflightCheck;

/// What Docker must be allowed to use, bytes: three brokers, two workloads, the sidecars.
const MEMORY_NEEDED: i64 = 3 << 30;

/// Every check, passed or not. `running`: Faultline's environment already runs, so its own
/// containers hold the ports and the names.
pub fn checks(config: &DockerConfig, running: bool) -> Vec<PreflightCheck> {
    let project = match compose::read(&config.compose_file) {
        Ok(project) => project,
        Err(error) => {
            return vec![PreflightCheck::failed(
                "Compose file",
                error,
                "reinstall Faultline".into(),
            )]
        }
    };
    // Pre-flight is called from plain threads and from async tasks alike; the Engine API is
    // async, so it gets a runtime of its own on a thread of its own.
    let config = config.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| runtime.block_on(engine_checks(&config, &project, running)))
            .unwrap_or_else(|e| {
                vec![PreflightCheck::failed(
                    "Docker API",
                    format!("cannot ask the Docker engine: {e}"),
                    engine::how_to_start().into(),
                )]
            })
    })
    .join()
    .unwrap_or_default()
}

async fn engine_checks(
    config: &DockerConfig,
    project: &Project,
    running: bool,
) -> Vec<PreflightCheck> {
    let docker = match engine::connect().await {
        Ok(docker) => docker,
        Err(error) => {
            return vec![PreflightCheck::failed(
                "Docker API",
                error,
                engine::how_to_start().into(),
            )]
        }
    };
    let mut checks = vec![app_files(config, project)];
    let version = docker.version().await.ok();
    checks.push(PreflightCheck::passed(
        "Docker API",
        format!(
            "the Docker engine {} answers (API {})",
            version
                .as_ref()
                .and_then(|v| v.version.clone())
                .unwrap_or_else(|| "?".into()),
            docker.client_version()
        ),
    ));
    checks.push(memory(&docker).await);
    checks.push(images(&docker, project, config).await);
    let ours_running = running || !ours(&docker, project).await.is_empty();
    if ours_running {
        checks.push(PreflightCheck::passed(
            "Ports",
            "Faultline's containers hold its ports; a start replaces them".into(),
        ));
    } else {
        checks.extend(ports_free(&host_ports(project)));
    }
    checks.extend(name_collisions(&docker, project).await);
    checks
}

/// The files the app puts into the build contexts of its own images (the sidecar binary
/// and its jassets, the workloads jar) are where the package put them.
fn app_files(config: &DockerConfig, project: &Project) -> PreflightCheck {
    let contexts: Vec<String> = project
        .services
        .iter()
        .filter_map(|s| s.build.as_ref())
        .filter_map(|b| {
            b.context
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .collect();
    let missing: Vec<String> = config
        .artifacts
        .iter()
        .filter(|a| contexts.contains(&a.context) && !a.source.exists())
        .map(|a| format!("{} (looked for {})", a.name, a.source.display()))
        .collect();
    PreflightCheck::new(
        "App files",
        missing.is_empty(),
        "the sidecar, its jassets and the workloads jar are in place".into(),
        format!("missing: {}", missing.join(", ")),
        "reinstall Faultline (from a clone: `make run` builds them)",
    )
}

async fn memory(docker: &Docker) -> PreflightCheck {
    let total = docker.info().await.ok().and_then(|info| info.mem_total);
    match total {
        Some(bytes) => PreflightCheck::new(
            "Docker memory",
            bytes >= MEMORY_NEEDED,
            format!(
                "Docker may use {:.1} GiB of memory (3 GiB needed)",
                gib(bytes)
            ),
            format!(
                "Docker may use only {:.1} GiB of memory, 3 GiB are needed",
                gib(bytes)
            ),
            "give Docker more memory (Docker Desktop: Settings → Resources), or choose rehearsal",
        ),
        None => PreflightCheck::passed("Docker memory", "Docker did not say its memory".into()),
    }
}

fn gib(bytes: i64) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}

/// One line for every image: present, to pull or to build.
async fn images(docker: &Docker, project: &Project, config: &DockerConfig) -> PreflightCheck {
    let mut present = Vec::new();
    let mut to_pull = Vec::new();
    let mut to_build = Vec::new();
    let mut seen = Vec::new();
    for service in &project.services {
        if seen.contains(&service.image) {
            continue;
        }
        seen.push(service.image.clone());
        match docker.inspect_image(&service.image).await {
            Ok(image) if service.build.is_none() => present.push(format!(
                "{} ({:.0} MB)",
                service.image,
                image.size.unwrap_or(0) as f64 / 1e6
            )),
            Ok(_) => present.push(service.image.clone()),
            Err(_) if service.build.is_some() => to_build.push(service.image.clone()),
            Err(_) => to_pull.push(service.image.clone()),
        }
    }
    let mut parts = Vec::new();
    if !present.is_empty() {
        parts.push(format!("present: {}", present.join(", ")));
    }
    if !to_pull.is_empty() {
        let from = config
            .image_prefix
            .as_deref()
            .map(|prefix| format!(" from {prefix}"))
            .unwrap_or_default();
        parts.push(format!(
            "to pull{from} (needs the network): {}",
            to_pull.join(", ")
        ));
    }
    if !to_build.is_empty() {
        parts.push(format!("to build here: {}", to_build.join(", ")));
    }
    PreflightCheck::passed("Images", parts.join("; "))
}

fn host_ports(project: &Project) -> Vec<u16> {
    project
        .services
        .iter()
        .flat_map(|s| s.ports.iter().map(|p| p.host_port))
        .collect()
}

/// Our containers (by label), by name.
async fn ours(docker: &Docker, project: &Project) -> Vec<String> {
    containers::labelled(docker, &project.name, None)
        .await
        .unwrap_or_default()
        .into_iter()
        .flat_map(|c| c.names.unwrap_or_default())
        .map(|name| name.trim_start_matches('/').to_owned())
        .collect()
}

/// A failed check for each container named as one of ours that Faultline did not make:
/// creating ours would fail, and it is not ours to remove.
async fn name_collisions(docker: &Docker, project: &Project) -> Vec<PreflightCheck> {
    let ours = ours(docker, project).await;
    let mut checks = Vec::new();
    for service in &project.services {
        if ours.contains(&service.container) {
            continue;
        }
        if docker
            .inspect_container(&service.container, None)
            .await
            .is_ok()
        {
            checks.push(PreflightCheck::failed(
                "Names",
                format!(
                    "a container named {} exists that Faultline did not create",
                    service.container
                ),
                format!(
                    "rename or remove it yourself (`docker rename {0} {0}-old`); Faultline never touches it",
                    service.container
                ),
            ));
        }
    }
    if checks.is_empty() {
        checks.push(PreflightCheck::passed(
            "Names",
            "no container of someone else has one of Faultline's names".into(),
        ));
    }
    checks
}
