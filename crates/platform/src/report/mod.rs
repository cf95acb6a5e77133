//! Run reports: one finished scenario run drawn as a picture (PNG or SVG) from its recorded
//! events — the story, the metrics its expectations watch, the faults, the stopwatch and the
//! verdicts — for a presenter to hand out after a demo. Source-agnostic: give it the events
//! of a live session's recording or of a recording being replayed. docs/reports.md shows one.

mod alerts;
mod bands;
#[cfg(test)]
mod checks;
mod conditions;
mod draw;
mod font;
mod labels;
mod palette;
mod record;
mod series;
#[cfg(test)]
mod tests;

pub use alerts::{AlertWindow, ALERT_WINDOWS};
pub use bands::FaultBand;
pub use conditions::{ConditionRow, Segment};
pub use labels::{detection_marker, recovery_marker, stopwatch_lines};
pub use palette::BAND_HEX;
pub use record::{RunRecord, MARGIN_MS};
pub use series::Series;

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};

/// Every report's size in pixels (the SVG's view box too): readable at this width.
pub const WIDTH: u32 = 1200;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 900;

/// Why a run's report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// None of the events belongs to the run.
    #[error("there is no run {0} in the recorded events")]
    UnknownRun(String),
    /// Its `finished` event is not (yet) among the events.
    #[error("run {0} has not finished in the recorded events: its result is not there yet")]
    NotFinished(String),
    /// Its `finished` event carries no readable result.
    #[error("run {run_id}'s recorded result cannot be read: {reason}")]
    BadResult { run_id: String, reason: String },
    /// Drawing or encoding failed.
    #[error("the report of run {run_id} could not be drawn: {reason}")]
    Draw { run_id: String, reason: String },
}

/// The report as an SVG document, [`WIDTH`] × [`HEIGHT`].
pub fn render_svg(record: &RunRecord) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw::report(&area, record).map_err(|reason| drawing_failed(record, reason))?;
    }
    Ok(svg)
}

/// The report as a PNG image, [`WIDTH`] × [`HEIGHT`], 8-bit RGB.
pub fn render_png(record: &RunRecord) -> Result<Vec<u8>, ReportError> {
    let mut pixels = vec![0_u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw::report(&area, record).map_err(|reason| drawing_failed(record, reason))?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .map_err(|error| drawing_failed(record, format!("PNG encoding: {error}")))?;
    Ok(png)
}

fn drawing_failed(record: &RunRecord, reason: String) -> ReportError {
    ReportError::Draw {
        run_id: record.run.run_id.clone(),
        reason,
    }
}
