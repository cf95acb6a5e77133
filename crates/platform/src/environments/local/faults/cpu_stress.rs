//! CPU saturation: the broker is pinned to one CPU and stress-ng's workers are pinned to
//! the same CPU at real-time priority, so the broker gets only what the kernel's real-time
//! throttling leaves over (about 5 %) while the rest of the laptop is untouched. At equal
//! priority a lightly loaded broker would barely notice its neighbours.

use std::process::Command;
use std::time::Duration;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::chaos::Receipt;
use crate::environments::local::{process, LocalEnvironment};

/// stress-ng stops by itself after this, even if nobody ever reverts the fault.
const SAFETY_TIMEOUT: &str = "600s";

pub async fn inject(env: &LocalEnvironment, broker: i32, workers: u32) -> Result<Receipt, String> {
    let record = env.broker_record(broker).await?;
    if !record.is_alive() {
        return Err(format!("broker-{broker} is not running"));
    }
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let cpu = (cpus - 1).to_string();
    let previous = affinity(record.pid)?;
    set_affinity(record.pid, &cpu)?;
    let mut command = Command::new("stress-ng");
    command
        .args([
            "--cpu",
            &workers.to_string(),
            "--cpu-load",
            "100",
            "--taskset",
            &cpu,
        ])
        .args([
            "--sched",
            "fifo",
            "--sched-prio",
            "10",
            "--timeout",
            SAFETY_TIMEOUT,
            "--quiet",
        ]);
    let log = env
        .config()
        .run_dir
        .join("logs")
        .join(format!("stress-ng-broker-{broker}.log"));
    let stress = match process::spawn(&format!("stress-ng-broker-{broker}"), command, &log) {
        Ok(stress) => stress,
        Err(error) => {
            let _ = set_affinity(record.pid, &previous);
            return Err(format!(
                "{error} (install it with `apt-get install stress-ng`)"
            ));
        }
    };
    if let Err(error) = stress.check_started(Duration::from_millis(300)).await {
        let _ = set_affinity(record.pid, &previous);
        return Err(error.to_string());
    }
    Ok(Receipt {
        process: Some(stress),
        affinity: Some(previous),
        ..Receipt::default()
    })
}

/// Stops stress-ng and its workers (its whole process group) and un-pins the broker.
pub async fn revert(env: &LocalEnvironment, broker: i32, receipt: &Receipt) -> Result<(), String> {
    if let Some(stress) = &receipt.process {
        if stress.is_alive() {
            let group = Pid::from_raw(stress.pid as i32);
            let _ = killpg(group, Signal::SIGTERM);
            stress.stop(Duration::from_secs(5)).await;
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
    if let (Some(previous), Ok(record)) = (&receipt.affinity, env.broker_record(broker).await) {
        if record.is_alive() {
            set_affinity(record.pid, previous)?;
        }
    }
    Ok(())
}

/// The CPU list a process may run on (`taskset -p -c`).
fn affinity(pid: u32) -> Result<String, String> {
    let output = Command::new("taskset")
        .args(["-p", "-c", &pid.to_string()])
        .output()
        .map_err(|e| format!("cannot run taskset: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.rsplit(": ")
        .next()
        .map(|list| list.trim().to_owned())
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            format!(
                "cannot read the CPU affinity of pid {pid}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
        })
}

/// Pins every thread of a process (`taskset -a -p -c`).
fn set_affinity(pid: u32, cpus: &str) -> Result<(), String> {
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run taskset: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("taskset could not pin pid {pid} to CPUs {cpus}"))
}
