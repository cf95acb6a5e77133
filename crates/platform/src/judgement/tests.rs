//! Proves the subject pipeline with each kind: what it announces, in which order, and that
//! the row in state matches the events.

use faultline_protocol::vocabulary::{Condition, Confidence, QueueSign, Situation};
use faultline_protocol::SidecarId;
use tokio::sync::broadcast::Receiver;

use super::*;
use crate::state::readings::{BrokerReading, LagReading, ProducerReading};
use crate::wire::{BrokerMetrics, GroupLag, ProducerSignal, SubjectKind, UnknownPartition};
use crate::BusEvent;

/// Every event published so far, in order.
fn published(events: &mut Receiver<std::sync::Arc<BusEvent>>) -> Vec<Event> {
    std::iter::from_fn(|| events.try_recv().ok())
        .map(|e| e.event.clone())
        .collect()
}

fn broker_2(under_replicated: i64, at_ms: i64) -> BrokerReading {
    BrokerReading {
        broker: 2,
        at_ms,
        metrics: BrokerMetrics {
            reachable: true,
            under_replicated_partitions: Some(under_replicated),
            offline_partitions: Some(0),
            active_controller: Some(1),
            request_handler_idle_pct: Some(90.0),
            network_processor_idle_pct: Some(95.0),
            preferred_replica_imbalance: Some(0),
        },
    }
}

/// The condition event's (condition, previous, sentence), or None for another event.
fn condition(event: &Event) -> Option<(Condition, Option<Condition>, &str)> {
    match event {
        Event::Condition {
            condition,
            previous,
            sentence,
            ..
        } => Some((*condition, *previous, sentence.as_str())),
        _ => None,
    }
}

#[test]
fn a_broker_going_stable_degraded_stable_is_announced_at_each_change_only() {
    let bus = Bus::new();
    let state = SharedState::default();
    let mut events = bus.subscribe();
    let mut brokers = Pipeline::<Brokers>::new(bus.clone(), state.clone());
    let mark = state.history.read().mark();

    let mut announced = Vec::new();
    for (at_ms, urp) in [
        (1_000, 0),
        (2_000, 0),
        (3_000, 14),
        (4_000, 14),
        (5_000, 0),
        (6_000, 0),
    ] {
        brokers.observe(broker_2(urp, at_ms));
        let events = published(&mut events);
        // Each reading: its `broker` event, with the row in state showing the same figures.
        let Event::Broker { broker_id, metrics } = &events[0] else {
            panic!("a broker event first: {events:?}");
        };
        let row = state.brokers.read().get(&2).cloned().unwrap();
        assert_eq!((*broker_id, metrics), (2, &row.figures));
        assert_eq!(row.updated_ms, at_ms);
        if let Some(news) = events.get(1) {
            let (announced_condition, previous, sentence) = condition(news).unwrap();
            assert_eq!(
                announced_condition, row.condition,
                "the row holds what was announced"
            );
            announced.push((previous, announced_condition, sentence.to_owned()));
        }
        assert!(events.len() <= 2, "{events:?}");
    }
    assert_eq!(
        announced,
        [
            (
                None,
                Condition::Stable,
                "broker-2 is STABLE: reachable, fully replicated, threads idle enough.".into()
            ),
            (
                Some(Condition::Stable),
                Condition::Degraded,
                "broker-2 reports 14 under-replicated partitions.".into()
            ),
            (
                Some(Condition::Degraded),
                Condition::Stable,
                "broker-2 is STABLE again: reachable, fully replicated, threads idle enough."
                    .into()
            ),
        ],
        "the first judgement, then exactly two changes"
    );
    let row = state.brokers.read().get(&2).cloned().unwrap();
    assert_eq!(
        (row.condition, row.confidence, row.sentence, row.findings),
        (Condition::Stable, Confidence::Measured, None, None)
    );
    let history = state.history.read();
    assert!(
        history.reached_since(mark, Situation::Warning),
        "DEGRADED was a warning"
    );
    assert!(!history.reached_since(mark, Situation::Critical));
}

#[test]
fn a_condition_event_names_its_subject_and_the_deciding_detector() {
    let bus = Bus::new();
    let mut events = bus.subscribe();
    let mut brokers = Pipeline::<Brokers>::new(bus, SharedState::default());
    brokers.observe(broker_2(3, 0));
    let events = published(&mut events);
    let Some(Event::Condition {
        subject_kind,
        subject,
        broker_id,
        sidecar_id,
        detector,
        situation,
        ..
    }) = events.get(1)
    else {
        panic!("a condition event second: {events:?}");
    };
    assert_eq!(
        (
            *subject_kind,
            subject.as_str(),
            *broker_id,
            sidecar_id,
            detector.as_str(),
            *situation
        ),
        (
            SubjectKind::Broker,
            "broker-2",
            Some(2),
            &None,
            "broker",
            Situation::Warning
        )
    );
}

fn producer(fill: f64) -> ProducerReading {
    ProducerReading {
        sidecar: SidecarId::parse("producer-1").unwrap(),
        signal: ProducerSignal {
            ts: 1_795_727_499_360,
            buffer_fill: fill,
            target_rate: 10,
            ..ProducerSignal::default()
        },
    }
}

#[test]
fn a_producer_s_signal_sign_and_condition_come_in_that_order() {
    let bus = Bus::new();
    let state = SharedState::default();
    let mut events = bus.subscribe();
    let mut sidecars = Pipeline::<Sidecars>::new(bus.clone(), state.clone());
    let kinds = |events: &[Event]| -> Vec<&'static str> {
        events
            .iter()
            .map(|e| match e {
                Event::Signal { .. } => "signal",
                Event::Sign { .. } => "sign",
                Event::Condition { .. } => "condition",
                _ => "other",
            })
            .collect()
    };

    sidecars.observe(producer(0.5));
    let first = published(&mut events);
    assert_eq!(kinds(&first), ["signal", "sign", "condition"]);
    assert_eq!(
        condition(&first[2]).unwrap(),
        (
            Condition::Stable,
            None,
            "producer-1 is STABLE: its send buffer is 50% full."
        )
    );
    sidecars.observe(producer(0.5));
    assert_eq!(kinds(&published(&mut events)), ["signal"], "nothing new");

    sidecars.observe(producer(0.97));
    let overflow = published(&mut events);
    assert_eq!(kinds(&overflow), ["signal", "sign", "condition"]);
    assert!(matches!(
        overflow[1],
        Event::Sign {
            sign: QueueSign::Overflow,
            ..
        }
    ));
    let id = SidecarId::parse("producer-1").unwrap();
    let row = state.signals.read().get(&id).cloned().unwrap();
    let Event::Signal { signal, .. } = &overflow[0] else {
        unreachable!()
    };
    assert_eq!(signal, &row.figures);
    assert_eq!(
        (row.condition, row.sentence.as_deref()),
        (
            Condition::Diverging,
            Some("producer-1's send buffer is 97% full (threshold 95%), 1 sample in a row.")
        )
    );

    sidecars.observe(producer(0.4));
    let drained = published(&mut events);
    assert_eq!(kinds(&drained), ["signal", "sign", "condition"]);
    assert!(matches!(
        drained[1],
        Event::Sign {
            sign: QueueSign::Dequeue,
            ..
        }
    ));
    assert_eq!(
        condition(&drained[2]).unwrap().2,
        "producer-1 is STABLE again: its send buffer is 40% full."
    );
}

#[test]
fn a_consumer_group_shows_every_finding_in_its_event_and_its_row() {
    let bus = Bus::new();
    let state = SharedState::default();
    let mut events = bus.subscribe();
    let mut groups = Pipeline::<ConsumerGroups>::new(bus.clone(), state.clone());
    let reading = LagReading {
        group: "g".into(),
        at_ms: 60_000,
        lag: GroupLag {
            lag_messages: 40,
            lag_seconds: 1.0,
            partitions: 2,
            measured_partitions: 1,
            unknown_partitions: vec![UnknownPartition {
                topic: "t".into(),
                partition: 1,
                leader: Some(2),
                reason: "leader broker 2 did not answer within 3 s".into(),
            }],
            stuck_partitions: vec![],
            stale: false,
            measured_ms: Some(60_000),
        },
    };
    groups.observe(reading.clone());
    let events = published(&mut events);
    let Event::ConsumerLag {
        group,
        lag,
        findings,
    } = &events[0]
    else {
        panic!("a consumer-lag event first: {events:?}");
    };
    let row = state.groups.read().latest.get("g").cloned().unwrap();
    assert_eq!((group.as_str(), lag), ("g", &reading.lag));
    assert_eq!(&row.figures, lag);
    assert_eq!(row.findings.as_ref(), Some(findings));
    assert_eq!(findings[0].detector, "lag-coverage");
    assert_eq!(
        condition(&events[1]).unwrap().0,
        Condition::Degraded,
        "unknown partitions are never STABLE"
    );
    assert_eq!(row.sentence.as_ref(), Some(&findings[0].sentence));
}

#[test]
fn subjects_past_the_limit_are_ignored_and_known_ones_still_judged() {
    let bus = Bus::new();
    let state = SharedState::default();
    let mut brokers = Pipeline::<Brokers>::new(bus, state.clone());
    let many = i32::try_from(MAX_SUBJECTS).unwrap();
    for broker in 0..=many {
        brokers.observe(BrokerReading {
            broker,
            ..broker_2(0, 0)
        });
    }
    assert_eq!(state.brokers.read().len(), MAX_SUBJECTS);
    assert!(!state.brokers.read().contains_key(&many));
    brokers.observe(BrokerReading {
        broker: 0,
        ..broker_2(5, 1)
    });
    assert_eq!(
        state.brokers.read().get(&0).map(|row| row.condition),
        Some(Condition::Degraded)
    );
}
