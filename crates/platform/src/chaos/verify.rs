//! "All green": no fault left in the environment, every broker answering and fully
//! replicated, every live sidecar STABLE.

use faultline_protocol::vocabulary::Condition;
use serde::Serialize;

use crate::environments::Environment;
use crate::state::registry::SidecarStatus;
use crate::state::SharedState;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

pub async fn green(environment: &dyn Environment, state: &SharedState) -> Vec<Check> {
    let mut checks = environment.verify_clean().await;
    let brokers = state.brokers.read().clone();
    for (id, broker) in &brokers {
        let urp = broker.under_replicated_partitions.unwrap_or(0);
        checks.push(Check {
            what: format!("broker-{id} answers and is fully replicated"),
            ok: broker.reachable && urp == 0,
            detail: if broker.reachable {
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
    let observations = state.observations.read();
    for id in live {
        let condition = observations.get(&id).map(|o| o.condition);
        checks.push(Check {
            what: format!("{id} is STABLE"),
            ok: matches!(condition, Some(Condition::Stable) | None),
            detail: format!("{:?}", condition.unwrap_or(Condition::Stable)),
        });
    }
    checks
}
