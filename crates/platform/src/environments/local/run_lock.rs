//! One Faultline at a time drives a run directory's stack. Without this, a second Faultline
//! (a desktop app beside a `faultline-server`, or a restart while the first still stops its
//! processes) adopts the first one's stack, the first then deletes the stack file under it,
//! and processes nobody records are left holding the ports. The kernel drops the lock when
//! its holder dies, even by SIGKILL, so a crash never leaves the directory locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long `take` waits out a holder that only looks (a pre-flight check's probe).
const PROBES_LAST_AT_MOST: Duration = Duration::from_secs(2);

/// Held while this process owns the stack; dropping it lets another Faultline take over.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Who holds a run directory's lock right now.
#[derive(Debug, PartialEq, Eq)]
pub enum Holder {
    Nobody,
    ThisProcess,
    /// Another process; the sentence names it.
    Other(String),
}

impl RunLock {
    pub fn path(run_dir: &Path) -> PathBuf {
        run_dir.join("faultline.lock")
    }

    /// Takes the lock, or says which process holds it.
    pub fn take(run_dir: &Path) -> Result<Self, String> {
        let path = Self::path(run_dir);
        std::fs::create_dir_all(run_dir)
            .map_err(|e| format!("cannot create {}: {e}", run_dir.display()))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let deadline = Instant::now() + PROBES_LAST_AT_MOST;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => return Err(refusal(&mut file, run_dir)),
                Err(TryLockError::Error(error)) => {
                    return Err(format!("cannot lock {}: {error}", path.display()))
                }
            }
        }
        // The holder's pid, for the message another Faultline shows.
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(std::process::id().to_string().as_bytes()));
        if let Err(error) = written {
            tracing::warn!(%error, "cannot write the pid into {}", path.display());
        }
        Ok(Self { _file: file })
    }

    /// Looks without keeping the lock and without changing the file.
    pub fn holder(run_dir: &Path) -> Holder {
        let Ok(mut file) = File::open(Self::path(run_dir)) else {
            return Holder::Nobody;
        };
        match file.try_lock_shared() {
            Ok(()) => Holder::Nobody,
            Err(TryLockError::WouldBlock) => {
                if holder_pid(&mut file) == Some(std::process::id()) {
                    Holder::ThisProcess
                } else {
                    Holder::Other(refusal(&mut file, run_dir))
                }
            }
            Err(TryLockError::Error(_)) => Holder::Nobody,
        }
    }
}

fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn refusal(file: &mut File, run_dir: &Path) -> String {
    let holder = match holder_pid(file) {
        Some(pid) => format!("process {pid}"),
        None => "another process".to_owned(),
    };
    format!(
        "another Faultline ({holder}) is running the local stack in {}: stop its environment or quit it first",
        run_dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_with_the_holders_pid_until_it_lets_go() {
        let dir = std::env::temp_dir().join(format!("faultline-run-lock-{}", std::process::id()));
        assert_eq!(RunLock::holder(&dir), Holder::Nobody);
        let first = RunLock::take(&dir).expect("first");
        // Locks belong to open files, so a second take in this process conflicts like
        // another process's would; the probe knows the holder is this process.
        let refused = RunLock::take(&dir).expect_err("second");
        assert!(
            refused.contains(&format!("process {}", std::process::id())),
            "{refused}"
        );
        assert_eq!(RunLock::holder(&dir), Holder::ThisProcess);
        drop(first);
        assert_eq!(RunLock::holder(&dir), Holder::Nobody);
        RunLock::take(&dir).expect("free again");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
