//! Processes the `local` environment starts: spawned with their output in a log file,
//! remembered by pid *and* start time (so a recycled pid is never mistaken for ours), and
//! stopped, killed, paused or resumed only through that record. Nothing is ever found or
//! signalled by name.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

/// A process Faultline started, as written to the stack file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRecord {
    pub name: String,
    pub pid: u32,
    /// Start time in clock ticks since boot (`/proc/PID/stat` field 22).
    pub start_ticks: u64,
    pub log: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot create log file {path}: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start {name} ({program}): {source}")]
    Spawn {
        name: String,
        program: String,
        source: std::io::Error,
    },
    #[error("{name} exited at once (status {status}); its log {log} ends with: {tail}")]
    ExitedEarly {
        name: String,
        status: String,
        log: PathBuf,
        tail: String,
    },
}

/// Starts `command` with stdout and stderr appended to `log`.
pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<ProcessRecord, ProcessError> {
    let file = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|source| ProcessError::Log {
            path: log.to_owned(),
            source,
        })?;
    let errors = file.try_clone().map_err(|source| ProcessError::Log {
        path: log.to_owned(),
        source,
    })?;
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(errors)
        // Its own process group: Ctrl-C in the presenter's terminal reaches Faultline,
        // which then stops these in order, instead of killing them all at once.
        .process_group(0)
        .spawn()
        .map_err(|source| ProcessError::Spawn {
            name: name.to_owned(),
            program,
            source,
        })?;
    let pid = child.id();
    // The child is not waited on here; `stop` reaps it through its pid. Dropping the
    // handle does not kill it.
    std::mem::forget(child);
    Ok(ProcessRecord {
        name: name.to_owned(),
        pid,
        start_ticks: start_ticks(pid).unwrap_or_default(),
        log: log.to_owned(),
    })
}

impl ProcessRecord {
    /// True while this very process (same pid, same start time) exists and has not fully
    /// exited. A zombie main thread alone is not enough: a JVM's main thread can end while
    /// its other threads still shut down and hold its ports.
    pub fn is_alive(&self) -> bool {
        match read_stat(self.pid) {
            Some(stat) if stat.start_ticks == self.start_ticks => match stat.state {
                'Z' | 'X' => stat.threads > 1,
                _ => true,
            },
            _ => false,
        }
    }

    /// True when the process is stopped (SIGSTOP).
    pub fn is_paused(&self) -> bool {
        read_stat(self.pid).is_some_and(|s| s.state == 'T' && s.start_ticks == self.start_ticks)
    }

    pub fn signal(&self, signal: Signal) -> Result<(), String> {
        if !self.is_alive() {
            return Err(format!("{} (pid {}) is not running", self.name, self.pid));
        }
        kill(Pid::from_raw(self.pid as i32), signal).map_err(|e| {
            format!(
                "cannot send {signal} to {} (pid {}): {e}",
                self.name, self.pid
            )
        })
    }

    /// SIGTERM, then SIGKILL if it is still there after `grace`. A paused process is
    /// resumed first so it can act on SIGTERM.
    pub async fn stop(&self, grace: Duration) {
        if !self.is_alive() {
            reap(self.pid);
            return;
        }
        let _ = self.signal(Signal::SIGCONT);
        let _ = self.signal(Signal::SIGTERM);
        if !self.exited_within(grace).await {
            tracing::warn!(name = %self.name, pid = self.pid, "did not stop in time; killing it");
            let _ = self.signal(Signal::SIGKILL);
            // Its sockets close only once it has fully exited; wait for that, so whatever
            // starts next finds its ports free.
            self.exited_within(Duration::from_secs(5)).await;
        }
        reap(self.pid);
    }

    /// SIGKILL, then reaps it once it has exited (within 5 s), so no zombie of ours stays
    /// in the process list until Faultline exits. Errors: as [`Self::signal`].
    pub async fn kill(&self) -> Result<(), String> {
        self.signal(Signal::SIGKILL)?;
        self.exited_within(Duration::from_secs(5)).await;
        Ok(())
    }

    /// Reaps it as soon as it has exited; false if it still runs after `within`.
    async fn exited_within(&self, within: Duration) -> bool {
        super::wait_until(within, || {
            reap(self.pid);
            std::future::ready(!self.is_alive())
        })
        .await
    }

    /// Fails if the process died right after starting, with the end of its log.
    pub async fn check_started(&self, within: Duration) -> Result<(), ProcessError> {
        tokio::time::sleep(within).await;
        if self.is_alive() {
            return Ok(());
        }
        let status = reap(self.pid).unwrap_or_else(|| "unknown".to_owned());
        Err(ProcessError::ExitedEarly {
            name: self.name.clone(),
            status,
            log: self.log.clone(),
            tail: log_tail(&self.log),
        })
    }
}

/// The last lines of a log, for error messages.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
}

/// Collects the exit status of a child of ours, if it has exited (no zombie left behind).
fn reap(pid: u32) -> Option<String> {
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    match waitpid(Pid::from_raw(pid as i32), Some(WaitPidFlag::WNOHANG)) {
        Ok(WaitStatus::Exited(_, code)) => Some(format!("exit code {code}")),
        Ok(WaitStatus::Signaled(_, signal, _)) => Some(format!("killed by {signal}")),
        _ => None,
    }
}

fn start_ticks(pid: u32) -> Option<u64> {
    read_stat(pid).map(|stat| stat.start_ticks)
}

/// What `/proc/PID/stat` says of a process.
struct Stat {
    state: char,
    threads: u32,
    start_ticks: u64,
}

fn read_stat(pid: u32) -> Option<Stat> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses; fields after it are
    // counted from the last ')': state is field 3, num_threads 20, starttime 22.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        threads: fields.get(17)?.parse().ok()?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_started_process_is_ours_until_stopped() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_path_buf();
        let mut command = Command::new("sleep");
        command.arg("30");
        let record = spawn("sleeper", command, &dir.join("sleeper.log")).unwrap();
        assert!(record.is_alive());
        record.signal(Signal::SIGSTOP).unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(record.is_paused());
        record.stop(Duration::from_secs(2)).await;
        assert!(!record.is_alive());
        assert!(
            record.signal(Signal::SIGTERM).is_err(),
            "a stopped process is never signalled"
        );
    }

    #[tokio::test]
    async fn a_recycled_pid_is_not_ours() {
        let mut record = ProcessRecord {
            name: "init".into(),
            pid: 1,
            start_ticks: 0,
            log: PathBuf::from("/dev/null"),
        };
        record.start_ticks = start_ticks(1).unwrap_or(0) + 1;
        assert!(
            !record.is_alive(),
            "same pid, different start time: somebody else's process"
        );
    }

    #[tokio::test]
    async fn a_process_that_dies_at_once_reports_its_log() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_path_buf();
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'port 1 is taken' >&2; exit 3"]);
        let record = spawn("quitter", command, &dir.join("quitter.log")).unwrap();
        let error = record
            .check_started(Duration::from_millis(500))
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("exit code 3") && text.contains("port 1 is taken"),
            "{text}"
        );
    }
}
