//! The page: files compiled into the binary, each sent with the content security policy.

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

use super::refuse;

/// The front end, compiled into the binary so the server needs no files beside it.
#[derive(Embed)]
#[folder = "../../ui/dist/"]
struct Assets;

/// Same policy as the desktop window: nothing from elsewhere, no inline script. `'self'` in
/// `connect-src` also covers the WebSocket to this same host and port (CSP Level 3).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Serves a file of the page; anything else is a 404 that does not repeat the path (an
/// unknown `/api/...` path included).
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") {
        return refuse(
            StatusCode::NOT_FOUND,
            "there is no such API endpoint; docs/protocol.md lists them".into(),
        );
    }
    let path = if path.is_empty() { "index.html" } else { path };
    match Assets::get(path) {
        Some(file) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_owned()),
                    (header::CONTENT_SECURITY_POLICY, CSP.to_owned()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                ],
                file.data,
            )
                .into_response()
        }
        None => refuse(StatusCode::NOT_FOUND, "there is no such page".into()),
    }
}
