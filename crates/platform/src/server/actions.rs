//! API calls that change something. Each answers with what it did, or a clear error.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use faultline_protocol::bounds::TARGET_RATE;
use faultline_protocol::{Command, SidecarId};
use serde::Deserialize;

use super::body::{Empty, JsonBody};
use super::{refuse, AppState};
use crate::wire::{BrokerStarted, CommandSent};

/// A command as the API takes it. The wire's `Command` lets a field it does not know pass
/// (a newer platform may add one); a request from a person refuses it instead.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CommandRequest {
    /// `{"op":"set-rate","rate":50}`: messages per second.
    SetRate { rate: u32 },
    /// `{"op":"throttle","rate":1}`: messages per second, until `resume`.
    Throttle { rate: u32 },
    /// `{"op":"resume"}`: back to the workload's nominal rate.
    Resume,
}

impl From<CommandRequest> for Command {
    fn from(request: CommandRequest) -> Self {
        match request {
            CommandRequest::SetRate { rate } => Command::SetRate { rate },
            CommandRequest::Throttle { rate } => Command::Throttle { rate },
            CommandRequest::Resume => Command::Resume,
        }
    }
}

/// `POST /api/sidecars/{id}/command` with a command (`{"op":"set-rate","rate":50}`).
pub async fn command(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CommandRequest>,
) -> Response {
    let Ok(target) = SidecarId::parse(&id) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "that is not a valid sidecar id".into(),
        );
    };
    let Some(command) = body.map(Command::from) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            r#"expected a JSON command such as {"op":"set-rate","rate":50}, {"op":"throttle","rate":1} or {"op":"resume"}"#.into(),
        );
    };
    // Refused here with a sentence: the sidecar would refuse it too, but silently.
    if let Command::SetRate { rate } | Command::Throttle { rate } = &command {
        if !TARGET_RATE.contains(*rate) {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "a rate of {rate} is outside {} to {} {}",
                    TARGET_RATE.min, TARGET_RATE.max, TARGET_RATE.unit
                ),
            );
        }
    }
    let stage = app.stage();
    let known = stage.state.registry.read().get(&target).is_some();
    if !known {
        return refuse(
            StatusCode::NOT_FOUND,
            "no sidecar by that id is known; GET /api/sidecars lists them".into(),
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
    (StatusCode::ACCEPTED, Json(CommandSent { response_id })).into_response()
}

/// `POST /api/environment/brokers/{id}/start`: start (or resume) a broker that is down.
pub async fn start_broker(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _: JsonBody<Empty>,
) -> Response {
    let Ok(id) = id.parse::<i32>() else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "a broker id is a whole number, such as 1".into(),
        );
    };
    match app.stage().environment.start_broker(id).await {
        Ok(()) => Json(BrokerStarted { started: id }).into_response(),
        Err(error) => refuse(StatusCode::CONFLICT, error),
    }
}
