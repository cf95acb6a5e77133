//! Consumer lag per group, from committed offsets and high watermarks (messages) and from
//! the timestamp of the oldest uncommitted record (seconds), every two seconds.

use std::collections::HashMap;
use std::time::Duration;

use faultline_kafka::{now_ms, ClientSettings};
use faultline_protocol::topics;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Message, Offset, TopicPartitionList};

use crate::detectors::{ConsumerLagDetector, Detector, LagReading};
use crate::events::{Event, Subject};
use crate::judgement::{worst, ConditionTracker};
use crate::state::groups::GroupObservation;
use crate::Context;

const EVERY: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(5);

struct Watched {
    detector: ConsumerLagDetector,
    judgement: ConditionTracker,
}

pub async fn run(ctx: Context) {
    let mut watched: HashMap<String, Watched> = HashMap::new();
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        let groups: Vec<String> = ctx
            .state
            .groups
            .read()
            .map(|g| g.watched.iter().cloned().collect())
            .unwrap_or_default();
        for group in groups {
            let kafka = ctx.kafka.clone();
            let name = group.clone();
            let measured = tokio::task::spawn_blocking(move || measure(&kafka, &name)).await;
            let (reading, partitions) = match measured {
                Ok(Ok(measured)) => measured,
                Ok(Err(error)) => {
                    tracing::debug!(%group, %error, "cannot measure lag");
                    continue;
                }
                Err(_) => continue,
            };
            let entry = watched.entry(group.clone()).or_insert_with(|| Watched {
                detector: ConsumerLagDetector::default(),
                judgement: ConditionTracker::default(),
            });
            let verdict = worst(entry.detector.check(&reading));
            ctx.bus.publish(Event::ConsumerLag {
                group: group.clone(),
                lag_messages: reading.lag_messages,
                lag_seconds: reading.lag_seconds,
                partitions,
            });
            if let Ok(mut groups) = ctx.state.groups.write() {
                groups.latest.insert(
                    group.clone(),
                    GroupObservation {
                        group: group.clone(),
                        lag_messages: reading.lag_messages,
                        lag_seconds: reading.lag_seconds,
                        partitions,
                        condition: verdict.condition,
                        confidence: verdict.confidence,
                        sentence: verdict.sentence.clone(),
                        updated_ms: now_ms(),
                    },
                );
            }
            entry.judgement.announce(
                &ctx.bus,
                Subject::ConsumerGroup(group.clone()),
                &verdict,
                |again| {
                    let again = if again { " again" } else { "" };
                    format!(
                        "Consumer group {group} is keeping up{again}: {:.1} s ({} records) behind.",
                        reading.lag_seconds, reading.lag_messages
                    )
                },
            );
        }
    }
}

/// Lag of one group over every topic it has committed offsets for. Blocking calls: run it
/// off the async workers.
fn measure(kafka: &ClientSettings, group: &str) -> Result<(LagReading, usize), String> {
    let consumer: BaseConsumer = kafka
        .client_config()
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .map_err(|e| e.to_string())?;
    let metadata = consumer
        .fetch_metadata(None, TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut all = TopicPartitionList::new();
    for topic in metadata.topics() {
        let own = topics::ALL.iter().any(|t| t.name == topic.name());
        if own || topic.name().starts_with("__") {
            continue;
        }
        for partition in topic.partitions() {
            all.add_partition(topic.name(), partition.id());
        }
    }
    let committed = consumer
        .committed_offsets(all, TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut behind = Vec::new();
    let mut lag_messages = 0;
    let mut partitions = 0;
    for element in committed.elements() {
        let Offset::Offset(position) = element.offset() else {
            continue;
        };
        partitions += 1;
        let (_, high) = consumer
            .fetch_watermarks(element.topic(), element.partition(), TIMEOUT)
            .map_err(|e| e.to_string())?;
        if high > position {
            lag_messages += high - position;
            behind.push((element.topic().to_owned(), element.partition(), position));
        }
    }
    if partitions == 0 {
        return Err(format!("group {group} has committed no offsets yet"));
    }
    let lag_seconds = oldest_age_seconds(kafka, &behind)?;
    Ok((
        LagReading {
            group: group.to_owned(),
            lag_messages,
            lag_seconds,
        },
        partitions,
    ))
}

/// Age of the oldest of the records at these positions (the next ones the group will
/// read), by their timestamps.
fn oldest_age_seconds(
    kafka: &ClientSettings,
    positions: &[(String, i32, i64)],
) -> Result<f64, String> {
    if positions.is_empty() {
        return Ok(0.0);
    }
    let reader: BaseConsumer = kafka
        .client_config()
        .set("group.id", "faultline-lag-reader")
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .create()
        .map_err(|e| e.to_string())?;
    let mut assignment = TopicPartitionList::new();
    for (topic, partition, offset) in positions {
        assignment
            .add_partition_offset(topic, *partition, Offset::Offset(*offset))
            .map_err(|e| e.to_string())?;
    }
    reader.assign(&assignment).map_err(|e| e.to_string())?;
    let mut oldest: Option<i64> = None;
    let mut seen = std::collections::HashSet::new();
    let deadline = std::time::Instant::now() + Duration::from_millis(1500);
    while seen.len() < positions.len() && std::time::Instant::now() < deadline {
        if let Some(Ok(record)) = reader.poll(Duration::from_millis(100)) {
            if seen.insert((record.topic().to_owned(), record.partition())) {
                if let Some(ts) = record.timestamp().to_millis() {
                    oldest = Some(oldest.map_or(ts, |o| o.min(ts)));
                }
            }
        }
    }
    Ok(oldest
        .map(|ts| ((now_ms() - ts).max(0)) as f64 / 1000.0)
        .unwrap_or(0.0))
}
