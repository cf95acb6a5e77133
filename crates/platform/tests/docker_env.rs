//! The docker environment end to end on a real Docker engine (`faultline-server --env
//! docker`): the compose topology comes up through bollard (Kafka's image pulled with
//! progress from a registry on 127.0.0.1, Faultline's own images built from their
//! contexts), every sidecar registers, all six scenarios pass with nothing left behind, a
//! Faultline SIGKILLed with three faults active heals them on its next start, and a
//! container of someone else with a similar name is never touched.
//!
//! Needs what `tests/scripts/docker-test-env.sh` prepares: a running engine, the
//! stand-in images, and the registry on 127.0.0.1:5000 holding the Kafka stand-in.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder,
};
use bollard::Docker;
use common::processes::ServerProcess;
use common::scenarios::{problems, selected};
use common::*;
use serde_json::{json, Value};

/// The image the test pulls through the driver; the registry the setup script runs.
const PULLED: &str = "apache/kafka:4.1.1";
const REGISTRY: &str = "127.0.0.1:5000/";
/// Someone else's container, named like ours, without our label.
const FOREIGN: &str = "faultline-broker-1-lookalike";
const FIXTURE_LABEL: &str = "io.faultline.fixture";

fn repository_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn server_env() -> Vec<(&'static str, String)> {
    let root = repository_root();
    let target = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    vec![
        (
            "FAULTLINE_COMPOSE_FILE",
            root.join("compose/docker-compose.yml")
                .display()
                .to_string(),
        ),
        (
            "FAULTLINE_SIDECAR",
            target.join("faultline-sidecar").display().to_string(),
        ),
        ("FAULTLINE_IMAGE_PREFIX", REGISTRY.to_owned()),
    ]
}

async fn start_server(extra: &[&str]) -> ServerProcess {
    let env = server_env();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec!["--env", "docker"];
    args.extend_from_slice(extra);
    ServerProcess::start(&args, &pairs).await
}

/// Until the environment runs with three brokers up and both sidecars ACTIVE.
async fn ready(server: &ServerProcess) {
    let up = eventually(Duration::from_secs(420), || async {
        let environment = get_json(server, "/api/environment").await;
        assert_ne!(environment["state"], "failed", "{environment}");
        let active = statuses(server)
            .await
            .iter()
            .filter(|(_, status)| status == "ACTIVE")
            .count();
        let brokers_up = environment["brokers"]
            .as_array()
            .is_some_and(|b| b.len() == 3 && b.iter().all(|b| b["state"] == "up"));
        (environment["state"] == "running" && brokers_up && active == 2).then_some(())
    })
    .await;
    assert!(
        up.is_some(),
        "the docker environment never came up: {}\n{}",
        get_json(server, "/api/environment").await,
        get_json(server, "/api/launch").await
    );
}

/// What an earlier run of this test left (its containers use the images the test wants
/// gone): every container with Faultline's label.
async fn remove_leftovers(docker: &Docker) {
    let filters = HashMap::from([(
        "label".to_owned(),
        vec!["io.faultline.project=faultline".to_owned()],
    )]);
    let leftovers = docker
        .list_containers(Some(
            bollard::query_parameters::ListContainersOptionsBuilder::default()
                .all(true)
                .filters(&filters)
                .build(),
        ))
        .await
        .unwrap();
    for id in leftovers.iter().filter_map(|c| c.id.as_deref()) {
        let _ = docker
            .remove_container(
                id,
                Some(RemoveContainerOptionsBuilder::default().force(true).build()),
            )
            .await;
    }
}

/// A stand-in image the driver must pull: its local tag goes (only a test fixture's).
async fn forget_pulled_image(docker: &Docker) {
    // Absent already (an earlier run removed it and failed before pulling): nothing to do.
    let Ok(image) = docker.inspect_image(PULLED).await else {
        return;
    };
    let labels = image.config.and_then(|c| c.labels).unwrap_or_default();
    assert_eq!(
        labels.get(FIXTURE_LABEL).map(String::as_str),
        Some("stand-in"),
        "{PULLED} here is not the test's stand-in; the test will not remove it"
    );
    // Its own layers go too (the base it shares with eclipse-temurin stays), so the pull
    // downloads them again, with progress.
    let options = RemoveImageOptionsBuilder::default().build();
    docker
        .remove_image(PULLED, Some(options), None)
        .await
        .expect("the stand-in's tag is removed");
}

/// Faultline's own images go, so that the start builds them.
async fn forget_built_images(docker: &Docker) {
    for image in [
        "faultline/sidecar:0.1.0",
        "faultline/workloads:0.1.0",
        "faultline/toxiproxy:0.1.0",
    ] {
        let ours = docker
            .inspect_image(image)
            .await
            .ok()
            .and_then(|i| i.config.and_then(|c| c.labels))
            .is_some_and(|labels| labels.contains_key("io.faultline.project"));
        if ours {
            let _ = docker
                .remove_image(
                    image,
                    None::<bollard::query_parameters::RemoveImageOptions>,
                    None,
                )
                .await;
        }
    }
}

async fn start_foreign(docker: &Docker) -> String {
    let _ = docker
        .remove_container(
            FOREIGN,
            Some(RemoveContainerOptionsBuilder::default().force(true).build()),
        )
        .await;
    let body = ContainerCreateBody {
        image: Some("eclipse-temurin:17-jre".into()),
        cmd: Some(vec!["sleep".into(), "3600".into()]),
        labels: Some(HashMap::from([("purpose".into(), "someone else's".into())])),
        ..Default::default()
    };
    let created = docker
        .create_container(
            Some(
                CreateContainerOptionsBuilder::default()
                    .name(FOREIGN)
                    .build(),
            ),
            body,
        )
        .await
        .expect("the foreign container is created");
    docker.start_container(FOREIGN, None).await.unwrap();
    created.id
}

/// The foreign container still runs, unpaused, as it was created.
async fn foreign_untouched(docker: &Docker, id: &str, after: &str) {
    let state = docker
        .inspect_container(FOREIGN, None)
        .await
        .unwrap_or_else(|e| panic!("after {after} the foreign container is gone: {e}"));
    assert_eq!(state.id.as_deref(), Some(id), "after {after}");
    let state = state.state.unwrap();
    assert_eq!(state.running, Some(true), "after {after}");
    assert_eq!(state.paused, Some(false), "after {after}");
}

async fn toxics() -> Vec<String> {
    let proxies: Value = reqwest::get("http://127.0.0.1:28474/proxies")
        .await
        .expect("Toxiproxy answers")
        .json()
        .await
        .unwrap();
    proxies
        .as_object()
        .unwrap()
        .values()
        .flat_map(|p| {
            p["toxics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|t| format!("{} on {}", t["name"], p["name"]))
        })
        .collect()
}

/// `(running, paused, CPU quota)` of a service's container.
async fn container(docker: &Docker, service: &str) -> (bool, bool, i64) {
    let inspect = docker
        .inspect_container(&format!("faultline-{service}"), None)
        .await
        .unwrap_or_else(|e| panic!("{service}: {e}"));
    let state = inspect.state.unwrap();
    (
        state.running == Some(true),
        state.paused == Some(true),
        inspect.host_config.and_then(|h| h.cpu_quota).unwrap_or(0),
    )
}

async fn everything_clean(server: &ServerProcess, docker: &Docker, after: &str) {
    assert_eq!(
        get_json(server, "/api/faults").await,
        json!([]),
        "{after} left faults"
    );
    assert_eq!(toxics().await, Vec::<String>::new(), "{after} left toxics");
    for broker in 1..=3 {
        let (running, paused, quota) = container(docker, &format!("broker-{broker}")).await;
        assert!(
            running && !paused,
            "after {after} broker-{broker} is not running"
        );
        assert!(
            quota <= 0,
            "after {after} broker-{broker} keeps a CPU quota of {quota}"
        );
    }
}

/// The launch panel's containers view: every service listed with its state and health,
/// buttons only for brokers and sidecars; "add a producer" brings a pair whose sidecar
/// registers itself, and stopping that sidecar's container shows it DEPARTED.
async fn containers_view_and_one_more_producer(server: &ServerProcess) {
    let rows = get_json(server, "/api/environment/containers").await;
    let rows = rows.as_array().expect("a list of containers").clone();
    assert_eq!(rows.len(), 8, "{rows:?}");
    for row in &rows {
        let service = row["service"].as_str().unwrap();
        assert_eq!(row["state"], "running", "{row}");
        assert_eq!(row["health"], "healthy", "{row}");
        let actors = service.starts_with("broker-") || service.starts_with("sidecar-");
        let running_actor = json!(["stop", "restart"]);
        let expected = if actors { &running_actor } else { &json!([]) };
        assert_eq!(&row["actions"], expected, "{row}");
    }
    let (status, refused) = post_json(
        server,
        "/api/environment/containers/toxiproxy/stop",
        Value::Null,
    )
    .await;
    assert_eq!(
        status, 409,
        "Toxiproxy is the stage, not an actor: {refused}"
    );
    let (status, refused) = post_json(
        server,
        "/api/environment/containers/broker-1/explode",
        Value::Null,
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    let (status, refused) = post_json(
        server,
        "/api/environment/containers/%3Cscript%3E/stop",
        Value::Null,
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(!refused.to_string().contains("<script>"), "{refused}");

    let (status, added) = post_json(server, "/api/environment/producers", Value::Null).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["added"], "producer-2");
    let status_of = |id: &'static str| async move {
        statuses(server)
            .await
            .into_iter()
            .find(|(sidecar, _)| sidecar == id)
            .map(|(_, status)| status)
    };
    let active = eventually(Duration::from_secs(60), || async {
        (status_of("producer-2").await.as_deref() == Some("ACTIVE")).then_some(())
    })
    .await;
    assert!(active.is_some(), "producer-2's sidecar never registered");
    let rows = get_json(server, "/api/environment/containers").await;
    assert_eq!(rows.as_array().unwrap().len(), 10, "{rows}");

    let (status, answer) = post_json(
        server,
        "/api/environment/containers/sidecar-producer-2/stop",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let departed = eventually(Duration::from_secs(60), || async {
        (status_of("producer-2").await.as_deref() == Some("DEPARTED")).then_some(())
    })
    .await;
    assert!(
        departed.is_some(),
        "producer-2 is {:?}, not DEPARTED",
        status_of("producer-2").await
    );
    let (status, answer) = post_json(
        server,
        "/api/environment/containers/sidecar-producer-2/start",
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let back = eventually(Duration::from_secs(60), || async {
        (status_of("producer-2").await.as_deref() == Some("ACTIVE")).then_some(())
    })
    .await;
    assert!(back.is_some(), "producer-2's sidecar did not come back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docker_environment_comes_up_runs_every_scenario_and_heals_after_a_crash() {
    init_logging();
    let docker = Docker::connect_with_defaults()
        .unwrap()
        .negotiate_version()
        .await
        .expect("a Docker engine answers (tests/scripts/docker-test-env.sh starts one)");
    remove_leftovers(&docker).await;
    forget_pulled_image(&docker).await;
    forget_built_images(&docker).await;
    let foreign = start_foreign(&docker).await;

    // Started from the API once the event stream is read, so that no step goes unseen.
    let mut server = start_server(&["--no-autostart"]).await;
    let events = EventLog::connect(&server).await;
    let (status, answer) =
        post_json(&server, "/api/environment/start", json!({"kind": "docker"})).await;
    assert!(status < 300, "start: {answer}");
    ready(&server).await;
    foreign_untouched(&docker, &foreign, "start").await;

    // Every service's steps, the pull with its progress, the builds.
    let launch = get_json(&server, "/api/launch").await;
    let steps = launch["steps"].as_array().unwrap().clone();
    let detail = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no step {name}: {launch}"))["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        detail(&format!("Image {PULLED}")).contains("pulled"),
        "{launch}"
    );
    assert!(
        detail("Image faultline/sidecar:0.1.0").contains("built"),
        "{launch}"
    );
    assert!(
        detail("Image faultline/workloads:0.1.0").contains("built"),
        "{launch}"
    );
    for service in [
        "broker-1",
        "broker-2",
        "broker-3",
        "toxiproxy",
        "producer-1",
        "consumer-1",
        "sidecar-producer-1",
        "sidecar-consumer-1",
    ] {
        for step in [format!("Start {service}"), format!("{service} healthy")] {
            assert!(
                steps
                    .iter()
                    .any(|s| s["step"] == step && s["status"] == "done"),
                "{step} not done: {launch}"
            );
        }
    }
    let pull_progress: Vec<u64> = events
        .snapshot()
        .iter()
        .filter(|e| e["type"] == "environment" && e["step"] == format!("Image {PULLED}"))
        .filter_map(|e| e["percent"].as_u64())
        .collect();
    assert!(
        !pull_progress.is_empty() && pull_progress.iter().all(|p| *p <= 100),
        "the pull reported its progress: {pull_progress:?}"
    );
    let proxies: Value = reqwest::get("http://127.0.0.1:28474/proxies")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for broker in 1..=3 {
        for proxy in [format!("broker-{broker}"), format!("broker-{broker}-host")] {
            assert!(proxies.get(&proxy).is_some(), "no proxy {proxy}: {proxies}");
        }
    }

    let mut failures = Vec::new();
    for id in selected() {
        let run = run_scenario(&server, id, Duration::from_secs(400)).await;
        eprintln!(
            "{id}: {} stopwatch {} {} expectations {}",
            run["status"], run["stopwatch"], run["reason"], run["expectations"]
        );
        if let Some(problem) = problems(&run) {
            failures.push(format!("{id}: {problem}\n{run:#}"));
        }
        everything_clean(&server, &docker, id).await;
        foreign_untouched(&docker, &foreign, id).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    containers_view_and_one_more_producer(&server).await;

    // Three faults at once, then Faultline dies without a word.
    for fault in [
        json!({"kind": "broker-down", "broker": 2, "mode": "pause"}),
        json!({"kind": "latency", "broker": 1, "ms": 300}),
        json!({"kind": "cpu-stress", "broker": 3, "workers": 2}),
    ] {
        let (status, answer) = post_json(&server, "/api/faults", fault.clone()).await;
        assert_eq!(status, 201, "{fault}: {answer}");
    }
    assert!(container(&docker, "broker-2").await.1, "broker-2 is paused");
    assert!(
        container(&docker, "broker-3").await.2 > 0,
        "broker-3 has a quota"
    );
    assert!(!toxics().await.is_empty(), "the latency toxic is on");
    server.process.kill9();

    let mut server = start_server(&[]).await;
    ready(&server).await;
    let recovery = eventually(Duration::from_secs(60), || async {
        let report = get_json(&server, "/api/faults/recovery").await;
        (!report.is_null()).then_some(report)
    })
    .await
    .expect("the next start reports what it found");
    assert_eq!(
        recovery["reverted"].as_array().map(Vec::len),
        Some(3),
        "{recovery:#}"
    );
    assert_eq!(recovery["failed"], json!([]), "{recovery:#}");
    everything_clean(&server, &docker, "the restart after SIGKILL").await;
    foreign_untouched(&docker, &foreign, "the restart").await;

    let (status, answer) = post_json(&server, "/api/faults/restore", Value::Null).await;
    assert!(status < 300, "restore-all: {answer}");
    foreign_untouched(&docker, &foreign, "restore-all").await;

    let (status, answer) = post_json(&server, "/api/environment/stop", Value::Null).await;
    assert!(status < 300, "stop: {answer}");
    let left = eventually(Duration::from_secs(120), || async {
        let rows = docker
            .list_containers(Some(
                bollard::query_parameters::ListContainersOptionsBuilder::default()
                    .all(true)
                    .filters(&HashMap::from([(
                        "label".to_owned(),
                        vec!["io.faultline.project=faultline".to_owned()],
                    )]))
                    .build(),
            ))
            .await
            .unwrap();
        rows.is_empty().then_some(())
    })
    .await;
    assert!(
        left.is_some(),
        "down left containers with Faultline's label"
    );
    foreign_untouched(&docker, &foreign, "down").await;
    assert!(
        server.process.terminate(Duration::from_secs(90)).await,
        "the server did not stop cleanly"
    );
    docker
        .remove_container(
            FOREIGN,
            Some(RemoveContainerOptionsBuilder::default().force(true).build()),
        )
        .await
        .unwrap();
}
