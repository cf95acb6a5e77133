//! What a report shows of one run, read from recorded events (`/ws`'s JSON, as recordings
//! hold them): the run's result from its `finished` event, and the readings, faults and
//! conditions of its window. A line with missing or odd fields is skipped.

use serde_json::Value;

use super::alerts::{self, AlertWindow};
use super::bands::{self, FaultBand};
use super::conditions::{self, ConditionRow};
use super::labels::healing_marker;
use super::series::{self, Series};
use super::ReportError;
use crate::wire::{RunPhase, RunView};

/// How far the window reaches before the run's start and after its finish, ms.
pub const MARGIN_MS: i64 = 3_000;

/// One finished run, ready to draw. Times are seconds from the run's first injection (its
/// start when nothing was injected), as its stopwatch counts them.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// The result the run published when it finished.
    pub run: RunView,
    /// The window's ends, in seconds from the origin.
    pub from_s: f64,
    pub to_s: f64,
    /// The metric lines its expectations watch, one per watched figure.
    pub series: Vec<Series>,
    /// Each fault of the run, from injection to revert.
    pub faults: Vec<FaultBand>,
    /// The subjects whose condition the report shows, over the window.
    pub conditions: Vec<ConditionRow>,
    /// Typical alerting for the run's first fault, when it was injected.
    pub alert_window: Option<&'static AlertWindow>,
    /// Each self-healing episode the platform completed during the run: its label and
    /// when it ended (seconds from the origin). For a burst the platform throttles, this is
    /// the healing the run is about, while the stopwatch's heal is the scenario's own step.
    pub healings: Vec<(String, f64)>,
}

/// A recorded event's time and type, when it has both.
pub(super) fn stamp(event: &Value) -> Option<(i64, &str)> {
    Some((event.get("atMs")?.as_i64()?, event.get("type")?.as_str()?))
}

/// The event's string field `name`.
pub(super) fn text<'a>(event: &'a Value, name: &str) -> Option<&'a str> {
    event.get(name)?.as_str()
}

impl RunRecord {
    /// Reads run `run_id` from `events` (a recording's, in order). Errors: no event of the
    /// run, no `finished` event yet, or a result that cannot be read.
    pub fn from_events(run_id: &str, events: &[Value]) -> Result<Self, ReportError> {
        let phases: Vec<(i64, RunPhase, &Value)> = events
            .iter()
            .filter(|e| stamp(e).is_some_and(|(_, kind)| kind == "scenario"))
            .filter(|e| text(e, "runId") == Some(run_id))
            .filter_map(|e| {
                let phase = serde_json::from_value(e.get("phase")?.clone()).ok()?;
                Some((stamp(e)?.0, phase, e))
            })
            .collect();
        if phases.is_empty() {
            return Err(ReportError::UnknownRun(run_id.to_owned()));
        }
        let (finished_ms, finished) = phases
            .iter()
            .find(|(_, phase, _)| *phase == RunPhase::Finished)
            .map(|(at, _, event)| (*at, *event))
            .ok_or_else(|| ReportError::NotFinished(run_id.to_owned()))?;
        let run: RunView = finished
            .get("run")
            .ok_or_else(|| bad_result(run_id, "its finished event has no \"run\""))
            .and_then(|run| {
                serde_json::from_value(run.clone()).map_err(|e| bad_result(run_id, &e.to_string()))
            })?;
        let started_ms = phases
            .iter()
            .find(|(_, phase, _)| *phase == RunPhase::Started)
            .map_or(run.started_at_ms, |(at, _, _)| *at);
        let (from_ms, to_ms) = (started_ms - MARGIN_MS, finished_ms + MARGIN_MS);
        let faults = bands::of_run(events, started_ms, finished_ms);
        let first_fault = faults.first();
        let origin_ms = first_fault.map_or(started_ms, |band| band.from_ms);
        let seconds = |at_ms: i64| (at_ms - origin_ms) as f64 / 1000.0;
        Ok(Self {
            from_s: seconds(from_ms),
            to_s: seconds(to_ms),
            series: series::watched(&run.expectations, events, from_ms, to_ms, &seconds),
            conditions: conditions::rows(&run.expectations, events, from_ms, to_ms, &seconds),
            alert_window: first_fault
                .and_then(|band| band.fault.as_ref())
                .and_then(alerts::for_fault),
            healings: healings(events, started_ms, finished_ms, &seconds),
            faults: faults
                .into_iter()
                .map(|band| band.placed(&seconds, to_ms))
                .collect(),
            run,
        })
    }
}

/// The `episode` events that healed a sidecar between the run's start and finish.
fn healings(
    events: &[Value],
    started_ms: i64,
    finished_ms: i64,
    seconds: &dyn Fn(i64) -> f64,
) -> Vec<(String, f64)> {
    events
        .iter()
        .filter_map(|event| {
            let (at_ms, kind) = stamp(event)?;
            let healed = kind == "episode" && text(event, "outcome") == Some("healed");
            (healed && (started_ms..=finished_ms).contains(&at_ms)).then_some(())?;
            let label =
                healing_marker(text(event, "sidecarId")?, event.get("elapsedMs")?.as_u64()?);
            Some((label, seconds(at_ms)))
        })
        .collect()
}

fn bad_result(run_id: &str, reason: &str) -> ReportError {
    ReportError::BadResult {
        run_id: run_id.to_owned(),
        reason: reason.to_owned(),
    }
}
