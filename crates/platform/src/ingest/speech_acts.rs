//! Reads sidecars' REPORTs and REQUESTs (from the latest offset: a request made while the
//! platform was down is stale by the time it is back) and puts them on the bus for viewers.
//! REQUESTs and REPORTs on COMMANDs also go to the coordinator, typed, on its own channel:
//! the bus may drop events for a reader that falls behind, that channel drops none.

use faultline_protocol::{decode_speech_act, topics, SpeechAct, SpeechActBody};
use tokio::sync::mpsc;

use super::{follow_awaiting, reject};
use crate::coordinator::Inbound;
use crate::wire::{Event, SpeechActKind};
use crate::Context;

const TOPIC: &str = topics::SPEECH_ACTS.name;

/// Reads until the platform stops. When the coordinator's channel is full, reading waits
/// for room (the records wait in Kafka meanwhile).
pub async fn run(ctx: Context, coordinator: mpsc::Sender<Inbound>) {
    let coordinator = &coordinator;
    follow_awaiting(&ctx, TOPIC, |key, payload| {
        let inbound = match decode_speech_act(key, payload) {
            Ok(act) => {
                let inbound = Inbound::from_speech_act(&act);
                ctx.bus.publish(to_event(act));
                inbound
            }
            Err(error) => {
                reject(&ctx, TOPIC, &error);
                None
            }
        };
        async move {
            let Some(inbound) = inbound else {
                return;
            };
            if coordinator.send(inbound).await.is_err() {
                tracing::warn!("the coordinator is gone; a REQUEST or REPORT for it is dropped");
            }
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
