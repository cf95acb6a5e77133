//! The plan's resilience tests on real Apache Kafka (three KRaft brokers behind Toxiproxy),
//! with the sidecars and the server as separate OS processes, checked through
//! `GET /api/sidecars`. Needs the local stack fetched (`tests/scripts/fetch-local-stack.sh`).

mod common;

use std::time::{Duration, Instant};

use common::local::bare_stack;
use common::processes::{sidecar_process, ServerProcess};
use common::*;
use faultline_platform::environments::local::Toxic;
use faultline_platform::environments::Environment;
use faultline_protocol::topics;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_order_and_server_crashes_do_not_matter_on_real_kafka() {
    init_logging();
    let (_guard, stack, kafka) = bare_stack("resilience", 21000).await;
    let bootstrap = kafka.bootstrap.clone();
    let external = ["--env", "external", "--bootstrap", bootstrap.as_str()];

    // (1) A sidecar process registers while no platform exists; a server started
    // afterwards lists it ACTIVE within 2 s of its start.
    let _early = sidecar_process(&bootstrap, "early-bird", 1000);
    wait_for_records(&kafka, topics::SIDECARS.name, 1).await;
    let started = Instant::now();
    let mut server = ServerProcess::start(&external, &[]).await;
    let listed = eventually(Duration::from_secs(10), || async {
        statuses(&server)
            .await
            .contains(&("early-bird".into(), "ACTIVE".into()))
            .then_some(())
    })
    .await;
    let took = started.elapsed();
    assert!(
        listed.is_some(),
        "early-bird never ACTIVE: {:?}",
        statuses(&server).await
    );
    assert!(
        took <= Duration::from_secs(2),
        "early-bird ACTIVE only {took:?} after the server started"
    );

    // (2) Three more sidecars; the server is killed with SIGKILL; one sidecar is killed
    // while it is down; the restarted server's registry is whole within 2 s, with the
    // killed sidecar INACTIVE.
    let _alpha = sidecar_process(&bootstrap, "alpha", 1000);
    let _bravo = sidecar_process(&bootstrap, "bravo", 1000);
    let mut victim = sidecar_process(&bootstrap, "victim", 1000);
    let all_active = eventually(Duration::from_secs(30), || async {
        let rows = statuses(&server).await;
        (rows.len() == 4 && rows.iter().all(|(_, s)| s == "ACTIVE")).then_some(())
    })
    .await;
    assert!(
        all_active.is_some(),
        "four sidecars never all ACTIVE: {:?}",
        statuses(&server).await
    );
    server.process.kill9();
    victim.kill9();
    tokio::time::sleep(Duration::from_secs(5)).await;

    let restarted = Instant::now();
    let server = ServerProcess::start(&external, &[]).await;
    let whole = eventually(Duration::from_secs(10), || async {
        let rows = statuses(&server).await;
        (rows.len() == 4).then_some(rows)
    })
    .await;
    let took = restarted.elapsed();
    let rows = whole.expect("the restarted server never listed all four sidecars");
    assert!(
        took <= Duration::from_secs(2),
        "registry whole only {took:?} after the restart"
    );
    for (id, status) in &rows {
        let expected = if id == "victim" { "INACTIVE" } else { "ACTIVE" };
        assert_eq!(status, expected, "{id} after the restart: {rows:?}");
    }

    // (3) Toxiproxy restarted with a toxic in place (the way out when it hangs removing
    // one): the toxic is gone, every proxy is back, and the sidecars stay ACTIVE through it.
    let toxiproxy = stack.toxiproxy();
    let latency = Toxic {
        name: "faultline-latency".into(),
        kind: "latency".into(),
        stream: "downstream".into(),
        toxicity: 1.0,
        attributes: serde_json::json!({"latency": 300, "jitter": 0}),
    };
    toxiproxy
        .add_toxic("broker-1", &latency)
        .await
        .expect("a toxic is added");
    stack.restart_toxiproxy().await.expect("Toxiproxy restarts");
    let proxies = toxiproxy.proxies().await.expect("Toxiproxy answers");
    assert_eq!(proxies.len(), 3, "{proxies:?}");
    assert!(proxies.iter().all(|p| p.toxics.is_empty()), "{proxies:?}");
    let expected = |id: &str| if id == "victim" { "INACTIVE" } else { "ACTIVE" };
    let through = eventually(Duration::from_secs(20), || async {
        let rows = statuses(&server).await;
        rows.iter()
            .all(|(id, status)| status == expected(id))
            .then_some(())
    })
    .await;
    assert!(
        through.is_some(),
        "after Toxiproxy restarted: {:?}",
        statuses(&server).await
    );

    drop(server);
    stack.stop().await;
}
