use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;

use super::AppState;

pub async fn upgrade(State(app): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| stream_events(socket, app))
}

/// Streams every bus event as one JSON text message. A client too slow to keep up is told
/// how many events it missed instead of holding the platform back.
async fn stream_events(mut socket: WebSocket, app: AppState) {
    let mut events = app.bus.subscribe();
    loop {
        let text = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => continue,
            },
            event = events.recv() => match event {
                Ok(event) => match serde_json::to_string(&*event) {
                    Ok(text) => text,
                    Err(error) => {
                        tracing::warn!(%error, "event not serialisable");
                        continue;
                    }
                },
                Err(RecvError::Lagged(missed)) => format!(r#"{{"type":"lagged","missed":{missed}}}"#),
                Err(RecvError::Closed) => return,
            },
        };
        if socket
            .send(Message::Text(Utf8Bytes::from(text)))
            .await
            .is_err()
        {
            return;
        }
    }
}
