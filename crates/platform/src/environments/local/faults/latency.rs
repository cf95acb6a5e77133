//! `latency` on local: a Toxiproxy latency toxic (with its jitter) on the broker's proxy,
//! on what the broker sends its clients.

use async_trait::async_trait;
use serde_json::json;

use super::controls::{add_toxics, remove_toxics, toxic, Added, Toxics};
use crate::chaos::{misrouted, Executor, Fault, FaultKind};

pub struct Latency;

#[async_trait]
impl<E: Toxics> Executor<E> for Latency {
    const KIND: FaultKind = FaultKind::Latency;
    type Receipt = Added;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Added, String> {
        let Fault::Latency { broker, ms, jitter } = *fault else {
            return Err(misrouted(fault));
        };
        let latency = toxic(
            "faultline-latency",
            "latency",
            "downstream",
            json!({"latency": ms, "jitter": jitter}),
        );
        add_toxics(env, broker, vec![latency]).await
    }

    async fn revert(&self, env: &E, _: &Fault, added: Added) -> Result<(), String> {
        remove_toxics(env, &added).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeToxiproxy;
    use super::*;
    use crate::chaos::{Executors, Receipt};

    const LATENCY: Fault = Fault::Latency {
        broker: 1,
        ms: 300,
        jitter: 20,
    };

    #[tokio::test]
    async fn one_latency_toxic_on_the_brokers_proxy_until_reverted() {
        let toxiproxy = FakeToxiproxy::default();
        let added = Latency.inject(&toxiproxy, &LATENCY).await.unwrap();
        let key = ("broker-1".to_owned(), "faultline-latency".to_owned());
        let toxic = toxiproxy.toxics.lock()[&key].clone();
        assert_eq!(
            (toxic.kind.as_str(), toxic.stream.as_str()),
            ("latency", "downstream")
        );
        assert_eq!(toxic.attributes, json!({"latency": 300, "jitter": 20}));
        Latency.revert(&toxiproxy, &LATENCY, added).await.unwrap();
        assert!(toxiproxy.names().is_empty());
    }

    #[tokio::test]
    async fn a_ledger_entry_an_older_faultline_wrote_still_reverts() {
        let toxiproxy = FakeToxiproxy::default();
        Latency.inject(&toxiproxy, &LATENCY).await.unwrap();
        let old: Receipt = serde_json::from_value(json!({
            "toxics": [["broker-1", "faultline-latency"]],
            "process": null,
            "previous": null,
            "affinity": null
        }))
        .unwrap();
        let executors = Executors::none().with(Latency);
        executors
            .revert(&toxiproxy, &LATENCY, Some(&old))
            .await
            .unwrap();
        assert!(toxiproxy.names().is_empty());
    }
}
