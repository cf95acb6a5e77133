//! The scenario API: what can run here, start a run (one at a time), follow a run.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

use super::AppState;
use crate::scenarios::{FileError, RunError, Scenario};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub environments: &'a [String],
    /// Whether it runs in the current environment.
    pub supported: bool,
    pub steps: &'a [crate::scenarios::TimedStep],
    pub expectations: Vec<&'a str>,
    pub source: &'a str,
}

fn summary<'a>(scenario: &'a Scenario, environment: &str) -> ScenarioSummary<'a> {
    ScenarioSummary {
        id: &scenario.id,
        title: &scenario.title,
        summary: &scenario.summary,
        environments: &scenario.environments,
        supported: scenario.supports(environment),
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
        .map(|s| summary(s, environment))
        .collect();
    Json(list).into_response()
}

pub async fn errors(State(app): State<AppState>) -> Json<Vec<FileError>> {
    Json(app.stage().scenarios.errors().to_vec())
}

pub async fn run(State(app): State<AppState>, Path(id): Path<String>) -> Response {
    match app.stage().scenarios.start(&id).await {
        Ok(run_id) => (StatusCode::ACCEPTED, Json(json!({ "runId": run_id }))).into_response(),
        Err(failure) => {
            let status = match failure {
                RunError::Unknown(_) => StatusCode::NOT_FOUND,
                RunError::Unsupported(..) => StatusCode::UNPROCESSABLE_ENTITY,
                RunError::Busy(_) => StatusCode::CONFLICT,
            };
            (status, Json(json!({ "error": failure.to_string() }))).into_response()
        }
    }
}

pub async fn run_status(State(app): State<AppState>, Path(id): Path<String>) -> Response {
    match app.stage().scenarios.run(&id).await {
        Some(view) => Json(view).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("there is no run {id}") })),
        )
            .into_response(),
    }
}
