//! `faultline-server` as the shipped binary, started as a child process and spoken to over
//! HTTP: one process per memory figure, and everything measured as a presenter runs it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// A running `faultline-server`, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// When the process was spawned.
    pub spawned: Instant,
    http: reqwest::Client,
    /// Scratch cache and config folders, so a bench never touches the presenter's ledger
    /// or scenario files (absent for `local`, which needs its warm cache).
    _scratch: Option<tempfile::TempDir>,
}

/// A binary built beside this one (`bench/run` builds them together).
pub fn sibling(name: &str) -> Result<PathBuf> {
    let path = std::env::current_exe()
        .context("where is faultline-bench?")?
        .with_file_name(name);
    if !path.exists() {
        bail!("{} is missing: bench/run builds it", path.display());
    }
    Ok(path)
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .context("no free loopback port")?
        .port())
}

impl Server {
    /// Starts `faultline-server ARGS --listen 127.0.0.1:PORT` and waits until
    /// `/api/health` answers. Its stderr goes to `log`. `scratch` gives it an empty cache
    /// and config folder.
    pub async fn start(args: &[&str], scratch: bool, log: &Path) -> Result<Self> {
        Self::start_with(
            Command::new(sibling("faultline-server")?),
            args,
            scratch,
            log,
        )
        .await
    }

    /// As `start` with a scratch folder, every thread on `cpus` (`taskset -c CPUS`, which
    /// execs the server: the pid is the server's).
    pub async fn start_pinned(cpus: &str, args: &[&str], log: &Path) -> Result<Self> {
        let mut taskset = Command::new("taskset");
        taskset.args(["-c", cpus]).arg(sibling("faultline-server")?);
        Self::start_with(taskset, args, true, log).await
    }

    async fn start_with(
        mut command: Command,
        args: &[&str],
        scratch: bool,
        log: &Path,
    ) -> Result<Self> {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()?).parse()?;
        let output = std::fs::File::create(log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        command
            .args(args)
            .args(["--listen", &addr.to_string()])
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output);
        let scratch = if scratch {
            let dir = tempfile::Builder::new()
                .prefix("faultline-bench-")
                .tempdir()?;
            command
                .env("FAULTLINE_CACHE", dir.path().join("cache"))
                .env("XDG_CONFIG_HOME", dir.path().join("config"));
            Some(dir)
        } else {
            None
        };
        let spawned = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("cannot start faultline-server {args:?}"))?;
        let mut server = Self {
            child,
            addr,
            spawned,
            http: reqwest::Client::new(),
            _scratch: scratch,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if server.get("/api/health").await.is_ok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                bail!(
                    "faultline-server {args:?} exited ({status}); see {}",
                    log.display()
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "faultline-server {args:?} never answered; see {}",
                    log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> Result<Value> {
        let response = self
            .http
            .get(self.url(path))
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        response
            .json()
            .await
            .with_context(|| format!("GET {path}: not JSON"))
    }

    /// POST (or another method) with a JSON body; every such request needs the content
    /// type, even an empty one. Returns the status and the body (Null when not JSON).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<(u16, Value)> {
        let response = self
            .http
            .request(method.clone(), self.url(path))
            .json(body)
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// SIGTERM, up to 30 s for a clean exit (the environment stops with it), then SIGKILL.
    pub async fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
