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

/// High watermarks of every partition of `topic`: where a replay is complete.
pub async fn high_watermarks(
    consumer: &Arc<StreamConsumer>,
    topic: &str,
) -> Result<Vec<(i32, i64)>, AssignError> {
    let consumer = consumer.clone();
    let name = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let partitions = partition_count(&consumer, &name)?;
        (0..partitions)
            .map(|p| {
                consumer
                    .fetch_watermarks(&name, p, Duration::from_secs(10))
                    .map(|(_, high)| (p, high))
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
