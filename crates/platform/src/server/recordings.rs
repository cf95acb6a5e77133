//! The presenter's recordings: start and stop a named recording, list the recordings
//! folder (session recordings run by themselves, one per environment start).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::body::{Empty, JsonBody};
use super::{refuse, AppState};
use crate::recording::{RecorderError, RecordingName};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRecording {
    name: String,
}

/// `GET /api/recordings`: every recording file, oldest first.
pub async fn list(State(app): State<AppState>) -> Response {
    match app.launcher.recorder().list() {
        Ok(files) => Json(files).into_response(),
        Err(error) => refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

/// `POST /api/recordings` with `{"name":"demo-1"}`: 201 with the new file as listed.
pub async fn start(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<NewRecording>,
) -> Response {
    let Some(NewRecording { name }) = body else {
        return refuse(
            StatusCode::BAD_REQUEST,
            r#"expected {"name": "a-name"}"#.into(),
        );
    };
    let name = match RecordingName::parse(&name) {
        Ok(name) => name,
        Err(sentence) => return refuse(StatusCode::BAD_REQUEST, sentence),
    };
    let environment = app.launcher.status().kind;
    match app.launcher.recorder().start_named(name, &environment) {
        Ok(first) => (StatusCode::CREATED, Json(first)).into_response(),
        Err(refusal) => refused(refusal),
    }
}

/// `DELETE /api/recordings/current`: stops the named recording; its files as listed.
pub async fn stop(State(app): State<AppState>, _: JsonBody<Empty>) -> Response {
    match app.launcher.recorder().stop_named().await {
        Ok(files) => Json(files).into_response(),
        Err(refusal) => refused(refusal),
    }
}

fn refused(refusal: RecorderError) -> Response {
    let status = match refusal {
        RecorderError::Busy(_) => StatusCode::CONFLICT,
        RecorderError::NotRecording => StatusCode::NOT_FOUND,
        RecorderError::Start(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refuse(status, refusal.to_string())
}
