//! The signal vocabulary the platform speaks (from the original plan), as types.

use serde::{Deserialize, Serialize};
use strum::VariantArray;

/// How a monitored subject is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, VariantArray)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Condition {
    Stable,
    Converging,
    Diverging,
    Erratic,
    Degraded,
    Defective,
    Down,
}

/// How sure the platform is of a condition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Confidence {
    Tentative,
    Measured,
    Confirmed,
}

/// How urgent the overall situation is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Situation {
    Normal,
    Warning,
    Critical,
}

/// What a queue (a producer buffer, a consumer's backlog) is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, VariantArray)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QueueSign {
    Enqueue,
    Dequeue,
    Overflow,
    Underflow,
}
