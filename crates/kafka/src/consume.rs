//! Reading topics without a consumer group: assignment, watermarks and positions.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};

use crate::ClientSettings;

#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    #[error("cannot create a consumer for {topic}: {source}")]
    Create { topic: String, source: KafkaError },
    #[error("cannot read the partitions of {topic}: {source}")]
    Metadata { topic: String, source: KafkaError },
    #[error("topic {topic} does not exist")]
    Missing { topic: String },
    #[error("cannot assign {topic}: {source}")]
    Assign { topic: String, source: KafkaError },
}

/// A consumer reading every partition of `topic` from `offset`, by manual assignment:
/// no consumer group, so no rebalance delay and no committed offsets to trip over.
/// Replaying the registration topic from the beginning on every start is what makes the
/// registry whole right after a restart.
pub async fn assigned_consumer(
    settings: &ClientSettings,
    topic: &str,
    offset: Offset,
) -> Result<Arc<StreamConsumer>, AssignError> {
    let consumer: StreamConsumer = settings
        .client_config()
        // Required by the client library even though no group is ever joined.
        .set("group.id", format!("faultline-assigned-{topic}"))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // The client's default, stated because `watermarks` and `positions` rely on it: a
        // replay ends at the last stable offset, which this consumer can reach.
        .set("isolation.level", "read_committed")
        .set("fetch.wait.max.ms", "100")
        .create()
        .map_err(|source| AssignError::Create {
            topic: topic.to_owned(),
            source,
        })?;
    let consumer = Arc::new(consumer);
    let partitions = {
        let consumer = consumer.clone();
        let name = topic.to_owned();
        tokio::task::spawn_blocking(move || partition_count(&consumer, &name))
            .await
            .unwrap_or_else(|_| {
                Err(AssignError::Missing {
                    topic: topic.to_owned(),
                })
            })?
    };
    let mut assignment = TopicPartitionList::new();
    for partition in 0..partitions {
        assignment
            .add_partition_offset(topic, partition, offset)
            .map_err(|source| AssignError::Assign {
                topic: topic.to_owned(),
                source,
            })?;
    }
    consumer
        .assign(&assignment)
        .map_err(|source| AssignError::Assign {
            topic: topic.to_owned(),
            source,
        })?;
    Ok(consumer)
}

fn partition_count(consumer: &StreamConsumer, topic: &str) -> Result<i32, AssignError> {
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .map_err(|source| AssignError::Metadata {
            topic: topic.to_owned(),
            source,
        })?;
    let partitions = metadata
        .topics()
        .iter()
        .find(|t| t.name() == topic && t.error().is_none())
        .map(|t| t.partitions().len() as i32)
        .unwrap_or(0);
    if partitions == 0 {
        return Err(AssignError::Missing {
            topic: topic.to_owned(),
        });
    }
    Ok(partitions)
}

/// Where one partition's records begin and end, as offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watermarks {
    pub partition: i32,
    /// The first offset still in the log (older ones were deleted).
    pub low: i64,
    /// The offset after the last record a consumer of [`assigned_consumer`] can read: the
    /// high watermark, or, while a transaction is open in the partition, the last stable
    /// offset (the consumer reads committed records only).
    pub high: i64,
}

/// The watermarks of every partition of `topic`, asked of each partition's leader (10 s
/// timeout each). Errors: [`AssignError::Metadata`] when a partition's leader cannot be
/// asked, [`AssignError::Missing`] when the topic is gone.
pub async fn watermarks(
    consumer: &Arc<StreamConsumer>,
    topic: &str,
) -> Result<Vec<Watermarks>, AssignError> {
    let consumer = consumer.clone();
    let name = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let partitions = partition_count(&consumer, &name)?;
        (0..partitions)
            .map(|partition| {
                consumer
                    .fetch_watermarks(&name, partition, Duration::from_secs(10))
                    .map(|(low, high)| Watermarks {
                        partition,
                        low,
                        high,
                    })
                    .map_err(|source| AssignError::Metadata {
                        topic: name.clone(),
                        source,
                    })
            })
            .collect()
    })
    .await
    .unwrap_or_else(|_| {
        Err(AssignError::Missing {
            topic: topic.to_owned(),
        })
    })
}

/// High watermarks of every partition of `topic` as (partition, high); see [`watermarks`].
pub async fn high_watermarks(
    consumer: &Arc<StreamConsumer>,
    topic: &str,
) -> Result<Vec<(i32, i64)>, AssignError> {
    let marks = watermarks(consumer, topic).await?;
    Ok(marks.into_iter().map(|m| (m.partition, m.high)).collect())
}

/// Where `consumer` reads next in each partition of `topic` it has read from, as
/// (partition, offset): the offset after the last record it handed over, and past any
/// transaction marker or aborted record after it (the client moves its position over those
/// as it skips them, though it never hands them over). Partitions it has not read from
/// yet are left out. A local call: nothing is asked of a broker. Errors: the client's,
/// when it cannot list its assignment.
pub fn positions(consumer: &StreamConsumer, topic: &str) -> Result<Vec<(i32, i64)>, KafkaError> {
    let list = consumer.position()?;
    Ok(list
        .elements_for_topic(topic)
        .iter()
        .filter_map(|element| match element.offset() {
            Offset::Offset(offset) => Some((element.partition(), offset)),
            _ => None,
        })
        .collect())
}
