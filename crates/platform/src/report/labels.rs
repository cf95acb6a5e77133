//! The report's words for the stopwatch: the three stopwatch lines and the chart's marker
//! labels, each with its time in seconds to one decimal (public, so tests can look for them).

use crate::wire::Stopwatch;

/// `1234` ms as `1.2 s`.
pub fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// "Detected after …", "Healed at …", "Recovered after …", or what did not happen.
pub fn stopwatch_lines(stopwatch: &Stopwatch) -> [String; 3] {
    let line = |ms: Option<u64>, done: &str, not: &str| match ms {
        Some(ms) => format!("{done} {}", seconds(ms)),
        None => not.to_owned(),
    };
    [
        line(
            stopwatch.detected_after_ms,
            "Detected after",
            "Not detected",
        ),
        line(stopwatch.healed_at_ms, "Healed at", "Not healed"),
        line(
            stopwatch.recovered_after_ms,
            "Recovered after",
            "Not recovered",
        ),
    ]
}

/// The detection marker's label and its place (seconds from the first injection).
pub fn detection_marker(stopwatch: &Stopwatch) -> Option<(String, f64)> {
    let after = stopwatch.detected_after_ms?;
    Some((
        format!("detected after {}", seconds(after)),
        after as f64 / 1000.0,
    ))
}

/// A self-healing marker's label: the platform healed `sidecar` by itself, `elapsed_ms`
/// after the sidecar asked for help (an `episode` event).
pub fn healing_marker(sidecar: &str, elapsed_ms: u64) -> String {
    format!("platform healed {sidecar} in {}", seconds(elapsed_ms))
}

/// The recovery marker's label and its place (seconds from the first injection).
pub fn recovery_marker(stopwatch: &Stopwatch) -> Option<(String, f64)> {
    let (healed, after) = (stopwatch.healed_at_ms?, stopwatch.recovered_after_ms?);
    Some((
        format!("recovered after {}", seconds(after)),
        (healed + after) as f64 / 1000.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_seconds_and_what_did_not_happen_says_so() {
        let stopwatch = Stopwatch {
            injected_at_ms: Some(2_000),
            detected_after_ms: Some(1_234),
            healed_at_ms: Some(23_000),
            recovered_after_ms: None,
        };
        assert_eq!(
            stopwatch_lines(&stopwatch),
            ["Detected after 1.2 s", "Healed at 23.0 s", "Not recovered"]
        );
        assert_eq!(
            detection_marker(&stopwatch),
            Some(("detected after 1.2 s".into(), 1.234))
        );
        assert_eq!(recovery_marker(&stopwatch), None);
        assert_eq!(
            healing_marker("producer-1", 3_040),
            "platform healed producer-1 in 3.0 s"
        );
    }
}
