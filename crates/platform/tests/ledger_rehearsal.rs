//! The fault ledger never lies, on rehearsal: a fault that cannot be written down first is
//! refused and never applied or listed; a ledger a crash cut in the middle of an entry
//! still has every complete entry reverted on the next start, with the torn remains kept
//! aside and reported; a ledger that cannot be rewritten after recovery (an immutable
//! file) is a warning on health at every start.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use faultline_platform::chaos::FaultTarget;
use faultline_platform::environments::RehearsalEnvironment;
use faultline_platform::{Headless, StageOptions};
use serde_json::{json, Value};

/// A folder of the test's own, removed when dropped.
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("faultline-ledger-{name}-"))
        .tempdir()
        .unwrap()
}

/// One ledger line as Faultline writes it: CRC-32 of the JSON, in hex, a space, the JSON.
fn ledger_line(record: Value) -> String {
    let json = record.to_string();
    format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
}

/// The record a run writes before it applies `ms` of latency to `broker`.
fn latency_added(id: &str, broker: i32, ms: u32) -> String {
    ledger_line(json!({
        "op": "add",
        "entry": {
            "id": id,
            "fault": {"kind": "latency", "broker": broker, "ms": ms, "jitter": 0},
            "receipt": null,
            "appliedAtMs": 1,
            "runId": null,
        }
    }))
}

async fn serve(environment: Arc<RehearsalEnvironment>, ledger: PathBuf) -> Headless {
    let options = StageOptions {
        ledger,
        scenarios_dir: None,
        recordings: recordings_folder(),
    };
    Headless::start_with("127.0.0.1:0".parse().unwrap(), environment, options)
        .await
        .expect("server starts")
}

async fn running(platform: &Headless) {
    let up = eventually(Duration::from_secs(60), || async {
        let launch = get_json(platform, "/api/launch").await;
        assert_ne!(launch["state"], "failed", "{launch}");
        (launch["state"] == "running").then_some(())
    })
    .await;
    assert!(up.is_some(), "{}", get_json(platform, "/api/launch").await);
}

async fn assert_clean(environment: &RehearsalEnvironment, platform: &Headless) {
    for check in environment.verify_clean().await {
        assert!(check.ok, "{check:?}");
    }
    let status = get_json(platform, "/api/environment").await;
    let brokers = status["brokers"].as_array().cloned().unwrap_or_default();
    assert_eq!(brokers.len(), 3, "{status}");
    assert!(brokers.iter().all(|b| b["state"] == "up"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_that_cannot_be_written_down_is_refused_and_not_listed() {
    init_logging();
    let scratch = scratch("unwritable");
    let dir = scratch.path().to_path_buf();
    // The ledger's folder is a regular file, so nothing can be created in it. A chmod
    // would not do: the tests run as root, whom file modes do not stop.
    let state = dir.join("state");
    std::fs::write(&state, "a file where the state folder should be").unwrap();
    let ledger = state.join("faults-rehearsal.json");
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    let platform = serve(environment.clone(), ledger.clone()).await;
    running(&platform).await;

    for fault in [
        json!({"kind": "latency", "broker": 1, "ms": 500}),
        json!({"kind": "broker-down", "broker": 2, "mode": "kill"}),
        json!({"kind": "producer-rate", "producer": "producer-1", "rate": 3000}),
    ] {
        let (status, body) = post_json(&platform, "/api/faults", fault.clone()).await;
        assert_eq!(status, 503, "{fault}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("cannot write the fault ledger") && error.contains("was not applied"),
            "{fault}: {body}"
        );
    }
    assert_eq!(get_json(&platform, "/api/faults").await, json!([]));
    assert_clean(&environment, &platform).await;
    let rate = eventually(Duration::from_secs(10), || async {
        let rows = get_json(&platform, "/api/sidecars").await;
        rows.as_array()?
            .iter()
            .find(|r| r["sidecarId"] == "producer-1")
            .map(|r| r["targetRate"].clone())
            .filter(|rate| !rate.is_null())
    })
    .await;
    assert_eq!(
        rate,
        Some(json!(
            faultline_platform::environments::REHEARSAL_PRODUCER_RATE
        )),
        "producer-1's rate untouched"
    );
    // The ledger could not even be read at start: health says so, naming it.
    let health = get_json(&platform, "/api/health").await;
    let warnings = health["warnings"].as_array().cloned().unwrap_or_default();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.contains(&ledger.display().to_string()))),
        "{health}"
    );

    platform.stop().await;
    environment.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_cut_in_the_middle_of_an_entry_still_reverts_every_complete_one() {
    init_logging();
    let scratch = scratch("cut");
    let dir = scratch.path().to_path_buf();
    let ledger = dir.join("faults-rehearsal.json");
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    // What a crashed run left: two latency faults written down and applied, and a third
    // whose entry was being written when it died (so never applied).
    environment
        .set_extra_round_trip(1, Duration::from_millis(500))
        .await
        .unwrap();
    environment
        .set_extra_round_trip(2, Duration::from_millis(800))
        .await
        .unwrap();
    let third = latency_added("fault-3", 3, 300);
    let torn = &third[..third.len() / 2];
    let text = format!(
        "{}{}{torn}",
        latency_added("fault-1", 1, 500),
        latency_added("fault-2", 2, 800)
    );
    std::fs::write(&ledger, text).unwrap();
    assert!(environment
        .verify_clean()
        .await
        .iter()
        .any(|check| !check.ok));

    let platform = serve(environment.clone(), ledger.clone()).await;
    running(&platform).await;
    let recovery = get_json(&platform, "/api/faults/recovery").await;
    let mut reverted: Vec<&str> = recovery["reverted"]
        .as_array()
        .expect("a recovery report")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    reverted.sort();
    assert_eq!(
        reverted,
        [
            "Reverted: 500 ms of latency to broker-1.",
            "Reverted: 800 ms of latency to broker-2."
        ],
        "{recovery:#}"
    );
    assert_eq!(recovery["failed"], json!([]), "{recovery:#}");
    let unreadable = recovery["unreadable"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(unreadable.len(), 1, "{recovery:#}");
    assert_eq!(unreadable[0]["bytes"], torn.len(), "{recovery:#}");
    let aside = PathBuf::from(unreadable[0]["path"].as_str().unwrap());
    assert_eq!(aside.parent(), Some(dir.as_path()));
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("faults-rehearsal.json.unreadable-"));
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), torn);
    assert!(
        unreadable[0]["sentence"]
            .as_str()
            .is_some_and(|s| s.contains("line 3") && s.contains(&aside.display().to_string())),
        "{recovery:#}"
    );
    // The launch panel shows the same remains.
    let launch = get_json(&platform, "/api/launch").await;
    assert_eq!(
        launch["ledgerUnreadable"], recovery["unreadable"],
        "{launch}"
    );

    assert_eq!(get_json(&platform, "/api/faults").await, json!([]));
    assert_clean(&environment, &platform).await;
    let health = get_json(&platform, "/api/health").await;
    assert_eq!(health["warnings"], json!([]), "{health}");
    assert_eq!(
        std::fs::metadata(&ledger).unwrap().len(),
        0,
        "the ledger is rewritten to what is active: nothing"
    );

    platform.stop().await;
    environment.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Makes a file immutable (`chattr +i`) for as long as it lives: root cannot write,
/// rename or remove it either.
struct Immutable(PathBuf);

impl Immutable {
    fn new(path: &Path) -> Self {
        let status = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .expect("chattr runs (e2fsprogs)");
        assert!(
            status.success(),
            "chattr +i {} failed: this test needs a file system with the immutable \
             attribute and CAP_LINUX_IMMUTABLE",
            path.display()
        );
        Self(path.to_owned())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_immutable_ledger_is_a_warning_at_every_start() {
    init_logging();
    let scratch = scratch("immutable");
    let dir = scratch.path().to_path_buf();
    let ledger = dir.join("faults-rehearsal.json");
    std::fs::write(&ledger, latency_added("fault-1", 1, 500)).unwrap();
    let immutable = Immutable::new(&ledger);
    let (environment, _kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;

    for start in 1..=2 {
        environment
            .set_extra_round_trip(1, Duration::from_millis(500))
            .await
            .unwrap();
        let platform = serve(environment.clone(), ledger.clone()).await;
        running(&platform).await;
        let recovery = get_json(&platform, "/api/faults/recovery").await;
        assert_eq!(
            recovery["reverted"],
            json!(["Reverted: 500 ms of latency to broker-1."]),
            "start {start}: {recovery:#}"
        );
        assert_eq!(get_json(&platform, "/api/faults").await, json!([]));
        assert_clean(&environment, &platform).await;
        let health = get_json(&platform, "/api/health").await;
        let warnings = health["warnings"].as_array().cloned().unwrap_or_default();
        assert!(
            warnings.iter().any(|w| w.as_str().is_some_and(|w| {
                w.contains("cannot rewrite the fault ledger") && w.contains("revert them again")
            })),
            "start {start}: {health}"
        );
        platform.stop().await;
    }

    environment.stop().await;
    drop(immutable);
    let _ = std::fs::remove_dir_all(dir);
}
