//! Reads sidecars' REPORTs and REQUESTs (from the latest offset: a request made while the
//! platform was down is stale by the time it is back) and puts them on the bus, where the
//! coordinator picks the REQUESTs up.

use faultline_protocol::{decode_speech_act, topics, SpeechAct, SpeechActBody};

use crate::events::{Event, SpeechActKind};
use crate::ingest::{follow, reject};
use crate::Context;

const TOPIC: &str = topics::SPEECH_ACTS.name;

pub async fn run(ctx: Context) {
    follow(&ctx, TOPIC, |key, payload| {
        match decode_speech_act(key, payload) {
            Ok(act) => ctx.bus.publish(to_event(act)),
            Err(error) => reject(&ctx, TOPIC, &error),
        }
    })
    .await;
}

fn to_event(act: SpeechAct) -> Event {
    let sidecar_id = act.source.to_string();
    match act.body {
        SpeechActBody::Report {
            about,
            text,
            in_reply_to,
        } => Event::SpeechAct {
            sidecar_id,
            act: SpeechActKind::Report,
            text,
            request_id: None,
            request: None,
            urgency: None,
            about: Some(about),
            in_reply_to,
        },
        SpeechActBody::Request {
            request_id,
            request,
            urgency,
            text,
        } => Event::SpeechAct {
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
