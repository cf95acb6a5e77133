//! The machine, date and commit a run's figures belong to: without them a number means
//! nothing on these shared, noisy machines.

use std::process::Command;
use std::time::SystemTime;

use procfs::Current;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    pub host: String,
    /// The CPU model, from /proc/cpuinfo.
    pub cpu: String,
    pub cores: usize,
    pub memory_mib: u64,
    pub kernel: String,
    /// When the run started, RFC 3339 in UTC.
    pub date: String,
    /// `git rev-parse --short HEAD`, or "unknown" outside a clone.
    pub commit: String,
    pub dirty: bool,
    /// The 1, 5 and 15 minute load averages (other work on the machine skews figures).
    pub load_start: String,
    pub load_end: String,
}

impl Machine {
    pub fn now() -> Self {
        let cpu = procfs::CpuInfo::current().ok();
        let read = |path: &str| {
            std::fs::read_to_string(path)
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "unknown".into())
        };
        let git = |args: &[&str]| {
            Command::new("git")
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        };
        Self {
            host: read("/proc/sys/kernel/hostname"),
            cpu: cpu
                .as_ref()
                .and_then(|c| c.model_name(0).map(str::to_owned))
                .unwrap_or_else(|| "unknown CPU".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_mib: procfs::Meminfo::current().map_or(0, |m| m.mem_total / (1024 * 1024)),
            kernel: read("/proc/sys/kernel/osrelease"),
            date: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            commit: git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into()),
            dirty: git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty()),
            load_start: load_average(),
            load_end: String::new(),
        }
    }

    pub fn finish(&mut self) {
        self.load_end = load_average();
    }
}

fn load_average() -> String {
    procfs::LoadAverage::current()
        .map(|l| format!("{:.2} {:.2} {:.2}", l.one, l.five, l.fifteen))
        .unwrap_or_else(|_| "unknown".into())
}
