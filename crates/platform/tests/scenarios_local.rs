//! Every built-in scenario end to end on real Apache Kafka (`faultline-server --env local`),
//! one after another on the same stack: each passes with every expectation met, its
//! stopwatch recorded, and no fault left behind — no toxic, no stopped broker, no stress-ng.

mod common;

use std::time::Duration;

use common::local::StackGuard;
use common::processes::ServerProcess;
use common::scenarios::*;
use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_six_scenarios_pass_on_real_kafka() {
    init_logging();
    let _guard = StackGuard::server_run();
    let mut server = ServerProcess::start(&["--env", "local"], &[]).await;
    let ready = eventually(Duration::from_secs(240), || async {
        let environment = get_json(&server, "/api/environment").await;
        assert_ne!(
            environment["state"], "failed",
            "the local stack failed: {environment}"
        );
        let groups = get_json(&server, "/api/consumer-groups").await;
        let sidecars = statuses(&server).await;
        let active = sidecars.iter().filter(|(_, s)| s == "ACTIVE").count();
        let measured = groups.as_array().is_some_and(|g| !g.is_empty());
        (environment["state"] == "running"
            && active == 2
            && measured
            && environment["underReplicatedPartitions"] == 0)
            .then_some(())
    })
    .await;
    assert!(
        ready.is_some(),
        "local stack never ready: {}",
        get_json(&server, "/api/environment").await
    );

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
        assert_eq!(
            get_json(&server, "/api/faults").await,
            Value::Array(vec![]),
            "{id} left faults behind"
        );
        let clean = eventually(Duration::from_secs(120), || async {
            let environment = get_json(&server, "/api/environment").await;
            let brokers_up = environment["brokers"]
                .as_array()?
                .iter()
                .all(|b| b["state"] == "up");
            (brokers_up && environment["underReplicatedPartitions"] == 0).then_some(())
        })
        .await;
        assert!(
            clean.is_some(),
            "after {id} the cluster is not whole: {}",
            get_json(&server, "/api/environment").await
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        server.process.terminate(Duration::from_secs(90)).await,
        "server did not stop cleanly"
    );
}
