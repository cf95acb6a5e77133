//! The scenario API: what can run here, start a run (one at a time), follow a run.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::body::{Empty, JsonBody};
use super::{refuse, AppState};
use crate::scenarios::{RunError, Scenario};
use crate::wire::{FileError, RunStarted, ScenarioSummary};

/// A scenario's row of `GET /api/scenarios`; `supported`: whether it runs here.
pub(super) fn summary(scenario: &Scenario, supported: bool) -> ScenarioSummary<'_> {
    ScenarioSummary {
        id: &scenario.id,
        title: &scenario.title,
        summary: &scenario.summary,
        environments: &scenario.environments,
        supported,
        steps: &scenario.steps,
        expectations: scenario
            .expectations
            .iter()
            .map(|e| e.text.as_str())
            .collect(),
        source: &scenario.source,
    }
}

pub async fn list(State(app): State<AppState>) -> Response {
    let stage = app.stage();
    let environment = stage.scenarios.environment();
    let list: Vec<ScenarioSummary<'_>> = stage
        .scenarios
        .list()
        .into_iter()
        .map(|s| summary(s, s.supports(environment)))
        .collect();
    Json(list).into_response()
}

pub async fn errors(State(app): State<AppState>) -> Json<Vec<FileError>> {
    Json(app.stage().scenarios.errors().to_vec())
}

pub async fn run(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _: JsonBody<Empty>,
) -> Response {
    let stage = app.stage();
    match stage.scenarios.start(&id).await {
        Ok(run_id) => (StatusCode::ACCEPTED, Json(RunStarted { run_id })).into_response(),
        Err(failure) => {
            let (status, sentence) = match failure {
                // Named by what exists, not by the id that was sent.
                RunError::Unknown(_) => {
                    let mut known: Vec<&str> = stage
                        .scenarios
                        .list()
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect();
                    known.sort_unstable();
                    (
                        StatusCode::NOT_FOUND,
                        format!(
                            "there is no such scenario; the scenarios are {}",
                            known.join(", ")
                        ),
                    )
                }
                RunError::Unsupported(..) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, failure.to_string())
                }
                RunError::Busy(_) | RunError::NotRunning(_) => {
                    (StatusCode::CONFLICT, failure.to_string())
                }
            };
            refuse(status, sentence)
        }
    }
}

pub async fn run_status(State(app): State<AppState>, Path(id): Path<String>) -> Response {
    match app.stage().scenarios.run(&id).await {
        Some(view) => Json(view).into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            "there is no such run; starting a scenario answers with its run id".into(),
        ),
    }
}
