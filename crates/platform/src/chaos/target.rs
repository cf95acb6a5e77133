//! What the chaos engine needs of an environment: its name, whether it runs, what a fault
//! may name there, whether a fault is left, and its executor table. Environments implement
//! it; chaos never names one.

use async_trait::async_trait;

use super::executor::Executes;
use super::{Fault, FaultKind, Inventory, Receipt};
use crate::wire::Check;

/// An environment's fault side, read from its executor table: every type that
/// [`Executes`] has it, and nothing implements it by hand.
#[async_trait]
pub trait Dispatch: Send + Sync {
    /// Whether an executor is registered for that kind.
    fn supports(&self, kind: FaultKind) -> bool;
    /// What the executor of the fault's kind checks of its values. Errors: its refusal.
    fn validate(&self, fault: &Fault) -> Result<(), String>;
    /// Applies a fault; the receipt says how to undo it exactly. Errors: why it was not.
    async fn inject(&self, fault: &Fault) -> Result<Receipt, String>;
    /// Undoes a fault from its receipt (`None` when none was written down). Succeeds when
    /// the fault is already gone (reverts repeat after a crash). Errors: why it could not.
    async fn revert(&self, fault: &Fault, receipt: Option<&Receipt>) -> Result<(), String>;
}

#[async_trait]
impl<E: Executes> Dispatch for E {
    fn supports(&self, kind: FaultKind) -> bool {
        self.executors().supports(kind)
    }

    fn validate(&self, fault: &Fault) -> Result<(), String> {
        self.executors().validate(self, fault)
    }

    async fn inject(&self, fault: &Fault) -> Result<Receipt, String> {
        self.executors().inject(self, fault).await
    }

    async fn revert(&self, fault: &Fault, receipt: Option<&Receipt>) -> Result<(), String> {
        self.executors().revert(self, fault, receipt).await
    }
}

/// What the chaos engine needs of an environment, besides its executors.
#[async_trait]
pub trait FaultTarget: Dispatch {
    /// The environment's kind (`rehearsal`, `local`, ...), as refusals name it.
    fn name(&self) -> &'static str;
    /// Whether it runs, so that faults have something to act on.
    async fn is_running(&self) -> bool;
    /// What a fault may name here: the engine refuses any fault whose broker, producer or
    /// consumer is not in it before the fault reaches an executor. Empty where the
    /// environment carries out no faults.
    async fn inventory(&self) -> Inventory {
        Inventory::default()
    }
    /// Environment-level checks that no fault is left (no toxic, no stopped broker...).
    async fn verify_clean(&self) -> Vec<Check> {
        Vec::new()
    }
}
