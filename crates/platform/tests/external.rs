//! The `external` environment: the platform pointed at a cluster it did not start (here a
//! rehearsal cluster standing in for "someone else's Kafka") finds the sidecars there.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use faultline_platform::environments::ExternalEnvironment;
use faultline_platform::Headless;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_cluster_is_discovered_without_starting_anything() {
    init_logging();
    let (cluster, kafka) = rehearsal(&["remote-producer"], Duration::from_secs(1)).await;
    let external = Arc::new(ExternalEnvironment::new(kafka.clone()));
    let platform = Headless::start("127.0.0.1:0".parse().unwrap(), external)
        .await
        .expect("server starts");

    let found = eventually(Duration::from_secs(15), || async {
        statuses(&platform)
            .await
            .contains(&("remote-producer".into(), "ACTIVE".into()))
            .then_some(())
    })
    .await;
    assert!(
        found.is_some(),
        "remote-producer not discovered: {:?}",
        statuses(&platform).await
    );

    let environment = get_json(&platform, "/api/environment").await;
    assert_eq!(environment["kind"], "external");
    assert_eq!(environment["state"], "running");
    assert_eq!(environment["bootstrapServers"], kafka.bootstrap.as_str());
    let brokers = environment["brokers"].as_array().expect("brokers");
    assert_eq!(brokers.len(), 3, "{environment}");
    assert!(brokers.iter().all(|b| b["state"] == "up"), "{environment}");

    platform.stop().await;
    cluster.stop().await;
}
