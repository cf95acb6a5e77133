//! A finished run's report as a picture: `GET /api/runs/{runId}/report.png` and
//! `/report.svg`, drawn (report/) from the current session's recording.

use std::path::PathBuf;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{refuse, AppState};
use crate::recording;
use crate::report::{self, ReportError, RunRecord};
use crate::wire::RunStatus;

/// How long a report waits for the run's `finished` event to reach the recording (it is
/// flushed every second).
const RECORDED_WITHIN: Duration = Duration::from_secs(3);
const RETRY_EVERY: Duration = Duration::from_millis(250);

#[derive(Clone, Copy)]
pub(super) enum Format {
    Png,
    Svg,
}

impl Format {
    pub(super) fn of(file: &str) -> Option<Self> {
        match file {
            "report.png" => Some(Format::Png),
            "report.svg" => Some(Format::Svg),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Svg => "image/svg+xml",
        }
    }

    pub(super) fn render(self, record: &RunRecord) -> Result<Vec<u8>, ReportError> {
        match self {
            Format::Png => report::render_png(record),
            Format::Svg => report::render_svg(record).map(String::into_bytes),
        }
    }
}

/// Why a report cannot be had now.
struct Refused(StatusCode, String);

/// `GET /api/runs/{runId}/{file}`, `file` being `report.png` or `report.svg`. 404: no such
/// run (or file); 409: the run is still running or its result is not in the recording.
pub async fn report(
    State(app): State<AppState>,
    Path((run_id, file)): Path<(String, String)>,
) -> Response {
    let Some(format) = Format::of(&file) else {
        return not_a_report();
    };
    match drawn(&app, &run_id, format).await {
        Ok((scenario_id, bytes)) => picture(format, &scenario_id, &run_id, bytes),
        Err(Refused(status, sentence)) => refuse(status, sentence),
    }
}

/// The 404 for a file of a run that is not one of its reports.
pub(super) fn not_a_report() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "a run's report is report.png or report.svg".into(),
    )
}

/// A drawn report as the answer, named after its scenario and run.
pub(super) fn picture(format: Format, scenario_id: &str, run_id: &str, bytes: Vec<u8>) -> Response {
    let name = format!(
        "faultline-{}-{}.{}",
        file_safe(scenario_id),
        file_safe(run_id),
        format.extension()
    );
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn drawn(app: &AppState, run_id: &str, format: Format) -> Result<(String, Vec<u8>), Refused> {
    let view = app.stage().scenarios.run(run_id).await.ok_or_else(|| {
        Refused(
            StatusCode::NOT_FOUND,
            "there is no such run; starting a scenario answers with its run id".into(),
        )
    })?;
    if view.status == RunStatus::Running {
        return Err(Refused(
            StatusCode::CONFLICT,
            format!("run {run_id} is still running; its report can be drawn once it has finished"),
        ));
    }
    let deadline = tokio::time::Instant::now() + RECORDED_WITHIN;
    loop {
        let files = app.launcher.recorder().session_files();
        if files.is_empty() {
            return Err(Refused(
                StatusCode::CONFLICT,
                format!(
                    "this session is not being recorded, so run {run_id}'s report cannot be drawn"
                ),
            ));
        }
        let id = run_id.to_owned();
        let attempt = tokio::task::spawn_blocking(move || {
            let record =
                RunRecord::from_events(&id, &session_events(&files)?).map_err(Attempt::Report)?;
            format
                .render(&record)
                .map(|bytes| (record.run.scenario_id, bytes))
                .map_err(Attempt::Report)
        })
        .await
        .unwrap_or_else(|error| {
            Err(Attempt::Failed(format!(
                "drawing the report failed: {error}"
            )))
        });
        match attempt {
            Ok(drawn) => return Ok(drawn),
            Err(Attempt::Report(ReportError::UnknownRun(_) | ReportError::NotFinished(_)))
                if tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(RETRY_EVERY).await;
            }
            Err(Attempt::Report(
                error @ (ReportError::UnknownRun(_) | ReportError::NotFinished(_)),
            )) => {
                return Err(Refused(
                    StatusCode::CONFLICT,
                    format!("{error}; the session's recording has no finished result of it"),
                ))
            }
            Err(Attempt::Report(error)) => {
                return Err(Refused(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    error.to_string(),
                ))
            }
            Err(Attempt::Failed(sentence)) => {
                return Err(Refused(StatusCode::INTERNAL_SERVER_ERROR, sentence))
            }
        }
    }
}

/// One try at reading and drawing.
enum Attempt {
    Report(ReportError),
    Failed(String),
}

/// Every event of the session's files, oldest first, each file up to its break (the one
/// being written ends at its last flush).
fn session_events(files: &[PathBuf]) -> Result<Vec<Value>, Attempt> {
    let mut events = Vec::new();
    for file in files {
        let recording = recording::read(file)
            .map_err(|error| Attempt::Failed(format!("the session's recording: {error}")))?;
        events.extend(recording.events);
    }
    Ok(events)
}

/// `raw` with only letters, digits, `-` and `_` kept, for a file name in a header.
fn file_safe(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}
