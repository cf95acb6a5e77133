//! `bandwidth` on local: Toxiproxy bandwidth toxics both ways on the broker's proxy, each
//! limiting its stream to the fault's KB/s.

use async_trait::async_trait;
use serde_json::json;

use super::controls::{add_toxics, both_ways, remove_toxics, Added, Toxics};
use crate::chaos::{misrouted, Executor, Fault, FaultKind};

pub struct Bandwidth;

#[async_trait]
impl<E: Toxics> Executor<E> for Bandwidth {
    const KIND: FaultKind = FaultKind::Bandwidth;
    type Receipt = Added;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Added, String> {
        let Fault::Bandwidth { broker, kbps } = *fault else {
            return Err(misrouted(fault));
        };
        let toxics = both_ways("faultline-bandwidth", "bandwidth", json!({"rate": kbps}));
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
    async fn both_directions_are_limited_until_reverted() {
        let toxiproxy = FakeToxiproxy::default();
        let fault = Fault::Bandwidth {
            broker: 2,
            kbps: 64,
        };
        let added = Bandwidth.inject(&toxiproxy, &fault).await.unwrap();
        let proxy = |name: &str| ("broker-2".to_owned(), name.to_owned());
        assert_eq!(
            added.toxics,
            [
                proxy("faultline-bandwidth-up"),
                proxy("faultline-bandwidth-down")
            ]
        );
        assert!(toxiproxy
            .toxics
            .lock()
            .values()
            .all(|t| t.kind == "bandwidth" && t.attributes == json!({"rate": 64})));
        Bandwidth.revert(&toxiproxy, &fault, added).await.unwrap();
        assert!(toxiproxy.names().is_empty());
    }
}
