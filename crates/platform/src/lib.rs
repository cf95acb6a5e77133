//! The Faultline platform as a library: discovery, registry, signals, detectors,
//! coordinator, environments and the HTTP/WebSocket server. The desktop shell and the
//! headless `faultline-server` both drive it; nothing here knows about Tauri.

pub mod bus;
pub mod chaos;
mod coordinator;
pub mod detectors;
pub mod environments;
mod headless;
mod ingest;
mod judgement;
pub mod launch;
mod platform;
pub mod recording;
pub mod replay;
pub mod report;
pub mod scenarios;
pub mod server;
pub mod state;
mod supervisor;
pub mod wire;

/// Test-only fault injection (feature `fault-injection`, enabled for this package's own
/// tests and never in a build that ships): a way to make a platform task panic on purpose,
/// so that a test sees the supervisor report it on `GET /api/health` and restart it.
#[cfg(feature = "fault-injection")]
pub mod fault_injection {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A registration whose `workload` is this panics the discovery task while it holds
    /// the registry's lock, once per process (the restarted task replays the same record
    /// and goes on).
    pub const PANIC_DISCOVERY: &str = "faultline fault injection: panic discovery";

    static FIRED: AtomicBool = AtomicBool::new(false);

    pub(crate) fn on_registration(workload: &str) {
        if workload == PANIC_DISCOVERY && !FIRED.swap(true, Ordering::SeqCst) {
            panic!("fault injection: a registration asked discovery to panic");
        }
    }
}

pub use bus::Bus;
pub use headless::{Headless, ReplayError, Replaying};
pub use launch::StageOptions;
pub use platform::{Platform, PlatformConfig, PlatformError};
pub use wire::BusEvent;

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
