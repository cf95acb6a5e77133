//! `--health-file`: a file the sidecar rewrites after every heartbeat Kafka acknowledged, so
//! a container healthcheck can tell a working sidecar (a fresh file) from a stuck or
//! disconnected one (a stale or missing file) without a Kafka client of its own.

use std::io;
use std::path::Path;

/// Records that a heartbeat sent at `ts_ms` (milliseconds since the Unix epoch) was
/// acknowledged: writes `ts_ms` as decimal text to `path`, through a temporary file beside it
/// renamed over `path`, so a reader sees the old content or the new one, never half a file.
/// The file's modification time is the moment of the write, which is what a healthcheck
/// such as `find PATH -newermt '-10 seconds'` reads.
///
/// Errors: the folder is missing or not writable; the error names the path.
pub fn heartbeat_acknowledged(path: &Path, ts_ms: i64) -> io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let with_path = |error: io::Error| {
        io::Error::new(
            error.kind(),
            format!("cannot write the health file {}: {error}", path.display()),
        )
    };
    std::fs::write(&partial, format!("{ts_ms}\n")).map_err(with_path)?;
    std::fs::rename(&partial, path).map_err(with_path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::{Duration, SystemTime};

    /// A fresh folder under the system's temporary folder, removed on drop.
    pub(crate) struct TempDir(pub PathBuf);

    impl TempDir {
        pub(crate) fn new(tag: &str) -> Self {
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            let dir = std::env::temp_dir().join(format!(
                "faultline-sidecar-{tag}-{}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).expect("creates a temporary folder");
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn writes_the_acknowledged_heartbeats_time() {
        let dir = TempDir::new("health-write");
        let path = dir.0.join("health");
        heartbeat_acknowledged(&path, 1_700_000_000_123).expect("writes");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1700000000123\n");
        heartbeat_acknowledged(&path, 1_700_000_002_123).expect("rewrites");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1700000002123\n");
        // Only the file itself is left: the temporary one was renamed over it.
        let names: Vec<_> = std::fs::read_dir(&dir.0)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("health")]);
    }

    #[test]
    fn each_heartbeat_makes_the_file_fresh_again() {
        let dir = TempDir::new("health-fresh");
        let path = dir.0.join("health");
        heartbeat_acknowledged(&path, 1).expect("writes");
        // Age the file by an hour, as if the sidecar had stopped heartbeating.
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(an_hour_ago))
            .expect("ages the file");
        heartbeat_acknowledged(&path, 2).expect("rewrites");
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let age = SystemTime::now()
            .duration_since(modified)
            .unwrap_or(Duration::ZERO);
        assert!(age < Duration::from_secs(600), "file is {age:?} old");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = TempDir::new("health-missing");
        let path = dir.0.join("no-such-folder").join("health");
        let error = heartbeat_acknowledged(&path, 1).expect_err("cannot write there");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );
    }
}
