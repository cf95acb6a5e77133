//! Creating Faultline's missing topics with their cleanup policy, and counting brokers.

use std::time::Duration;

use faultline_protocol::topics::{CleanupPolicy, TopicSpec, ALL};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, Producer};
use rdkafka::types::RDKafkaErrorCode;

use crate::ClientSettings;

#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    #[error("cannot reach Kafka at {bootstrap} to create Faultline's topics: {source}")]
    Unreachable {
        bootstrap: String,
        source: KafkaError,
    },
    #[error("cannot create topic {topic}: {code}")]
    Create {
        topic: String,
        code: RDKafkaErrorCode,
    },
}

/// Creates any of Faultline's topics that are missing, with their cleanup policy.
/// Sidecars and the platform both call this, so whichever starts first makes them;
/// "already exists" is success. Replication is capped by the number of brokers.
pub async fn ensure_topics(settings: &ClientSettings) -> Result<(), TopicError> {
    ensure_these_topics(settings, &ALL).await
}

/// Creates whichever of `specs` are missing.
pub async fn ensure_these_topics(
    settings: &ClientSettings,
    specs: &[TopicSpec],
) -> Result<(), TopicError> {
    let unreachable = |source| TopicError::Unreachable {
        bootstrap: settings.bootstrap.clone(),
        source,
    };
    let admin: AdminClient<DefaultClientContext> =
        settings.client_config().create().map_err(unreachable)?;
    let cluster = cluster_view(settings).await.map_err(unreachable)?;
    // Only what is missing is created, so clusters that do not offer CreateTopics (the
    // embedded rehearsal cluster creates its topics itself) are fine too.
    let missing: Vec<&TopicSpec> = specs
        .iter()
        .filter(|spec| !cluster.topics.iter().any(|t| t == spec.name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let replication = cluster.brokers.min(3);
    let configs: Vec<Vec<(&str, String)>> =
        missing.iter().map(|spec| topic_configs(spec)).collect();
    let new_topics: Vec<NewTopic> = missing
        .iter()
        .zip(&configs)
        .map(|(spec, config)| {
            config.iter().fold(
                NewTopic::new(
                    spec.name,
                    spec.partitions,
                    TopicReplication::Fixed(replication),
                ),
                |topic, (key, value)| topic.set(key, value),
            )
        })
        .collect();
    let options = AdminOptions::new()
        .operation_timeout(Some(Duration::from_secs(10)))
        .request_timeout(Some(Duration::from_secs(15)));
    let results = admin
        .create_topics(&new_topics, &options)
        .await
        .map_err(unreachable)?;
    for result in results {
        match result {
            Ok(topic) => tracing::info!(%topic, replication, "created topic"),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => return Err(TopicError::Create { topic, code }),
        }
    }
    Ok(())
}

fn topic_configs(spec: &TopicSpec) -> Vec<(&'static str, String)> {
    let mut config = vec![("cleanup.policy", spec.cleanup.as_kafka_value().to_owned())];
    if let CleanupPolicy::Delete { retention_ms } = spec.cleanup {
        config.push(("retention.ms", retention_ms.to_string()));
    }
    config
}

/// Brokers in the cluster's metadata.
pub async fn broker_count(settings: &ClientSettings) -> Result<i32, KafkaError> {
    Ok(cluster_view(settings).await?.brokers)
}

struct ClusterView {
    brokers: i32,
    topics: Vec<String>,
}

/// One metadata request (a blocking call, so off the async workers).
async fn cluster_view(settings: &ClientSettings) -> Result<ClusterView, KafkaError> {
    let config = settings.client_config();
    tokio::task::spawn_blocking(move || {
        let producer: BaseProducer = config.create()?;
        let metadata = producer
            .client()
            .fetch_metadata(None, Duration::from_secs(10))?;
        Ok(ClusterView {
            brokers: metadata.brokers().len().max(1) as i32,
            topics: metadata
                .topics()
                .iter()
                .filter(|t| t.error().is_none())
                .map(|t| t.name().to_owned())
                .collect(),
        })
    })
    .await
    .unwrap_or(Err(KafkaError::Canceled))
}

/// [`ensure_topics`] until it succeeds: the cluster may come up after the caller.
/// Callers that can be stopped race this against their own cancellation.
pub async fn wait_for_topics(settings: &ClientSettings) {
    let mut delay = Duration::from_millis(250);
    loop {
        match ensure_topics(settings).await {
            Ok(()) => return,
            Err(error) => tracing::warn!(%error, "waiting for Kafka"),
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}
