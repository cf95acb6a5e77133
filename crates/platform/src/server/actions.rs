//! API calls that change something. Each answers with what it did, or a clear error.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use faultline_protocol::{Command, SidecarId};
use serde_json::json;

use super::{refuse, AppState};

/// `POST /api/sidecars/{id}/command` with a command (`{"op":"set-rate","rate":50}`).
pub async fn command(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Option<Json<Command>>,
) -> Response {
    let Ok(target) = SidecarId::parse(&id) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "that is not a valid sidecar id".into(),
        );
    };
    let Some(Json(command)) = body else {
        return refuse(
            StatusCode::BAD_REQUEST,
            r#"expected a JSON command such as {"op":"set-rate","rate":50}, {"op":"throttle","rate":1} or {"op":"resume"}"#.into(),
        );
    };
    let stage = app.stage();
    let known = stage
        .state
        .registry
        .read()
        .map(|r| r.get(&target).is_some())
        .unwrap_or(false);
    if !known {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("no sidecar {target} is known"),
        );
    }
    let platform = stage.platform.lock().await;
    let Some(platform) = platform.as_ref() else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "the platform is still starting".into(),
        );
    };
    let response_id = platform.command(&target, command).await;
    (
        StatusCode::ACCEPTED,
        Json(json!({ "responseId": response_id })),
    )
        .into_response()
}

/// `POST /api/environment/brokers/{id}/start`: start (or resume) a broker that is down.
pub async fn start_broker(State(app): State<AppState>, Path(id): Path<i32>) -> Response {
    match app.stage().environment.start_broker(id).await {
        Ok(()) => Json(json!({ "started": id })).into_response(),
        Err(error) => refuse(StatusCode::CONFLICT, error),
    }
}
