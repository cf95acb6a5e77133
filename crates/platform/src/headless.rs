//! The platform plus its server, started together: what `faultline-server` runs and what
//! the integration tests start and stop in-process; and a recording's replay, served alone.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::environments::{self, Environment};
use crate::launch::{Launcher, StageOptions};
use crate::recording::ReadError;
use crate::replay::{Player, Tape};
use crate::scenarios::Library;
use crate::server::replay::ReplayApp;
use crate::server::{self, Access, AppState, ServerError, Token};
use crate::wire::Detection;
use crate::Bus;

/// The platform's launcher served over HTTP on one address.
pub struct Headless {
    pub addr: SocketAddr,
    /// The token API clients and the page must present, if the server needs one.
    pub token: Option<Token>,
    pub bus: Bus,
    pub launcher: Arc<Launcher>,
    stop: CancellationToken,
    server: JoinHandle<Result<(), ServerError>>,
}

impl Headless {
    /// Binds first (so a taken port fails at once), then serves while the environment and
    /// the platform come up in the background; progress arrives on the bus.
    pub async fn start(
        listen: SocketAddr,
        environment: Arc<dyn Environment>,
    ) -> Result<Self, ServerError> {
        let options = StageOptions::for_environment(environment.kind());
        Self::start_with(listen, environment, options).await
    }

    /// Serves and starts `environment` at once, as `faultline-server --env KIND` does.
    pub async fn start_with(
        listen: SocketAddr,
        environment: Arc<dyn Environment>,
        options: StageOptions,
    ) -> Result<Self, ServerError> {
        let detected = Detection {
            kind: environment.kind().to_owned(),
            reason: format!("{} was chosen when Faultline started", environment.kind()),
        };
        let launcher = Launcher::new(
            Bus::new(),
            environment,
            options,
            Arc::new(environments::create),
            detected,
        );
        let headless = Self::serve(listen, launcher).await?;
        if let Err(error) = headless.launcher.autostart().await {
            tracing::error!(%error, "environment did not start");
        }
        Ok(headless)
    }

    /// Serves a launcher as it is; the launch panel (or the API) starts an environment.
    /// Beyond loopback a token is generated (see [`Access::for_listen`]).
    pub async fn serve(listen: SocketAddr, launcher: Arc<Launcher>) -> Result<Self, ServerError> {
        Self::serve_with_token(listen, launcher, None).await
    }

    /// Serves with `token` required of API clients and the page; without one, a token is
    /// required only beyond loopback, and generated. Fails before binding when no token
    /// can be generated.
    pub async fn serve_with_token(
        listen: SocketAddr,
        launcher: Arc<Launcher>,
        token: Option<Token>,
    ) -> Result<Self, ServerError> {
        let access = Access::for_listen(listen, token).map_err(ServerError::Token)?;
        let listener = server::bind(listen).await?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
        let token = access.token().cloned();
        let app = AppState::new(launcher.clone()).with_access(access);
        let stop = CancellationToken::new();
        let server = tokio::spawn(server::serve(listener, app, stop.clone().cancelled_owned()));
        tracing::info!("Faultline listening on http://{addr}");
        Ok(Self {
            addr,
            token,
            bus: launcher.bus().clone(),
            launcher,
            stop,
            server,
        })
    }

    pub fn environment(&self) -> Arc<dyn Environment> {
        self.launcher.stage().environment.clone()
    }

    /// Reverts every fault, then stops the server and the platform; the environment is left
    /// to its owner.
    pub async fn stop(self) {
        self.launcher.shut_down(true).await;
        self.stop.cancel();
        match self.server.await {
            Ok(Err(error)) => tracing::warn!(%error, "server stopped with an error"),
            Err(error) if error.is_panic() => tracing::error!("server task panicked"),
            _ => {}
        }
    }
}

/// A recording served for replay on one address, as `faultline-server --replay FILE` runs
/// it: no environment, no platform, only the player and the replay's API.
pub struct Replaying {
    pub addr: SocketAddr,
    /// The token API clients and the page must present, if the server needs one.
    pub token: Option<Token>,
    pub player: Arc<Player>,
    stop: CancellationToken,
    server: JoinHandle<()>,
}

/// Why a replay could not start, in a sentence.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl Replaying {
    /// Reads `file` (a broken file plays up to its break), binds `listen` and starts
    /// playing at `speed` (1, 2 or 4). `scenarios_dir`: the presenter's own scenario files,
    /// listed beside the built-ins as live. Errors: the file is not a readable recording,
    /// the speed is not one of those, or the address cannot be bound.
    pub async fn start(
        listen: SocketAddr,
        file: &Path,
        speed: u32,
        token: Option<Token>,
        scenarios_dir: Option<&Path>,
    ) -> Result<Self, ReplayError> {
        let tape = Tape::load(file)?;
        let access = Access::for_listen(listen, token).map_err(ReplayError::Refused)?;
        let listener = server::bind(listen).await?;
        let addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
        let player = Player::start(tape, speed).map_err(ReplayError::Refused)?;
        let token = access.token().cloned();
        let app = ReplayApp {
            player: player.clone(),
            library: Arc::new(Library::load(scenarios_dir)),
            access: Arc::new(access),
        };
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, server::replay::router(app))
                .with_graceful_shutdown(stopped.cancelled_owned())
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "replay server stopped with an error");
            }
        });
        tracing::info!("Faultline replaying on http://{addr}");
        Ok(Self {
            addr,
            token,
            player,
            stop,
            server,
        })
    }

    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(error) = self.server.await {
            tracing::error!(%error, "replay server task failed");
        }
    }
}
