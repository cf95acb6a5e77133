//! The self-healing loop end to end on the rehearsal cluster: a producer's burst fills its
//! buffer, the platform judges it DEGRADED, the sidecar asks for help, the platform
//! throttles it, it drains to STABLE and its rate is restored — all visible on `/ws`.

mod common;

use std::time::Duration;

use common::*;
use faultline_platform::environments::REHEARSAL_PRODUCER_RATE;
use serde_json::Value;

/// Steps of the loop, each matched against the event stream in order.
const STEPS: &[(&str, fn(&Value) -> bool)] = &[
    ("sign OVERFLOW", |e| {
        e["type"] == "sign" && e["sign"] == "OVERFLOW"
    }),
    ("condition DEGRADED", |e| {
        e["type"] == "condition" && e["condition"] == "DEGRADED"
    }),
    ("REQUEST", |e| {
        e["type"] == "speech-act" && e["act"] == "REQUEST" && e["request"] == "THROTTLE"
    }),
    ("ACKNOWLEDGE", |e| {
        e["type"] == "response" && e["act"] == "ACKNOWLEDGE"
    }),
    ("PROMISE", |e| {
        e["type"] == "response" && e["act"] == "PROMISE"
    }),
    ("COMMAND throttle", |e| {
        e["type"] == "response" && e["act"] == "COMMAND" && e["command"]["op"] == "throttle"
    }),
    ("DELIVER", |e| {
        e["type"] == "response" && e["act"] == "DELIVER"
    }),
    ("condition STABLE", |e| {
        e["type"] == "condition" && e["condition"] == "STABLE"
    }),
    ("COMMAND resume", |e| {
        e["type"] == "response" && e["act"] == "COMMAND" && e["command"]["op"] == "resume"
    }),
    ("episode healed", |e| {
        e["type"] == "episode" && e["outcome"] == "healed"
    }),
];

fn about_producer(event: &Value) -> bool {
    event["sidecarId"] == "producer-1" || event["target"] == "producer-1"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_drives_the_whole_self_healing_loop_in_order() {
    init_logging();
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let events = EventLog::connect(&platform).await;
    let steady = eventually(Duration::from_secs(15), || async {
        events
            .snapshot()
            .iter()
            .any(|e| e["type"] == "signal" && e["sidecarId"] == "producer-1")
            .then_some(())
    })
    .await;
    assert!(steady.is_some(), "no signal from producer-1");

    environment
        .swap_rate("producer-1", 1000 * REHEARSAL_PRODUCER_RATE)
        .await
        .expect("burst");

    let healed = eventually(Duration::from_secs(120), || async {
        events
            .snapshot()
            .iter()
            .any(|e| e["type"] == "episode" && about_producer(e))
            .then_some(())
    })
    .await;
    let timeline: Vec<Value> = events
        .snapshot()
        .into_iter()
        .filter(about_producer)
        .collect();
    let brief: Vec<String> = timeline
        .iter()
        .filter(|e| e["type"] != "signal")
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["type"], e["sign"], e["condition"], e["act"]
            )
        })
        .collect();
    assert!(healed.is_some(), "the episode never finished: {brief:#?}");

    let mut from = 0;
    for (name, matches) in STEPS {
        let found = timeline[from..].iter().position(matches);
        let Some(offset) = found else {
            panic!("{name} missing after position {from}: {brief:#?}");
        };
        from += offset + 1;
    }
    // Healing restored the nominal rate, and the producer stays STABLE at it.
    let restored = eventually(Duration::from_secs(10), || async {
        let rows = get_json(&platform, "/api/sidecars").await;
        let producer = rows.as_array()?.first()?.clone();
        (producer["targetRate"] == REHEARSAL_PRODUCER_RATE && producer["condition"] == "STABLE")
            .then_some(())
    })
    .await;
    assert!(
        restored.is_some(),
        "nominal rate not restored: {}",
        get_json(&platform, "/api/sidecars").await
    );

    platform.stop().await;
    environment.stop().await;
}
