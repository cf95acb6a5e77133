//! Each broker's last measured round trip, for probes whose clients average over windows.

use std::collections::HashMap;

/// Remembers the last round trip measured to each broker (ms), by broker name.
///
/// A client's window in which no request to a broker completed has no average (librdkafka
/// reports a count of 0, the Java client NaN). A very slow broker is exactly that, so it
/// keeps its last value instead of dropping to 0 and out of the producer's latency. Holds
/// one entry per broker name the client has reported.
#[derive(Debug, Default)]
pub struct LastRoundTrips {
    ms: HashMap<String, f64>,
}

impl LastRoundTrips {
    /// The round trip to report for `broker`, ms: `measured` when its window measured one
    /// (finite, not negative), else the last measured (0 before any).
    pub fn update(&mut self, broker: &str, measured: Option<f64>) -> f64 {
        match measured.filter(|ms| ms.is_finite() && *ms >= 0.0) {
            Some(ms) => {
                self.ms.insert(broker.to_owned(), ms);
                ms
            }
            None => self.ms.get(broker).copied().unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_without_requests_keeps_the_last_round_trip() {
        let mut rtts = LastRoundTrips::default();
        assert_eq!(rtts.update("broker-1", None), 0.0);
        assert_eq!(rtts.update("broker-1", Some(575.0)), 575.0);
        assert_eq!(rtts.update("broker-1", None), 575.0);
        assert_eq!(rtts.update("broker-1", Some(f64::NAN)), 575.0);
        assert_eq!(rtts.update("broker-2", None), 0.0);
        assert_eq!(rtts.update("broker-1", Some(12.0)), 12.0);
    }
}
