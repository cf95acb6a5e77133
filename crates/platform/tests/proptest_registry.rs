//! Property tests of the sidecar registry's update path: registrations, tombstones and
//! sweeps with any heartbeat interval and any timestamps or clock readings (`i64::MIN` and
//! `i64::MAX` included), read live or replayed, never panic, every transition reported is
//! a change and the state left behind, the record applied last wins (Kafka's order within a
//! key), and once swept a sidecar's status depends on its newest record and the clock alone.
//! Case count: `PROPTEST_CASES` or `PROPERTY_TEST_SECONDS` (see `proptest_budget`).

mod proptest_budget;

use std::collections::BTreeMap;

use faultline_platform::state::registry::{Arrival, Registry, Transition, CLOCK_SKEW_WARNING_MS};
use faultline_platform::wire::SidecarStatus;
use faultline_protocol::messages::MessageKind;
use faultline_protocol::{Registration, SidecarId, SidecarType};
use proptest::prelude::*;

/// A few ids, so that records for the same sidecar overtake, tie and follow each other.
const IDS: [&str; 3] = ["producer-1", "producer-2", "consumer-1"];

#[derive(Debug, Clone)]
enum Op {
    Register {
        id: usize,
        interval_ms: u64,
        record_ts: i64,
        arrival: Arrival,
        now: i64,
    },
    Tombstone {
        id: usize,
        record_ts: i64,
        arrival: Arrival,
        now: i64,
    },
    Sweep {
        now: i64,
    },
}

/// Record timestamps and clock readings: the extremes, anything, and a narrow band of
/// plausible ones where records meet and age out.
fn instant() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MIN + 1),
        Just(-1),
        Just(0),
        Just(i64::MAX - 1),
        Just(i64::MAX),
        any::<i64>(),
        1_795_727_000_000i64..1_795_727_100_000,
    ]
}

/// Heartbeat intervals: 0, the poison value from issue 8, values at and past `i64::MAX`,
/// anything, and the range decoding accepts.
fn interval_ms() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(4_000_000_000_000_000_000),
        Just(i64::MAX as u64),
        Just(i64::MAX as u64 + 1),
        Just(u64::MAX),
        any::<u64>(),
        100u64..=3_600_000,
    ]
}

/// Read live, or by a replay that started at any instant.
fn arrival() -> impl Strategy<Value = Arrival> {
    prop_oneof![
        Just(Arrival::Live),
        instant().prop_map(|started_ms| Arrival::Replayed { started_ms }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..IDS.len(), interval_ms(), instant(), arrival(), instant()).prop_map(
            |(id, interval_ms, record_ts, arrival, now)| Op::Register {
                id, interval_ms, record_ts, arrival, now
            }
        ),
        1 => (0..IDS.len(), instant(), arrival(), instant()).prop_map(
            |(id, record_ts, arrival, now)| Op::Tombstone { id, record_ts, arrival, now }
        ),
        1 => instant().prop_map(|now| Op::Sweep { now }),
    ]
}

fn id(index: usize) -> SidecarId {
    SidecarId::parse(IDS[index]).expect("a valid id")
}

fn registration(index: usize, interval_ms: u64, ts: i64) -> Registration {
    Registration {
        v: 1,
        kind: MessageKind::Registration,
        source: id(index),
        ts,
        sidecar_type: SidecarType::Producer,
        workload: "w".into(),
        jmx_endpoint: None,
        host: "h".into(),
        version: "0".into(),
        capabilities: vec![],
        heartbeat_interval_ms: interval_ms,
    }
}

/// What the registry must hold for one id: the newest record's time (its arrival when read
/// live; when replayed, its own timestamp, or the replay's start if that is earlier) and,
/// for a registration, its interval and whether its replayed stamp was too far ahead of the
/// start to say when it was written.
#[derive(Debug, Clone, Copy)]
struct Newest {
    seen: i64,
    interval_ms: Option<u64>,
    stamp_ahead: bool,
}

impl Newest {
    fn of(record_ts: i64, arrival: Arrival, now: i64, interval_ms: Option<u64>) -> Self {
        let (seen, stamp_ahead) = match arrival {
            Arrival::Live => (now, false),
            Arrival::Replayed { started_ms } => (
                record_ts.min(started_ms),
                i128::from(record_ts) - i128::from(started_ms) > i128::from(CLOCK_SKEW_WARNING_MS),
            ),
        };
        Self {
            seen,
            interval_ms,
            stamp_ahead: stamp_ahead && interval_ms.is_some(),
        }
    }
}

/// docs/protocol.md's rule: DEPARTED after a tombstone, INACTIVE for a replayed stamp too
/// far ahead, else INACTIVE once more than 3 × interval + half an interval has passed since
/// the record. Worked out in i128 and capped at `i64::MAX` (no clock reading or interval can
/// reach further than that).
fn expected_status(newest: Newest, now: i64) -> SidecarStatus {
    let Some(interval_ms) = newest.interval_ms else {
        return SidecarStatus::Departed;
    };
    if newest.stamp_ahead {
        return SidecarStatus::Inactive;
    }
    let cap = i128::from(i64::MAX);
    let interval = i128::from(interval_ms).min(cap);
    let inactive_after = (3 * interval + interval / 2).min(cap);
    let age = (i128::from(now) - i128::from(newest.seen)).min(cap);
    if age > inactive_after {
        SidecarStatus::Inactive
    } else {
        SidecarStatus::Active
    }
}

/// What an event shows of each sidecar: status, clock warning, id conflict.
type Shown = BTreeMap<SidecarId, (SidecarStatus, Option<String>, Option<String>)>;

fn shown(registry: &Registry) -> Shown {
    registry
        .entries()
        .map(|(id, e)| {
            (
                id.clone(),
                (e.status, e.clock_warning.clone(), e.id_conflict.clone()),
            )
        })
        .collect()
}

/// Every transition is the state left behind and changes what was shown before it; nothing
/// changes without one.
fn check_transitions(
    registry: &Registry,
    before: &Shown,
    transitions: &[Transition],
) -> Result<(), TestCaseError> {
    for t in transitions {
        let entry = registry
            .get(&t.id)
            .expect("a transition names a known sidecar");
        let now = (
            entry.status,
            entry.clock_warning.clone(),
            entry.id_conflict.clone(),
        );
        prop_assert_eq!(
            &(t.status, t.clock_warning.clone(), t.id_conflict.clone()),
            &now,
            "transition {:?} is not the state left",
            t
        );
        prop_assert_eq!(t.last_seen_ms, entry.last_seen_ms);
        prop_assert_eq!(t.previous, before.get(&t.id).map(|b| b.0));
        prop_assert_ne!(
            before.get(&t.id),
            Some(&now),
            "a transition that changes nothing"
        );
    }
    for (id, now) in shown(registry) {
        if before.get(&id) != Some(&now) {
            prop_assert!(
                transitions.iter().any(|t| t.id == id),
                "{} changed without a transition",
                id
            );
        }
    }
    Ok(())
}

fn check_model(registry: &Registry, model: &BTreeMap<usize, Newest>) -> Result<(), TestCaseError> {
    prop_assert_eq!(registry.len(), model.len());
    for (index, newest) in model {
        let entry = registry.get(&id(*index)).expect("every id seen is listed");
        prop_assert_eq!(
            entry.last_seen_ms,
            newest.seen,
            "{} holds an older record",
            IDS[*index]
        );
        match newest.interval_ms {
            None => prop_assert_eq!(entry.status, SidecarStatus::Departed),
            Some(interval_ms) => {
                let held = entry.registration.as_ref().map(|r| r.heartbeat_interval_ms);
                prop_assert_eq!(
                    held,
                    Some(interval_ms),
                    "{} holds another registration",
                    IDS[*index]
                );
                prop_assert_ne!(entry.status, SidecarStatus::Departed);
            }
        }
    }
    Ok(())
}

#[test]
fn any_sequence_of_records_and_sweeps_keeps_the_registry_consistent() {
    proptest_budget::run("registry", prop::collection::vec(op(), 1..40), |ops| {
        let mut registry = Registry::default();
        let mut model = BTreeMap::new();
        let mut latest_now = i64::MIN;
        for op in ops {
            let before = shown(&registry);
            let transitions = match op {
                Op::Register {
                    id: index,
                    interval_ms,
                    record_ts,
                    arrival,
                    now,
                } => {
                    latest_now = latest_now.max(now);
                    // The record applied last is the newest: Kafka's order, not its stamp.
                    model.insert(
                        index,
                        Newest::of(record_ts, arrival, now, Some(interval_ms)),
                    );
                    let record = registration(index, interval_ms, record_ts);
                    registry
                        .apply_registration(record, record_ts, arrival, now)
                        .into_iter()
                        .collect()
                }
                Op::Tombstone {
                    id: index,
                    record_ts,
                    arrival,
                    now,
                } => {
                    latest_now = latest_now.max(now);
                    model.insert(index, Newest::of(record_ts, arrival, now, None));
                    registry
                        .apply_tombstone(id(index), record_ts, arrival, now)
                        .into_iter()
                        .collect()
                }
                Op::Sweep { now } => {
                    latest_now = latest_now.max(now);
                    registry.sweep(now)
                }
            };
            check_transitions(&registry, &before, &transitions)?;
            check_model(&registry, &model)?;
        }
        // Swept at the latest clock reading, every status is the rule applied to the
        // newest record: neither the order records came in nor earlier sweeps matter.
        let before = shown(&registry);
        let transitions = registry.sweep(latest_now);
        check_transitions(&registry, &before, &transitions)?;
        for (index, newest) in &model {
            let entry = registry.get(&id(*index)).expect("listed");
            prop_assert_eq!(
                entry.status,
                expected_status(*newest, latest_now),
                "{} after its newest record {:?} at {}",
                IDS[*index],
                newest,
                latest_now
            );
        }
        Ok(())
    });
}
