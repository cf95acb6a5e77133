//! What the launch panel shows: where the environment is, why this kind was chosen, and
//! each start-up step with its time. Sent whole on every change (`launch` events).

use serde::Serialize;

use crate::events::StepStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LaunchState {
    Stopped,
    Starting,
    Running,
    Stopping,
    Failed,
}

/// The kind picked for the presenter, and the sentence that says why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub kind: String,
    pub reason: String,
}

/// One environment the panel offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub kind: String,
    pub title: String,
    pub available: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub step: String,
    pub status: StepStatus,
    pub detail: String,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchStatus {
    /// The environment kind of the current (or last) start.
    pub kind: String,
    pub state: LaunchState,
    pub detected: Detection,
    pub choices: Vec<Choice>,
    pub steps: Vec<StepView>,
    pub started_at_ms: Option<i64>,
    pub error: Option<String>,
    /// Whether quitting the desktop app leaves the environment it started running.
    pub leave_running_on_quit: bool,
    /// Remains of the fault ledger this start found unreadable (so not reverted), and
    /// where they were kept; empty when the ledger was whole.
    pub ledger_unreadable: Vec<crate::chaos::Unreadable>,
}

impl LaunchStatus {
    /// Records a step event: a started step is added, a finished one updated in place.
    pub fn record_step(&mut self, step: &str, status: StepStatus, detail: &str, elapsed_ms: u64) {
        let view = StepView {
            step: step.to_owned(),
            status,
            detail: detail.to_owned(),
            elapsed_ms,
        };
        match self
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.step == step && s.status == StepStatus::Started)
        {
            Some(existing) => *existing = view,
            None => self.steps.push(view),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> LaunchStatus {
        LaunchStatus {
            kind: "rehearsal".into(),
            state: LaunchState::Starting,
            detected: Detection {
                kind: "rehearsal".into(),
                reason: "test".into(),
            },
            choices: Vec::new(),
            steps: Vec::new(),
            started_at_ms: None,
            error: None,
            leave_running_on_quit: false,
            ledger_unreadable: Vec::new(),
        }
    }

    #[test]
    fn a_finished_step_replaces_its_start_and_a_repeat_is_a_new_line() {
        let mut launch = status();
        launch.record_step("Start broker 1", StepStatus::Started, "", 0);
        launch.record_step("Start broker 2", StepStatus::Started, "", 0);
        launch.record_step("Start broker 1", StepStatus::Done, "", 812);
        assert_eq!(launch.steps.len(), 2);
        assert_eq!(launch.steps[0].status, StepStatus::Done);
        assert_eq!(launch.steps[0].elapsed_ms, 812);
        launch.record_step("Start broker 1", StepStatus::Started, "", 0);
        assert_eq!(launch.steps.len(), 3);
    }
}
