//! The fault ledger: a write-ahead journal of the active faults on disk, so that a fault is
//! on disk before it is applied and a crash never leaves one that the next start cannot
//! find. One record a line, each with its own checksum, so a torn or damaged file still
//! yields every complete record; whatever cannot be read is kept aside, never lost.
//!
//! A line is `CCCCCCCC JSON\n`: the CRC-32 (IEEE) of the JSON bytes as 8 lowercase hex
//! digits, a space, then one record: `{"op":"add","entry":{…}}`,
//! `{"op":"receipt","id":"…","receipt":{…}}` or `{"op":"remove","id":"…"}`. A file that
//! starts with `[` is the older format (one JSON array of entries) and is converted on open.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use faultline_protocol::clock::now_ms;
use serde::{Deserialize, Serialize};

use super::{Fault, Receipt};
use crate::wire::Unreadable;

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

/// Why the file on disk may not say what is true, readable at any time (health asks
/// while a fault is being applied under the ledger's lock).
#[derive(Debug, Default)]
pub struct Warnings(Mutex<BTreeMap<Concern, String>>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Concern {
    /// The file could not be read at all.
    Read,
    /// Unreadable remains could not be copied aside, so the file was left as it was.
    KeepAside,
    /// The file still lists faults that are no longer active (a removal or a rewrite
    /// failed): the next start reverts them again.
    Stale,
}

impl Warnings {
    /// The sentences, in a stable order.
    pub fn list(&self) -> Vec<String> {
        self.lock().values().cloned().collect()
    }

    fn set(&self, concern: Concern, sentence: String) {
        tracing::warn!(%sentence, "fault ledger");
        self.lock().insert(concern, sentence);
    }

    fn clear(&self, concern: Concern) {
        self.lock().remove(&concern);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Concern, String>> {
        // A panic elsewhere cannot leave the map half-changed: each change is one call.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
enum Record {
    Add { entry: Entry },
    Receipt { id: String, receipt: Receipt },
    Remove { id: String },
}

/// The active faults, in memory and in the journal on disk. Memory changes only after the
/// disk write succeeded, except a removal: that follows a revert, which happened whatever
/// the disk says (a failed removal is a warning instead).
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    entries: Vec<Entry>,
    unreadable: Vec<Unreadable>,
    warnings: Arc<Warnings>,
}

impl Ledger {
    /// Reads what a previous run left. Every complete record counts; unreadable remains
    /// are copied aside under a new timestamped name and the ledger is rewritten without
    /// them (an older-format file is rewritten in this format). A file that cannot be read
    /// or rewritten is a warning, never an error: the platform starts anyway.
    pub fn open(path: PathBuf) -> Self {
        let mut ledger = Self {
            path,
            entries: Vec::new(),
            unreadable: Vec::new(),
            warnings: Arc::default(),
        };
        let bytes = match std::fs::read(&ledger.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return ledger,
            Err(error) => {
                ledger.warnings.set(
                    Concern::Read,
                    format!(
                        "cannot read the fault ledger {}: {error}; faults a previous run left \
                         there cannot be reverted",
                        ledger.path.display()
                    ),
                );
                return ledger;
            }
        };
        let parsed = parse(&bytes);
        ledger.entries = parsed.entries;
        if parsed.remains.is_empty() {
            if parsed.old_format {
                // Converted now, so records can be appended; a failure is a warning (and
                // the next open reads the older array followed by lines).
                let _ = ledger.rewrite_or_warn();
            }
            return ledger;
        }
        let size: usize = parsed.remains.iter().map(|r| r.bytes.len()).sum();
        let lines: Vec<String> = parsed.remains.iter().map(Remains::describe).collect();
        let found = format!(
            "the fault ledger {} had {size} unreadable byte(s) ({}); any fault they held \
             was not reverted",
            ledger.path.display(),
            lines.join("; ")
        );
        let kept: Vec<u8> = parsed.remains.into_iter().flat_map(|r| r.bytes).collect();
        match keep_aside(&ledger.path, &kept) {
            Ok(aside) => {
                ledger.unreadable.push(Unreadable {
                    path: aside.display().to_string(),
                    bytes: kept.len() as u64,
                    sentence: format!("{found}; kept in {}", aside.display()),
                });
                // Without the remains, so that records are appended after a whole line;
                // a failure is a warning.
                let _ = ledger.rewrite_or_warn();
            }
            Err(error) => {
                // Rewriting now would lose the remains: the file stays as it is.
                ledger.unreadable.push(Unreadable {
                    path: ledger.path.display().to_string(),
                    bytes: kept.len() as u64,
                    sentence: format!("{found}; left in place"),
                });
                ledger.warnings.set(
                    Concern::KeepAside,
                    format!(
                        "cannot keep the unreadable part of the fault ledger {} aside: {error}",
                        ledger.path.display()
                    ),
                );
            }
        }
        tracing::error!(sentence = %ledger.unreadable[0].sentence, "fault ledger");
        ledger
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// What `open` found unreadable (at most one item: all remains go to one file).
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// The warnings, shared: they can be read without the ledger.
    pub fn warnings(&self) -> Arc<Warnings> {
        self.warnings.clone()
    }

    /// Appends the entry and flushes it to disk; only then is it active. Errors: the
    /// journal cannot be written (the entry is then not active).
    pub fn add(&mut self, entry: Entry) -> std::io::Result<()> {
        self.append(&Record::Add {
            entry: entry.clone(),
        })?;
        self.entries.push(entry);
        Ok(())
    }

    /// Records how to undo an applied fault. Errors: the journal cannot be written (the
    /// entry then keeps no receipt).
    pub fn set_receipt(&mut self, id: &str, receipt: Receipt) -> std::io::Result<()> {
        self.append(&Record::Receipt {
            id: id.to_owned(),
            receipt: receipt.clone(),
        })?;
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.receipt = Some(receipt);
        }
        Ok(())
    }

    /// Strikes a fault that is no longer applied. It leaves memory whatever the disk
    /// does; a failed write is a warning (the next start would revert it again, which is
    /// harmless) and is also returned. An empty ledger is rewritten to nothing, so the
    /// journal does not grow without end.
    pub fn remove(&mut self, id: &str) -> std::io::Result<()> {
        self.entries.retain(|e| e.id != id);
        let written = self.append(&Record::Remove { id: id.to_owned() });
        if let Err(error) = &written {
            self.warnings.set(
                Concern::Stale,
                format!(
                    "cannot record in the fault ledger {} that a fault was reverted: {error}; \
                     the next start will revert it again",
                    self.path.display()
                ),
            );
        }
        if self.entries.is_empty() || written.is_err() {
            // A failure is a warning, already set.
            let _ = self.rewrite_or_warn();
        }
        written
    }

    /// Rewrites the file to hold exactly the active entries (after recovery, or to drop
    /// the records of reverted faults). A failure is a warning, and is returned.
    pub fn compact(&mut self) -> std::io::Result<()> {
        self.rewrite_or_warn()
    }

    fn rewrite_or_warn(&mut self) -> std::io::Result<()> {
        match self.rewrite() {
            Ok(()) => {
                self.warnings.clear(Concern::Stale);
                Ok(())
            }
            Err(error) => {
                self.warnings.set(
                    Concern::Stale,
                    format!(
                        "cannot rewrite the fault ledger {}: {error}; it may still list faults \
                         that are reverted, and every start will revert them again",
                        self.path.display()
                    ),
                );
                Err(error)
            }
        }
    }

    /// A temporary file with the entries, flushed, renamed over the ledger, and the folder
    /// flushed: a crash at any point leaves the old file or the new one whole.
    fn rewrite(&self) -> std::io::Result<()> {
        let dir = folder(&self.path);
        std::fs::create_dir_all(dir)?;
        let temporary = sibling(&self.path, ".tmp");
        let mut text = Vec::new();
        for entry in &self.entries {
            text.extend(frame(&Record::Add {
                entry: entry.clone(),
            })?);
        }
        let mut file = File::create(&temporary)?;
        file.write_all(&text)?;
        file.sync_all()?;
        drop(file);
        if let Err(error) = std::fs::rename(&temporary, &self.path) {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        sync_folder(dir)
    }

    /// One record at the end of the journal, flushed to disk (and the folder too when the
    /// file is new). A last line that a crash tore is closed first, so it stays one
    /// unreadable line instead of swallowing this record.
    fn append(&self, record: &Record) -> std::io::Result<()> {
        let dir = folder(&self.path);
        std::fs::create_dir_all(dir)?;
        let existed = self.path.exists();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)?;
        let length = file.metadata()?.len();
        let mut line = Vec::new();
        if length > 0 {
            let mut last = [0u8; 1];
            file.read_exact_at(&mut last, length - 1)?;
            if last[0] != b'\n' {
                line.push(b'\n');
            }
        }
        line.extend(frame(record)?);
        (&file).write_all(&line)?;
        file.sync_data()?;
        if !existed {
            sync_folder(dir)?;
        }
        Ok(())
    }
}

/// `CCCCCCCC JSON\n` for one record.
fn frame(record: &Record) -> std::io::Result<Vec<u8>> {
    let json = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    let mut line = format!("{:08x} ", crc32fast::hash(&json)).into_bytes();
    line.extend(json);
    line.push(b'\n');
    Ok(line)
}

/// What a file held: the entries of every complete record, replayed in order, and what
/// could not be read.
struct Parsed {
    entries: Vec<Entry>,
    remains: Vec<Remains>,
    old_format: bool,
}

/// A piece that could not be read: where it started (1-based line), its bytes as found,
/// and why.
struct Remains {
    line: usize,
    bytes: Vec<u8>,
    why: &'static str,
}

impl Remains {
    fn describe(&self) -> String {
        format!(
            "line {}: {}, {} byte(s)",
            self.line,
            self.why,
            self.bytes.len()
        )
    }
}

fn parse(bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed {
        entries: Vec::new(),
        remains: Vec::new(),
        old_format: false,
    };
    let mut rest = bytes;
    let mut first_line = 1;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        parsed.old_format = true;
        let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Vec<Entry>>();
        match stream.next() {
            Some(Ok(entries)) => {
                let end = stream.byte_offset();
                parsed.entries = entries;
                first_line += bytes[..end].iter().filter(|b| **b == b'\n').count();
                rest = &bytes[end..];
            }
            _ => {
                parsed.remains.push(Remains {
                    line: 1,
                    bytes: bytes.to_vec(),
                    why: "an older-format ledger that is cut short or damaged",
                });
                return parsed;
            }
        }
    }
    let mut offset = 0;
    for (index, piece) in rest.split_inclusive(|b| *b == b'\n').enumerate() {
        offset += piece.len();
        let line = piece.strip_suffix(b"\n").unwrap_or(piece);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match read_record(line) {
            Ok(record) => apply(&mut parsed.entries, record),
            Err(why) => parsed.remains.push(Remains {
                line: first_line + index,
                bytes: piece.to_vec(),
                why: if offset == rest.len() && !piece.ends_with(b"\n") {
                    "the last line, cut short"
                } else {
                    why
                },
            }),
        }
    }
    parsed
}

fn read_record(line: &[u8]) -> Result<Record, &'static str> {
    let (checksum, json) = match line.split_at_checked(9) {
        Some((head, json)) if head[8] == b' ' => (&head[..8], json),
        _ => return Err("not a ledger line"),
    };
    let expected = std::str::from_utf8(checksum)
        .ok()
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .ok_or("not a ledger line")?;
    if crc32fast::hash(json) != expected {
        return Err("its checksum does not match (damaged or cut short)");
    }
    serde_json::from_slice(json).map_err(|_| "a record this Faultline does not know")
}

fn apply(entries: &mut Vec<Entry>, record: Record) {
    match record {
        Record::Add { entry } => {
            entries.retain(|e| e.id != entry.id);
            entries.push(entry);
        }
        Record::Receipt { id, receipt } => {
            if let Some(entry) = entries.iter_mut().find(|e| e.id == id) {
                entry.receipt = Some(receipt);
            }
        }
        Record::Remove { id } => entries.retain(|e| e.id != id),
    }
}

/// Writes the remains to `<ledger>.unreadable-<ms>` (`-<ms>-2`, `-3`, … when that name is
/// taken): a new file every time, never over an earlier one.
fn keep_aside(ledger: &Path, remains: &[u8]) -> std::io::Result<PathBuf> {
    let stamp = now_ms();
    for attempt in 1..=100 {
        let suffix = if attempt == 1 {
            format!(".unreadable-{stamp}")
        } else {
            format!(".unreadable-{stamp}-{attempt}")
        };
        let aside = sibling(ledger, &suffix);
        match OpenOptions::new().write(true).create_new(true).open(&aside) {
            Ok(mut file) => {
                file.write_all(remains)?;
                file.sync_all()?;
                sync_folder(folder(ledger))?;
                return Ok(aside);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other(
        "a hundred files of unreadable remains with this timestamp already exist",
    ))
}

/// The ledger's path with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Makes a file's creation or rename in `dir` survive a power cut.
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::chaos::Fault;

    /// A folder of the test's own under the temporary directory, removed when it is dropped.
    fn scratch(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("faultline-ledger-{name}-"))
            .tempdir()
            .unwrap()
    }

    fn entry(id: &str, broker: i32) -> Entry {
        Entry {
            id: id.into(),
            fault: Fault::Latency {
                broker,
                ms: 100 * broker as u32,
                jitter: 0,
            },
            receipt: None,
            applied_at_ms: 1,
            run_id: None,
        }
    }

    fn ids(ledger: &Ledger) -> Vec<&str> {
        ledger.entries().iter().map(|e| e.id.as_str()).collect()
    }

    fn aside_files(dir: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".unreadable-"))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn entries_survive_a_restart_and_removal_is_persisted() {
        let scratch = scratch("restart");
        let path = scratch.path().join("faults.json");
        let mut ledger = Ledger::open(path.clone());
        let fault = Fault::Partition { broker: 2 };
        ledger
            .add(Entry {
                fault: fault.clone(),
                ..entry("f1", 2)
            })
            .unwrap();
        ledger.add(entry("f2", 3)).unwrap();
        let receipt: Receipt =
            serde_json::from_value(json!({"toxics": [["broker-2", "t"]]})).unwrap();
        ledger.set_receipt("f1", receipt.clone()).unwrap();
        let mut reopened = Ledger::open(path.clone());
        assert_eq!(ids(&reopened), ["f1", "f2"]);
        assert_eq!(reopened.entries()[0].fault, fault);
        assert_eq!(reopened.entries()[0].receipt, Some(receipt));
        reopened.remove("f1").unwrap();
        assert_eq!(ids(&Ledger::open(path.clone())), ["f2"]);
        reopened.remove("f2").unwrap();
        assert!(Ledger::open(path.clone()).entries().is_empty());
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            0,
            "an empty ledger is rewritten to nothing"
        );
        assert!(reopened.warnings().list().is_empty());
    }

    #[test]
    fn a_receipt_an_older_faultline_wrote_is_kept_as_written() {
        // Lines as older Faultlines wrote them, when every environment's receipts were one
        // struct with all four fields; the executor of the fault's kind reads them.
        let old = json!({
            "toxics": [["broker-1", "faultline-latency"]],
            "process": null,
            "previous": null,
            "affinity": null
        });
        let lines = [
            json!({"op": "add", "entry": {"id": "f1", "fault": {"kind": "latency", "broker": 1,
                "ms": 200, "jitter": 0}, "receipt": null, "appliedAtMs": 1, "runId": null}}),
            json!({"op": "receipt", "id": "f1", "receipt": old.clone()}),
        ];
        let scratch = scratch("older-receipt");
        let path = scratch.path().join("faults.json");
        let text: String = lines
            .iter()
            .map(|record| {
                let json = record.to_string();
                format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
            })
            .collect();
        std::fs::write(&path, text).unwrap();
        let ledger = Ledger::open(path);
        assert!(ledger.unreadable().is_empty(), "{:?}", ledger.unreadable());
        let receipt = ledger.entries()[0].receipt.clone().expect("a receipt");
        assert_eq!(serde_json::to_value(receipt).unwrap(), old);
    }

    #[test]
    fn a_cut_in_the_middle_of_an_entry_keeps_every_complete_one() {
        let scratch = scratch("cut");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("faults.json");
        let mut ledger = Ledger::open(path.clone());
        for (id, broker) in [("a", 1), ("b", 2), ("c", 3)] {
            ledger.add(entry(id, broker)).unwrap();
        }
        let whole = std::fs::read(&path).unwrap();
        let third = whole[..whole.len() - 1]
            .iter()
            .rposition(|b| *b == b'\n')
            .unwrap()
            + 1;
        let cut = third + (whole.len() - third) / 2;
        std::fs::write(&path, &whole[..cut]).unwrap();

        let reopened = Ledger::open(path.clone());
        assert_eq!(ids(&reopened), ["a", "b"]);
        let unreadable = reopened.unreadable();
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].bytes, (cut - third) as u64);
        assert!(
            unreadable[0]
                .sentence
                .contains("line 3: the last line, cut short"),
            "{}",
            unreadable[0].sentence
        );
        let aside = aside_files(&dir);
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].to_string_lossy(), unreadable[0].path);
        assert_eq!(std::fs::read(&aside[0]).unwrap(), &whole[third..cut]);
        // The ledger was rewritten without the torn line: a new entry is read back whole.
        let mut reopened = reopened;
        reopened.add(entry("d", 1)).unwrap();
        let again = Ledger::open(path);
        assert_eq!(ids(&again), ["a", "b", "d"]);
        assert!(again.unreadable().is_empty());
    }

    #[test]
    fn garbage_is_kept_aside_under_a_new_name_every_time() {
        let scratch = scratch("garbage");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("faults.json");
        let mut ledger = Ledger::open(path.clone());
        ledger.add(entry("a", 1)).unwrap();
        let mut damaged = std::fs::read(&path).unwrap();
        damaged.extend(b"first garbage\n");
        std::fs::write(&path, &damaged).unwrap();
        let first = Ledger::open(path.clone());
        assert_eq!(ids(&first), ["a"]);
        assert!(
            first.unreadable()[0]
                .sentence
                .contains("line 2: not a ledger line"),
            "{:?}",
            first.unreadable()
        );

        let mut damaged = std::fs::read(&path).unwrap();
        damaged.extend(b"second garbage");
        std::fs::write(&path, &damaged).unwrap();
        let second = Ledger::open(path.clone());
        assert_eq!(ids(&second), ["a"]);

        let aside = aside_files(&dir);
        assert_eq!(aside.len(), 2, "{aside:?}");
        assert_ne!(first.unreadable()[0].path, second.unreadable()[0].path);
        let contents: Vec<Vec<u8>> = aside.iter().map(|p| std::fs::read(p).unwrap()).collect();
        assert!(contents.contains(&b"first garbage\n".to_vec()));
        assert!(contents.contains(&b"second garbage".to_vec()));
    }

    #[test]
    fn a_damaged_line_in_the_middle_spares_the_lines_after_it() {
        let scratch = scratch("middle");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("faults.json");
        let mut ledger = Ledger::open(path.clone());
        ledger.add(entry("a", 1)).unwrap();
        ledger.add(entry("b", 2)).unwrap();
        ledger.add(entry("c", 3)).unwrap();
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        // One flipped digit in the second entry: its checksum no longer matches.
        let damaged = text.replacen("\"broker\":2", "\"broker\":7", 1);
        std::fs::write(&path, damaged).unwrap();
        let reopened = Ledger::open(path);
        assert_eq!(ids(&reopened), ["a", "c"]);
        assert!(reopened.unreadable()[0]
            .sentence
            .contains("line 2: its checksum does not match"));
    }

    #[test]
    fn a_failed_write_leaves_nothing_active() {
        let scratch = scratch("unwritable");
        let dir = scratch.path().to_path_buf();
        // The ledger's folder is a regular file: nothing can be created under it, even
        // by root (a chmod would not stop root).
        let blocker = dir.join("state");
        std::fs::write(&blocker, "not a folder").unwrap();
        let mut ledger = Ledger::open(blocker.join("faults.json"));
        assert_eq!(ledger.warnings().list().len(), 1, "unreadable is a warning");
        assert!(ledger.add(entry("a", 1)).is_err());
        assert!(ledger.entries().is_empty());
    }

    #[test]
    fn a_ledger_that_cannot_be_rewritten_is_a_warning_until_it_can() {
        let scratch = scratch("stuck");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("faults.json");
        let mut ledger = Ledger::open(path.clone());
        ledger.add(entry("a", 1)).unwrap();
        // A folder where the ledger file was: neither an append nor the rename of a
        // rewrite can replace it, even as root.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir_all(path.join("in-the-way")).unwrap();
        assert!(ledger.remove("a").is_err());
        assert!(
            ledger.entries().is_empty(),
            "a reverted fault is not listed"
        );
        let warnings = ledger.warnings().list();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("revert them again"), "{warnings:?}");
        std::fs::remove_dir_all(&path).unwrap();
        ledger.compact().unwrap();
        assert!(ledger.warnings().list().is_empty());
    }

    #[test]
    fn an_older_array_ledger_is_read_and_converted() {
        let scratch = scratch("old");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("faults.json");
        let old = vec![entry("a", 1), entry("b", 2)];
        std::fs::write(&path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
        let mut ledger = Ledger::open(path.clone());
        assert_eq!(ids(&ledger), ["a", "b"]);
        assert!(ledger.unreadable().is_empty());
        let converted = std::fs::read_to_string(&path).unwrap();
        assert!(!converted.starts_with('['), "{converted}");
        ledger.remove("a").unwrap();
        assert_eq!(ids(&Ledger::open(path.clone())), ["b"]);

        // A damaged older file is kept aside whole.
        std::fs::write(&path, "[{\"id\":\"x\",").unwrap();
        let damaged = Ledger::open(path);
        assert!(damaged.entries().is_empty());
        assert_eq!(damaged.unreadable()[0].bytes, 11);
        assert_eq!(aside_files(&dir).len(), 1);
    }
}
