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
use crate::wire::{BrokerStarted, CommandSent, ContainerAction, ContainerDone, ProducerAdded};

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

/// `GET /api/environment/containers`: each container's state and health, and what the
/// panel may do to it; 409 where the environment has no containers.
pub async fn containers(State(app): State<AppState>) -> Response {
    match app.stage().environment.containers().await {
        Ok(rows) => Json(rows).into_response(),
        Err(error) => refuse(StatusCode::CONFLICT, error),
    }
}

/// `POST /api/environment/containers/{service}/{action}`: `start`, `stop` or `restart` a
/// broker's or a sidecar's container.
pub async fn container_action(
    State(app): State<AppState>,
    Path((service, action)): Path<(String, String)>,
    _: JsonBody<Empty>,
) -> Response {
    // Named like a compose service, so that a refusal may say it back.
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if service.is_empty() || service.len() > 64 || !service.chars().all(plain) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "a container is named by its service, such as broker-2 or sidecar-producer-1".into(),
        );
    }
    let Ok(action) = serde_json::from_value::<ContainerAction>(serde_json::Value::String(action))
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the action is start, stop or restart".into(),
        );
    };
    match app
        .stage()
        .environment
        .container_action(&service, action)
        .await
    {
        Ok(()) => Json(ContainerDone { service, action }).into_response(),
        Err(error) => refuse(StatusCode::CONFLICT, error),
    }
}

/// `POST /api/environment/producers`: one more demo producer with its sidecar (201 once
/// both are healthy; the sidecar then registers like the others).
pub async fn add_producer(State(app): State<AppState>, _: JsonBody<Empty>) -> Response {
    match app.stage().environment.add_producer().await {
        Ok(added) => (StatusCode::CREATED, Json(ProducerAdded { added })).into_response(),
        Err(error) => refuse(StatusCode::CONFLICT, error),
    }
}
