//! "Add a producer": one more demo producer and its sidecar, made from the compose file's
//! `producer-1` and `sidecar-producer-1` with the id and the JMX port changed, so that the
//! new pair is what the file would say for `producer-N`. The sidecar registers itself like
//! the others; the pair carries the project label, so `down` removes it too.

use std::time::Duration;

use bollard::Docker;

use super::compose::{Attachment, Project, Service, SERVICE_LABEL};
use super::config::ports;
use super::containers;

const TEMPLATE: &str = "producer-1";
const SIDECAR_TEMPLATE: &str = "sidecar-producer-1";

/// The first `producer-N` (N ≥ 2) not in `taken`, and its JMX port (21000 + N).
pub fn next_producer(taken: &[String]) -> (String, u16) {
    let n = (2u16..)
        .find(|n| !taken.contains(&format!("producer-{n}")))
        .unwrap_or(2);
    (format!("producer-{n}"), ports::PRODUCER_JMX - 1 + n)
}

/// `template` renamed to `name`: every word naming the template's producer or its JMX port
/// names the new ones.
fn renamed(template: &Service, name: &str, project: &str, id: &str, port: u16) -> Service {
    let swap = |text: &String| {
        text.replace(TEMPLATE, id)
            .replace(&ports::PRODUCER_JMX.to_string(), &port.to_string())
    };
    let mut service = template.clone();
    service.name = name.to_owned();
    service.container = format!("{project}-{name}");
    service.command = service.command.map(|args| args.iter().map(swap).collect());
    service.environment = service.environment.iter().map(swap).collect();
    if let Some(health) = service.healthcheck.as_mut() {
        health.test = health.test.take().map(|t| t.iter().map(swap).collect());
    }
    for published in &mut service.ports {
        if published.container_port == ports::PRODUCER_JMX {
            published.container_port = port;
            published.host_port = port;
        }
    }
    service.labels.insert(SERVICE_LABEL.into(), name.to_owned());
    if let Attachment::ServiceNamespace(_) = service.attachment {
        service.attachment = Attachment::ServiceNamespace(id.to_owned());
    }
    service
}

/// The new producer and its sidecar as services of `project`.
pub fn pair(project: &Project, id: &str, port: u16) -> Result<(Service, Service), String> {
    let producer = project
        .service(TEMPLATE)
        .ok_or("the compose file has no producer-1 to copy")?;
    let sidecar = project
        .service(SIDECAR_TEMPLATE)
        .ok_or("the compose file has no sidecar-producer-1 to copy")?;
    Ok((
        renamed(producer, id, &project.name, id, port),
        renamed(sidecar, &format!("sidecar-{id}"), &project.name, id, port),
    ))
}

/// Starts the pair and waits until both are healthy.
pub async fn start_pair(
    docker: &Docker,
    project: &Project,
    id: &str,
    port: u16,
    within: Duration,
) -> Result<(), String> {
    let (producer, sidecar) = pair(project, id, port)?;
    let mut project = project.clone();
    project.services.push(producer.clone());
    project.services.push(sidecar.clone());
    containers::create_and_start(docker, &project, &producer).await?;
    containers::wait_healthy(docker, &producer, within).await?;
    containers::create_and_start(docker, &project, &sidecar).await?;
    containers::wait_healthy(docker, &sidecar, within).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_producer_takes_the_first_free_number_and_its_own_jmx_port() {
        assert_eq!(next_producer(&[]), ("producer-2".into(), 21002));
        assert_eq!(
            next_producer(&["producer-2".into(), "producer-4".into()]),
            ("producer-3".into(), 21003)
        );
    }

    #[test]
    fn the_pair_is_the_shipped_producer_and_sidecar_with_id_and_port_changed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../compose/docker-compose.yml");
        let project = super::super::compose::read(&path).unwrap();
        let (producer, sidecar) = pair(&project, "producer-3", 21003).unwrap();
        assert_eq!(producer.container, "faultline-producer-3");
        assert_eq!(producer.labels[SERVICE_LABEL], "producer-3");
        let command = producer.command.clone().unwrap().join(" ");
        assert!(command.contains("--client-id producer-3"), "{command}");
        assert!(command.contains("--jmx-port 21003"), "{command}");
        assert!(
            !command.contains("21001") && !command.contains("producer-1"),
            "{command}"
        );
        assert_eq!(producer.ports[0].host_port, 21003);
        assert_eq!(producer.ports[0].container_port, 21003);
        assert!(producer
            .healthcheck
            .unwrap()
            .test
            .unwrap()
            .join(" ")
            .contains("21003"));
        assert_eq!(sidecar.container, "faultline-sidecar-producer-3");
        assert_eq!(
            sidecar.attachment,
            Attachment::ServiceNamespace("producer-3".into())
        );
        let command = sidecar.command.unwrap().join(" ");
        assert!(command.contains("--id producer-3"), "{command}");
        assert!(command.contains("--jmx 127.0.0.1:21003"), "{command}");
    }
}
