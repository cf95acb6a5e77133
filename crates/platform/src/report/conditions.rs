//! The conditions strip: each subject's condition over the run's window, from the recorded
//! `condition` events (a subject keeps a condition until its next one). The subjects the
//! expectations name come first, then every other that left STABLE in the window.

use std::collections::BTreeMap;

use faultline_protocol::vocabulary::Condition;
use serde_json::Value;

use super::record::{stamp, text};
use crate::wire::{ExpectKind, ExpectationView};

/// At most this many subjects are shown.
pub const MAX_ROWS: usize = 6;

/// One subject's conditions over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionRow {
    /// Its readable name: `producer-1`, `broker-2`, `group NAME`.
    pub subject: String,
    pub segments: Vec<Segment>,
}

/// A stretch of one condition, in seconds from the first injection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub from_s: f64,
    pub to_s: f64,
    pub condition: Condition,
}

/// A subject's stretches so far, and its current condition since when (ms).
#[derive(Default)]
struct Stretches {
    segments: Vec<Segment>,
    current: Option<(Condition, i64)>,
}

pub(super) fn rows(
    expectations: &[ExpectationView],
    events: &[Value],
    from_ms: i64,
    to_ms: i64,
    seconds: &impl Fn(i64) -> f64,
) -> Vec<ConditionRow> {
    let mut stretches: BTreeMap<&str, Stretches> = BTreeMap::new();
    for event in events {
        let Some((at_ms, "condition")) = stamp(event) else {
            continue;
        };
        let (Some(subject), Some(condition)) = (
            text(event, "subject"),
            event
                .get("condition")
                .and_then(|c| serde_json::from_value::<Condition>(c.clone()).ok()),
        ) else {
            continue;
        };
        if at_ms > to_ms {
            continue;
        }
        let Stretches { segments, current } = stretches.entry(subject).or_default();
        let at_ms = at_ms.max(from_ms);
        if let Some((previous, since)) = current.take().filter(|(_, since)| *since < at_ms) {
            segments.push(Segment {
                from_s: seconds(since),
                to_s: seconds(at_ms),
                condition: previous,
            });
        }
        *current = Some((condition, at_ms));
    }
    let mut rows: Vec<ConditionRow> = stretches
        .into_iter()
        .map(
            |(
                subject,
                Stretches {
                    mut segments,
                    current,
                },
            )| {
                segments.extend(current.map(|(condition, since)| Segment {
                    from_s: seconds(since),
                    to_s: seconds(to_ms),
                    condition,
                }));
                ConditionRow {
                    subject: subject.to_owned(),
                    segments,
                }
            },
        )
        .filter(|row| !row.segments.is_empty())
        .collect();
    let named = |row: &ConditionRow| {
        expectations.iter().any(|e| {
            matches!(e.kind, ExpectKind::Condition | ExpectKind::Healed)
                && e.subject.as_deref() == Some(row.subject.as_str())
        })
    };
    let troubled = |row: &ConditionRow| {
        row.segments
            .iter()
            .any(|s| s.condition != Condition::Stable)
    };
    rows.retain(|row| named(row) || troubled(row));
    // Named first; the sort is stable, so each part keeps its name order.
    rows.sort_by_key(|row| !named(row));
    rows.truncate(MAX_ROWS);
    rows
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn condition(at_ms: i64, subject: &str, condition: &str) -> Value {
        json!({"atMs": at_ms, "type": "condition", "subject": subject, "condition": condition})
    }

    #[test]
    fn named_subjects_first_calm_ones_left_out_and_each_stretch_cut_to_the_window() {
        let events = vec![
            condition(500, "producer-2", "STABLE"),
            condition(500, "broker-2", "STABLE"),
            condition(500, "producer-1", "STABLE"),
            condition(3_000, "broker-2", "DOWN"),
            condition(4_000, "producer-1", "DEGRADED"),
            condition(6_000, "broker-2", "STABLE"),
            condition(6_500, "producer-1", "SURPRISED"),
            condition(7_000, "producer-1", "STABLE"),
            condition(20_000, "producer-2", "DOWN"),
        ];
        let named = ExpectationView {
            text: "broker-2 DOWN".into(),
            kind: ExpectKind::Condition,
            subject: Some("broker-2".into()),
            threshold: None,
            met: true,
            after_ms: Some(1),
            settled: true,
        };
        let rows = rows(&[named], &events, 1_000, 10_000, &|ms| ms as f64 / 1000.0);
        let stretch = |from_s, to_s, condition| Segment {
            from_s,
            to_s,
            condition,
        };
        assert_eq!(
            rows,
            [
                ConditionRow {
                    subject: "broker-2".into(),
                    segments: vec![
                        stretch(1.0, 3.0, Condition::Stable),
                        stretch(3.0, 6.0, Condition::Down),
                        stretch(6.0, 10.0, Condition::Stable),
                    ],
                },
                ConditionRow {
                    subject: "producer-1".into(),
                    segments: vec![
                        stretch(1.0, 4.0, Condition::Stable),
                        stretch(4.0, 7.0, Condition::Degraded),
                        stretch(7.0, 10.0, Condition::Stable),
                    ],
                },
            ]
        );
    }
}
