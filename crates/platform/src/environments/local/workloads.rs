//! The demo workloads of the local stack: a Java producer and a Java consumer (each with
//! JMX), and a `faultline-sidecar` process watching each over JMX.

use std::process::Command;

use super::config::LocalConfig;
use super::kafka::bootstrap;

pub const PRODUCER_ID: &str = "producer-1";
pub const CONSUMER_ID: &str = "consumer-1";
pub const CONSUMER_GROUP: &str = "faultline-demo-consumers";

/// The demo producer's linger.ms. The client's request-latency-avg is an average per
/// request over its metric windows (1-2 s, see the workloads' `METRICS_WINDOW_MS`): at 100
/// messages a second with the default 5 ms, a broker gets some 30 fast requests a second,
/// and the few slow ones a network fault lets through stay outnumbered. Fewer, fuller
/// requests let a slow broker show sooner (with the earlier 5-10 s windows,
/// network-latency-partition was detected after 9 s instead of 11-14 s, and CPU saturation
/// after 2 s instead of 5 on a 2-core machine); bursts fill their batches long before the
/// linger ends, so they are not slowed.
const PRODUCER_LINGER_MS: &str = "100";

pub fn producer_command(config: &LocalConfig) -> Command {
    let mut command = java_workload(config, "producer");
    command.args([
        "--client-id",
        PRODUCER_ID,
        "--linger-ms",
        PRODUCER_LINGER_MS,
        "--rate",
        &config.producer_rate.to_string(),
        "--jmx-port",
        &config.ports.producer_jmx.to_string(),
    ]);
    command
}

pub fn consumer_command(config: &LocalConfig) -> Command {
    let mut command = java_workload(config, "consumer");
    command.args([
        "--client-id",
        CONSUMER_ID,
        "--group",
        CONSUMER_GROUP,
        "--jmx-port",
        &config.ports.consumer_jmx.to_string(),
    ]);
    command
}

fn java_workload(config: &LocalConfig, role: &str) -> Command {
    let mut command = Command::new(&config.java);
    command
        .args(["-Xms64m", "-Xmx256m"])
        .arg(format!(
            "-Dfaultline.node={}",
            config.run_dir.join(role).display()
        ))
        .arg("-jar")
        .arg(&config.workloads_jar)
        .arg(role)
        .args(["--bootstrap", &bootstrap(&config.ports, config.brokers)]);
    command
}

/// A sidecar process watching a workload through its JMX port. Fails with a sentence when
/// the sidecar binary cannot be resolved.
pub fn sidecar_command(
    config: &LocalConfig,
    id: &str,
    sidecar_type: &str,
    jmx_port: u16,
    workload: &str,
) -> Result<Command, String> {
    let mut command = config.sidecar.command()?;
    command
        .args(["--bootstrap", &bootstrap(&config.ports, config.brokers)])
        .args(["--id", id, "--type", sidecar_type, "--workload", workload])
        .args(["--jmx", &format!("127.0.0.1:{jmx_port}")])
        .env("RUST_LOG", "info,librdkafka=warn");
    Ok(command)
}
