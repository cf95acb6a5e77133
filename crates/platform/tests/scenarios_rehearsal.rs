//! Every built-in scenario end to end on the rehearsal environment, one after another in
//! the same environment (as a presenter would run them): each passes with every
//! expectation met, its stopwatch times recorded, and no fault left behind; and each run's
//! report, PNG and SVG, is drawn from the session recording (written to artifacts/reports/).

mod common;
#[path = "../src/report/checks.rs"]
mod report_checks;

use std::time::Duration;

use common::scenarios::*;
use common::*;
use faultline_platform::report::{self, detection_marker, stopwatch_lines, BAND_HEX};
use faultline_platform::wire::{Action, RunView};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_six_scenarios_pass_on_rehearsal() {
    init_logging();
    let (environment, _kafka) =
        rehearsal(&["producer-1", "producer-2"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let ready = eventually(Duration::from_secs(30), || async {
        let groups = get_json(&platform, "/api/consumer-groups").await;
        let sidecars = statuses(&platform).await;
        (sidecars.len() == 2 && groups.as_array().is_some_and(|g| !g.is_empty())).then_some(())
    })
    .await;
    assert!(
        ready.is_some(),
        "rehearsal never ready: {:?}",
        statuses(&platform).await
    );

    let listed = get_json(&platform, "/api/scenarios").await;
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for id in SCENARIOS {
        assert!(ids.contains(&id), "{id} not listed: {ids:?}");
    }

    let mut failures = Vec::new();
    for id in selected() {
        let run = run_scenario(&platform, id, Duration::from_secs(300)).await;
        eprintln!("{id}: {} stopwatch {}", run["status"], run["stopwatch"]);
        if let Some(problem) = problems(&run) {
            failures.push(format!("{id}: {problem}\n{run:#}"));
        }
        if let Err(problem) = reports_of(&platform, id, &run).await {
            failures.push(format!("{id}'s report: {problem}"));
        }
        let faults = get_json(&platform, "/api/faults").await;
        assert_eq!(faults, Value::Array(vec![]), "{id} left faults behind");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let (status, _, body) = get_bytes(&platform, "/api/runs/run-0-0/report.png").await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));

    platform.stop().await;
    environment.stop().await;
}

/// Fetches the finished `run`'s PNG and SVG reports, checks them (the PNG's size, the SVG's
/// fault band, detection marker and stopwatch) and writes them to artifacts/reports/.
async fn reports_of(platform: &impl Served, id: &str, run: &Value) -> Result<(), String> {
    let view: RunView = serde_json::from_value(run.clone()).map_err(|e| e.to_string())?;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/reports");
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let mut drawn = Vec::new();
    for (file, content_type) in [("report.png", "image/png"), ("report.svg", "image/svg+xml")] {
        let path = format!("/api/runs/{}/{file}", view.run_id);
        let (status, served_as, body) = get_bytes(platform, &path).await;
        if (status, served_as.as_str()) != (200, content_type) {
            return Err(format!(
                "GET {path}: {status} {served_as} {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let extension = &file["report.".len()..];
        std::fs::write(folder.join(format!("{id}.{extension}")), &body)
            .map_err(|e| e.to_string())?;
        drawn.push(body);
    }
    let png = png::Decoder::new(std::io::Cursor::new(&drawn[0]))
        .read_info()
        .map_err(|e| format!("the PNG: {e}"))?;
    let size = (png.info().width, png.info().height);
    if size != (report::WIDTH, report::HEIGHT) {
        return Err(format!("the PNG is {size:?}"));
    }
    let svg = String::from_utf8(drawn.remove(1)).map_err(|e| e.to_string())?;
    // The last fault injected has a band of its own (a ramp's earlier steps share the band of
    // its last, named by it).
    let mut texts: Vec<String> = view
        .steps
        .iter()
        .rfind(|step| step.action == Action::Inject)
        .map(|step| step.description.clone())
        .into_iter()
        .collect();
    texts.extend(detection_marker(&view.stopwatch).map(|(label, _)| label));
    texts.extend(stopwatch_lines(&view.stopwatch));
    report_checks::svg_shows(&svg, (report::WIDTH, report::HEIGHT), BAND_HEX, &texts)
}
