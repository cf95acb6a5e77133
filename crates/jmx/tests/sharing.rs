//! Clones share one endpoint thread, and the thread ends with the last clone. Its own test
//! binary (process), so that counting threads by name sees no other test's endpoints.

mod common;

use std::time::{Duration, Instant};

use common::JavaTarget;
use faultline_jmx::JmxClient;

/// Threads of this process whose name starts with `prefix` (Linux shows 15 bytes).
fn threads_named(prefix: &str) -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

#[tokio::test]
async fn clones_share_one_thread_which_ends_with_the_last_clone() {
    let target = JavaTarget::start();
    let client = JmxClient::for_endpoint(&target.endpoint());
    let clone = client.clone().with_timeout(Duration::from_secs(8));
    assert_eq!(threads_named("jmx 127"), 0, "threads start on first use");

    let (a, b) = tokio::join!(
        client.read("java.lang:type=Runtime", &["Uptime"]),
        clone.read("java.lang:type=Runtime", &["VmName"]),
    );
    a.expect("read via the original");
    b.expect("read via the clone");
    assert_eq!(threads_named("jmx 127"), 1);

    drop(client);
    clone
        .read("java.lang:type=Runtime", &["Uptime"])
        .await
        .expect("the clone still works");
    assert_eq!(threads_named("jmx 127"), 1);
    drop(clone);

    let deadline = Instant::now() + Duration::from_secs(10);
    while threads_named("jmx 127") > 0 {
        assert!(
            Instant::now() < deadline,
            "the endpoint thread outlived its clients"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    target.kill();
}
