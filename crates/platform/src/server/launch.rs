//! The launch panel's API: status, pre-flight for a kind, start, stop, the quit setting.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::body::{Empty, JsonBody};
use super::{refuse, AppState};
use crate::environments::StartRequest;
use crate::launch::LaunchError;
use crate::wire::{LaunchStatus, Preflight, StartRefused};

pub async fn status(State(app): State<AppState>) -> Json<LaunchStatus> {
    Json(app.launcher.status())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindQuery {
    kind: Option<String>,
}

/// `GET /api/launch/preflight?kind=local`; without a kind, the current one. Runs programs
/// (`java -version`), so off the async threads.
pub async fn preflight(
    State(app): State<AppState>,
    query: Result<Query<KindQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the pre-flight takes one query parameter, kind, such as ?kind=local".into(),
        );
    };
    let request = StartRequest {
        kind: query.kind.unwrap_or_else(|| app.launcher.status().kind),
        ..StartRequest::default()
    };
    let launcher = app.launcher.clone();
    match tokio::task::spawn_blocking(move || launcher.preflight(&request)).await {
        Ok(preflight) => Json(preflight).into_response(),
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the pre-flight check failed unexpectedly".into(),
        ),
    }
}

/// `POST /api/environment/start` with `{"kind":"rehearsal"}` (external: `"bootstrap"`).
pub async fn start(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<StartRequest>,
) -> Response {
    let request = match body {
        Some(request) => request,
        None => StartRequest {
            kind: app.launcher.status().kind,
            ..StartRequest::default()
        },
    };
    match app.launcher.start(request).await {
        Ok(status) => (StatusCode::ACCEPTED, Json(status)).into_response(),
        Err(failure @ LaunchError::Busy { .. }) => {
            refuse(StatusCode::CONFLICT, failure.to_string())
        }
        Err(failure @ LaunchError::Invalid(_)) => {
            refuse(StatusCode::BAD_REQUEST, failure.to_string())
        }
        Err(LaunchError::Blocked(preflight)) => blocked(preflight),
    }
}

fn blocked(preflight: Preflight) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(StartRefused {
            error: preflight.refusal(),
            blockers: preflight.blockers,
        }),
    )
        .into_response()
}

/// `POST /api/environment/stop`: faults are reverted first, then everything stops.
pub async fn stop(State(app): State<AppState>, _: JsonBody<Empty>) -> Json<LaunchStatus> {
    Json(app.launcher.stop().await)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    leave_running_on_quit: bool,
}

pub async fn settings(State(app): State<AppState>, JsonBody(body): JsonBody<Settings>) -> Response {
    match body {
        Some(settings) => Json(
            app.launcher
                .set_leave_running_on_quit(settings.leave_running_on_quit),
        )
        .into_response(),
        None => refuse(
            StatusCode::BAD_REQUEST,
            r#"expected {"leaveRunningOnQuit": true|false}"#.into(),
        ),
    }
}
