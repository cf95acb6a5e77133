//! Reading a topic and refusing bad records, shared by every consumer of the platform.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use faultline_kafka::assigned_consumer;
use faultline_protocol::clock::now_ms;
use faultline_protocol::{check_record_timestamp, DecodeError};
use futures_util::StreamExt;
use rdkafka::consumer::StreamConsumer;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::Offset;
use tokio_util::sync::CancellationToken;

use crate::wire::Event;
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
    follow_awaiting(ctx, topic, |key, payload| {
        handle(key, payload);
        std::future::ready(())
    })
    .await;
}

/// Like [`follow`], for a reader whose hand-off can wait: the future `handle` returns is
/// awaited before the next record is read, so a hand-off that waits (for room in a bounded
/// channel) leaves the records in Kafka meanwhile instead of losing them.
pub async fn follow_awaiting<F: Future<Output = ()>>(
    ctx: &Context,
    topic: &str,
    mut handle: impl FnMut(Option<&[u8]>, &[u8]) -> F,
) {
    let Some(consumer) = consumer_for(ctx, topic, Offset::End).await else {
        return;
    };
    let mut stream = consumer.stream();
    loop {
        let handed = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            next = stream.next() => match next {
                None => return,
                Some(Ok(record)) => record.payload().map(|payload| handle(record.key(), payload)),
                Some(Err(error)) => {
                    tracing::warn!(topic, %error, "consumer error");
                    None
                }
            }
        };
        if let Some(handed) = handed {
            tokio::select! {
                _ = ctx.cancel.cancelled() => return,
                () = handed => {}
            }
        }
    }
}

/// The record's timestamp (the sender's clock for CreateTime records), or now for a record
/// without one. Errors: a timestamp outside 2000-01-01 to 2100-01-01 is `invalid`.
pub fn record_ts(record: &BorrowedMessage<'_>) -> Result<i64, DecodeError> {
    checked_ts(record.timestamp().to_millis(), now_ms)
}

fn checked_ts(ts: Option<i64>, now: impl FnOnce() -> i64) -> Result<i64, DecodeError> {
    match ts {
        Some(ts) => check_record_timestamp(ts),
        None => Ok(now()),
    }
}

/// Counts, logs and announces a refused record; the consumer then moves on.
pub fn reject(ctx: &Context, topic: &str, error: &DecodeError) {
    ctx.state.rejections.write().count(topic, error.reason);
    tracing::warn!(topic, reason = error.reason.as_str(), %error, "record refused");
    ctx.bus.publish(Event::Rejected {
        topic: topic.to_owned(),
        reason: error.reason.as_str().to_owned(),
        detail: error.detail.clone(),
    });
}

#[cfg(test)]
mod tests {
    use faultline_protocol::RejectReason;

    use super::*;

    #[test]
    fn the_reported_poison_record_timestamp_is_refused_as_invalid() {
        // A valid registration with this record timestamp once panicked discovery
        // ("attempt to subtract with overflow").
        let err = checked_ts(Some(i64::MIN), || 0).unwrap_err();
        assert_eq!(err.reason, RejectReason::Invalid);
        assert_eq!(
            err.detail,
            "the record's timestamp is -9223372036854775808, outside its plausible range \
             946684800000 to 4102444800000 ms since the Unix epoch (2000-01-01 to 2100-01-01)."
        );
        assert_eq!(
            checked_ts(Some(-1), || 0).unwrap_err().reason,
            RejectReason::Invalid
        );
    }

    #[test]
    fn a_plausible_timestamp_is_kept_and_a_missing_one_is_now() {
        assert_eq!(
            checked_ts(Some(1_795_727_499_360), || 7),
            Ok(1_795_727_499_360)
        );
        assert_eq!(
            checked_ts(None, || 1_795_727_499_360),
            Ok(1_795_727_499_360)
        );
    }
}
