//! Consumer lag on real Apache Kafka (`faultline-server --env local`). A consumer group
//! stuck behind an open transaction shows its whole lag and the stuck condition with its
//! sentence, and lets go when the transaction ends. A broker cut off from its clients by a
//! Toxiproxy partition (replication goes direct, so leadership stays with it) leaves the
//! demo group measured on the partitions the other brokers lead, lists its own partitions
//! as unknown, and never shows STABLE from an old reading. Needs the local stack fetched
//! (`tests/scripts/fetch-local-stack.sh`).

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::local::{ready, StackGuard};
use common::processes::ServerProcess;
use common::*;
use faultline_kafka::ClientSettings;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};
use serde_json::{json, Value};

const DEMO_GROUP: &str = "faultline-demo-consumers";
const DEMO_TOPIC: &str = "faultline.demo";

async fn group_row(server: &ServerProcess, group: &str) -> Option<Value> {
    get_json(server, "/api/consumer-groups")
        .await
        .as_array()?
        .iter()
        .find(|row| row["group"] == group)
        .cloned()
}

/// `topic-partition` names of a row's partition list.
fn names(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .map(|p| format!("{}-{}", p["topic"].as_str().unwrap_or("?"), p["partition"]))
                .collect()
        })
        .unwrap_or_default()
}

/// What a consumer sidecar of `group` would report, so the platform watches the group.
fn consumer_signal(source: &str, group: &str) -> String {
    json!({
        "v": 1, "kind": "signal", "source": source, "ts": now_ms(), "probe": "jmx",
        "producer": null,
        "consumer": {"group": group, "recordsLagMax": 0, "recordsConsumedRate": 0,
                     "fetchRate": 0, "fetchLatencyMs": 0, "processingDelayMs": 0,
                     "messagesConsumed": 0}
    })
    .to_string()
}

/// Kafka's group coordinator partition: `abs(group.hashCode()) % partitions` of
/// `__consumer_offsets`, with Java's String hash and Kafka's `Utils.abs`.
fn coordinator_partition(group: &str, partitions: i32) -> i32 {
    let hash = group.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    });
    let abs = if hash == i32::MIN { 0 } else { hash.abs() };
    abs % partitions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lag_is_right_behind_an_open_transaction_and_through_a_cut_off_broker() {
    init_logging();
    let _guard = StackGuard::server_run();
    let server = ServerProcess::start(&["--env", "local"], &[]).await;
    ready(&server).await;
    let environment = get_json(&server, "/api/environment").await;
    let bootstrap = environment["bootstrapServers"]
        .as_str()
        .expect("bootstrap servers")
        .to_owned();
    let kafka = ClientSettings::new(bootstrap);
    let events = EventLog::connect(&server).await;

    stuck_behind_an_open_transaction(&server, &kafka, &events).await;
    a_cut_off_broker_leaves_the_others_measured(&server, &kafka, &events).await;
}

/// One transactional record left open, then 200 plain records: the high watermark is 201,
/// the last stable offset 0, and a read_committed group committed at 0 cannot move.
async fn stuck_behind_an_open_transaction(
    server: &ServerProcess,
    kafka: &ClientSettings,
    events: &EventLog,
) {
    let stamp = now_ms();
    let topic = format!("lag-txn-{stamp}");
    let group = format!("lag-txn-group-{stamp}");
    let admin: AdminClient<DefaultClientContext> =
        kafka.client_config().create().expect("admin client");
    let created = admin
        .create_topics(
            &[NewTopic::new(&topic, 1, TopicReplication::Fixed(3))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))),
        )
        .await
        .expect("create topic");
    assert!(created.iter().all(|r| r.is_ok()), "{created:?}");

    let transactional: FutureProducer = kafka
        .client_config()
        .set("transactional.id", format!("lag-txn-{stamp}"))
        .set("transaction.timeout.ms", "600000")
        .create()
        .expect("transactional producer");
    transactional
        .init_transactions(Duration::from_secs(60))
        .expect("init_transactions");
    transactional
        .begin_transaction()
        .expect("begin_transaction");
    transactional
        .send(
            FutureRecord::<str, str>::to(&topic)
                .partition(0)
                .payload("in an open transaction"),
            Duration::from_secs(30),
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("transactional send: {e}"));
    let plain: FutureProducer = kafka
        .client_config()
        .set("acks", "all")
        .create()
        .expect("plain producer");
    for n in 0..200 {
        plain
            .send(
                FutureRecord::<str, String>::to(&topic)
                    .partition(0)
                    .payload(&format!("plain {n}")),
                Duration::from_secs(30),
            )
            .await
            .unwrap_or_else(|(e, _)| panic!("plain send {n}: {e}"));
    }

    // The premise, read by a client of the test's own: high watermark 201, last stable
    // offset 0.
    let end = |isolation: &str| -> i64 {
        let reader: BaseConsumer = kafka
            .client_config()
            .set("group.id", "lag-local-test")
            .set("isolation.level", isolation)
            .create()
            .expect("reader");
        reader
            .fetch_watermarks(&topic, 0, Duration::from_secs(10))
            .expect("watermarks")
            .1
    };
    assert_eq!(end("read_uncommitted"), 201, "high watermark");
    assert_eq!(end("read_committed"), 0, "last stable offset");

    // A read_committed group committed at 0, reported by a consumer "sidecar" so the
    // platform watches it.
    let member: BaseConsumer = kafka
        .client_config()
        .set("group.id", &group)
        .set("isolation.level", "read_committed")
        .set("enable.auto.commit", "false")
        .create()
        .expect("group client");
    let mut at_zero = TopicPartitionList::new();
    at_zero
        .add_partition_offset(&topic, 0, Offset::Offset(0))
        .expect("offset 0");
    member
        .commit(&at_zero, CommitMode::Sync)
        .expect("commit offset 0");
    let signals: FutureProducer = kafka.client_config().create().expect("signal producer");
    let source = format!("lag-probe-{stamp}");
    signals
        .send(
            FutureRecord::to(topics::SIGNALS.name)
                .key(&source)
                .payload(&consumer_signal(&source, &group)),
            Duration::from_secs(10),
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("signal: {e}"));

    let stuck = eventually(Duration::from_secs(90), || async {
        let row = group_row(server, &group).await?;
        (row["stuckPartitions"].as_array()?.len() == 1).then_some(row)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "{group} never shown stuck: {:?}",
            events
                .snapshot()
                .iter()
                .rfind(|e| e["group"] == group.as_str())
        )
    });
    assert_eq!(stuck["lagMessages"], 201, "{stuck}");
    assert_eq!(
        (
            &stuck["partitions"],
            &stuck["measuredPartitions"],
            &stuck["stale"]
        ),
        (&json!(1), &json!(1), &json!(false)),
        "{stuck}"
    );
    assert!(
        stuck["lagSeconds"].as_f64() > Some(0.0),
        "the open transaction's record has an age: {stuck}"
    );
    let partition = &stuck["stuckPartitions"][0];
    assert_eq!(
        (
            &partition["topic"],
            &partition["partition"],
            &partition["committed"],
            &partition["lastStableOffset"],
            &partition["highWatermark"]
        ),
        (&json!(topic), &json!(0), &json!(0), &json!(0), &json!(201)),
        "{stuck}"
    );
    let expected = format!(
        "Consumer group {group} is stuck behind an open transaction at offset 0 of {topic}-0: the last stable offset has not moved for "
    );
    assert_eq!(stuck["condition"], "DEFECTIVE", "{stuck}");
    let sentence = stuck["sentence"].as_str().unwrap_or_default();
    assert!(sentence.starts_with(&expected), "{stuck}");
    assert!(
        sentence.ends_with("while 201 records lie beyond it (high watermark 201)."),
        "{stuck}"
    );
    assert_eq!(
        stuck["findings"][0]["detector"], "open-transaction",
        "{stuck}"
    );
    let announced = events.snapshot().iter().any(|e| {
        e["type"] == "condition"
            && e["group"] == group.as_str()
            && e["sentence"]
                .as_str()
                .is_some_and(|s| s.starts_with(&expected))
    });
    assert!(
        announced,
        "no condition event with the stuck sentence on /ws"
    );

    // The transaction is aborted: its marker takes offset 201, the last stable offset
    // reaches the high watermark (202), and the group is no longer stuck; its 202 offsets
    // are all readable (or skipped) now.
    transactional
        .abort_transaction(Duration::from_secs(30))
        .expect("abort");
    let released = eventually(Duration::from_secs(30), || async {
        let row = group_row(server, &group).await?;
        (row["stuckPartitions"].as_array()?.is_empty()).then_some(row)
    })
    .await
    .expect("the group is released when the transaction ends");
    assert_eq!(released["lagMessages"], 202, "{released}");
    assert!(
        released["findings"]
            .as_array()
            .is_some_and(|f| f.iter().all(|f| f["detector"] != "open-transaction")),
        "{released}"
    );
}

/// A Toxiproxy partition on a broker that leads some of the demo topic's partitions but
/// not the demo group's coordinator.
async fn a_cut_off_broker_leaves_the_others_measured(
    server: &ServerProcess,
    kafka: &ClientSettings,
    events: &EventLog,
) {
    let full = eventually(Duration::from_secs(60), || async {
        let row = group_row(server, DEMO_GROUP).await?;
        (row["partitions"] == 6 && row["measuredPartitions"] == 6).then_some(row)
    })
    .await;
    assert!(full.is_some(), "the demo group is never fully measured");

    let admin: BaseConsumer = kafka
        .client_config()
        .set("group.id", "lag-local-test")
        .create()
        .expect("metadata client");
    let metadata = admin
        .fetch_metadata(None, Duration::from_secs(10))
        .expect("metadata");
    let leaders = |name: &str| -> Vec<(i32, i32)> {
        metadata
            .topics()
            .iter()
            .find(|t| t.name() == name)
            .map(|t| {
                t.partitions()
                    .iter()
                    .map(|p| (p.id(), p.leader()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let offsets = leaders("__consumer_offsets");
    let coordinator_at = coordinator_partition(DEMO_GROUP, offsets.len() as i32);
    let coordinator = offsets
        .iter()
        .find(|(id, _)| *id == coordinator_at)
        .map(|(_, leader)| *leader)
        .expect("the coordinator's partition");
    let demo = leaders(DEMO_TOPIC);
    let broker = (1..=3)
        .filter(|b| *b != coordinator)
        .max_by_key(|b| demo.iter().filter(|(_, l)| l == b).count())
        .expect("a broker");
    let cut_off: BTreeSet<String> = demo
        .iter()
        .filter(|(_, leader)| *leader == broker)
        .map(|(id, _)| format!("{DEMO_TOPIC}-{id}"))
        .collect();
    assert!(
        !cut_off.is_empty() && cut_off.len() < demo.len(),
        "broker {broker} leads {cut_off:?} of {demo:?}; coordinator is {coordinator}"
    );
    eprintln!("cutting off broker {broker} (leads {cut_off:?}; coordinator {coordinator})");

    let (status, fault) = post_json(
        server,
        "/api/faults",
        json!({"kind": "partition", "broker": broker}),
    )
    .await;
    assert_eq!(status, 201, "{fault}");
    let fault_id = fault["id"].as_str().expect("fault id").to_owned();
    let injected = now_ms();

    // Whatever is shown from now on: STABLE only from a full, fresh reading.
    let check = |row: &Value| {
        if row["condition"] == "STABLE" {
            assert!(
                row["unknownPartitions"]
                    .as_array()
                    .is_some_and(|u| u.is_empty())
                    && row["stale"] == false,
                "STABLE from an incomplete or old reading: {row}"
            );
        }
    };
    let unknown = eventually(Duration::from_secs(60), || async {
        let row = group_row(server, DEMO_GROUP).await?;
        check(&row);
        (names(&row["unknownPartitions"]) == cut_off).then_some(row)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "{cut_off:?} never reported unknown: {:?}",
            events
                .snapshot()
                .iter()
                .rfind(|e| e["type"] == "consumer-lag" && e["group"] == DEMO_GROUP)
        )
    });
    eprintln!("unknown after {} ms: {unknown}", now_ms() - injected);

    // For a while, every reading covers exactly the partitions the other brokers lead, and
    // keeps coming.
    let mut measured = BTreeSet::new();
    let watch = Instant::now();
    while watch.elapsed() < Duration::from_secs(20) {
        let row = group_row(server, DEMO_GROUP).await.expect("the demo group");
        check(&row);
        assert_eq!(names(&row["unknownPartitions"]), cut_off, "{row}");
        assert_eq!(row["measuredPartitions"], 6 - cut_off.len(), "{row}");
        assert_eq!(row["stale"], false, "{row}");
        assert_ne!(row["condition"], "STABLE", "{row}");
        let sentences: Vec<&str> = row["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["sentence"].as_str()).collect())
            .unwrap_or_default();
        let coverage = format!(
            "Lag of consumer group {DEMO_GROUP} is unknown for {} of 6 partitions (",
            cut_off.len()
        );
        assert!(
            sentences.iter().any(|s| s.starts_with(&coverage)
                && s.contains(&format!("leader broker {broker} did not answer"))),
            "{row}"
        );
        measured.insert(row["measuredMs"].as_i64().expect("measuredMs"));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        measured.len() >= 3,
        "the other partitions stopped being measured: {measured:?}"
    );
    let since = unknown["updatedMs"].as_i64().unwrap_or(injected);
    let readings = events
        .snapshot()
        .iter()
        .filter(|e| {
            e["type"] == "consumer-lag"
                && e["group"] == DEMO_GROUP
                && e["atMs"].as_i64() > Some(since)
        })
        .count();
    assert!(
        readings >= 3,
        "only {readings} consumer-lag events during the cut"
    );

    let url = format!("http://{}/api/faults/{fault_id}", server.addr);
    let reverted = reqwest::Client::new()
        .delete(&url)
        .header("content-type", "application/json")
        .send()
        .await
        .expect("DELETE fault");
    assert!(reverted.status().is_success(), "{}", reverted.status());
    let whole = eventually(Duration::from_secs(90), || async {
        let row = group_row(server, DEMO_GROUP).await?;
        (row["measuredPartitions"] == 6 && names(&row["unknownPartitions"]).is_empty())
            .then_some(())
    })
    .await;
    assert!(
        whole.is_some(),
        "the cut-off partitions never measured again: {:?}",
        group_row(server, DEMO_GROUP).await
    );
}
