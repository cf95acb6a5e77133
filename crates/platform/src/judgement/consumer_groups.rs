//! Consumer groups as a subject kind: judged by their lag readings, shown as
//! `consumer-lag` events that list every finding.

use super::Kind;
use crate::detectors::{for_groups, Detectors};
use crate::state::readings::LagReading;
use crate::state::SharedState;
use crate::wire::{self, Event, GroupLag, Observed, Subject};

pub struct ConsumerGroups;

impl Kind for ConsumerGroups {
    type Id = String;
    type Reading = LagReading;
    type Figures = GroupLag;
    type Memory = ();
    const SHOWS_FINDINGS: bool = true;

    fn id(reading: &LagReading) -> &String {
        &reading.group
    }

    fn subject(id: &String) -> Subject {
        Subject::ConsumerGroup(id.clone())
    }

    fn detectors() -> Detectors<LagReading> {
        for_groups()
    }

    fn figures(reading: &LagReading) -> &GroupLag {
        &reading.lag
    }

    fn at_ms(reading: &LagReading) -> i64 {
        reading.at_ms
    }

    fn record(state: &SharedState, id: &String, row: Observed<GroupLag>) {
        state.groups.write().latest.insert(id.clone(), row);
    }

    fn events(_: &mut (), reading: &LagReading, findings: Vec<wire::Finding>) -> Vec<Event> {
        vec![Event::ConsumerLag {
            group: reading.group.clone(),
            lag: reading.lag.clone(),
            findings,
        }]
    }

    fn calm(reading: &LagReading, again: bool) -> String {
        let again = if again { " again" } else { "" };
        format!(
            "Consumer group {} is keeping up{again}: {:.1} s ({} records) behind.",
            reading.group, reading.lag.lag_seconds, reading.lag.lag_messages
        )
    }
}
