//! The `faultline-sidecar` binary as a separate OS process against the rehearsal cluster:
//! it registers, the platform lists it, and SIGTERM leaves a tombstone (DEPARTED).

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::processes::binary;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidecar_binary_registers_and_departs_on_sigterm() {
    init_logging();
    let (environment, kafka) = rehearsal(&[], Duration::from_secs(1)).await;
    let platform = start_platform(environment.clone()).await;
    let mut child = Command::new(binary("faultline-sidecar"))
        .args([
            "--bootstrap",
            &kafka.bootstrap,
            "--id",
            "process-1",
            "--heartbeat-ms",
            "1000",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sidecar process starts");

    let active = eventually(Duration::from_secs(20), || async {
        statuses(&platform)
            .await
            .contains(&("process-1".into(), "ACTIVE".into()))
            .then_some(())
    })
    .await;
    assert!(
        active.is_some(),
        "process-1 never ACTIVE: {:?}",
        statuses(&platform).await
    );

    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let exited = eventually(Duration::from_secs(15), || {
        let done = child.try_wait().ok().flatten();
        async move { done }
    })
    .await;
    assert!(
        exited.is_some_and(|status| status.success()),
        "sidecar did not exit cleanly: {exited:?}"
    );
    let departed = eventually(Duration::from_secs(10), || async {
        statuses(&platform)
            .await
            .contains(&("process-1".into(), "DEPARTED".into()))
            .then_some(())
    })
    .await;
    assert!(
        departed.is_some(),
        "process-1 never DEPARTED: {:?}",
        statuses(&platform).await
    );

    platform.stop().await;
    environment.stop().await;
}
