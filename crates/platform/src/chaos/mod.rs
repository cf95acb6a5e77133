//! Chaos: faults as values, carried out by the environment, recorded in a ledger on disk
//! before they are applied, and always reverted — by the scenario that made them, by the
//! "restore all" button, or on the next start after a crash.

mod engine;
pub mod fault;
mod ledger;
mod verify;

pub use engine::{ActiveFault, Chaos, ChaosError, RestoreReport};
pub use fault::{DownMode, Fault, FaultKind};
pub use ledger::{Entry, Unreadable};
pub use verify::Check;

use serde::{Deserialize, Serialize};

use crate::environments::local::ProcessRecord;

/// What an environment needs to undo a fault exactly, kept in the ledger with the fault.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// `(proxy, toxic)` pairs added to Toxiproxy.
    #[serde(default)]
    pub toxics: Vec<(String, String)>,
    /// A process started for the fault (stress-ng), to stop by pid and start time.
    #[serde(default)]
    pub process: Option<ProcessRecord>,
    /// The value the fault replaced (a rate, a delay, a round trip in ms).
    #[serde(default)]
    pub previous: Option<i64>,
    /// The CPU list a process was allowed before it was pinned.
    #[serde(default)]
    pub affinity: Option<String>,
}
