//! `faultline-server`: the Faultline platform without the desktop window. Serves the API,
//! the event WebSocket and the UI on 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Parser;
use faultline_kafka::wait_for_stop_signal;
use faultline_platform::environments::{self, kinds, EnvironmentFactory, Host, StartRequest};
use faultline_platform::launch::{self, Launcher};
use faultline_platform::server::Token;
use faultline_platform::wire::Detection;
use faultline_platform::{Headless, Replaying};

/// `--env`'s values: every registered kind, with its title.
fn env_values() -> PossibleValuesParser {
    PossibleValuesParser::new(
        kinds::KINDS
            .iter()
            .map(|kind| PossibleValue::new(kind.id).help(kind.title)),
    )
}

#[derive(Parser, Debug)]
#[command(name = "faultline-server", version, about)]
struct Args {
    /// The environment to run. Without it Faultline picks one and says why (Docker not
    /// running → rehearsal). `local` fetches Apache Kafka's jars on its first start;
    /// `external` needs --bootstrap (and --kafka-config for TLS/SASL).
    #[arg(long, value_parser = env_values())]
    env: Option<String>,
    /// Serve the launch panel and wait: the environment starts when the presenter (or
    /// `POST /api/environment/start`) asks, not at once.
    #[arg(long)]
    no_autostart: bool,
    /// Address to serve on. Loopback by default: the API can inject faults. Any other address
    /// needs an access token (--token, or one generated and printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The access token API clients send (`Authorization: Bearer TOKEN`) and the page takes
    /// from its address (`?token=TOKEN`): 16 to 256 characters of A-Z a-z 0-9 . _ ~ -.
    /// On loopback it is needed only when given.
    #[arg(long, env = "FAULTLINE_TOKEN", hide_env_values = true, value_parser = Token::parse)]
    token: Option<Token>,
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
    /// Play a recording (a `.jsonl.zst` file from the recordings folder, see
    /// docs/runbook.md) through the dashboard instead of running an environment: the page
    /// says REPLAY and has pause, 1×/2×/4× and a seek bar; nothing in it can be changed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["env", "bootstrap", "kafka_config", "no_autostart"])]
    replay: Option<PathBuf>,
    /// The replay's speed when it starts: 1, 2 or 4 times the recorded pace (default 1).
    #[arg(long, requires = "replay", value_parser = PossibleValuesParser::new(["1", "2", "4"]).map(|s| s.parse::<u32>().unwrap_or(1)))]
    speed: Option<u32>,
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
    if let Some(file) = &args.replay {
        return replay(file, &args).await;
    }
    if !args.listen.ip().is_loopback() {
        tracing::warn!(listen = %args.listen, "serving beyond this machine: anyone who can reach it with the token can inject faults");
    }
    let detected = match &args.env {
        Some(kind) => Detection {
            kind: kind.clone(),
            reason: format!("{kind} was chosen with --env"),
        },
        None => launch::detect(&Host::survey()),
    };
    if let Some(id) = &args.env {
        let kind = kinds::find(id).map_err(anyhow::Error::msg)?;
        if kind.needs.bootstrap && args.bootstrap.is_none() {
            anyhow::bail!("--env {id} needs --bootstrap HOST:PORT[,HOST:PORT...]");
        }
        // Asked for by name, so refused by name: no server that then fails in the background.
        if kind.needs.docker_engine && !Host::survey().docker_running {
            let engine = faultline_platform::environments::preflight::docker_engine(false);
            anyhow::bail!(
                "--env {id}: {}; {}",
                engine.detail,
                engine.fix.unwrap_or_default()
            );
        }
    }
    let first = StartRequest {
        kind: detected.kind.clone(),
        bootstrap: args.bootstrap.clone(),
        kafka_config: args.kafka_config.clone(),
        ..StartRequest::default()
    };
    let kafka_config = args.kafka_config.clone();
    // The launch panel's starts get the command line's client settings too.
    let factory: EnvironmentFactory = Arc::new(move |request: &StartRequest| {
        let mut request = request.clone();
        request.kafka_config = kafka_config.clone();
        environments::create(&request)
    });
    tracing::info!(kind = %detected.kind, reason = %detected.reason, "environment");
    let launcher = Launcher::for_detected(detected, first, factory, args.scenarios)
        .map_err(anyhow::Error::msg)?;
    let headless = Headless::serve_with_token(args.listen, launcher.clone(), args.token).await?;
    let page = page_address(headless.addr, headless.token.as_ref());
    if args.no_autostart {
        println!("Faultline is waiting: open {page} and start an environment (Ctrl-C stops it)");
    } else {
        launcher.autostart().await?;
        println!("Faultline is running: open {page} (Ctrl-C stops it)");
    }
    if headless.addr.ip().is_unspecified() {
        println!(
            "From other machines use this machine's address with port {} and the same token.",
            headless.addr.port()
        );
    }
    if headless.token.is_some() {
        println!("API clients send the token as: Authorization: Bearer TOKEN");
    }
    wait_for_stop_signal().await?;
    tracing::info!("stopping");
    headless.stop().await;
    launcher.stage().environment.stop().await;
    Ok(())
}

/// Serves `file`'s replay until Ctrl-C. A file that breaks part-way is said to, with the
/// byte offset, and what comes before the break plays.
async fn replay(file: &std::path::Path, args: &Args) -> anyhow::Result<()> {
    let replaying = Replaying::start(
        args.listen,
        file,
        args.speed.unwrap_or(1),
        args.token.clone(),
        args.scenarios.as_deref(),
    )
    .await?;
    let status = replaying.player.status();
    if let Some(broken) = &status.break_at {
        println!(
            "{} breaks at byte {}: {}. The {} events before it play.",
            file.display(),
            broken.offset,
            broken.reason,
            status.events
        );
    }
    let page = page_address(replaying.addr, replaying.token.as_ref());
    println!(
        "Faultline is replaying {} ({} events, {:.0} s): open {page} (Ctrl-C stops it)",
        file.display(),
        status.events,
        status.duration_ms as f64 / 1000.0
    );
    wait_for_stop_signal().await?;
    replaying.stop().await;
    Ok(())
}

/// The page's address as this machine opens it, with the token the page keeps (a server
/// on every interface is shown on loopback).
fn page_address(addr: SocketAddr, token: Option<&Token>) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let shown = SocketAddr::new(ip, addr.port());
    match token {
        Some(token) => format!("http://{shown}/?token={}", token.as_str()),
        None => format!("http://{shown}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_accepts_exactly_the_registered_kinds() {
        for kind in kinds::KINDS {
            let parsed = Args::try_parse_from(["faultline-server", "--env", kind.id]);
            assert_eq!(parsed.expect(kind.id).env.as_deref(), Some(kind.id));
        }
        let unknown = Args::try_parse_from(["faultline-server", "--env", "nope"])
            .expect_err("an unregistered kind is refused");
        assert!(
            unknown
                .to_string()
                .contains("[possible values: rehearsal, local, docker, external]"),
            "{unknown}"
        );
        assert_eq!(
            Args::try_parse_from(["faultline-server"]).unwrap().env,
            None
        );
    }

    #[test]
    fn replay_takes_a_file_and_a_speed_of_1_2_or_4_and_nothing_of_an_environment() {
        let parsed = Args::try_parse_from([
            "faultline-server",
            "--replay",
            "f.jsonl.zst",
            "--speed",
            "4",
        ])
        .expect("a replay at 4×");
        assert_eq!(
            (parsed.replay.as_deref(), parsed.speed),
            (Some(std::path::Path::new("f.jsonl.zst")), Some(4))
        );
        assert_eq!(
            Args::try_parse_from(["faultline-server", "--replay", "f"])
                .unwrap()
                .speed,
            None
        );
        for refused in [
            vec!["faultline-server", "--replay", "f", "--speed", "3"],
            vec!["faultline-server", "--replay", "f", "--env", "rehearsal"],
            vec!["faultline-server", "--speed", "2"],
        ] {
            assert!(Args::try_parse_from(&refused).is_err(), "{refused:?}");
        }
    }
}
