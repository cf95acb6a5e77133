//! The Faultline desktop app: the platform runs inside it (no server process, no port),
//! and the window talks to it over Tauri IPC. The launch panel picks and starts the
//! environment; quitting reverts every fault and stops what the app started, unless the
//! presenter chose to leave it running.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod export;
mod ipc;
mod replay;

use std::sync::Arc;

use faultline_platform::environments::{self, EnvironmentFactory, SidecarCommand, StartRequest};
use faultline_platform::launch::{self, Launcher};
use faultline_platform::server::{self, AppState};
use tauri::{Manager, RunEvent};
use tauri_plugin_shell::ShellExt;

/// `faultline --start` starts the detected environment at once instead of waiting for the
/// launch panel's Start (what `make run` does).
const START_FLAG: &str = "--start";

/// The sidecar binary as `bundle.externalBin` names it without its directory: Tauri
/// installs it beside the app's executable.
const SIDECAR: &str = "faultline-sidecar";

fn main() -> anyhow::Result<()> {
    faultline_jmx::quiet_j4rs_console();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,librdkafka=warn,j4rs=off".into()),
        )
        .init();
    let app = tauri::Builder::default()
        // A second launch brings the running window forward instead of starting a second
        // platform that would fight the first over ports and the fault ledger.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            ipc::api,
            replay::open_recording,
            export::export_report
        ])
        .setup(|app| {
            let launcher =
                tauri::async_runtime::block_on(create_launcher(bundled_sidecar(app.handle())))?;
            if std::env::args().any(|arg| arg == START_FLAG) {
                let starting = launcher.clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(error) = starting.autostart().await {
                        tracing::error!(%error, "the detected environment did not start");
                    }
                });
            }
            app.manage(ipc::Api(server::router(AppState::new(launcher.clone()))));
            tauri::async_runtime::spawn(ipc::forward_events(
                app.handle().clone(),
                launcher.bus().clone(),
            ));
            app.manage(launcher);
            tauri::async_runtime::spawn(exit_on_signal(app.handle().clone()));
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            let launcher = handle.state::<Arc<Launcher>>().inner().clone();
            let keep = launcher.status().leave_running_on_quit;
            tracing::info!(
                leave_running = keep,
                "quitting: reverting faults{}",
                if keep {
                    ""
                } else {
                    " and stopping the environment"
                }
            );
            tauri::async_runtime::block_on(launcher.shut_down(keep));
        }
    });
    Ok(())
}

/// The launcher on the detected environment, not started: the presenter starts it from the
/// launch panel. Every environment it builds starts sidecars with `sidecar`.
async fn create_launcher(sidecar: SidecarCommand) -> anyhow::Result<Arc<Launcher>> {
    let detected = launch::detect(&environments::Host::survey());
    tracing::info!(kind = %detected.kind, reason = %detected.reason, "environment");
    let request = StartRequest {
        kind: detected.kind.clone(),
        ..StartRequest::default()
    };
    let factory: EnvironmentFactory = Arc::new(move |request: &StartRequest| {
        let mut request = request.clone();
        request.sidecar = Some(sidecar.clone());
        environments::create(&request)
    });
    Launcher::for_detected(detected, request, factory, None).map_err(anyhow::Error::msg)
}

/// The bundled `faultline-sidecar`, resolved by tauri-plugin-shell's sidecar API. The
/// platform takes the plugin's command as a `std::process::Command` and spawns it itself:
/// it keeps each process's pid and start time in its stack file and its output in a log,
/// which is how a restarted Faultline adopts or stops exactly its own processes.
fn bundled_sidecar(app: &tauri::AppHandle) -> SidecarCommand {
    let app = app.clone();
    SidecarCommand::new("bundled with the app", move || {
        app.shell()
            .sidecar(SIDECAR)
            .map(std::process::Command::from)
            .map_err(|error| format!("the app's bundled {SIDECAR} cannot be found: {error}"))
    })
}

/// SIGTERM or Ctrl-C quit the app the same way closing its window does, so faults are
/// reverted and the environment stopped even when a session ends or a terminal closes.
async fn exit_on_signal(app: tauri::AppHandle) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        tracing::warn!("cannot listen for SIGTERM; quit from the window");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("asked to stop by a signal");
    app.exit(0);
}
