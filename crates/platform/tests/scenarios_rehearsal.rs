//! Every built-in scenario end to end on the rehearsal environment, one after another in
//! the same environment (as a presenter would run them): each passes with every
//! expectation met, its stopwatch times recorded, and no fault left behind.

mod common;

use std::time::Duration;

use common::scenarios::*;
use common::*;
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
        let faults = get_json(&platform, "/api/faults").await;
        assert_eq!(faults, Value::Array(vec![]), "{id} left faults behind");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    platform.stop().await;
    environment.stop().await;
}
