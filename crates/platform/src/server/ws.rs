//! `/ws`: every bus event, as JSON text messages, to each client that connects.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;

use super::{refuse, AppState};
use crate::wire::Lagged;

/// The handshake; a request that is not one keeps axum's status with a sentence of ours.
pub async fn upgrade(
    State(app): State<AppState>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    match upgrade {
        Ok(upgrade) => upgrade.on_upgrade(move |socket| stream_events(socket, app)),
        Err(rejection) => refuse(
            rejection.status(),
            "this is the event stream: open it with a WebSocket client".into(),
        ),
    }
}

/// Streams every bus event as one JSON text message. A client too slow to keep up is told
/// how many events it missed instead of holding the platform back.
async fn stream_events(mut socket: WebSocket, app: AppState) {
    let mut events = app.bus.subscribe();
    loop {
        let sent = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => continue,
            },
            event = events.recv() => match event {
                Ok(event) => send_json(&mut socket, &*event).await,
                Err(RecvError::Lagged(missed)) => send_json(&mut socket, &Lagged { missed }).await,
                Err(RecvError::Closed) => return,
            },
        };
        if !sent {
            return;
        }
    }
}

/// Sends one JSON text message (the live stream's and a replay's); false once the viewer is
/// gone. A message that cannot be serialised is logged and skipped.
pub(super) async fn send_json(socket: &mut WebSocket, message: &impl serde::Serialize) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => socket
            .send(Message::Text(Utf8Bytes::from(text)))
            .await
            .is_ok(),
        Err(error) => {
            tracing::warn!(%error, "event not serialisable");
            true
        }
    }
}
