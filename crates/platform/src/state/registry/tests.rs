use faultline_protocol::messages::MessageKind;
use faultline_protocol::SidecarType;

use super::*;

fn registration(id: &str, ts: i64) -> Registration {
    Registration {
        v: 1,
        kind: MessageKind::Registration,
        source: SidecarId::parse(id).unwrap(),
        ts,
        sidecar_type: SidecarType::Producer,
        workload: "w".into(),
        jmx_endpoint: None,
        host: "h".into(),
        version: "0".into(),
        capabilities: vec![],
        heartbeat_interval_ms: 2000,
    }
}

fn id(raw: &str) -> SidecarId {
    SidecarId::parse(raw).unwrap()
}

#[test]
fn a_fresh_heartbeat_registers_active() {
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("p1", 10_000), 10_000, 10_100)
        .unwrap();
    assert_eq!(t.previous, None);
    assert_eq!(t.status, SidecarStatus::Active);
    assert!(
        registry
            .apply_registration(registration("p1", 12_000), 12_000, 12_100)
            .is_none(),
        "no change, no event"
    );
}

#[test]
fn replayed_old_heartbeats_come_back_inactive_not_active() {
    // The old demo's bug: a replay made a dead sidecar look alive.
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("dead", 1_000), 1_000, 60_000)
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Inactive);
}

#[test]
fn three_missed_heartbeats_turn_inactive_and_a_new_beat_revives() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 0), 0, 0);
    assert!(
        registry.sweep(6_000).is_empty(),
        "three beats due but the third may be in flight"
    );
    let swept = registry.sweep(7_001);
    assert_eq!(swept.len(), 1);
    assert_eq!(swept[0].status, SidecarStatus::Inactive);
    assert!(
        registry.sweep(8_000).is_empty(),
        "only one event per transition"
    );
    let revived = registry
        .apply_registration(registration("p1", 9_000), 9_000, 9_000)
        .unwrap();
    assert_eq!(revived.previous, Some(SidecarStatus::Inactive));
    assert_eq!(revived.status, SidecarStatus::Active);
}

#[test]
fn a_tombstone_departs_and_a_later_registration_returns() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 0), 0, 0);
    let t = registry.apply_tombstone(id("p1"), 1_000, 1_000).unwrap();
    assert_eq!(
        (t.previous, t.status),
        (Some(SidecarStatus::Active), SidecarStatus::Departed)
    );
    assert!(
        registry.sweep(100_000).is_empty(),
        "departed is final until it registers again"
    );
    let back = registry
        .apply_registration(registration("p1", 200_000), 200_000, 200_000)
        .unwrap();
    assert_eq!(back.status, SidecarStatus::Active);
}

#[test]
fn older_records_never_overwrite_newer_ones() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 5_000), 5_000, 5_000);
    assert!(registry.apply_tombstone(id("p1"), 4_000, 5_000).is_none());
    assert_eq!(
        registry.get(&id("p1")).unwrap().status,
        SidecarStatus::Active
    );
}

#[test]
fn a_clock_in_the_future_is_clamped_to_now() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", i64::MAX), i64::MAX, 1_000);
    assert_eq!(registry.get(&id("p1")).unwrap().last_seen_ms, 1_000);
    assert_eq!(registry.sweep(9_000).len(), 1);
}
