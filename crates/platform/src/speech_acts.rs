//! Reads sidecars' REPORTs and REQUESTs (from the latest offset: a request made while the
//! platform was down is stale by the time it is back) and puts them on the bus, where the
//! coordinator picks the REQUESTs up.

use std::time::Duration;

use faultline_protocol::{decode_speech_act, topics, SpeechAct, SpeechActBody};
use rdkafka::message::Message;
use rdkafka::Offset;

use crate::events::{Event, SpeechActKind};
use crate::ingest::{consumer_for, read_records, reject};
use crate::Context;

const TOPIC: &str = topics::SPEECH_ACTS.name;

pub async fn run(ctx: Context) {
    let Some(consumer) = consumer_for(&ctx, TOPIC, Offset::End).await else { return };
    read_records(
        &consumer,
        &ctx.cancel,
        Duration::from_secs(60),
        |record| {
            let Some(payload) = record.payload() else { return };
            match decode_speech_act(record.key(), payload) {
                Ok(act) => ctx.bus.publish(to_event(act)),
                Err(error) => reject(&ctx, TOPIC, &error),
            }
        },
        || {},
    )
    .await;
}

fn to_event(act: SpeechAct) -> Event {
    let sidecar_id = act.source.to_string();
    match act.body {
        SpeechActBody::Report { about, text, in_reply_to } => Event::SpeechAct {
            sidecar_id,
            act: SpeechActKind::Report,
            text,
            request_id: None,
            request: None,
            urgency: None,
            about: Some(about),
            in_reply_to,
        },
        SpeechActBody::Request { request_id, request, urgency, text } => Event::SpeechAct {
            sidecar_id,
            act: SpeechActKind::Request,
            text,
            request_id: Some(request_id),
            request: Some(request),
            urgency: Some(urgency),
            about: None,
            in_reply_to: None,
        },
    }
}
