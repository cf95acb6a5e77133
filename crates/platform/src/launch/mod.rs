//! The launch panel's side of the platform: which environment (detected, with the reason),
//! what blocks it (pre-flight), starting it step by step, stopping it. One `Launcher`
//! owns the current stage; the HTTP API and the desktop app both drive it.

mod detect;
mod options;
mod stage;

pub use detect::{choices, detect};
pub use options::StageOptions;
pub use stage::Stage;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use tokio::task::JoinHandle;

use crate::environments::{
    preflight, Environment, EnvironmentFactory, Host, StartRequest, StepReport, StepSink,
};
use crate::recording::{Recorder, Snapshot, SnapshotSource};
use crate::wire::{Detection, Event, LaunchState, LaunchStatus, Preflight, StepView};
use crate::Bus;

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("The {kind} environment is already {state}; stop it first.")]
    Busy { kind: String, state: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{}", .0.refusal())]
    Blocked(Preflight),
}

pub struct Launcher {
    bus: Bus,
    factory: EnvironmentFactory,
    initial_kind: String,
    initial_options: StageOptions,
    stage: RwLock<Arc<Stage>>,
    status: Mutex<LaunchStatus>,
    bring_up: Mutex<Option<JoinHandle<()>>>,
    /// Starts and stops one at a time.
    transition: tokio::sync::Mutex<()>,
    /// Records every start's events, and the presenter's named recordings.
    recorder: Recorder,
}

impl Launcher {
    /// A launcher whose first stage is `environment`, not yet started.
    pub fn new(
        bus: Bus,
        environment: Arc<dyn Environment>,
        options: StageOptions,
        factory: EnvironmentFactory,
        detected: Detection,
    ) -> Arc<Self> {
        let kind = environment.kind().to_owned();
        let stage = Arc::new(Stage::new(environment, &options, &bus));
        let ledger_unreadable = stage.chaos.unreadable().to_vec();
        let status = LaunchStatus {
            kind: kind.clone(),
            state: LaunchState::Stopped,
            detected,
            choices: Vec::new(),
            steps: Vec::new(),
            started_at_ms: None,
            error: None,
            leave_running_on_quit: false,
            ledger_unreadable,
        };
        let launcher = Arc::new_cyclic(|launcher| Self {
            recorder: Recorder::new(
                bus.clone(),
                options.recordings.clone(),
                registry_of(launcher.clone()),
            ),
            bus,
            factory,
            initial_kind: kind,
            initial_options: options,
            stage: RwLock::new(stage),
            status: Mutex::new(status),
            bring_up: Mutex::new(None),
            transition: tokio::sync::Mutex::new(()),
        });
        tokio::spawn(survey_choices(Arc::downgrade(&launcher)));
        launcher
    }

    /// A launcher on a new bus whose first stage is the detected kind, built by `factory`
    /// (the desktop app and `faultline-server` both start this way).
    pub fn for_detected(
        detected: Detection,
        request: StartRequest,
        factory: EnvironmentFactory,
        scenarios_dir: Option<std::path::PathBuf>,
    ) -> Result<Arc<Self>, String> {
        let environment = factory(&request)?;
        let mut options = StageOptions::for_environment(environment.kind());
        if scenarios_dir.is_some() {
            options.scenarios_dir = scenarios_dir;
        }
        Ok(Self::new(
            Bus::new(),
            environment,
            options,
            factory,
            detected,
        ))
    }

    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// The session recordings and the presenter's named one.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The stage the API works on: the running environment, or the last one.
    pub fn stage(&self) -> Arc<Stage> {
        self.stage.read().clone()
    }

    pub fn status(&self) -> LaunchStatus {
        self.with_status(|status| status.clone())
    }

    fn with_status<T>(&self, change: impl FnOnce(&mut LaunchStatus) -> T) -> T {
        change(&mut self.status.lock())
    }

    /// Applies a change and tells everyone the new whole status.
    fn update(&self, change: impl FnOnce(&mut LaunchStatus)) -> LaunchStatus {
        let status = self.with_status(|status| {
            change(status);
            status.clone()
        });
        self.bus.publish(Event::Launch(Box::new(status.clone())));
        status
    }

    pub fn set_leave_running_on_quit(&self, leave: bool) -> LaunchStatus {
        self.update(|status| status.leave_running_on_quit = leave)
    }

    /// The pre-flight list for a kind, without starting anything. The choices are surveyed
    /// again too: what the machine offers changes (Docker started, a port freed), and a
    /// choice greyed out at start-up could not be picked to find out.
    pub fn preflight(self: &Arc<Self>, request: &StartRequest) -> Preflight {
        let current = self.stage();
        let host = Host::survey();
        let report = if current.environment.kind() == request.kind {
            preflight::run(&request.kind, Ok(current.environment.as_ref()), &host)
        } else {
            match (self.factory)(request) {
                Ok(environment) => preflight::run(&request.kind, Ok(environment.as_ref()), &host),
                Err(why) => preflight::run(&request.kind, Err(&why), &host),
            }
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(survey_choices(Arc::downgrade(self)));
        }
        report
    }

    /// Starts the environment the first stage was made with, skipping the launch
    /// pre-flight: the command line chose it, and its own start checks what it needs.
    pub async fn autostart(self: &Arc<Self>) -> Result<LaunchStatus, LaunchError> {
        let request = StartRequest {
            kind: self.initial_kind.clone(),
            ..StartRequest::default()
        };
        self.begin(request, false).await
    }

    /// Starts an environment in the background after pre-flight; progress goes on the bus
    /// as steps and `launch` events.
    pub async fn start(
        self: &Arc<Self>,
        request: StartRequest,
    ) -> Result<LaunchStatus, LaunchError> {
        self.begin(request, true).await
    }

    async fn begin(
        self: &Arc<Self>,
        request: StartRequest,
        check: bool,
    ) -> Result<LaunchStatus, LaunchError> {
        let _one_at_a_time = self.transition.lock().await;
        let current = self.status();
        if matches!(
            current.state,
            LaunchState::Starting | LaunchState::Running | LaunchState::Stopping
        ) {
            return Err(LaunchError::Busy {
                kind: current.kind,
                state: format!("{:?}", current.state).to_lowercase(),
            });
        }
        if current.state == LaunchState::Failed {
            // A failed start may have left part of its environment running.
            let failed = self.stage();
            failed.wind_down().await;
            failed.environment.stop().await;
        }
        let stage = self.stage_for(&request)?;
        if check {
            let preflight = preflight::run(
                &request.kind,
                Ok(stage.environment.as_ref()),
                &Host::survey(),
            );
            if !preflight.ok {
                return Err(LaunchError::Blocked(preflight));
            }
        }
        *self.stage.write() = stage.clone();
        self.recorder.start_session(&request.kind).await;
        let status = self.update(|status| {
            status.kind = request.kind.clone();
            status.state = LaunchState::Starting;
            status.steps.clear();
            status.started_at_ms = Some(faultline_protocol::clock::now_ms());
            status.error = None;
            status.ledger_unreadable = stage.chaos.unreadable().to_vec();
        });
        let launcher = self.clone();
        let task = tokio::spawn(async move {
            let steps = launcher.step_sink();
            let result = stage.bring_up(&launcher.bus, &steps).await;
            launcher.update(|status| match result {
                Ok(()) => status.state = LaunchState::Running,
                Err(error) => {
                    tracing::error!(%error, kind = %status.kind, "environment did not start");
                    status.state = LaunchState::Failed;
                    status.error = Some(error.to_string());
                }
            });
        });
        *self.bring_up.lock() = Some(task);
        Ok(status)
    }

    /// Where a start reports its steps: each goes into the launch status, and on the bus
    /// for viewers as an `environment` event followed by the new `launch` status.
    fn step_sink(self: &Arc<Self>) -> StepSink {
        let launcher = Arc::downgrade(self);
        StepSink::new(move |step| {
            if let Some(launcher) = launcher.upgrade() {
                launcher.record_step(step);
            }
        })
    }

    fn record_step(&self, step: StepReport) {
        self.bus.publish(Event::Environment {
            kind: step.kind.to_owned(),
            step: step.step.clone(),
            status: step.status,
            detail: step.detail.clone(),
            elapsed_ms: step.elapsed_ms,
            percent: step.percent,
        });
        self.update(|launch| {
            launch.record_step(StepView {
                step: step.step,
                status: step.status,
                detail: step.detail,
                elapsed_ms: step.elapsed_ms,
                percent: step.percent,
            })
        });
    }

    /// The current stage when it was never started and is of the asked kind; else a new
    /// one from the factory.
    fn stage_for(&self, request: &StartRequest) -> Result<Arc<Stage>, LaunchError> {
        let current = self.stage();
        // Never started yet: the first stage may be used as it is.
        let fresh = self.status().started_at_ms.is_none();
        if fresh && current.environment.kind() == request.kind {
            return Ok(current);
        }
        let environment = (self.factory)(request).map_err(LaunchError::Invalid)?;
        let mut options = StageOptions::for_environment(environment.kind());
        if request.kind == self.initial_kind {
            options.ledger = self.initial_options.ledger.clone();
        }
        options.scenarios_dir = self.initial_options.scenarios_dir.clone();
        Ok(Arc::new(Stage::new(environment, &options, &self.bus)))
    }

    /// Reverts every fault, stops the platform and the environment.
    pub async fn stop(&self) -> LaunchStatus {
        let _one_at_a_time = self.transition.lock().await;
        if self.status().state == LaunchState::Stopped {
            return self.status();
        }
        self.update(|status| status.state = LaunchState::Stopping);
        self.abort_bring_up();
        let stage = self.stage();
        stage.wind_down().await;
        stage.environment.stop().await;
        let status = self.update(|status| status.state = LaunchState::Stopped);
        self.recorder.end_session().await;
        status
    }

    /// For quitting: faults are always reverted and the platform stopped; the environment
    /// is stopped too unless `keep_environment` (the presenter's choice, or a caller that
    /// owns it).
    pub async fn shut_down(&self, keep_environment: bool) {
        let _one_at_a_time = self.transition.lock().await;
        self.abort_bring_up();
        let stage = self.stage();
        stage.wind_down().await;
        if !keep_environment {
            stage.environment.stop().await;
        }
        self.recorder.stop_all().await;
    }

    fn abort_bring_up(&self) {
        if let Some(task) = self.bring_up.lock().take() {
            task.abort();
        }
    }
}

/// A recording's snapshot: what the launcher's current stage knows (empty once the
/// launcher is gone).
fn registry_of(launcher: std::sync::Weak<Launcher>) -> SnapshotSource {
    Arc::new(move || {
        let Some(launcher) = launcher.upgrade() else {
            return Snapshot::default();
        };
        let state = launcher.stage().state.clone();
        let discovery = state.discovery.read().clone();
        Snapshot {
            sidecars: state.sidecar_views(),
            brokers: state.broker_views(),
            consumer_groups: state.group_views(),
            discovery,
        }
    })
}

/// Works out which kinds can start here, off the async threads: the local check runs Java.
async fn survey_choices(launcher: std::sync::Weak<Launcher>) {
    let Some(factory) = launcher.upgrade().map(|l| l.factory.clone()) else {
        return;
    };
    let surveyed = tokio::task::spawn_blocking(move || {
        // Each kind as a request naming it alone would build it; one that needs more
        // (external's bootstrap) is judged without its own checks.
        choices(&Host::survey(), |kind| {
            let request = StartRequest {
                kind: kind.id.into(),
                ..StartRequest::default()
            };
            factory(&request)
                .map(|environment| environment.preflight())
                .unwrap_or_default()
        })
    })
    .await;
    if let (Ok(choices), Some(launcher)) = (surveyed, launcher.upgrade()) {
        launcher.update(|status| status.choices = choices);
    }
}
