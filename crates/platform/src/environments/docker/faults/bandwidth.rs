//! `bandwidth` on docker: as on local, a Toxiproxy bandwidth limit, here on both of the broker's proxies
//! (`broker-N` for the containers, `broker-N-host` for clients on the host), through
//! Toxiproxy's API on its published port.

pub use crate::environments::local::faults::bandwidth::*;
