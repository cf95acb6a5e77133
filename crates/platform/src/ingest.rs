//! Reading a topic and refusing bad records, shared by every consumer of the platform.

use std::sync::Arc;
use std::time::Duration;

use faultline_kafka::assigned_consumer;
use faultline_protocol::DecodeError;
use futures_util::StreamExt;
use rdkafka::consumer::StreamConsumer;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::Offset;
use tokio_util::sync::CancellationToken;

use crate::events::Event;
use crate::Context;

/// Assigns every partition of `topic` at `offset`, retrying until the topic exists or the
/// platform stops (the cluster may come up after the platform).
pub async fn consumer_for(
    ctx: &Context,
    topic: &str,
    offset: Offset,
) -> Option<Arc<StreamConsumer>> {
    let mut delay = Duration::from_millis(200);
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            result = assigned_consumer(&ctx.kafka, topic, offset) => match result {
                Ok(consumer) => return Some(consumer),
                Err(error) => tracing::warn!(%error, "waiting to read {topic}"),
            }
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            _ = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Hands every record to `handle` until cancelled. `idle` is called when no record has
/// arrived for `idle_after` (discovery uses it to notice the end of a replay).
pub async fn read_records(
    consumer: &StreamConsumer,
    cancel: &CancellationToken,
    idle_after: Duration,
    mut handle: impl FnMut(&BorrowedMessage<'_>),
    mut idle: impl FnMut(),
) {
    let mut stream = consumer.stream();
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            next = tokio::time::timeout(idle_after, stream.next()) => match next {
                Err(_) => idle(),
                Ok(None) => return,
                Ok(Some(Ok(record))) => handle(&record),
                Ok(Some(Err(error))) => tracing::warn!(%error, "consumer error"),
            }
        }
    }
}

/// Follows `topic` from its end until the platform stops, handing every record that has a
/// value to `handle` with its key.
pub async fn follow(ctx: &Context, topic: &str, mut handle: impl FnMut(Option<&[u8]>, &[u8])) {
    let Some(consumer) = consumer_for(ctx, topic, Offset::End).await else {
        return;
    };
    read_records(
        &consumer,
        &ctx.cancel,
        Duration::from_secs(60),
        |record| {
            if let Some(payload) = record.payload() {
                handle(record.key(), payload);
            }
        },
        || {},
    )
    .await;
}

/// The record's timestamp (the sender's clock for CreateTime records).
pub fn record_ts(record: &BorrowedMessage<'_>) -> Option<i64> {
    record.timestamp().to_millis()
}

/// Counts, logs and announces a refused record; the consumer then moves on.
pub fn reject(ctx: &Context, topic: &str, error: &DecodeError) {
    if let Ok(mut rejections) = ctx.state.rejections.write() {
        rejections.count(topic, error.reason);
    }
    tracing::warn!(topic, reason = error.reason.as_str(), %error, "record refused");
    ctx.bus.publish(Event::Rejected {
        topic: topic.to_owned(),
        reason: error.reason.as_str().to_owned(),
        detail: error.detail.clone(),
    });
}
