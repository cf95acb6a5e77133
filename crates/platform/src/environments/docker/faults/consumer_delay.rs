//! `consumer-delay` on docker: as on local, the demo consumer's `ProcessingDelayMs` set through its control MBean, over JMX on the workload
//! container's published port.

pub use crate::environments::local::faults::consumer_delay::*;
