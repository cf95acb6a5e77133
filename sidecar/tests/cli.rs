//! `faultline-sidecar` refuses bad arguments with a sentence, before touching Kafka.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_faultline-sidecar"))
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_hostile_id_is_refused() {
    let (code, stderr) = run(&[
        "--bootstrap",
        "127.0.0.1:1",
        "--id",
        "<img src=x onerror=alert(1)>",
    ]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("is not a valid sidecar id"), "{stderr}");
    assert!(stderr.contains("outside [A-Za-z0-9._-]"), "{stderr}");
}

#[test]
fn zero_intervals_are_refused() {
    let (code, stderr) = run(&[
        "--bootstrap",
        "127.0.0.1:1",
        "--id",
        "p1",
        "--heartbeat-ms",
        "0",
    ]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("must be positive"), "{stderr}");
}

#[test]
fn a_heartbeat_the_platform_would_refuse_is_refused_here() {
    for heartbeat in ["50", "3600001"] {
        let (code, stderr) = run(&[
            "--bootstrap",
            "127.0.0.1:1",
            "--id",
            "p1",
            "--heartbeat-ms",
            heartbeat,
        ]);
        assert_ne!(code, Some(0), "{heartbeat}");
        assert!(
            stderr.contains("--heartbeat-ms must be from 100 to 3600000"),
            "{stderr}"
        );
    }
}

#[test]
fn missing_required_flags_print_usage() {
    let (code, stderr) = run(&["--id", "p1"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--bootstrap"), "{stderr}");
}
