//! Counts of records the decoder refused, by topic and reason, for `/api/health`.

use std::collections::BTreeMap;

use faultline_protocol::RejectReason;
use serde::Serialize;

/// Records refused by the decoder, counted by topic and reason for `/api/health`.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejections {
    pub total: u64,
    pub by_topic: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Rejections {
    pub fn count(&mut self, topic: &str, reason: RejectReason) {
        self.total = self.total.saturating_add(1);
        let count = self
            .by_topic
            .entry(topic.to_owned())
            .or_default()
            .entry(reason.as_str().to_owned())
            .or_default();
        *count = count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_topic_and_reason() {
        let mut rejections = Rejections::default();
        rejections.count("faultline.signals", RejectReason::Oversize);
        rejections.count("faultline.signals", RejectReason::Oversize);
        rejections.count("faultline.sidecars", RejectReason::BadId);
        assert_eq!(rejections.total, 3);
        assert_eq!(rejections.by_topic["faultline.signals"]["oversize"], 2);
        assert_eq!(rejections.by_topic["faultline.sidecars"]["bad-id"], 1);
    }
}
