//! Registry replay: N sidecars registered on `faultline.sidecars`, then the time from
//! `faultline-server` starting until `/api/health` says the registry is whole (all N, the
//! replay done). Sizes grow on the same topic (10, then 990 more, …), so each size is the
//! whole topic. Floor: a raw consumer reading the same topic to its end in the same run,
//! with discovery's own end rule (positions at the high watermarks).

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use faultline_kafka::{assigned_consumer, positions, watermarks, ClientSettings};
use faultline_platform::environments::local::{kill_recorded, Ports};
use faultline_platform::environments::{
    Environment, LocalConfig, LocalEnvironment, RehearsalConfig, RehearsalEnvironment, StepSink,
};
use faultline_protocol::clock::now_ms;
use faultline_protocol::{encode, topics};
use futures_util::StreamExt;
use rdkafka::producer::{BaseProducer, Producer};
use rdkafka::{ClientConfig, Offset};

use crate::load;
use crate::report::Unit;
use crate::report::{Figure, Floor, Report, Target};
use crate::server::Server;
use crate::stats::Summary;
use crate::{section, Plan};

/// Ports for the replay's own cluster, apart from the server's local stack (19000) and
/// the tests' (21000, 23000).
const PORT_BASE: u16 = 25000;

/// Where the replay runs: real Apache Kafka (three KRaft brokers, as `local` runs them) or
/// rehearsal's embedded cluster (smoke: the code path, not a figure to compare).
pub async fn measure(plan: &Plan, artifacts: &std::path::Path, report: &mut Report) -> Result<()> {
    if plan.replay_on_real_kafka {
        section("replay: starting three real Kafka brokers (ports from 25000)");
        // One fixed folder: a run that was killed left its brokers recorded there, and
        // they are stopped before this one starts on the same ports.
        let run_dir = std::env::temp_dir().join("faultline-bench-replay");
        kill_recorded(&run_dir);
        let _ = std::fs::remove_dir_all(&run_dir);
        let stack = LocalEnvironment::new(LocalConfig {
            run_dir: run_dir.clone(),
            ports: Ports {
                base: PORT_BASE,
                ..Ports::default()
            },
            workloads: false,
            ..LocalConfig::default()
        });
        let started = stack.start(&StepSink::new(|_| {})).await;
        let result = match started {
            Ok(kafka) => sizes(plan, &kafka, "local (real Kafka)", artifacts, report).await,
            Err(error) => Err(anyhow!(
                "the real Kafka cluster for the replay did not start: {error}"
            )),
        };
        stack.stop().await;
        kill_recorded(&run_dir);
        let _ = std::fs::remove_dir_all(&run_dir);
        result
    } else {
        let cluster = RehearsalEnvironment::new(RehearsalConfig {
            producers: Vec::new(),
            consumers: Vec::new(),
            ..RehearsalConfig::default()
        });
        let kafka = cluster
            .start(&StepSink::new(|_| {}))
            .await
            .map_err(|e| anyhow!("the embedded cluster for the replay: {e}"))?;
        let result = sizes(plan, &kafka, "embedded", artifacts, report).await;
        cluster.stop().await;
        result
    }
}

async fn sizes(
    plan: &Plan,
    kafka: &ClientSettings,
    env: &str,
    artifacts: &std::path::Path,
    report: &mut Report,
) -> Result<()> {
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &kafka.bootstrap)
        .set("linger.ms", "20")
        .set("queue.buffering.max.messages", "1000000")
        .create()
        .context("the replay's producer")?;
    let mut written = 0;
    for &size in &plan.replay_sizes {
        section(&format!(
            "replay: {size} registrations ×{}",
            plan.replay_reps
        ));
        write(&producer, written, size)?;
        written = size;
        let (mut listed, mut floors) = (Vec::new(), Vec::new());
        for rep in 0..plan.replay_reps {
            floors.push(read_to_end(kafka).await?);
            listed.push(
                listed_after(
                    kafka,
                    size,
                    &artifacts.join(format!("bench-replay-{size}-{rep}.log")),
                )
                .await?,
            );
        }
        let floor = Summary::of(&floors).map(|f| Floor {
            median: f.median,
            p95: f.p95,
            what: "a raw consumer reading the topic to its end".into(),
        });
        let mut figure = Figure::new(
            &format!("replay/{size}"),
            env,
            &format!("server started → registry whole with {size} sidecars"),
            Unit::Ms,
            listed,
        )
        .floor(floor)
        .waits_on(
            "process start; reading faultline.sidecars to its end; one status event per sidecar",
        );
        if size == 10_000 {
            figure = figure
                .target(Target::p95_at_most("≤ 1 s, ≤ 2× floor", 1000.0).with_ratio_at_most(2.0));
        }
        report.figures.push(figure);
    }
    Ok(())
}

/// Registers sidecars `from` to `to` (exclusive), their record timestamps their `ts` (the
/// replay judges liveness by it), and waits until all are written.
fn write(producer: &BaseProducer, from: usize, to: usize) -> Result<()> {
    for i in from..to {
        let id = load::sidecar_id("bench", i);
        let ts = now_ms();
        let key = id.to_string();
        let payload = encode(&load::registration(id, ts))?;
        load::queue(producer, topics::SIDECARS.name, &key, ts, &payload, None);
    }
    producer
        .flush(Duration::from_secs(120))
        .context("writing the registrations")
}

/// Milliseconds from spawning `faultline-server --env external` until `/api/health` says
/// discovery replayed `size` sidecars (polled every 20 ms; `/api/sidecars` is fetched once
/// at the end to confirm, never polled: at 100,000 it is a 30 MB answer).
async fn listed_after(kafka: &ClientSettings, size: usize, log: &std::path::Path) -> Result<f64> {
    let server = Server::start(
        &["--env", "external", "--bootstrap", kafka.bootstrap.as_str()],
        true,
        log,
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    let whole = loop {
        let health = server.get("/api/health").await?;
        if health["discovery"]["replayed"] == true
            && health["sidecars"].as_u64() >= Some(size as u64)
        {
            break server.spawned.elapsed();
        }
        if Instant::now() > deadline {
            bail!("{size} registrations not replayed within 5 minutes: {health}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let listed = server
        .get("/api/sidecars")
        .await?
        .as_array()
        .map_or(0, Vec::len);
    server.stop().await;
    if listed < size {
        bail!("/api/sidecars listed {listed} of {size}");
    }
    Ok(whole.as_secs_f64() * 1000.0)
}

/// Milliseconds for a raw consumer to read the registration topic from its start to the
/// high watermarks, checked after each record (discovery's own end rule, without the
/// registry).
async fn read_to_end(kafka: &ClientSettings) -> Result<f64> {
    let started = Instant::now();
    let consumer = assigned_consumer(kafka, topics::SIDECARS.name, Offset::Beginning)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let ends: Vec<(i32, i64)> = watermarks(&consumer, topics::SIDECARS.name)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .into_iter()
        .filter(|w| w.high > w.low)
        .map(|w| (w.partition, w.high))
        .collect();
    let at_end = |consumer: &rdkafka::consumer::StreamConsumer| {
        let now = positions(consumer, topics::SIDECARS.name).unwrap_or_default();
        ends.iter()
            .all(|(p, high)| now.iter().any(|(q, at)| q == p && at >= high))
    };
    let mut stream = consumer.stream();
    while !at_end(&consumer) {
        match tokio::time::timeout(Duration::from_millis(100), stream.next()).await {
            Ok(Some(Err(error))) => bail!("reading {}: {error}", topics::SIDECARS.name),
            Ok(None) => bail!("the consumer of {} stopped", topics::SIDECARS.name),
            Ok(Some(Ok(_))) | Err(_) => {}
        }
        if started.elapsed() > Duration::from_secs(300) {
            bail!(
                "{} not read to its end within 5 minutes",
                topics::SIDECARS.name
            );
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}
