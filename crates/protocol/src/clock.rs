//! The wall clock that stamps every message's `ts` (and the platform's own timestamps):
//! milliseconds since the Unix epoch on this machine's clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch on this machine's clock. A clock set before 1970
/// reads as 0, which decoding then refuses as outside [`crate::bounds::TIMESTAMP_MS`].
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds::TIMESTAMP_MS;

    #[test]
    fn reads_milliseconds_within_the_plausible_range() {
        let now = now_ms();
        // Seconds or microseconds would fall outside 2000..2100 counted in ms.
        assert!(
            TIMESTAMP_MS.contains(now),
            "{now} is not ms since the epoch"
        );
    }
}
