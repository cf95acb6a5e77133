//! Fault executors: how one environment carries out one kind of fault. Each environment
//! registers one executor per kind it supports in an [`Executors`] table; which kinds it
//! supports is read from that table, and every validate, inject and revert is looked up in
//! it by the fault's kind. An executor is generic over what it drives (the environment, or
//! a small trait of its controls), so that its unit tests can hand it a fake.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Fault, FaultKind};

/// How to undo one applied fault exactly, as the executor that applied it wrote it: JSON
/// that the ledger stores as it is and hands back to that executor's `revert`. Opaque to
/// everything else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Receipt(serde_json::Value);

/// The receipt of a fault whose undoing needs nothing but the fault itself. It reads any
/// receipt an older Faultline wrote (their fields are ignored).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoReceipt {}

/// The receipt of a fault that replaced a value (a rate in messages per second, a delay in
/// ms): the value to put back, `None` when it was never read. Written as
/// `{"previous":12}`, as older Faultlines wrote it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    #[serde(default)]
    pub previous: Option<i64>,
}

/// Carries out one kind of fault on `E`.
#[async_trait]
pub trait Executor<E: Sync>: Send + Sync + 'static {
    /// The kind it carries out; the table files it under this.
    const KIND: FaultKind;
    /// What an exact revert needs. Ledgers written by older Faultlines are read into it, so
    /// its fields are optional (`#[serde(default)]`) and unknown ones ignored. `Default` is
    /// what a revert gets for a fault written down whose receipt never was (a crash between
    /// the two).
    type Receipt: Serialize + DeserializeOwned + Default + Send;

    /// Checks what only this environment knows about the fault's values, before anything is
    /// written or applied. Errors: why it is refused (the API answers 422).
    fn validate(&self, target: &E, fault: &Fault) -> Result<(), String> {
        let _ = (target, fault);
        Ok(())
    }

    /// Applies the fault. Errors: why it could not be applied (then nothing of it is left).
    async fn inject(&self, target: &E, fault: &Fault) -> Result<Self::Receipt, String>;

    /// Undoes the fault. Must succeed when it is already gone: reverts repeat after a crash.
    async fn revert(&self, target: &E, fault: &Fault, receipt: Self::Receipt)
        -> Result<(), String>;
}

/// The sentence for a fault handed to the executor of another kind, which the table never
/// does; an executor returns it where it takes its fault's fields apart.
pub fn misrouted(fault: &Fault) -> String {
    format!(
        "{} reached the executor of another kind of fault",
        fault.describe()
    )
}

/// An [`Executor`] with its receipt as JSON, so that executors of every kind sit in one
/// table.
#[async_trait]
trait Erased<E>: Send + Sync {
    fn validate(&self, target: &E, fault: &Fault) -> Result<(), String>;
    async fn inject(&self, target: &E, fault: &Fault) -> Result<Receipt, String>;
    async fn revert(
        &self,
        target: &E,
        fault: &Fault,
        receipt: Option<&Receipt>,
    ) -> Result<(), String>;
}

#[async_trait]
impl<E: Sync, X: Executor<E>> Erased<E> for X {
    fn validate(&self, target: &E, fault: &Fault) -> Result<(), String> {
        Executor::validate(self, target, fault)
    }

    async fn inject(&self, target: &E, fault: &Fault) -> Result<Receipt, String> {
        let receipt = Executor::inject(self, target, fault).await?;
        match serde_json::to_value(&receipt) {
            Ok(json) => Ok(Receipt(json)),
            Err(error) => {
                // Not written down, a crash could not undo it: undo it now.
                let undone = match Executor::revert(self, target, fault, receipt).await {
                    Ok(()) => "it was undone".to_owned(),
                    Err(reason) => format!("undoing it failed too: {reason}"),
                };
                Err(format!(
                    "cannot write down how to undo it ({error}); {undone}"
                ))
            }
        }
    }

    async fn revert(
        &self,
        target: &E,
        fault: &Fault,
        receipt: Option<&Receipt>,
    ) -> Result<(), String> {
        let receipt = match receipt {
            Some(Receipt(json)) => X::Receipt::deserialize(json)
                .map_err(|error| format!("cannot read how to undo it ({error})"))?,
            None => X::Receipt::default(),
        };
        Executor::revert(self, target, fault, receipt).await
    }
}

/// One environment's executors by fault kind: the kinds it supports, and how it carries out
/// each. Built by registration, one line per executor:
/// `Executors::none().with(Latency).with(Partition)`.
pub struct Executors<E> {
    by_kind: BTreeMap<FaultKind, Box<dyn Erased<E>>>,
}

impl<E: Sync + 'static> Executors<E> {
    /// No executor: an environment that carries out no faults.
    pub const fn none() -> Self {
        Self {
            by_kind: BTreeMap::new(),
        }
    }

    /// Registers `executor` for its kind. One executor per kind: a second one for the same
    /// kind is a mistake in the registration list, which its unit test catches.
    pub fn with<X: Executor<E>>(mut self, executor: X) -> Self {
        let earlier = self.by_kind.insert(X::KIND, Box::new(executor));
        debug_assert!(
            earlier.is_none(),
            "two executors registered for {} faults",
            X::KIND.name()
        );
        self
    }

    /// The kinds it carries out, in `FaultKind` order.
    pub fn kinds(&self) -> Vec<FaultKind> {
        self.by_kind.keys().copied().collect()
    }

    pub fn supports(&self, kind: FaultKind) -> bool {
        self.by_kind.contains_key(&kind)
    }

    /// The registered executor's checks of the fault's values. Errors: its refusal, or that
    /// no executor is registered for the fault's kind.
    pub fn validate(&self, target: &E, fault: &Fault) -> Result<(), String> {
        self.executor(fault)?.validate(target, fault)
    }

    /// Applies the fault with the executor registered for its kind; the receipt says how to
    /// undo it. Errors: why it could not be applied, or that no executor is registered.
    pub async fn inject(&self, target: &E, fault: &Fault) -> Result<Receipt, String> {
        self.executor(fault)?.inject(target, fault).await
    }

    /// Undoes the fault with the executor registered for its kind, from the receipt its
    /// inject returned (`None` when none was written down). Errors: why it could not be
    /// undone, a receipt that executor cannot read, or that no executor is registered.
    pub async fn revert(
        &self,
        target: &E,
        fault: &Fault,
        receipt: Option<&Receipt>,
    ) -> Result<(), String> {
        self.executor(fault)?.revert(target, fault, receipt).await
    }

    fn executor(&self, fault: &Fault) -> Result<&dyn Erased<E>, String> {
        let kind = fault.kind();
        self.by_kind
            .get(&kind)
            .map(Box::as_ref)
            .ok_or_else(|| format!("no executor is registered for {} faults", kind.name()))
    }
}

/// A type that carries out faults with a table of executors: an environment, or a test's
/// fake. It gets the fault side of [`FaultTarget`](super::FaultTarget) (supported kinds,
/// validate, inject, revert) from the table.
pub trait Executes: Sized + Send + Sync + 'static {
    fn executors(&self) -> &Executors<Self>;
}

/// An environment's fault executors, one `module::Executor` a line, each module a file
/// beside the invocation (`environments/<kind>/faults/<fault>.rs`): declares the modules,
/// builds the table and makes the environment [`Executes`] with it. Adding a fault to an
/// environment is its file and its line here:
///
/// ```ignore
/// fault_executors!(RehearsalEnvironment {
///     broker_down::BrokerDown,
///     latency::Latency,
/// });
/// ```
macro_rules! fault_executors {
    ($environment:ty { $($module:ident :: $executor:ident),+ $(,)? }) => {
        $(pub(crate) mod $module;)+

        static EXECUTORS: std::sync::LazyLock<$crate::chaos::Executors<$environment>> =
            std::sync::LazyLock::new(|| {
                $crate::chaos::Executors::none()$(.with($module::$executor))+
            });

        impl $crate::chaos::Executes for $environment {
            fn executors(&self) -> &$crate::chaos::Executors<Self> {
                &EXECUTORS
            }
        }
    };
}
pub(crate) use fault_executors;

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;
    use serde_json::json;

    use super::*;

    /// What a fake environment was asked to do, in order.
    #[derive(Default)]
    struct FakeEnvironment {
        calls: Mutex<Vec<String>>,
    }

    /// Latency that remembers the round trip it replaced.
    struct FakeLatency;

    #[async_trait]
    impl Executor<FakeEnvironment> for FakeLatency {
        const KIND: FaultKind = FaultKind::Latency;
        type Receipt = Replaced;

        fn validate(&self, _: &FakeEnvironment, fault: &Fault) -> Result<(), String> {
            match fault {
                Fault::Latency { ms, .. } if *ms > 5_000 => Err("over 5 s here".into()),
                _ => Ok(()),
            }
        }

        async fn inject(&self, env: &FakeEnvironment, fault: &Fault) -> Result<Replaced, String> {
            env.calls
                .lock()
                .push(format!("inject {}", fault.describe()));
            Ok(Replaced { previous: Some(20) })
        }

        async fn revert(
            &self,
            env: &FakeEnvironment,
            _: &Fault,
            receipt: Replaced,
        ) -> Result<(), String> {
            env.calls
                .lock()
                .push(format!("revert to {:?}", receipt.previous));
            Ok(())
        }
    }

    fn table() -> Executors<FakeEnvironment> {
        Executors::none().with(FakeLatency)
    }

    const LATENCY: Fault = Fault::Latency {
        broker: 1,
        ms: 200,
        jitter: 0,
    };

    #[tokio::test]
    async fn a_fault_goes_to_the_executor_of_its_kind_and_back_through_its_receipt() {
        let env = FakeEnvironment::default();
        let executors = table();
        assert_eq!(executors.kinds(), [FaultKind::Latency]);
        let receipt = executors.inject(&env, &LATENCY).await.unwrap();
        assert_eq!(
            serde_json::to_value(&receipt).unwrap(),
            json!({"previous": 20})
        );
        let stored: Receipt = serde_json::from_str(&serde_json::to_string(&receipt).unwrap())
            .expect("a receipt reads back as it was written");
        executors
            .revert(&env, &LATENCY, Some(&stored))
            .await
            .unwrap();
        executors.revert(&env, &LATENCY, None).await.unwrap();
        assert_eq!(
            *env.calls.lock(),
            [
                "inject 200 ms of latency to broker-1",
                "revert to Some(20)",
                "revert to None"
            ]
        );
    }

    #[tokio::test]
    async fn a_kind_nobody_registered_is_refused_by_name_and_touches_nothing() {
        let env = FakeEnvironment::default();
        let executors = table();
        let partition = Fault::Partition { broker: 1 };
        assert!(executors.supports(FaultKind::Latency));
        assert!(!executors.supports(FaultKind::Partition));
        let refused = executors.inject(&env, &partition).await.unwrap_err();
        assert_eq!(refused, "no executor is registered for partition faults");
        assert_eq!(
            executors.revert(&env, &partition, None).await.unwrap_err(),
            refused
        );
        assert_eq!(executors.validate(&env, &partition).unwrap_err(), refused);
        assert!(Executors::<FakeEnvironment>::none().kinds().is_empty());
        assert!(env.calls.lock().is_empty());
    }

    #[tokio::test]
    async fn validation_and_unreadable_receipts_are_the_executors_to_refuse() {
        let env = FakeEnvironment::default();
        let executors = table();
        let long = Fault::Latency {
            broker: 1,
            ms: 6_000,
            jitter: 0,
        };
        assert_eq!(
            executors.validate(&env, &long).unwrap_err(),
            "over 5 s here"
        );
        assert!(executors.validate(&env, &LATENCY).is_ok());
        let garbled: Receipt = serde_json::from_value(json!({"previous": "twelve"})).unwrap();
        let refused = executors
            .revert(&env, &LATENCY, Some(&garbled))
            .await
            .unwrap_err();
        assert!(
            refused.starts_with("cannot read how to undo it"),
            "{refused}"
        );
        assert!(env.calls.lock().is_empty());
    }

    #[test]
    fn receipts_read_what_older_faultlines_wrote() {
        // The union every environment's receipts once shared, all fields written.
        let old = json!({"toxics": [], "process": null, "previous": 12, "affinity": null});
        let replaced: Replaced = serde_json::from_value(old.clone()).unwrap();
        assert_eq!(replaced.previous, Some(12));
        assert_eq!(
            serde_json::from_value::<NoReceipt>(old).unwrap(),
            NoReceipt {}
        );
        assert_eq!(
            serde_json::from_value::<Replaced>(json!({})).unwrap(),
            Replaced::default()
        );
    }
}
