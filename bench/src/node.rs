//! Runs one of bench/'s Node scripts and reads the JSON it prints as its last stdout line
//! (a session bus started for it may print lines above).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// `node bench/SCRIPT ARGS…`; with `display`, under `xvfb-run -a dbus-run-session` unless
/// this session has a display. Errors: the script could not start, failed (its last
/// stderr line), or printed no JSON.
pub fn run(repo: &Path, script: &str, args: &[&str], display: bool) -> Result<Value> {
    let path = repo.join("bench").join(script);
    let mut command = if display && std::env::var_os("DISPLAY").is_none() {
        let mut xvfb = Command::new("xvfb-run");
        xvfb.args(["-a", "dbus-run-session", "--", "node"]);
        xvfb
    } else {
        Command::new("node")
    };
    let output = command
        .arg(&path)
        .args(args)
        .output()
        .with_context(|| format!("node bench/{script}"))?;
    if !output.status.success() {
        bail!(
            "{script} failed: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .with_context(|| format!("{script} printed no JSON"))
}
