use std::future::Future;
use std::time::Instant;

use crate::events::{Event, StepStatus};
use crate::Bus;

use super::EnvironmentError;

/// Announces each start-up step on the bus (started, done or failed, with elapsed time)
/// so a presenter sees exactly where a slow or broken start is.
pub struct Progress<'a> {
    bus: &'a Bus,
    kind: &'static str,
}

impl<'a> Progress<'a> {
    pub fn new(bus: &'a Bus, kind: &'static str) -> Self {
        Self { bus, kind }
    }

    pub async fn step<T, E: std::fmt::Display>(
        &self,
        step: &str,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, EnvironmentError> {
        let started = Instant::now();
        self.announce(step, StepStatus::Started, String::new(), 0);
        let result = work.await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(value) => {
                self.announce(step, StepStatus::Done, String::new(), elapsed_ms);
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

    fn announce(&self, step: &str, status: StepStatus, detail: String, elapsed_ms: u64) {
        self.bus.publish(Event::Environment {
            kind: self.kind.to_owned(),
            step: step.to_owned(),
            status,
            detail,
            elapsed_ms,
        });
    }
}
