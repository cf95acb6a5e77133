//! Unreachable, restarting and paused endpoints, against real JVMs. Timing assertions are
//! deliberately generous: they check "fails fast rather than hanging", not speed.

mod common;

use std::time::{Duration, Instant};

use common::{free_port, JavaTarget};
use faultline_jmx::{JmxClient, JmxError};

const RUNTIME: &str = "java.lang:type=Runtime";

#[tokio::test]
async fn a_closed_port_is_unreachable_quickly_and_then_backs_off() {
    let port = free_port();
    let client =
        JmxClient::for_endpoint(&format!("127.0.0.1:{port}")).with_timeout(Duration::from_secs(20));

    let started = Instant::now();
    let err = client
        .read(RUNTIME, &["Uptime"])
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, JmxError::Unreachable { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    eprintln!("closed port after {:?}: {err}", started.elapsed());
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );

    // Within the backoff the next call does not even try.
    let started = Instant::now();
    let err = client
        .read(RUNTIME, &["Uptime"])
        .await
        .expect_err("still closed");
    match err {
        JmxError::Unreachable { retry_in_ms, .. } => {
            assert!(retry_in_ms > 0 && retry_in_ms <= 5000)
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

/// Polls `client` until a read succeeds or `within` passes.
async fn read_until_ok(client: &JmxClient, within: Duration) -> Result<i64, JmxError> {
    let deadline = Instant::now() + within;
    loop {
        let result = client.read(RUNTIME, &["StartTime"]).await;
        match result {
            Ok(values) => {
                return Ok(values
                    .first()
                    .and_then(|(_, v)| v.as_i64())
                    .unwrap_or_default())
            }
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

#[tokio::test]
async fn reconnects_after_the_target_restarts_on_the_same_port() {
    let first = JavaTarget::start();
    let port = first.port;
    let client = JmxClient::for_endpoint(&first.endpoint());
    let first_start = read_until_ok(&client, Duration::from_secs(10))
        .await
        .expect("first JVM");

    first.kill();
    let err = client
        .read(RUNTIME, &["StartTime"])
        .await
        .expect_err("the JVM is gone");
    assert!(err.is_connectivity(), "{err:?}");
    eprintln!("after kill: {err}");

    let restarted = Instant::now();
    let second = JavaTarget::start_on(port);
    let second_start = read_until_ok(&client, Duration::from_secs(20))
        .await
        .expect("reconnected to the restarted JVM");
    eprintln!(
        "reconnected {:?} after the restart began",
        restarted.elapsed()
    );
    assert_ne!(first_start, second_start, "still talking to the old JVM?");
    second.kill();
}

#[tokio::test]
async fn a_paused_jvm_times_out_without_blocking_other_endpoints() {
    let paused = JavaTarget::start();
    let live = JavaTarget::start();
    let stuck =
        JmxClient::for_endpoint(&paused.endpoint()).with_timeout(Duration::from_millis(1500));
    let healthy = JmxClient::for_endpoint(&live.endpoint());
    read_until_ok(&stuck, Duration::from_secs(10))
        .await
        .expect("connect before pausing");
    read_until_ok(&healthy, Duration::from_secs(10))
        .await
        .expect("connect the live one");

    paused.pause();
    let stuck_call = stuck.read(RUNTIME, &["Uptime"]);
    let healthy_calls = async {
        let mut served = 0;
        for _ in 0..5 {
            healthy
                .read(RUNTIME, &["Uptime"])
                .await
                .expect("live endpoint keeps working");
            served += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        served
    };
    let started = Instant::now();
    let (stuck_result, served) = tokio::join!(stuck_call, healthy_calls);
    assert_eq!(served, 5);
    let err = stuck_result.expect_err("a paused JVM cannot answer");
    eprintln!("paused endpoint, first call: {err}");
    assert!(err.is_connectivity(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );

    // The endpoint thread may still be waiting on the paused JVM: later calls to it time
    // out too, while the live endpoint still answers at once.
    let again = stuck
        .read(RUNTIME, &["Uptime"])
        .await
        .expect_err("still paused");
    eprintln!("paused endpoint, second call: {again}");
    assert!(again.is_connectivity(), "{again:?}");
    healthy
        .read(RUNTIME, &["Uptime"])
        .await
        .expect("live endpoint still fine");

    // With a patient caller, the RMI client timeouts (3 s) free the endpoint thread: the
    // call ends as Unreachable instead of waiting for as long as the pause lasts.
    let started = Instant::now();
    let patient = stuck.clone().with_timeout(Duration::from_secs(30));
    let err = patient
        .read(RUNTIME, &["Uptime"])
        .await
        .expect_err("still paused");
    eprintln!(
        "paused endpoint, patient call after {:?}: {err}",
        started.elapsed()
    );
    assert!(matches!(err, JmxError::Unreachable { .. }), "{err:?}");

    paused.resume();
    let resumed = Instant::now();
    read_until_ok(&stuck, Duration::from_secs(20))
        .await
        .expect("recovers after SIGCONT");
    eprintln!(
        "paused endpoint answered again {:?} after SIGCONT",
        resumed.elapsed()
    );
    paused.kill();
    live.kill();
}
