//! The server in replay mode (`faultline-server --replay FILE`, the app's "Open
//! recording"): the same page and the same read API, answered from a recording as it stood
//! at the player's position, the recorded events on `/ws` when the player reaches them,
//! and `GET`/`POST /api/replay` for where it stands, pause, speed and seek. Nothing can be
//! changed: every other write is refused with a sentence naming the file.

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{middleware, Json, Router};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use super::body::JsonBody;
use super::guard::{self, Access, MAX_BODY_BYTES};
use super::reports::{self, Format};
use super::ws::send_json;
use super::{errors, refuse, scenarios, ui};
use crate::replay::{Moment, Played, Player};
use crate::report::{ReportError, RunRecord};
use crate::scenarios::Library;
use crate::wire::{Lagged, ReplayControl, ScenarioSummary};

/// What the replay's handlers can see.
#[derive(Clone)]
pub struct ReplayApp {
    pub player: Arc<Player>,
    /// The scenarios listed (every button disabled: nothing runs in a replay).
    pub library: Arc<Library>,
    pub access: Arc<Access>,
}

/// Every endpoint a replay answers, behind the same guard and error net as live.
pub fn router(app: ReplayApp) -> Router {
    let access = app.access.clone();
    Router::new()
        .route("/api/replay", get(status).post(control))
        .route("/api/sidecars", read(sidecars))
        .route("/api/environment", read(environment))
        .route("/api/health", read(health))
        .route("/api/consumer-groups", read(consumer_groups))
        .route("/api/faults", read(faults))
        .route("/api/faults/recovery", read(|| async { Json(()) }))
        .route("/api/scenarios", read(scenario_list))
        .route("/api/scenarios/errors", read(|| async { Json([(); 0]) }))
        .route("/api/runs/{id}", read(run))
        .route("/api/runs/{id}/{file}", read(report))
        .route("/api/recordings", read(|| async { Json([(); 0]) }))
        .route("/api/launch", read(no_launch))
        .route("/ws", get(upgrade))
        .fallback(refuse_or_page)
        .with_state(app)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::map_response(errors::as_json))
        .layer(middleware::from_fn_with_state(access, guard::admit))
}

/// A read: any other method on the same path is refused as a write (409), as on every path.
fn read<H, T>(handler: H) -> MethodRouter<ReplayApp>
where
    H: Handler<T, ReplayApp>,
    T: 'static,
{
    get(handler).fallback(refuse_or_page)
}

/// The page asks for the launch panel; a replay has none, and says why.
async fn no_launch() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "a replay runs no environment, so it has no launch panel".into(),
    )
}

async fn status(State(app): State<ReplayApp>) -> Response {
    Json(app.player.status()).into_response()
}

/// `POST /api/replay` with any of `{"seekMs": N, "speed": 1|2|4, "paused": bool}`.
async fn control(
    State(app): State<ReplayApp>,
    JsonBody(body): JsonBody<ReplayControl>,
) -> Response {
    let Some(control) = body else {
        return refuse(
            StatusCode::BAD_REQUEST,
            r#"expected any of {"seekMs": 5000, "speed": 2, "paused": false}"#.into(),
        );
    };
    match app.player.control(&control) {
        Ok(status) => Json(status).into_response(),
        Err(sentence) => refuse(StatusCode::BAD_REQUEST, sentence),
    }
}

/// The recording as it stands at the player's position, answered as `answer` makes it.
fn at_position<T: Serialize>(app: &ReplayApp, answer: impl FnOnce(&Moment) -> T) -> Response {
    let moment = Moment::new(app.player.tape(), app.player.played());
    Json(answer(&moment)).into_response()
}

async fn sidecars(State(app): State<ReplayApp>) -> Response {
    at_position(&app, |moment| moment.sidecars())
}

async fn environment(State(app): State<ReplayApp>) -> Response {
    at_position(&app, |moment| moment.environment())
}

async fn health(State(app): State<ReplayApp>) -> Response {
    let position = app.player.status().position_ms;
    at_position(&app, |moment| moment.health(position))
}

async fn consumer_groups(State(app): State<ReplayApp>) -> Response {
    at_position(&app, |moment| moment.consumer_groups())
}

async fn faults(State(app): State<ReplayApp>) -> Response {
    at_position(&app, |moment| moment.faults())
}

async fn scenario_list(State(app): State<ReplayApp>) -> Response {
    let list: Vec<ScenarioSummary<'_>> = app
        .library
        .scenarios
        .values()
        .map(|s| scenarios::summary(s, false))
        .collect();
    Json(list).into_response()
}

async fn run(State(app): State<ReplayApp>, Path(id): Path<String>) -> Response {
    let moment = Moment::new(app.player.tape(), app.player.played());
    match moment.run(&id) {
        Some(run) => Json(run).into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            "no run with that id has finished at this point of the recording".into(),
        ),
    }
}

/// `GET /api/runs/{runId}/report.png|.svg`, drawn from the events played so far: a run's
/// report is there once its `finished` event has played.
async fn report(
    State(app): State<ReplayApp>,
    Path((run_id, file)): Path<(String, String)>,
) -> Response {
    let Some(format) = Format::of(&file) else {
        return reports::not_a_report();
    };
    let player = app.player.clone();
    let id = run_id.clone();
    let drawn = tokio::task::spawn_blocking(move || {
        let played: Vec<Value> = player.tape().entries[..player.played()]
            .iter()
            .map(|entry| entry.event.as_ref().clone())
            .collect();
        let record = RunRecord::from_events(&id, &played)?;
        format
            .render(&record)
            .map(|bytes| (record.run.scenario_id, bytes))
    })
    .await;
    match drawn {
        Ok(Ok((scenario_id, bytes))) => reports::picture(format, &scenario_id, &run_id, bytes),
        Ok(Err(ReportError::UnknownRun(_) | ReportError::NotFinished(_))) => refuse(
            StatusCode::NOT_FOUND,
            "no run with that id has finished at this point of the recording".into(),
        ),
        Ok(Err(error)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Err(error) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("drawing the report failed: {error}"),
        ),
    }
}

/// Reads of anything else are the page (or a 404 for an unknown endpoint); writes are
/// refused, since a replay only shows what happened. The containers view asks for
/// containers only in a docker environment: a recorded one has none to show.
async fn refuse_or_page(State(app): State<ReplayApp>, method: Method, uri: Uri) -> Response {
    let api = uri.path().starts_with("/api/");
    if api && (method != Method::GET || uri.path() == "/api/environment/containers") {
        return refuse(
            StatusCode::CONFLICT,
            format!(
                "this is a replay of {}: nothing in it can be changed",
                app.player.tape().file
            ),
        );
    }
    ui::serve(uri).await
}

async fn upgrade(
    State(app): State<ReplayApp>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => upgrade.on_upgrade(move |socket| stream(socket, app.player)),
        Err(rejection) => refuse(
            rejection.status(),
            "this is the event stream: open it with a WebSocket client".into(),
        ),
    }
}

/// Where the replay stands, every event played so far at once, then each one as the
/// player reaches it. A seek ends the stream: what the viewer holds belongs to another
/// point of the recording, and it starts over by reconnecting.
async fn stream(mut socket: WebSocket, player: Arc<Player>) {
    let mut following = player.follow();
    let tape = player.tape();
    let mut sent = send_json(&mut socket, &player.status()).await;
    for entry in &tape.entries[..following.played] {
        if !sent {
            return;
        }
        sent = send_json(&mut socket, entry.event.as_ref()).await;
    }
    while sent {
        sent = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => continue,
            },
            played = following.receiver.recv() => match played {
                Ok(Played::Event(index)) => match tape.entries.get(index) {
                    Some(entry) => send_json(&mut socket, entry.event.as_ref()).await,
                    None => true,
                },
                Ok(Played::Status(status)) => {
                    let moved = status.generation != following.generation;
                    send_json(&mut socket, &status).await && !moved
                }
                Err(RecvError::Lagged(missed)) => send_json(&mut socket, &Lagged { missed }).await,
                Err(RecvError::Closed) => return,
            },
        };
    }
    let _ = socket.send(Message::Close(None)).await;
}
