//! The headless server: a JSON API, a WebSocket streaming every bus event, and the UI.
//! It binds loopback by default; a port already in use is a clear error, not a panic.
//! `guard.rs` decides who may call it; every refusal is `{"error": sentence}` (`errors.rs`).

mod actions;
mod api;
mod body;
mod errors;
mod faults;
mod guard;
mod launch;
mod recordings;
pub mod replay;
mod reports;
mod scenarios;
mod ui;
mod ws;

pub use guard::{Access, Token, MAX_BODY_BYTES, MAX_URI_BYTES};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{middleware, Json, Router};
use tokio::net::TcpListener;

use crate::launch::{Launcher, Stage};
use crate::wire::Refusal;
use crate::Bus;

/// What the handlers can see.
#[derive(Clone)]
pub struct AppState {
    pub bus: Bus,
    pub launcher: Arc<Launcher>,
    pub started: Instant,
    /// Who may call: see `guard.rs`.
    pub access: Arc<Access>,
}

impl AppState {
    pub fn new(launcher: Arc<Launcher>) -> Self {
        Self {
            bus: launcher.bus().clone(),
            launcher,
            started: Instant::now(),
            access: Arc::new(Access::default()),
        }
    }

    /// The same state under other access rules (a token, or a server beyond loopback).
    pub fn with_access(self, access: Access) -> Self {
        Self {
            access: Arc::new(access),
            ..self
        }
    }

    /// The environment the API works on, with its chaos engine, scenarios and platform.
    pub fn stage(&self) -> Arc<Stage> {
        self.launcher.stage()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: the port is already in use (is another Faultline running? choose another with --listen)")]
    PortInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// No access token could be made (the operating system gave no randomness).
    #[error("{0}")]
    Token(String),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
}

pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => ServerError::PortInUse { addr },
            _ => ServerError::Bind { addr, source },
        })
}

/// Every endpoint, behind the access guard (outermost) and the net that turns any refusal
/// into `{"error": ...}` JSON.
pub fn router(app: AppState) -> Router {
    let access = app.access.clone();
    Router::new()
        .route("/api/sidecars", get(api::sidecars))
        .route("/api/environment", get(api::environment))
        .route("/api/health", get(api::health))
        .route("/api/consumer-groups", get(api::consumer_groups))
        .route("/api/launch", get(launch::status))
        .route("/api/launch/preflight", get(launch::preflight))
        .route("/api/launch/settings", post(launch::settings))
        .route("/api/environment/start", post(launch::start))
        .route("/api/environment/stop", post(launch::stop))
        .route("/api/sidecars/{id}/command", post(actions::command))
        .route(
            "/api/environment/brokers/{id}/start",
            post(actions::start_broker),
        )
        .route("/api/environment/containers", get(actions::containers))
        .route(
            "/api/environment/containers/{service}/{action}",
            post(actions::container_action),
        )
        .route("/api/environment/producers", post(actions::add_producer))
        .route("/api/faults", get(faults::list).post(faults::inject))
        .route("/api/faults/restore", post(faults::restore))
        .route("/api/faults/recovery", get(faults::recovery))
        .route("/api/faults/{id}", delete(faults::revert))
        .route("/api/scenarios", get(scenarios::list))
        .route("/api/scenarios/errors", get(scenarios::errors))
        .route("/api/scenarios/{id}/run", post(scenarios::run))
        .route("/api/runs/{id}", get(scenarios::run_status))
        .route("/api/runs/{id}/{file}", get(reports::report))
        .route(
            "/api/recordings",
            get(recordings::list).post(recordings::start),
        )
        .route("/api/recordings/current", delete(recordings::stop))
        .route("/ws", get(ws::upgrade))
        .fallback(ui::serve)
        .with_state(app)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::map_response(errors::as_json))
        .layer(middleware::from_fn_with_state(access, guard::admit))
}

/// A refusal: the status and one sentence saying why, as `{"error": ...}`.
fn refuse(status: StatusCode, message: String) -> Response {
    (status, Json(Refusal { error: message })).into_response()
}

pub async fn serve(
    listener: TcpListener,
    app: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)
}
