//! Where the `local` environment finds Kafka and Toxiproxy, and the ports it uses.

use std::path::PathBuf;

use crate::environments::{carried, SidecarCommand};

/// The Toxiproxy server as the packages carry it (a Tauri `externalBin`, beside the app's
/// executable): named for Faultline so it cannot collide with another Toxiproxy install.
const CARRIED_TOXIPROXY: &str = "faultline-toxiproxy";

/// Where the `local` environment finds what it runs, and which ports it uses. Toxiproxy,
/// the workloads jar and the sidecar come with the installed app (in a checkout, from the
/// cache that `tests/scripts/fetch-local-stack.sh` fills); Kafka's jars are fetched into
/// the cache on the first start. Each can be overridden.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// Apache Kafka's jars (every jar of `kafka_2.13` and its dependencies).
    pub kafka_libs: PathBuf,
    /// The Toxiproxy server binary.
    pub toxiproxy: PathBuf,
    /// The demo workloads' runnable jar.
    pub workloads_jar: PathBuf,
    /// How to start `faultline-sidecar` (the desktop app's comes from tauri-plugin-shell).
    pub sidecar: SidecarCommand,
    /// `java` to run brokers and workloads with.
    pub java: PathBuf,
    /// Where configs, data and logs of the running stack live.
    pub run_dir: PathBuf,
    pub ports: Ports,
    pub brokers: u8,
    /// Start the demo producer and consumer (with their sidecars).
    pub workloads: bool,
    /// Nominal rate of the demo producer, messages per second.
    pub producer_rate: u32,
}

/// Fixed port plan, so a presenter's firewall rules and runbook stay valid. Broker `n`
/// (1-based) uses `base + offset + n`. Every port sits below Linux's ephemeral range
/// (32768 and up): there, any outgoing connection could take a port between the
/// pre-flight check and the broker's bind.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub base: u16,
    pub producer_jmx: u16,
    pub consumer_jmx: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Self {
            base: 19000,
            producer_jmx: 11001,
            consumer_jmx: 11101,
        }
    }
}

impl Ports {
    /// What clients connect to: the broker's Toxiproxy proxy (advertised).
    pub fn proxied_client(&self, broker: u8) -> u16 {
        self.base + 90 + u16::from(broker)
    }
    /// The broker's real client listener, behind the proxy.
    pub fn client(&self, broker: u8) -> u16 {
        self.base + 190 + u16::from(broker)
    }
    /// Replication between brokers (not proxied).
    pub fn internal(&self, broker: u8) -> u16 {
        self.base + 290 + u16::from(broker)
    }
    pub fn controller(&self, broker: u8) -> u16 {
        self.base + 390 + u16::from(broker)
    }
    pub fn broker_jmx(&self, broker: u8) -> u16 {
        self.base + 990 + u16::from(broker)
    }
    pub fn toxiproxy_api(&self) -> u16 {
        self.base + 474
    }
}

/// `$FAULTLINE_CACHE`, else `$XDG_CACHE_HOME/faultline`, else `~/.cache/faultline`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FAULTLINE_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("faultline");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("faultline")
}

/// The Kafka version the fetch script downloads by default.
pub const KAFKA_VERSION: &str = "4.1.1";

impl Default for LocalConfig {
    fn default() -> Self {
        let cache = cache_dir();
        let java = std::env::var_os("JAVA_HOME")
            .map(|home| PathBuf::from(home).join("bin").join("java"))
            .unwrap_or_else(|| PathBuf::from("java"));
        Self {
            kafka_libs: cache.join(format!("kafka-{KAFKA_VERSION}")).join("libs"),
            // What the installed app carries, else what the checkout's fetch script put in
            // the cache.
            toxiproxy: carried::find(CARRIED_TOXIPROXY)
                .unwrap_or_else(|| cache.join("bin").join("toxiproxy-server")),
            workloads_jar: carried::find("faultline-workloads.jar")
                .unwrap_or_else(|| cache.join("faultline-workloads.jar")),
            sidecar: SidecarCommand::default(),
            java,
            run_dir: cache.join("run").join("local"),
            ports: Ports::default(),
            brokers: 3,
            workloads: true,
            producer_rate: crate::environments::LOCAL_PRODUCER_RATE,
        }
    }
}
