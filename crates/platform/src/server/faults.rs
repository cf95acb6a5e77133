//! The fault API: list, inject, revert, restore everything, and what the last start found.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::body::{Empty, JsonBody};
use super::{refuse, AppState};
use crate::chaos::{ChaosError, Fault};
use crate::wire::{ActiveFault, FaultReverted, RestoreReport};

/// How long "restore all" waits for everything to turn green.
const SETTLE_WITHIN: Duration = Duration::from_secs(45);

pub async fn list(State(app): State<AppState>) -> Json<Vec<ActiveFault>> {
    Json(app.stage().chaos.active().await)
}

/// `POST /api/faults` with a fault (`{"kind":"latency","broker":1,"ms":500}`).
pub async fn inject(State(app): State<AppState>, JsonBody(body): JsonBody<Fault>) -> Response {
    let Some(fault) = body else {
        return refuse(
            StatusCode::BAD_REQUEST,
            r#"expected a fault such as {"kind":"latency","broker":1,"ms":500}"#.into(),
        );
    };
    match app.stage().chaos.inject(fault, None).await {
        Ok(active) => (StatusCode::CREATED, Json(active)).into_response(),
        Err(failure) => chaos_error(failure),
    }
}

pub async fn revert(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _: JsonBody<Empty>,
) -> Response {
    match app.stage().chaos.revert(&id).await {
        Ok(reverted) => Json(FaultReverted { reverted }).into_response(),
        // Said without the id that was sent: refusals never echo input.
        Err(ChaosError::Unknown(_)) => refuse(
            StatusCode::NOT_FOUND,
            "there is no active fault with that id; GET /api/faults lists them".into(),
        ),
        Err(failure) => chaos_error(failure),
    }
}

/// The panic button: reverts everything, then verifies all-green and says what it did.
pub async fn restore(State(app): State<AppState>, _: JsonBody<Empty>) -> Json<RestoreReport> {
    Json(app.stage().chaos.restore_all(SETTLE_WITHIN).await)
}

pub async fn recovery(State(app): State<AppState>) -> Json<Option<RestoreReport>> {
    Json(app.stage().chaos.recovery.lock().await.clone())
}

/// A value out of range or a kind this environment cannot do is 422; a target it does not
/// have, or an unknown fault id, 404; a ledger that cannot be written 503 (nothing was
/// applied); an environment that failed to apply or revert, 500.
fn chaos_error(failure: ChaosError) -> Response {
    let status = match failure {
        ChaosError::Invalid(_) | ChaosError::Unsupported { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        ChaosError::NoSuchTarget(_) | ChaosError::Unknown(_) => StatusCode::NOT_FOUND,
        ChaosError::Ledger(_) => StatusCode::SERVICE_UNAVAILABLE,
        ChaosError::NotRunning(_) => StatusCode::CONFLICT,
        ChaosError::Failed { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refuse(status, failure.to_string())
}
