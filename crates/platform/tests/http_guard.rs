//! Requests only from Faultline's own page, and every refusal as `{"error": ...}`, against a
//! real `faultline-server` on rehearsal: other origins and other host names get 403 and
//! change nothing, changes sent as anything but JSON get 415, a server beyond loopback wants
//! the token it printed, and one malformed request of each kind to every route in the
//! router is refused with a JSON sentence that does not repeat what was sent. Prints the
//! refusal figures (run with `--nocapture`).

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::processes::{answers_within, binary, free_port, Guarded};
use common::{eventually, EventLog, Served};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Put in every malformed part of a request; no refusal may contain it.
const MARK: &str = "zzmark";
const EVIL: &str = "http://evil.example";

/// `faultline-server` with its stdout kept, a cache (fault ledger) of its own, on `listen`.
struct Server {
    _process: Guarded,
    /// Where a client on this machine reaches it.
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    _cache: TempDir,
}

impl Served for Server {
    fn addr(&self) -> SocketAddr {
        self.addr
    }
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    async fn start(listen_ip: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let cache = TempDir(std::env::temp_dir().join(format!(
            "faultline-http-guard-{}-{port}",
            std::process::id()
        )));
        let mut command = Command::new(binary("faultline-server"));
        command
            .args(args)
            .args(["--listen", &format!("{listen_ip}:{port}")])
            .env("RUST_LOG", "warn")
            .env("FAULTLINE_CACHE", &cache.0)
            .env_remove("FAULTLINE_TOKEN")
            .stdout(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut process = Guarded::spawn(command);
        let stdout = Arc::new(Mutex::new(String::new()));
        let pipe = process.child.stdout.take().expect("piped stdout");
        let sink = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // The page needs no token, so it tells when the server is up in every mode.
        assert!(
            answers_within(&format!("http://{addr}/"), Duration::from_secs(30)).await,
            "faultline-server {args:?} never served its page"
        );
        Self {
            _process: process,
            addr,
            stdout,
            _cache: cache,
        }
    }

    /// The token in the address the server printed.
    async fn printed_token(&self) -> String {
        let found = eventually(Duration::from_secs(30), || async {
            let out = self.stdout.lock().unwrap().clone();
            let start = out.find("?token=")? + "?token=".len();
            let token: String = out[start..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            (!token.is_empty()).then_some(token)
        })
        .await;
        found.unwrap_or_else(|| {
            panic!(
                "no ?token= in the server's output: {}",
                self.stdout.lock().unwrap()
            )
        })
    }
}

/// One request; the answer's status, Content-Type and body (JSON, or the text as a string).
async fn send(
    addr: SocketAddr,
    method: Method,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (u16, String, Value) {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    let mut request = reqwest::Client::new()
        .request(method.clone(), format!("http://{addr}{target}"))
        .headers(map)
        .timeout(Duration::from_secs(60));
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {target}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, content_type, body)
}

/// Asserts a refusal with `status` whose body is `{"error": sentence}`, and returns the sentence.
#[track_caller]
fn refused(answer: &(u16, String, Value), status: u16, what: &str) -> String {
    let (got, content_type, body) = answer;
    assert_eq!(*got, status, "{what}: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "{what}: Content-Type {content_type:?}, body {body}"
    );
    body["error"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("{what}: no error sentence in {body}"))
        .to_owned()
}

async fn wait_running(server: &Server) -> Value {
    let running = eventually(Duration::from_secs(120), || async {
        let launch = common::get_json(server, "/api/launch").await;
        let env = common::get_json(server, "/api/environment").await;
        let up = launch["state"] == "running"
            && env["state"] == "running"
            && env["brokers"]
                .as_array()
                .is_some_and(|b| !b.is_empty() && b.iter().all(|b| b["state"] == "up"));
        up.then_some(env)
    })
    .await;
    running.expect("rehearsal running with every broker up")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_and_host_names_are_refused_and_change_nothing() {
    common::init_logging();
    let server = Server::start("127.0.0.1", &["--env", "rehearsal"], &[]).await;
    let before = wait_running(&server).await;
    let events = EventLog::connect(&server).await;
    let addr = server.addr;
    let own = format!("http://{addr}");
    let fault = json!({"kind": "broker-down", "broker": 2, "mode": "kill"}).to_string();
    let changes = [
        ("/api/scenarios/broker-failure/run", "{}".to_owned()),
        ("/api/faults", fault.clone()),
        ("/api/environment/stop", "{}".to_owned()),
        (
            "/api/environment/start",
            json!({"kind": "rehearsal"}).to_string(),
        ),
    ];
    let rebound_host = format!("evil.example:{}", addr.port());
    let rebound_origin = format!("http://{rebound_host}");
    for (path, body) in &changes {
        let attacks: [(&str, Vec<(&str, &str)>); 3] = [
            // The issue's attack: a form post from another site.
            (
                "cross-site text/plain",
                vec![("origin", EVIL), ("content-type", "text/plain")],
            ),
            (
                "cross-site JSON",
                vec![("origin", EVIL), ("content-type", "application/json")],
            ),
            // DNS rebinding: the attacker's name resolved to 127.0.0.1, so its page is
            // "same origin".
            (
                "rebound",
                vec![
                    ("host", rebound_host.as_str()),
                    ("origin", rebound_origin.as_str()),
                    ("content-type", "application/json"),
                ],
            ),
        ];
        for (what, headers) in attacks {
            let answer = send(addr, Method::POST, path, &headers, Some(body.clone())).await;
            refused(&answer, 403, &format!("{what} POST {path}"));
        }
        // No Origin, but not JSON: 415.
        let answer = send(
            addr,
            Method::POST,
            path,
            &[("content-type", "text/plain")],
            Some(body.clone()),
        )
        .await;
        let sentence = refused(&answer, 415, &format!("text/plain POST {path}"));
        assert!(sentence.contains("application/json"), "{sentence}");
        let answer = send(addr, Method::POST, path, &[], Some(body.clone())).await;
        refused(&answer, 415, &format!("POST {path} without a Content-Type"));
    }
    let answer = send(
        addr,
        Method::DELETE,
        "/api/faults/f-1",
        &[("origin", EVIL), ("content-type", "application/json")],
        None,
    )
    .await;
    refused(&answer, 403, "cross-site DELETE");
    let answer = send(
        addr,
        Method::GET,
        "/api/environment",
        &[("origin", EVIL)],
        None,
    )
    .await;
    refused(&answer, 403, "a cross-site read");

    // The event stream: another site's page may not open it; the server's own page may.
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", HeaderValue::from_static(EVIL));
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 403);
            let body: Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                    .expect("a JSON body");
            assert!(
                body["error"]
                    .as_str()
                    .is_some_and(|s| s.contains("other web pages")),
                "{body}"
            );
        }
        Err(other) => panic!("cross-origin /ws: {other}"),
        Ok(_) => panic!("a cross-origin /ws upgrade was accepted"),
    }
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", HeaderValue::from_str(&own).unwrap());
    tokio_tungstenite::connect_async(request)
        .await
        .expect("the server's own origin opens /ws");

    // Nothing changed: no fault, no scenario, the same environment with every broker up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(common::get_json(&server, "/api/faults").await, json!([]));
    let after = common::get_json(&server, "/api/environment").await;
    assert_eq!(after["state"], "running");
    assert_eq!(
        after["brokers"].as_array().map(Vec::len),
        before["brokers"].as_array().map(Vec::len)
    );
    assert!(
        after["brokers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["state"] == "up"),
        "{after}"
    );
    let changed: Vec<Value> = events
        .snapshot()
        .into_iter()
        .filter(|e| {
            matches!(
                e["type"].as_str(),
                Some("fault" | "scenario" | "restore" | "environment")
            )
        })
        .collect();
    assert!(
        changed.is_empty(),
        "refused requests changed something: {changed:?}"
    );

    // The same change from the server's own page goes through.
    let answer = send(
        addr,
        Method::POST,
        "/api/launch/settings",
        &[("origin", &own), ("content-type", "application/json")],
        Some(json!({"leaveRunningOnQuit": false}).to_string()),
    )
    .await;
    assert_eq!(answer.0, 200, "{:?}", answer.2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_the_api_needs_the_printed_token() {
    common::init_logging();
    let server = Server::start("0.0.0.0", &["--env", "rehearsal", "--no-autostart"], &[]).await;
    let token = server.printed_token().await;
    assert_eq!(token.len(), 32, "a generated token: {token}");
    let addr = server.addr;
    let bearer = format!("Bearer {token}");
    let wrong = format!("Bearer {}", "0".repeat(32));

    for (method, path, body) in [
        (Method::GET, "/api/health", None),
        (Method::GET, "/api/launch", None),
        (
            Method::POST,
            "/api/launch/settings",
            Some(json!({"leaveRunningOnQuit": false}).to_string()),
        ),
        (
            Method::POST,
            "/api/environment/start",
            Some(json!({"kind": "rehearsal"}).to_string()),
        ),
    ] {
        let json_type = ("content-type", "application/json");
        let answer = send(addr, method.clone(), path, &[json_type], body.clone()).await;
        let sentence = refused(&answer, 401, &format!("{method} {path} without the token"));
        assert!(sentence.contains("access token"), "{sentence}");
        let answer = send(
            addr,
            method.clone(),
            path,
            &[json_type, ("authorization", &wrong)],
            body.clone(),
        )
        .await;
        refused(&answer, 401, &format!("{method} {path} with a wrong token"));
        let answer = send(
            addr,
            method.clone(),
            &format!("{path}?token={token}"),
            &[json_type],
            body,
        )
        .await;
        refused(
            &answer,
            401,
            &format!("{method} {path} with the token in the query"),
        );
    }
    let (status, _, health) = send(
        addr,
        Method::GET,
        "/api/health",
        &[("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{health}");
    let (status, _, launch) = send(
        addr,
        Method::GET,
        "/api/launch",
        &[("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(
        (status, launch["state"].as_str()),
        (200, Some("stopped")),
        "nothing was started: {launch}"
    );
    let settings = json!({"leaveRunningOnQuit": false}).to_string();
    let (status, _, body) = send(
        addr,
        Method::POST,
        "/api/launch/settings",
        &[
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        Some(settings),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The page itself needs no token: it is how a browser gets to the token prompt.
    let (status, content_type, _) = send(addr, Method::GET, "/", &[], None).await;
    assert_eq!((status, content_type.starts_with("text/html")), (200, true));

    // The event stream takes the token in its query (browsers cannot set its headers).
    match tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 401)
        }
        other => panic!("/ws without the token: {:?}", other.map(|_| ())),
    }
    tokio_tungstenite::connect_async(format!("ws://{addr}/ws?token={token}"))
        .await
        .expect("/ws with the token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_token_is_needed_on_loopback_too() {
    common::init_logging();
    let token = "given-token-for-this-test-42";
    let server = Server::start(
        "127.0.0.1",
        &["--env", "rehearsal", "--no-autostart"],
        &[("FAULTLINE_TOKEN", token)],
    )
    .await;
    assert_eq!(server.printed_token().await, token);
    let answer = send(server.addr, Method::GET, "/api/health", &[], None).await;
    refused(&answer, 401, "loopback without the given token");
    let bearer = format!("Bearer {token}");
    let (status, _, _) = send(
        server.addr,
        Method::GET,
        "/api/health",
        &[("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(status, 200);
}

/// Every route of the router, as `(methods, path)`, read from the router's own source so
/// that a new route is covered without editing this test.
fn routes() -> Vec<(Vec<Method>, String)> {
    let source = include_str!("../src/server/mod.rs");
    let mut routes = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        // The arguments end at the parenthesis that closes `.route(`.
        let mut depth = 1;
        let end = chunk
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .expect("a closed .route(");
        let args = &chunk[..end];
        let path = args.split('"').nth(1).expect("a path literal").to_owned();
        let methods: Vec<Method> = [
            ("get(", Method::GET),
            ("post(", Method::POST),
            ("delete(", Method::DELETE),
        ]
        .into_iter()
        .filter(|(call, _)| {
            args.match_indices(call).any(|(at, _)| {
                at == 0
                    || !args[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            })
        })
        .map(|(_, method)| method)
        .collect();
        assert!(!methods.is_empty(), "no method found for {path}");
        routes.push((methods, path));
    }
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_malformed_requests_with_a_json_sentence() {
    common::init_logging();
    let routes = routes();
    assert!(
        routes.len() >= 20,
        "the router has more routes than {routes:?}"
    );
    let server = Server::start("127.0.0.1", &["--env", "rehearsal", "--no-autostart"], &[]).await;
    let addr = server.addr;
    let json_type = ("content-type", "application/json");
    let evil_mark = format!("http://{MARK}.example");
    let host_mark = format!("{MARK}.example:{}", addr.port());
    let oversize = format!(
        r#"{{"{MARK}":"{}"}}"#,
        "x".repeat(faultline_platform::server::MAX_BODY_BYTES)
    );
    let long_query = format!(
        "?{MARK}={}",
        "x".repeat(faultline_platform::server::MAX_URI_BYTES)
    );

    // (kind, status wanted, answer)
    let mut answers: Vec<(String, u16, (u16, String, Value))> = Vec::new();
    for (methods, pattern) in &routes {
        let path = pattern.replace("{id}", MARK);
        let first = methods[0].clone();
        let changes = methods.iter().any(|m| *m != Method::GET);
        let label = |kind: &str| format!("{kind} {pattern}");

        let wrong = if methods.contains(&Method::GET) {
            Method::PUT
        } else {
            Method::GET
        };
        let answer = send(addr, wrong, &path, &[json_type], None).await;
        answers.push((label("wrong method"), 405, answer));
        // (what, method, path, headers, body, the status it must get)
        let mut malformed: Vec<(&str, Method, String, Vec<(&str, &str)>, Option<String>, u16)> = vec![
            (
                "other origin",
                first.clone(),
                path.clone(),
                vec![("origin", evil_mark.as_str()), json_type],
                None,
                403,
            ),
            (
                "other host name",
                first.clone(),
                path.clone(),
                vec![("host", host_mark.as_str()), json_type],
                None,
                403,
            ),
            (
                "too-long URI",
                first.clone(),
                format!("{path}{long_query}"),
                vec![json_type],
                None,
                414,
            ),
            (
                "oversize body",
                first.clone(),
                path.clone(),
                vec![json_type],
                Some(oversize.clone()),
                413,
            ),
        ];
        if changes {
            let method = methods.iter().find(|m| **m != Method::GET).unwrap().clone();
            for (what, headers, body, status) in [
                (
                    "text/plain body",
                    vec![("content-type", "text/plain")],
                    MARK.to_owned(),
                    415,
                ),
                ("broken JSON", vec![json_type], format!(r#"{{"{MARK}"#), 400),
                ("not JSON", vec![json_type], MARK.to_owned(), 400),
                (
                    "unknown field",
                    vec![json_type],
                    format!(r#"{{"{MARK}":1}}"#),
                    422,
                ),
                (
                    "wrong JSON type",
                    vec![json_type],
                    format!(r#""{MARK}""#),
                    422,
                ),
            ] {
                malformed.push((
                    what,
                    method.clone(),
                    path.clone(),
                    headers,
                    Some(body),
                    status,
                ));
            }
        }
        for (what, method, target, headers, body, status) in malformed {
            let answer = send(addr, method, &target, &headers, body).await;
            answers.push((label(what), status, answer));
        }
        if pattern.contains("{id}") {
            let method = methods[0].clone();
            let body = (pattern.ends_with("/command")).then(|| r#"{"op":"resume"}"#.to_owned());
            let answer = send(addr, method, &path, &[json_type], body).await;
            let wanted = if pattern.contains("/brokers/") {
                400
            } else {
                404
            };
            answers.push((label("unknown id"), wanted, answer));
        }
    }
    for path in [
        format!("/api/{MARK}"),
        "/api".into(),
        format!("/api/faults/{MARK}/{MARK}"),
        format!("/{MARK}.html"),
    ] {
        let answer = send(addr, Method::GET, &path, &[], None).await;
        answers.push((format!("unknown path {path}"), 404, answer));
    }
    let answer = send(addr, Method::GET, "/ws", &[], None).await;
    answers.push(("/ws without a handshake".into(), 400, answer));
    let answer = send(
        addr,
        Method::GET,
        &format!("/api/launch/preflight?{MARK}=1"),
        &[],
        None,
    )
    .await;
    answers.push(("an unknown query parameter".into(), 400, answer));

    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for (what, status, answer) in &answers {
        let sentence = refused(answer, *status, what);
        assert!(
            !sentence.to_lowercase().contains(MARK),
            "{what} echoed the request: {sentence}"
        );
        *by_status.entry(*status).or_default() += 1;
    }
    println!(
        "http_guard: {} malformed requests to {} routes, every one refused as JSON without echo; by status {by_status:?}",
        answers.len(),
        routes.len()
    );
}

/// The desktop app's `api` command (src-tauri/src/ipc.rs) runs requests through the same
/// router in-process: no `Host`, no `Origin`, no token, always `Content-Type:
/// application/json`, an empty body for `null`. The guard lets exactly those through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_apps_in_process_requests_pass_the_guard() {
    use axum::body::Body;
    use axum::http::Request;
    use faultline_platform::environments::{self, RehearsalConfig, RehearsalEnvironment};
    use faultline_platform::launch::{self, Launcher};
    use faultline_platform::server::{router, AppState};
    use faultline_platform::{Bus, StageOptions};
    use tower::ServiceExt;

    common::init_logging();
    let ledger = std::env::temp_dir().join(format!(
        "faultline-http-guard-ipc-{}.json",
        std::process::id()
    ));
    let launcher = Launcher::new(
        Bus::new(),
        Arc::new(RehearsalEnvironment::new(RehearsalConfig::default())),
        StageOptions {
            ledger: ledger.clone(),
            scenarios_dir: None,
            recordings: common::recordings_folder(),
        },
        Arc::new(environments::create),
        launch::detect(&environments::Host::default()),
    );
    let app = router(AppState::new(launcher));
    // As ipc.rs builds them.
    let ipc = |method: &str, path: &str, body: Option<Value>| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(match body {
                Some(value) => Body::from(value.to_string()),
                None => Body::empty(),
            })
            .unwrap()
    };
    let answer = |response: axum::response::Response| async move {
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
        )
    };

    let saved = app
        .clone()
        .oneshot(ipc(
            "POST",
            "/api/launch/settings",
            Some(json!({"leaveRunningOnQuit": true})),
        ))
        .await
        .unwrap();
    let (status, body) = answer(saved).await;
    assert_eq!(
        (status, &body["leaveRunningOnQuit"]),
        (200, &json!(true)),
        "{body}"
    );
    let (status, body) = answer(
        app.clone()
            .oneshot(ipc("GET", "/api/launch", None))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, &body["leaveRunningOnQuit"]),
        (200, &json!(true)),
        "{body}"
    );
    // A DELETE with no body reaches its handler: 404 for an unknown fault, not 403 or 415.
    let (status, body) = answer(
        app.clone()
            .oneshot(ipc("DELETE", "/api/faults/f-0", None))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let _ = std::fs::remove_file(ledger);
}
