//! A process's resident memory sampled in the background every 250 ms while a section
//! runs; the sampling stops when the sampler is dropped, on error paths too.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the sampler reads `/proc/PID/status`.
const EVERY: Duration = Duration::from_millis(250);

pub struct RssSampler {
    samples: Arc<Mutex<Vec<f64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let samples: Arc<Mutex<Vec<f64>>> = Arc::default();
        let sink = samples.clone();
        let task = tokio::spawn(async move {
            loop {
                if let Some(mib) = rss_mib(pid) {
                    sink.lock().unwrap().push(mib);
                }
                tokio::time::sleep(EVERY).await;
            }
        });
        Self { samples, task }
    }

    /// The samples so far, MiB.
    pub fn samples(&self) -> Vec<f64> {
        self.samples.lock().unwrap().clone()
    }
}

impl Drop for RssSampler {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A process's resident set size in MiB (None once it is gone).
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = procfs::process::Process::new(pid as i32)
        .ok()?
        .status()
        .ok()?;
    Some(status.vmrss? as f64 / 1024.0)
}
