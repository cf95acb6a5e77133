//! What the launch panel shows: where the environment is, why this kind was chosen, and
//! each start-up step with its time. Sent whole on every change (`launch` events).

use serde::Serialize;

use super::event::StepStatus;
use super::faults::Unreadable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
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
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub kind: String,
    pub title: String,
    pub available: bool,
    pub reason: String,
    /// Whether a start of this kind needs bootstrap servers (`bootstrap` in the start
    /// request), so the panel asks for them.
    pub needs_bootstrap: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub step: String,
    pub status: StepStatus,
    pub detail: String,
    pub elapsed_ms: u64,
    /// How far a running step is, 0-100 (a pull, a build); absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<u8>,
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
    pub ledger_unreadable: Vec<Unreadable>,
}

impl LaunchStatus {
    /// Records a step event: a started step is added; a finished one, or a running one's
    /// progress, updates it in place.
    pub fn record_step(&mut self, view: StepView) {
        match self
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.step == view.step && s.status == StepStatus::Started)
        {
            Some(existing) => *existing = view,
            None => self.steps.push(view),
        }
    }
}

/// One line of a pre-flight list: what was checked, whether it holds, a sentence saying
/// what was found, and when it fails how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreflightCheck {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl PreflightCheck {
    pub fn passed(name: &str, detail: String) -> Self {
        Self {
            name: name.to_owned(),
            ok: true,
            detail,
            fix: None,
        }
    }

    pub fn failed(name: &str, detail: String, fix: String) -> Self {
        Self {
            name: name.to_owned(),
            ok: false,
            detail,
            fix: Some(fix),
        }
    }

    /// Picks the passed or failed sentence by the outcome.
    pub fn new(name: &str, ok: bool, passed: String, failed: String, fix: &str) -> Self {
        if ok {
            Self::passed(name, passed)
        } else {
            Self::failed(name, failed, fix.to_owned())
        }
    }
}

/// A kind's whole pre-flight list (`GET /api/launch/preflight`). A failed check is a
/// blocker: a start is refused while there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Preflight {
    pub kind: String,
    pub ok: bool,
    pub checks: Vec<PreflightCheck>,
    /// The failed checks: what stops a start.
    pub blockers: Vec<PreflightCheck>,
}

impl Preflight {
    /// The list of `kind` from its checks; the failed ones are its blockers.
    pub fn of(kind: &str, checks: Vec<PreflightCheck>) -> Self {
        let blockers: Vec<PreflightCheck> = checks.iter().filter(|c| !c.ok).cloned().collect();
        Self {
            kind: kind.to_owned(),
            ok: blockers.is_empty(),
            checks,
            blockers,
        }
    }

    /// One sentence naming every blocker with its fix, for a refused start; a fix already
    /// said for an earlier blocker is not said again.
    pub fn refusal(&self) -> String {
        let mut said: Vec<&str> = Vec::new();
        let named: Vec<String> = self
            .blockers
            .iter()
            .map(|c| match &c.fix {
                Some(fix) if !said.contains(&fix.as_str()) => {
                    said.push(fix);
                    format!("{} ({fix})", c.detail)
                }
                _ => c.detail.clone(),
            })
            .collect();
        format!(
            "The {} environment cannot start: {}.",
            self.kind,
            named.join("; ")
        )
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

    fn step(step: &str, status: StepStatus, elapsed_ms: u64, percent: Option<u8>) -> StepView {
        StepView {
            step: step.into(),
            status,
            detail: String::new(),
            elapsed_ms,
            percent,
        }
    }

    #[test]
    fn a_finished_step_replaces_its_start_and_a_repeat_is_a_new_line() {
        let mut launch = status();
        launch.record_step(step("Start broker 1", StepStatus::Started, 0, None));
        launch.record_step(step("Start broker 2", StepStatus::Started, 0, None));
        launch.record_step(step("Start broker 2", StepStatus::Started, 300, Some(40)));
        assert_eq!(launch.steps.len(), 2, "progress updates its step in place");
        assert_eq!(launch.steps[1].percent, Some(40));
        launch.record_step(step("Start broker 1", StepStatus::Done, 812, None));
        assert_eq!(launch.steps.len(), 2);
        assert_eq!(launch.steps[0].status, StepStatus::Done);
        assert_eq!(launch.steps[0].elapsed_ms, 812);
        launch.record_step(step("Start broker 1", StepStatus::Started, 0, None));
        assert_eq!(launch.steps.len(), 3);
    }
}
