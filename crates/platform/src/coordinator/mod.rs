//! The coordinator answers sidecars' REQUESTs and closes the self-healing loop:
//! REQUEST → ACKNOWLEDGE → PROMISE → COMMAND throttle → (sidecar confirms) → DELIVER →
//! (buffer drains, STABLE) → COMMAND resume.

mod responder;
mod throttle;
mod wait;

use std::collections::HashSet;
use std::sync::Arc;

use faultline_protocol::{RequestType, SidecarId};
use parking_lot::Mutex;
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
    let episode = OpenEpisode::begin(open, &request.sidecar);
    let (outcome, sentence) = if episode.is_none() {
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
    drop(episode);
    ctx.bus.publish(Event::Episode {
        sidecar_id: request.sidecar.to_string(),
        request_id: request.request_id.clone(),
        outcome,
        elapsed_ms: started.elapsed().as_millis() as u64,
        sentence,
    });
}

/// A sidecar's open episode. Dropping it closes the episode, also when the episode's task
/// panics, so one failed episode never makes the sidecar's next request wait forever.
struct OpenEpisode {
    open: Arc<Mutex<HashSet<SidecarId>>>,
    sidecar: SidecarId,
}

impl OpenEpisode {
    /// None when an episode for this sidecar is already open.
    fn begin(open: Arc<Mutex<HashSet<SidecarId>>>, sidecar: &SidecarId) -> Option<Self> {
        let first = open.lock().insert(sidecar.clone());
        first.then(|| Self {
            open,
            sidecar: sidecar.clone(),
        })
    }
}

impl Drop for OpenEpisode {
    fn drop(&mut self) {
        self.open.lock().remove(&self.sidecar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_episode_closes_when_dropped_even_by_a_panic() {
        let open: Arc<Mutex<HashSet<SidecarId>>> = Arc::default();
        let id = SidecarId::parse("producer-1").unwrap();
        let episode = OpenEpisode::begin(open.clone(), &id).expect("the first episode opens");
        assert!(
            OpenEpisode::begin(open.clone(), &id).is_none(),
            "one at a time"
        );
        let panicked = std::thread::spawn(move || {
            let _episode = episode;
            panic!("an episode failed");
        })
        .join();
        assert!(panicked.is_err());
        assert!(
            OpenEpisode::begin(open, &id).is_some(),
            "closed by the unwind"
        );
    }
}
