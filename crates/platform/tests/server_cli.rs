//! `faultline-server` as a user meets it: clear errors for a taken port or missing flags.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn run_to_exit(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline-server"))
        .args(args)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server binary runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let output = child.wait_with_output().expect("output");
            let text = String::from_utf8_lossy(&output.stderr).to_string()
                + &String::from_utf8_lossy(&output.stdout);
            return (status.code(), text);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("faultline-server {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, output) = run_to_exit(&["--listen", &addr]);
    assert_ne!(code, Some(0));
    assert!(
        output.contains(&format!(
            "cannot listen on {addr}: the port is already in use"
        )),
        "{output}"
    );
}

#[test]
fn external_without_bootstrap_says_what_is_missing() {
    let (code, output) = run_to_exit(&["--env", "external", "--listen", "127.0.0.1:0"]);
    assert_ne!(code, Some(0));
    assert!(
        output.contains("--env external needs --bootstrap"),
        "{output}"
    );
}

#[test]
fn a_bad_kafka_config_file_names_the_file_and_line() {
    let path =
        std::env::temp_dir().join(format!("faultline-bad-{}.properties", std::process::id()));
    std::fs::write(&path, "security.protocol=SSL\nthis line is wrong\n").unwrap();
    let (code, output) = run_to_exit(&[
        "--env",
        "external",
        "--bootstrap",
        "127.0.0.1:1",
        "--kafka-config",
        path.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    let _ = std::fs::remove_file(&path);
    assert_ne!(code, Some(0));
    assert!(
        output.contains(&format!("{}:2: expected `key=value`", path.display())),
        "{output}"
    );
}

#[test]
fn docker_without_a_running_engine_exits_with_the_fix() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline-server"))
        .args(["--env", "docker", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .env(
            "DOCKER_HOST",
            "unix:///nonexistent/faultline-test/docker.sock",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server binary runs");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        assert!(
            Instant::now() < deadline,
            "faultline-server kept running without Docker"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("output");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains(
            "--env docker: the Docker engine is not running; start it with `sudo systemctl start docker`"
        ),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn a_replay_of_what_is_not_a_recording_says_why_and_exits() {
    let folder = tempfile::tempdir().expect("temp dir");
    let plain = folder.path().join("decompressed.jsonl");
    std::fs::write(&plain, "{\"format\":\"faultline-recording\"}\n").unwrap();
    let missing = folder.path().join("missing.jsonl.zst");
    for (file, said) in [
        (
            &plain,
            "is not a Faultline recording: it is not zstd-compressed",
        ),
        (&missing, "cannot read"),
    ] {
        let (code, output) = run_to_exit(&[
            "--replay",
            file.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ]);
        assert_ne!(code, Some(0));
        assert!(output.contains(said), "{output}");
        assert!(!output.contains("panicked"), "{output}");
    }
}
