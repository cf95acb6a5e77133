//! The replay's clock: a position on the recording's timeline that runs at 1×, 2× or 4×
//! the recorded pace, stops while paused and jumps on a seek.

use std::time::Instant;

/// Where the replay stands, kept as the position at an instant plus the pace since.
#[derive(Debug, Clone, Copy)]
pub struct PlayClock {
    /// Position at `since`, ms from the tape's first event.
    position_ms: u64,
    since: Instant,
    speed: u32,
    paused: bool,
}

impl PlayClock {
    pub fn new(now: Instant, speed: u32) -> Self {
        Self {
            position_ms: 0,
            since: now,
            speed,
            paused: false,
        }
    }

    /// The position at `now`, ms from the first event (not capped: the player caps it at
    /// the tape's length).
    pub fn position(&self, now: Instant) -> u64 {
        if self.paused {
            return self.position_ms;
        }
        let elapsed = now.saturating_duration_since(self.since).as_millis();
        let advanced =
            u64::try_from(elapsed.saturating_mul(u128::from(self.speed))).unwrap_or(u64::MAX);
        self.position_ms.saturating_add(advanced)
    }

    pub fn speed(&self) -> u32 {
        self.speed
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Plays on from the current position at `speed` times the recorded pace.
    pub fn set_speed(&mut self, now: Instant, speed: u32) {
        self.anchor(now);
        self.speed = speed;
    }

    pub fn set_paused(&mut self, now: Instant, paused: bool) {
        self.anchor(now);
        self.paused = paused;
    }

    /// Stands at `position_ms` from `now` on, at the same pace.
    pub fn seek(&mut self, now: Instant, position_ms: u64) {
        self.position_ms = position_ms;
        self.since = now;
    }

    /// How long from `now` until the position reaches `position_ms`; None while paused.
    pub fn until(&self, now: Instant, position_ms: u64) -> Option<std::time::Duration> {
        if self.paused {
            return None;
        }
        let ahead = position_ms.saturating_sub(self.position(now));
        Some(std::time::Duration::from_millis(
            ahead.div_ceil(u64::from(self.speed.max(1))),
        ))
    }

    fn anchor(&mut self, now: Instant) {
        self.position_ms = self.position(now);
        self.since = now;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn runs_at_its_speed_stops_when_paused_and_jumps_on_a_seek() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut clock = PlayClock::new(start, 1);
        assert_eq!(clock.position(at(1500)), 1500);
        clock.set_speed(at(1000), 4);
        assert_eq!(clock.position(at(1500)), 1000 + 4 * 500);
        assert_eq!(
            clock.until(at(1500), 5000),
            Some(Duration::from_millis(500))
        );
        clock.set_paused(at(2000), true);
        assert_eq!(clock.position(at(9000)), 5000);
        assert_eq!(clock.until(at(9000), 6000), None);
        clock.seek(at(9000), 100);
        assert_eq!(
            clock.position(at(9999)),
            100,
            "a seek keeps a paused clock paused"
        );
        clock.set_paused(at(10_000), false);
        assert_eq!(clock.position(at(10_250)), 100 + 4 * 250);
        assert_eq!(
            clock.position(at(5000)),
            100,
            "an instant before the anchor is the anchor"
        );
    }
}
