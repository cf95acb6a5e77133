//! The dashboard's frame figures, from `bench/dashboard-frames.mjs --json` (headless
//! Chromium against the dev fake platform), folded into the run's table. Floor: one frame
//! at 60 Hz.

use std::path::Path;

use anyhow::{bail, Result};

use crate::node;
use crate::report::{Figure, Floor, Unit};

/// One frame at 60 Hz, ms: no page draws more often.
const FRAME_MS: f64 = 1000.0 / 60.0;

/// Runs the script for `rates` (events/s) for `seconds` each; one p95 frame-interval
/// figure and one fps figure per rate.
pub fn measure(repo: &Path, rates: &[u32], seconds: f64) -> Result<Vec<Figure>> {
    let rates: Vec<String> = rates.iter().map(u32::to_string).collect();
    let seconds = seconds.to_string();
    let result = node::run(
        repo,
        "dashboard-frames.mjs",
        &["--rate", &rates.join(","), "--seconds", &seconds, "--json"],
        false,
    )?;
    let mut figures = Vec::new();
    for row in result["rows"].as_array().into_iter().flatten() {
        let rate = row["rate"].as_u64().unwrap_or(0);
        if let Some(error) = row["error"].as_str() {
            bail!("dashboard frames at {rate} events/s: {error}");
        }
        let floor = Some(Floor {
            median: FRAME_MS,
            p95: FRAME_MS,
            what: "one frame at 60 Hz".into(),
        });
        // The script reports its own percentiles of the frame intervals; each is one
        // sample here.
        let p95 = row["p95Ms"].as_f64().unwrap_or(f64::NAN);
        figures.push(
            Figure::new(
                &format!("dashboard/{rate}/frame-p95"),
                "browser",
                &format!(
                    "p95 frame interval at {rate} events/s ({} events applied)",
                    row["applied"]
                ),
                Unit::Ms,
                vec![p95],
            )
            .floor(floor)
            .waits_on("requestAnimationFrame; charts redraw ≤ 5/s (ui/js/view/charts.js)"),
        );
        figures.push(Figure::new(
            &format!("dashboard/{rate}/fps"),
            "browser",
            &format!("frames per second at {rate} events/s"),
            Unit::Fps,
            vec![row["fps"].as_f64().unwrap_or(f64::NAN)],
        ));
    }
    Ok(figures)
}
