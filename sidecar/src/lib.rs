//! The Faultline sidecar: watches one workload through a [`Probe`], registers and
//! heartbeats on `faultline.sidecars`, publishes signal snapshots, asks the platform for
//! help when its buffer overflows, and carries out the platform's COMMANDs through a
//! [`Control`]. The same code runs as the `faultline-sidecar` binary and, in rehearsal
//! mode, as tasks inside the app.

mod config;
mod control;
mod health_file;
mod overflow_watch;
mod probe;
pub mod probes;
mod runner;
pub mod workload;

pub use config::SidecarConfig;
pub use control::{Control, ControlError};
pub use probe::{Probe, ProbeError, Reading};
pub use runner::{spawn, SidecarHandle};
