//! Record and replay on the rehearsal cluster: a session with a scenario run is recorded
//! as it happens, then played back at 4× through the replay server, and the replay shows
//! what live showed: the same registry, the same conditions in the same order, the same run
//! result. The same file cut short plays up to its break and says at which byte.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use faultline_platform::{Headless, Replaying, StageOptions};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_session_replays_at_4x_as_it_was_live_and_a_cut_file_up_to_its_break() {
    init_logging();
    let folder = tempfile::tempdir().expect("temp dir");
    // A short scenario of our own (the built-ins run for a minute): fixtures/replay-burst.toml.
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let recordings = folder.path().join("recordings");

    // Live: the run, and what a viewer saw of it.
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(1)).await;
    let options = StageOptions {
        ledger: folder.path().join("faults.json"),
        scenarios_dir: Some(scenarios),
        recordings: recordings.clone(),
    };
    let platform =
        Headless::start_with("127.0.0.1:0".parse().unwrap(), environment.clone(), options)
            .await
            .expect("server starts");
    let live_events = EventLog::connect(&platform).await;
    let ready = eventually(Duration::from_secs(60), || async {
        let active = statuses(&platform).await.iter().any(|(_, s)| s == "ACTIVE");
        let groups = get_json(&platform, "/api/consumer-groups").await;
        (active && groups.as_array().is_some_and(|g| !g.is_empty())).then_some(())
    })
    .await;
    assert!(ready.is_some(), "rehearsal never ready");
    let live_run = run_scenario(&platform, "replay-burst", Duration::from_secs(150)).await;
    assert_eq!(live_run["status"], "passed", "{live_run:#}");
    let run_id = live_run["runId"].as_str().expect("run id").to_owned();
    // The finished event is on the stream once the run's answer says finished.
    let live = eventually(Duration::from_secs(10), || async {
        let events = live_events.snapshot();
        events
            .iter()
            .any(|e| finished(e, &run_id))
            .then_some(events)
    })
    .await
    .expect("the live stream carried the finished run");
    let live_registry = registry(&get_json(&platform, "/api/sidecars").await);
    platform.stop().await;
    environment.stop().await;

    let file = only_session_file(&recordings);

    // Replayed at 4×, from its start.
    let replay = Replaying::start("127.0.0.1:0".parse().unwrap(), &file, 4, None, None)
        .await
        .expect("the recording replays");
    let started = Instant::now();
    let status = get_json(&replay.addr, "/api/replay").await;
    assert_eq!(status["speed"], 4);
    assert_eq!(status["breakAt"], Value::Null, "a whole file: {status}");
    let duration_ms = status["durationMs"].as_u64().expect("duration");
    let replayed_events = EventLog::connect(&replay.addr).await;
    let replayed = eventually(Duration::from_millis(duration_ms / 4 + 60_000), || async {
        let events = replayed_events.snapshot();
        events
            .iter()
            .any(|e| e["type"] == "replay" && e["finished"] == true)
            .then_some(events)
    })
    .await
    .expect("the replay finished");
    let took = started.elapsed();
    eprintln!(
        "replayed {} ms of recording at 4x in {took:?}: {} events",
        duration_ms,
        replayed.len()
    );
    // Paced by the recorded clock at 4× (bounds generous both ways: a shared machine).
    assert!(
        took >= Duration::from_millis(duration_ms / 4 / 2),
        "{took:?} for {duration_ms} ms at 4×"
    );
    assert!(
        took <= Duration::from_millis(duration_ms / 4 * 3 + 20_000),
        "{took:?} for {duration_ms} ms at 4×"
    );

    // The same conditions in the same order, over everything the live viewer saw.
    let first_seq = live
        .iter()
        .find_map(|e| e["seq"].as_u64())
        .expect("live events");
    let last_seq = live
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .max()
        .expect("seq");
    let seen = |events: &[Value]| -> Vec<(u64, String, String)> {
        events
            .iter()
            .filter(|e| e["type"] == "condition")
            .filter_map(|e| {
                let seq = e["seq"].as_u64()?;
                (first_seq..=last_seq)
                    .contains(&seq)
                    .then(|| (seq, e["subject"].to_string(), e["condition"].to_string()))
            })
            .collect()
    };
    let live_conditions = seen(&live);
    eprintln!("conditions seen live: {live_conditions:?}");
    assert!(
        live_conditions
            .iter()
            .any(|(_, s, c)| s == "\"producer-1\"" && c == "\"DEGRADED\""),
        "live saw producer-1 DEGRADED: {live_conditions:?}"
    );
    assert_eq!(seen(&replayed), live_conditions);
    // The same run result: the finished event's and the API's.
    let replayed_run = get_json(&replay.addr, &format!("/api/runs/{run_id}")).await;
    assert_eq!(replayed_run, live_run);
    let replayed_finished = replayed
        .iter()
        .find(|e| finished(e, &run_id))
        .expect("finished");
    assert_eq!(replayed_finished["run"], live_run);
    // Its report, drawn from the replayed events.
    let svg = reqwest::get(format!(
        "http://{}/api/runs/{run_id}/report.svg",
        replay.addr
    ))
    .await
    .expect("report");
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.expect("svg").contains("<svg"));
    // The same registry.
    assert_eq!(
        registry(&get_json(&replay.addr, "/api/sidecars").await),
        live_registry
    );
    // Nothing can be changed in a replay.
    let (status, refused) =
        post_json(&replay.addr, "/api/scenarios/replay-burst/run", Value::Null).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .starts_with("this is a replay of session-"),
        "{refused}"
    );
    let (status, refused) = post_json(
        &replay.addr,
        "/api/faults",
        json!({"kind": "broker-down", "broker": 1}),
    )
    .await;
    assert_eq!(
        status, 409,
        "a path the replay reads is refused as a write too: {refused}"
    );
    let scenarios = get_json(&replay.addr, "/api/scenarios").await;
    assert!(
        scenarios
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["supported"] == false),
        "every scenario button is disabled in a replay"
    );
    replay.stop().await;

    // Cut short: what comes before the break plays, and the break's offset is said.
    let cut = folder.path().join("cut.jsonl.zst");
    let bytes = std::fs::read(&file).expect("recording");
    let length = bytes.len() * 2 / 3;
    std::fs::write(&cut, &bytes[..length]).expect("cut copy");
    let readable = faultline_platform::recording::read(&cut).expect("the header is whole");
    let last_readable = readable.events.last().expect("events before the cut")["seq"].clone();
    let replay = Replaying::start("127.0.0.1:0".parse().unwrap(), &cut, 4, None, None)
        .await
        .expect("a cut recording still replays");
    let status = get_json(&replay.addr, "/api/replay").await;
    assert_eq!(status["breakAt"]["offset"], json!(length), "{status}");
    assert!(status["breakAt"]["reason"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    assert_eq!(status["events"], json!(readable.events.len()));
    // Straight to just before the break, then played out.
    let (code, _) = post_json(
        &replay.addr,
        "/api/replay",
        json!({"seekMs": status["durationMs"].as_u64().unwrap().saturating_sub(2000)}),
    )
    .await;
    assert_eq!(code, 200);
    let tail = EventLog::connect(&replay.addr).await;
    let played = eventually(Duration::from_secs(30), || async {
        let events = tail.snapshot();
        events
            .iter()
            .any(|e| e["type"] == "replay" && e["finished"] == true)
            .then_some(events)
    })
    .await
    .expect("the cut replay played to its break");
    let last_played = played
        .iter()
        .rev()
        .filter(|e| e["type"] != "replay")
        .find_map(|e| e.get("seq"))
        .cloned();
    assert_eq!(last_played, Some(last_readable));
    replay.stop().await;
}

fn finished(event: &Value, run_id: &str) -> bool {
    event["type"] == "scenario" && event["phase"] == "finished" && event["runId"] == run_id
}

/// What a registry row says of a sidecar that does not change by the second.
fn registry(rows: &Value) -> Vec<Value> {
    rows.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            json!([
                r["sidecarId"],
                r["status"],
                r["type"],
                r["workload"],
                r["host"]
            ])
        })
        .collect()
}

/// The one session recording a test's own folder holds.
fn only_session_file(folder: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("recordings folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("session-"))
        })
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().unwrap()
}
