//! The project's containers and networks through the Engine API: created from the compose
//! services in order and started once what they depend on is healthy; found again only by
//! the project label (and the service label), never by name alone; removed, with the
//! networks, by that label and nothing else.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::models::{
    ContainerCreateBody, ContainerStateStatusEnum, ContainerSummary, EndpointSettings,
    HealthStatusEnum, HostConfig, NetworkCreateRequest, NetworkingConfig, PortBinding,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, ListNetworksOptionsBuilder,
    LogsOptionsBuilder, RemoveContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt;

use super::compose::{Attachment, Project, Service, PROJECT_LABEL, SERVICE_LABEL};
use crate::wire::{ContainerAction, ContainerRow};

fn label_filter(project: &str, service: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut labels = vec![format!("{PROJECT_LABEL}={project}")];
    if let Some(service) = service {
        labels.push(format!("{SERVICE_LABEL}={service}"));
    }
    HashMap::from([("label".to_owned(), labels)])
}

/// The project's containers (of one service, when named), running or not: found by label
/// only. Errors: the engine's answer.
pub async fn labelled(
    docker: &Docker,
    project: &str,
    service: Option<&str>,
) -> Result<Vec<ContainerSummary>, String> {
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&label_filter(project, service))
        .build();
    docker
        .list_containers(Some(options))
        .await
        .map_err(|e| format!("listing the project's containers failed: {e}"))
}

/// Every container of the project, running or not.
pub async fn list(docker: &Docker, project: &str) -> Result<Vec<ContainerRow>, String> {
    let containers = labelled(docker, project, None).await?;
    let mut rows: Vec<ContainerRow> = containers
        .into_iter()
        .map(|c| {
            let labels = c.labels.unwrap_or_default();
            let status = c.status.unwrap_or_default();
            let health = if status.contains("(healthy)") {
                "healthy"
            } else if status.contains("(unhealthy)") {
                "unhealthy"
            } else if status.contains("(health: starting)") {
                "starting"
            } else {
                "none"
            };
            ContainerRow {
                service: labels.get(SERVICE_LABEL).cloned().unwrap_or_default(),
                name: c
                    .names
                    .unwrap_or_default()
                    .first()
                    .map(|n| n.trim_start_matches('/').to_owned())
                    .unwrap_or_default(),
                actions: offered(
                    labels.get(SERVICE_LABEL).map(String::as_str).unwrap_or(""),
                    c.state == Some(bollard::models::ContainerSummaryStateEnum::RUNNING),
                ),
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                health: health.to_owned(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.service.cmp(&b.service));
    Ok(rows)
}

/// What the containers view offers for a service: brokers and sidecars are the demo's
/// actors; Toxiproxy and the workloads are its stage, so they have no buttons.
pub fn actions_for(service: &str) -> Vec<ContainerAction> {
    if service.starts_with("broker-") || service.starts_with("sidecar-") {
        vec![
            ContainerAction::Start,
            ContainerAction::Stop,
            ContainerAction::Restart,
        ]
    } else {
        Vec::new()
    }
}

/// The buttons a row shows: a running actor can be stopped or restarted, any other started.
fn offered(service: &str, running: bool) -> Vec<ContainerAction> {
    actions_for(service)
        .into_iter()
        .filter(|action| (*action == ContainerAction::Start) != running)
        .collect()
}

/// The id of the project's container of `service`. Errors: there is none (it was never
/// created, or was removed), or the engine's answer.
pub async fn id_of(docker: &Docker, project: &str, service: &str) -> Result<String, String> {
    labelled(docker, project, Some(service))
        .await?
        .into_iter()
        .find_map(|c| c.id)
        .ok_or_else(|| format!("{service} has no container"))
}

/// Removes every container and network carrying the project label, and nothing else.
/// Returns how many containers went.
pub async fn down(docker: &Docker, project: &str) -> Result<usize, String> {
    let containers = labelled(docker, project, None).await?;
    let remove = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    for id in containers.iter().filter_map(|c| c.id.as_deref()) {
        match docker.remove_container(id, Some(remove.clone())).await {
            Ok(()) => {}
            // Gone between the list and the removal.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(e) => return Err(format!("removing container {id} failed: {e}")),
        }
    }
    let options = ListNetworksOptionsBuilder::default()
        .filters(&label_filter(project, None))
        .build();
    let networks = docker
        .list_networks(Some(options))
        .await
        .map_err(|e| format!("listing the project's networks failed: {e}"))?;
    for network in networks.iter().filter_map(|n| n.id.as_deref()) {
        if let Err(e) = docker.remove_network(network).await {
            return Err(format!("removing network {network} failed: {e}"));
        }
    }
    Ok(containers.len())
}

/// Creates the project's networks.
pub async fn create_networks(docker: &Docker, project: &Project) -> Result<(), String> {
    for network in &project.networks {
        let request = NetworkCreateRequest {
            name: network.name.clone(),
            driver: Some("bridge".into()),
            labels: Some(network.labels.clone()),
            ..Default::default()
        };
        docker
            .create_network(request)
            .await
            .map_err(|e| format!("creating network {} failed: {e}", network.name))?;
    }
    Ok(())
}

/// Creates and starts `service`'s container. Errors: the engine's answer (a name taken by
/// a container of someone else, a port in use, ...).
pub async fn create_and_start(
    docker: &Docker,
    project: &Project,
    service: &Service,
) -> Result<(), String> {
    let mut port_bindings = HashMap::new();
    let mut exposed = Vec::new();
    for port in &service.ports {
        let key = format!("{}/tcp", port.container_port);
        exposed.push(key.clone());
        port_bindings.insert(
            key,
            Some(vec![PortBinding {
                host_ip: Some(port.host_ip.to_string()),
                host_port: Some(port.host_port.to_string()),
            }]),
        );
    }
    let (network_mode, networking) = match &service.attachment {
        Attachment::ServiceNamespace(other) => {
            let owner = project.service(other).ok_or_else(|| {
                format!(
                    "{} shares the network of {other}, which is not a service",
                    service.name
                )
            })?;
            (format!("container:{}", owner.container), None)
        }
        Attachment::Networks(keys) => {
            let names: Vec<String> = keys
                .iter()
                .filter_map(|key| project.networks.iter().find(|n| &n.key == key))
                .map(|n| n.name.clone())
                .collect();
            let endpoints = names
                .iter()
                .map(|name| {
                    (
                        name.clone(),
                        EndpointSettings {
                            aliases: Some(vec![service.name.clone()]),
                            ..Default::default()
                        },
                    )
                })
                .collect();
            (
                names.first().cloned().unwrap_or_else(|| "bridge".into()),
                Some(NetworkingConfig {
                    endpoints_config: Some(endpoints),
                }),
            )
        }
    };
    let hostname =
        matches!(service.attachment, Attachment::Networks(_)).then(|| service.name.clone());
    let body = ContainerCreateBody {
        image: Some(service.image.clone()),
        hostname,
        env: Some(service.environment.clone()),
        cmd: service.command.clone(),
        entrypoint: service.entrypoint.clone(),
        labels: Some(service.labels.clone()),
        healthcheck: service.healthcheck.clone(),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        networking_config: networking,
        host_config: Some(HostConfig {
            network_mode: Some(network_mode),
            port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
            tmpfs: (!service.tmpfs.is_empty()).then(|| {
                service
                    .tmpfs
                    .iter()
                    .map(|path| (path.clone(), String::new()))
                    .collect()
            }),
            init: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::default()
        .name(&service.container)
        .build();
    docker
        .create_container(Some(options), body)
        .await
        .map_err(|e| format!("creating {} failed: {e}", service.container))?;
    docker
        .start_container(&service.container, None)
        .await
        .map_err(|e| format!("starting {} failed: {e}", service.container))
}

/// Waits until `service`'s container is healthy (or, without a healthcheck, running).
/// Errors: it exited, its healthcheck gave up, or `within` passed; each with the last
/// lines of its log or healthcheck.
pub async fn wait_healthy(
    docker: &Docker,
    service: &Service,
    within: Duration,
) -> Result<(), String> {
    let started = Instant::now();
    loop {
        let inspect = docker
            .inspect_container(&service.container, None)
            .await
            .map_err(|e| format!("inspecting {} failed: {e}", service.container))?;
        let state = inspect.state.unwrap_or_default();
        let health = state.health.as_ref().and_then(|h| h.status);
        let running = state.status == Some(ContainerStateStatusEnum::RUNNING);
        match health {
            Some(HealthStatusEnum::HEALTHY) if running => return Ok(()),
            None | Some(HealthStatusEnum::NONE | HealthStatusEnum::EMPTY) if running => {
                return Ok(())
            }
            Some(HealthStatusEnum::UNHEALTHY) => {
                let last = state
                    .health
                    .and_then(|h| h.log)
                    .and_then(|log| log.last().and_then(|r| r.output.clone()))
                    .unwrap_or_default();
                return Err(format!("{} is unhealthy: {}", service.name, last.trim()));
            }
            _ => {}
        }
        if matches!(
            state.status,
            Some(ContainerStateStatusEnum::EXITED | ContainerStateStatusEnum::DEAD)
        ) {
            return Err(format!(
                "{} exited with code {}: {}",
                service.name,
                state.exit_code.unwrap_or(-1),
                log_tail(docker, &service.container).await
            ));
        }
        if started.elapsed() > within {
            return Err(format!(
                "{} was not healthy within {} s: {}",
                service.name,
                within.as_secs(),
                log_tail(docker, &service.container).await
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The last lines a container wrote, for an error.
pub async fn log_tail(docker: &Docker, container: &str) -> String {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail("5")
        .build();
    let mut logs = docker.logs(container, Some(options));
    let mut text = String::new();
    while let Some(Ok(chunk)) = logs.next().await {
        text.push_str(&chunk.to_string());
    }
    text.trim().replace('\n', " | ")
}
