//! Hostile and broken records on every Faultline topic are counted and skipped; the
//! platform keeps serving and keeps reading what comes after them.

mod common;

use std::time::Duration;

use common::*;
use faultline_protocol::topics;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::json;

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// A message of the topic's kind that is valid but for its version or id.
fn shaped(topic: &str, v: u32, source: &str) -> serde_json::Value {
    match topic {
        t if t == topics::SIDECARS.name => json!({
            "v": v, "kind": "registration", "source": source, "ts": 1, "sidecarType": "producer",
            "workload": "w", "jmxEndpoint": null, "host": "h", "version": "1", "capabilities": [],
            "heartbeatIntervalMs": 2000
        }),
        t if t == topics::SPEECH_ACTS.name => json!({
            "v": v, "kind": "speech-act", "source": source, "ts": 1, "act": "REPORT",
            "about": "OBSERVATION", "text": "hello", "inReplyTo": null
        }),
        t if t == topics::SIGNALS.name => json!({
            "v": v, "kind": "signal", "source": source, "ts": 1, "probe": "x", "producer": null
        }),
        _ => json!({
            "v": v, "kind": "response", "source": source, "ts": 1, "target": "producer-1",
            "responseId": "r", "inReplyTo": null, "act": "EXPLAIN", "text": "t", "command": null
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_unknown_version_and_hostile_ids_are_counted_and_skipped() {
    init_logging();
    let heartbeat = Duration::from_secs(1);
    let (environment, kafka) = rehearsal(&[], heartbeat).await;
    let steady = spawn_sidecar(&kafka, "steady", heartbeat);
    let platform = start_platform(environment.clone()).await;
    let replayed = eventually(Duration::from_secs(10), || async {
        let health = get_json(&platform, "/api/health").await;
        (health["discovery"]["replayed"] == true && statuses(&platform).await.len() == 1)
            .then_some(())
    })
    .await;
    assert!(replayed.is_some(), "platform never ready");

    let producer: FutureProducer = kafka
        .client_config()
        .set("message.max.bytes", "4000000")
        .create()
        .expect("raw producer");
    let one_mib = vec![b'x'; 1024 * 1024];
    let names = [
        topics::SIDECARS.name,
        topics::SPEECH_ACTS.name,
        topics::SIGNALS.name,
        topics::RESPONSES.name,
    ];
    for topic in names {
        let malformed = b"{\"v\":1,\"kind\":".to_vec();
        let unknown_version = shaped(topic, 99, "producer-9").to_string().into_bytes();
        let hostile = shaped(topic, 1, HOSTILE).to_string().into_bytes();
        for payload in [&malformed, &one_mib, &unknown_version, &hostile] {
            producer
                .send(
                    FutureRecord::<str, Vec<u8>>::to(topic).payload(payload),
                    Duration::from_secs(10),
                )
                .await
                .unwrap_or_else(|(e, _)| panic!("cannot produce to {topic}: {e}"));
        }
    }

    let counted = eventually(Duration::from_secs(20), || async {
        let health = get_json(&platform, "/api/health").await;
        let by_topic = &health["rejected"]["byTopic"];
        names
            .iter()
            .all(|t| {
                ["malformed", "oversize", "unsupported-version", "bad-id"]
                    .iter()
                    .all(|r| by_topic[t][r] == 1)
            })
            .then_some(health)
    })
    .await;
    let Some(health) = counted else {
        panic!(
            "rejections not counted per topic and reason: {}",
            get_json(&platform, "/api/health").await
        );
    };
    assert_eq!(health["rejected"]["total"], 16, "{health}");

    // Still serving, still reading: a sidecar that registers after the bad records is found,
    // and nothing hostile made it into the registry.
    let late = spawn_sidecar(&kafka, "late-comer", heartbeat);
    let found = eventually(Duration::from_secs(10), || async {
        let rows = statuses(&platform).await;
        rows.contains(&("late-comer".into(), "ACTIVE".into()))
            .then_some(rows)
    })
    .await
    .expect("a sidecar registering after the bad records is still discovered");
    assert!(
        found.contains(&("steady".into(), "ACTIVE".into())),
        "{found:?}"
    );
    assert!(found.iter().all(|(id, _)| id != HOSTILE), "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");

    platform.stop().await;
    late.stop().await;
    steady.stop().await;
    environment.stop().await;
}
