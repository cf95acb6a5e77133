//! Scenarios as data: files of timed steps and expectations (see `scenarios/` at the top of
//! the repository and docs/scenarios.md), a library of them, and the runner with its
//! stopwatch. One scenario runs at a time.

mod expectations;
mod library;
pub mod model;
mod runner;
mod scenario;
mod world;

pub use library::Library;
pub use scenario::Scenario;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::chaos::Chaos;
use crate::state::SharedState;
use crate::wire::{FileError, RunView};
use crate::Bus;
use runner::RunContext;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("there is no scenario {0}")]
    Unknown(String),
    #[error("scenario {0} is not written for the {1} environment")]
    Unsupported(String, String),
    #[error("scenario {0} is running; wait for it to finish")]
    Busy(String),
    /// The environment is not running, so no fault could act (the sentence says so).
    #[error("{0}")]
    NotRunning(String),
}

pub struct Scenarios {
    library: Library,
    chaos: Arc<Chaos>,
    bus: Bus,
    state: SharedState,
    environment: String,
    runs: Mutex<HashMap<String, Arc<Mutex<RunView>>>>,
    current: Arc<Mutex<Option<String>>>,
    next: AtomicU64,
}

impl Scenarios {
    pub fn new(
        user_dir: Option<PathBuf>,
        chaos: Arc<Chaos>,
        bus: Bus,
        state: SharedState,
        environment: &str,
    ) -> Self {
        Self {
            library: Library::load(user_dir.as_deref()),
            chaos,
            bus,
            state,
            environment: environment.to_owned(),
            runs: Mutex::default(),
            current: Arc::default(),
            next: AtomicU64::new(1),
        }
    }

    pub fn list(&self) -> Vec<&Scenario> {
        self.library.scenarios.values().collect()
    }

    pub fn errors(&self) -> &[FileError] {
        &self.library.errors
    }

    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// Starts a run in the background; its progress is on the bus and in [`Self::run`].
    pub async fn start(&self, id: &str) -> Result<String, RunError> {
        let scenario = self
            .library
            .scenarios
            .get(id)
            .cloned()
            .ok_or_else(|| RunError::Unknown(id.to_owned()))?;
        if !scenario.supports(&self.environment) {
            return Err(RunError::Unsupported(
                id.to_owned(),
                self.environment.clone(),
            ));
        }
        self.chaos
            .running()
            .await
            .map_err(|error| RunError::NotRunning(error.to_string()))?;
        let mut current = self.current.lock().await;
        if let Some(running) = current.as_ref() {
            return Err(RunError::Busy(running.clone()));
        }
        let run_id = format!(
            "run-{}-{}",
            faultline_protocol::clock::now_ms(),
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        let view = Arc::new(Mutex::new(RunView::new(
            &run_id,
            &scenario,
            &self.environment,
        )));
        self.runs.lock().await.insert(run_id.clone(), view.clone());
        *current = Some(scenario.id.clone());
        let ctx = RunContext {
            chaos: self.chaos.clone(),
            bus: self.bus.clone(),
            state: self.state.clone(),
            environment: self.environment.clone(),
        };
        let slot = self.current.clone();
        tokio::spawn(async move {
            runner::execute(ctx, scenario, view).await;
            *slot.lock().await = None;
        });
        Ok(run_id)
    }

    pub async fn run(&self, run_id: &str) -> Option<RunView> {
        let view = self.runs.lock().await.get(run_id).cloned()?;
        let view = view.lock().await.clone();
        Some(view)
    }
}
