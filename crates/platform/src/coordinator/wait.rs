//! The throttle episode's two waits, each with a deadline: for the sidecar's REPORT on a
//! COMMAND (from the episode's own channel) and for its condition to become STABLE (from
//! the platform's state). Neither reads the bus, which drops events for a reader that
//! falls behind.

use std::time::Duration;

use faultline_protocol::vocabulary::Condition;
use faultline_protocol::SidecarId;
use tokio::sync::mpsc;

use super::CommandReport;
use crate::state::SharedState;

/// How often the drain wait looks at the sidecar's condition. Sidecars send a snapshot
/// about once a second, so a condition can change no faster than that.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// The sidecar's REPORT on COMMAND `command_id`, or None when `deadline` passes first.
/// REPORTs on other COMMANDs (an operator's) are passed over.
pub async fn report_on(
    reports: &mut mpsc::Receiver<CommandReport>,
    command_id: &str,
    deadline: Duration,
) -> Option<CommandReport> {
    let waiting = async {
        while let Some(report) = reports.recv().await {
            if report.in_reply_to == command_id {
                return Some(report);
            }
        }
        None
    };
    tokio::time::timeout(deadline, waiting).await.ok().flatten()
}

/// Whether `sidecar`'s condition is STABLE in the platform's state now or becomes so
/// before `deadline` passes. The state holds the condition of the latest snapshot, so no
/// change can slip by unseen the way an event can.
pub async fn stable(state: &SharedState, sidecar: &SidecarId, deadline: Duration) -> bool {
    let is_stable = || {
        state
            .signals
            .read()
            .get(sidecar)
            .is_some_and(|o| o.condition == Condition::Stable)
    };
    let waiting = async {
        while !is_stable() {
            tokio::time::sleep(LOOK_EVERY).await;
        }
    };
    tokio::time::timeout(deadline, waiting).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(in_reply_to: &str, applied: bool) -> CommandReport {
        CommandReport {
            sidecar: SidecarId::parse("producer-1").unwrap(),
            in_reply_to: in_reply_to.into(),
            applied,
            text: String::new(),
        }
    }

    #[tokio::test]
    async fn the_report_on_the_awaited_command_is_found_among_others() {
        let (sender, mut reports) = mpsc::channel(4);
        sender.send(report("operator-command", true)).await.unwrap();
        sender
            .send(report("throttle-command", false))
            .await
            .unwrap();
        let found = report_on(&mut reports, "throttle-command", Duration::from_secs(30)).await;
        assert_eq!(found, Some(report("throttle-command", false)));
    }

    #[tokio::test(start_paused = true)]
    async fn no_report_on_the_command_is_none_at_the_deadline() {
        let (sender, mut reports) = mpsc::channel(4);
        sender.send(report("operator-command", true)).await.unwrap();
        let found = report_on(&mut reports, "throttle-command", Duration::from_secs(10)).await;
        assert_eq!(found, None);
        drop(sender);
    }

    #[tokio::test(start_paused = true)]
    async fn a_sidecar_that_becomes_stable_is_seen_and_one_that_does_not_times_out() {
        let state = SharedState::default();
        let id = SidecarId::parse("producer-1").unwrap();
        state
            .signals
            .write()
            .entry(id.clone())
            .or_default()
            .condition = Condition::Degraded;
        assert!(!stable(&state, &id, Duration::from_secs(60)).await);
        let later = state.clone();
        let settles = {
            let id = id.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                later
                    .signals
                    .write()
                    .entry(id.clone())
                    .or_default()
                    .condition = Condition::Stable;
            })
        };
        assert!(stable(&state, &id, Duration::from_secs(60)).await);
        settles.await.unwrap();
    }
}
