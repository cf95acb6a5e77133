//! The platform plus its server, started together: what `faultline-server` runs and what
//! the integration tests start and stop in-process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::environments::Environment;
use crate::server::{self, AppState, ServerError};
use crate::state::SharedState;
use crate::{Bus, Platform, PlatformConfig};

pub struct Headless {
    pub addr: SocketAddr,
    pub bus: Bus,
    pub state: SharedState,
    environment: Arc<dyn Environment>,
    platform: Arc<Mutex<Option<Platform>>>,
    stop: CancellationToken,
    server: JoinHandle<Result<(), ServerError>>,
    starter: JoinHandle<()>,
}

impl Headless {
    /// Binds first (so a taken port fails at once), then serves while the environment and
    /// the platform come up in the background; progress arrives on the bus.
    pub async fn start(listen: SocketAddr, environment: Arc<dyn Environment>) -> Result<Self, ServerError> {
        let listener = server::bind(listen).await?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind { addr: listen, source })?;
        let bus = Bus::new();
        let state = SharedState::default();
        let platform = Arc::new(Mutex::new(None));
        let app = AppState {
            bus: bus.clone(),
            state: state.clone(),
            environment: environment.clone(),
            platform: platform.clone(),
            started: Instant::now(),
        };
        let stop = CancellationToken::new();
        let server = tokio::spawn(server::serve(listener, app, stop.clone().cancelled_owned()));
        tracing::info!("Faultline listening on http://{addr}");
        let starter = tokio::spawn(bring_up(environment.clone(), bus.clone(), state.clone(), platform.clone()));
        Ok(Self { addr, bus, state, environment, platform, stop, server, starter })
    }

    pub fn environment(&self) -> &Arc<dyn Environment> {
        &self.environment
    }

    /// Stops the server and the platform; the environment is left to its owner.
    pub async fn stop(self) {
        self.starter.abort();
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

async fn bring_up(environment: Arc<dyn Environment>, bus: Bus, state: SharedState, slot: Arc<Mutex<Option<Platform>>>) {
    let kafka = match environment.start(&bus).await {
        Ok(kafka) => kafka,
        Err(error) => {
            tracing::error!(%error, kind = environment.kind(), "environment did not start");
            return;
        }
    };
    let mut config = PlatformConfig::new(kafka);
    config.consumer_groups = environment.consumer_groups();
    config.broker_jmx = environment.broker_jmx().await;
    match Platform::start(config, bus, state) {
        Ok(platform) => *slot.lock().await = Some(platform),
        Err(error) => tracing::error!(%error, "platform did not start"),
    }
}
