use serde_json::json;

use crate::chaos::{Fault, Receipt};
use crate::environments::local::{LocalEnvironment, Toxic};

/// Toxics on the broker's proxy. Their names mark them as Faultline's.
pub async fn inject(env: &LocalEnvironment, fault: &Fault) -> Result<Receipt, String> {
    let (broker, toxics) = match fault {
        Fault::Latency { broker, ms, jitter } => (
            *broker,
            vec![toxic(
                "faultline-latency",
                "latency",
                "downstream",
                json!({"latency": ms, "jitter": jitter}),
            )],
        ),
        // Data stops both ways and connections hang, as when a network path is cut.
        Fault::Partition { broker } => (
            *broker,
            vec![
                toxic(
                    "faultline-partition-up",
                    "timeout",
                    "upstream",
                    json!({"timeout": 0}),
                ),
                toxic(
                    "faultline-partition-down",
                    "timeout",
                    "downstream",
                    json!({"timeout": 0}),
                ),
            ],
        ),
        Fault::Bandwidth { broker, kbps } => (
            *broker,
            vec![
                toxic(
                    "faultline-bandwidth-up",
                    "bandwidth",
                    "upstream",
                    json!({"rate": kbps}),
                ),
                toxic(
                    "faultline-bandwidth-down",
                    "bandwidth",
                    "downstream",
                    json!({"rate": kbps}),
                ),
            ],
        ),
        other => return Err(format!("{} is not a network fault", other.describe())),
    };
    let proxy = format!("broker-{broker}");
    let toxiproxy = env.toxiproxy();
    let mut receipt = Receipt::default();
    for toxic in toxics {
        // A toxic of that name left from an earlier run would make the add fail.
        remove(env, &proxy, &toxic.name).await?;
        toxiproxy
            .add_toxic(&proxy, &toxic)
            .await
            .map_err(|e| e.to_string())?;
        receipt.toxics.push((proxy.clone(), toxic.name.clone()));
    }
    Ok(receipt)
}

pub async fn revert(env: &LocalEnvironment, receipt: &Receipt) -> Result<(), String> {
    for (proxy, name) in &receipt.toxics {
        remove(env, proxy, name).await?;
    }
    Ok(())
}

/// Removes a toxic; when Toxiproxy does not answer (it can hang removing a latency toxic
/// while Kafka traffic flows), restarts it, which removes every toxic for certain.
async fn remove(env: &LocalEnvironment, proxy: &str, name: &str) -> Result<(), String> {
    let Err(error) = env.toxiproxy().remove_toxic(proxy, name).await else {
        return Ok(());
    };
    tracing::warn!(%error, proxy, toxic = name, "Toxiproxy did not remove a toxic; restarting it");
    env.restart_toxiproxy()
        .await
        .map_err(|restart| format!("{error}; restarting Toxiproxy failed too: {restart}"))
}

fn toxic(name: &str, kind: &str, stream: &str, attributes: serde_json::Value) -> Toxic {
    Toxic {
        name: name.into(),
        kind: kind.into(),
        stream: stream.into(),
        toxicity: 1.0,
        attributes,
    }
}
