//! The plausible range of every number that travels on Faultline's topics. Decoding refuses
//! a message with a number outside its range as `invalid`, so nothing downstream (the
//! registry's liveness arithmetic, detectors, the page's JavaScript) ever sees an absurd
//! value. Each range is generous: it only has to rule out what no real client reports.

use std::fmt::{Display, LowerExp};

use crate::decode::{DecodeError, RejectReason};

/// An inclusive range for one kind of number, with the unit it is counted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds<T> {
    pub min: T,
    pub max: T,
    /// The unit, as a sentence names it ("ms", "messages per second").
    pub unit: &'static str,
}

impl<T: PartialOrd + Display + LowerExp + Copy> Bounds<T> {
    /// Whether `value` lies within the range (NaN never does).
    pub fn contains(&self, value: T) -> bool {
        value >= self.min && value <= self.max
    }

    /// `Ok` when `value` is in range, else the `invalid` refusal naming `field` (its name
    /// on the wire, e.g. `producer.queueBytes`) and the range. `whose` says whose number it
    /// is (a sidecar id, or "record").
    pub fn check(&self, whose: &dyn Display, field: &str, value: T) -> Result<(), DecodeError> {
        if self.contains(value) {
            return Ok(());
        }
        // 1e300 written out in full is 301 digits; past 20 the exponent form says the same.
        let mut shown = value.to_string();
        if shown.len() > 20 {
            shown = format!("{value:e}");
        }
        Err(DecodeError::new(
            RejectReason::Invalid,
            format!(
                "{whose}'s {field} is {shown}, outside its plausible range {} to {}{}{}.",
                self.min,
                self.max,
                if self.unit.is_empty() { "" } else { " " },
                self.unit
            ),
        ))
    }
}

/// Milliseconds since the Unix epoch, for every message's `ts` and for record timestamps:
/// from 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z. Faultline did not exist before the
/// first, and a clock past the second is broken; a moderately fast clock within the range
/// is the registry's business (it treats the future as "now").
pub const TIMESTAMP_MS: Bounds<i64> = Bounds {
    min: 946_684_800_000,
    max: 4_102_444_800_000,
    unit: "ms since the Unix epoch (2000-01-01 to 2100-01-01)",
};

/// `heartbeatIntervalMs`: 100 ms to 1 h. Faster would flood the compacted topic; slower
/// would leave a dead sidecar ACTIVE for hours (it turns INACTIVE after 3.5 intervals).
pub const HEARTBEAT_INTERVAL_MS: Bounds<u64> = Bounds {
    min: 100,
    max: 3_600_000,
    unit: "ms",
};

/// `queueMessages` and `queueMessagesMax`: librdkafka's `queue.buffering.max.messages` is a
/// C int, so no client queues more than 2 147 483 647 messages.
pub const QUEUE_MESSAGES: Bounds<u64> = Bounds {
    min: 0,
    max: 2_147_483_647,
    unit: "messages",
};

/// `queueBytes` and `queueBytesMax`: librdkafka's `queue.buffering.max.kbytes` is a C int
/// of KiB, at most 2 TiB (2^41 bytes); a Java producer's `buffer.memory` is a heap buffer,
/// far smaller.
pub const QUEUE_BYTES: Bounds<u64> = Bounds {
    min: 0,
    max: 1 << 41,
    unit: "bytes",
};

/// Rates in messages (or records, requests, fetches) per second: `sendRate`, `errorRate`,
/// `retryRate`, `recordsConsumedRate`, `fetchRate`. Ten million a second is beyond any
/// single client.
pub const RATE: Bounds<f64> = Bounds {
    min: 0.0,
    max: 10_000_000.0,
    unit: "per second",
};

/// Rates a workload is asked to send at: `targetRate` and a COMMAND's `rate`; the same
/// ceiling as [`RATE`], as an integer.
pub const TARGET_RATE: Bounds<u32> = Bounds {
    min: 0,
    max: 10_000_000,
    unit: "messages per second",
};

/// Latencies and waits in ms: `requestLatencyMs`, `recordQueueTimeMs`, `fetchLatencyMs`,
/// each broker's `rttMs`. Kafka clients time a request out long before an hour.
pub const LATENCY_MS: Bounds<f64> = Bounds {
    min: 0.0,
    max: 3_600_000.0,
    unit: "ms",
};

/// `processingDelayMs`, a consumer workload's delay per record: at most an hour (past
/// that the consumer would have left its group long ago).
pub const DELAY_MS: Bounds<u64> = Bounds {
    min: 0,
    max: 3_600_000,
    unit: "ms",
};

/// `bufferWaitRatio`: a share of time, 0 to 1.
pub const RATIO: Bounds<f64> = Bounds {
    min: 0.0,
    max: 1.0,
    unit: "(a share of time)",
};

/// Largest integer a JavaScript number (the page's) holds exactly: 2^53.
const EXACT_IN_JAVASCRIPT: u64 = 1 << 53;

/// Cumulative counts: `txErrors`, `retries`, `queueFullErrors`, `messagesConsumed`. Up to
/// 2^53, so the page shows them exactly; at a million a second that is 285 years.
pub const COUNT: Bounds<u64> = Bounds {
    min: 0,
    max: EXACT_IN_JAVASCRIPT,
    unit: "",
};

/// `recordsLagMax`, records behind: the same ceiling as [`COUNT`] (a client's metric is a
/// double, so it arrives as a number, not an integer).
pub const LAG_RECORDS: Bounds<f64> = Bounds {
    min: 0.0,
    max: EXACT_IN_JAVASCRIPT as f64,
    unit: "records",
};

/// A Kafka record's timestamp checked against [`TIMESTAMP_MS`]: the platform judges
/// liveness by it, so an absurd one is refused as `invalid` like a number in a message.
pub fn check_record_timestamp(ts: i64) -> Result<i64, DecodeError> {
    TIMESTAMP_MS.check(&"the record", "timestamp", ts)?;
    Ok(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_their_ends_and_refuse_beyond_and_nan() {
        assert!(HEARTBEAT_INTERVAL_MS.contains(100));
        assert!(HEARTBEAT_INTERVAL_MS.contains(3_600_000));
        assert!(!HEARTBEAT_INTERVAL_MS.contains(99));
        assert!(!HEARTBEAT_INTERVAL_MS.contains(3_600_001));
        assert!(!RATIO.contains(f64::NAN));
        assert!(!LATENCY_MS.contains(-0.5));
        assert!(LATENCY_MS.contains(-0.0), "a negative zero is zero");
    }

    #[test]
    fn the_refusal_names_whose_field_and_the_range() {
        let err = HEARTBEAT_INTERVAL_MS
            .check(
                &"producer-1",
                "heartbeatIntervalMs",
                4_000_000_000_000_000_000,
            )
            .unwrap_err();
        assert_eq!(err.reason, RejectReason::Invalid);
        assert_eq!(
            err.detail,
            "producer-1's heartbeatIntervalMs is 4000000000000000000, outside its plausible range 100 to 3600000 ms."
        );
    }

    #[test]
    fn record_timestamps_before_2000_or_after_2100_are_refused() {
        assert_eq!(
            check_record_timestamp(1_795_727_499_360),
            Ok(1_795_727_499_360)
        );
        for absurd in [
            i64::MIN,
            -1,
            0,
            946_684_799_999,
            4_102_444_800_001,
            i64::MAX,
        ] {
            let err = check_record_timestamp(absurd).unwrap_err();
            assert_eq!(err.reason, RejectReason::Invalid, "{absurd}");
            assert!(err.detail.contains("timestamp"), "{}", err.detail);
        }
    }
}
