//! Brokers and consumer groups as viewers see them: each one's latest reading with its
//! judgement. `GET /api/consumer-groups` answers the groups, and a recording's snapshot
//! carries both (so a replay shows them before their next event).

use super::SharedState;
use crate::wire::{BrokerReading, GroupObservation};

impl SharedState {
    /// One row per broker read so far, in id order.
    pub fn broker_views(&self) -> Vec<BrokerReading> {
        self.brokers
            .read()
            .iter()
            .map(|(id, observed)| BrokerReading {
                broker_id: *id,
                observed: observed.clone(),
            })
            .collect()
    }

    /// One row per consumer group measured so far, in name order.
    pub fn group_views(&self) -> Vec<GroupObservation> {
        self.groups
            .read()
            .latest
            .iter()
            .map(|(group, observed)| GroupObservation {
                group: group.clone(),
                observed: observed.clone(),
            })
            .collect()
    }
}
