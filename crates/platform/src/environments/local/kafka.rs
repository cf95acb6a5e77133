//! Apache Kafka brokers in KRaft mode: each node is broker and controller at once, and its
//! advertised client listener is its Toxiproxy proxy, so every client (producers, sidecars,
//! the platform) goes through the proxy and network faults reach them. Replication uses
//! a separate, direct listener.

use std::path::PathBuf;
use std::process::Command;

use super::config::{LocalConfig, Ports};

pub fn node_dir(config: &LocalConfig, broker: u8) -> PathBuf {
    config.run_dir.join(format!("broker-{broker}"))
}

pub fn properties(config: &LocalConfig, broker: u8) -> String {
    let ports = config.ports;
    let voters: Vec<String> = (1..=config.brokers)
        .map(|n| format!("{n}@127.0.0.1:{}", ports.controller(n)))
        .collect();
    let replication = config.brokers.min(3);
    let min_isr = replication.saturating_sub(1).max(1);
    let dir = node_dir(config, broker);
    format!(
        "# Written by Faultline for the local environment; rewritten on every start.
process.roles=broker,controller
node.id={broker}
controller.quorum.voters={voters}
listeners=CLIENT://127.0.0.1:{client},INTERNAL://127.0.0.1:{internal},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=CLIENT://127.0.0.1:{proxied},INTERNAL://127.0.0.1:{internal}
listener.security.protocol.map=CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
log.dirs={data}
num.partitions=3
default.replication.factor={replication}
min.insync.replicas={min_isr}
offsets.topic.replication.factor={replication}
transaction.state.log.replication.factor={replication}
transaction.state.log.min.isr={min_isr}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# Leadership returns to each partition's preferred broker within seconds of a disruption
# (default: 5 minutes), so every scenario starts from the same layout whatever ran before
# it: latency on broker-1 must reach the partitions broker-1 normally leads.
auto.leader.rebalance.enable=true
leader.imbalance.check.interval.seconds=5
",
        voters = voters.join(","),
        client = ports.client(broker),
        internal = ports.internal(broker),
        controller = ports.controller(broker),
        proxied = ports.proxied_client(broker),
        data = dir.join("data").display(),
    )
}

/// Broker logs go to a file in the node's directory, warnings and worse only.
pub const LOG4J2: &str = "rootLogger.level=WARN
rootLogger.appenderRef.file.ref=FILE
appender.file.type=File
appender.file.name=FILE
appender.file.fileName=${sys:kafka.logs.dir}/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
";

fn classpath(config: &LocalConfig) -> String {
    format!("{}/*", config.kafka_libs.display())
}

/// `kafka-storage format` for one node (run once, when its data directory is new).
pub fn format_command(config: &LocalConfig, broker: u8, cluster_id: &str) -> Command {
    let dir = node_dir(config, broker);
    let mut command = Command::new(&config.java);
    command
        .arg("-cp")
        .arg(classpath(config))
        .arg("kafka.tools.StorageTool")
        .args(["format", "--ignore-formatted", "-t", cluster_id, "-c"])
        .arg(dir.join("server.properties"));
    command
}

/// The broker's JVM: modest heap, remote JMX on loopback without auth (so the platform can
/// read it), logs in the node directory. `-Dfaultline.node` marks the command line as ours.
pub fn broker_command(config: &LocalConfig, broker: u8) -> Command {
    let dir = node_dir(config, broker);
    let jmx = config.ports.broker_jmx(broker);
    let mut command = Command::new(&config.java);
    command
        .args(["-Xms256m", "-Xmx512m", "-XX:+UseG1GC"])
        .arg(format!("-Dfaultline.node={}", dir.display()))
        .arg(format!("-Dkafka.logs.dir={}", dir.display()))
        .arg(format!(
            "-Dlog4j2.configurationFile={}",
            config.run_dir.join("log4j2.properties").display()
        ))
        .args(jmx_flags(jmx))
        .arg("-cp")
        .arg(classpath(config))
        .arg("kafka.Kafka")
        .arg(dir.join("server.properties"));
    command
}

/// Remote JMX on one loopback port, no authentication (local demo only).
pub fn jmx_flags(port: u16) -> Vec<String> {
    vec![
        format!("-Dcom.sun.management.jmxremote.port={port}"),
        format!("-Dcom.sun.management.jmxremote.rmi.port={port}"),
        "-Dcom.sun.management.jmxremote.authenticate=false".into(),
        "-Dcom.sun.management.jmxremote.ssl=false".into(),
        "-Dcom.sun.management.jmxremote.host=127.0.0.1".into(),
        "-Djava.rmi.server.hostname=127.0.0.1".into(),
    ]
}

/// Clients' bootstrap list: every broker's proxy.
pub fn bootstrap(ports: &Ports, brokers: u8) -> String {
    (1..=brokers)
        .map(|n| format!("127.0.0.1:{}", ports.proxied_client(n)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (22 characters).
pub fn new_cluster_id() -> String {
    let mut bytes = [0u8; 16];
    let random = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if random.is_err() {
        // Only uniqueness on this machine matters: the clock will do.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = nanos.to_le_bytes();
    }
    cluster_id_from(bytes)
}

fn cluster_id_from(mut bytes: [u8; 16]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // An id starting with '-' reads as an option to kafka-storage ("--cluster-id: expected
    // one argument"), one start in 64; Kafka's own ids never start with it either.
    if bytes[0] >> 2 == 62 {
        bytes[0] &= 0x7f;
    }
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = String::new();
    for byte in bytes {
        bits = (bits << 8) | u32::from(byte);
        count += 8;
        while count >= 6 {
            count -= 6;
            out.push(ALPHABET[((bits >> count) & 63) as usize] as char);
        }
    }
    if count > 0 {
        out.push(ALPHABET[((bits << (6 - count)) & 63) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_sent_through_the_proxy_and_replication_is_direct() {
        let config = LocalConfig::default();
        let text = properties(&config, 2);
        assert!(
            text.contains(
                "advertised.listeners=CLIENT://127.0.0.1:19092,INTERNAL://127.0.0.1:19292"
            ),
            "{text}"
        );
        assert!(
            text.contains("listeners=CLIENT://127.0.0.1:19192,"),
            "{text}"
        );
        assert!(text.contains(
            "controller.quorum.voters=1@127.0.0.1:19391,2@127.0.0.1:19392,3@127.0.0.1:19393"
        ));
        assert!(text.contains("min.insync.replicas=2"));
        assert!(text.contains("default.replication.factor=3"));
        assert!(text.contains("leader.imbalance.check.interval.seconds=5"));
    }

    #[test]
    fn cluster_ids_have_the_kraft_shape() {
        let id = new_cluster_id();
        assert_eq!(id.len(), 22, "{id}");
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{id}"
        );
    }

    #[test]
    fn no_cluster_id_starts_with_a_dash() {
        // 0xf8 encodes to '-' first; 0xfc to '_', which is harmless.
        let dashed = cluster_id_from([0xf8; 16]);
        assert!(!dashed.starts_with('-'), "{dashed}");
        assert_eq!(dashed.len(), 22);
        assert!(cluster_id_from([0xfc; 16]).starts_with('_'));
    }
}
