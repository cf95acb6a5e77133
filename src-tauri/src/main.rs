//! The Faultline desktop app. For now a small shell: it embeds the platform with its
//! server on a random loopback port and shows the dashboard in a native window. The
//! window loads the page from that embedded server, so it uses no Tauri IPC (and is
//! granted none).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::{Arc, Mutex};

use faultline_platform::environments::{Environment, RehearsalConfig, RehearsalEnvironment};
use faultline_platform::Headless;
use tauri::{Manager, RunEvent, WebviewUrl, WebviewWindowBuilder};

/// What must be stopped when the app quits.
#[derive(Default)]
struct Running(Mutex<Option<(Headless, Arc<dyn Environment>)>>);

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,librdkafka=warn".into()),
        )
        .init();
    let app = tauri::Builder::default()
        .manage(Running::default())
        .setup(|app| {
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(error) = open_dashboard(handle).await {
                    tracing::error!("cannot start Faultline: {error:#}");
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            let running = handle
                .state::<Running>()
                .0
                .lock()
                .ok()
                .and_then(|mut r| r.take());
            if let Some((headless, environment)) = running {
                tauri::async_runtime::block_on(async move {
                    headless.stop().await;
                    environment.stop().await;
                });
            }
        }
    });
    Ok(())
}

async fn open_dashboard(handle: tauri::AppHandle) -> anyhow::Result<()> {
    let environment: Arc<dyn Environment> =
        Arc::new(RehearsalEnvironment::new(RehearsalConfig::default()));
    let headless = Headless::start("127.0.0.1:0".parse()?, environment.clone()).await?;
    let url = format!("http://{}/", headless.addr).parse()?;
    if let Ok(mut running) = handle.state::<Running>().0.lock() {
        *running = Some((headless, environment));
    }
    WebviewWindowBuilder::new(&handle, "main", WebviewUrl::External(url))
        .title("Faultline")
        .inner_size(1280.0, 800.0)
        .min_inner_size(960.0, 600.0)
        .build()?;
    Ok(())
}
