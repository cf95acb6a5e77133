//! Where a stage keeps what outlives it: the fault ledger (one per environment kind), the
//! folder of users' scenarios and the folder of session recordings.

use std::path::PathBuf;

use crate::environments::local::cache_dir;

/// Where a stage keeps its fault ledger and recordings and finds users' scenarios.
#[derive(Debug, Clone)]
pub struct StageOptions {
    pub ledger: PathBuf,
    pub scenarios_dir: Option<PathBuf>,
    /// Where the launcher's recordings go (read once, by `Launcher::new`).
    pub recordings: PathBuf,
}

impl StageOptions {
    /// The ledger under the cache directory, one per environment kind, and recordings in
    /// its `recordings/`; users' scenarios in `~/.config/faultline/scenarios` when that
    /// folder exists.
    pub fn for_environment(kind: &str) -> Self {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .map(|dir| dir.join("faultline").join("scenarios"))
            .filter(|dir| dir.is_dir());
        let cache = cache_dir();
        Self {
            ledger: cache.join("state").join(format!("faults-{kind}.json")),
            scenarios_dir: config,
            recordings: cache.join("recordings"),
        }
    }
}
