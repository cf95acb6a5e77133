//! The page's transport inside the app: one `api` command that runs the same HTTP router
//! the headless server serves (so every endpoint exists here too, with the same answers),
//! and every bus event forwarded as a `faultline://event` Tauri event.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use faultline_platform::wire::Lagged;
use faultline_platform::Bus;
use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::error::RecvError;
use tower::ServiceExt;

pub const EVENT: &str = "faultline://event";
/// Requests come from our own page, but nothing from IPC is trusted to be small.
const MAX_BODY_BYTES: usize = 1 << 20;

/// What the page gets back: the HTTP status and the JSON body (null when there is none).
#[derive(Serialize)]
pub struct ApiResponse {
    status: u16,
    body: Value,
}

/// Handles the page's requests through the router.
pub struct Api(pub Router);

#[tauri::command]
pub async fn api(
    state: tauri::State<'_, Api>,
    method: String,
    path: String,
    body: Option<Value>,
) -> Result<ApiResponse, String> {
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| format!("{method:?} is not an HTTP method"))?;
    if !path.starts_with("/api/") {
        return Err(format!("{path:?} is not an API path"));
    }
    let body = match body {
        Some(value) if !value.is_null() => Body::from(value.to_string()),
        _ => Body::empty(),
    };
    let request = Request::builder()
        .method(method)
        .uri(&path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|e| format!("bad request for {path}: {e}"))?;
    let (status, _, bytes) = state.answer(request, MAX_BODY_BYTES).await?;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok(ApiResponse {
        status: status.as_u16(),
        body,
    })
}

impl Api {
    /// `request`'s answer from the router: its status, headers and body, read up to
    /// `max_bytes`.
    pub async fn answer(
        &self,
        request: Request<Body>,
        max_bytes: usize,
    ) -> Result<(StatusCode, HeaderMap, Bytes), String> {
        let path = request.uri().path().to_owned();
        let response = self
            .0
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, max_bytes)
            .await
            .map_err(|e| format!("{path}: cannot read the answer: {e}"))?;
        Ok((parts.status, parts.headers, bytes))
    }
}

/// Forwards every bus event to the page until the app exits. A page too slow to keep up
/// is told how many events it missed, as on the WebSocket.
pub async fn forward_events(app: AppHandle, bus: Bus) {
    let mut events = bus.subscribe();
    loop {
        let sent = match events.recv().await {
            Ok(event) => app.emit(EVENT, &*event),
            Err(RecvError::Lagged(missed)) => app.emit(EVENT, Lagged { missed }),
            Err(RecvError::Closed) => return,
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "cannot send an event to the window");
        }
    }
}
