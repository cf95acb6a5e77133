use std::collections::BTreeMap;

use faultline_protocol::{Registration, SidecarId};
use serde::Serialize;

/// Liveness of a sidecar, always derived from record timestamps (when the sidecar wrote),
/// never from when the platform read the record: a replay after a restart must not make a
/// dead sidecar look alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SidecarStatus {
    Active,
    Inactive,
    Departed,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// None when the first record seen for this id was a tombstone.
    pub registration: Option<Registration>,
    pub last_seen_ms: i64,
    pub status: SidecarStatus,
}

/// A status change worth an event.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub id: SidecarId,
    pub previous: Option<SidecarStatus>,
    pub status: SidecarStatus,
    pub last_seen_ms: i64,
}

#[derive(Debug, Default)]
pub struct Registry {
    entries: BTreeMap<SidecarId, Entry>,
}

/// Heartbeats missed before a sidecar counts as INACTIVE.
pub const MISSED_HEARTBEATS: i64 = 3;

/// INACTIVE once `MISSED_HEARTBEATS` beats are overdue, with half an interval of grace so a
/// beat that is merely in flight is not counted as missed.
pub fn inactive_after_ms(heartbeat_interval_ms: u64) -> i64 {
    let interval = heartbeat_interval_ms as i64;
    MISSED_HEARTBEATS * interval + interval / 2
}

impl Registry {
    /// A registration/heartbeat written at `record_ts` (the sender's clock).
    pub fn apply_registration(
        &mut self,
        registration: Registration,
        record_ts: i64,
        now: i64,
    ) -> Option<Transition> {
        // A clock ahead of ours must not keep a sidecar alive forever.
        let seen = record_ts.min(now);
        let id = registration.source.clone();
        let status = liveness(registration.heartbeat_interval_ms, seen, now);
        let previous = self.entries.get(&id).map(|e| (e.status, e.last_seen_ms));
        if let Some((_, last_seen)) = previous {
            if last_seen > seen {
                return None;
            }
        }
        self.entries.insert(
            id.clone(),
            Entry {
                registration: Some(registration),
                last_seen_ms: seen,
                status,
            },
        );
        let previous = previous.map(|(status, _)| status);
        (previous != Some(status)).then_some(Transition {
            id,
            previous,
            status,
            last_seen_ms: seen,
        })
    }

    /// A tombstone written at `record_ts`: the sidecar left cleanly.
    pub fn apply_tombstone(
        &mut self,
        id: SidecarId,
        record_ts: i64,
        now: i64,
    ) -> Option<Transition> {
        let seen = record_ts.min(now);
        let entry = self.entries.entry(id.clone()).or_insert(Entry {
            registration: None,
            last_seen_ms: seen,
            status: SidecarStatus::Departed,
        });
        if entry.last_seen_ms > seen {
            return None;
        }
        let previous = (entry.registration.is_some() || entry.status != SidecarStatus::Departed)
            .then_some(entry.status);
        entry.status = SidecarStatus::Departed;
        entry.last_seen_ms = seen;
        (previous != Some(SidecarStatus::Departed)).then_some(Transition {
            id,
            previous,
            status: SidecarStatus::Departed,
            last_seen_ms: seen,
        })
    }

    /// Marks ACTIVE sidecars whose heartbeats stopped as INACTIVE.
    pub fn sweep(&mut self, now: i64) -> Vec<Transition> {
        let mut transitions = Vec::new();
        for (id, entry) in &mut self.entries {
            let Some(registration) = &entry.registration else {
                continue;
            };
            if entry.status == SidecarStatus::Active
                && liveness(registration.heartbeat_interval_ms, entry.last_seen_ms, now)
                    == SidecarStatus::Inactive
            {
                entry.status = SidecarStatus::Inactive;
                transitions.push(Transition {
                    id: id.clone(),
                    previous: Some(SidecarStatus::Active),
                    status: SidecarStatus::Inactive,
                    last_seen_ms: entry.last_seen_ms,
                });
            }
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
}

fn liveness(heartbeat_interval_ms: u64, last_seen_ms: i64, now: i64) -> SidecarStatus {
    if now - last_seen_ms > inactive_after_ms(heartbeat_interval_ms) {
        SidecarStatus::Inactive
    } else {
        SidecarStatus::Active
    }
}

#[cfg(test)]
mod tests;
