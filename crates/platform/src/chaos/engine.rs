use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_kafka::now_ms;
use serde::Serialize;
use tokio::sync::Mutex;

use super::ledger::{Entry, Ledger};
use super::verify::{green, Check};
use super::Fault;
use crate::environments::Environment;
use crate::events::{Event, FaultAction};
use crate::state::SharedState;
use crate::Bus;

#[derive(Debug, thiserror::Error)]
pub enum ChaosError {
    #[error("{0}")]
    Invalid(String),
    #[error("the {environment} environment cannot inject {kind:?} faults")]
    Unsupported {
        environment: String,
        kind: super::FaultKind,
    },
    #[error("cannot {what}: {reason}")]
    Failed { what: String, reason: String },
    #[error("no active fault {0}")]
    Unknown(String),
}

/// An active fault as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveFault {
    pub id: String,
    pub fault: Fault,
    pub description: String,
    pub applied_at_ms: i64,
    pub run_id: Option<String>,
}

impl From<&Entry> for ActiveFault {
    fn from(entry: &Entry) -> Self {
        Self {
            id: entry.id.clone(),
            fault: entry.fault.clone(),
            description: entry.fault.describe(),
            applied_at_ms: entry.applied_at_ms,
            run_id: entry.run_id.clone(),
        }
    }
}

/// What "restore all" (or the start-up recovery) did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub reverted: Vec<String>,
    pub failed: Vec<String>,
    pub checks: Vec<Check>,
    pub green: bool,
    pub at_ms: i64,
}

/// Injects and reverts faults through the environment, with the ledger as the record.
pub struct Chaos {
    environment: Arc<dyn Environment>,
    ledger: Mutex<Ledger>,
    bus: Bus,
    state: SharedState,
    next: AtomicU64,
    /// What the start-up recovery found and did, for `GET /api/faults/recovery`.
    pub recovery: Mutex<Option<RestoreReport>>,
}

impl Chaos {
    pub fn new(
        environment: Arc<dyn Environment>,
        ledger_path: std::path::PathBuf,
        bus: Bus,
        state: SharedState,
    ) -> Self {
        Self {
            environment,
            ledger: Mutex::new(Ledger::open(ledger_path)),
            bus,
            state,
            next: AtomicU64::new(1),
            recovery: Mutex::new(None),
        }
    }

    pub async fn active(&self) -> Vec<ActiveFault> {
        self.ledger
            .lock()
            .await
            .entries()
            .iter()
            .map(ActiveFault::from)
            .collect()
    }

    /// Writes the fault down, then applies it. A fault on a spot that already has one
    /// (a latency ramp's next step) replaces it.
    pub async fn inject(
        &self,
        fault: Fault,
        run_id: Option<String>,
    ) -> Result<ActiveFault, ChaosError> {
        fault.validate().map_err(ChaosError::Invalid)?;
        if !self.environment.supports(fault.kind()) {
            return Err(ChaosError::Unsupported {
                environment: self.environment.kind().into(),
                kind: fault.kind(),
            });
        }
        let replaced: Vec<String> = {
            let ledger = self.ledger.lock().await;
            ledger
                .entries()
                .iter()
                .filter(|e| e.fault.spot() == fault.spot())
                .map(|e| e.id.clone())
                .collect()
        };
        for id in replaced {
            self.revert(&id).await?;
        }
        let id = format!(
            "fault-{}-{}",
            now_ms(),
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        let entry = Entry {
            id: id.clone(),
            fault: fault.clone(),
            receipt: None,
            applied_at_ms: now_ms(),
            run_id,
        };
        let mut ledger = self.ledger.lock().await;
        ledger
            .add(entry.clone())
            .map_err(|e| self.failed(&fault, format!("cannot write the fault ledger: {e}")))?;
        match self.environment.inject(&fault).await {
            Ok(receipt) => {
                if let Err(error) = ledger.set_receipt(&id, receipt) {
                    tracing::error!(%error, "cannot record how to revert {id}");
                }
                self.announce(FaultAction::Injected, &id, &fault, fault.describe());
                Ok(ActiveFault::from(&entry))
            }
            Err(reason) => {
                let _ = ledger.remove(&id);
                self.announce(
                    FaultAction::Failed,
                    &id,
                    &fault,
                    format!("Could not inject {}: {reason}", fault.describe()),
                );
                Err(self.failed(&fault, reason))
            }
        }
    }

    /// Reverts one active fault and strikes it from the ledger.
    pub async fn revert(&self, id: &str) -> Result<String, ChaosError> {
        let mut ledger = self.ledger.lock().await;
        let entry = ledger
            .entries()
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or_else(|| ChaosError::Unknown(id.into()))?;
        let receipt = entry.receipt.clone().unwrap_or_default();
        self.environment
            .revert(&entry.fault, &receipt)
            .await
            .map_err(|reason| ChaosError::Failed {
                what: format!("revert {}", entry.fault.describe()),
                reason,
            })?;
        let _ = ledger.remove(id);
        let sentence = format!("Reverted: {}.", entry.fault.describe());
        self.announce(FaultAction::Reverted, id, &entry.fault, sentence.clone());
        Ok(sentence)
    }

    /// Reverts what one scenario run injected, newest first: the sentences of what was
    /// reverted, or every failure, each with its reason (the rest is still attempted).
    pub async fn revert_run(&self, run_id: &str) -> Result<Vec<String>, Vec<String>> {
        let ids: Vec<String> = {
            let ledger = self.ledger.lock().await;
            ledger
                .entries()
                .iter()
                .rev()
                .filter(|e| e.run_id.as_deref() == Some(run_id))
                .map(|e| e.id.clone())
                .collect()
        };
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for id in ids {
            match self.revert(&id).await {
                Ok(sentence) => done.push(sentence),
                Err(error) => {
                    tracing::error!(%error, "fault of run {run_id} not reverted");
                    failed.push(error.to_string());
                }
            }
        }
        if failed.is_empty() {
            Ok(done)
        } else {
            Err(failed)
        }
    }

    /// The panic button: reverts everything, newest first, then waits (up to
    /// `settle_within`) for the environment and the platform to be all green.
    pub async fn restore_all(&self, settle_within: Duration) -> RestoreReport {
        let ids: Vec<String> = self
            .ledger
            .lock()
            .await
            .entries()
            .iter()
            .rev()
            .map(|e| e.id.clone())
            .collect();
        let mut report = RestoreReport::default();
        for id in ids {
            match self.revert(&id).await {
                Ok(sentence) => report.reverted.push(sentence),
                Err(error) => report.failed.push(error.to_string()),
            }
        }
        let deadline = Instant::now() + settle_within;
        loop {
            report.checks = green(self.environment.as_ref(), &self.state).await;
            report.green = report.failed.is_empty() && report.checks.iter().all(|c| c.ok);
            if report.green || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        report.at_ms = now_ms();
        let sentence = if report.green {
            format!(
                "Restored: {} fault(s) reverted; everything is green.",
                report.reverted.len()
            )
        } else {
            let red: Vec<&str> = report
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.what.as_str())
                .collect();
            format!(
                "Restore reverted {} fault(s); {} failed; not green yet: {}.",
                report.reverted.len(),
                report.failed.len(),
                red.join(", ")
            )
        };
        tracing::info!(%sentence, "restore");
        self.bus.publish(Event::Restore {
            green: report.green,
            reverted: report.reverted.len(),
            sentence,
        });
        report
    }

    /// At start: reverts whatever a previous run (crashed, killed, quit) left behind.
    pub async fn recover_leftovers(&self) -> Option<RestoreReport> {
        let leftovers = self.ledger.lock().await.entries().len();
        if leftovers == 0 {
            return None;
        }
        tracing::warn!(
            leftovers,
            "found faults left behind by a previous run; reverting them"
        );
        let report = self.restore_all(Duration::ZERO).await;
        *self.recovery.lock().await = Some(report.clone());
        Some(report)
    }

    fn failed(&self, fault: &Fault, reason: String) -> ChaosError {
        ChaosError::Failed {
            what: format!("inject {}", fault.describe()),
            reason,
        }
    }

    fn announce(&self, action: FaultAction, id: &str, fault: &Fault, sentence: String) {
        tracing::info!(%id, ?action, %sentence, "fault");
        self.bus.publish(Event::Fault {
            action,
            fault_id: id.into(),
            fault: fault.clone(),
            sentence,
        });
    }
}
