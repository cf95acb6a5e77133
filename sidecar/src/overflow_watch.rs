//! When a sidecar whose buffer keeps overflowing asks the platform for help.

use std::time::{Duration, Instant};

/// Decides when the sidecar asks the platform for help: after `needed` consecutive
/// samples at or above the overflow threshold, once, until the platform answers
/// (resume or refusal) or the cooldown passes.
#[derive(Debug)]
pub struct OverflowWatch {
    needed: u32,
    streak: u32,
    asked_at: Option<Instant>,
}

/// Buffer fill at which the sidecar counts a sample as overflowing.
pub const OVERFLOW_FILL: f64 = 0.95;
/// How long an unanswered request blocks the next one.
const COOLDOWN: Duration = Duration::from_secs(60);

impl OverflowWatch {
    pub fn new(needed: u32) -> Self {
        Self {
            needed: needed.max(1),
            streak: 0,
            asked_at: None,
        }
    }

    /// Feeds one sample; true when a REQUEST should be sent now.
    pub fn observe(&mut self, fill: f64, now: Instant) -> bool {
        self.streak = if fill >= OVERFLOW_FILL {
            self.streak + 1
        } else {
            0
        };
        if let Some(asked_at) = self.asked_at {
            if now.duration_since(asked_at) < COOLDOWN {
                return false;
            }
            self.asked_at = None;
        }
        if self.streak >= self.needed {
            self.asked_at = Some(now);
            return true;
        }
        false
    }

    /// The platform closed the episode; a new overflow may ask again.
    pub fn answered(&mut self) {
        self.asked_at = None;
        self.streak = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_once_after_consecutive_overflow_and_again_after_an_answer() {
        let start = Instant::now();
        let mut watch = OverflowWatch::new(3);
        assert!(!watch.observe(0.96, start));
        assert!(!watch.observe(0.97, start));
        assert!(watch.observe(0.99, start), "third overflowing sample asks");
        assert!(
            !watch.observe(0.99, start),
            "no second request while one is open"
        );
        watch.answered();
        assert!(!watch.observe(0.99, start));
        assert!(!watch.observe(0.99, start));
        assert!(watch.observe(0.99, start));
    }

    #[test]
    fn a_dip_below_the_threshold_resets_the_streak() {
        let now = Instant::now();
        let mut watch = OverflowWatch::new(2);
        assert!(!watch.observe(0.96, now));
        assert!(!watch.observe(0.50, now));
        assert!(!watch.observe(0.96, now));
        assert!(watch.observe(0.96, now));
    }

    #[test]
    fn an_unanswered_request_may_be_repeated_after_the_cooldown() {
        let now = Instant::now();
        let mut watch = OverflowWatch::new(1);
        assert!(watch.observe(1.0, now));
        assert!(!watch.observe(1.0, now + Duration::from_secs(10)));
        assert!(watch.observe(1.0, now + COOLDOWN + Duration::from_secs(1)));
    }
}
