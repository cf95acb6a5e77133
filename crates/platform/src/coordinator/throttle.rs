use std::time::Duration;

use faultline_protocol::vocabulary::Condition;
use faultline_protocol::{Command, ReportAbout};

use super::wait::wait_for;
use super::{Request, Responder};
use crate::events::{EpisodeOutcome, Event};
use crate::Context;

/// How long a sidecar has to confirm a COMMAND.
const CONFIRM_WITHIN: Duration = Duration::from_secs(10);
/// How long a throttled producer has to drain before the platform gives up waiting.
const DRAIN_WITHIN: Duration = Duration::from_secs(60);
/// The throttle divides the current rate by this (the original plan's rate/100).
const THROTTLE_DIVISOR: u32 = 100;

pub async fn run_episode(
    ctx: &Context,
    responder: &Responder,
    request: &Request,
) -> (EpisodeOutcome, String) {
    // Subscribe first so nothing that happens after our messages is missed.
    let mut events = ctx.bus.subscribe();
    let id = request.sidecar.clone();
    let current = ctx
        .state
        .observations
        .read()
        .get(&id)
        .map_or(0, |o| o.target_rate);
    let throttled = (current / THROTTLE_DIVISOR).max(1);

    responder.acknowledge(request).await;
    responder
        .promise(
            request,
            format!("Platform will throttle {id} from {current} to {throttled} messages per second until its buffer drains."),
        )
        .await;
    let command_id = responder
        .command(
            request,
            format!("Throttle {id} to {throttled} messages per second."),
            Command::Throttle { rate: throttled },
        )
        .await;

    let confirmation = wait_for(&mut events, CONFIRM_WITHIN, |event| {
        matches!(event, Event::SpeechAct { sidecar_id, about: Some(ReportAbout::CommandApplied | ReportAbout::CommandFailed), in_reply_to: Some(reply), .. }
            if sidecar_id == id.as_str() && *reply == command_id)
    })
    .await;
    match confirmation.as_deref().map(|e| &e.event) {
        Some(Event::SpeechAct {
            about: Some(ReportAbout::CommandApplied),
            ..
        }) => {}
        Some(Event::SpeechAct { text, .. }) => {
            let sentence = format!("{id} could not throttle: {text}");
            responder.explain(request, sentence.clone()).await;
            return (EpisodeOutcome::NotHealed, sentence);
        }
        _ => {
            let sentence = format!(
                "{id} did not confirm the throttle within {} s.",
                CONFIRM_WITHIN.as_secs()
            );
            responder.explain(request, sentence.clone()).await;
            return (EpisodeOutcome::NotHealed, sentence);
        }
    }
    responder
        .deliver(
            request,
            format!("{id} now sends at {throttled} messages per second; its buffer is draining."),
        )
        .await;

    let stable_now = ctx
        .state
        .observations
        .read()
        .get(&id)
        .is_some_and(|o| o.condition == Condition::Stable);
    let stable = stable_now
        || wait_for(&mut events, DRAIN_WITHIN, |event| {
            matches!(event, Event::Condition { sidecar_id: Some(sidecar), condition: Condition::Stable, .. } if sidecar == id.as_str())
        })
        .await
        .is_some();
    if !stable {
        let sentence = format!(
            "{id} is still not STABLE {} s after the throttle; the throttle stays on.",
            DRAIN_WITHIN.as_secs()
        );
        responder.explain(request, sentence.clone()).await;
        return (EpisodeOutcome::NotHealed, sentence);
    }
    responder
        .command(
            request,
            format!("{id}'s buffer has drained: restore its nominal rate."),
            Command::Resume,
        )
        .await;
    (EpisodeOutcome::Healed, format!("{id} healed: throttled to {throttled} messages per second, drained, and its nominal rate restored."))
}
