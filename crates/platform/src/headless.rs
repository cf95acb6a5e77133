//! The platform plus its server, started together: what `faultline-server` runs and what
//! the integration tests start and stop in-process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::chaos::Chaos;
use crate::environments::local::cache_dir;
use crate::environments::Environment;
use crate::scenarios::Scenarios;
use crate::server::{self, AppState, ServerError};
use crate::state::SharedState;
use crate::{Bus, Platform, PlatformConfig};

/// Where the headless platform keeps its fault ledger and finds users' scenarios.
#[derive(Debug, Clone)]
pub struct HeadlessOptions {
    pub ledger: PathBuf,
    pub scenarios_dir: Option<PathBuf>,
}

impl HeadlessOptions {
    /// The ledger under the cache directory, one per environment kind; users' scenarios
    /// in `~/.config/faultline/scenarios` when that folder exists.
    pub fn for_environment(kind: &str) -> Self {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .map(|dir| dir.join("faultline").join("scenarios"))
            .filter(|dir| dir.is_dir());
        Self {
            ledger: cache_dir()
                .join("state")
                .join(format!("faults-{kind}.json")),
            scenarios_dir: config,
        }
    }
}

pub struct Headless {
    pub addr: SocketAddr,
    pub bus: Bus,
    pub state: SharedState,
    pub chaos: Arc<Chaos>,
    pub scenarios: Arc<Scenarios>,
    environment: Arc<dyn Environment>,
    platform: Arc<Mutex<Option<Platform>>>,
    stop: CancellationToken,
    server: JoinHandle<Result<(), ServerError>>,
    starter: JoinHandle<()>,
}

impl Headless {
    /// Binds first (so a taken port fails at once), then serves while the environment and
    /// the platform come up in the background; progress arrives on the bus.
    pub async fn start(
        listen: SocketAddr,
        environment: Arc<dyn Environment>,
    ) -> Result<Self, ServerError> {
        let options = HeadlessOptions::for_environment(environment.kind());
        Self::start_with(listen, environment, options).await
    }

    pub async fn start_with(
        listen: SocketAddr,
        environment: Arc<dyn Environment>,
        options: HeadlessOptions,
    ) -> Result<Self, ServerError> {
        let listener = server::bind(listen).await?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
        let bus = Bus::new();
        let state = SharedState::default();
        let platform = Arc::new(Mutex::new(None));
        let chaos = Arc::new(Chaos::new(
            environment.clone(),
            options.ledger.clone(),
            bus.clone(),
            state.clone(),
        ));
        let scenarios = Arc::new(Scenarios::new(
            options.scenarios_dir.clone(),
            chaos.clone(),
            bus.clone(),
            state.clone(),
            environment.kind(),
        ));
        let app = AppState {
            chaos: chaos.clone(),
            scenarios: scenarios.clone(),
            bus: bus.clone(),
            state: state.clone(),
            environment: environment.clone(),
            platform: platform.clone(),
            started: Instant::now(),
        };
        let stop = CancellationToken::new();
        let server = tokio::spawn(server::serve(listener, app, stop.clone().cancelled_owned()));
        tracing::info!("Faultline listening on http://{addr}");
        let starter = tokio::spawn(bring_up(
            environment.clone(),
            bus.clone(),
            state.clone(),
            platform.clone(),
            chaos.clone(),
        ));
        Ok(Self {
            addr,
            bus,
            state,
            chaos,
            scenarios,
            environment,
            platform,
            stop,
            server,
            starter,
        })
    }

    pub fn environment(&self) -> &Arc<dyn Environment> {
        &self.environment
    }

    /// Reverts every fault, then stops the server and the platform; the environment is left
    /// to its owner.
    pub async fn stop(self) {
        self.starter.abort();
        let report = self.chaos.restore_all(Duration::ZERO).await;
        if !report.reverted.is_empty() {
            tracing::info!(
                reverted = report.reverted.len(),
                "faults reverted on the way out"
            );
        }
        self.stop.cancel();
        if let Some(platform) = self.platform.lock().await.take() {
            platform.shutdown().await;
        }
        match self.server.await {
            Ok(Err(error)) => tracing::warn!(%error, "server stopped with an error"),
            Err(error) if error.is_panic() => tracing::error!("server task panicked"),
            _ => {}
        }
    }
}

async fn bring_up(
    environment: Arc<dyn Environment>,
    bus: Bus,
    state: SharedState,
    slot: Arc<Mutex<Option<Platform>>>,
    chaos: Arc<Chaos>,
) {
    let kafka = match environment.start(&bus).await {
        Ok(kafka) => kafka,
        Err(error) => {
            tracing::error!(%error, kind = environment.kind(), "environment did not start");
            return;
        }
    };
    // Faults a crashed or killed Faultline left behind go before anything is measured.
    if let Some(report) = chaos.recover_leftovers().await {
        tracing::warn!(reverted = ?report.reverted, failed = ?report.failed, "reverted faults left behind by a previous run");
    }
    let mut config = PlatformConfig::new(kafka);
    config.consumer_groups = environment.consumer_groups();
    config.broker_jmx = environment.broker_jmx().await;
    config.environment = Some(environment.clone());
    match Platform::start(config, bus, state) {
        Ok(platform) => *slot.lock().await = Some(platform),
        Err(error) => tracing::error!(%error, "platform did not start"),
    }
}
