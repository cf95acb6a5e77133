//! The Faultline platform as a library: discovery, registry, signals, detectors,
//! coordinator, environments and the HTTP/WebSocket server. The desktop shell and the
//! headless `faultline-server` both drive it; nothing here knows about Tauri.

mod brokers;
pub mod bus;
pub mod chaos;
mod consumer_lag;
mod coordinator;
pub mod detectors;
mod discovery;
pub mod environments;
pub mod events;
mod headless;
mod ingest;
mod judgement;
pub mod launch;
mod platform;
mod responses_audit;
pub mod scenarios;
pub mod server;
mod signals;
mod speech_acts;
pub mod state;

pub use bus::{Bus, BusEvent};
pub use headless::{Headless, HeadlessOptions};
pub use platform::{Platform, PlatformConfig, PlatformError};

use faultline_kafka::ClientSettings;
use tokio_util::sync::CancellationToken;

/// What every platform task gets: the bus, the shared state, the cluster, and the signal
/// to stop.
#[derive(Clone)]
pub(crate) struct Context {
    pub bus: Bus,
    pub state: state::SharedState,
    pub kafka: ClientSettings,
    pub cancel: CancellationToken,
}
