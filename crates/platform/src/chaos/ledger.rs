use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Fault, Receipt};

/// One fault, written down before it is applied. `receipt` is None until the environment
/// has applied it (a crash in between still leaves the fault to revert).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    pub fault: Fault,
    pub receipt: Option<Receipt>,
    pub applied_at_ms: i64,
    /// The scenario run that injected it, if any.
    pub run_id: Option<String>,
}

/// The active faults, mirrored to a JSON file after every change.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl Ledger {
    /// Reads what a previous run left (an unreadable file counts as empty, and is kept
    /// aside for a person to look at).
    pub fn open(path: PathBuf) -> Self {
        let entries = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
                tracing::error!(path = %path.display(), %error, "the fault ledger is unreadable; keeping it aside");
                let _ = std::fs::rename(&path, path.with_extension("unreadable"));
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        Self { path, entries }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn add(&mut self, entry: Entry) -> std::io::Result<()> {
        self.entries.push(entry);
        self.save()
    }

    pub fn set_receipt(&mut self, id: &str, receipt: Receipt) -> std::io::Result<()> {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.receipt = Some(receipt);
        }
        self.save()
    }

    pub fn remove(&mut self, id: &str) -> std::io::Result<()> {
        self.entries.retain(|e| e.id != id);
        self.save()
    }

    /// Written to a temporary file and renamed, so a crash mid-write leaves the old one.
    fn save(&self) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(
            &temporary,
            serde_json::to_vec_pretty(&self.entries).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(temporary, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_restart_and_removal_is_persisted() {
        let path =
            std::env::temp_dir().join(format!("faultline-ledger-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut ledger = Ledger::open(path.clone());
        let fault = Fault::Partition { broker: 2 };
        ledger
            .add(Entry {
                id: "f1".into(),
                fault: fault.clone(),
                receipt: None,
                applied_at_ms: 1,
                run_id: None,
            })
            .unwrap();
        ledger
            .set_receipt(
                "f1",
                Receipt {
                    toxics: vec![("broker-2".into(), "t".into())],
                    ..Receipt::default()
                },
            )
            .unwrap();
        let reopened = Ledger::open(path.clone());
        assert_eq!(reopened.entries().len(), 1);
        assert_eq!(reopened.entries()[0].fault, fault);
        assert_eq!(
            reopened.entries()[0].receipt.as_ref().unwrap().toxics.len(),
            1
        );
        let mut reopened = reopened;
        reopened.remove("f1").unwrap();
        assert!(Ledger::open(path.clone()).entries().is_empty());
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn an_unreadable_ledger_is_kept_aside_not_trusted() {
        let path =
            std::env::temp_dir().join(format!("faultline-ledger-bad-{}.json", std::process::id()));
        std::fs::write(&path, "{not json").unwrap();
        assert!(Ledger::open(path.clone()).entries().is_empty());
        assert!(path.with_extension("unreadable").exists());
        let _ = std::fs::remove_file(path.with_extension("unreadable"));
    }
}
