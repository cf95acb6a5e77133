//! No fault outlives a crash: `faultline-server --env local` is killed with SIGKILL while a
//! latency toxic, a stopped broker and a stress-ng process are active; the next start
//! reverts all three and reports it. On the way, a second Faultline started beside the
//! first is refused without touching its stack. Needs the local stack fetched.

mod common;

use std::time::Duration;

use common::local::{ready, StackGuard};
use common::processes::ServerProcess;
use common::*;
use faultline_platform::environments::local::{cache_dir, Toxiproxy};
use serde_json::{json, Value};

fn process_alive(pid: u64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(") ")
                .next()
                .unwrap_or_default()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_left_by_a_killed_server_are_reverted_on_the_next_start() {
    init_logging();
    let _guard = StackGuard::server_run();
    let mut server = ServerProcess::start(&["--env", "local"], &[]).await;
    ready(&server).await;

    // A second Faultline on the same stack is refused and touches nothing of it.
    let second = ServerProcess::start(&["--env", "local"], &[]).await;
    let refused = eventually(Duration::from_secs(60), || async {
        let environment = get_json(&second, "/api/environment").await;
        (environment["state"] == "failed").then_some(environment)
    })
    .await
    .expect("the second Faultline's start fails");
    let reason = refused["error"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "another Faultline (process {})",
            server.process.pid()
        )),
        "{refused}"
    );
    let preflight = get_json(&second, "/api/launch/preflight?kind=local").await;
    assert_eq!(preflight["ok"], false, "{preflight}");
    assert!(
        preflight["blockers"]
            .to_string()
            .contains("another Faultline"),
        "{preflight}"
    );
    drop(second);
    ready(&server).await;

    let injected = [
        json!({"kind": "latency", "broker": 1, "ms": 700}),
        json!({"kind": "broker-down", "broker": 2, "mode": "stop"}),
        json!({"kind": "cpu-stress", "broker": 3, "workers": 1}),
    ];
    for fault in &injected {
        let (status, body) = post_json(&server, "/api/faults", fault.clone()).await;
        assert_eq!(status, 201, "{fault}: {body}");
    }
    // One record a line, after its 8-digit checksum and a space (docs/architecture.md).
    let ledger = std::fs::read_to_string(cache_dir().join("state").join("faults-local.json"))
        .expect("the ledger is on disk");
    let records: Vec<Value> = ledger
        .lines()
        .map(|line| serde_json::from_str(&line[9..]).expect("a ledger line is JSON"))
        .collect();
    let stress_pid = records
        .iter()
        .find_map(|r| r["receipt"]["process"]["pid"].as_u64())
        .expect("stress-ng's pid in the ledger");
    assert!(process_alive(stress_pid));
    let toxiproxy = Toxiproxy::new(19474);
    let toxics = |proxies: Vec<faultline_platform::environments::local::Proxy>| -> usize {
        proxies.iter().map(|p| p.toxics.len()).sum()
    };
    assert_eq!(toxics(toxiproxy.proxies().await.expect("toxiproxy")), 1);

    server.process.kill9();

    let server = ServerProcess::start(&["--env", "local"], &[]).await;
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
    assert_eq!(
        toxics(toxiproxy.proxies().await.expect("toxiproxy")),
        0,
        "a toxic survived"
    );
    assert!(!process_alive(stress_pid), "stress-ng survived");
    let environment = get_json(&server, "/api/environment").await;
    assert!(
        environment["brokers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["state"] == "up"),
        "{environment}"
    );
    assert_eq!(get_json(&server, "/api/faults").await, json!([]));
    drop(server);
}
