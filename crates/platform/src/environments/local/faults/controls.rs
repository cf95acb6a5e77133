//! What several local executors share: Toxiproxy toxics on a broker's proxy (latency,
//! partition, bandwidth) and the Java demo workloads' control MBeans (producer rate,
//! consumer delay). Each is a small trait that `LocalEnvironment` implements and unit tests
//! fake ([`FakeToxiproxy`], [`FakeWorkloads`]).

use async_trait::async_trait;
use faultline_jmx::{JmxClient, JmxValue};
use serde::{Deserialize, Serialize};

use crate::chaos::Replaced;
use crate::environments::local::{LocalEnvironment, Toxic, Toxiproxy, CONSUMER_ID, PRODUCER_ID};
use crate::wire::Check;

/// Toxiproxy, with the proxies in front of each broker.
#[async_trait]
pub trait Toxics: Send + Sync + 'static {
    /// The proxies every client of broker `broker` goes through: `broker-N` (docker adds
    /// `broker-N-host`, for clients on the host).
    fn proxies(&self, broker: i32) -> Vec<String> {
        vec![format!("broker-{broker}")]
    }
    /// Adds a toxic to a proxy. Errors: Toxiproxy's answer (one of that name exists, ...).
    async fn add_toxic(&self, proxy: &str, toxic: &Toxic) -> Result<(), String>;
    /// Removes a toxic by name; one already gone is success. Errors: Toxiproxy's answer.
    async fn remove_toxic(&self, proxy: &str, name: &str) -> Result<(), String>;
    /// Starts Toxiproxy again with clean proxies, which removes every toxic for certain.
    async fn restart_toxiproxy(&self) -> Result<(), String>;
}

#[async_trait]
impl Toxics for LocalEnvironment {
    async fn add_toxic(&self, proxy: &str, toxic: &Toxic) -> Result<(), String> {
        self.toxiproxy()
            .add_toxic(proxy, toxic)
            .await
            .map_err(|e| e.to_string())
    }

    async fn remove_toxic(&self, proxy: &str, name: &str) -> Result<(), String> {
        self.toxiproxy()
            .remove_toxic(proxy, name)
            .await
            .map_err(|e| e.to_string())
    }

    async fn restart_toxiproxy(&self) -> Result<(), String> {
        LocalEnvironment::restart_toxiproxy(self).await
    }
}

/// The receipt of a network fault: the `(proxy, toxic)` pairs it added. Written as
/// `{"toxics":[["broker-1","faultline-latency"]]}`, as older Faultlines wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    #[serde(default)]
    pub toxics: Vec<(String, String)>,
}

/// A toxic at full toxicity; `name` starts with `faultline-`, marking it as Faultline's.
pub fn toxic(name: &str, kind: &str, stream: &str, attributes: serde_json::Value) -> Toxic {
    Toxic {
        name: name.into(),
        kind: kind.into(),
        stream: stream.into(),
        toxicity: 1.0,
        attributes,
    }
}

/// The same toxic on both streams: `<name>-up` on what clients send the broker, `<name>-down`
/// on what it sends back (a cut or a limit that holds both ways).
pub fn both_ways(name: &str, kind: &str, attributes: serde_json::Value) -> Vec<Toxic> {
    vec![
        toxic(&format!("{name}-up"), kind, "upstream", attributes.clone()),
        toxic(&format!("{name}-down"), kind, "downstream", attributes),
    ]
}

/// Adds the toxics to each of the broker's proxies, each after removing one of that name that an
/// earlier run may have left (its add would fail). Errors: Toxiproxy's answer; the toxics
/// added before it stay, and undoing the fault's spot removes them by name.
pub async fn add_toxics<E: Toxics>(
    env: &E,
    broker: i32,
    toxics: Vec<Toxic>,
) -> Result<Added, String> {
    let mut added = Added::default();
    for proxy in env.proxies(broker) {
        for toxic in &toxics {
            remove(env, &proxy, &toxic.name).await?;
            env.add_toxic(&proxy, toxic).await?;
            added.toxics.push((proxy.clone(), toxic.name.clone()));
        }
    }
    Ok(added)
}

/// The check that no toxic is left on any proxy (or that Toxiproxy does not answer).
pub async fn no_toxics(toxiproxy: &Toxiproxy) -> Check {
    match toxiproxy.proxies().await {
        Ok(proxies) => {
            let toxics: Vec<String> = proxies
                .iter()
                .flat_map(|p| {
                    p.toxics
                        .iter()
                        .map(move |t| format!("{} on {}", t.name, p.name))
                })
                .collect();
            Check {
                what: "no toxic on any broker proxy".into(),
                ok: toxics.is_empty(),
                detail: if toxics.is_empty() {
                    "none".into()
                } else {
                    toxics.join(", ")
                },
            }
        }
        Err(error) => Check {
            what: "Toxiproxy answers".into(),
            ok: false,
            detail: error.to_string(),
        },
    }
}

/// Removes what [`add_toxics`] added; toxics already gone are no error.
pub async fn remove_toxics<E: Toxics>(env: &E, added: &Added) -> Result<(), String> {
    for (proxy, name) in &added.toxics {
        remove(env, proxy, name).await?;
    }
    Ok(())
}

/// Removes a toxic; when Toxiproxy does not answer (it can hang removing a latency toxic
/// while Kafka traffic flows, Shopify/toxiproxy#412), restarts it, which removes every toxic
/// for certain.
async fn remove<E: Toxics>(env: &E, proxy: &str, name: &str) -> Result<(), String> {
    let Err(error) = env.remove_toxic(proxy, name).await else {
        return Ok(());
    };
    tracing::warn!(%error, proxy, toxic = name, "Toxiproxy did not remove a toxic; restarting it");
    env.restart_toxiproxy()
        .await
        .map_err(|restart| format!("{error}; restarting Toxiproxy failed too: {restart}"))
}

/// A Java demo workload, by role; each has one control MBean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Producer,
    Consumer,
}

/// The demo workloads' control MBeans (`Rate` and `NominalRate` in messages per second,
/// `ProcessingDelayMs`).
#[async_trait]
pub trait WorkloadControls: Send + Sync + 'static {
    /// Reads an attribute of the control MBean of the workload with that client id.
    /// Errors: no such workload here, or JMX's answer.
    async fn read_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
    ) -> Result<i64, String>;
    /// Sets an attribute of that control MBean. Errors: as `read_control`.
    async fn write_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
        value: i64,
    ) -> Result<(), String>;
}

/// A demo workload's control MBean: the JMX endpoint of its JVM and the MBean's name.
pub struct ControlMBean {
    jmx: JmxClient,
    mbean: String,
}

impl ControlMBean {
    /// The control MBean of the workload with client id `id`, whose JMX listens on
    /// `endpoint` (`host:port`).
    pub fn new(workload: Workload, id: &str, endpoint: &str) -> Self {
        let mbean = match workload {
            Workload::Producer => "ProducerControl",
            Workload::Consumer => "ConsumerControl",
        };
        Self {
            jmx: JmxClient::for_endpoint(endpoint),
            mbean: format!("io.faultline.workloads:type={mbean},name={id}"),
        }
    }

    /// Reads a whole-number attribute. Errors: JMX's answer, or no such attribute.
    pub async fn read(&self, attribute: &str) -> Result<i64, String> {
        let values = self
            .jmx
            .read(&self.mbean, &[attribute])
            .await
            .map_err(|e| e.to_string())?;
        values
            .first()
            .and_then(|(_, v)| v.as_i64())
            .ok_or_else(|| format!("{} has no {attribute}", self.mbean))
    }

    /// Sets a whole-number attribute. Errors: JMX's answer.
    pub async fn write(&self, attribute: &str, value: i64) -> Result<(), String> {
        self.jmx
            .set(&self.mbean, attribute, JmxValue::Int(value))
            .await
            .map_err(|e| e.to_string())
    }
}

impl LocalEnvironment {
    /// The control MBean of a demo workload. Errors: the stack has no workload of that
    /// role and id.
    fn control(&self, workload: Workload, id: &str) -> Result<ControlMBean, String> {
        let ports = self.config().ports;
        let (role, known, port) = match workload {
            Workload::Producer => ("producer", PRODUCER_ID, ports.producer_jmx),
            Workload::Consumer => ("consumer", CONSUMER_ID, ports.consumer_jmx),
        };
        if id != known {
            return Err(format!(
                "the local stack has no {role} {id} (it has {known})"
            ));
        }
        Ok(ControlMBean::new(
            workload,
            id,
            &format!("127.0.0.1:{port}"),
        ))
    }
}

#[async_trait]
impl WorkloadControls for LocalEnvironment {
    async fn read_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
    ) -> Result<i64, String> {
        self.control(workload, id)?.read(attribute).await
    }

    async fn write_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
        value: i64,
    ) -> Result<(), String> {
        self.control(workload, id)?.write(attribute, value).await
    }
}

/// Sets a control attribute and returns a receipt holding the value it replaced.
pub async fn swap_control<E: WorkloadControls>(
    env: &E,
    workload: Workload,
    id: &str,
    attribute: &str,
    value: i64,
) -> Result<Replaced, String> {
    let previous = env.read_control(workload, id, attribute).await?;
    env.write_control(workload, id, attribute, value).await?;
    Ok(Replaced {
        previous: Some(previous),
    })
}

#[cfg(test)]
pub use fakes::{FakeToxiproxy, FakeWorkloads};

#[cfg(test)]
mod fakes {
    use std::collections::BTreeMap;

    use parking_lot::Mutex;

    use super::*;

    /// Toxiproxy in memory: the toxics on each proxy, by name. Refuses a second toxic of a
    /// name, as Toxiproxy does; while `hung`, every removal times out, and a restart clears
    /// every toxic (and the hang).
    #[derive(Default)]
    pub struct FakeToxiproxy {
        pub toxics: Mutex<BTreeMap<(String, String), Toxic>>,
        pub hung: Mutex<bool>,
        pub restarts: Mutex<u32>,
    }

    impl FakeToxiproxy {
        /// `(proxy, toxic name)` of every toxic, in order.
        pub fn names(&self) -> Vec<(String, String)> {
            self.toxics.lock().keys().cloned().collect()
        }
    }

    #[async_trait]
    impl Toxics for FakeToxiproxy {
        async fn add_toxic(&self, proxy: &str, toxic: &Toxic) -> Result<(), String> {
            let key = (proxy.to_owned(), toxic.name.clone());
            let mut toxics = self.toxics.lock();
            if toxics.contains_key(&key) {
                return Err(format!("HTTP 409: toxic {} already exists", toxic.name));
            }
            toxics.insert(key, toxic.clone());
            Ok(())
        }

        async fn remove_toxic(&self, proxy: &str, name: &str) -> Result<(), String> {
            if *self.hung.lock() {
                return Err("remove toxic: timed out".into());
            }
            self.toxics
                .lock()
                .remove(&(proxy.to_owned(), name.to_owned()));
            Ok(())
        }

        async fn restart_toxiproxy(&self) -> Result<(), String> {
            *self.restarts.lock() += 1;
            *self.hung.lock() = false;
            self.toxics.lock().clear();
            Ok(())
        }
    }

    /// The control MBeans in memory: `(client id, attribute)` to value. A missing attribute
    /// is an error, as JMX's answer would be.
    #[derive(Default)]
    pub struct FakeWorkloads {
        pub values: Mutex<BTreeMap<(String, String), i64>>,
    }

    impl FakeWorkloads {
        pub fn with(values: &[(&str, &str, i64)]) -> Self {
            let fake = Self::default();
            for (id, attribute, value) in values {
                fake.values
                    .lock()
                    .insert((id.to_string(), attribute.to_string()), *value);
            }
            fake
        }

        pub fn value(&self, id: &str, attribute: &str) -> Option<i64> {
            self.values
                .lock()
                .get(&(id.to_owned(), attribute.to_owned()))
                .copied()
        }
    }

    #[async_trait]
    impl WorkloadControls for FakeWorkloads {
        async fn read_control(
            &self,
            _: Workload,
            id: &str,
            attribute: &str,
        ) -> Result<i64, String> {
            self.value(id, attribute)
                .ok_or_else(|| format!("{id} has no {attribute}"))
        }

        async fn write_control(
            &self,
            _: Workload,
            id: &str,
            attribute: &str,
            value: i64,
        ) -> Result<(), String> {
            self.values
                .lock()
                .insert((id.to_owned(), attribute.to_owned()), value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn named(name: &str) -> Toxic {
        toxic(name, "latency", "downstream", json!({"latency": 1}))
    }

    #[tokio::test]
    async fn a_toxic_left_by_an_earlier_run_is_replaced_not_refused() {
        let toxiproxy = FakeToxiproxy::default();
        toxiproxy
            .add_toxic("broker-2", &named("faultline-latency"))
            .await
            .unwrap();
        let added = add_toxics(&toxiproxy, 2, vec![named("faultline-latency")])
            .await
            .unwrap();
        assert_eq!(
            added.toxics,
            [("broker-2".to_owned(), "faultline-latency".to_owned())]
        );
        remove_toxics(&toxiproxy, &added).await.unwrap();
        remove_toxics(&toxiproxy, &added).await.unwrap();
        assert!(toxiproxy.names().is_empty());
    }

    #[tokio::test]
    async fn a_removal_toxiproxy_does_not_answer_restarts_it() {
        let toxiproxy = FakeToxiproxy::default();
        let added = add_toxics(&toxiproxy, 1, vec![named("faultline-latency")])
            .await
            .unwrap();
        *toxiproxy.hung.lock() = true;
        remove_toxics(&toxiproxy, &added).await.unwrap();
        assert_eq!(*toxiproxy.restarts.lock(), 1);
        assert!(toxiproxy.names().is_empty());
    }

    #[tokio::test]
    async fn a_swap_returns_the_value_it_replaced() {
        let workloads = FakeWorkloads::with(&[("producer-1", "Rate", 100)]);
        let receipt = swap_control(&workloads, Workload::Producer, "producer-1", "Rate", 5)
            .await
            .unwrap();
        assert_eq!(receipt.previous, Some(100));
        assert_eq!(workloads.value("producer-1", "Rate"), Some(5));
        let missing = swap_control(&workloads, Workload::Producer, "producer-1", "Nope", 5)
            .await
            .unwrap_err();
        assert_eq!(missing, "producer-1 has no Nope");
    }
}
