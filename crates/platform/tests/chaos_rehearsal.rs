//! Faults through the API on the rehearsal environment: several at once and "restore all";
//! one scenario at a time; a broken scenario file named with its line while the server
//! keeps serving.

mod common;

use std::time::Duration;

use common::*;
use faultline_platform::environments::REHEARSAL_PRODUCER_RATE;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_all_reverts_every_fault_and_verifies_green() {
    init_logging();
    let (environment, _kafka) =
        rehearsal(&["producer-1", "producer-2"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let ready = eventually(Duration::from_secs(20), || async {
        (statuses(&platform).await.len() == 2).then_some(())
    })
    .await;
    assert!(ready.is_some());

    let faults = [
        json!({"kind": "broker-down", "broker": 3, "mode": "kill"}),
        json!({"kind": "latency", "broker": 1, "ms": 300}),
        json!({"kind": "producer-rate", "producer": "producer-2", "rate": 3000}),
        json!({"kind": "consumer-delay", "consumer": "consumer-1", "ms": 200}),
    ];
    for fault in &faults {
        let (status, body) = post_json(&platform, "/api/faults", fault.clone()).await;
        assert_eq!(status, 201, "{fault}: {body}");
    }
    let active = get_json(&platform, "/api/faults").await;
    assert_eq!(active.as_array().map(Vec::len), Some(4), "{active}");
    let down = eventually(Duration::from_secs(10), || async {
        let status = get_json(&platform, "/api/environment").await;
        (status["brokers"][2]["state"] == "down").then_some(())
    })
    .await;
    assert!(down.is_some(), "broker 3 never reported down");

    // A fault this environment cannot do is refused with a reason, and nothing is recorded.
    let (status, body) = post_json(
        &platform,
        "/api/faults",
        json!({"kind": "bandwidth", "broker": 1, "kbps": 10}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot inject"),
        "{body}"
    );
    let (status, body) = post_json(
        &platform,
        "/api/faults",
        json!({"kind": "latency", "broker": 1}),
    )
    .await;
    assert!(
        status == 400 || status == 422,
        "a fault without ms: {status} {body}"
    );

    let (status, report) = post_json(&platform, "/api/faults/restore", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(
        report["reverted"].as_array().map(Vec::len),
        Some(4),
        "{report:#}"
    );
    assert_eq!(report["failed"], json!([]), "{report:#}");
    assert_eq!(report["green"], true, "{report:#}");
    assert_eq!(get_json(&platform, "/api/faults").await, json!([]));
    let status = get_json(&platform, "/api/environment").await;
    assert!(
        status["brokers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["state"] == "up"),
        "{status}"
    );
    let rows = get_json(&platform, "/api/sidecars").await;
    let producer_2 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sidecarId"] == "producer-2")
        .cloned()
        .unwrap();
    let restored = eventually(Duration::from_secs(10), || async {
        let rows = get_json(&platform, "/api/sidecars").await;
        rows.as_array()?
            .iter()
            .find(|r| r["sidecarId"] == "producer-2" && r["targetRate"] == REHEARSAL_PRODUCER_RATE)
            .map(|_| ())
    })
    .await;
    assert!(
        restored.is_some(),
        "producer-2's rate not restored: {producer_2}"
    );

    platform.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_scenario_at_a_time_and_broken_files_are_named() {
    init_logging();
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().to_path_buf();
    std::fs::write(
        dir.join("my-broken.toml"),
        "id = \"mine\"\ntitle = \"Mine\"\nsummary = \"x\"\nenvironments = [\"rehearsal\"]\n\n[[step]]\nat = \"soon\"\n",
    )
    .unwrap();
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    let platform = start_platform_with(environment.clone(), Some(dir.clone())).await;

    let errors = get_json(&platform, "/api/scenarios/errors").await;
    let first = errors[0]["file"].as_str().unwrap_or_default().to_owned();
    assert!(first.ends_with("my-broken.toml"), "{errors}");
    assert_eq!(errors[0]["line"], 7, "{errors}");
    let health = get_json(&platform, "/api/health").await;
    assert!(
        health["scenarioErrors"][0]
            .as_str()
            .unwrap_or_default()
            .contains("my-broken.toml: line 7"),
        "{health}"
    );
    assert_eq!(
        get_json(&platform, "/api/scenarios")
            .await
            .as_array()
            .map(Vec::len),
        Some(6)
    );

    let (status, body) = post_json(&platform, "/api/scenarios/consumer-lag/run", Value::Null).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) =
        post_json(&platform, "/api/scenarios/broker-failure/run", Value::Null).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("consumer-lag is running"),
        "{body}"
    );
    let (status, _) = post_json(&platform, "/api/scenarios/no-such-thing/run", Value::Null).await;
    assert_eq!(status, 404);

    platform.stop().await;
    environment.stop().await;
}
