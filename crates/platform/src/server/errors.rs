//! The net under every route: any refusal that is not already `{"error": ...}` JSON (the
//! router's own 405, axum's rejections of a path, a query or a WebSocket handshake) is
//! rewritten as one, with a sentence chosen by its status. The original body is dropped, so
//! nothing the client sent is echoed.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};

use super::guard;
use crate::wire::Refusal;

/// Rewrites a refusal (4xx, 5xx) without a JSON body; keeps its status and headers. (The
/// router adds `Allow` to a 405 after this runs, so the sentence points to it.)
pub async fn as_json(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let refusal = Refusal {
        error: sentence(status),
    };
    let body = serde_json::to_string(&refusal).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

fn sentence(status: StatusCode) -> String {
    match status {
        StatusCode::BAD_REQUEST => {
            "the request could not be read: check its path and query against docs/protocol.md"
                .into()
        }
        StatusCode::NOT_FOUND => "there is no such endpoint or page".into(),
        StatusCode::METHOD_NOT_ALLOWED => {
            "this endpoint does not take that method; the Allow header lists those it takes".into()
        }
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the body is larger than the {} KiB this server reads",
            guard::MAX_BODY_BYTES / 1024
        ),
        StatusCode::URI_TOO_LONG => format!(
            "the address is longer than the {} KiB this server reads",
            guard::MAX_URI_BYTES / 1024
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "send the body as JSON, with Content-Type: application/json".into()
        }
        StatusCode::UNPROCESSABLE_ENTITY => {
            "the body does not have the shape this request takes".into()
        }
        StatusCode::UPGRADE_REQUIRED => {
            "this is the event stream: open it with a WebSocket client".into()
        }
        other => format!(
            "the request was refused ({} {})",
            other.as_u16(),
            other.canonical_reason().unwrap_or("error")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn rewritten(
        response: Response<Body>,
    ) -> (StatusCode, Option<String>, serde_json::Value) {
        let response = as_json(response).await;
        let status = response.status();
        let allow = response
            .headers()
            .get(header::ALLOW)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, allow, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn plain_and_empty_refusals_become_json_without_their_text() {
        let plain = Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("Invalid URL: zz<mark>"))
            .unwrap();
        let (status, _, body) = rewritten(plain).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!body["error"].as_str().unwrap().contains("zz"));

        let empty = Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET,HEAD")
            .body(Body::empty())
            .unwrap();
        let (status, allow, body) = rewritten(empty).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(allow.as_deref(), Some("GET,HEAD"));
        assert_eq!(
            body["error"],
            "this endpoint does not take that method; the Allow header lists those it takes"
        );
    }

    #[tokio::test]
    async fn answers_and_json_refusals_pass_untouched() {
        let ok = Response::new(Body::from("<html>"));
        assert_eq!(as_json(ok).await.status(), StatusCode::OK);
        let ours = Response::builder()
            .status(StatusCode::CONFLICT)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"error":"busy"}"#))
            .unwrap();
        let (_, _, body) = rewritten(ours).await;
        assert_eq!(body["error"], "busy");
    }
}
