//! The compose file (`compose/docker-compose.yml`), read with `docker-compose-types` into
//! what the driver creates: the project's networks, and its services in dependency order,
//! each with its image (pulled or built), environment, command, published ports,
//! healthcheck, labels and network. Only what the driver can carry out is accepted: a file
//! asking for more (a bind mount, a port published on every interface) is refused with a
//! sentence naming the service.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bollard::models::HealthConfig;
use docker_compose_types as types;

/// The label on every container, network and image build Faultline makes; its value is
/// the project's name. Only what carries it is ever stopped or removed.
pub const PROJECT_LABEL: &str = "io.faultline.project";
/// The label naming a container's service, so a fault finds `broker-2` by label, never by
/// a container name someone else could have taken.
pub const SERVICE_LABEL: &str = "io.faultline.service";

/// A compose project, ready to create.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The file's `name:`; containers are `<name>-<service>`, networks `<name>_<key>`.
    pub name: String,
    pub networks: Vec<Network>,
    /// Every service, each after the services it depends on.
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The key in the file (`faultline`).
    pub key: String,
    /// What Docker calls it: `<project>_<key>`.
    pub name: String,
    /// Its labels, the project label included.
    pub labels: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// The container's name.
    pub container: String,
    /// The image to run; for a built service, the tag the build gets.
    pub image: String,
    pub build: Option<Build>,
    /// `KEY=value` pairs.
    pub environment: Vec<String>,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub ports: Vec<Published>,
    pub healthcheck: Option<HealthConfig>,
    /// Its labels, the project and service labels included.
    pub labels: HashMap<String, String>,
    pub attachment: Attachment,
    pub depends_on: Vec<Dependency>,
    /// Folders mounted as tmpfs (the official Kafka image's VOLUMEs, so that no anonymous
    /// volume outlives the container).
    pub tmpfs: Vec<String>,
}

/// Where a service's network comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Attachment {
    /// On these networks (by key), reachable there by its service name.
    Networks(Vec<String>),
    /// In the network namespace of another service's container (`network_mode:
    /// "service:producer-1"`): a sidecar reaching its workload on 127.0.0.1.
    ServiceNamespace(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub service: String,
    /// `condition: service_healthy`; otherwise started is enough.
    pub healthy: bool,
}

/// A port published on the host: `host_ip:host_port` → the container's `container_port`
/// (TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub host_ip: std::net::Ipv4Addr,
    pub host_port: u16,
    pub container_port: u16,
}

/// An image Faultline builds itself, from a folder it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub context: PathBuf,
    /// The Dockerfile's path inside the context.
    pub dockerfile: String,
}

impl Project {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|service| service.name == name)
    }
}

/// Reads and checks the compose file at `path`; build contexts are relative to its folder.
/// Errors: unreadable, not YAML of a compose file, or asking for what the driver cannot do
/// (each sentence names the service and the field).
pub fn read(path: &Path) -> Result<Project, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the compose file {}: {e}", path.display()))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    parse(&text, folder).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses compose YAML; see [`read`].
pub fn parse(yaml: &str, folder: &Path) -> Result<Project, String> {
    let file: types::Compose =
        serde_yaml::from_str(yaml).map_err(|e| format!("not a compose file: {e}"))?;
    let name = file
        .name
        .clone()
        .ok_or("the compose file has no `name:`, which names the project")?;
    let project_labels = HashMap::from([(PROJECT_LABEL.to_owned(), name.clone())]);
    let networks: Vec<Network> = file
        .networks
        .0
        .iter()
        .map(|(key, settings)| {
            let mut labels = project_labels.clone();
            if let types::MapOrEmpty::Map(settings) = settings {
                labels.extend(labels_of(&settings.labels));
            }
            Network {
                key: key.clone(),
                name: format!("{name}_{key}"),
                labels,
            }
        })
        .collect();
    let mut services = Vec::new();
    for (service_name, service) in &file.services.0 {
        let service = service.clone().unwrap_or_default();
        services.push(
            read_service(&name, service_name, service, &networks, folder)
                .map_err(|e| format!("service {service_name}: {e}"))?,
        );
    }
    Ok(Project {
        services: in_dependency_order(services)?,
        name,
        networks,
    })
}

fn read_service(
    project: &str,
    name: &str,
    service: types::Service,
    networks: &[Network],
    folder: &Path,
) -> Result<Service, String> {
    if !service.volumes.is_empty() {
        return Err(
            "volumes are not supported (the installed app's files may sit where \
                    Docker Desktop cannot mount them from)"
                .into(),
        );
    }
    let image = service.image.clone().ok_or("it has no `image:`")?;
    let build = service.build_.as_ref().map(|build| match build {
        types::BuildStep::Simple(context) => Build {
            context: folder.join(context),
            dockerfile: "Dockerfile".into(),
        },
        types::BuildStep::Advanced(build) => Build {
            context: folder.join(&build.context),
            dockerfile: build
                .dockerfile
                .clone()
                .unwrap_or_else(|| "Dockerfile".into()),
        },
    });
    let environment = match &service.environment {
        types::Environment::List(pairs) => pairs.clone(),
        types::Environment::KvPair(map) => map
            .iter()
            .filter_map(|(key, value)| value.as_ref().map(|value| format!("{key}={value}")))
            .collect(),
    };
    let environment = literals("environment", environment)?;
    let command = service
        .command
        .as_ref()
        .map(|command| match command {
            types::Command::Simple(line) => words(line),
            types::Command::Args(args) => args.clone(),
        })
        .map(|args| literals("command", args))
        .transpose()?;
    let entrypoint = service
        .entrypoint
        .as_ref()
        .map(|entrypoint| match entrypoint {
            types::Entrypoint::Simple(line) => words(line),
            types::Entrypoint::List(args) => args.clone(),
        })
        .map(|args| literals("entrypoint", args))
        .transpose()?;
    let tmpfs = match &service.tmpfs {
        Some(types::Tmpfs::Simple(path)) => vec![path.clone()],
        Some(types::Tmpfs::List(paths)) => paths.clone(),
        None => Vec::new(),
    };
    let ports = match &service.ports {
        types::Ports::Short(ports) => ports
            .iter()
            .map(|port| short_port(port))
            .collect::<Result<_, _>>()?,
        types::Ports::Long(ports) => ports.iter().map(long_port).collect::<Result<_, _>>()?,
    };
    let mut labels = labels_of(&service.labels);
    labels.insert(PROJECT_LABEL.into(), project.into());
    labels.insert(SERVICE_LABEL.into(), name.into());
    let attachment = match service.network_mode.as_deref() {
        Some(mode) => match mode.strip_prefix("service:") {
            Some(other) => Attachment::ServiceNamespace(other.to_owned()),
            None => return Err(format!("network_mode {mode:?} is not supported")),
        },
        None => {
            let keys: Vec<String> = match &service.networks {
                types::Networks::Simple(keys) => keys.clone(),
                types::Networks::Advanced(advanced) => advanced.0.keys().cloned().collect(),
            };
            let keys = if keys.is_empty() {
                networks.iter().map(|n| n.key.clone()).take(1).collect()
            } else {
                keys
            };
            if let Some(unknown) = keys.iter().find(|k| !networks.iter().any(|n| &n.key == *k)) {
                return Err(format!("network {unknown} is not defined"));
            }
            if keys.is_empty() {
                return Err("no network is defined for it".into());
            }
            Attachment::Networks(keys)
        }
    };
    let mut depends_on: Vec<Dependency> = match &service.depends_on {
        types::DependsOnOptions::Simple(names) => names
            .iter()
            .map(|service| Dependency {
                service: service.clone(),
                healthy: false,
            })
            .collect(),
        types::DependsOnOptions::Conditional(map) => map
            .iter()
            .map(|(service, condition)| Dependency {
                service: service.clone(),
                healthy: condition.condition == "service_healthy",
            })
            .collect(),
    };
    if let Attachment::ServiceNamespace(other) = &attachment {
        if !depends_on.iter().any(|d| &d.service == other) {
            depends_on.push(Dependency {
                service: other.clone(),
                healthy: false,
            });
        }
    }
    Ok(Service {
        name: name.to_owned(),
        container: service
            .container_name
            .clone()
            .unwrap_or_else(|| format!("{project}-{name}")),
        image,
        build,
        environment,
        command,
        entrypoint,
        ports,
        healthcheck: service.healthcheck.as_ref().map(health).transpose()?,
        labels,
        attachment,
        depends_on,
        tmpfs,
    })
}

/// Compose's escaping, without its interpolation: `$$` is a literal `$`. A `$NAME` or
/// `${NAME}` would take its value from the shell that runs compose, which the app has not;
/// it is refused so that the file never means one thing by hand and another in the app.
fn literal(field: &str, text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some(next) if *next == '{' || next.is_ascii_alphabetic() || *next == '_' => {
                return Err(format!(
                    "{field} uses a variable ({text:?}); write $$ for a literal $"
                ))
            }
            _ => out.push('$'),
        }
    }
    Ok(out)
}

fn literals(field: &str, texts: Vec<String>) -> Result<Vec<String>, String> {
    texts.iter().map(|text| literal(field, text)).collect()
}

/// Compose splits a command given as one string on blanks; quoting is not read, so a file
/// that needs it writes the command as a list.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn labels_of(labels: &types::Labels) -> HashMap<String, String> {
    match labels {
        types::Labels::List(pairs) => pairs
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => (key.to_owned(), value.to_owned()),
                None => (pair.clone(), String::new()),
            })
            .collect(),
        types::Labels::Map(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

/// `HOST_IP:HOST_PORT:CONTAINER_PORT[/tcp]`. A port published without 127.0.0.1 would be
/// open to the whole network the laptop sits on, so it is refused.
fn short_port(spec: &str) -> Result<Published, String> {
    let bare = spec.strip_suffix("/tcp").unwrap_or(spec);
    let parts: Vec<&str> = bare.split(':').collect();
    let [ip, host, container] = parts[..] else {
        return Err(format!(
            "port {spec:?} must be written 127.0.0.1:HOST:CONTAINER, so that it is reachable \
             from this machine only"
        ));
    };
    published(spec, Some(ip), host, container)
}

fn long_port(port: &types::Port) -> Result<Published, String> {
    let host = match &port.published {
        Some(types::PublishedPort::Single(port)) => port.to_string(),
        Some(types::PublishedPort::Range(range)) => range.clone(),
        None => String::new(),
    };
    let spec = format!(
        "{}:{host}:{}",
        port.host_ip.as_deref().unwrap_or(""),
        port.target
    );
    published(
        &spec,
        port.host_ip.as_deref(),
        &host,
        &port.target.to_string(),
    )
}

fn published(
    spec: &str,
    ip: Option<&str>,
    host: &str,
    container: &str,
) -> Result<Published, String> {
    let host_ip: std::net::Ipv4Addr = ip
        .and_then(|ip| ip.parse().ok())
        .filter(|ip: &std::net::Ipv4Addr| ip.is_loopback())
        .ok_or_else(|| format!("port {spec:?} must be published on 127.0.0.1 only"))?;
    let number = |text: &str| {
        text.parse::<u16>()
            .map_err(|_| format!("port {spec:?}: {text:?} is not a port number"))
    };
    Ok(Published {
        host_ip,
        host_port: number(host)?,
        container_port: number(container)?,
    })
}

/// Compose's healthcheck, in the Engine API's nanoseconds. A single string runs in a shell
/// (`CMD-SHELL`), as compose runs it.
fn health(check: &types::Healthcheck) -> Result<HealthConfig, String> {
    let nanos = |field: &str, value: &Option<String>| -> Result<Option<i64>, String> {
        value
            .as_deref()
            .map(|text| {
                humantime::parse_duration(text)
                    .map(|d: Duration| d.as_nanos() as i64)
                    .map_err(|e| format!("healthcheck {field} {text:?}: {e}"))
            })
            .transpose()
    };
    if check.disable {
        return Ok(HealthConfig {
            test: Some(vec!["NONE".into()]),
            ..HealthConfig::default()
        });
    }
    Ok(HealthConfig {
        test: check
            .test
            .as_ref()
            .map(|test| match test {
                types::HealthcheckTest::Single(line) => vec!["CMD-SHELL".into(), line.clone()],
                types::HealthcheckTest::Multiple(words) => words.clone(),
            })
            .map(|words| literals("healthcheck", words))
            .transpose()?,
        interval: nanos("interval", &check.interval)?,
        timeout: nanos("timeout", &check.timeout)?,
        retries: (check.retries > 0).then_some(check.retries),
        start_period: nanos("start_period", &check.start_period)?,
        start_interval: nanos("start_interval", &check.start_interval)?,
    })
}

/// Each service after those it depends on, otherwise in the file's order. Errors: a
/// dependency that is not a service, or a circle.
fn in_dependency_order(services: Vec<Service>) -> Result<Vec<Service>, String> {
    let position: BTreeMap<String, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    for service in &services {
        if let Some(missing) = service
            .depends_on
            .iter()
            .find(|d| !position.contains_key(&d.service))
        {
            return Err(format!(
                "service {} depends on {}, which is not a service",
                service.name, missing.service
            ));
        }
    }
    let mut placed: Vec<bool> = vec![false; services.len()];
    let mut order = Vec::with_capacity(services.len());
    while order.len() < services.len() {
        let next = services.iter().enumerate().find(|(i, service)| {
            !placed[*i]
                && service
                    .depends_on
                    .iter()
                    .all(|d| placed[position[&d.service]])
        });
        let Some((i, _)) = next else {
            let stuck: Vec<&str> = services
                .iter()
                .enumerate()
                .filter(|(i, _)| !placed[*i])
                .map(|(_, s)| s.name.as_str())
                .collect();
            return Err(format!(
                "services {} depend on each other in a circle",
                stuck.join(", ")
            ));
        };
        placed[i] = true;
        order.push(i);
    }
    let mut slots: Vec<Option<Service>> = services.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

#[cfg(test)]
mod tests;
