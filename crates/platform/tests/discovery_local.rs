//! Discovery on real Apache Kafka (three KRaft brokers behind Toxiproxy, no workloads): a
//! committed transaction's marker as the last offset of one partition of
//! `faultline.sidecars`, while another sidecar heartbeats every 0.5 s on another, must not
//! hold the replay up. The embedded cluster writes no transaction markers, hence the real
//! one. Needs the local stack fetched (`tests/scripts/fetch-local-stack.sh`); run under
//! `flock /tmp/faultline-local-stack.lock` beside other local-stack tests.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::local::bare_stack;
use common::*;
use faultline_kafka::{assigned_consumer, watermarks, ClientSettings};
use faultline_platform::environments::{Environment, ExternalEnvironment};
use faultline_platform::Headless;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::Offset;
use serde_json::json;

const TOPIC: &str = topics::SIDECARS.name;

fn registration(id: &str, ts: i64, interval_ms: u64) -> String {
    json!({
        "v": 1, "kind": "registration", "source": id, "ts": ts, "sidecarType": "producer",
        "workload": "w", "jmxEndpoint": null, "host": "h", "version": "1",
        "capabilities": [], "heartbeatIntervalMs": interval_ms
    })
    .to_string()
}

/// Each partition's end, as the replay will read it.
async fn ends(kafka: &ClientSettings) -> Vec<(i32, i64)> {
    let consumer = assigned_consumer(kafka, TOPIC, Offset::Beginning)
        .await
        .expect("the registration topic exists");
    watermarks(&consumer, TOPIC)
        .await
        .expect("watermarks")
        .into_iter()
        .map(|m| (m.partition, m.high))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_marker_at_the_end_of_a_partition_does_not_stall_the_replay() {
    init_logging();
    let (_guard, stack, kafka) = bare_stack("discovery", 23000).await;

    // A sidecar registered inside a committed transaction, in partition 0: the commit
    // marker is that partition's last offset.
    let transactional: FutureProducer = kafka
        .client_config()
        .set("transactional.id", "faultline-discovery-test")
        .create()
        .expect("a transactional producer");
    let timeout = Duration::from_secs(30);
    transactional
        .init_transactions(timeout)
        .expect("init transactions");
    transactional
        .begin_transaction()
        .expect("begin transaction");
    let payload = registration("transactional", now_ms(), 2_000);
    transactional
        .send(
            FutureRecord::to(TOPIC)
                .partition(0)
                .key("transactional")
                .payload(&payload)
                .timestamp(now_ms()),
            timeout,
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("transactional send: {e}"));
    transactional
        .commit_transaction(timeout)
        .expect("commit transaction");

    // Another sidecar heartbeats every 0.5 s in partition 1, so the topic never goes quiet.
    let beater: FutureProducer = kafka.client_config().create().expect("a producer");
    let heartbeats = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tick.tick().await;
            let payload = registration("beater", now_ms(), 500);
            let _ = beater
                .send(
                    FutureRecord::to(TOPIC)
                        .partition(1)
                        .key("beater")
                        .payload(&payload)
                        .timestamp(now_ms()),
                    Duration::from_secs(10),
                )
                .await;
        }
    });
    // A leader that took over partition 0 after the commit (the third broker joining late
    // moves leaders) reports a stale high watermark until its followers fetch once more, so
    // the precondition is awaited, not read once.
    let partition_0_end =
        |marked: &[(i32, i64)]| marked.iter().find(|(p, _)| *p == 0).map(|(_, end)| *end);
    let marked = eventually(Duration::from_secs(15), || async {
        let marked = ends(&kafka).await;
        (partition_0_end(&marked) == Some(2)).then_some(marked)
    })
    .await;
    assert!(
        marked.is_some(),
        "partition 0 holds the registration and its commit marker: {:?}",
        ends(&kafka).await
    );

    let started = Instant::now();
    let external = Arc::new(ExternalEnvironment::new(kafka.clone()));
    let platform = Headless::start("127.0.0.1:0".parse().unwrap(), external)
        .await
        .expect("server starts");
    // The bug took 38 s (until the heartbeats stopped); a replay of three records takes
    // well under a second. 10 s is generous for a busy machine.
    let ready = eventually(Duration::from_secs(10), || async {
        let health = get_json(&platform, "/api/health").await;
        let sidecars = statuses(&platform).await;
        let both = ["transactional", "beater"]
            .iter()
            .all(|id| sidecars.iter().any(|(listed, _)| listed == id));
        (health["status"] == "ok" && both).then_some(health)
    })
    .await;
    let took = started.elapsed();
    let Some(health) = ready else {
        panic!(
            "replay not finished after {took:?}; health {}, sidecars {:?}",
            get_json(&platform, "/api/health").await,
            statuses(&platform).await
        )
    };
    eprintln!("replayed past the transaction marker in {took:?}: {health}");
    assert_eq!(health["discovery"]["replayed"], true, "{health}");
    assert!(
        statuses(&platform)
            .await
            .contains(&("beater".into(), "ACTIVE".into())),
        "{:?}",
        statuses(&platform).await
    );

    heartbeats.abort();
    platform.stop().await;
    stack.stop().await;
}
