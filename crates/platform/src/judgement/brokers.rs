//! Brokers as a subject kind: judged by their health readings, shown as `broker` events.

use super::Kind;
use crate::detectors::{for_brokers, Detectors};
use crate::state::readings::BrokerReading;
use crate::state::SharedState;
use crate::wire::{self, BrokerMetrics, Event, Observed, Subject};

pub struct Brokers;

impl Kind for Brokers {
    type Id = i32;
    type Reading = BrokerReading;
    type Figures = BrokerMetrics;
    type Memory = ();

    fn id(reading: &BrokerReading) -> &i32 {
        &reading.broker
    }

    fn subject(id: &i32) -> Subject {
        Subject::Broker(*id)
    }

    fn detectors() -> Detectors<BrokerReading> {
        for_brokers()
    }

    fn figures(reading: &BrokerReading) -> &BrokerMetrics {
        &reading.metrics
    }

    fn at_ms(reading: &BrokerReading) -> i64 {
        reading.at_ms
    }

    fn record(state: &SharedState, id: &i32, row: Observed<BrokerMetrics>) {
        state.brokers.write().insert(*id, row);
    }

    fn events(_: &mut (), reading: &BrokerReading, _: Vec<wire::Finding>) -> Vec<Event> {
        vec![Event::Broker {
            broker_id: reading.broker,
            metrics: reading.metrics.clone(),
        }]
    }

    fn calm(reading: &BrokerReading, again: bool) -> String {
        let again = if again { " again" } else { "" };
        format!(
            "broker-{} is STABLE{again}: reachable, fully replicated, threads idle enough.",
            reading.broker
        )
    }
}
