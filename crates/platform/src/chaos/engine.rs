//! The chaos engine: injects, reverts and restores faults, writing each to the ledger.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_protocol::clock::now_ms;
use tokio::sync::Mutex;

use super::ledger::{Entry, Ledger, Warnings};
use super::verify::green;
use super::{Fault, FaultKind, FaultTarget};
use crate::state::SharedState;
use crate::wire::{ActiveFault, Event, FaultAction, RestoreReport, Unreadable};
use crate::Bus;

#[derive(Debug, thiserror::Error)]
pub enum ChaosError {
    /// A value out of its range (a latency over a minute, 0 CPU workers...).
    #[error("{0}")]
    Invalid(String),
    #[error("the {environment} environment cannot inject {} faults", kind.name())]
    Unsupported {
        environment: String,
        kind: FaultKind,
    },
    /// The environment is not running (never started, stopped, or failed): there is
    /// nothing to break.
    #[error("the {0} environment is not running; start it first")]
    NotRunning(String),
    /// A broker, producer or consumer the environment does not have; the sentence names
    /// the ones it has.
    #[error("{0}")]
    NoSuchTarget(String),
    /// The fault could not be written to the ledger first, so it was not applied.
    #[error("{0}")]
    Ledger(String),
    #[error("cannot {what}: {reason}")]
    Failed { what: String, reason: String },
    #[error("no active fault {0}")]
    Unknown(String),
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

/// Injects and reverts faults through the environment's executors, with the ledger as the
/// record.
pub struct Chaos {
    environment: Arc<dyn FaultTarget>,
    ledger: Mutex<Ledger>,
    /// What opening the ledger found unreadable; fixed for this engine's life.
    unreadable: Vec<Unreadable>,
    /// The ledger's warnings, readable while the ledger is locked by a long inject.
    warnings: Arc<Warnings>,
    bus: Bus,
    state: SharedState,
    next: AtomicU64,
    /// What the start-up recovery found and did, for `GET /api/faults/recovery`.
    pub recovery: Mutex<Option<RestoreReport>>,
}

impl Chaos {
    pub fn new(
        environment: Arc<dyn FaultTarget>,
        ledger_path: std::path::PathBuf,
        bus: Bus,
        state: SharedState,
    ) -> Self {
        let ledger = Ledger::open(ledger_path);
        Self {
            environment,
            unreadable: ledger.unreadable().to_vec(),
            warnings: ledger.warnings(),
            ledger: Mutex::new(ledger),
            bus,
            state,
            next: AtomicU64::new(1),
            recovery: Mutex::new(None),
        }
    }

    /// Remains of the ledger that the start found unreadable, and where they were kept.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Sentences saying why the ledger on disk may not be true (it cannot be read,
    /// written or rewritten); empty when all is well. For health.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.list()
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

    /// Checks the fault (its values, whether an executor is registered for its kind, its
    /// targets against the environment's inventory, then what that executor checks),
    /// writes it down, then applies it. A fault on a spot that already has one (a latency
    /// ramp's next step) replaces it.
    ///
    /// Errors: `Invalid` for a value out of range (in general or for this environment),
    /// `Unsupported`, `NotRunning`, `NoSuchTarget` (nothing is touched in any of these),
    /// `Ledger` when it cannot be written down (not applied, not listed), `Failed` when the
    /// environment could not apply it (not listed).
    pub async fn inject(
        &self,
        fault: Fault,
        run_id: Option<String>,
    ) -> Result<ActiveFault, ChaosError> {
        fault.validate().map_err(ChaosError::Invalid)?;
        if !self.environment.supports(fault.kind()) {
            return Err(self.unsupported(fault.kind()));
        }
        self.running().await?;
        self.environment
            .inventory()
            .await
            .admits(&fault)
            .map_err(ChaosError::NoSuchTarget)?;
        self.environment
            .validate(&fault)
            .map_err(ChaosError::Invalid)?;
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
        ledger.add(entry.clone()).map_err(|error| {
            ChaosError::Ledger(format!(
                "cannot write the fault ledger {}: {error}; {} was not applied",
                ledger.path().display(),
                fault.describe()
            ))
        })?;
        match self.environment.inject(&fault).await {
            Ok(receipt) => match ledger.set_receipt(&id, receipt.clone()) {
                Ok(()) => {
                    self.announce(FaultAction::Injected, &id, &fault, fault.describe());
                    Ok(ActiveFault::from(&entry))
                }
                Err(error) => {
                    // How to undo it exactly is not on disk, so a crash could not revert
                    // it: undo it now, while the receipt is still in hand.
                    let undone = match self.environment.revert(&fault, Some(&receipt)).await {
                        Ok(()) => "it was undone".to_owned(),
                        Err(reason) => format!("undoing it failed too: {reason}"),
                    };
                    let sentence = format!(
                        "cannot write the fault ledger {}: {error}; {} was applied but {undone}",
                        ledger.path().display(),
                        fault.describe()
                    );
                    let _ = ledger.remove(&id);
                    self.announce(FaultAction::Failed, &id, &fault, sentence.clone());
                    Err(ChaosError::Ledger(sentence))
                }
            },
            Err(reason) => {
                // Never applied; a removal that cannot be written only means the next
                // start reverts it in vain (a warning says so).
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

    /// `Ok` when the environment runs, so that faults have something to act on; else
    /// `NotRunning`.
    pub async fn running(&self) -> Result<(), ChaosError> {
        if self.environment.is_running().await {
            Ok(())
        } else {
            Err(ChaosError::NotRunning(self.environment.name().into()))
        }
    }

    /// Reverts one active fault and strikes it from the ledger. An entry whose kind has no
    /// executor here, or whose target this environment does not have (written by an older
    /// Faultline, or before a change of configuration), was never applied here: it is struck
    /// without touching anything.
    pub async fn revert(&self, id: &str) -> Result<String, ChaosError> {
        let mut ledger = self.ledger.lock().await;
        let entry = ledger
            .entries()
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or_else(|| ChaosError::Unknown(id.into()))?;
        let never_applied = if self.environment.supports(entry.fault.kind()) {
            self.environment
                .inventory()
                .await
                .admits(&entry.fault)
                .err()
        } else {
            Some(self.unsupported(entry.fault.kind()).to_string())
        };
        if let Some(why) = never_applied {
            let _ = ledger.remove(id);
            let sentence = format!(
                "Struck from the ledger: {} ({why}; nothing to revert).",
                entry.fault.describe()
            );
            self.announce(FaultAction::Reverted, id, &entry.fault, sentence.clone());
            return Ok(sentence);
        }
        self.environment
            .revert(&entry.fault, entry.receipt.as_ref())
            .await
            .map_err(|reason| ChaosError::Failed {
                what: format!("revert {}", entry.fault.describe()),
                reason,
            })?;
        // Reverted whatever the disk says; a removal that cannot be written is a warning.
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

    /// At start: reverts whatever a previous run (crashed, killed, quit) left behind, then
    /// rewrites the ledger to what is still active (a failure is a warning on health).
    /// None when the ledger held nothing, readable or not.
    pub async fn recover_leftovers(&self) -> Option<RestoreReport> {
        let leftovers = self.ledger.lock().await.entries().len();
        if leftovers == 0 && self.unreadable.is_empty() {
            return None;
        }
        tracing::warn!(
            leftovers,
            unreadable = self.unreadable.len(),
            "found faults left behind by a previous run; reverting them"
        );
        let mut report = self.restore_all(Duration::ZERO).await;
        report.unreadable = self.unreadable.clone();
        // A failure is a warning on health; the faults themselves are reverted.
        let _ = self.ledger.lock().await.compact();
        *self.recovery.lock().await = Some(report.clone());
        Some(report)
    }

    fn unsupported(&self, kind: FaultKind) -> ChaosError {
        ChaosError::Unsupported {
            environment: self.environment.name().into(),
            kind,
        }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use async_trait::async_trait;

    use super::*;
    use crate::chaos::{Executes, Executor, Executors, Inventory, NoReceipt};

    /// A running environment with two brokers that carries out latency only; counts what
    /// reaches it, and fails to apply when told to.
    #[derive(Default)]
    struct FakeEnvironment {
        injected: AtomicUsize,
        reverted: AtomicUsize,
        refuse: bool,
    }

    /// Latency on the fake; refuses any jitter (a rule of this environment alone).
    struct FakeLatency;

    #[async_trait]
    impl Executor<FakeEnvironment> for FakeLatency {
        const KIND: FaultKind = FaultKind::Latency;
        type Receipt = NoReceipt;

        fn validate(&self, _: &FakeEnvironment, fault: &Fault) -> Result<(), String> {
            match fault {
                Fault::Latency { jitter, .. } if *jitter > 0 => Err("no jitter here".into()),
                _ => Ok(()),
            }
        }

        async fn inject(&self, env: &FakeEnvironment, _: &Fault) -> Result<NoReceipt, String> {
            env.injected.fetch_add(1, Ordering::SeqCst);
            if env.refuse {
                Err("the broker said no".into())
            } else {
                Ok(NoReceipt {})
            }
        }

        async fn revert(
            &self,
            env: &FakeEnvironment,
            _: &Fault,
            _: NoReceipt,
        ) -> Result<(), String> {
            env.reverted.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    static EXECUTORS: std::sync::LazyLock<Executors<FakeEnvironment>> =
        std::sync::LazyLock::new(|| Executors::none().with(FakeLatency));

    impl Executes for FakeEnvironment {
        fn executors(&self) -> &Executors<Self> {
            &EXECUTORS
        }
    }

    #[async_trait]
    impl FaultTarget for FakeEnvironment {
        fn name(&self) -> &'static str {
            "rehearsal"
        }
        async fn is_running(&self) -> bool {
            true
        }
        async fn inventory(&self) -> Inventory {
            Inventory {
                brokers: vec![1, 2],
                ..Inventory::default()
            }
        }
    }

    fn scratch(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("faultline-engine-{name}-"))
            .tempdir()
            .unwrap()
    }

    fn chaos(environment: Arc<FakeEnvironment>, ledger: std::path::PathBuf) -> Chaos {
        Chaos::new(environment, ledger, Bus::new(), SharedState::default())
    }

    const LATENCY: Fault = Fault::Latency {
        broker: 1,
        ms: 200,
        jitter: 0,
    };

    #[tokio::test]
    async fn a_fault_that_cannot_be_written_down_never_reaches_the_environment() {
        let scratch = scratch("unwritable");
        let dir = scratch.path().to_path_buf();
        std::fs::write(dir.join("state"), "a file, not a folder").unwrap();
        let environment = Arc::new(FakeEnvironment::default());
        let chaos = chaos(environment.clone(), dir.join("state").join("faults.json"));
        let refused = chaos.inject(LATENCY, None).await.unwrap_err();
        assert!(matches!(refused, ChaosError::Ledger(_)), "{refused}");
        assert_eq!(environment.injected.load(Ordering::SeqCst), 0);
        assert!(chaos.active().await.is_empty());
    }

    #[tokio::test]
    async fn unknown_targets_and_failed_applies_leave_nothing_behind() {
        let scratch = scratch("targets");
        let dir = scratch.path().to_path_buf();
        let ledger = dir.join("faults.json");
        let environment = Arc::new(FakeEnvironment {
            refuse: true,
            ..FakeEnvironment::default()
        });
        let chaos = chaos(environment.clone(), ledger.clone());
        let refused = chaos
            .inject(
                Fault::Latency {
                    broker: 3,
                    ms: 200,
                    jitter: 0,
                },
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "broker 3 does not exist; brokers are 1, 2"
        );
        assert_eq!(environment.injected.load(Ordering::SeqCst), 0);

        let failed = chaos.inject(LATENCY, None).await.unwrap_err();
        assert!(matches!(failed, ChaosError::Failed { .. }), "{failed}");
        assert_eq!(environment.injected.load(Ordering::SeqCst), 1);
        assert!(chaos.active().await.is_empty());
        assert!(
            chaos_for_next_start(&ledger).await.is_none(),
            "a fault that failed to apply is struck from the disk too"
        );
    }

    #[tokio::test]
    async fn kinds_without_an_executor_and_values_its_executor_refuses_touch_nothing() {
        let scratch = scratch("refusals");
        let dir = scratch.path().to_path_buf();
        let environment = Arc::new(FakeEnvironment::default());
        let chaos = chaos(environment.clone(), dir.join("faults.json"));
        let unsupported = chaos
            .inject(Fault::Partition { broker: 1 }, None)
            .await
            .unwrap_err();
        assert!(
            matches!(unsupported, ChaosError::Unsupported { .. }),
            "{unsupported}"
        );
        assert_eq!(
            unsupported.to_string(),
            "the rehearsal environment cannot inject partition faults"
        );
        let jitter = Fault::Latency {
            broker: 1,
            ms: 200,
            jitter: 10,
        };
        let invalid = chaos.inject(jitter, None).await.unwrap_err();
        assert!(matches!(invalid, ChaosError::Invalid(_)), "{invalid}");
        assert_eq!(invalid.to_string(), "no jitter here");
        assert_eq!(environment.injected.load(Ordering::SeqCst), 0);
        assert!(chaos.active().await.is_empty());
    }

    async fn chaos_for_next_start(ledger: &std::path::Path) -> Option<RestoreReport> {
        chaos(Arc::new(FakeEnvironment::default()), ledger.to_owned())
            .recover_leftovers()
            .await
    }

    #[tokio::test]
    async fn leftovers_are_reverted_and_what_was_never_applied_is_struck_untouched() {
        let scratch = scratch("leftovers");
        let dir = scratch.path().to_path_buf();
        let ledger = dir.join("faults.json");
        {
            let chaos = chaos(Arc::new(FakeEnvironment::default()), ledger.clone());
            chaos.inject(LATENCY, None).await.unwrap();
        }
        // An entry from an older Faultline that let broker -1 through, and one of a kind
        // this environment has no executor for.
        let mut older = Ledger::open(ledger.clone());
        for (id, fault) in [
            (
                "old",
                Fault::Latency {
                    broker: -1,
                    ms: 200,
                    jitter: 0,
                },
            ),
            (
                "elsewhere",
                Fault::Bandwidth {
                    broker: 1,
                    kbps: 10,
                },
            ),
        ] {
            older
                .add(Entry {
                    id: id.into(),
                    fault,
                    receipt: None,
                    applied_at_ms: 1,
                    run_id: None,
                })
                .unwrap();
        }

        let environment = Arc::new(FakeEnvironment::default());
        let chaos = chaos(environment.clone(), ledger.clone());
        let report = chaos.recover_leftovers().await.expect("leftovers found");
        assert_eq!(report.reverted.len(), 3, "{report:?}");
        assert_eq!(
            report.reverted[0],
            "Struck from the ledger: traffic to broker-1 limited to 10 KB/s (the rehearsal \
             environment cannot inject bandwidth faults; nothing to revert)."
        );
        assert!(
            report.reverted[1].contains("(broker -1 does not exist; brokers are 1, 2;"),
            "{report:?}"
        );
        assert_eq!(
            report.reverted[2],
            "Reverted: 200 ms of latency to broker-1."
        );
        assert_eq!(
            environment.reverted.load(Ordering::SeqCst),
            1,
            "neither broker -1 nor the bandwidth reached the environment"
        );
        assert!(chaos.warnings().is_empty(), "{:?}", chaos.warnings());
        assert!(chaos_for_next_start(&ledger).await.is_none());
    }
}
