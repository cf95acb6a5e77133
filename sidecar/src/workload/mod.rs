//! The in-process demo workload: a real rdkafka producer whose rate and message size can
//! be changed while it runs. Rehearsal mode runs these next to their sidecars; the
//! `faultline-sidecar` binary runs one when it has no other workload to watch.

mod context;
mod demo_consumer;
mod demo_producer;
mod rate;

pub use context::StatsContext;
pub use demo_consumer::DemoConsumer;
pub use demo_producer::{DemoProducer, DemoProducerConfig, WorkloadState};
