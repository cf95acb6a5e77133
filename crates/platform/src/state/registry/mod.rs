//! The sidecar registry: each id's newest registration or tombstone, its liveness, how far
//! its clock is from the platform's, and whether two senders share its id.
//!
//! Three rules (docs/protocol.md, "Status rules"):
//! - **Order:** within an id, the record read last is the newest. An id's records share one
//!   partition (the key decides it) and are read in offset order, so Kafka's order, never
//!   a timestamp, decides which record wins.
//! - **Liveness:** a record read live was written moments before it arrived (the platform
//!   reads within a fetch of the broker appending it), so it is judged by its arrival on the
//!   platform's clock and a sender's clock cannot make it look dead or alive. A record read
//!   by the replay at start was written at an unknown time before the start: it is judged
//!   by its own timestamp, never later than the start; one stamped further ahead of the
//!   start than [`CLOCK_SKEW_WARNING_MS`] says nothing about when it was written and counts
//!   as INACTIVE until a heartbeat arrives.
//! - **Duplicates:** registrations of one id that differ (host, type, workload, JMX
//!   endpoint, version, interval or capabilities) and alternate while both are alive are
//!   two sidecars sharing one id.

use std::collections::{BTreeMap, VecDeque};

use faultline_protocol::{Registration, SidecarId};

use crate::wire::SidecarStatus;

/// How a record reached the platform, which decides what says when it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Read while following the topic: written moments before it was read.
    Live,
    /// Read by the replay at start: written before the platform started reading at
    /// `started_ms` (ms since the Unix epoch, the platform's clock).
    Replayed { started_ms: i64 },
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// None when the first record seen for this id was a tombstone.
    pub registration: Option<Registration>,
    /// When the newest record was written, in ms since the Unix epoch on the platform's
    /// clock: its arrival for a record read live; its own timestamp, never later than the
    /// platform's start, for a replayed one.
    pub last_seen_ms: i64,
    pub status: SidecarStatus,
    /// The platform's clock minus the sender's, in ms (positive: the sender's clock is
    /// behind): the smallest difference between a live heartbeat's arrival and its
    /// timestamp over the last minute (delivery only adds to it), from
    /// [`CLOCK_MIN_SAMPLES`] heartbeats on. For a replayed record stamped ahead of the start,
    /// the start minus its stamp (the clock is at least that far ahead). None before either.
    pub clock_offset_ms: Option<i64>,
    /// A sentence with the offset when it is beyond [`CLOCK_SKEW_WARNING_MS`] either way.
    pub clock_warning: Option<String>,
    /// A sentence naming what differs when two senders share this id, else None.
    pub id_conflict: Option<String>,
    /// Live heartbeats as (arrival ms, arrival minus record timestamp ms), oldest first.
    clock_samples: VecDeque<(i64, i64)>,
    /// Each differing registration heard live lately (ts cleared), with its last arrival.
    senders: Vec<(Registration, i64)>,
    /// Which of `senders` wrote the newest live registration.
    last_sender: Option<usize>,
}

impl Entry {
    fn new(seen: i64, status: SidecarStatus) -> Self {
        Self {
            registration: None,
            last_seen_ms: seen,
            status,
            clock_offset_ms: None,
            clock_warning: None,
            id_conflict: None,
            clock_samples: VecDeque::new(),
            senders: Vec::new(),
            last_sender: None,
        }
    }

    /// What an event shows: a change in any of it is a transition.
    fn shown(&self) -> Shown {
        (
            self.status,
            self.clock_warning.clone(),
            self.id_conflict.clone(),
        )
    }

    /// A sidecar that left, or comes back, is measured afresh.
    fn forget_senders_and_clock(&mut self) {
        self.senders.clear();
        self.last_sender = None;
        self.id_conflict = None;
        self.clock_samples.clear();
        self.clock_offset_ms = None;
        self.clock_warning = None;
    }
}

/// A change worth an event: the status, the clock warning or the id conflict changed
/// (`previous` equals `status` when only a warning did).
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub id: SidecarId,
    /// The status before; None when the id is new.
    pub previous: Option<SidecarStatus>,
    pub status: SidecarStatus,
    pub last_seen_ms: i64,
    pub clock_offset_ms: Option<i64>,
    pub clock_warning: Option<String>,
    pub id_conflict: Option<String>,
    /// The id conflict was found by this change (the one time it is worth a log line).
    pub conflict_began: bool,
}

impl Transition {
    /// The entry as it stands, after a change from `previous`.
    pub fn of(id: &SidecarId, entry: &Entry, previous: Option<SidecarStatus>) -> Self {
        Self {
            id: id.clone(),
            previous,
            status: entry.status,
            last_seen_ms: entry.last_seen_ms,
            clock_offset_ms: entry.clock_offset_ms,
            clock_warning: entry.clock_warning.clone(),
            id_conflict: entry.id_conflict.clone(),
            conflict_began: false,
        }
    }
}

#[derive(Debug, Default)]
pub struct Registry {
    entries: BTreeMap<SidecarId, Entry>,
}

/// Heartbeats missed before a sidecar counts as INACTIVE.
pub const MISSED_HEARTBEATS: i64 = 3;

/// A clock further than this from the platform's, either way, is warned about; a replayed
/// record stamped further than this ahead of the start counts as INACTIVE. 2 s: hosts kept
/// by NTP agree to milliseconds, and delivery delays rarely last the whole minute the
/// offset is measured over.
pub const CLOCK_SKEW_WARNING_MS: i64 = 2_000;

/// Live heartbeats needed before a clock offset is reported (one late first heartbeat,
/// sent while the sender was still connecting, must not raise a warning).
pub const CLOCK_MIN_SAMPLES: usize = 3;

/// How far back the clock offset looks, ms, and at most how many heartbeats it keeps.
const CLOCK_WINDOW_MS: i64 = 60_000;
const CLOCK_MAX_SAMPLES: usize = 64;

/// At most this many differing registrations are remembered per id.
const MAX_SENDERS: usize = 8;

/// INACTIVE once `MISSED_HEARTBEATS` beats are overdue, with half an interval of grace so a
/// beat that is merely in flight is not counted as missed. Decoding keeps the interval
/// within 100 ms to 1 h; the arithmetic saturates anyway, so no interval can overflow it.
pub fn inactive_after_ms(heartbeat_interval_ms: u64) -> i64 {
    let interval = i64::try_from(heartbeat_interval_ms).unwrap_or(i64::MAX);
    MISSED_HEARTBEATS
        .saturating_mul(interval)
        .saturating_add(interval / 2)
}

impl Registry {
    /// A registration/heartbeat stamped `record_ts` (the sender's clock, ms), read at `now`
    /// (the platform's clock, ms). It replaces whatever the id held: it was read after it.
    pub fn apply_registration(
        &mut self,
        registration: Registration,
        record_ts: i64,
        arrival: Arrival,
        now: i64,
    ) -> Option<Transition> {
        let id = registration.source.clone();
        let interval_ms = registration.heartbeat_interval_ms;
        let (entry, before) = self.entry(&id, now);
        let mut conflict_began = false;
        match arrival {
            Arrival::Live => {
                entry.last_seen_ms = now;
                entry.status = SidecarStatus::Active;
                measure_clock(entry, &id, record_ts, now);
                conflict_began = note_sender(entry, &id, &registration, now);
            }
            Arrival::Replayed { started_ms } => {
                let ahead = record_ts.saturating_sub(started_ms);
                entry.last_seen_ms = record_ts.min(started_ms);
                if ahead > CLOCK_SKEW_WARNING_MS {
                    entry.status = SidecarStatus::Inactive;
                    entry.clock_offset_ms = Some(ahead.saturating_neg());
                    entry.clock_warning = Some(format!(
                        "{id}'s newest registration is stamped {} ahead of the platform's \
                         start, so when it was written is unknown; it counts as INACTIVE \
                         until a heartbeat arrives.",
                        seconds(ahead)
                    ));
                } else {
                    entry.status = liveness(interval_ms, entry.last_seen_ms, now);
                    // The newest record decides: an earlier one's stamp no longer matters.
                    entry.clock_offset_ms = None;
                    entry.clock_warning = None;
                }
            }
        }
        entry.registration = Some(registration);
        changed(&id, entry, before).map(|mut t| {
            t.conflict_began = conflict_began;
            t
        })
    }

    /// A tombstone stamped `record_ts` (the sender's clock), read at `now`: the sidecar
    /// left cleanly. It ends any id conflict (the sender that left no longer competes) and
    /// the clock measurement (one that comes back is measured afresh).
    pub fn apply_tombstone(
        &mut self,
        id: SidecarId,
        record_ts: i64,
        arrival: Arrival,
        now: i64,
    ) -> Option<Transition> {
        let (entry, before) = self.entry(&id, now);
        entry.status = SidecarStatus::Departed;
        entry.last_seen_ms = match arrival {
            Arrival::Live => now,
            Arrival::Replayed { started_ms } => record_ts.min(started_ms),
        };
        entry.forget_senders_and_clock();
        changed(&id, entry, before)
    }

    /// At `now`: ACTIVE sidecars whose heartbeats stopped turn INACTIVE, and an id conflict
    /// ends once only one of its senders has been heard within its inactivity limit.
    pub fn sweep(&mut self, now: i64) -> Vec<Transition> {
        let mut transitions = Vec::new();
        for (id, entry) in &mut self.entries {
            let before = Some(entry.shown());
            if let Some(registration) = &entry.registration {
                if entry.status == SidecarStatus::Active {
                    entry.status =
                        liveness(registration.heartbeat_interval_ms, entry.last_seen_ms, now);
                }
            }
            forget_silent_senders(entry, now);
            if entry.senders.len() < 2 {
                entry.id_conflict = None;
            }
            transitions.extend(changed(id, entry, before));
        }
        transitions
    }

    pub fn entries(&self) -> impl Iterator<Item = (&SidecarId, &Entry)> {
        self.entries.iter()
    }

    pub fn get(&self, id: &SidecarId) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The id's entry (a new one is DEPARTED until its record says otherwise) and what it
    /// showed before, None when it is new.
    fn entry(&mut self, id: &SidecarId, now: i64) -> (&mut Entry, Option<Shown>) {
        let before = self.entries.get(id).map(Entry::shown);
        let entry = self
            .entries
            .entry(id.clone())
            .or_insert_with(|| Entry::new(now, SidecarStatus::Departed));
        (entry, before)
    }
}

/// Status, clock warning, id conflict.
type Shown = (SidecarStatus, Option<String>, Option<String>);

/// A transition when what the entry shows differs from `before` (always for a new id).
fn changed(id: &SidecarId, entry: &Entry, before: Option<Shown>) -> Option<Transition> {
    match before {
        None => Some(Transition::of(id, entry, None)),
        Some(before) => {
            (before != entry.shown()).then(|| Transition::of(id, entry, Some(before.0)))
        }
    }
}

/// Adds a live heartbeat's offset and judges the sender's clock: the smallest offset over
/// the window is the clock's, plus the quickest delivery.
fn measure_clock(entry: &mut Entry, id: &SidecarId, record_ts: i64, now: i64) {
    let samples = &mut entry.clock_samples;
    samples.push_back((now, now.saturating_sub(record_ts)));
    while samples.len() > CLOCK_MAX_SAMPLES
        || samples
            .front()
            .is_some_and(|(at, _)| now.saturating_sub(*at) > CLOCK_WINDOW_MS)
    {
        samples.pop_front();
    }
    if samples.len() < CLOCK_MIN_SAMPLES {
        // A replayed stamp's "at least this far ahead" no longer describes the sender.
        entry.clock_offset_ms = None;
        entry.clock_warning = None;
        return;
    }
    let offset = samples.iter().map(|(_, offset)| *offset).min().unwrap_or(0);
    entry.clock_offset_ms = Some(offset);
    entry.clock_warning = (offset.saturating_abs() > CLOCK_SKEW_WARNING_MS).then(|| {
        let side = if offset > 0 { "behind" } else { "ahead of" };
        format!(
            "{id}'s clock is {} {side} the platform's (measured from when its heartbeats \
             arrive); its liveness is judged by their arrival, not their timestamps.",
            seconds(offset.saturating_abs())
        )
    });
}

/// Records which sender wrote a live registration; true when this begins an id conflict:
/// the registration differs from the previous live one and matches one heard before, still
/// within its inactivity limit, so two senders alternate.
fn note_sender(entry: &mut Entry, id: &SidecarId, registration: &Registration, now: i64) -> bool {
    forget_silent_senders(entry, now);
    let sender = Registration {
        ts: 0,
        ..registration.clone()
    };
    let known = entry.senders.iter().position(|(held, _)| *held == sender);
    if known.is_none() && entry.senders.len() >= MAX_SENDERS {
        // Bounded: a writer cycling through registrations cannot grow it without end.
        forget_least_recent_sender(entry);
    }
    let index = match entry.senders.iter().position(|(held, _)| *held == sender) {
        Some(index) => {
            entry.senders[index].1 = now;
            index
        }
        None => {
            entry.senders.push((sender, now));
            entry.senders.len() - 1
        }
    };
    let previous = entry.last_sender.replace(index);
    let Some(other) = previous.filter(|previous| known.is_some() && *previous != index) else {
        return false;
    };
    if entry.id_conflict.is_some() {
        return false;
    }
    // Named in the order they were first heard.
    let (first, second) = (index.min(other), index.max(other));
    entry.id_conflict = Some(conflict_sentence(
        id,
        &entry.senders[first].0,
        &entry.senders[second].0,
    ));
    true
}

/// Drops senders not heard within their own inactivity limit.
fn forget_silent_senders(entry: &mut Entry, now: i64) {
    let last = entry.last_sender.map(|i| entry.senders[i].0.clone());
    entry.senders.retain(|(held, heard)| {
        now.saturating_sub(*heard) <= inactive_after_ms(held.heartbeat_interval_ms)
    });
    relocate_last_sender(entry, last);
}

fn forget_least_recent_sender(entry: &mut Entry) {
    let last = entry.last_sender.map(|i| entry.senders[i].0.clone());
    if let Some(oldest) = (0..entry.senders.len()).min_by_key(|i| entry.senders[*i].1) {
        entry.senders.remove(oldest);
    }
    relocate_last_sender(entry, last);
}

fn relocate_last_sender(entry: &mut Entry, last: Option<Registration>) {
    entry.last_sender =
        last.and_then(|last| entry.senders.iter().position(|(held, _)| *held == last));
}

/// "Two sidecars report as dup-1, with different hosts (host-a and host-b): ..."
fn conflict_sentence(id: &SidecarId, a: &Registration, b: &Registration) -> String {
    let (what, first, second) = if a.host != b.host {
        ("hosts", a.host.clone(), b.host.clone())
    } else if a.sidecar_type != b.sidecar_type {
        ("types", type_name(a), type_name(b))
    } else if a.workload != b.workload {
        ("workloads", a.workload.clone(), b.workload.clone())
    } else if a.jmx_endpoint != b.jmx_endpoint {
        ("JMX endpoints", endpoint(a), endpoint(b))
    } else if a.version != b.version {
        ("versions", a.version.clone(), b.version.clone())
    } else if a.heartbeat_interval_ms != b.heartbeat_interval_ms {
        (
            "heartbeat intervals",
            format!("{} ms", a.heartbeat_interval_ms),
            format!("{} ms", b.heartbeat_interval_ms),
        )
    } else {
        (
            "capabilities",
            a.capabilities.join(", "),
            b.capabilities.join(", "),
        )
    };
    format!(
        "Two sidecars report as {id}, with different {what} ({first} and {second}): their \
         registrations alternate, each overwriting the other. Give each its own id."
    )
}

fn type_name(registration: &Registration) -> String {
    serde_json::to_value(registration.sidecar_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn endpoint(registration: &Registration) -> String {
    registration
        .jmx_endpoint
        .clone()
        .unwrap_or_else(|| "none".to_owned())
}

/// Whole seconds, e.g. "30 s".
fn seconds(ms: i64) -> String {
    format!("{} s", (ms as f64 / 1000.0).round())
}

fn liveness(heartbeat_interval_ms: u64, last_seen_ms: i64, now: i64) -> SidecarStatus {
    // Saturating: a record timestamp far in the past (decoding refuses those, but the
    // registry does not rely on it) is simply very old.
    if now.saturating_sub(last_seen_ms) > inactive_after_ms(heartbeat_interval_ms) {
        SidecarStatus::Inactive
    } else {
        SidecarStatus::Active
    }
}

#[cfg(test)]
mod tests;
