//! "All green": no fault left in the environment, every broker answering and fully
//! replicated, every live sidecar STABLE.

use faultline_protocol::vocabulary::Condition;

use super::FaultTarget;
use crate::state::SharedState;
use crate::wire::{Check, SidecarStatus};

pub async fn green(environment: &dyn FaultTarget, state: &SharedState) -> Vec<Check> {
    let mut checks = environment.verify_clean().await;
    let brokers = state.brokers.read().clone();
    for (id, broker) in &brokers {
        let urp = broker.figures.under_replicated_partitions.unwrap_or(0);
        checks.push(Check {
            what: format!("broker-{id} answers and is fully replicated"),
            ok: broker.figures.reachable && urp == 0,
            detail: if broker.figures.reachable {
                format!("{urp} under-replicated partitions")
            } else {
                "not answering".into()
            },
        });
    }
    let live: Vec<_> = state
        .registry
        .read()
        .entries()
        .filter(|(_, e)| e.status == SidecarStatus::Active)
        .map(|(id, _)| id.clone())
        .collect();
    let signals = state.signals.read();
    for id in live {
        let condition = signals.get(&id).map(|o| o.condition);
        checks.push(Check {
            what: format!("{id} is STABLE"),
            ok: matches!(condition, Some(Condition::Stable) | None),
            detail: format!("{:?}", condition.unwrap_or(Condition::Stable)),
        });
    }
    checks
}
