//! Proves the registry's liveness, tombstone, clock-offset and id-conflict rules.

use faultline_protocol::messages::MessageKind;
use faultline_protocol::SidecarType;

use super::*;

const LIVE: Arrival = Arrival::Live;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// A plausible "now": 2026-11-26.
const T0: i64 = 1_795_727_499_360;

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

fn on_host(id: &str, ts: i64, host: &str) -> Registration {
    Registration {
        host: host.into(),
        ..registration(id, ts)
    }
}

fn replayed(started_ms: i64) -> Arrival {
    Arrival::Replayed { started_ms }
}

fn id(raw: &str) -> SidecarId {
    SidecarId::parse(raw).unwrap()
}

#[test]
fn a_fresh_heartbeat_registers_active() {
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("p1", 10_000), 10_000, LIVE, 10_100)
        .unwrap();
    assert_eq!(t.previous, None);
    assert_eq!(t.status, SidecarStatus::Active);
    assert!(
        registry
            .apply_registration(registration("p1", 12_000), 12_000, LIVE, 12_100)
            .is_none(),
        "no change, no event"
    );
}

#[test]
fn replayed_old_heartbeats_come_back_inactive_not_active() {
    // The old demo's bug: a replay made a dead sidecar look alive.
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("dead", 1_000), 1_000, replayed(60_000), 60_000)
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Inactive);
    assert_eq!(t.last_seen_ms, 1_000);
}

#[test]
fn three_missed_heartbeats_turn_inactive_and_a_new_beat_revives() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 0), 0, LIVE, 0);
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
        .apply_registration(registration("p1", 9_000), 9_000, LIVE, 9_000)
        .unwrap();
    assert_eq!(revived.previous, Some(SidecarStatus::Inactive));
    assert_eq!(revived.status, SidecarStatus::Active);
}

#[test]
fn a_tombstone_departs_and_a_later_registration_returns() {
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 0), 0, LIVE, 0);
    let t = registry
        .apply_tombstone(id("p1"), 1_000, LIVE, 1_000)
        .unwrap();
    assert_eq!(
        (t.previous, t.status),
        (Some(SidecarStatus::Active), SidecarStatus::Departed)
    );
    assert!(
        registry.sweep(100_000).is_empty(),
        "departed is final until it registers again"
    );
    let back = registry
        .apply_registration(registration("p1", 200_000), 200_000, LIVE, 200_000)
        .unwrap();
    assert_eq!(back.status, SidecarStatus::Active);
}

#[test]
fn the_record_read_last_wins_whatever_its_timestamp() {
    // Issue 9, item 4: a registration stamped a day ahead, then a tombstone. Kafka's order
    // within the key says the tombstone is newer, live and in a replay alike.
    for arrival in [LIVE, replayed(T0)] {
        let mut registry = Registry::default();
        registry.apply_registration(registration("p1", T0 + DAY), T0 + DAY, arrival, T0);
        let t = registry
            .apply_tombstone(id("p1"), T0 - 1_000, arrival, T0)
            .expect("the tombstone is a change");
        assert_eq!(t.status, SidecarStatus::Departed, "{arrival:?}");
        assert!(registry.sweep(T0 + DAY).is_empty(), "{arrival:?}");
        assert_eq!(
            registry.get(&id("p1")).unwrap().status,
            SidecarStatus::Departed
        );
    }
    // And an older stamp after a newer one still replaces it.
    let mut registry = Registry::default();
    registry.apply_registration(registration("p1", 5_000), 5_000, LIVE, 5_000);
    registry.apply_tombstone(id("p1"), 4_000, LIVE, 5_100);
    assert_eq!(
        registry.get(&id("p1")).unwrap().status,
        SidecarStatus::Departed
    );
}

#[test]
fn a_replayed_stamp_from_the_future_never_counts_as_alive() {
    // Issue 9, item 4: one registration stamped an hour ahead, then the sidecar died. After
    // a restart its record says nothing about when it was written.
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("p1", T0 + HOUR), T0 + HOUR, replayed(T0), T0)
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Inactive);
    assert!(t.last_seen_ms <= T0, "never seen after the start");
    assert_eq!(t.clock_offset_ms, Some(-HOUR));
    let warning = t.clock_warning.expect("a warning");
    assert!(warning.contains("3600 s ahead"), "{warning}");

    // A stamp at most 2 s ahead is a clock that agrees: written at the latest at the start.
    let t = registry
        .apply_registration(registration("p2", T0 + 1_500), T0 + 1_500, replayed(T0), T0)
        .unwrap();
    assert_eq!((t.status, t.last_seen_ms), (SidecarStatus::Active, T0));
    assert_eq!(t.clock_warning, None);
    let swept = registry.sweep(T0 + 7_001);
    assert_eq!(swept.len(), 1, "{swept:?}");
    assert_eq!(
        (swept[0].id.as_str(), swept[0].status),
        ("p2", SidecarStatus::Inactive)
    );
}

#[test]
fn a_live_stamp_from_the_future_lasts_three_and_a_half_intervals_like_any_other() {
    let mut registry = Registry::default();
    let t = registry
        .apply_registration(registration("p1", T0 + HOUR), T0 + HOUR, LIVE, T0)
        .unwrap();
    assert_eq!((t.status, t.last_seen_ms), (SidecarStatus::Active, T0));
    let swept = registry.sweep(T0 + 7_001);
    assert_eq!(swept[0].status, SidecarStatus::Inactive);
}

#[test]
fn a_clock_behind_stays_active_and_its_offset_is_shown() {
    // Issue 9, item 5: heartbeats every second from a clock 30 s behind.
    let mut registry = Registry::default();
    let mut transitions = Vec::new();
    for beat in 0..10 {
        let arrived = T0 + beat * 1_000;
        let stamped = arrived - 30_000 - 20;
        let mut r = registration("late", stamped);
        r.heartbeat_interval_ms = 1_000;
        transitions.extend(registry.apply_registration(r, stamped, LIVE, arrived));
        transitions.extend(registry.sweep(arrived + 900));
        assert_eq!(
            registry.get(&id("late")).unwrap().status,
            SidecarStatus::Active,
            "beat {beat}"
        );
    }
    let entry = registry.get(&id("late")).unwrap();
    assert_eq!(entry.clock_offset_ms, Some(30_020));
    let warning = entry.clock_warning.clone().expect("a warning");
    assert!(warning.contains("30 s behind"), "{warning}");
    // One event when it was found, one when the third beat measured the clock.
    assert_eq!(transitions.len(), 2, "{transitions:?}");
    assert_eq!(transitions[1].previous, Some(SidecarStatus::Active));
    assert_eq!(
        transitions[1].clock_warning.as_deref(),
        Some(warning.as_str())
    );
}

#[test]
fn the_clock_offset_is_the_quickest_delivery_and_a_small_one_is_no_warning() {
    let mut registry = Registry::default();
    // A clock 5 s ahead, delivered in 300, 40 and 2 000 ms.
    for (beat, delivery) in [300, 40, 2_000].into_iter().enumerate() {
        let stamped = T0 + beat as i64 * 2_000;
        let arrived = stamped - 5_000 + delivery;
        registry.apply_registration(registration("ahead", stamped), stamped, LIVE, arrived);
    }
    let entry = registry.get(&id("ahead")).unwrap();
    assert_eq!(entry.clock_offset_ms, Some(-4_960));
    assert!(entry
        .clock_warning
        .as_deref()
        .unwrap()
        .contains("5 s ahead of"));

    // In time, with one delivery slowed for 6 s (a broker that was away): no warning.
    for (beat, delivery) in [50, 6_000, 80, 120].into_iter().enumerate() {
        let stamped = T0 + beat as i64 * 2_000;
        registry.apply_registration(
            registration("ok", stamped),
            stamped,
            LIVE,
            stamped + delivery,
        );
    }
    let entry = registry.get(&id("ok")).unwrap();
    assert_eq!(entry.clock_offset_ms, Some(50));
    assert_eq!(entry.clock_warning, None);
}

#[test]
fn two_hosts_alternating_under_one_id_are_a_conflict_found_once() {
    // Issue 9, item 6: dup-1 from host-a and host-b heartbeating together.
    let mut registry = Registry::default();
    let mut began = 0;
    let mut events = 0;
    for beat in 0..10 {
        let host = if beat % 2 == 0 { "host-a" } else { "host-b" };
        let at = T0 + beat * 1_000;
        if let Some(t) = registry.apply_registration(on_host("dup-1", at, host), at, LIVE, at) {
            events += 1;
            began += usize::from(t.conflict_began);
        }
    }
    assert_eq!(began, 1, "found once");
    assert_eq!(events, 2, "found, then conflicting: no event per beat");
    let conflict = registry.get(&id("dup-1")).unwrap().id_conflict.clone();
    assert_eq!(
        conflict.as_deref(),
        Some(
            "Two sidecars report as dup-1, with different hosts (host-a and host-b): their \
             registrations alternate, each overwriting the other. Give each its own id."
        )
    );

    // host-b stops; once it is overdue the conflict is over.
    let last = T0 + 10_000;
    registry.apply_registration(on_host("dup-1", last, "host-a"), last, LIVE, last);
    assert!(
        registry.sweep(last + 3_000).is_empty(),
        "host-b may still beat"
    );
    registry.apply_registration(
        on_host("dup-1", last + 2_000, "host-a"),
        last + 2_000,
        LIVE,
        last + 2_000,
    );
    let ended = registry.sweep(T0 + 9_000 + 7_001);
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0].id_conflict, None);
    assert_eq!(
        (ended[0].previous, ended[0].status),
        (Some(SidecarStatus::Active), SidecarStatus::Active)
    );
}

#[test]
fn a_sidecar_that_moved_or_was_upgraded_is_no_conflict() {
    let mut registry = Registry::default();
    for beat in 0..4 {
        let at = T0 + beat * 2_000;
        registry.apply_registration(on_host("mover", at, "host-a"), at, LIVE, at);
    }
    for beat in 4..8 {
        let at = T0 + beat * 2_000;
        let mut upgraded = on_host("mover", at, "host-b");
        upgraded.version = "1".into();
        registry.apply_registration(upgraded, at, LIVE, at);
    }
    assert_eq!(registry.get(&id("mover")).unwrap().id_conflict, None);
    // Back on host-a long after host-a went silent: a move again, not a conflict.
    let later = T0 + 60_000;
    registry.apply_registration(on_host("mover", later, "host-a"), later, LIVE, later);
    assert_eq!(registry.get(&id("mover")).unwrap().id_conflict, None);
}

#[test]
fn any_differing_field_tells_two_senders_apart_and_a_tombstone_ends_the_conflict() {
    let mut registry = Registry::default();
    for beat in 0..3 {
        let at = T0 + beat * 1_000;
        let mut r = registration("dup-2", at);
        r.version = if beat % 2 == 0 { "0.1.0" } else { "0.2.0" }.into();
        registry.apply_registration(r, at, LIVE, at);
    }
    let conflict = registry.get(&id("dup-2")).unwrap().id_conflict.clone();
    assert!(
        conflict
            .as_deref()
            .is_some_and(|c| c.contains("different versions (0.1.0 and 0.2.0)")),
        "{conflict:?}"
    );
    let t = registry
        .apply_tombstone(id("dup-2"), T0 + 3_000, LIVE, T0 + 3_000)
        .unwrap();
    assert_eq!((t.status, t.id_conflict), (SidecarStatus::Departed, None));
}

#[test]
fn extreme_intervals_and_timestamps_never_overflow() {
    // The two records that once panicked discovery: an interval of 4e18 ms ("attempt to
    // multiply with overflow") and a record timestamp of i64::MIN ("attempt to subtract
    // with overflow"). Decoding refuses both now; the registry must survive them anyway.
    assert_eq!(inactive_after_ms(4_000_000_000_000_000_000), i64::MAX);
    assert_eq!(inactive_after_ms(u64::MAX), i64::MAX);
    assert_eq!(inactive_after_ms(2_000), 7_000);

    let mut registry = Registry::default();
    let mut huge = registration("huge", 10_000);
    huge.heartbeat_interval_ms = 4_000_000_000_000_000_000;
    let t = registry
        .apply_registration(huge, 10_000, LIVE, 10_000)
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Active);
    assert!(
        registry.sweep(i64::MAX).is_empty(),
        "an interval that never lapses"
    );

    let t = registry
        .apply_registration(
            registration("ancient", i64::MIN),
            i64::MIN,
            replayed(i64::MAX),
            i64::MAX,
        )
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Inactive);
    for (ts, started) in [(i64::MAX, i64::MIN), (i64::MIN, i64::MAX)] {
        registry.apply_registration(registration("skewed", ts), ts, replayed(started), 0);
        registry.apply_registration(registration("skewed", ts), ts, LIVE, started);
    }
    let t = registry
        .apply_tombstone(id("gone"), i64::MIN, LIVE, i64::MIN)
        .unwrap();
    assert_eq!(t.status, SidecarStatus::Departed);
    for now in [i64::MIN, -1, 0, i64::MAX] {
        registry.sweep(now);
    }
    assert_eq!(registry.len(), 4);
}
