//! Rehearsal's embedded cluster fails over as Kafka does: a killed broker's partitions get
//! new leaders that clients write to, the survivors report under-replicated partitions
//! (on the broker tiles' readings too), and after the restart replication is whole again
//! only once the broker has caught up, and leadership returns to it. A consumer group's
//! coordinator fails over with its offsets partition. A broker cut off from its clients
//! keeps its leadership, as on the local stack.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use faultline_kafka::ClientSettings;
use faultline_platform::environments::rehearsal::CONSUMER_GROUP;
use faultline_platform::environments::{Environment, RehearsalEnvironment};
use faultline_platform::wire::BrokerState;
use faultline_protocol::topics;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::TopicPartitionList;
use serde_json::Value;

/// Every partition of the topics the embedded cluster creates.
fn partition_count() -> i64 {
    topics::ALL
        .iter()
        .chain([&topics::DEMO])
        .map(|t| i64::from(t.partitions))
        .sum()
}

/// `partition → leader` of `faultline.demo`, as the cluster's metadata tells clients.
async fn demo_leaders(kafka: &ClientSettings) -> BTreeMap<i32, i32> {
    let config = kafka.client_config();
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = config.create().expect("a metadata client");
        let metadata = consumer
            .fetch_metadata(Some(topics::DEMO.name), Duration::from_secs(10))
            .expect("metadata from a live broker");
        metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions())
            .map(|p| (p.id(), p.leader()))
            .collect()
    })
    .await
    .expect("metadata task")
}

/// Under-replicated partitions summed over the live brokers, from the environment.
async fn under_replicated(environment: &RehearsalEnvironment) -> i64 {
    let mut total = 0;
    for broker in 1..=3 {
        if let Some(reading) = environment.replication(broker).await {
            total += reading.under_replicated_partitions;
        }
    }
    total
}

/// Each broker's latest reading as `/api/environment` gives it to the broker tiles.
async fn tile_metrics(platform: &impl Served) -> Vec<Value> {
    let status = get_json(platform, "/api/environment").await;
    status["brokers"]
        .as_array()
        .map(|brokers| brokers.iter().map(|b| b["metrics"].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_broker_hands_over_leadership_and_gets_it_back_after_catching_up() {
    init_logging();
    let (environment, kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let total = partition_count();

    // The tiles show numbers, not "—": every broker fully replicated, leadership preferred.
    let calm = eventually(Duration::from_secs(30), || async {
        let metrics = tile_metrics(&platform).await;
        (metrics.len() == 3
            && metrics.iter().all(|m| {
                m["underReplicatedPartitions"] == 0 && m["preferredReplicaImbalance"] == 0
            }))
        .then_some(())
    })
    .await;
    assert!(calm.is_some(), "{:?}", tile_metrics(&platform).await);
    let before = demo_leaders(&kafka).await;
    let led_by_2: Vec<i32> = before
        .iter()
        .filter(|(_, leader)| **leader == 2)
        .map(|(partition, _)| *partition)
        .collect();
    assert_eq!(led_by_2.len(), 2, "leadership spread evenly: {before:?}");

    environment
        .broker_down(2)
        .await
        .expect("broker 2 goes down");
    // Every partition has a replica on broker 2, so all are under-replicated, each counted
    // once, on its new or old leader; broker 2 itself reports nothing.
    assert_eq!(environment.replication(2).await, None);
    assert_eq!(under_replicated(&environment).await, total);

    let moved = eventually(Duration::from_secs(20), || async {
        let leaders = demo_leaders(&kafka).await;
        led_by_2
            .iter()
            .all(|p| matches!(leaders.get(p), Some(1 | 3)))
            .then_some(leaders)
    })
    .await;
    assert!(moved.is_some(), "leadership never left broker 2");
    // The partitions broker 2 led take writes again while it is down.
    let producer: FutureProducer = kafka
        .client_config()
        .set("message.timeout.ms", "15000")
        .create()
        .expect("a producer");
    for partition in &led_by_2 {
        let delivered = producer
            .send(
                FutureRecord::<str, str>::to(topics::DEMO.name)
                    .partition(*partition)
                    .payload("written while broker 2 is down"),
                Duration::from_secs(15),
            )
            .await;
        assert!(
            delivered.is_ok(),
            "partition {partition}: {:?}",
            delivered.err()
        );
    }
    let tiles_degraded = eventually(Duration::from_secs(15), || async {
        let metrics = tile_metrics(&platform).await;
        let survivors: Vec<i64> = [0, 2]
            .iter()
            .filter_map(|i| metrics.get(*i)?["underReplicatedPartitions"].as_i64())
            .collect();
        (survivors.len() == 2
            && survivors.iter().all(|n| *n > 0)
            && survivors.iter().sum::<i64>() == total)
            .then_some(())
    })
    .await;
    assert!(
        tiles_degraded.is_some(),
        "{:?}",
        tile_metrics(&platform).await
    );

    environment.broker_up(2).await.expect("broker 2 comes back");
    // Back, but not caught up yet (that takes 3 s): still under-replicated everywhere.
    assert_eq!(under_replicated(&environment).await, total);
    let whole = eventually(Duration::from_secs(30), || async {
        let leaders = demo_leaders(&kafka).await;
        let metrics = tile_metrics(&platform).await;
        (under_replicated(&environment).await == 0
            && leaders == before
            && metrics.len() == 3
            && metrics.iter().all(|m| {
                m["underReplicatedPartitions"] == 0 && m["preferredReplicaImbalance"] == 0
            }))
        .then_some(())
    })
    .await;
    assert!(
        whole.is_some(),
        "leaders {:?} (before {before:?}), tiles {:?}",
        demo_leaders(&kafka).await,
        tile_metrics(&platform).await
    );

    platform.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_cut_off_from_its_clients_keeps_its_leadership() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], Duration::from_secs(2)).await;
    let before = demo_leaders(&kafka).await;
    assert!(before.values().any(|leader| *leader == 1), "{before:?}");

    environment.cut_off(1).await.expect("broker 1 cut off");
    let status = environment.status().await;
    assert!(
        status
            .brokers
            .iter()
            .any(|b| b.id == 1 && b.state == BrokerState::Down),
        "{status:?}"
    );
    assert_eq!(environment.replication(1).await, None, "nothing reads it");
    assert_eq!(under_replicated(&environment).await, 0);
    assert_eq!(demo_leaders(&kafka).await, before);

    environment
        .broker_up(1)
        .await
        .expect("broker 1 reachable again");
    assert_eq!(under_replicated(&environment).await, 0);
    assert_eq!(demo_leaders(&kafka).await, before);
    environment.stop().await;
}

/// Whether the group's committed offsets can be read: that needs its coordinator.
async fn committed_readable(kafka: &ClientSettings, group: &str) -> Result<(), String> {
    let mut config = kafka.client_config();
    config.set("group.id", group);
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = config.create().map_err(|e| e.to_string())?;
        let mut partitions = TopicPartitionList::new();
        partitions.add_partition(topics::DEMO.name, 0);
        consumer
            .committed_offsets(partitions, Duration::from_secs(5))
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_groups_coordinator_moves_off_a_downed_broker() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], Duration::from_secs(2)).await;
    // Whichever broker coordinates the group, taking it down leaves the offsets readable.
    for broker in 1..=3 {
        environment.broker_down(broker).await.expect("broker down");
        let readable = eventually(Duration::from_secs(30), || async {
            committed_readable(&kafka, CONSUMER_GROUP).await.ok()
        })
        .await;
        assert!(
            readable.is_some(),
            "broker {broker} down: {:?}",
            committed_readable(&kafka, CONSUMER_GROUP).await
        );
        environment.broker_up(broker).await.expect("broker up");
        // Until it has caught up it is in no in-sync replica set: taking the next broker
        // down before that would leave partitions with no in-sync replica at all.
        let whole = eventually(Duration::from_secs(30), || async {
            (under_replicated(&environment).await == 0).then_some(())
        })
        .await;
        assert!(whole.is_some(), "broker {broker} never caught up");
    }
    environment.stop().await;
}
