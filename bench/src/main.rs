//! `faultline-bench`: every figure of docs/benchmarks.md beside its floor, measured in one
//! run against the shipped `faultline-server`, printed as a Markdown table and written as
//! JSON. Run it through `bench/run`, which builds what it needs.

mod desktop;
mod detection;
mod environment;
mod events;
mod floor;
mod frames;
mod green;
mod ingest;
mod load;
mod machine;
mod node;
mod pipeline;
mod raw_read;
mod replay;
mod report;
mod rss;
mod server;
mod session;
mod sizes;
mod stats;
mod waits;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;

use crate::machine::Machine;
use crate::report::{Report, Skipped};

#[derive(Parser, Debug)]
#[command(
    about = "Faultline's figures beside their floors, measured in one run (docs/benchmarks.md)"
)]
struct Args {
    /// Fewer repetitions and shorter windows: every figure in under 10 minutes.
    #[arg(long)]
    quick: bool,
    /// Only check that every section runs and the table prints (CI, debug build): one
    /// repetition, one scenario, second-long windows. Its figures are not comparable.
    #[arg(long)]
    smoke: bool,
    /// Environments to measure, comma-separated (rehearsal, local, docker). Default:
    /// rehearsal and local; with --smoke, rehearsal.
    #[arg(long, value_delimiter = ',')]
    env: Option<Vec<String>>,
    /// Sections to run, comma-separated: environments (the --env ones), ingest, replay,
    /// desktop, frames.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "environments,ingest,replay,desktop,frames"
    )]
    only: Vec<String>,
    /// Only these scenarios' detection probes, comma-separated ids (default: every one
    /// that lists the environment; smoke: broker-failure).
    #[arg(long, value_delimiter = ',')]
    scenarios: Option<Vec<String>>,
    /// Where to write the JSON (a Markdown copy goes beside it, `.md`). Default:
    /// bench/results/latest.json, or artifacts/bench-smoke.json with --smoke.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(subcommand)]
    helper: Option<Helper>,
}

/// Helpers the bench runs as processes of their own (pinned to a core).
#[derive(clap::Subcommand, Debug)]
enum Helper {
    /// Reads COUNT records of the signals topic from its start and prints records/s.
    #[command(hide = true)]
    RawRead {
        #[arg(long)]
        bootstrap: String,
        #[arg(long)]
        count: usize,
    },
}

/// The cargo profile this bench was built with, and so the target folder it reads.
pub const BUILD: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// How much of everything a mode measures.
pub struct Plan {
    pub mode: &'static str,
    pub startup_reps: usize,
    pub probe_reps: usize,
    /// Only these scenarios (smoke: one), or all that list the environment.
    pub scenarios: Option<Vec<String>>,
    pub floor_samples: usize,
    pub pipeline_rates: Vec<u32>,
    pub pipeline_warm_up: Duration,
    pub pipeline_window: Duration,
    pub frame_rates: Vec<u32>,
    pub frame_seconds: f64,
    /// How many bursts the ingest rate is measured on.
    pub ingest_bursts: usize,
    /// Offered rates for the ingest steps, signals/s, and how long each is held.
    pub ingest_rates: Vec<u32>,
    pub ingest_step: Duration,
    /// Registrations on the topic for each replay figure (growing, on one topic).
    pub replay_sizes: Vec<usize>,
    pub replay_reps: usize,
    /// Real Apache Kafka (needs the local stack's cache), or the embedded cluster.
    pub replay_on_real_kafka: bool,
    /// Launches of the desktop app.
    pub desktop_runs: usize,
    /// The scenario the first launch runs on rehearsal for the app's memory during one
    /// (smoke: none, it would add the scenario's minute to CI).
    pub desktop_scenario: Option<&'static str>,
}

impl Plan {
    fn of(args: &Args) -> Self {
        let mut plan = Self::of_mode(args);
        if let Some(only) = &args.scenarios {
            plan.scenarios = Some(only.clone());
        }
        plan
    }

    fn of_mode(args: &Args) -> Self {
        let second = Duration::from_secs(1);
        if args.smoke {
            Self {
                mode: "smoke",
                startup_reps: 1,
                probe_reps: 1,
                scenarios: Some(vec!["broker-failure".into()]),
                floor_samples: 5,
                pipeline_rates: vec![1000],
                pipeline_warm_up: second,
                pipeline_window: second,
                frame_rates: vec![1000],
                frame_seconds: 1.0,
                ingest_bursts: 1,
                ingest_rates: vec![10_000],
                ingest_step: 2 * second,
                replay_sizes: vec![10, 1000],
                replay_reps: 1,
                replay_on_real_kafka: false,
                desktop_runs: 1,
                desktop_scenario: None,
            }
        } else if args.quick {
            Self {
                mode: "quick",
                startup_reps: 3,
                probe_reps: 1,
                scenarios: None,
                floor_samples: 20,
                pipeline_rates: vec![1000, 10_000],
                pipeline_warm_up: 2 * second,
                pipeline_window: 5 * second,
                frame_rates: vec![1000, 3000],
                frame_seconds: 2.0,
                ingest_bursts: 5,
                ingest_rates: vec![25_000, 50_000, 100_000, 200_000, 400_000],
                ingest_step: 4 * second,
                replay_sizes: vec![10, 1000, 10_000, 100_000],
                replay_reps: 1,
                replay_on_real_kafka: true,
                desktop_runs: 3,
                desktop_scenario: Some("buffer-overflow"),
            }
        } else {
            Self {
                mode: "full",
                startup_reps: 10,
                probe_reps: 5,
                scenarios: None,
                floor_samples: 50,
                pipeline_rates: vec![1000, 10_000],
                pipeline_warm_up: 3 * second,
                pipeline_window: 20 * second,
                frame_rates: vec![100, 1000, 3000],
                frame_seconds: 5.0,
                ingest_bursts: 20,
                ingest_rates: vec![10_000, 25_000, 50_000, 100_000, 200_000, 400_000],
                ingest_step: 10 * second,
                replay_sizes: vec![10, 1000, 10_000, 100_000],
                replay_reps: 5,
                replay_on_real_kafka: true,
                desktop_runs: 5,
                desktop_scenario: Some("buffer-overflow"),
            }
        }
    }
}

/// The repository the bench was built from (for `bench/dashboard-frames.mjs`, the target
/// folder and `artifacts/`): the bench is a developer's tool, run from a clone.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Some(Helper::RawRead { bootstrap, count }) = &args.helper {
        match raw_read::run(bootstrap, *count).await {
            Ok(rate) => println!("{rate}"),
            Err(error) => {
                eprintln!("faultline-bench raw-read: {error:#}");
                std::process::exit(2);
            }
        }
        return;
    }
    match run(&args).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(error) => {
            eprintln!("faultline-bench: {error:#}");
            std::process::exit(2);
        }
    }
}

/// Runs every section; Ok(false) when a section failed (its error is in the table's
/// "not measured" list and on stderr).
async fn run(args: &Args) -> Result<bool> {
    check(args)?;
    let plan = Plan::of(args);
    let repo = repo();
    let artifacts = repo.join("artifacts");
    std::fs::create_dir_all(&artifacts).context("cannot create artifacts/")?;
    let started = Instant::now();
    let mut machine = Machine::now();
    let mut report = Report {
        schema: 1,
        mode: plan.mode.into(),
        build: BUILD.into(),
        machine: machine.clone(),
        duration_s: 0.0,
        figures: Vec::new(),
        startup_steps: Vec::new(),
        tables: Vec::new(),
        skipped: Vec::new(),
    };
    let mut failed = false;
    let wanted = |section: &str| args.only.iter().any(|s| s == section);
    let default_envs = if args.smoke {
        vec!["rehearsal".to_owned()]
    } else {
        vec!["rehearsal".to_owned(), "local".to_owned()]
    };
    let envs = match (&args.env, wanted("environments")) {
        (_, false) => Vec::new(),
        (Some(chosen), true) => chosen.clone(),
        (None, true) => default_envs,
    };
    for env in &envs {
        let outcome = match env.as_str() {
            "rehearsal" => {
                environment::measure(&plan, session::rehearsal(), &artifacts, &mut report).await
            }
            "local" => environment::measure(&plan, session::local(), &artifacts, &mut report).await,
            "docker" => {
                environment::measure(&plan, session::docker(), &artifacts, &mut report).await
            }
            other => Err(anyhow::anyhow!("there is no environment {other:?}")),
        };
        failed |= !noted(&mut report, &format!("{env}/*"), outcome);
    }
    if wanted("ingest") {
        let outcome = ingest::measure(&plan, &artifacts, &mut report).await;
        failed |= !noted(&mut report, "ingest/*", outcome);
    }
    if wanted("replay") {
        let outcome = replay::measure(&plan, &artifacts, &mut report).await;
        failed |= !noted(&mut report, "replay/*", outcome);
    }
    if wanted("desktop") {
        section("desktop app: launch → painted");
        let outcome = desktop::measure(&repo, &plan, &mut report);
        failed |= !noted(&mut report, "desktop/*", outcome);
    }
    if wanted("frames") {
        section("dashboard frames");
        let outcome = frames::measure(&repo, &plan.frame_rates, plan.frame_seconds)
            .map(|figures| report.figures.extend(figures));
        failed |= !noted(&mut report, "dashboard/*", outcome);
    }
    let (sizes, missing) = sizes::measure(&repo.join("target"));
    report.figures.extend(sizes);
    report.skipped.extend(missing);
    machine.finish();
    report.machine = machine;
    report.duration_s = started.elapsed().as_secs_f64();
    let markdown = report.markdown();
    println!("{markdown}");
    let out = args.out.clone().unwrap_or_else(|| {
        if args.smoke {
            artifacts.join("bench-smoke.json")
        } else {
            repo.join("bench/results/latest.json")
        }
    });
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    std::fs::write(out.with_extension("md"), &markdown)
        .with_context(|| format!("cannot write {}", out.with_extension("md").display()))?;
    eprintln!("faultline-bench: written {} and its .md", out.display());
    Ok(!failed)
}

/// Refuses sections, environments and scenarios that do not exist, before anything runs.
fn check(args: &Args) -> Result<()> {
    const SECTIONS: [&str; 5] = ["environments", "ingest", "replay", "desktop", "frames"];
    const ENVIRONMENTS: [&str; 3] = ["rehearsal", "local", "docker"];
    if let Some(unknown) = args.only.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
        anyhow::bail!(
            "--only {unknown:?}: the sections are {}",
            SECTIONS.join(", ")
        );
    }
    if let Some(unknown) = args
        .env
        .iter()
        .flatten()
        .find(|e| !ENVIRONMENTS.contains(&e.as_str()))
    {
        anyhow::bail!(
            "--env {unknown:?}: the environments are {}",
            ENVIRONMENTS.join(", ")
        );
    }
    let library = faultline_platform::scenarios::Library::load(None);
    if let Some(unknown) = args
        .scenarios
        .iter()
        .flatten()
        .find(|id| !library.scenarios.contains_key(*id))
    {
        let known: Vec<&str> = library.scenarios.keys().map(String::as_str).collect();
        anyhow::bail!(
            "--scenarios {unknown:?}: the scenarios are {}",
            known.join(", ")
        );
    }
    Ok(())
}

/// True when a section ran; else its error goes on stderr and in the table's "not
/// measured" list under `id`.
fn noted(report: &mut Report, id: &str, outcome: Result<()>) -> bool {
    let Err(error) = outcome else { return true };
    eprintln!("faultline-bench: {id}: {error:#}");
    report.skipped.push(Skipped {
        id: id.into(),
        reason: format!("failed: {error:#}"),
    });
    false
}

/// Says on stderr which section runs (the table comes at the end).
pub fn section(name: &str) {
    eprintln!("faultline-bench: {name}…");
}
