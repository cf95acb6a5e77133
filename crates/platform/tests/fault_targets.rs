//! Fault targets are checked against the environment's inventory before anything is
//! applied: on rehearsal's three embedded brokers, brokers -1, 0, 4 and 99 and unknown
//! producers and consumers are refused with 404 naming what exists, values out of range
//! with 422, and afterwards nothing has changed: no fault listed, every broker up and
//! still answering, the demo producers still writing.

mod common;

use std::time::Duration;

use common::*;
use faultline_kafka::ClientSettings;
use faultline_platform::chaos::FaultTarget;
use faultline_protocol::topics;
use serde_json::{json, Value};

/// Sum of the demo topic's high watermarks, read from every partition: only possible
/// while every broker that leads one answers.
async fn demo_records(kafka: &ClientSettings) -> Option<i64> {
    let consumer =
        faultline_kafka::assigned_consumer(kafka, topics::DEMO.name, rdkafka::Offset::End)
            .await
            .ok()?;
    let marks = faultline_kafka::high_watermarks(&consumer, topics::DEMO.name)
        .await
        .ok()?;
    (marks.len() == topics::DEMO.partitions as usize)
        .then(|| marks.iter().map(|(_, high)| high).sum())
}

/// Every broker is up by the environment's account, answers a metadata request, and the
/// demo producers' records keep arriving on every partition.
async fn cluster_untouched(platform: &impl Served, kafka: &ClientSettings) {
    let status = get_json(platform, "/api/environment").await;
    let brokers = status["brokers"].as_array().cloned().unwrap_or_default();
    assert_eq!(brokers.len(), 3, "{status}");
    assert!(brokers.iter().all(|b| b["state"] == "up"), "{status}");
    assert_eq!(
        faultline_kafka::broker_count(kafka).await.ok(),
        Some(3),
        "a metadata request names three brokers"
    );
    let before = demo_records(kafka)
        .await
        .expect("every partition of the demo topic answers");
    let grew = eventually(Duration::from_secs(30), || async {
        demo_records(kafka).await.filter(|now| *now > before)
    })
    .await;
    assert!(
        grew.is_some(),
        "the demo producers stopped writing (at {before} records)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_naming_what_the_environment_lacks_change_nothing() {
    init_logging();
    let (environment, kafka) =
        rehearsal(&["producer-1", "producer-2"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let ready = eventually(Duration::from_secs(30), || async {
        let active = statuses(&platform)
            .await
            .iter()
            .filter(|(_, s)| s == "ACTIVE")
            .count();
        (active == 2).then_some(())
    })
    .await;
    assert!(ready.is_some(), "the demo sidecars never registered");
    cluster_untouched(&platform, &kafka).await;

    let brokers = "brokers are 1, 2, 3";
    let unknown: Vec<(Value, String)> = vec![
        (
            json!({"kind": "broker-down", "broker": -1, "mode": "kill"}),
            format!("broker -1 does not exist; {brokers}"),
        ),
        (
            json!({"kind": "broker-down", "broker": 0, "mode": "stop"}),
            format!("broker 0 does not exist; {brokers}"),
        ),
        (
            json!({"kind": "partition", "broker": 4}),
            format!("broker 4 does not exist; {brokers}"),
        ),
        (
            json!({"kind": "latency", "broker": 99, "ms": 500}),
            format!("broker 99 does not exist; {brokers}"),
        ),
        (
            json!({"kind": "cpu-stress", "broker": -1, "workers": 2}),
            format!("broker -1 does not exist; {brokers}"),
        ),
        (
            json!({"kind": "producer-rate", "producer": "producer-9", "rate": 50}),
            "producer producer-9 does not exist; producers are producer-1, producer-2".into(),
        ),
        (
            json!({"kind": "consumer-delay", "consumer": "nobody", "ms": 100}),
            "consumer nobody does not exist; consumers are consumer-1".into(),
        ),
    ];
    for (fault, sentence) in unknown {
        let (status, body) = post_json(&platform, "/api/faults", fault.clone()).await;
        assert_eq!(status, 404, "{fault}: {body}");
        assert_eq!(body["error"], sentence.as_str(), "{fault}");
    }

    let out_of_range = [
        json!({"kind": "latency", "broker": 1, "ms": 60_001}),
        json!({"kind": "latency", "broker": 1, "ms": 10, "jitter": 70_000}),
        json!({"kind": "cpu-stress", "broker": 2, "workers": 0}),
        json!({"kind": "consumer-delay", "consumer": "consumer-1", "ms": 120_000}),
        json!({"kind": "producer-rate", "producer": "producer-1", "rate": 2_000_000}),
    ];
    for fault in out_of_range {
        let (status, body) = post_json(&platform, "/api/faults", fault.clone()).await;
        assert_eq!(status, 422, "{fault}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{fault}: {body}"
        );
    }

    // An operator's command with a rate no sidecar accepts is refused before it is sent.
    let (status, body) = post_json(
        &platform,
        "/api/sidecars/producer-1/command",
        json!({"op": "set-rate", "rate": 20_000_000}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("outside 0 to 10000000")),
        "{body}"
    );

    // Behind the inventory, the embedded cluster refuses an id it does not have: the
    // mock would read -1 as "every broker".
    let refused = environment.broker_down(-1).await.unwrap_err();
    assert!(
        refused.contains("no broker -1; its brokers are 1 to 3"),
        "{refused}"
    );

    assert_eq!(get_json(&platform, "/api/faults").await, json!([]));
    for check in environment.verify_clean().await {
        assert!(check.ok, "{check:?}");
    }
    cluster_untouched(&platform, &kafka).await;
    let rows = statuses(&platform).await;
    assert!(rows.iter().all(|(_, s)| s == "ACTIVE"), "{rows:?}");

    platform.stop().await;
    environment.stop().await;
}
