//! `faultline-server --env local` on real Apache Kafka: the server brings up three KRaft
//! brokers, Toxiproxy, the Java producer and consumer and their sidecar processes, and the
//! platform reads all of it. Needs the local stack fetched
//! (`tests/scripts/fetch-local-stack.sh`).

mod common;

use std::time::{Duration, Instant};

use common::local::StackGuard;
use common::processes::ServerProcess;
use common::*;
use faultline_jmx::{JmxClient, JmxValue};
use faultline_platform::environments::local::{Toxic, Toxiproxy};
use serde_json::{json, Value};

const PRODUCER_CONTROL: &str = "io.faultline.workloads:type=ProducerControl,name=producer-1";
const CONSUMER_CONTROL: &str = "io.faultline.workloads:type=ConsumerControl,name=consumer-1";

async fn sidecar(server: &ServerProcess, id: &str) -> Option<Value> {
    let rows = get_json(server, "/api/sidecars").await;
    rows.as_array()?
        .iter()
        .find(|r| r["sidecarId"] == id)
        .cloned()
}

async fn post(server: &ServerProcess, path: &str, body: Value) -> Value {
    let url = format!("http://{}{path}", server.addr);
    let response = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert!(
        response.status().is_success(),
        "POST {path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

/// The Java producer's MessagesSent; None while the JMX connection is still being made
/// (on a busy machine, connecting to a freshly started JVM takes longer than one call's 5 s;
/// the connection goes on in the background and a later call succeeds).
async fn messages_sent(jmx: &JmxClient) -> Option<i64> {
    let values = jmx.read(PRODUCER_CONTROL, &["MessagesSent"]).await.ok()?;
    values.first().and_then(|(_, v)| v.as_i64())
}

/// Messages the Java producer had acknowledged per second over `window`.
async fn measured_rate(jmx: &JmxClient, window: Duration) -> Option<f64> {
    let before = messages_sent(jmx).await?;
    tokio::time::sleep(window).await;
    Some((messages_sent(jmx).await? - before) as f64 / window.as_secs_f64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_stack_is_observed_commanded_and_survives_a_broker_kill() {
    init_logging();
    let _guard = StackGuard::server_run();
    let started = Instant::now();
    let mut server = ServerProcess::start(&["--env", "local"], &[]).await;
    let events = EventLog::connect(&server).await;
    let running = eventually(Duration::from_secs(240), || async {
        let environment = get_json(&server, "/api/environment").await;
        assert_ne!(
            environment["state"], "failed",
            "the local stack failed: {environment}"
        );
        let sidecars = statuses(&server).await;
        let both = ["producer-1", "consumer-1"]
            .iter()
            .all(|id| sidecars.contains(&(id.to_string(), "ACTIVE".into())));
        (environment["state"] == "running" && both).then_some(())
    })
    .await;
    assert!(
        running.is_some(),
        "local stack never running with both sidecars: {}",
        get_json(&server, "/api/environment").await
    );
    eprintln!("local stack up in {:?}", started.elapsed());

    // The sidecar reads the Java producer's real JMX.
    let producer = eventually(Duration::from_secs(30), || async {
        sidecar(&server, "producer-1")
            .await
            .filter(|p| p["targetRate"] == 100 && p["bufferFill"].is_number())
    })
    .await
    .expect("producer-1's JMX readings");
    assert_eq!(producer["jmxEndpoint"], "127.0.0.1:11001", "{producer}");

    // A COMMAND set-rate reaches the producer through its sidecar and JMX.
    let jmx = JmxClient::for_endpoint("127.0.0.1:11001");
    post(
        &server,
        "/api/sidecars/producer-1/command",
        json!({"op": "set-rate", "rate": 1000}),
    )
    .await;
    let fast = eventually(Duration::from_secs(30), || async {
        let rate = measured_rate(&jmx, Duration::from_secs(3)).await?;
        (rate > 600.0).then_some(rate)
    })
    .await;
    assert!(fast.is_some(), "producer never sped up to ~1000 msg/s");
    post(
        &server,
        "/api/sidecars/producer-1/command",
        json!({"op": "resume"}),
    )
    .await;
    let slow = eventually(Duration::from_secs(30), || async {
        let rate = measured_rate(&jmx, Duration::from_secs(3)).await?;
        (rate < 400.0).then_some(rate)
    })
    .await;
    assert!(
        slow.is_some(),
        "producer never came back to its nominal 100 msg/s"
    );

    // 500 ms of latency on every broker proxy shows in the producer's request latency as
    // its sidecar reports it; removing it brings the latency back down. The client's
    // request-latency-avg averages over 1-2 s, so old and new requests mix for a moment
    // either way. The baseline comes first: right after start-up those averages still hold
    // the first requests (connections, metadata, leader moves), so it must settle.
    let settled = eventually(Duration::from_secs(60), || async {
        sidecar(&server, "producer-1")
            .await
            .and_then(|p| p["requestLatencyMs"].as_f64())
            .filter(|ms| *ms < 150.0)
    })
    .await;
    assert!(
        settled.is_some(),
        "producer-1's request latency never settled below 150 ms: {:?}",
        sidecar(&server, "producer-1").await
    );
    let toxiproxy = Toxiproxy::new(19474);
    for broker in 1..=3 {
        let toxic = Toxic {
            name: "test-latency".into(),
            kind: "latency".into(),
            stream: "downstream".into(),
            toxicity: 1.0,
            attributes: json!({"latency": 500, "jitter": 0}),
        };
        toxiproxy
            .add_toxic(&format!("broker-{broker}"), &toxic)
            .await
            .expect("latency toxic");
    }
    let slowed = eventually(Duration::from_secs(90), || async {
        let latency = sidecar(&server, "producer-1")
            .await?
            .get("requestLatencyMs")?
            .as_f64()?;
        (latency >= 300.0).then_some(latency)
    })
    .await;
    for broker in 1..=3 {
        toxiproxy
            .remove_toxic(&format!("broker-{broker}"), "test-latency")
            .await
            .expect("toxic removed");
    }
    assert!(
        slowed.is_some(),
        "request latency never rose: {:?}",
        sidecar(&server, "producer-1").await
    );
    let recovered = eventually(Duration::from_secs(150), || async {
        let latency = sidecar(&server, "producer-1")
            .await?
            .get("requestLatencyMs")?
            .as_f64()?;
        (latency < 150.0).then_some(latency)
    })
    .await;
    assert!(
        recovered.is_some(),
        "request latency never came back: {:?}",
        sidecar(&server, "producer-1").await
    );

    // A slowed consumer builds lag, in messages and in seconds.
    let consumer_jmx = JmxClient::for_endpoint("127.0.0.1:11101");
    post(
        &server,
        "/api/sidecars/producer-1/command",
        json!({"op": "set-rate", "rate": 50}),
    )
    .await;
    // The first call also makes the JMX connection, which may take longer than one call.
    let slowed = eventually(Duration::from_secs(30), || async {
        consumer_jmx
            .set(CONSUMER_CONTROL, "ProcessingDelayMs", JmxValue::Int(200))
            .await
            .ok()
    })
    .await;
    assert!(slowed.is_some(), "cannot slow the consumer over JMX");
    let lag = |groups: Value| -> Option<(i64, f64)> {
        let group = groups
            .as_array()?
            .iter()
            .find(|g| g["group"] == "faultline-demo-consumers")?
            .clone();
        Some((
            group["lagMessages"].as_i64()?,
            group["lagSeconds"].as_f64()?,
        ))
    };
    let first = eventually(Duration::from_secs(30), || async {
        lag(get_json(&server, "/api/consumer-groups").await).filter(|(messages, _)| *messages > 0)
    })
    .await
    .expect("the group's lag is measured");
    let grown = eventually(Duration::from_secs(60), || async {
        lag(get_json(&server, "/api/consumer-groups").await)
            .filter(|(messages, seconds)| *messages > first.0 + 50 && *seconds > first.1 + 3.0)
    })
    .await;
    assert!(
        grown.is_some(),
        "lag did not grow in messages and seconds from {first:?}"
    );
    consumer_jmx
        .set(CONSUMER_CONTROL, "ProcessingDelayMs", JmxValue::Int(0))
        .await
        .expect("restore the consumer");
    post(
        &server,
        "/api/sidecars/producer-1/command",
        json!({"op": "resume"}),
    )
    .await;

    // SIGKILL one broker: it is DOWN and partitions are under-replicated, on /ws and in
    // /api/environment; restarting it brings URP back to 0. The platform never restarts.
    let environment = get_json(&server, "/api/environment").await;
    let pid = environment["brokers"][1]["pid"]
        .as_u64()
        .expect("broker 2's pid");
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let seen = eventually(Duration::from_secs(60), || async {
        let log = events.snapshot();
        let down = log
            .iter()
            .any(|e| e["type"] == "condition" && e["brokerId"] == 2 && e["condition"] == "DOWN");
        let urp = log
            .iter()
            .any(|e| e["type"] == "broker" && e["underReplicatedPartitions"].as_i64() > Some(0));
        (down && urp).then_some(())
    })
    .await;
    assert!(
        seen.is_some(),
        "broker DOWN and URP > 0 never both seen on /ws"
    );
    let environment = get_json(&server, "/api/environment").await;
    assert_eq!(environment["brokers"][1]["state"], "down", "{environment}");
    assert!(
        environment["underReplicatedPartitions"].as_i64() > Some(0),
        "{environment}"
    );

    post(&server, "/api/environment/brokers/2/start", json!({})).await;
    let healed = eventually(Duration::from_secs(120), || async {
        let environment = get_json(&server, "/api/environment").await;
        (environment["brokers"][1]["state"] == "up"
            && environment["underReplicatedPartitions"] == 0)
            .then_some(())
    })
    .await;
    assert!(
        healed.is_some(),
        "URP never back to 0: {}",
        get_json(&server, "/api/environment").await
    );
    assert!(
        server.process.is_running(),
        "the platform restarted or died"
    );

    // A clean stop takes the whole stack down.
    assert!(
        server.process.terminate(Duration::from_secs(90)).await,
        "server did not stop cleanly"
    );
    let broker = environment["brokers"][0]["pid"]
        .as_u64()
        .expect("broker 1's pid");
    assert!(
        !std::path::Path::new(&format!("/proc/{broker}")).exists(),
        "broker 1 still running after stop"
    );
}
