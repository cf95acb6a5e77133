//! The platform plus its server, started together: what `faultline-server` runs and what
//! the integration tests start and stop in-process.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::environments::{self, Environment};
use crate::launch::{Launcher, StageOptions};
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
