//! The plan's resilience tests on the rehearsal cluster: start order, platform restarts,
//! and replayed records' liveness judged from their timestamps.

mod common;

use std::time::{Duration, Instant};

use common::*;
use faultline_protocol::topics;

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sidecar_started_before_the_platform_is_listed_active_within_two_seconds() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], 2 * SECOND).await;
    let sidecar = spawn_sidecar(&kafka, "early-bird", 2 * SECOND);
    // The sidecar has registered while no platform exists.
    wait_for_records(&kafka, topics::SIDECARS.name, 1).await;

    let started = Instant::now();
    let platform = start_platform(environment.clone()).await;
    let active = eventually(5 * SECOND, || async {
        statuses(&platform)
            .await
            .contains(&("early-bird".into(), "ACTIVE".into()))
            .then_some(())
    })
    .await;
    let took = started.elapsed();
    assert!(active.is_some(), "early-bird never listed ACTIVE");
    assert!(took <= 2 * SECOND, "listed ACTIVE only after {took:?}");

    platform.stop().await;
    sidecar.stop().await;
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_platform_restart_the_registry_is_whole_at_once_and_the_dead_stay_dead() {
    init_logging();
    let heartbeat = SECOND;
    let (environment, kafka) = rehearsal(&[], heartbeat).await;
    let survivors: Vec<_> = ["alpha", "bravo", "charlie"]
        .iter()
        .map(|n| spawn_sidecar(&kafka, n, heartbeat))
        .collect();
    let victim = spawn_sidecar(&kafka, "delta", heartbeat);

    let platform = start_platform(environment.clone()).await;
    let all_active = eventually(10 * SECOND, || async {
        let rows = statuses(&platform).await;
        (rows.len() == 4 && rows.iter().all(|(_, s)| s == "ACTIVE")).then_some(())
    })
    .await;
    assert!(
        all_active.is_some(),
        "four sidecars never all ACTIVE: {:?}",
        statuses(&platform).await
    );
    platform.stop().await;

    // While the platform is down, one sidecar dies without a tombstone, and stays dead
    // for longer than three heartbeats.
    victim.sidecar.kill();
    tokio::time::sleep(5 * heartbeat).await;

    let restarted_at = Instant::now();
    let platform = start_platform(environment.clone()).await;
    let whole = eventually(5 * SECOND, || async {
        let rows = statuses(&platform).await;
        (rows.len() == 4).then_some(rows)
    })
    .await;
    let took = restarted_at.elapsed();
    let rows = whole.expect("the registry never held all four sidecars");
    assert!(took <= 2 * SECOND, "registry whole only after {took:?}");
    for (id, status) in &rows {
        let expected = if id == "delta" { "INACTIVE" } else { "ACTIVE" };
        assert_eq!(status, expected, "{id} right after the restart: {rows:?}");
    }

    platform.stop().await;
    for sidecar in survivors {
        sidecar.stop().await;
    }
    environment.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sidecar_turns_inactive_and_a_clean_exit_departs() {
    init_logging();
    let heartbeat = SECOND;
    let (environment, kafka) = rehearsal(&[], heartbeat).await;
    let crashed = spawn_sidecar(&kafka, "crashes", heartbeat);
    let leaver = spawn_sidecar(&kafka, "leaves", heartbeat);
    let platform = start_platform(environment.clone()).await;
    let events = EventLog::connect(&platform).await;
    let both_active = eventually(10 * SECOND, || async {
        let rows = statuses(&platform).await;
        (rows.len() == 2 && rows.iter().all(|(_, s)| s == "ACTIVE")).then_some(())
    })
    .await;
    assert!(both_active.is_some(), "sidecars never ACTIVE");

    let killed_at = Instant::now();
    crashed.sidecar.kill();
    leaver.stop().await;

    let inactive = eventually(15 * SECOND, || async {
        statuses(&platform)
            .await
            .contains(&("crashes".into(), "INACTIVE".into()))
            .then_some(())
    })
    .await;
    assert!(inactive.is_some(), "killed sidecar never INACTIVE");
    assert!(
        killed_at.elapsed() >= 3 * heartbeat - Duration::from_millis(500),
        "INACTIVE after {:?}, before three heartbeats were missed",
        killed_at.elapsed()
    );
    assert!(statuses(&platform)
        .await
        .contains(&("leaves".into(), "DEPARTED".into())));

    // Each transition was announced on the WebSocket.
    let transitions: Vec<(String, String)> = events
        .snapshot()
        .iter()
        .filter(|e| e["type"] == "sidecar-status")
        .map(|e| {
            (
                e["sidecarId"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        transitions.contains(&("crashes".into(), "INACTIVE".into())),
        "{transitions:?}"
    );
    assert!(
        transitions.contains(&("leaves".into(), "DEPARTED".into())),
        "{transitions:?}"
    );

    platform.stop().await;
    environment.stop().await;
}
