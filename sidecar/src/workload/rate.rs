//! Pacing by elapsed time: how many messages are due at a rate.

use std::time::Duration;

/// How many messages are due after `elapsed` at `rate` per second, given `sent` so far in
/// this pacing window. Pacing by elapsed time (not by sleeping 1/rate) keeps high rates
/// exact and lets a rate change take effect on the next tick.
pub fn messages_due(rate: u32, elapsed: Duration, sent: u64) -> u64 {
    let expected = (f64::from(rate) * elapsed.as_secs_f64()) as u64;
    expected.saturating_sub(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_by_elapsed_time() {
        assert_eq!(messages_due(10, Duration::from_millis(0), 0), 0);
        assert_eq!(messages_due(10, Duration::from_millis(1000), 0), 10);
        assert_eq!(messages_due(10, Duration::from_millis(1000), 7), 3);
        assert_eq!(messages_due(10_000, Duration::from_millis(10), 0), 100);
        assert_eq!(messages_due(10, Duration::from_millis(500), 9), 0);
        assert_eq!(messages_due(0, Duration::from_secs(60), 0), 0);
    }
}
