//! Who may use the server, checked before any route runs: only Faultline's own page or an
//! API client (no foreign `Origin`), only by this machine's names while bound to loopback
//! (DNS rebinding), with the access token where there is one, and only JSON for anything
//! that changes state. Each refusal is `{"error": sentence}`.
//!
//! The rules, in the order they are checked (the first that fails answers):
//! 1. Bound to a loopback address, a `Host` header must name this machine: `localhost` or a
//!    loopback IP (`127.0.0.0/8`, `[::1]`), any port. Otherwise 403. A page on another
//!    name that was made to resolve to 127.0.0.1 (DNS rebinding) therefore gets nothing.
//! 2. An `Origin` header, when present, must be `http://` or `https://` followed by the
//!    request's own `Host`. Otherwise (another site, `null`, no `Host`) 403. Browsers send
//!    `Origin` on every cross-site request and on every POST, so no other page can drive
//!    the API; API clients (curl, the desktop app's in-process calls) send none.
//! 3. With a token, `/api/*` needs `Authorization: Bearer TOKEN` and `/ws` that header or
//!    `?token=TOKEN`; otherwise 401. The page's own files need no token.
//! 4. A request target longer than [`MAX_URI_BYTES`] is 414; a `Content-Length` above
//!    [`MAX_BODY_BYTES`] is 413 (longer chunked bodies fail when they are read, also 413).
//! 5. Every method but GET, HEAD and OPTIONS needs `Content-Type: application/json`
//!    (parameters such as `charset` allowed), even with an empty body; otherwise 415. A
//!    browser can send that type to another origin only after a CORS preflight, which this
//!    server never grants.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;

use super::refuse;

/// The largest request body any endpoint reads, in bytes (64 KiB, like a wire record).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest request target (path and query), in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The characters a token may use: URL-safe as they are, so it fits a query and a header.
const TOKEN_ALPHABET: &str = "A-Z a-z 0-9 . _ ~ -";
const TOKEN_MIN_CHARS: usize = 16;
const TOKEN_MAX_CHARS: usize = 256;
/// Random bytes in a generated token (128 bits, written as 32 hex digits).
const GENERATED_TOKEN_BYTES: usize = 16;

/// A secret that API clients and the page present to a server that needs one. Its `Debug`
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<str>);

impl Token {
    /// A fresh random token. Fails only when the operating system gives no randomness.
    pub fn generate() -> Result<Self, String> {
        let mut bytes = [0u8; GENERATED_TOKEN_BYTES];
        getrandom::fill(&mut bytes)
            .map_err(|error| format!("cannot make an access token: no randomness ({error})"))?;
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Self(hex.into()))
    }

    /// A token given by the user (`--token`, `FAULTLINE_TOKEN`): 16 to 256 characters from
    /// `A-Z a-z 0-9 . _ ~ -`. The error says which rule it broke, without repeating it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let length = text.chars().count();
        if !(TOKEN_MIN_CHARS..=TOKEN_MAX_CHARS).contains(&length) {
            return Err(format!(
                "an access token needs {TOKEN_MIN_CHARS} to {TOKEN_MAX_CHARS} characters; this one has {length}"
            ));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-');
        if !text.chars().all(allowed) {
            return Err(format!(
                "an access token may use only {TOKEN_ALPHABET}, so that it fits in an address"
            ));
        }
        Ok(Self(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares in time that depends only on the lengths, so answers do not reveal how
    /// much of a guess was right.
    fn matches(&self, presented: &[u8]) -> bool {
        let expected = self.0.as_bytes();
        expected.len() == presented.len()
            && expected
                .iter()
                .zip(presented)
                .fold(0u8, |difference, (a, b)| difference | (a ^ b))
                == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Who may use one server; fixed when it starts.
#[derive(Clone, Debug)]
pub struct Access {
    /// Bound to loopback: `Host` must name this machine (rule 1).
    loopback: bool,
    token: Option<Token>,
}

impl Default for Access {
    /// No token, this machine's names only: what the desktop app's in-process router uses
    /// (its requests carry neither `Host` nor `Origin`).
    fn default() -> Self {
        Self {
            loopback: true,
            token: None,
        }
    }
}

impl Access {
    /// The rules for a server bound to `listen`. On loopback a token is needed only when one
    /// is given; on any other address one is always needed, and generated when not given.
    pub fn for_listen(listen: SocketAddr, given: Option<Token>) -> Result<Self, String> {
        let loopback = listen.ip().is_loopback();
        let token = match given {
            Some(token) => Some(token),
            None if loopback => None,
            None => Some(Token::generate()?),
        };
        Ok(Self { loopback, token })
    }

    /// The token clients must present, if any.
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// Why this request may not go further, as the refusal to send; `None` lets it through.
    fn refusal(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
        let host = host_of(uri, headers);
        let foreign_host = host.is_some_and(|h| !h.is_some_and(names_this_machine));
        if self.loopback && foreign_host {
            return Some(refuse(
                StatusCode::FORBIDDEN,
                "this server answers only to this machine's own names: use localhost, 127.0.0.1 or [::1] in the address".into(),
            ));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            if !same_origin(origin, host.flatten()) {
                return Some(refuse(
                    StatusCode::FORBIDDEN,
                    "requests from other web pages are refused: use Faultline's own page, or an API client that sends no Origin header".into(),
                ));
            }
        }
        if let Some(token) = &self.token {
            if let Some(why) = token_refusal(token, uri, headers) {
                return Some(refuse(StatusCode::UNAUTHORIZED, why.into()));
            }
        }
        let target = uri.path_and_query().map_or(0, |p| p.as_str().len());
        if target > MAX_URI_BYTES {
            return Some(refuse(
                StatusCode::URI_TOO_LONG,
                format!(
                    "the address is longer than the {} KiB this server reads",
                    MAX_URI_BYTES / 1024
                ),
            ));
        }
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
            return Some(too_large());
        }
        if changes_state(method) && !is_json(headers) {
            return Some(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "requests that change something must be sent with Content-Type: application/json (the body may be empty)".into(),
            ));
        }
        None
    }
}

/// The answer for a body over [`MAX_BODY_BYTES`].
pub fn too_large() -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the body is larger than the {} KiB this server reads",
            MAX_BODY_BYTES / 1024
        ),
    )
}

/// The middleware: refuses what [`Access`] does not admit, passes the rest on.
pub async fn admit(State(access): State<Arc<Access>>, request: Request, next: Next) -> Response {
    match access.refusal(request.method(), request.uri(), request.headers()) {
        Some(refusal) => refusal,
        None => next.run(request).await,
    }
}

/// The host the client addressed: `Host` (HTTP/1.1), else the URI's authority (HTTP/2).
/// `None` when neither is there; `Some(None)` when `Host` is not readable text.
fn host_of<'a>(uri: &'a Uri, headers: &'a HeaderMap) -> Option<Option<&'a str>> {
    match headers.get(header::HOST) {
        Some(value) => Some(value.to_str().ok()),
        None => uri.authority().map(|a| Some(a.as_str())),
    }
}

/// `localhost` or a loopback IP, with any port.
fn names_this_machine(host: &str) -> bool {
    if host.contains('@') {
        return false;
    }
    let Ok(authority) = host.parse::<Authority>() else {
        return false;
    };
    let name = authority.host();
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    name.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn same_origin(origin: &HeaderValue, host: Option<&str>) -> bool {
    let (Ok(origin), Some(host)) = (origin.to_str(), host) else {
        return false;
    };
    ["http://", "https://"].iter().any(|scheme| {
        origin.len() == scheme.len() + host.len()
            && origin[..scheme.len()].eq_ignore_ascii_case(scheme)
            && origin[scheme.len()..].eq_ignore_ascii_case(host)
    })
}

/// Why the token check fails, or `None` when it passes or does not apply to this path.
fn token_refusal(token: &Token, uri: &Uri, headers: &HeaderMap) -> Option<&'static str> {
    let path = uri.path();
    let websocket = path == "/ws";
    if !(websocket || path == "/api" || path.starts_with("/api/")) {
        return None;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, value)| value.trim());
    let from_query = || {
        uri.query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
    };
    let presented = bearer.or_else(|| if websocket { from_query() } else { None });
    match presented {
        None => Some("this server needs its access token: send Authorization: Bearer TOKEN (the WebSocket may use ?token=TOKEN), or open the address faultline-server printed when it started"),
        Some(value) if token.matches(value.as_bytes()) => None,
        Some(_) => Some("that access token is not this server's: use the one faultline-server printed when it started"),
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn status(access: &Access, method: Method, uri: &str, pairs: &[(&'static str, &str)]) -> u16 {
        let uri: Uri = uri.parse().unwrap();
        access
            .refusal(&method, &uri, &headers(pairs))
            .map_or(200, |r| r.status().as_u16())
    }

    fn loopback(token: Option<&str>) -> Access {
        Access::for_listen(
            "127.0.0.1:8080".parse().unwrap(),
            token.map(|t| Token::parse(t).unwrap()),
        )
        .unwrap()
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn own_names_pass_on_loopback_and_other_names_are_refused() {
        let access = loopback(None);
        for host in [
            "127.0.0.1:8080",
            "localhost:9000",
            "LOCALHOST",
            "[::1]:8080",
            "127.0.0.2",
        ] {
            assert_eq!(
                status(&access, Method::GET, "/api/health", &[("host", host)]),
                200,
                "{host}"
            );
        }
        for host in [
            "evil.example:8080",
            "localhost.evil.example",
            "10.0.0.1:8080",
            "user@127.0.0.1",
            "",
            "[::2]:80",
        ] {
            assert_eq!(
                status(&access, Method::GET, "/", &[("host", host)]),
                403,
                "{host}"
            );
        }
        // No Host at all: the desktop app's in-process calls, HTTP/1.0 tools.
        assert_eq!(status(&access, Method::GET, "/api/health", &[]), 200);
        // Beyond loopback any name is fine; the token guards it.
        let open = Access::for_listen("0.0.0.0:8080".parse().unwrap(), None).unwrap();
        let bearer = format!("Bearer {}", open.token().unwrap().as_str());
        assert_eq!(
            status(
                &open,
                Method::GET,
                "/api/health",
                &[("host", "faultline.lan:8080"), ("authorization", &bearer)]
            ),
            200
        );
    }

    #[test]
    fn only_the_servers_own_origin_passes() {
        let access = loopback(None);
        let host = ("host", "127.0.0.1:8080");
        for origin in [
            "http://127.0.0.1:8080",
            "HTTP://127.0.0.1:8080",
            "https://127.0.0.1:8080",
        ] {
            assert_eq!(
                status(
                    &access,
                    Method::POST,
                    "/api/faults",
                    &[host, JSON, ("origin", origin)]
                ),
                200,
                "{origin}"
            );
        }
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:8081",
            "http://127.0.0.1",
            "null",
            "http://127.0.0.1:8080/",
            "file://",
        ] {
            assert_eq!(
                status(
                    &access,
                    Method::POST,
                    "/api/faults",
                    &[host, JSON, ("origin", origin)]
                ),
                403,
                "{origin}"
            );
            assert_eq!(
                status(&access, Method::GET, "/ws", &[host, ("origin", origin)]),
                403,
                "{origin}"
            );
        }
        assert_eq!(
            status(
                &access,
                Method::GET,
                "/",
                &[("origin", "http://127.0.0.1:8080")]
            ),
            403,
            "an Origin without a Host"
        );
    }

    #[test]
    fn a_token_guards_the_api_and_the_websocket_but_not_the_page() {
        let token = "abcdefghijklmnop-0123";
        let access = loopback(Some(token));
        let bearer = format!("Bearer {token}");
        assert_eq!(status(&access, Method::GET, "/api/health", &[]), 401);
        assert_eq!(status(&access, Method::GET, "/api", &[]), 401);
        assert_eq!(
            status(
                &access,
                Method::GET,
                "/api/health",
                &[("authorization", "Bearer abcdefghijklmnop-0124")]
            ),
            401
        );
        assert_eq!(
            status(
                &access,
                Method::GET,
                "/api/health",
                &[("authorization", token)]
            ),
            401,
            "no scheme"
        );
        assert_eq!(
            status(
                &access,
                Method::GET,
                "/api/health",
                &[("authorization", &bearer)]
            ),
            200
        );
        assert_eq!(
            status(
                &access,
                Method::GET,
                &format!("/api/health?token={token}"),
                &[]
            ),
            401,
            "the API takes the header only"
        );
        assert_eq!(
            status(&access, Method::GET, &format!("/ws?token={token}"), &[]),
            200
        );
        assert_eq!(
            status(&access, Method::GET, &format!("/ws?x=1&token={token}"), &[]),
            200
        );
        assert_eq!(
            status(&access, Method::GET, "/ws?token=abcdefghijklmnop-0124", &[]),
            401
        );
        assert_eq!(
            status(&access, Method::GET, "/ws", &[("authorization", &bearer)]),
            200
        );
        for page in ["/", "/index.html", "/js/main.js"] {
            assert_eq!(status(&access, Method::GET, page, &[]), 200, "{page}");
        }
        assert_eq!(
            status(&loopback(None), Method::GET, "/api/health", &[]),
            200,
            "loopback needs none unless given"
        );
    }

    #[test]
    fn changes_need_json_and_sizes_are_capped() {
        let access = loopback(None);
        for method in [Method::POST, Method::DELETE, Method::PUT, Method::PATCH] {
            assert_eq!(
                status(&access, method.clone(), "/api/faults", &[]),
                415,
                "{method}"
            );
            assert_eq!(
                status(
                    &access,
                    method.clone(),
                    "/api/faults",
                    &[("content-type", "text/plain")]
                ),
                415
            );
            assert_eq!(
                status(
                    &access,
                    method.clone(),
                    "/api/faults",
                    &[("content-type", "application/jsonx")]
                ),
                415
            );
            assert_eq!(
                status(
                    &access,
                    method.clone(),
                    "/api/faults",
                    &[("content-type", "Application/JSON; charset=utf-8")]
                ),
                200
            );
        }
        assert_eq!(status(&access, Method::GET, "/api/faults", &[]), 200);
        let long = format!("/api/health?q={}", "x".repeat(MAX_URI_BYTES));
        assert_eq!(status(&access, Method::GET, &long, &[]), 414);
        let over = (MAX_BODY_BYTES + 1).to_string();
        assert_eq!(
            status(
                &access,
                Method::POST,
                "/api/faults",
                &[JSON, ("content-length", &over)]
            ),
            413
        );
        let at = MAX_BODY_BYTES.to_string();
        assert_eq!(
            status(
                &access,
                Method::POST,
                "/api/faults",
                &[JSON, ("content-length", &at)]
            ),
            200
        );
    }

    #[test]
    fn tokens_are_generated_random_and_given_ones_checked() {
        let one = Token::generate().unwrap();
        let two = Token::generate().unwrap();
        assert_eq!(one.as_str().len(), 32);
        assert_ne!(one, two);
        assert!(Token::parse(one.as_str()).is_ok());
        assert!(Token::parse("short").unwrap_err().contains("16 to 256"));
        assert!(Token::parse("has a space in it, sixteen+")
            .unwrap_err()
            .contains("may use only"));
        assert!(!format!("{one:?}").contains(one.as_str()));
        let open = Access::for_listen("0.0.0.0:1".parse().unwrap(), None).unwrap();
        assert!(
            open.token().is_some(),
            "beyond loopback a token is always needed"
        );
        let given = Token::parse("given-token-0123456789").unwrap();
        let open = Access::for_listen("[::]:1".parse().unwrap(), Some(given.clone())).unwrap();
        assert_eq!(open.token(), Some(&given));
    }
}
