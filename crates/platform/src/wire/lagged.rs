//! The message a viewer gets instead of the events it was too slow to read, on the
//! WebSocket and in the desktop window alike: `{"type":"lagged","missed":N}`.

use serde::Serialize;

/// This viewer fell behind the bus and lost `missed` events (the oldest ones); it carries
/// on with the newest. Sent in the same stream as the bus events, tagged `type: "lagged"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename = "lagged")]
pub struct Lagged {
    /// How many events this viewer lost.
    pub missed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_documented_in_the_protocol() {
        let text = serde_json::to_string(&Lagged { missed: 42 }).expect("serialise");
        assert_eq!(text, r#"{"type":"lagged","missed":42}"#);
    }
}
