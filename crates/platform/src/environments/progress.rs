//! Reporting an environment's start-up steps as they start and finish, to a sink the
//! launcher supplies (it records each step and announces it to viewers).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use crate::wire::StepStatus;

use super::EnvironmentError;

/// One start-up step starting, done or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    /// The environment kind starting (`rehearsal`, `local`, ...).
    pub kind: &'static str,
    /// What the step does, as a presenter reads it ("Start broker 1").
    pub step: String,
    pub status: StepStatus,
    /// Why it failed; empty otherwise.
    pub detail: String,
    /// Time the step took, ms; 0 when it starts.
    pub elapsed_ms: u64,
    /// How far a long step is (a pull, a build), 0-100, on the updates it sends while
    /// it runs (`Started` again, with the detail saying what it is doing); `None` else.
    pub percent: Option<u8>,
}

/// Where a start reports its steps: a callback the caller supplies, called on the starting
/// task for each step as it starts and as it ends. Cheap to clone.
#[derive(Clone)]
pub struct StepSink(Arc<dyn Fn(StepReport) + Send + Sync>);

impl StepSink {
    pub fn new(report: impl Fn(StepReport) + Send + Sync + 'static) -> Self {
        Self(Arc::new(report))
    }

    fn report(&self, step: StepReport) {
        (self.0)(step)
    }
}

/// Runs start-up steps one by one, reporting each (started, done or failed, with elapsed
/// time) so a presenter sees exactly where a slow or broken start is.
pub struct Progress<'a> {
    sink: &'a StepSink,
    kind: &'static str,
}

impl<'a> Progress<'a> {
    pub fn new(sink: &'a StepSink, kind: &'static str) -> Self {
        Self { sink, kind }
    }

    /// Runs `work` as the step named `step`. Errors: the work's error, as an
    /// `EnvironmentError` naming the step.
    pub async fn step<T, E: std::fmt::Display>(
        &self,
        step: &str,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, EnvironmentError> {
        self.run(step, work, |_| String::new()).await
    }

    /// Runs `work` as the step named `step`, whose sentence on success ("apache/kafka:4.1.1
    /// pulled (312.4 MB)") stays on the finished step. Errors: as [`Self::step`].
    pub async fn step_saying<E: std::fmt::Display>(
        &self,
        step: &str,
        work: impl Future<Output = Result<String, E>>,
    ) -> Result<String, EnvironmentError> {
        self.run(step, work, String::clone).await
    }

    async fn run<T, E: std::fmt::Display>(
        &self,
        step: &str,
        work: impl Future<Output = Result<T, E>>,
        saying: impl Fn(&T) -> String,
    ) -> Result<T, EnvironmentError> {
        let started = Instant::now();
        self.announce(step, StepStatus::Started, String::new(), 0);
        let result = work.await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(value) => {
                self.announce(step, StepStatus::Done, saying(&value), elapsed_ms);
                Ok(value)
            }
            Err(error) => {
                let reason = error.to_string();
                tracing::error!(step, %reason, "environment step failed");
                self.announce(step, StepStatus::Failed, reason.clone(), elapsed_ms);
                Err(EnvironmentError {
                    step: step.to_owned(),
                    reason,
                })
            }
        }
    }

    /// Where a step that runs long reports how far it is: each call shows `detail` (and
    /// `percent`, 0-100, when known) on the step while it is still running.
    pub fn updates(&self, step: &str) -> impl Fn(String, Option<u8>) + Send + Sync {
        let (sink, kind, step) = (self.sink.clone(), self.kind, step.to_owned());
        let started = Instant::now();
        move |detail, percent| {
            sink.report(StepReport {
                kind,
                step: step.clone(),
                status: StepStatus::Started,
                detail,
                elapsed_ms: started.elapsed().as_millis() as u64,
                percent: percent.map(|p| p.min(100)),
            })
        }
    }

    fn announce(&self, step: &str, status: StepStatus, detail: String, elapsed_ms: u64) {
        self.sink.report(StepReport {
            kind: self.kind,
            step: step.to_owned(),
            status,
            detail,
            elapsed_ms,
            percent: None,
        });
    }
}

/// A byte count as a step shows it: decimal megabytes with one digit ("44.2 MB").
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;

    fn recording() -> (StepSink, Arc<Mutex<Vec<StepReport>>>) {
        let seen: Arc<Mutex<Vec<StepReport>>> = Arc::default();
        let sink = {
            let seen = seen.clone();
            StepSink::new(move |step| seen.lock().push(step))
        };
        (sink, seen)
    }

    #[tokio::test]
    async fn each_step_is_reported_as_it_starts_and_as_it_ends() {
        let (sink, seen) = recording();
        let progress = Progress::new(&sink, "rehearsal");
        let value = progress
            .step("Start broker 1", async { Ok::<_, String>(7) })
            .await
            .unwrap();
        assert_eq!(value, 7);
        let failed = progress
            .step("Start broker 2", async {
                Err::<(), _>("port 9093 is taken")
            })
            .await
            .unwrap_err();
        let said = progress
            .step_saying("Pull kafka", async {
                Ok::<_, String>("pulled (3.0 MB)".into())
            })
            .await
            .unwrap();
        assert_eq!(said, "pulled (3.0 MB)");
        assert_eq!(failed.step, "Start broker 2");
        assert_eq!(failed.reason, "port 9093 is taken");
        let seen: Vec<(String, StepStatus, String)> = seen
            .lock()
            .iter()
            .map(|s| (s.step.clone(), s.status, s.detail.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                ("Start broker 1".into(), StepStatus::Started, String::new()),
                ("Start broker 1".into(), StepStatus::Done, String::new()),
                ("Start broker 2".into(), StepStatus::Started, String::new()),
                (
                    "Start broker 2".into(),
                    StepStatus::Failed,
                    "port 9093 is taken".into()
                ),
                ("Pull kafka".into(), StepStatus::Started, String::new()),
                (
                    "Pull kafka".into(),
                    StepStatus::Done,
                    "pulled (3.0 MB)".into()
                ),
            ]
        );
    }
}
