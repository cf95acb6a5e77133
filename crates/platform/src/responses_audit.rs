//! Watches `faultline.responses` too, so that a bad record there (sidecars would skip it)
//! is counted where an operator looks: `/api/health`.

use std::time::Duration;

use faultline_protocol::{decode_response, topics};
use rdkafka::message::Message;
use rdkafka::Offset;

use crate::ingest::{consumer_for, read_records, reject};
use crate::Context;

const TOPIC: &str = topics::RESPONSES.name;

pub async fn run(ctx: Context) {
    let Some(consumer) = consumer_for(&ctx, TOPIC, Offset::End).await else { return };
    read_records(
        &consumer,
        &ctx.cancel,
        Duration::from_secs(60),
        |record| {
            let Some(payload) = record.payload() else { return };
            if let Err(error) = decode_response(record.key(), payload) {
                reject(&ctx, TOPIC, &error);
            }
        },
        || {},
    )
    .await;
}
