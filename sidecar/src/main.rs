//! `faultline-sidecar`: watches a Kafka client and reports to the Faultline platform over
//! any Kafka cluster. With `--jmx` it watches a Java producer or consumer over JMX; without,
//! it runs a demo producer of its own and watches its librdkafka statistics.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use faultline_jmx::JmxClient;
use faultline_kafka::{wait_for_stop_signal, ClientSettings};
use faultline_protocol::SidecarId;
use faultline_protocol::SidecarType;
use faultline_sidecar::probes::{JmxProbe, JmxRateControl, JmxTarget, LibrdkafkaProbe, NoControl};
use faultline_sidecar::workload::{DemoProducer, DemoProducerConfig};
use faultline_sidecar::{Control, Probe, SidecarConfig};

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
    /// Watch a Java client over JMX at HOST:PORT instead of running a demo producer. Needs
    /// a Java runtime and j4rs's `jassets/` folder; exits at start when either is missing.
    #[arg(long)]
    jmx: Option<String>,
    /// What the JMX target is.
    #[arg(long = "type", value_enum, default_value = "producer")]
    sidecar_type: TypeArg,
    /// The watched client's `client.id` (its MBeans are named by it); default: --id.
    #[arg(long)]
    client_id: Option<String>,
    /// A consumer's group (reported so the platform watches its lag).
    #[arg(long, default_value = "faultline-demo-consumers")]
    group: String,
    /// A sentence to send once as a REPORT (OBSERVATION) after starting, such as what this
    /// sidecar watches; the dashboard's feed shows it.
    #[arg(long)]
    announce: Option<String>,
    /// Rewrite this file after every heartbeat Kafka acknowledged (its content: the
    /// heartbeat's time in ms since the Unix epoch), so a container healthcheck can check
    /// that it is fresh, e.g. `find PATH -newermt '-10 seconds'`.
    #[arg(long, value_name = "PATH")]
    health_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TypeArg {
    Producer,
    Consumer,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    faultline_jmx::quiet_j4rs_console();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,librdkafka=warn,j4rs=off".into()),
        )
        .init();
    let args = Args::parse();
    let id = SidecarId::parse(&args.id)
        .with_context(|| format!("--id {:?} is not a valid sidecar id", args.id))?;
    anyhow::ensure!(
        args.heartbeat_ms > 0 && args.signal_ms > 0,
        "--heartbeat-ms and --signal-ms must be positive"
    );
    // The platform refuses registrations outside this range; better to say so here.
    let heartbeats = faultline_protocol::bounds::HEARTBEAT_INTERVAL_MS;
    anyhow::ensure!(
        heartbeats.contains(args.heartbeat_ms),
        "--heartbeat-ms must be from {} to {} (the range the platform accepts)",
        heartbeats.min,
        heartbeats.max
    );
    let mut kafka = ClientSettings::new(&args.bootstrap);
    if let Some(path) = &args.kafka_config {
        kafka = kafka.with_properties_file(path)?;
    }
    let mut config = SidecarConfig::new(id, kafka.clone());
    // Either a Java client over JMX, or a demo producer of our own watched through its
    // librdkafka statistics.
    let (probe, control, demo): (Box<dyn Probe>, Arc<dyn Control>, Option<DemoProducer>) =
        match &args.jmx {
            Some(endpoint) => {
                // Without Java or j4rs's jar this sidecar could only report failing probes;
                // stop at once instead, with the sentence that names what is missing.
                tokio::task::spawn_blocking(faultline_jmx::prepare_jvm)
                    .await
                    .context("the task creating the JVM for JMX did not finish")?
                    .context("cannot watch a Java client over JMX")?;
                let client = JmxClient::for_endpoint(endpoint);
                let client_id = args.client_id.clone().unwrap_or_else(|| args.id.clone());
                config.jmx_endpoint = Some(endpoint.clone());
                match args.sidecar_type {
                    TypeArg::Producer => (
                        Box::new(JmxProbe::new(client.clone(), JmxTarget::Producer)),
                        Arc::new(JmxRateControl::new(client, client_id)),
                        None,
                    ),
                    TypeArg::Consumer => {
                        config.sidecar_type = SidecarType::Consumer;
                        let target = JmxTarget::Consumer {
                            group: args.group.clone(),
                        };
                        (
                            Box::new(JmxProbe::new(client, target)),
                            Arc::new(NoControl),
                            None,
                        )
                    }
                }
            }
            None => {
                let mut producer_config =
                    DemoProducerConfig::new(args.id.clone(), args.topic.clone());
                producer_config.rate = args.rate;
                producer_config.message_bytes = args.message_bytes;
                let producer = DemoProducer::start(&kafka, producer_config)
                    .context("cannot start the demo producer")?;
                let probe = LibrdkafkaProbe::new(producer.statistics(), producer.state());
                (Box::new(probe), producer.control(), Some(producer))
            }
        };
    config.workload = args.workload;
    config.announcement = args.announce;
    config.health_file = args.health_file;
    if let Some(host) = args.host {
        config.host = host;
    }
    config.heartbeat_interval = Duration::from_millis(args.heartbeat_ms);
    config.signal_interval = Duration::from_millis(args.signal_ms);
    let sidecar = faultline_sidecar::spawn(config, probe, control);

    wait_for_stop_signal().await?;
    tracing::info!("stopping: writing tombstone");
    sidecar.shutdown().await;
    drop(demo);
    Ok(())
}
