//! Discovery's rules on the rehearsal cluster, with records written straight to
//! `faultline.sidecars` with chosen timestamps and hosts: Kafka's order within a key beats
//! timestamps, across a platform restart too; a sender's clock behind ours does not make it
//! look dead and is shown with its offset; two sidecars sharing one id are shown as such.

mod common;

use std::time::Duration;

use common::*;
use faultline_kafka::ClientSettings;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::{json, Value};

const SECOND: Duration = Duration::from_secs(1);
const HOUR_MS: i64 = 3_600_000;

fn producer(kafka: &ClientSettings) -> FutureProducer {
    kafka.client_config().create().expect("a producer")
}

/// Writes `id`'s registration (or, without a host, its tombstone) stamped `ts`.
async fn write(
    producer: &FutureProducer,
    id: &str,
    host: Option<&str>,
    ts: i64,
    interval: Duration,
) {
    let payload = host.map(|host| {
        json!({
            "v": 1, "kind": "registration", "source": id, "ts": ts, "sidecarType": "producer",
            "workload": "w", "jmxEndpoint": null, "host": host, "version": "1",
            "capabilities": [], "heartbeatIntervalMs": interval.as_millis() as u64
        })
        .to_string()
    });
    let mut record = FutureRecord::<str, String>::to(topics::SIDECARS.name)
        .key(id)
        .timestamp(ts);
    if let Some(payload) = &payload {
        record = record.payload(payload);
    }
    producer
        .send(record, Duration::from_secs(10))
        .await
        .unwrap_or_else(|(e, _)| panic!("cannot write {id}'s record: {e}"));
}

/// Heartbeats for `id` from `host` every `interval`, stamped by a clock `skew_ms` off ours
/// (negative: behind), until the task is aborted.
fn heartbeat(
    kafka: &ClientSettings,
    id: &'static str,
    host: &'static str,
    interval: Duration,
    skew_ms: i64,
) -> tokio::task::JoinHandle<()> {
    let producer = producer(kafka);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        loop {
            tick.tick().await;
            write(&producer, id, Some(host), now_ms() + skew_ms, interval).await;
        }
    })
}

async fn row(platform: &impl Served, id: &str) -> Option<Value> {
    get_json(platform, "/api/sidecars")
        .await
        .as_array()?
        .iter()
        .find(|r| r["sidecarId"] == id)
        .cloned()
}

/// Waits until the registry is replayed and holds `count` sidecars.
async fn replayed(platform: &impl Served, count: usize) {
    let ready = eventually(10 * SECOND, || async {
        let health = get_json(platform, "/api/health").await;
        (health["status"] == "ok" && statuses(platform).await.len() == count).then_some(())
    })
    .await;
    assert!(
        ready.is_some(),
        "never replayed with {count} sidecars: {:?}",
        statuses(platform).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_order_decides_within_a_key_and_a_future_stamp_never_resurrects() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], SECOND).await;
    let platform = start_platform(environment.clone()).await;
    replayed(&platform, 0).await;
    let writer = producer(&kafka);

    // A registration stamped a day ahead, then a tombstone stamped now: the tombstone is
    // newer because Kafka has it after the registration.
    let now = now_ms();
    write(&writer, "tomorrow", Some("h"), now + 24 * HOUR_MS, SECOND).await;
    write(&writer, "tomorrow", None, now, SECOND).await;
    // One registration stamped an hour ahead, then silence: a sidecar that died.
    write(&writer, "ahead", Some("h"), now_ms() + HOUR_MS, SECOND).await;

    let live = eventually(15 * SECOND, || async {
        let rows = statuses(&platform).await;
        (rows.contains(&("tomorrow".into(), "DEPARTED".into()))
            && rows.contains(&("ahead".into(), "INACTIVE".into())))
        .then_some(())
    })
    .await;
    assert!(
        live.is_some(),
        "live: want tomorrow DEPARTED, ahead INACTIVE after 3.5 heartbeats: {:?}",
        statuses(&platform).await
    );

    // After a restart the replay reads the same records in the same order.
    platform.stop().await;
    let platform = start_platform(environment.clone()).await;
    replayed(&platform, 2).await;
    let rows = statuses(&platform).await;
    assert!(
        rows.contains(&("tomorrow".into(), "DEPARTED".into())),
        "{rows:?}"
    );
    let ahead = row(&platform, "ahead").await.expect("ahead is listed");
    assert_eq!(ahead["status"], "INACTIVE", "{ahead}");
    // Stamped an hour ahead of its writing, a few seconds before the restart.
    let offset = ahead["clockOffsetMs"].as_i64().unwrap_or_default();
    assert!((-HOUR_MS..-HOUR_MS + 60_000).contains(&offset), "{ahead}");
    let warning = ahead["clockWarning"].as_str().unwrap_or_default();
    assert!(
        warning.contains("s ahead of the platform's start"),
        "{ahead}"
    );
    assert!(
        ahead["lastSeenMs"]
            .as_i64()
            .is_some_and(|seen| seen <= now_ms()),
        "never seen in the future: {ahead}"
    );
    // And it stays so: nothing about it is alive.
    tokio::time::sleep(2 * SECOND).await;
    assert_eq!(row(&platform, "ahead").await.unwrap()["status"], "INACTIVE");

    platform.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_behind_ours_stays_active_and_its_offset_is_shown() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], SECOND).await;
    let platform = start_platform(environment.clone()).await;
    replayed(&platform, 0).await;
    let events = EventLog::connect(&platform).await;
    let behind = heartbeat(&kafka, "behind", "h", SECOND, -30_000);
    let on_time = heartbeat(&kafka, "on-time", "h", SECOND, 0);

    let measured = eventually(15 * SECOND, || async {
        let row = row(&platform, "behind").await?;
        row["clockWarning"].is_string().then_some(row)
    })
    .await
    .expect("behind's clock is never measured");
    // Delivery only adds to the offset; generous for a busy machine.
    let offset = measured["clockOffsetMs"].as_i64().expect("an offset");
    assert!((30_000..33_000).contains(&offset), "{measured}");
    let warning = measured["clockWarning"].as_str().unwrap();
    let whole_seconds = (offset as f64 / 1000.0).round();
    assert!(
        warning.contains(&format!("{whole_seconds} s behind")),
        "{measured}"
    );

    // Heartbeats 30 s old by their stamps, ten beats in a row: ACTIVE all along.
    for _ in 0..10 {
        let behind = row(&platform, "behind").await.unwrap();
        assert_eq!(behind["status"], "ACTIVE", "{behind}");
        tokio::time::sleep(SECOND).await;
    }
    let on_time = {
        on_time.abort();
        row(&platform, "on-time").await.unwrap()
    };
    assert_eq!(on_time["status"], "ACTIVE", "{on_time}");
    assert_eq!(on_time["clockWarning"], Value::Null, "{on_time}");
    assert!(
        on_time["clockOffsetMs"]
            .as_i64()
            .is_some_and(|o| o.abs() < 2_000),
        "{on_time}"
    );
    // The dashboard learns of the warning from the event stream too.
    let announced = events.snapshot().into_iter().any(|e| {
        e["type"] == "sidecar-status" && e["sidecarId"] == "behind" && e["clockWarning"].is_string()
    });
    assert!(announced, "no sidecar-status event carried the warning");
    assert!(
        events
            .snapshot()
            .iter()
            .filter(|e| e["type"] == "sidecar-status" && e["sidecarId"] == "behind")
            .all(|e| e["status"] == "ACTIVE"),
        "behind was never anything but ACTIVE"
    );

    behind.abort();
    platform.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sidecars_with_one_id_are_shown_as_a_conflict_until_one_stops() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], SECOND).await;
    let platform = start_platform(environment.clone()).await;
    replayed(&platform, 0).await;
    let events = EventLog::connect(&platform).await;
    let host_a = heartbeat(&kafka, "dup-1", "host-a", SECOND, 0);
    tokio::time::sleep(SECOND / 2).await;
    let host_b = heartbeat(&kafka, "dup-1", "host-b", SECOND, 0);

    let conflict = eventually(15 * SECOND, || async {
        let row = row(&platform, "dup-1").await?;
        row["idConflict"].is_string().then_some(row)
    })
    .await
    .expect("the conflict is never shown");
    let sentence = conflict["idConflict"].as_str().unwrap();
    assert!(
        sentence.contains("dup-1") && sentence.contains("different hosts (host-a and host-b)"),
        "{conflict}"
    );
    assert_eq!(statuses(&platform).await.len(), 1, "one card, one id");

    // Still a conflict several beats later, announced once.
    tokio::time::sleep(3 * SECOND).await;
    assert!(row(&platform, "dup-1").await.unwrap()["idConflict"].is_string());
    let announced: Vec<_> = events
        .snapshot()
        .into_iter()
        .filter(|e| e["type"] == "sidecar-status" && e["idConflict"].is_string())
        .collect();
    assert_eq!(announced.len(), 1, "{announced:?}");

    // host-b stops: once it is overdue, dup-1 is one sidecar again.
    host_b.abort();
    let resolved = eventually(15 * SECOND, || async {
        let row = row(&platform, "dup-1").await?;
        (row["idConflict"].is_null() && row["status"] == "ACTIVE").then_some(row)
    })
    .await;
    assert!(resolved.is_some(), "{:?}", row(&platform, "dup-1").await);
    assert_eq!(
        row(&platform, "dup-1").await.unwrap()["host"],
        "host-a",
        "the sidecar left is host-a's"
    );

    host_a.abort();
    platform.stop().await;
    environment.stop().await;
}
