//! The desktop app: launch → first painted launch panel, and its memory idle and during a
//! scenario, from `bench/desktop-start.mjs` (tauri-driver and WebKitWebDriver under Xvfb,
//! the app built in this target folder). No floor: nothing else paints this window.

use std::path::Path;

use anyhow::{bail, Result};
use serde_json::Value;

use crate::node;
use crate::report::{Figure, Report, StepTime, Target, Unit};
use crate::stats::Summary;
use crate::Plan;

const ENV: &str = "desktop";

/// Launches the app `plan.desktop_runs` times; the first also runs `plan.desktop_scenario`
/// on rehearsal for the app's memory during a scenario.
pub fn measure(repo: &Path, plan: &Plan, report: &mut Report) -> Result<()> {
    let app = repo.join("target").join(crate::BUILD).join("faultline");
    if !app.exists() {
        bail!(
            "the desktop app is not built at {} (make deb builds the release one)",
            app.display()
        );
    }
    let runs = plan.desktop_runs.to_string();
    let app_path = app.to_string_lossy();
    let mut args = vec!["--app", &app_path, "--runs", &runs];
    if let Some(scenario) = plan.desktop_scenario {
        args.extend(["--scenario", scenario]);
    }
    let result = node::run(repo, "desktop-start.mjs", &args, true)?;
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
    // Every sample the first run took while the scenario ran, in one figure each.
    let during = |key: &str| -> Vec<f64> {
        result["runs"][0][key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_f64)
            .collect()
    };
    if let Some(scenario) = plan.desktop_scenario {
        report.figures.push(
            Figure::new(
                "memory/desktop/app-rss-scenario",
                ENV,
                &format!("the app process's RSS while {scenario} ran on rehearsal (sampled every 500 ms)"),
                Unit::MiB,
                during("scenarioRssMiB"),
            )
            .waits_on("the platform, the embedded cluster and the demo workloads run in the app"),
        );
        report.figures.push(Figure::new(
            "memory/desktop/tree-pss-scenario",
            ENV,
            &format!("PSS of the app and its WebKit processes while {scenario} ran"),
            Unit::MiB,
            during("scenarioPssTreeMiB"),
        ));
    }
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
