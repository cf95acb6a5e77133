//! Where the docker environment finds its compose file and the files it puts into the
//! build contexts of Faultline's own images, and the host ports the compose file publishes.

use std::path::PathBuf;
use std::time::Duration;

use crate::environments::carried;

/// What the docker environment runs and where it finds it.
#[derive(Debug, Clone)]
pub struct DockerConfig {
    /// `compose/docker-compose.yml`, the topology.
    pub compose_file: PathBuf,
    /// Files added to a build context, by the context folder's name: the `sidecar` context
    /// gets the `faultline-sidecar` binary and its `jassets/`, the `workloads` context the
    /// workloads jar. A file of that name already in the folder (prepared by hand) is
    /// replaced by this one.
    pub artifacts: Vec<Artifact>,
    /// Pull public images from this registry instead (`127.0.0.1:5000/`), then tag them
    /// with their public names: a mirror, or a test's local registry. `None`: the image's
    /// own registry.
    pub image_prefix: Option<String>,
    /// How long one service may take to become healthy.
    pub healthy_within: Duration,
}

/// One file or folder put into a build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The context folder's name (`sidecar`).
    pub context: String,
    /// Its path inside the context (`faultline-sidecar`, `jassets`).
    pub name: String,
    pub source: PathBuf,
}

/// The host ports `compose/docker-compose.yml` publishes on 127.0.0.1 (a test checks the
/// file against them).
pub mod ports {
    /// Clients on the host reach broker `n` (1-based) through its Toxiproxy proxy here.
    pub fn client(broker: u8) -> u16 {
        29090 + u16::from(broker)
    }
    /// Broker `n`'s JMX (same port inside its container, for RMI).
    pub fn broker_jmx(broker: u8) -> u16 {
        29990 + u16::from(broker)
    }
    pub const TOXIPROXY_API: u16 = 28474;
    pub const PRODUCER_JMX: u16 = 21001;
    pub const CONSUMER_JMX: u16 = 21101;
}

impl Default for DockerConfig {
    /// Found as the installed app carries them; `FAULTLINE_COMPOSE_FILE`,
    /// `FAULTLINE_SIDECAR`, `FAULTLINE_JASSETS`, `FAULTLINE_WORKLOADS_JAR` and
    /// `FAULTLINE_IMAGE_PREFIX` override.
    fn default() -> Self {
        let sidecar = carried::locate("FAULTLINE_SIDECAR", "faultline-sidecar");
        let jassets = carried::locate("FAULTLINE_JASSETS", "jassets");
        let workloads_jar = std::env::var_os("FAULTLINE_WORKLOADS_JAR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let cached =
                    crate::environments::local::cache_dir().join("faultline-workloads.jar");
                carried::find("faultline-workloads.jar").unwrap_or(cached)
            });
        Self {
            compose_file: carried::locate("FAULTLINE_COMPOSE_FILE", "compose/docker-compose.yml"),
            artifacts: vec![
                Artifact {
                    context: "sidecar".into(),
                    name: "faultline-sidecar".into(),
                    source: sidecar,
                },
                Artifact {
                    context: "sidecar".into(),
                    name: "jassets".into(),
                    source: jassets,
                },
                Artifact {
                    context: "workloads".into(),
                    name: "faultline-workloads.jar".into(),
                    source: workloads_jar,
                },
            ],
            image_prefix: std::env::var("FAULTLINE_IMAGE_PREFIX")
                .ok()
                .filter(|prefix| !prefix.is_empty()),
            healthy_within: Duration::from_secs(240),
        }
    }
}
