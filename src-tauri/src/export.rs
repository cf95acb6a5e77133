//! "Export report" in the app: the finished run's report, PNG and SVG, drawn by the same
//! router the page calls (`GET /api/runs/{runId}/report.png` and `.svg`), written into a
//! folder the presenter picks in the system's dialog (tauri-plugin-dialog, from Rust: the
//! page is given no dialog or file system permission).

use std::path::{Path, PathBuf};

use crate::ipc::Api;
use axum::body::Body;
use axum::http::{header, Request};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// A report is a few hundred KiB; nothing from the router is trusted to be small.
const MAX_REPORT_BYTES: usize = 32 << 20;

/// Draws run `run_id`'s report, asks for a folder and writes `report.png` and `report.svg`
/// there under the names the router gives them. Answers the paths written, or None when
/// the presenter closed the dialog; errors are sentences (the run is unknown or still
/// running, the folder cannot be written).
#[tauri::command]
pub async fn export_report(
    app: AppHandle,
    state: tauri::State<'_, Api>,
    run_id: String,
) -> Result<Option<Vec<String>>, String> {
    if run_id.is_empty()
        || !run_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    {
        return Err(format!("{run_id:?} is not a run id"));
    }
    let mut files = Vec::new();
    for file in ["report.png", "report.svg"] {
        files.push(drawn(&state, &format!("/api/runs/{run_id}/{file}")).await?);
    }
    let Some(folder) = pick_folder(&app).await? else {
        return Ok(None);
    };
    let mut saved = Vec::new();
    for (name, bytes) in files {
        let path = folder.join(name);
        std::fs::write(&path, bytes)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        saved.push(path.display().to_string());
    }
    Ok(Some(saved))
}

/// `path`'s answer: its file name (from Content-Disposition) and bytes, or the router's
/// refusal sentence.
async fn drawn(state: &Api, path: &str) -> Result<(String, Vec<u8>), String> {
    let request = Request::get(path)
        .body(Body::empty())
        .map_err(|e| format!("bad request for {path}: {e}"))?;
    let (status, headers, bytes) = state.answer(request, MAX_REPORT_BYTES).await?;
    let name = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split("filename=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        // Only ever a name inside the chosen folder.
        .and_then(|name| Path::new(name).file_name())
        .map(|name| name.to_string_lossy().into_owned());
    if !status.is_success() {
        let refusal: Option<String> = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|body| body.get("error")?.as_str().map(str::to_owned));
        return Err(refusal.unwrap_or_else(|| format!("{path}: HTTP {status}")));
    }
    let name = name.ok_or_else(|| format!("{path}: the answer names no file"))?;
    Ok((name, bytes.to_vec()))
}

/// The folder the presenter picks; None when the dialog is closed without one.
async fn pick_folder(app: &AppHandle) -> Result<Option<PathBuf>, String> {
    let (answer, picked) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save the run's report (PNG and SVG) in")
        .pick_folder(move |folder| {
            // The command waits for this; if it has gone, there is no one to tell.
            let _ = answer.send(folder);
        });
    match picked.await {
        Ok(Some(folder)) => folder
            .into_path()
            .map(Some)
            .map_err(|error| format!("the chosen folder cannot be used: {error}")),
        Ok(None) | Err(_) => Ok(None),
    }
}
