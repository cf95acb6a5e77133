//! Finds the files the app carries (the sidecar, jassets/, the workloads jar, compose/,
//! Toxiproxy) wherever a package put them, relative to the running executable, so an
//! installed app needs no checkout of the repository.

use std::path::{Path, PathBuf};

/// Where a file the app carries may be, relative to its executable: beside it, in a
/// Debian package's `/usr/lib/<product>/` and in a macOS bundle's `Resources/`.
fn candidates(relative: &str) -> Vec<PathBuf> {
    let Some(here) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    vec![
        here.join(relative),
        here.join("../lib/faultline").join(relative),
        here.join("../lib/Faultline").join(relative),
        here.join("../Resources").join(relative),
        // A build run from its workspace (target/<profile>/).
        here.join("../..").join(relative),
    ]
}

/// The first place `relative` is carried and exists, if any, without `..` in it (messages
/// show `/usr/lib/Faultline/...`, not `/usr/bin/../lib/Faultline/...`).
pub fn find(relative: &str) -> Option<PathBuf> {
    let found = candidates(relative)
        .into_iter()
        .find(|path| path.exists())?;
    Some(found.canonicalize().unwrap_or(found))
}

/// `$variable` when set, else the first place `relative` is carried, else the first
/// candidate (which pre-flight then reports missing).
pub fn locate(variable: &str, relative: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return PathBuf::from(path);
    }
    find(relative)
        .or_else(|| candidates(relative).into_iter().next())
        .unwrap_or_else(|| PathBuf::from(relative))
}
