//! `producer-rate` on docker: as on local, the demo producer's `Rate` set through its control MBean, over JMX on the workload
//! container's published port.

pub use crate::environments::local::faults::producer_rate::*;
