//! `partition` on local: Toxiproxy timeout toxics of 0 ms both ways on the broker's proxy,
//! so data stops and connections hang, as when a network path is cut.

use async_trait::async_trait;
use serde_json::json;

use super::controls::{add_toxics, both_ways, remove_toxics, Added, Toxics};
use crate::chaos::{misrouted, Executor, Fault, FaultKind};

pub struct Partition;

#[async_trait]
impl<E: Toxics> Executor<E> for Partition {
    const KIND: FaultKind = FaultKind::Partition;
    type Receipt = Added;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Added, String> {
        let Fault::Partition { broker } = *fault else {
            return Err(misrouted(fault));
        };
        let toxics = both_ways("faultline-partition", "timeout", json!({"timeout": 0}));
        add_toxics(env, broker, toxics).await
    }

    async fn revert(&self, env: &E, _: &Fault, added: Added) -> Result<(), String> {
        remove_toxics(env, &added).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeToxiproxy;
    use super::*;

    #[tokio::test]
    async fn both_directions_hang_until_reverted() {
        let toxiproxy = FakeToxiproxy::default();
        let fault = Fault::Partition { broker: 3 };
        let added = Partition.inject(&toxiproxy, &fault).await.unwrap();
        assert_eq!(added.toxics.len(), 2);
        for toxic in toxiproxy.toxics.lock().values() {
            assert_eq!(toxic.kind, "timeout");
            assert_eq!(toxic.attributes, json!({"timeout": 0}));
        }
        let streams: Vec<String> = toxiproxy
            .toxics
            .lock()
            .values()
            .map(|t| t.stream.clone())
            .collect();
        assert_eq!(streams, ["downstream", "upstream"]);
        Partition.revert(&toxiproxy, &fault, added).await.unwrap();
        assert!(toxiproxy.names().is_empty());
    }
}
