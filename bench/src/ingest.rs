//! The platform's own speed, on an embedded cluster with no simulated network and
//! `faultline-server` pinned to CPU 1 (`taskset`), fed by the bench on CPU 0. First the
//! signal pipeline (a snapshot sent → its event on a `/ws` client), then ingest.
//! A burst gives the sustained rate; offered rates in steps find where ingest falls behind
//! and show what happens then (lateness grows, memory stays bounded, nothing is refused).
//! Floor: a raw consumer reading the same records on the same core.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use faultline_kafka::ClientSettings;
use faultline_platform::environments::rehearsal::{RehearsalConfig, RehearsalEnvironment};
use faultline_platform::environments::Environment;
use faultline_platform::environments::StepSink;
use faultline_protocol::clock::now_ms;
use faultline_protocol::{encode, topics};
use rdkafka::producer::{BaseProducer, Producer};
use rdkafka::ClientConfig;
use serde_json::Value;

use crate::load;
use crate::pipeline;
use crate::report::{Figure, Floor, Report, Table, Target, Unit};
use crate::rss::{rss_mib, RssSampler};
use crate::server::{sibling, Server};
use crate::stats::Summary;
use crate::{section, Plan};

/// The environment column: rehearsal's embedded cluster without its simulated network
/// (`--env external` on it), so the figures are the platform's and not the cluster's.
const ENV: &str = "embedded, no network";

/// Sidecars whose snapshots mark the end of a step, one per partition of the signals
/// topic: when each shows the step's marker, everything sent before it was ingested.
const MARKERS: i32 = topics::SIGNALS.partitions;

/// Snapshots in one burst. The embedded cluster keeps 5 MB per partition (librdkafka's
/// mock broker, `rdkafka_mock.c`), about 12,000 snapshots: a backlog past that is dropped
/// from the log and a consumer behind it skips to the end, so a burst stays below it.
const BURST: usize = 30_000;

/// How far behind ingest may fall before a step counts as lost: past the cluster's
/// retention the platform's consumer skips to the newest records, markers included.
const GIVE_UP: Duration = Duration::from_secs(20);

pub async fn measure(plan: &Plan, artifacts: &std::path::Path, report: &mut Report) -> Result<()> {
    section("pipeline and ingest: embedded cluster without a network, server pinned to CPU 1");
    let pinned = std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    let environment = RehearsalEnvironment::new(RehearsalConfig {
        producers: Vec::new(),
        consumers: Vec::new(),
        round_trip: Duration::ZERO,
        ..RehearsalConfig::default()
    });
    let kafka = environment
        .start(&StepSink::new(|_| {}))
        .await
        .map_err(|e| anyhow::anyhow!("the embedded cluster for ingest: {e}"))?;
    if pinned {
        pin(std::process::id(), "0")?;
    }
    let result = on_cluster(plan, &kafka, pinned, artifacts, report).await;
    if pinned {
        let all = format!(
            "0-{}",
            std::thread::available_parallelism().map_or(1, |n| n.get()) - 1
        );
        let _ = pin(std::process::id(), &all);
    }
    environment.stop().await;
    result
}

/// `taskset -a -cp CPUS PID`: every thread of the process on those CPUs.
fn pin(pid: u32, cpus: &str) -> Result<()> {
    let status = Command::new("taskset")
        .args(["-a", "-cp", cpus, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .context("taskset (util-linux) is needed to pin the ingest bench")?;
    if !status.success() {
        bail!("taskset -a -cp {cpus} {pid} failed");
    }
    Ok(())
}

/// CPU time (user + system) a process has used, seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = procfs::process::Process::new(pid as i32)
        .ok()?
        .stat()
        .ok()?;
    Some((stat.utime + stat.stime) as f64 / procfs::ticks_per_second() as f64)
}

struct Load {
    producer: BaseProducer,
    ids: Vec<faultline_protocol::SidecarId>,
    sent: usize,
}

impl Load {
    fn new(kafka: &ClientSettings) -> Result<Self> {
        let producer: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", &kafka.bootstrap)
            .set("linger.ms", "5")
            .set("batch.num.messages", "10000")
            .set("queue.buffering.max.messages", "2000000")
            .set("queue.buffering.max.kbytes", "2097151")
            .create()
            .context("the ingest load's producer")?;
        Ok(Self {
            producer,
            // 1,000 subjects: a tenth of the platform's cap, a realistic fleet.
            ids: (0..1000).map(|i| load::sidecar_id("bench", i)).collect(),
            sent: 0,
        })
    }

    /// Queues one snapshot of the next sidecar (or of marker `partition`).
    fn send(&mut self, marker: Option<(i32, u32)>) -> Result<()> {
        let (id, partition, rate) = match marker {
            Some((p, value)) => (load::sidecar_id("bench-end", p as usize), Some(p), value),
            None => (self.ids[self.sent % self.ids.len()].clone(), None, 10),
        };
        let ts = now_ms();
        let key = id.to_string();
        let payload = encode(&load::snapshot(id, ts, rate))?;
        load::queue(
            &self.producer,
            topics::SIGNALS.name,
            &key,
            ts,
            &payload,
            partition,
        );
        self.producer.poll(Duration::ZERO);
        self.sent += usize::from(marker.is_none());
        Ok(())
    }

    fn markers(&mut self, value: u32) -> Result<()> {
        for p in 0..MARKERS {
            self.send(Some((p, value)))?;
        }
        self.producer
            .flush(Duration::from_secs(60))
            .context("flushing the ingest load")
    }
}

/// Waits until every marker sidecar shows `value` as its target rate.
async fn markers_seen(server: &Server, value: u32) -> Result<Instant> {
    let deadline = Instant::now() + GIVE_UP;
    loop {
        let rows = server.get("/api/sidecars").await?;
        let seen = rows
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| {
                r["sidecarId"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("bench-end-"))
            })
            .filter(|r| r["targetRate"] == Value::from(value))
            .count();
        if seen == MARKERS as usize {
            return Ok(Instant::now());
        }
        if Instant::now() > deadline {
            bail!(
                "not caught up {GIVE_UP:?} later (markers {seen} of {MARKERS}): behind by more than the embedded cluster retains, the platform's consumer skipped to the newest records"
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn on_cluster(
    plan: &Plan,
    kafka: &ClientSettings,
    pinned: bool,
    artifacts: &std::path::Path,
    report: &mut Report,
) -> Result<()> {
    let args = ["--env", "external", "--bootstrap", kafka.bootstrap.as_str()];
    let log = artifacts.join("bench-ingest-server.log");
    let server = if pinned {
        Server::start_pinned("1", &args, &log).await?
    } else {
        Server::start(&args, true, &log).await?
    };
    let pid = server.pid();
    // The markers register first (their snapshots must land on known sidecars).
    let publisher = faultline_kafka::Publisher::new(kafka)?;
    for p in 0..MARKERS {
        let id = load::sidecar_id("bench-end", p as usize);
        publisher
            .send(
                topics::SIDECARS.name,
                id.as_str(),
                now_ms(),
                &load::registration(id.clone(), now_ms()),
            )
            .await?;
    }
    pipeline_figures(plan, &server, &kafka.bootstrap, report).await?;
    let mut load = Load::new(kafka)?;
    let mut marker = 1;
    load.markers(marker)?;
    markers_seen(&server, marker)
        .await
        .context("the markers never showed")?;

    section(&format!(
        "ingest: {} bursts of {}",
        plan.ingest_bursts, BURST
    ));
    let (mut rates, mut floors, mut busy) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.ingest_bursts {
        let cpu_before = cpu_seconds(pid);
        let started = Instant::now();
        for _ in 0..BURST {
            load.send(None)?;
        }
        marker += 1;
        load.markers(marker)?;
        let done = markers_seen(&server, marker).await?;
        let took = done.duration_since(started).as_secs_f64();
        rates.push(BURST as f64 / took);
        busy.extend(
            cpu_before
                .zip(cpu_seconds(pid))
                .map(|(a, b)| (b - a) / took * 100.0),
        );
        // The same records, read by a raw consumer on the core the server used.
        floors.push(raw_floor(&kafka.bootstrap, BURST, pinned)?);
    }
    let floor = Summary::of(&floors);
    report.figures.push(
        Figure::new(
            "ingest/burst",
            ENV,
            &format!(
                "signals/s ingested from a burst of {BURST} (server on {}, {:.0} % of a core busy)",
                if pinned {
                    "one pinned core"
                } else {
                    "unpinned cores"
                },
                Summary::of(&busy).map_or(0.0, |b| b.median)
            ),
            Unit::PerS,
            rates,
        )
        .floor(floor.map(|f| Floor {
            median: f.median,
            p95: f.p95,
            what: "a raw consumer reading the same records on the same core".into(),
        }))
        .target(Target::median_at_least("≥ 50,000/s", 50_000.0))
        .waits_on("decode → judgement (detectors per subject) → state → bus"),
    );

    let mut rows = Vec::new();
    for &rate in &plan.ingest_rates {
        section(&format!(
            "ingest: offered {rate}/s for {:?}",
            plan.ingest_step
        ));
        let sampler = RssSampler::start(pid);
        let cpu_before = cpu_seconds(pid);
        let started = Instant::now();
        let mut sent = 0usize;
        while started.elapsed() < plan.ingest_step {
            let due = (started.elapsed().as_secs_f64() * f64::from(rate)) as usize;
            while sent < due {
                load.send(None)?;
                sent += 1;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        marker += 1;
        load.markers(marker)?;
        let outcome = markers_seen(&server, marker).await;
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_before
            .zip(cpu_seconds(pid))
            .map(|(a, b)| (b - a) / wall);
        let rss_max = sampler.samples().into_iter().fold(0.0, f64::max);
        drop(sampler);
        let health = server.get("/api/health").await.unwrap_or(Value::Null);
        let step = plan.ingest_step.as_secs_f64();
        let (achieved, late, behind) = match &outcome {
            Ok(done) => {
                let took = done.duration_since(started).as_secs_f64();
                let late = (took - step).max(0.0);
                // Records still waiting when the offered load stopped, against what the
                // embedded cluster retains (3 partitions × about 12,000).
                let backlog = late * sent as f64 / step;
                let note = if backlog > (BURST as f64) {
                    " (past the embedded cluster's retention: records skipped)"
                } else {
                    ""
                };
                (
                    format!("{:.0}/s", sent as f64 / took.max(step)),
                    format!("{:.0} ms{note}", late * 1000.0),
                    late > step * 0.1,
                )
            }
            Err(error) => ("—".into(), format!("{error:#}"), true),
        };
        rows.push(vec![
            format!("{rate}/s"),
            format!("{:.0}/s", sent as f64 / step),
            achieved,
            late,
            cpu.map_or("—".into(), |c| format!("{:.0} %", c * 100.0)),
            format!("{rss_max:.1} MiB"),
            health["rejected"]["total"].to_string(),
        ]);
        // The rate where it falls behind is found; a higher one says nothing more.
        if behind {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_mib(pid).map_or("—".into(), |m| format!("{m:.1} MiB"));
    report.tables.push(Table {
        title: format!(
            "Ingest at offered rates (server {}; RSS 3 s after the last step: {after})",
            if pinned {
                "pinned to CPU 1"
            } else {
                "unpinned"
            }
        ),
        columns: [
            "offered",
            "sent",
            "ingested",
            "marker late by",
            "CPU (one core = 100 %)",
            "RSS max",
            "rejected",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    server.stop().await;
    Ok(())
}

/// Records/s a raw consumer reads `count` records of the signals topic from the start,
/// on CPU 1 when pinned (a helper process: `faultline-bench raw-read`).
fn raw_floor(bootstrap: &str, count: usize, pinned: bool) -> Result<f64> {
    let bench = sibling("faultline-bench")?;
    let mut command = if pinned {
        let mut c = Command::new("taskset");
        c.args(["-c", "1"]).arg(bench);
        c
    } else {
        Command::new(bench)
    };
    let output = command
        .args([
            "raw-read",
            "--bootstrap",
            bootstrap,
            "--count",
            &count.to_string(),
        ])
        .output()
        .context("faultline-bench raw-read")?;
    if !output.status.success() {
        bail!(
            "raw-read failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .context("raw-read printed no rate")
}

async fn pipeline_figures(
    plan: &Plan,
    server: &Server,
    bootstrap: &str,
    report: &mut Report,
) -> Result<()> {
    let env = ENV;
    let mut rows = Vec::new();
    for &rate in &plan.pipeline_rates {
        section(&format!("{env}: signal pipeline at {rate}/s"));
        let measured = pipeline::measure(
            server,
            bootstrap,
            rate,
            plan.pipeline_warm_up,
            plan.pipeline_window,
        )
        .await?;
        let floor = Summary::of(&measured.to_consumer).map(|s| Floor {
            median: s.median,
            p95: s.p95,
            what: "the same snapshots read by a raw consumer".into(),
        });
        let mut figure = Figure::new(
            &format!("pipeline/{rate}"),
            env,
            &format!("snapshot sent → signal event on a /ws client, at {rate} signals/s"),
            Unit::Ms,
            measured.to_ws.clone(),
        )
        .floor(floor)
        .waits_on("consumer fetch wait ≤ 100 ms; judgement; the bus");
        if rate == 1000 {
            figure = figure
                .target(Target::p95_at_most("≤ 1.2× floor", f64::INFINITY).with_ratio_at_most(1.2));
        }
        report.figures.push(figure);
        rows.push(vec![
            format!("{rate}/s"),
            measured.sent.to_string(),
            measured.to_ws.len().to_string(),
            measured.to_consumer.len().to_string(),
            measured.lagged.to_string(),
            measured.rejected.to_string(),
        ]);
    }
    report.tables.push(Table {
        title: "Signal pipeline: what arrived".into(),
        columns: [
            "rate",
            "sent",
            "on /ws",
            "raw consumer",
            "dropped for the /ws client (lagged)",
            "rejected by the decoder",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    Ok(())
}
