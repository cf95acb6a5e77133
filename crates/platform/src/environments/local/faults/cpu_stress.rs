//! `cpu-stress` on local: the broker is pinned to one CPU and stress-ng's workers are pinned
//! to the same CPU at real-time priority, so the broker gets only what the kernel's
//! real-time throttling leaves over (about 5 %) while the rest of the laptop is untouched.
//! At equal priority a lightly loaded broker would barely notice its neighbours.

use std::process::Command;
use std::time::Duration;

use async_trait::async_trait;
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

use crate::chaos::{misrouted, Executor, Fault, FaultKind};
use crate::environments::local::{process, LocalEnvironment, ProcessRecord};

/// stress-ng stops by itself after this, even if nobody ever reverts the fault.
const SAFETY_TIMEOUT: &str = "600s";

/// What CPU saturation drives: a broker's process, CPU affinities, and stress-ng.
#[async_trait]
pub trait CpuControls: Send + Sync + 'static {
    /// The pid of a broker's running process. Errors: no such broker, never started, or
    /// `broker-N is not running`.
    async fn running_broker_pid(&self, broker: i32) -> Result<u32, String>;
    /// The CPU the broker and the hogs share (the last one), as `taskset` names it.
    fn shared_cpu(&self) -> String;
    /// The CPU list a process may run on (`taskset -p -c`). Errors: taskset's answer.
    fn cpu_affinity(&self, pid: u32) -> Result<String, String>;
    /// Pins every thread of a process to `cpus` (`taskset -a -p -c`). Errors: as above.
    fn set_cpu_affinity(&self, pid: u32, cpus: &str) -> Result<(), String>;
    /// Starts `workers` CPU hogs pinned to `cpu` at real-time priority. Errors: stress-ng
    /// is missing or exited at once.
    async fn start_hogs(
        &self,
        broker: i32,
        workers: u32,
        cpu: &str,
    ) -> Result<ProcessRecord, String>;
    /// Stops the hogs (stress-ng's whole process group), if they still run.
    async fn stop_hogs(&self, hogs: &ProcessRecord);
}

#[async_trait]
impl CpuControls for LocalEnvironment {
    async fn running_broker_pid(&self, broker: i32) -> Result<u32, String> {
        let record = self.broker_record(broker).await?;
        if record.is_alive() {
            Ok(record.pid)
        } else {
            Err(format!("broker-{broker} is not running"))
        }
    }

    fn shared_cpu(&self) -> String {
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        (cpus - 1).to_string()
    }

    fn cpu_affinity(&self, pid: u32) -> Result<String, String> {
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

    fn set_cpu_affinity(&self, pid: u32, cpus: &str) -> Result<(), String> {
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

    async fn start_hogs(
        &self,
        broker: i32,
        workers: u32,
        cpu: &str,
    ) -> Result<ProcessRecord, String> {
        let mut command = Command::new("stress-ng");
        command
            .args(["--cpu", &workers.to_string(), "--cpu-load", "100"])
            .args(["--taskset", cpu, "--sched", "fifo", "--sched-prio", "10"])
            .args(["--timeout", SAFETY_TIMEOUT, "--quiet"]);
        let name = format!("stress-ng-broker-{broker}");
        let log = self
            .config()
            .run_dir
            .join("logs")
            .join(format!("{name}.log"));
        let hogs = process::spawn(&name, command, &log)
            .map_err(|error| format!("{error} (install it with `apt-get install stress-ng`)"))?;
        hogs.check_started(Duration::from_millis(300))
            .await
            .map_err(|error| error.to_string())?;
        Ok(hogs)
    }

    async fn stop_hogs(&self, hogs: &ProcessRecord) {
        if hogs.is_alive() {
            let group = Pid::from_raw(hogs.pid as i32);
            let _ = killpg(group, Signal::SIGTERM);
            hogs.stop(Duration::from_secs(5)).await;
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

/// The receipt: stress-ng's process (stopped by pid and start time) and the CPU list the
/// broker was allowed before it was pinned. Written as `{"process":{...},"affinity":"0-7"}`,
/// as older Faultlines wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hogs {
    #[serde(default)]
    pub process: Option<ProcessRecord>,
    #[serde(default)]
    pub affinity: Option<String>,
}

pub struct CpuStress;

#[async_trait]
impl<E: CpuControls> Executor<E> for CpuStress {
    const KIND: FaultKind = FaultKind::CpuStress;
    type Receipt = Hogs;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Hogs, String> {
        let Fault::CpuStress { broker, workers } = *fault else {
            return Err(misrouted(fault));
        };
        let pid = env.running_broker_pid(broker).await?;
        let cpu = env.shared_cpu();
        let previous = env.cpu_affinity(pid)?;
        env.set_cpu_affinity(pid, &cpu)?;
        match env.start_hogs(broker, workers, &cpu).await {
            Ok(hogs) => Ok(Hogs {
                process: Some(hogs),
                affinity: Some(previous),
            }),
            Err(error) => {
                // Nothing of the fault may stay: the broker gets its CPUs back.
                let _ = env.set_cpu_affinity(pid, &previous);
                Err(error)
            }
        }
    }

    /// Stops the hogs and un-pins the broker if it still runs.
    async fn revert(&self, env: &E, fault: &Fault, hogs: Hogs) -> Result<(), String> {
        let Fault::CpuStress { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        if let Some(process) = &hogs.process {
            env.stop_hogs(process).await;
        }
        if let (Some(previous), Ok(pid)) = (&hogs.affinity, env.running_broker_pid(broker).await) {
            env.set_cpu_affinity(pid, previous)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use parking_lot::Mutex;
    use serde_json::json;

    use super::*;
    use crate::chaos::{Executors, Receipt};

    /// Broker 1 runs as pid 100 on CPUs 0-3 of four; stress-ng starts as pid 200 unless
    /// `missing` says why not.
    struct FakeCpu {
        affinities: Mutex<BTreeMap<u32, String>>,
        hogs: Mutex<Vec<String>>,
        missing: Option<&'static str>,
    }

    impl Default for FakeCpu {
        fn default() -> Self {
            Self {
                affinities: Mutex::new(BTreeMap::from([(100, "0-3".to_owned())])),
                hogs: Mutex::default(),
                missing: None,
            }
        }
    }

    #[async_trait]
    impl CpuControls for FakeCpu {
        async fn running_broker_pid(&self, broker: i32) -> Result<u32, String> {
            match broker {
                1 => Ok(100),
                _ => Err(format!("broker-{broker} is not running")),
            }
        }
        fn shared_cpu(&self) -> String {
            "3".into()
        }
        fn cpu_affinity(&self, pid: u32) -> Result<String, String> {
            self.affinities
                .lock()
                .get(&pid)
                .cloned()
                .ok_or_else(|| format!("no pid {pid}"))
        }
        fn set_cpu_affinity(&self, pid: u32, cpus: &str) -> Result<(), String> {
            self.affinities.lock().insert(pid, cpus.to_owned());
            Ok(())
        }
        async fn start_hogs(
            &self,
            broker: i32,
            workers: u32,
            cpu: &str,
        ) -> Result<ProcessRecord, String> {
            if let Some(why) = self.missing {
                return Err(why.to_owned());
            }
            self.hogs
                .lock()
                .push(format!("{workers} hogs on CPU {cpu} for broker {broker}"));
            Ok(record(200))
        }
        async fn stop_hogs(&self, hogs: &ProcessRecord) {
            self.hogs.lock().push(format!("stopped pid {}", hogs.pid));
        }
    }

    fn record(pid: u32) -> ProcessRecord {
        ProcessRecord {
            name: "stress-ng-broker-1".into(),
            pid,
            start_ticks: 42,
            log: PathBuf::from("/tmp/stress-ng-broker-1.log"),
        }
    }

    const STRESS: Fault = Fault::CpuStress {
        broker: 1,
        workers: 4,
    };

    #[tokio::test]
    async fn the_broker_shares_one_cpu_with_the_hogs_until_reverted() {
        let cpu = FakeCpu::default();
        let hogs = CpuStress.inject(&cpu, &STRESS).await.unwrap();
        assert_eq!(hogs.affinity.as_deref(), Some("0-3"));
        assert_eq!(cpu.affinities.lock()[&100], "3");
        CpuStress.revert(&cpu, &STRESS, hogs).await.unwrap();
        assert_eq!(cpu.affinities.lock()[&100], "0-3");
        assert_eq!(
            *cpu.hogs.lock(),
            ["4 hogs on CPU 3 for broker 1", "stopped pid 200"]
        );
    }

    #[tokio::test]
    async fn hogs_that_cannot_start_leave_the_broker_unpinned() {
        let cpu = FakeCpu {
            missing: Some("cannot start stress-ng"),
            ..FakeCpu::default()
        };
        let refused = CpuStress.inject(&cpu, &STRESS).await.unwrap_err();
        assert_eq!(refused, "cannot start stress-ng");
        assert_eq!(cpu.affinities.lock()[&100], "0-3");
        let stopped = Fault::CpuStress {
            broker: 2,
            workers: 1,
        };
        let refused = CpuStress.inject(&cpu, &stopped).await.unwrap_err();
        assert_eq!(refused, "broker-2 is not running");
    }

    #[tokio::test]
    async fn a_ledger_entry_an_older_faultline_wrote_still_reverts() {
        let cpu = FakeCpu::default();
        cpu.set_cpu_affinity(100, "3").unwrap();
        let old: Receipt = serde_json::from_value(json!({
            "toxics": [],
            "process": {"name": "stress-ng-broker-1", "pid": 4242, "startTicks": 9,
                        "log": "/tmp/stress-ng-broker-1.log"},
            "previous": null,
            "affinity": "0-3"
        }))
        .unwrap();
        let executors = Executors::none().with(CpuStress);
        executors.revert(&cpu, &STRESS, Some(&old)).await.unwrap();
        assert_eq!(*cpu.hogs.lock(), ["stopped pid 4242"]);
        assert_eq!(cpu.affinities.lock()[&100], "0-3");
    }
}
