//! The record of a running local stack (`stack.json` in the run directory), written after
//! every process start. A Faultline that crashed or was killed finds it on the next start
//! and adopts the stack if it is whole, or stops what is left of it (only those exact
//! processes) if it is not.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::process::ProcessRecord;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackFile {
    pub cluster_id: String,
    pub processes: Vec<ProcessRecord>,
}

impl StackFile {
    pub fn path(run_dir: &Path) -> PathBuf {
        run_dir.join("stack.json")
    }

    pub fn load(run_dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(Self::path(run_dir)).ok()?;
        match serde_json::from_str(&text) {
            Ok(stack) => Some(stack),
            Err(error) => {
                tracing::warn!(%error, "ignoring an unreadable stack file");
                None
            }
        }
    }

    /// Written to a temporary file and renamed, so a crash mid-write leaves the old one.
    pub fn save(&self, run_dir: &Path) -> std::io::Result<()> {
        let path = Self::path(run_dir);
        let temporary = path.with_extension("json.tmp");
        std::fs::write(
            &temporary,
            serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(temporary, path)
    }

    pub fn remove(run_dir: &Path) {
        let _ = std::fs::remove_file(Self::path(run_dir));
    }

    pub fn get(&self, name: &str) -> Option<&ProcessRecord> {
        self.processes.iter().find(|p| p.name == name)
    }

    /// Adds or replaces the record of that name.
    pub fn put(&mut self, record: ProcessRecord) {
        self.processes.retain(|p| p.name != record.name);
        self.processes.push(record);
    }
}
