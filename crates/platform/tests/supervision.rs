//! Supervision end to end on the rehearsal cluster: the two records that once killed
//! discovery are refused as `invalid` and nothing fails; a task that panics anyway (through
//! the test-only fault-injection hook) is reported by `GET /api/health` as `degraded`,
//! restarted, and the registry comes back whole.

mod common;

use std::time::Duration;

use common::*;
use faultline_kafka::ClientSettings;
use faultline_platform::environments::rehearsal::DemoWorkload;
use faultline_platform::fault_injection::PANIC_DISCOVERY;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::{json, Value};

const SECOND: Duration = Duration::from_secs(1);

/// A registration as a sidecar writes it, with the given interval and workload.
fn registration(id: &str, heartbeat_interval_ms: u64, workload: &str) -> Vec<u8> {
    json!({
        "v": 1, "kind": "registration", "source": id, "ts": now_ms(),
        "sidecarType": "producer", "workload": workload, "jmxEndpoint": null, "host": "h",
        "version": "1", "capabilities": [], "heartbeatIntervalMs": heartbeat_interval_ms
    })
    .to_string()
    .into_bytes()
}

/// Writes one record to `faultline.sidecars` with this key and record timestamp.
async fn write_registration(kafka: &ClientSettings, key: &str, payload: &[u8], timestamp: i64) {
    let producer: FutureProducer = kafka.client_config().create().expect("raw producer");
    producer
        .send(
            FutureRecord::to(topics::SIDECARS.name)
                .key(key)
                .payload(payload)
                .timestamp(timestamp),
            Duration::from_secs(10),
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("cannot write {key}'s registration: {e}"));
}

async fn wait_until_replayed(platform: &impl Served, sidecars: usize) {
    let ready = eventually(10 * SECOND, || async {
        let health = get_json(platform, "/api/health").await;
        let rows = statuses(platform).await;
        (health["discovery"]["replayed"] == true
            && rows.len() == sidecars
            && rows.iter().all(|(_, status)| status == "ACTIVE"))
        .then_some(())
    })
    .await;
    assert!(
        ready.is_some(),
        "platform never ready: {:?}",
        statuses(platform).await
    );
}

/// Starts the sidecar `late-comer` and waits (10 s) until it is listed ACTIVE beside
/// `steady`: discovery reads the topic. Returns it with the rows then listed.
async fn late_comer_found(
    platform: &impl Served,
    kafka: &ClientSettings,
) -> Option<(DemoWorkload, Vec<(String, String)>)> {
    let late = spawn_sidecar(kafka, "late-comer", SECOND);
    let rows = eventually(10 * SECOND, || async {
        let rows = statuses(platform).await;
        (rows.contains(&("late-comer".into(), "ACTIVE".into()))
            && rows.contains(&("steady".into(), "ACTIVE".into())))
        .then_some(rows)
    })
    .await?;
    Some((late, rows))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_former_poison_records_are_refused_as_invalid_and_nothing_fails() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], SECOND).await;
    let steady = spawn_sidecar(&kafka, "steady", SECOND);
    let platform = start_platform(environment.clone()).await;
    wait_until_replayed(&platform, 1).await;

    // The heartbeat interval that overflowed the liveness arithmetic…
    let huge_interval = registration("poison-interval", 4_000_000_000_000_000_000, "w");
    write_registration(&kafka, "poison-interval", &huge_interval, now_ms()).await;
    // …and a valid registration whose record timestamp is i64::MIN.
    let valid = registration("poison-timestamp", 2_000, "w");
    write_registration(&kafka, "poison-timestamp", &valid, i64::MIN).await;

    let counted = eventually(20 * SECOND, || async {
        let health = get_json(&platform, "/api/health").await;
        (health["rejected"]["byTopic"][topics::SIDECARS.name]["invalid"] == 2).then_some(health)
    })
    .await;
    let Some(health) = counted else {
        panic!(
            "the two records were not counted as invalid: {}",
            get_json(&platform, "/api/health").await
        );
    };
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["degraded"], json!([]), "{health}");
    assert_eq!(health["restarts"], json!({}), "{health}");

    // Discovery still reads: a sidecar registering after them is found, and neither
    // refused record made it into the registry.
    let (late, rows) = late_comer_found(&platform, &kafka)
        .await
        .expect("a sidecar registering after the poison records is still discovered");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(get_json(&platform, "/api/health").await["status"], "ok");

    platform.stop().await;
    late.stop().await;
    steady.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_panics_is_reported_by_health_and_restarted_and_the_registry_comes_back() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], SECOND).await;
    let steady = spawn_sidecar(&kafka, "steady", SECOND);
    let platform = start_platform(environment.clone()).await;
    wait_until_replayed(&platform, 1).await;

    // Discovery panics on this record while it holds the registry's write lock.
    let poison = registration("panic-discovery", 2_000, PANIC_DISCOVERY);
    write_registration(&kafka, "panic-discovery", &poison, now_ms()).await;

    let reported = eventually(10 * SECOND, || async {
        let health = get_json(&platform, "/api/health").await;
        (health["status"] == "degraded").then_some(health)
    })
    .await;
    let Some(health) = reported else {
        panic!(
            "health never reported the crashed task: {}",
            get_json(&platform, "/api/health").await
        );
    };
    let degraded = health["degraded"].as_array().expect("a degraded list");
    assert_eq!(degraded.len(), 1, "{health}");
    assert_eq!(degraded[0]["task"], "discovery", "{health}");
    let sentence = degraded[0]["sentence"].as_str().unwrap_or_default();
    assert!(
        sentence.starts_with("The discovery task panicked: fault injection"),
        "{sentence}"
    );
    assert!(degraded[0]["sinceMs"].as_i64().is_some(), "{health}");
    // The lock it panicked under is not poisoned: the registry still answers, whole.
    assert!(
        statuses(&platform)
            .await
            .contains(&("steady".into(), "ACTIVE".into())),
        "the registry must stay readable while discovery is down"
    );

    // Restarted after its backoff; once it has run steadily, health is ok again and counts
    // the restart.
    let recovered = eventually(30 * SECOND, || async {
        let health = get_json(&platform, "/api/health").await;
        (health["status"] == "ok").then_some(health)
    })
    .await;
    let Some(health) = recovered else {
        panic!(
            "health never recovered: {}",
            get_json(&platform, "/api/health").await
        );
    };
    assert_eq!(health["restarts"], json!({"discovery": 1}), "{health}");
    assert_eq!(health["degraded"], Value::Array(vec![]), "{health}");

    // The restarted discovery follows the topic again: a new sidecar is found.
    let (late, _) = late_comer_found(&platform, &kafka)
        .await
        .expect("the restarted discovery finds a new sidecar");

    platform.stop().await;
    late.stop().await;
    steady.stop().await;
    environment.stop().await;
}
