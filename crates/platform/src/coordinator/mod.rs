//! The coordinator answers sidecars' REQUESTs and closes the self-healing loop:
//! REQUEST → ACKNOWLEDGE → PROMISE → COMMAND throttle → (sidecar confirms) → DELIVER →
//! (buffer drains, STABLE) → COMMAND resume. REQUESTs and the sidecars' REPORTs on
//! COMMANDs come from the speech-acts ingest on the coordinator's own channel
//! (`inbox.rs`), never from the bus, which drops events for a reader that falls behind.

mod inbox;
mod responder;
mod throttle;
mod wait;

use std::collections::HashMap;
use std::sync::Arc;

use faultline_protocol::{RequestType, SidecarId};
use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::wire::{EpisodeOutcome, Event};
use crate::Context;
use inbox::INBOX_CAPACITY;
pub use inbox::{CommandReport, Inbound, Request};
pub use responder::Responder;

/// How many REPORTs may wait for one open episode. An episode waits for one (on its
/// COMMAND); REPORTs on an operator's COMMANDs meanwhile fit beside it. Beyond that they
/// are dropped (and logged), so a sidecar that floods REPORTs never holds the coordinator.
const REPORTS_PER_EPISODE: usize = 8;

/// The coordinator's lasting parts. They outlive a restart of its task, so a restarted
/// coordinator reads on where the last one stopped and still hands REPORTs to the episodes
/// the last one opened.
#[derive(Clone)]
pub struct Coordinator {
    responder: Responder,
    inbox: Arc<tokio::sync::Mutex<mpsc::Receiver<Inbound>>>,
    episodes: Episodes,
}

impl Coordinator {
    /// A coordinator answering through `responder`, and the sender the speech-acts ingest
    /// hands it REQUESTs and REPORTs with (bounded by [`INBOX_CAPACITY`]: a sender waits
    /// while it is full).
    pub fn new(responder: Responder) -> (Self, mpsc::Sender<Inbound>) {
        let (sender, receiver) = mpsc::channel(INBOX_CAPACITY);
        let coordinator = Self {
            responder,
            inbox: Arc::new(tokio::sync::Mutex::new(receiver)),
            episodes: Episodes::default(),
        };
        (coordinator, sender)
    }

    /// Answers each REQUEST in a task of its own and hands each REPORT to its sidecar's
    /// open episode, until the platform stops.
    pub async fn run(self, ctx: Context) {
        // Held for the whole run; a run that panics lets go of it as it unwinds.
        let mut inbox = self.inbox.lock().await;
        loop {
            let inbound = tokio::select! {
                _ = ctx.cancel.cancelled() => return,
                inbound = inbox.recv() => inbound,
            };
            match inbound {
                Some(Inbound::Request(request)) => {
                    tokio::spawn(handle(
                        ctx.clone(),
                        self.responder.clone(),
                        self.episodes.clone(),
                        request,
                    ));
                }
                Some(Inbound::Report(report)) => self.episodes.route(report),
                // Every sender is gone: the platform is being dropped.
                None => return,
            }
        }
    }
}

async fn handle(ctx: Context, responder: Responder, episodes: Episodes, request: Request) {
    let started = std::time::Instant::now();
    let Some(mut episode) = episodes.open(&request.sidecar) else {
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
    };
    let (outcome, sentence) = if request.request == RequestType::Throttle {
        throttle::run_episode(&ctx, &responder, &request, &mut episode.reports).await
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
    if outcome == EpisodeOutcome::Healed {
        // In state before the event, for readers it wakes (a scenario run's `World`).
        ctx.state.history.write().healed(&request.sidecar);
    }
    ctx.bus.publish(Event::Episode {
        sidecar_id: request.sidecar.to_string(),
        request_id: request.request_id.clone(),
        outcome,
        elapsed_ms: started.elapsed().as_millis() as u64,
        sentence,
    });
}

/// The open episodes, at most one per sidecar, each with the channel its sidecar's
/// REPORTs on COMMANDs reach it by.
#[derive(Clone, Default)]
struct Episodes(Arc<Mutex<HashMap<SidecarId, mpsc::Sender<CommandReport>>>>);

impl Episodes {
    /// Opens `sidecar`'s episode; None when one is already open.
    fn open(&self, sidecar: &SidecarId) -> Option<OpenEpisode> {
        let mut open = self.0.lock();
        if open.contains_key(sidecar) {
            return None;
        }
        let (sender, reports) = mpsc::channel(REPORTS_PER_EPISODE);
        open.insert(sidecar.clone(), sender);
        Some(OpenEpisode {
            episodes: self.clone(),
            sidecar: sidecar.clone(),
            reports,
        })
    }

    /// Hands a REPORT to its sidecar's open episode. One with no episode to go to (on an
    /// operator's COMMAND, or late for an episode that gave up) only goes on the bus, as
    /// the ingest already put it there.
    fn route(&self, report: CommandReport) {
        let Some(episode) = self.0.lock().get(&report.sidecar).cloned() else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Full(report)) = episode.try_send(report) {
            tracing::warn!(
                sidecar = %report.sidecar,
                in_reply_to = %report.in_reply_to,
                "{REPORTS_PER_EPISODE} REPORTs already wait for this sidecar's episode; this one is dropped"
            );
        }
    }
}

/// A sidecar's open episode and the REPORTs that arrive for it. Dropping it closes the
/// episode, also when the episode's task panics, so one failed episode never makes the
/// sidecar's next request wait forever.
struct OpenEpisode {
    episodes: Episodes,
    sidecar: SidecarId,
    reports: mpsc::Receiver<CommandReport>,
}

impl Drop for OpenEpisode {
    fn drop(&mut self) {
        self.episodes.0.lock().remove(&self.sidecar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> SidecarId {
        SidecarId::parse(raw).unwrap()
    }

    fn report(sidecar: &str, in_reply_to: &str) -> CommandReport {
        CommandReport {
            sidecar: id(sidecar),
            in_reply_to: in_reply_to.into(),
            applied: true,
            text: "done".into(),
        }
    }

    #[test]
    fn an_episode_closes_when_dropped_even_by_a_panic() {
        let episodes = Episodes::default();
        let episode = episodes
            .open(&id("producer-1"))
            .expect("the first episode opens");
        assert!(episodes.open(&id("producer-1")).is_none(), "one at a time");
        let panicked = std::thread::spawn(move || {
            let _episode = episode;
            panic!("an episode failed");
        })
        .join();
        assert!(panicked.is_err());
        assert!(
            episodes.open(&id("producer-1")).is_some(),
            "closed by the unwind"
        );
    }

    #[test]
    fn a_report_goes_to_its_own_sidecars_episode_only() {
        let episodes = Episodes::default();
        let mut first = episodes.open(&id("producer-1")).unwrap();
        let mut second = episodes.open(&id("producer-2")).unwrap();
        episodes.route(report("producer-2", "c-2"));
        episodes.route(report("producer-1", "c-1"));
        assert_eq!(first.reports.try_recv().unwrap().in_reply_to, "c-1");
        assert!(
            first.reports.try_recv().is_err(),
            "nothing else for producer-1"
        );
        assert_eq!(second.reports.try_recv().unwrap().in_reply_to, "c-2");
    }

    #[test]
    fn reports_beyond_what_an_episode_holds_and_reports_without_one_are_dropped() {
        let episodes = Episodes::default();
        episodes.route(report("producer-1", "before any episode"));
        let mut episode = episodes.open(&id("producer-1")).unwrap();
        for n in 0..REPORTS_PER_EPISODE + 3 {
            episodes.route(report("producer-1", &format!("c-{n}")));
        }
        let mut received = Vec::new();
        while let Ok(report) = episode.reports.try_recv() {
            received.push(report.in_reply_to);
        }
        let expected: Vec<String> = (0..REPORTS_PER_EPISODE).map(|n| format!("c-{n}")).collect();
        assert_eq!(received, expected);
        drop(episode);
        episodes.route(report("producer-1", "after the episode"));
        assert!(episodes.0.lock().is_empty());
    }
}
