//! What an environment has that a fault can name (broker ids, demo producers and
//! consumers), and the check that a fault names only those, made before anything is applied.

use super::Fault;

/// The targets of an environment: broker ids (Kafka's `broker.id`, 1-based in Faultline's
/// environments), and the client ids of its demo producers and consumers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub brokers: Vec<i32>,
    pub producers: Vec<String>,
    pub consumers: Vec<String>,
}

impl Inventory {
    /// Ok when every target the fault names exists here; else a sentence naming the one
    /// that does not and what exists instead ("broker 99 does not exist; brokers are 1, 2,
    /// 3").
    pub fn admits(&self, fault: &Fault) -> Result<(), String> {
        match fault {
            Fault::BrokerDown { broker, .. }
            | Fault::Latency { broker, .. }
            | Fault::Partition { broker }
            | Fault::Bandwidth { broker, .. }
            | Fault::CpuStress { broker, .. } => {
                if self.brokers.contains(broker) {
                    Ok(())
                } else {
                    let ids: Vec<String> = self.brokers.iter().map(i32::to_string).collect();
                    Err(missing("broker", &broker.to_string(), "brokers", &ids))
                }
            }
            Fault::ProducerRate { producer, .. } => {
                if self.producers.contains(producer) {
                    Ok(())
                } else {
                    Err(missing("producer", producer, "producers", &self.producers))
                }
            }
            Fault::ConsumerDelay { consumer, .. } => {
                if self.consumers.contains(consumer) {
                    Ok(())
                } else {
                    Err(missing("consumer", consumer, "consumers", &self.consumers))
                }
            }
        }
    }
}

/// The sentence for a target that does not exist. A name is repeated only when it looks
/// like an id (up to 64 letters, digits, `.`, `_`, `-`): a refusal never echoes arbitrary
/// input back.
fn missing(what: &str, name: &str, plural: &str, existing: &[String]) -> String {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let subject = if plain {
        format!("{what} {name}")
    } else {
        format!("that {what}")
    };
    if existing.is_empty() {
        format!("{subject} does not exist; this environment has no {plural}")
    } else {
        format!(
            "{subject} does not exist; {plural} are {}",
            existing.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::DownMode;

    fn three_brokers() -> Inventory {
        Inventory {
            brokers: vec![1, 2, 3],
            producers: vec!["producer-1".into(), "producer-2".into()],
            consumers: vec!["consumer-1".into()],
        }
    }

    #[test]
    fn brokers_outside_the_cluster_are_named_with_the_ones_that_exist() {
        let inventory = three_brokers();
        for broker in [-1, 0, 4, 99, i32::MIN, i32::MAX] {
            let refusal = inventory
                .admits(&Fault::BrokerDown {
                    broker,
                    mode: DownMode::Kill,
                })
                .unwrap_err();
            assert_eq!(
                refusal,
                format!("broker {broker} does not exist; brokers are 1, 2, 3")
            );
        }
        assert!(inventory.admits(&Fault::Partition { broker: 3 }).is_ok());
    }

    #[test]
    fn unknown_producers_and_consumers_are_refused_by_name() {
        let inventory = three_brokers();
        let refusal = inventory
            .admits(&Fault::ProducerRate {
                producer: "producer-9".into(),
                rate: 5,
            })
            .unwrap_err();
        assert_eq!(
            refusal,
            "producer producer-9 does not exist; producers are producer-1, producer-2"
        );
        let odd = inventory
            .admits(&Fault::ProducerRate {
                producer: "<script>\n".into(),
                rate: 5,
            })
            .unwrap_err();
        assert_eq!(
            odd,
            "that producer does not exist; producers are producer-1, producer-2"
        );
        assert!(inventory
            .admits(&Fault::ConsumerDelay {
                consumer: "consumer-1".into(),
                ms: 10,
            })
            .is_ok());
        let none = Inventory::default()
            .admits(&Fault::ConsumerDelay {
                consumer: "consumer-1".into(),
                ms: 10,
            })
            .unwrap_err();
        assert_eq!(
            none,
            "consumer consumer-1 does not exist; this environment has no consumers"
        );
    }
}
