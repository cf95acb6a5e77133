//! "Open recording…": the presenter picks a recording in a dialog and it plays in a window
//! of its own, served by a replay server on loopback (the same page, REPLAY in its header,
//! with pause, 1×/2×/4× and a seek bar). The live window and its environment are untouched;
//! closing the replay's window stops its server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use faultline_platform::Replaying;
use tauri::{AppHandle, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;

/// The replay windows opened so far, for their labels.
static OPENED: AtomicU64 = AtomicU64::new(0);

/// Opens the file dialog on the recordings folder; plays the chosen file in a new window.
/// Answers the file's name, or null when the presenter cancelled. Errors (a sentence): the
/// file is not a readable recording, or no window could be opened.
#[tauri::command]
pub async fn open_recording(app: AppHandle) -> Result<Option<String>, String> {
    let (chosen, picked) = oneshot::channel();
    app.dialog()
        .file()
        .set_title("Open a Faultline recording")
        .set_directory(recordings_folder())
        .add_filter("Faultline recording", &["zst"])
        .pick_file(move |file| {
            let _ = chosen.send(file);
        });
    let Some(file) = picked.await.ok().flatten() else {
        return Ok(None);
    };
    let path = file
        .into_path()
        .map_err(|error| format!("that is not a file on this machine: {error}"))?;
    play(&app, &path).await.map(Some)
}

/// Where the app's recordings are: the folder the dialog opens on.
fn recordings_folder() -> PathBuf {
    faultline_platform::StageOptions::for_environment("rehearsal").recordings
}

/// Serves `path`'s replay on a free loopback port and opens a window on it; the window's
/// closing stops the server.
async fn play<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<String, String> {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let replaying = Replaying::start(loopback, path, 1, None, None)
        .await
        .map_err(|error| error.to_string())?;
    let name = replaying.player.tape().file.clone();
    let url = format!("http://{}/", replaying.addr)
        .parse()
        .map_err(|error| format!("cannot open the replay's page: {error}"))?;
    let label = format!("replay-{}", OPENED.fetch_add(1, Ordering::Relaxed));
    let window = WebviewWindowBuilder::new(app, &label, WebviewUrl::External(url))
        .title(format!("Faultline — REPLAY of {name}"))
        .inner_size(1280.0, 800.0)
        .build();
    let window = match window {
        Ok(window) => window,
        Err(error) => {
            replaying.stop().await;
            return Err(format!("cannot open a window for the replay: {error}"));
        }
    };
    let serving = Mutex::new(Some(replaying));
    window.on_window_event(move |event| {
        if let WindowEvent::Destroyed = event {
            if let Some(replaying) = serving.lock().ok().and_then(|mut s| s.take()) {
                tauri::async_runtime::spawn(replaying.stop());
            }
        }
    });
    let _ = window.set_focus();
    tracing::info!(file = %path.display(), window = %label, "replaying a recording");
    Ok(name)
}
