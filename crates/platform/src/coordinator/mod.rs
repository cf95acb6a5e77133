//! The coordinator answers sidecars' REQUESTs and closes the self-healing loop:
//! REQUEST → ACKNOWLEDGE → PROMISE → COMMAND throttle → (sidecar confirms) → DELIVER →
//! (buffer drains, STABLE) → COMMAND resume.

mod responder;
mod throttle;
mod wait;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use faultline_protocol::{RequestType, SidecarId};
use tokio::sync::broadcast::error::RecvError;

use crate::events::{EpisodeOutcome, Event, SpeechActKind};
use crate::Context;
pub use responder::Responder;

/// A REQUEST as the coordinator sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub sidecar: SidecarId,
    pub request_id: String,
    pub request: RequestType,
    pub text: String,
}

pub async fn run(ctx: Context, responder: Responder) {
    let mut events = ctx.bus.subscribe();
    let open: Arc<Mutex<HashSet<SidecarId>>> = Arc::default();
    loop {
        let event = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            event = events.recv() => event,
        };
        let event = match event {
            Ok(event) => event,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "coordinator fell behind the bus");
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        let Some(request) = as_request(&event.event) else {
            continue;
        };
        tokio::spawn(handle(
            ctx.clone(),
            responder.clone(),
            open.clone(),
            request,
        ));
    }
}

fn as_request(event: &Event) -> Option<Request> {
    let Event::SpeechAct {
        sidecar_id,
        act: SpeechActKind::Request,
        request_id,
        request,
        text,
        ..
    } = event
    else {
        return None;
    };
    Some(Request {
        sidecar: SidecarId::parse(sidecar_id).ok()?,
        request_id: request_id.clone()?,
        request: (*request)?,
        text: text.clone(),
    })
}

async fn handle(
    ctx: Context,
    responder: Responder,
    open: Arc<Mutex<HashSet<SidecarId>>>,
    request: Request,
) {
    let started = std::time::Instant::now();
    let first = open
        .lock()
        .map(|mut o| o.insert(request.sidecar.clone()))
        .unwrap_or(false);
    let (outcome, sentence) = if !first {
        responder
            .explain(
                &request,
                format!(
                    "Platform is already handling a request from {}; this one waits for it.",
                    request.sidecar
                ),
            )
            .await;
        return;
    } else if request.request == RequestType::Throttle {
        throttle::run_episode(&ctx, &responder, &request).await
    } else {
        responder.acknowledge(&request).await;
        let sentence = format!(
            "Platform has no automatic remedy for a {:?} request from {}; a person should look.",
            request.request, request.sidecar
        );
        responder.deny(&request, sentence.clone()).await;
        (EpisodeOutcome::Refused, sentence)
    };
    if let Ok(mut open) = open.lock() {
        open.remove(&request.sidecar);
    }
    ctx.bus.publish(Event::Episode {
        sidecar_id: request.sidecar.to_string(),
        request_id: request.request_id.clone(),
        outcome,
        elapsed_ms: started.elapsed().as_millis() as u64,
        sentence,
    });
}
