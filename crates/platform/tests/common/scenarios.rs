//! The built-in scenarios and how a finished run is judged, shared by the rehearsal and
//! real-stack scenario tests.

use serde_json::Value;

pub const SCENARIOS: [&str; 6] = [
    "buffer-overflow",
    "broker-failure",
    "broker-cpu-saturation",
    "network-latency-partition",
    "consumer-lag",
    "cascading-failure",
];

/// All six, or those named in FAULTLINE_SCENARIOS (comma-separated) while working on one.
pub fn selected() -> Vec<&'static str> {
    match std::env::var("FAULTLINE_SCENARIOS") {
        Ok(names) => SCENARIOS
            .iter()
            .copied()
            .filter(|id| names.split(',').any(|n| n.trim() == *id))
            .collect(),
        Err(_) => SCENARIOS.to_vec(),
    }
}

/// What is wrong with a finished run, if anything.
pub fn problems(run: &Value) -> Option<String> {
    if run["status"] != "passed" {
        return Some(format!("status {} ({})", run["status"], run["reason"]));
    }
    let expectations = run["expectations"].as_array()?;
    if expectations.is_empty()
        || expectations
            .iter()
            .any(|e| e["met"] != true || !e["afterMs"].is_u64())
    {
        return Some("an expectation is unmet or untimed".into());
    }
    let stopwatch = &run["stopwatch"];
    for field in [
        "injectedAtMs",
        "detectedAfterMs",
        "healedAtMs",
        "recoveredAfterMs",
    ] {
        if !stopwatch[field].is_u64() {
            return Some(format!("stopwatch {field} not recorded"));
        }
    }
    None
}
