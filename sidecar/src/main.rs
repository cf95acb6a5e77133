//! `faultline-sidecar`: watches an in-process demo producer and reports to the Faultline
//! platform over any Kafka cluster.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use faultline_kafka::ClientSettings;
use faultline_protocol::SidecarId;
use faultline_sidecar::probes::LibrdkafkaProbe;
use faultline_sidecar::workload::{DemoProducer, DemoProducerConfig};
use faultline_sidecar::SidecarConfig;

#[derive(Parser, Debug)]
#[command(name = "faultline-sidecar", version, about)]
struct Args {
    /// Kafka bootstrap servers, HOST:PORT[,HOST:PORT...].
    #[arg(long)]
    bootstrap: String,
    /// This sidecar's id: [A-Za-z0-9._-]{1,64}.
    #[arg(long)]
    id: String,
    /// Heartbeat interval in milliseconds; the platform marks the sidecar INACTIVE after
    /// three missed heartbeats.
    #[arg(long, default_value_t = 2000)]
    heartbeat_ms: u64,
    /// Signal snapshot interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    signal_ms: u64,
    /// Extra Kafka client settings (TLS, SASL) as a Java-style properties file.
    #[arg(long)]
    kafka_config: Option<PathBuf>,
    /// Topic the demo producer writes to.
    #[arg(long, default_value = "faultline.demo")]
    topic: String,
    /// Demo producer's nominal rate, messages per second.
    #[arg(long, default_value_t = 10)]
    rate: u32,
    /// Demo producer's message size in bytes.
    #[arg(long, default_value_t = 512)]
    message_bytes: usize,
    /// Free-text label for the watched workload.
    #[arg(long, default_value = "demo producer")]
    workload: String,
    /// Host name to register with (default: this machine's).
    #[arg(long)]
    host: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,librdkafka=warn".into()),
        )
        .init();
    let args = Args::parse();
    let id = SidecarId::parse(&args.id).with_context(|| format!("--id {:?} is not a valid sidecar id", args.id))?;
    anyhow::ensure!(args.heartbeat_ms > 0 && args.signal_ms > 0, "--heartbeat-ms and --signal-ms must be positive");
    let mut kafka = ClientSettings::new(&args.bootstrap);
    if let Some(path) = &args.kafka_config {
        kafka = kafka.with_properties_file(path)?;
    }
    let mut producer_config = DemoProducerConfig::new(args.id.clone(), args.topic);
    producer_config.rate = args.rate;
    producer_config.message_bytes = args.message_bytes;
    let producer = DemoProducer::start(&kafka, producer_config).context("cannot start the demo producer")?;
    let probe = LibrdkafkaProbe::new(producer.statistics(), producer.state());
    let mut config = SidecarConfig::new(id, kafka);
    config.workload = args.workload;
    if let Some(host) = args.host {
        config.host = host;
    }
    config.heartbeat_interval = Duration::from_millis(args.heartbeat_ms);
    config.signal_interval = Duration::from_millis(args.signal_ms);
    let sidecar = faultline_sidecar::spawn(config, Box::new(probe), producer.control());

    wait_for_stop_signal().await?;
    tracing::info!("stopping: writing tombstone");
    sidecar.shutdown().await;
    drop(producer);
    Ok(())
}

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
