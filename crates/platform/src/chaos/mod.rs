//! Chaos: faults as values, carried out by the environment's executors (one per fault
//! kind, `executor.rs`), recorded in a ledger on disk before they are applied, and always
//! reverted — by the scenario that made them, by the "restore all" button, or on the next
//! start after a crash. What the engine needs of an environment is [`FaultTarget`]; this
//! module imports no environment.

mod engine;
mod executor;
mod inventory;
mod ledger;
mod target;
mod verify;

pub use crate::wire::{DownMode, Fault, FaultKind};
pub use engine::{Chaos, ChaosError};
pub(crate) use executor::fault_executors;
pub use executor::{misrouted, Executes, Executor, Executors, NoReceipt, Receipt, Replaced};
pub use inventory::Inventory;
pub use ledger::Entry;
pub use target::{Dispatch, FaultTarget};
