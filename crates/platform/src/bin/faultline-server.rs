//! `faultline-server`: the Faultline platform without the desktop window. Serves the API,
//! the event WebSocket and the UI on 127.0.0.1.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use faultline_kafka::ClientSettings;
use faultline_platform::environments::{
    Environment, ExternalEnvironment, LocalConfig, LocalEnvironment, RehearsalConfig,
    RehearsalEnvironment,
};
use faultline_platform::{Headless, HeadlessOptions};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EnvKind {
    /// Embedded Kafka cluster and demo workloads in this process; needs nothing else.
    Rehearsal,
    /// Real Apache Kafka (3 brokers, KRaft), Toxiproxy and Java workloads as processes on
    /// 127.0.0.1; `tests/scripts/fetch-local-stack.sh` fetches what it runs.
    Local,
    /// An existing cluster given by --bootstrap (and --kafka-config for TLS/SASL).
    External,
}

#[derive(Parser, Debug)]
#[command(name = "faultline-server", version, about)]
struct Args {
    #[arg(long, value_enum, default_value = "rehearsal")]
    env: EnvKind,
    /// Address to serve on. Loopback by default: the API can inject faults.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Bootstrap servers of the external cluster, HOST:PORT[,HOST:PORT...].
    #[arg(long)]
    bootstrap: Option<String>,
    /// Extra Kafka client settings (TLS, SASL) as a Java-style properties file.
    #[arg(long)]
    kafka_config: Option<PathBuf>,
    /// A folder of your own scenario files (*.toml); they replace built-ins of the same id.
    /// Default: ~/.config/faultline/scenarios when it exists.
    #[arg(long)]
    scenarios: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,librdkafka=warn".into()),
        )
        .init();
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        tracing::warn!(listen = %args.listen, "serving beyond this machine: anyone who can reach it can inject faults");
    }
    let environment: Arc<dyn Environment> = match args.env {
        EnvKind::Rehearsal => Arc::new(RehearsalEnvironment::new(RehearsalConfig::default())),
        EnvKind::Local => Arc::new(LocalEnvironment::new(LocalConfig::default())),
        EnvKind::External => {
            let bootstrap = args
                .bootstrap
                .context("--env external needs --bootstrap HOST:PORT[,HOST:PORT...]")?;
            let mut settings = ClientSettings::new(bootstrap);
            if let Some(path) = &args.kafka_config {
                settings = settings.with_properties_file(path)?;
            }
            Arc::new(ExternalEnvironment::new(settings))
        }
    };
    let mut options = HeadlessOptions::for_environment(environment.kind());
    if let Some(dir) = args.scenarios {
        options.scenarios_dir = Some(dir);
    }
    let headless = Headless::start_with(args.listen, environment.clone(), options).await?;
    println!(
        "Faultline is running: open http://{}/ (Ctrl-C stops it)",
        headless.addr
    );
    wait_for_stop_signal().await?;
    tracing::info!("stopping");
    headless.stop().await;
    environment.stop().await;
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
