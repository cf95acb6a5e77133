//! Faults as the API shows them: the active ones (`GET /api/faults`), what a restore did
//! (`POST /api/faults/restore`, `GET /api/faults/recovery`) with its all-green checks, and
//! ledger remains a start found unreadable.

use serde::Serialize;

use super::fault::Fault;

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

/// What "restore all" (or the start-up recovery) did.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub reverted: Vec<String>,
    pub failed: Vec<String>,
    pub checks: Vec<Check>,
    pub green: bool,
    pub at_ms: i64,
    /// The start-up recovery only: remains of the ledger that could not be read (and so
    /// not reverted), and where they were kept. Empty for "restore all".
    pub unreadable: Vec<Unreadable>,
}

/// One all-green check: what was checked, whether it holds, what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

/// Remains of the ledger that could not be read, kept aside for a person to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreadable {
    /// Where the remains were kept (`<ledger>.unreadable-<ms since the epoch>`), or the
    /// ledger itself when they could not be copied aside.
    pub path: String,
    /// Their size in bytes.
    pub bytes: u64,
    /// What was found, where, and what it means.
    pub sentence: String,
}
