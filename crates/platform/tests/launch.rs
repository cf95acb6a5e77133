//! The launch panel's API against the real server on rehearsal: nothing runs until asked;
//! a start shows every step and ends with sidecars listed; a second start is refused;
//! stop reverts faults and stops; a start after that comes up again.
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{eventually, get_json, init_logging, post_json, recordings_folder};
use faultline_platform::environments::{self, Environment, RehearsalConfig, RehearsalEnvironment};
use faultline_platform::launch::{self, Launcher};
use faultline_platform::{Bus, Headless, StageOptions};
use serde_json::{json, Value};

const START_WITHIN: Duration = Duration::from_secs(60);

async fn state_becomes(server: &Headless, wanted: &str) -> Value {
    eventually(START_WITHIN, || async {
        let status = get_json(server, "/api/launch").await;
        (status["state"] == wanted).then_some(status)
    })
    .await
    .unwrap_or_else(|| panic!("launch state never became {wanted}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_launch_panel_starts_stops_and_starts_again() {
    init_logging();
    // Docker stopped (whether or not this machine runs one): no engine at this socket.
    std::env::set_var(
        "DOCKER_HOST",
        "unix:///nonexistent/faultline-test/docker.sock",
    );
    let environment: Arc<dyn Environment> =
        Arc::new(RehearsalEnvironment::new(RehearsalConfig::default()));
    let options = StageOptions {
        ledger: std::env::temp_dir().join(format!("faultline-launch-{}.json", std::process::id())),
        scenarios_dir: None,
        recordings: recordings_folder(),
    };
    let launcher = Launcher::new(
        Bus::new(),
        environment,
        options,
        Arc::new(environments::create),
        launch::detect(&environments::Host::default()),
    );
    let server = Headless::serve("127.0.0.1:0".parse().unwrap(), launcher)
        .await
        .expect("server starts");

    let idle = get_json(&server, "/api/launch").await;
    assert_eq!(idle["state"], "stopped", "{idle}");
    assert_eq!(idle["detected"]["reason"], "Docker not running → rehearsal");
    let sidecars = get_json(&server, "/api/sidecars").await;
    assert_eq!(
        sidecars,
        json!([]),
        "nothing runs before the presenter starts it"
    );
    // Nothing to break yet: a fault or a scenario is refused at once, not accepted and
    // failed later.
    let (status, refused) = post_json(
        &server,
        "/api/faults",
        json!({"kind": "latency", "broker": 1, "ms": 500}),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(
        refused["error"], "the rehearsal environment is not running; start it first",
        "{refused}"
    );
    let (status, refused) =
        post_json(&server, "/api/scenarios/broker-failure/run", Value::Null).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(
        refused["error"], "the rehearsal environment is not running; start it first",
        "{refused}"
    );
    assert_eq!(get_json(&server, "/api/faults").await, json!([]));
    let choices = eventually(Duration::from_secs(20), || async {
        let status = get_json(&server, "/api/launch").await;
        let kinds: Vec<String> = status["choices"]
            .as_array()?
            .iter()
            .filter_map(|c| c["kind"].as_str().map(str::to_owned))
            .collect();
        (!kinds.is_empty()).then_some(kinds)
    })
    .await
    .expect("the choices are surveyed");
    assert_eq!(choices, ["rehearsal", "local", "docker", "external"]);

    let preflight = get_json(&server, "/api/launch/preflight?kind=rehearsal").await;
    assert_eq!(preflight["ok"], true, "{preflight}");
    let docker = get_json(&server, "/api/launch/preflight?kind=docker").await;
    assert_eq!(docker["ok"], false, "{docker}");
    let engine = docker["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Docker")
        .cloned()
        .unwrap_or_default();
    assert_eq!(engine["ok"], false, "{docker}");
    assert!(
        engine["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("systemctl start docker"),
        "the fix says how to start Docker: {docker}"
    );
    let (status, refused) =
        post_json(&server, "/api/environment/start", json!({"kind": "docker"})).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("the Docker engine is not running"),
        "{refused}"
    );
    let (status, refused) = post_json(
        &server,
        "/api/environment/start",
        json!({"kind": "external"}),
    )
    .await;
    assert_eq!(status, 400, "{refused}");

    let (status, started) = post_json(
        &server,
        "/api/environment/start",
        json!({"kind": "rehearsal"}),
    )
    .await;
    assert_eq!(status, 202, "{started}");
    let (status, busy) = post_json(
        &server,
        "/api/environment/start",
        json!({"kind": "rehearsal"}),
    )
    .await;
    assert_eq!(status, 409, "{busy}");
    let running = state_becomes(&server, "running").await;
    let steps = running["steps"].as_array().expect("steps");
    assert!(steps.len() >= 3, "{running}");
    assert!(steps.iter().all(|s| s["status"] == "done"), "{running}");
    assert!(
        steps
            .iter()
            .any(|s| s["step"] == "Wait for the first sidecar to register"),
        "{running}"
    );
    let listed = get_json(&server, "/api/sidecars").await;
    assert!(!listed.as_array().unwrap().is_empty(), "{listed}");

    let (status, fault) = post_json(
        &server,
        "/api/faults",
        json!({"kind": "producer-rate", "producer": "producer-1", "rate": 5000}),
    )
    .await;
    assert_eq!(status, 201, "{fault}");
    let (status, stopped) = post_json(&server, "/api/environment/stop", Value::Null).await;
    assert_eq!(status, 200, "{stopped}");
    assert_eq!(stopped["state"], "stopped");
    assert_eq!(
        get_json(&server, "/api/faults").await,
        json!([]),
        "stop reverts faults"
    );

    let (status, again) = post_json(
        &server,
        "/api/environment/start",
        json!({"kind": "rehearsal"}),
    )
    .await;
    assert_eq!(status, 202, "{again}");
    state_becomes(&server, "running").await;
    let environment = server.environment();
    server.stop().await;
    environment.stop().await;
}
