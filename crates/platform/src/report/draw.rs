//! The report's layout, drawn on any plotters backend (SVG or bitmap): the story on top, the
//! watched metrics and the conditions strip on one time axis with the fault bands and the
//! detection and recovery markers, and below them the stopwatch (with typical alerting
//! beside the detection time) and every expectation's verdict.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::labels::{self, detection_marker, recovery_marker, stopwatch_lines};
use super::palette::{self, BAND, BAND_OPACITY, BORDER, DETECTED, HEALED, MUTED, RECOVERED, TEXT};
use super::record::RunRecord;
use super::{font, HEIGHT, WIDTH};
use crate::wire::RunStatus;

type Area<DB> = DrawingArea<DB, Shift>;
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The page's margin, px.
const PAD: i32 = 28;
/// Where the charts start and how tall they are together, px.
const CHARTS_TOP: i32 = 150;
const CHARTS_HEIGHT: i32 = 470;
/// Where the stopwatch and the verdicts start, px.
const RESULTS_TOP: i32 = 640;
/// The width of the charts' value labels (the conditions strip's subject names), px.
const LABELS_WIDTH: i32 = 240;
/// A conditions strip row's height under metrics, and alone at most, px; and the time axis
/// under the strip.
const ROW_HEIGHT: i32 = 34;
const ROW_HEIGHT_ALONE: i32 = 64;
const AXIS_HEIGHT: i32 = 44;

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

fn style(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (font::FAMILY, size).into_font().color(color)
}

fn bold(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (font::FAMILY, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(color)
}

/// Draws the whole report on `root` ([`WIDTH`] × [`HEIGHT`]).
pub fn report<DB: DrawingBackend>(root: &Area<DB>, record: &RunRecord) -> Result<(), String> {
    font::ensure()?;
    root.fill(&palette::BACKGROUND).map_err(failed)?;
    header(root, record)?;
    charts(root, record)?;
    stopwatch(root, record)?;
    verdicts(root, record)?;
    let footer = format!(
        "Faultline {} · drawn from the run's recorded events · times in seconds from the first injection",
        env!("CARGO_PKG_VERSION")
    );
    text(root, &footer, (PAD, HEIGHT as i32 - 26), style(13, &MUTED))?;
    root.present().map_err(failed)
}

fn text<DB: DrawingBackend>(
    area: &Area<DB>,
    words: &str,
    at: (i32, i32),
    style: TextStyle<'_>,
) -> Result<(), String> {
    area.draw(&Text::new(words.to_owned(), at, style))
        .map_err(failed)
}

/// `words` broken into lines no wider than `width` px, at most `max` (the last one cut with
/// an ellipsis when more would be needed).
fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    words: &str,
    style: &TextStyle<'_>,
    width: u32,
    max: usize,
) -> Result<Vec<String>, String> {
    let fits = |line: &str| {
        area.estimate_text_size(line, style)
            .map(|(w, _)| w <= width)
            .map_err(failed)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in words.split_whitespace() {
        let longer = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || fits(&longer)? {
            line = longer;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
    }
    lines.push(line);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && !fits(&format!("{last} …"))? {
                last.pop();
            }
            last.push_str(" …");
        }
    }
    Ok(lines)
}

fn header<DB: DrawingBackend>(root: &Area<DB>, record: &RunRecord) -> Result<(), String> {
    let run = &record.run;
    let (verdict, tone) = match run.status {
        RunStatus::Passed => ("PASSED", palette::OK),
        RunStatus::Failed => ("FAILED", palette::BAD),
        RunStatus::Running => ("RUNNING", palette::WARN),
    };
    let right = WIDTH as i32 - PAD;
    root.draw(&Text::new(
        verdict,
        (right, 26),
        bold(26, &tone).pos(Pos::new(HPos::Right, VPos::Top)),
    ))
    .map_err(failed)?;
    text(root, &run.title, (PAD, 22), bold(34, &TEXT))?;
    let story = style(19, &TEXT);
    for (n, line) in wrap(
        root,
        &run.summary,
        &story,
        (WIDTH as i32 - 2 * PAD) as u32,
        2,
    )?
    .iter()
    .enumerate()
    {
        text(root, line, (PAD, 68 + 24 * n as i32), story.clone())?;
    }
    let started = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis(u64::try_from(run.started_at_ms).unwrap_or(0));
    let meta = format!(
        "{} · {} · {} · started {} UTC",
        run.scenario_id,
        run.environment,
        run.run_id,
        humantime::format_rfc3339_seconds(started)
            .to_string()
            .replace('T', " ")
            .trim_end_matches('Z')
    );
    text(root, &meta, (PAD, 120), style(15, &MUTED))
}

/// The metric panels and the conditions strip, stacked on one time axis.
fn charts<DB: DrawingBackend>(root: &Area<DB>, record: &RunRecord) -> Result<(), String> {
    let rows = record.conditions.len() as i32;
    let panels = record.series.len() as i32;
    let row_height = if panels == 0 {
        ROW_HEIGHT_ALONE
    } else {
        ROW_HEIGHT
    };
    let strip = (rows.max(1) * row_height + AXIS_HEIGHT + 40).min(if panels == 0 {
        CHARTS_HEIGHT
    } else {
        CHARTS_HEIGHT / 2
    });
    let panel_height = if panels == 0 {
        0
    } else {
        (CHARTS_HEIGHT - strip) / panels
    };
    let width = WIDTH as i32 - 2 * PAD;
    for (n, series) in record.series.iter().enumerate() {
        let area = root.clone().shrink(
            (PAD, CHARTS_TOP + n as i32 * panel_height),
            (width, panel_height),
        );
        let top = series
            .points
            .iter()
            .map(|(_, y)| *y)
            .chain(series.threshold)
            .fold(0.0_f64, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .margin_top(4)
            .margin_bottom(6)
            .margin_right(8)
            .caption(&series.label, style(16, &TEXT))
            .y_label_area_size(LABELS_WIDTH)
            .build_cartesian_2d(record.from_s..record.to_s, 0.0..(top * 1.15).max(1.0))
            .map_err(failed)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(4)
            .bold_line_style(BORDER)
            .light_line_style(BORDER.mix(0.0))
            .axis_style(BORDER)
            .label_style(style(14, &MUTED))
            .draw()
            .map_err(failed)?;
        backdrop(&mut chart, record, n == 0)?;
        if let Some(threshold) = series.threshold.filter(|t| *t > 0.0) {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    [(record.from_s, threshold), (record.to_s, threshold)],
                    6,
                    5,
                    MUTED.stroke_width(1),
                )))
                .map_err(failed)?;
        }
        let color = palette::LINES[n % palette::LINES.len()];
        chart
            .draw_series(LineSeries::new(
                series.points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(failed)?;
    }
    let area = root
        .clone()
        .shrink((PAD, CHARTS_TOP + panels * panel_height), (width, strip));
    conditions_strip(root, &area, record, panels == 0)
}

/// The fault bands and the markers behind a chart's lines; the top chart names them.
fn backdrop<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    record: &RunRecord,
    named: bool,
) -> Result<(), String> {
    let (bottom, top) = {
        let range = chart.y_range();
        (range.start, range.end)
    };
    chart
        .draw_series(record.faults.iter().map(|band| {
            Rectangle::new(
                [(band.from_s, bottom), (band.to_s, top)],
                BAND.mix(BAND_OPACITY).filled(),
            )
        }))
        .map_err(failed)?;
    let markers: Vec<(String, f64, RGBColor)> = [
        detection_marker(&record.run.stopwatch).map(|(label, at)| (label, at, DETECTED)),
        recovery_marker(&record.run.stopwatch).map(|(label, at)| (label, at, RECOVERED)),
    ]
    .into_iter()
    .flatten()
    .chain(
        record
            .healings
            .iter()
            .map(|(label, at)| (label.clone(), *at, HEALED)),
    )
    .collect();
    for (_, at, color) in &markers {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                [(*at, bottom), (*at, top)],
                5,
                4,
                color.stroke_width(2),
            )))
            .map_err(failed)?;
    }
    if !named {
        return Ok(());
    }
    // Names along the top, each a row lower when it would run into the one before.
    let root = chart.plotting_area().strip_coord_spec();
    let mut row_ends: Vec<i32> = Vec::new();
    let labels = record
        .faults
        .iter()
        .map(|band| (band.name.clone(), band.from_s, palette::WARN))
        .chain(markers);
    for (label, at, color) in labels {
        let (x, y) = chart.backend_coord(&(at, top));
        let look = bold(14, &color);
        let (width, height) = root.estimate_text_size(&label, &look).map_err(failed)?;
        let (x0, _) = root.get_base_pixel();
        let left = (x - x0 + 4).min(root.dim_in_pixel().0 as i32 - width as i32 - 4);
        let row = match row_ends.iter().position(|end| end + 10 <= left) {
            Some(row) => row,
            None => {
                row_ends.push(0);
                row_ends.len() - 1
            }
        };
        row_ends[row] = left + width as i32;
        let y = y - root.get_base_pixel().1 + 4 + row as i32 * (height as i32 + 4);
        text(&root, &label, (left, y), look)?;
    }
    Ok(())
}

/// Each subject's condition as coloured stretches, under the metrics, with the time axis.
fn conditions_strip<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    record: &RunRecord,
    named: bool,
) -> Result<(), String> {
    let rows = record.conditions.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(8)
        .caption("conditions", style(16, &TEXT))
        .x_label_area_size(AXIS_HEIGHT)
        .y_label_area_size(LABELS_WIDTH)
        .build_cartesian_2d(record.from_s..record.to_s, 0.0..rows)
        .map_err(failed)?;
    let seconds = |s: &f64| format!("{s:.0}");
    chart
        .configure_mesh()
        .disable_mesh()
        .y_labels(0)
        .x_labels(12)
        .x_label_formatter(&seconds)
        .x_desc("seconds from the first injection")
        .axis_style(BORDER)
        .label_style(style(14, &MUTED))
        .axis_desc_style(style(14, &MUTED))
        .draw()
        .map_err(failed)?;
    backdrop(&mut chart, record, named)?;
    for (n, row) in record.conditions.iter().enumerate() {
        let (low, high) = (rows - n as f64 - 0.85, rows - n as f64 - 0.15);
        chart
            .draw_series(row.segments.iter().map(|segment| {
                Rectangle::new(
                    [(segment.from_s, low), (segment.to_s, high)],
                    palette::condition(segment.condition).filled(),
                )
            }))
            .map_err(failed)?;
        for segment in &row.segments {
            let (x0, y0) = chart.backend_coord(&(segment.from_s, high));
            let (x1, _) = chart.backend_coord(&(segment.to_s, high));
            // Every condition is one word; its wire name is that word in capitals.
            let name = format!("{:?}", segment.condition).to_uppercase();
            let label = style(13, &palette::BACKGROUND);
            let (w, _) = root.estimate_text_size(&name, &label).map_err(failed)?;
            if x1 - x0 > w as i32 + 10 {
                text(root, &name, (x0 + 5, y0 + 5), label)?;
            }
        }
        let (_, middle) = chart.backend_coord(&(record.from_s, (low + high) / 2.0));
        root.draw(&Text::new(
            row.subject.clone(),
            (PAD + LABELS_WIDTH - 10, middle),
            style(15, &TEXT).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(failed)?;
    }
    if record.conditions.is_empty() {
        let (x, y) = chart.backend_coord(&(record.from_s, rows / 2.0));
        text(
            root,
            "no condition recorded in this window",
            (x + 10, y - 8),
            style(15, &MUTED),
        )?;
    }
    Ok(())
}

/// The stopwatch, with typical alerting beside the detection time.
fn stopwatch<DB: DrawingBackend>(root: &Area<DB>, record: &RunRecord) -> Result<(), String> {
    let column = 540;
    text(root, "STOPWATCH", (PAD, RESULTS_TOP), bold(15, &MUTED))?;
    let [detected, healed, recovered] = stopwatch_lines(&record.run.stopwatch);
    let mut y = RESULTS_TOP + 26;
    text(root, &detected, (PAD, y), bold(24, &DETECTED))?;
    y += 34;
    if let Some(alerting) = record.alert_window {
        let note = style(15, &MUTED);
        for line in wrap(root, alerting.note, &note, column, 3)? {
            text(root, &line, (PAD, y), note.clone())?;
            y += 20;
        }
        y += 8;
    }
    text(root, &healed, (PAD, y), bold(20, &TEXT))?;
    text(root, &recovered, (PAD, y + 30), bold(20, &RECOVERED))
}

/// Every expectation, met or missed (with when), those that do not apply here, and why the
/// run failed.
fn verdicts<DB: DrawingBackend>(root: &Area<DB>, record: &RunRecord) -> Result<(), String> {
    let left = PAD + 580;
    let width = (WIDTH as i32 - PAD - left) as u32;
    text(root, "EXPECTATIONS", (left, RESULTS_TOP), bold(15, &MUTED))?;
    let mut lines: Vec<(String, RGBColor)> = record
        .run
        .expectations
        .iter()
        .map(|e| match (e.met, e.after_ms) {
            (true, Some(after)) => (
                format!("✓ {} (met after {})", e.text, labels::seconds(after)),
                palette::OK,
            ),
            (true, None) => (format!("✓ {}", e.text), palette::OK),
            (false, _) => (format!("✗ {} (missed)", e.text), palette::BAD),
        })
        .collect();
    lines.extend(
        record
            .run
            .skipped
            .iter()
            .map(|text| (format!("– {text} (does not apply here)"), MUTED)),
    );
    if let Some(reason) = &record.run.reason {
        lines.push((reason.clone(), palette::BAD));
    }
    let mut y = RESULTS_TOP + 28;
    let bottom = HEIGHT as i32 - 40;
    for (line, color) in lines {
        let look = style(16, &color);
        for part in wrap(root, &line, &look, width, 2)? {
            if y + 20 > bottom {
                return Ok(());
            }
            text(root, &part, (left, y), look.clone())?;
            y += 22;
        }
        y += 4;
    }
    Ok(())
}
