//! Session recording on the rehearsal cluster: the start is recorded from its first
//! `launch` event, a named recording is started and stopped over the API, and both files
//! read back whole, with the registry snapshot and the events in order.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use faultline_platform::recording::{read, Recording};
use faultline_platform::{Headless, StageOptions};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_and_a_named_recording_read_back_in_order() {
    init_logging();
    let recordings = tempfile::tempdir().expect("temp dir");
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(1)).await;
    let options = StageOptions {
        ledger: recordings.path().join("faults.json"),
        scenarios_dir: None,
        recordings: recordings.path().to_owned(),
    };
    let platform =
        Headless::start_with("127.0.0.1:0".parse().unwrap(), environment.clone(), options)
            .await
            .expect("server starts");
    let running = eventually(Duration::from_secs(60), || async {
        (get_json(&platform, "/api/launch").await["state"] == "running").then_some(())
    })
    .await;
    assert!(running.is_some(), "the rehearsal never ran");

    let (status, refused) = post_json(&platform, "/api/recordings", json!({"name": "a b"})).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        refused["error"],
        "the name has other characters; a recording's name is 1 to 64 letters, digits, dashes or underscores"
    );
    let (status, started) =
        post_json(&platform, "/api/recordings", json!({"name": "demo-1"})).await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(
        (&started["name"], &started["recording"]),
        (&json!("demo-1"), &json!(true))
    );
    let (status, busy) = post_json(&platform, "/api/recordings", json!({"name": "demo-2"})).await;
    assert_eq!(status, 409, "{busy}");
    assert_eq!(
        busy["error"],
        "the recording demo-1 is still running; stop it first"
    );

    // A few seconds of signals, brokers and heartbeats.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let listed = get_json(&platform, "/api/recordings").await;
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|file| file["recording"] == true),
        "{listed:?}"
    );

    let (status, stopped) = delete(&platform, "/api/recordings/current").await;
    assert_eq!(status, 200, "{stopped}");
    assert_eq!(stopped[0]["name"], "demo-1");
    assert_eq!(stopped[0]["recording"], false);
    let named_file = stopped[0]["file"].as_str().expect("a file").to_owned();
    let (status, none) = delete(&platform, "/api/recordings/current").await;
    assert_eq!(status, 404, "{none}");
    assert_eq!(none["error"], "no named recording is running");

    platform.stop().await;
    environment.stop().await;

    let session_file = listed
        .iter()
        .find(|file| file["name"].is_null())
        .and_then(|file| file["file"].as_str())
        .expect("a session file");
    let session = read_whole(&recordings.path().join(session_file));
    assert_eq!(session.header.name, None);
    let first_step = session
        .events
        .iter()
        .position(|event| event["type"] == "environment")
        .expect("the start's steps");
    assert!(
        session.events[..first_step]
            .iter()
            .any(|event| event["type"] == "launch" && event["state"] == "starting"),
        "recorded from the start"
    );
    for kind in ["environment", "sidecar-status", "signal"] {
        assert!(
            session.events.iter().any(|event| event["type"] == kind),
            "no {kind} event in the session"
        );
    }

    let named = read_whole(&recordings.path().join(named_file));
    assert_eq!(named.header.name.as_deref(), Some("demo-1"));
    let snapshot = &named.snapshot.as_ref().expect("a snapshot")["sidecars"];
    assert_eq!(snapshot[0]["sidecarId"], "producer-1", "{snapshot}");
    assert_eq!(snapshot[0]["status"], "ACTIVE", "{snapshot}");
    assert!(named.events.iter().any(|event| event["type"] == "signal"));
    let named_seqs = seqs(&named);
    assert!(
        session
            .events
            .iter()
            .any(|event| event["seq"] == named_seqs[0]),
        "both recordings follow the same bus"
    );
}

/// A finished recording of rehearsal with events in increasing `seq` order.
fn read_whole(path: &Path) -> Recording {
    let recording = read(path).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(recording.header.format, "faultline-recording");
    assert_eq!(recording.header.version, 1);
    assert_eq!(recording.header.environment, "rehearsal");
    assert_eq!(recording.break_at, None, "{path:?} was not finished");
    assert!(recording
        .snapshot
        .as_ref()
        .is_some_and(|s| s["sidecars"].is_array()));
    let seqs = seqs(&recording);
    assert!(seqs.len() > 3, "{path:?} holds {} events", seqs.len());
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "{seqs:?}");
    recording
}

fn seqs(recording: &Recording) -> Vec<u64> {
    recording
        .events
        .iter()
        .map(|event| event["seq"].as_u64().expect("every event has a seq"))
        .collect()
}

async fn delete(server: &Headless, path: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .delete(format!("http://{}{path}", server.addr))
        .header("content-type", "application/json")
        .send()
        .await
        .expect("DELETE");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}
