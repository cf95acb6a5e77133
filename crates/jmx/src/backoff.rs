//! Reconnect pacing for one endpoint.
//!
//! A restarting broker or workload refuses connections for a few seconds. Without pacing,
//! every poll from every detector would try a full RMI connect (registry lookup, handshake)
//! against it; with it, calls in between fail fast and say when the next try is allowed.

use std::time::{Duration, Instant};

/// First delay after a failure.
pub(crate) const INITIAL: Duration = Duration::from_millis(250);
/// The delay stops doubling here, so a target that comes back is found within 5 s.
pub(crate) const MAX: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub(crate) struct Backoff {
    /// The delay the next failure will impose.
    next_delay: Duration,
    /// No connection attempt before this instant.
    not_before: Option<Instant>,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Backoff {
            next_delay: INITIAL,
            not_before: None,
        }
    }

    /// How long callers must still wait before the next attempt, if at all.
    pub(crate) fn remaining(&self, now: Instant) -> Option<Duration> {
        let not_before = self.not_before?;
        let left = not_before.saturating_duration_since(now);
        (!left.is_zero()).then_some(left)
    }

    /// Records a failure at `now` and returns the delay imposed before the next attempt.
    pub(crate) fn failed(&mut self, now: Instant) -> Duration {
        let delay = self.next_delay;
        self.not_before = Some(now + delay);
        self.next_delay = (delay * 2).min(MAX);
        delay
    }

    /// Records a successful connection: the next failure starts from the initial delay.
    pub(crate) fn succeeded(&mut self) {
        self.next_delay = INITIAL;
        self.not_before = None;
    }
}

/// Milliseconds for error messages, rounded up so a pending wait never reads as 0.
pub(crate) fn millis_ceil(d: Duration) -> u64 {
    let ms = d.as_micros().div_ceil(1000);
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_reset_on_success() {
        let t0 = Instant::now();
        let mut b = Backoff::new();
        assert_eq!(b.remaining(t0), None);
        let delays: Vec<_> = (0..7).map(|_| b.failed(t0)).collect();
        assert_eq!(
            delays,
            [250, 500, 1000, 2000, 4000, 5000, 5000].map(Duration::from_millis)
        );
        assert_eq!(b.remaining(t0), Some(MAX));
        assert_eq!(b.remaining(t0 + MAX), None);
        b.succeeded();
        assert_eq!(b.remaining(t0), None);
        assert_eq!(b.failed(t0), INITIAL);
    }

    #[test]
    fn remaining_counts_down() {
        let t0 = Instant::now();
        let mut b = Backoff::new();
        b.failed(t0);
        assert_eq!(
            b.remaining(t0 + Duration::from_millis(100)),
            Some(Duration::from_millis(150))
        );
        assert_eq!(millis_ceil(Duration::from_micros(1)), 1);
        assert_eq!(millis_ceil(Duration::from_millis(250)), 250);
    }
}
