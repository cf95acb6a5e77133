//! The self-healing episode: throttle an overflowing producer, wait for it to drain.

use std::time::Duration;

use faultline_protocol::Command;
use tokio::sync::mpsc;

use super::{wait, CommandReport, Request, Responder};
use crate::wire::EpisodeOutcome;
use crate::Context;

/// How long a sidecar has to confirm a COMMAND.
const CONFIRM_WITHIN: Duration = Duration::from_secs(10);
/// How long a throttled producer has to drain before the platform gives up waiting.
const DRAIN_WITHIN: Duration = Duration::from_secs(60);
/// The throttle divides the current rate by this (the original plan's rate/100).
const THROTTLE_DIVISOR: u32 = 100;

/// Runs one throttle episode for `request`; `reports` brings the sidecar's REPORTs on
/// COMMANDs (opened before anything is sent, so none can come too early to be seen).
pub async fn run_episode(
    ctx: &Context,
    responder: &Responder,
    request: &Request,
    reports: &mut mpsc::Receiver<CommandReport>,
) -> (EpisodeOutcome, String) {
    let id = request.sidecar.clone();
    let current = ctx
        .state
        .signals
        .read()
        .get(&id)
        .map_or(0, |o| o.figures.target_rate);
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

    match wait::report_on(reports, &command_id, CONFIRM_WITHIN).await {
        Some(CommandReport { applied: true, .. }) => {}
        Some(CommandReport { text, .. }) => {
            let sentence = format!("{id} could not throttle: {text}");
            responder.explain(request, sentence.clone()).await;
            return (EpisodeOutcome::NotHealed, sentence);
        }
        None => {
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

    if !wait::stable(&ctx.state, &id, DRAIN_WITHIN).await {
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
