//! Faultline's binaries as separate OS processes, for the real-stack tests. Every process
//! is killed when its guard is dropped, so a failing test leaves nothing running.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{eventually, Served};

/// A binary next to this package's (`cargo test --workspace` builds them all).
pub fn binary(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_faultline-server")).with_file_name(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace` first",
        path.display()
    );
    path
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A child process that is SIGKILLed when dropped.
pub struct Guarded {
    pub child: Child,
    pub started: Instant,
}

impl Guarded {
    pub fn spawn(mut command: Command) -> Self {
        let started = Instant::now();
        let child = command
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        Self { child, started }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} {} failed", self.pid());
    }

    /// SIGKILL, like a crash, and reap it.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM and wait up to `within` for a clean exit; true if it exited with success.
    pub async fn terminate(&mut self, within: Duration) -> bool {
        self.signal("-TERM");
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if self.is_running() {
            self.kill9();
        }
    }
}

/// `faultline-server` as a process on a free loopback port.
pub struct ServerProcess {
    pub process: Guarded,
    pub addr: SocketAddr,
}

impl Served for ServerProcess {
    fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl ServerProcess {
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut command = Command::new(binary("faultline-server"));
        command
            .args(args)
            .args(["--listen", &addr.to_string()])
            .env("RUST_LOG", "warn,faultline_platform=info");
        for (key, value) in env {
            command.env(key, value);
        }
        let process = Guarded::spawn(command);
        assert!(
            answers_within(
                &format!("http://{addr}/api/health"),
                Duration::from_secs(30)
            )
            .await,
            "faultline-server {args:?} never answered on {addr}"
        );
        Self { process, addr }
    }
}

/// Whether a GET of `url` succeeds (2xx) within `deadline`: a server process is up.
pub async fn answers_within(url: &str, deadline: Duration) -> bool {
    eventually(deadline, || async {
        reqwest::get(url)
            .await
            .ok()
            .filter(|r| r.status().is_success())
    })
    .await
    .is_some()
}

/// `faultline-sidecar` with its own demo producer, reporting to `bootstrap`.
pub fn sidecar_process(bootstrap: &str, id: &str, heartbeat_ms: u64) -> Guarded {
    let mut command = Command::new(binary("faultline-sidecar"));
    command
        .args([
            "--bootstrap",
            bootstrap,
            "--id",
            id,
            "--heartbeat-ms",
            &heartbeat_ms.to_string(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    Guarded::spawn(command)
}
