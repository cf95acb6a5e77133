//! The desktop app: launch → first painted launch panel, and its memory idle, from
//! `bench/desktop-start.mjs` (tauri-driver and WebKitWebDriver under Xvfb, the app built
//! in this target folder). No floor: nothing else paints this window.

use std::path::Path;

use anyhow::{bail, Result};

use crate::node;
use crate::report::{Figure, Report, StepTime, Target, Unit};
use crate::stats::Summary;

const ENV: &str = "desktop";

pub fn measure(repo: &Path, runs: usize, report: &mut Report) -> Result<()> {
    let app = repo.join("target").join(crate::BUILD).join("faultline");
    if !app.exists() {
        bail!(
            "the desktop app is not built at {} (make deb builds the release one)",
            app.display()
        );
    }
    let runs = runs.to_string();
    let app_path = app.to_string_lossy();
    let result = node::run(
        repo,
        "desktop-start.mjs",
        &["--app", &app_path, "--runs", &runs],
        true,
    )?;
    let column = |key: &str| -> Vec<f64> {
        result["runs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|run| run[key].as_f64())
            .collect()
    };
    report.figures.push(
        Figure::new(
            "startup/desktop/painted",
            ENV,
            "app process started → launch panel painted",
            Unit::Ms,
            column("launchToPaintedMs"),
        )
        .waits_on("GTK and WebKitGTK start (the web process), then the page's first frame"),
    );
    report.figures.push(
        Figure::new(
            "memory/desktop/app-rss",
            ENV,
            "the app process's RSS on the launch panel, idle 5 s",
            Unit::MiB,
            column("rssMiB"),
        )
        .target(Target::p95_at_most(
            "≤ 80 MB",
            80.0 * 1_000_000.0 / 1_048_576.0,
        ))
        .waits_on("WebKitGTK's web and network processes are apart, see the PSS row"),
    );
    report.figures.push(Figure::new(
        "memory/desktop/tree-pss",
        ENV,
        "PSS of the app and its WebKit processes, idle 5 s",
        Unit::MiB,
        column("pssTreeMiB"),
    ));
    for (key, step) in [
        (
            "launchToTimeOriginMs",
            "process started → the page begins loading",
        ),
        (
            "timeOriginToPaintedMs",
            "the page begins loading → launch panel painted",
        ),
    ] {
        report.startup_steps.push(StepTime {
            env: ENV.into(),
            step: step.into(),
            summary: Summary::of(&column(key)),
        });
    }
    Ok(())
}
