//! The run's results: every figure with its floor, ratio and target, printed as Markdown
//! and written as JSON (`bench/results/latest.json`, schema 1, docs/benchmarks.md).

use std::fmt::Write as _;

use serde::Serialize;

use crate::machine::Machine;
use crate::stats::Summary;

/// What a figure's numbers count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Milliseconds (a latency or a duration).
    Ms,
    /// Mebibytes (memory).
    MiB,
    /// Records or events per second.
    PerS,
    /// Megabytes, 10^6 bytes (file sizes, as package managers show them).
    MB,
    /// Frames per second.
    Fps,
}

impl Unit {
    fn format(self, value: f64) -> String {
        match self {
            Unit::Ms if value >= 10_000.0 => format!("{:.1} s", value / 1000.0),
            Unit::Ms if value >= 1000.0 => format!("{:.2} s", value / 1000.0),
            Unit::Ms if value >= 10.0 => format!("{value:.0} ms"),
            Unit::Ms => format!("{value:.2} ms"),
            Unit::PerS => format!("{}/s", thousands(value)),
            Unit::MiB => format!("{value:.1} MiB"),
            Unit::MB => format!("{value:.1} MB"),
            Unit::Fps => format!("{value:.1} fps"),
        }
    }
}

/// A whole number with thousands separated by commas.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The lower bound a figure is compared with, measured in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct Floor {
    pub median: f64,
    pub p95: f64,
    /// What the floor is made of, e.g. "broker poll 1000 ms + produce→consume 21 ms".
    pub what: String,
}

/// A goal from the issue, reported against and never asserted.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// As the table prints it, e.g. "≤ 2 s p95, ≤ 1.5× floor".
    pub text: String,
    /// The p95 must be at most this (in the figure's unit).
    pub p95_at_most: Option<f64>,
    /// The median must be at least this (throughputs).
    pub median_at_least: Option<f64>,
    /// The median must be at most this many times the floor's median.
    pub ratio_at_most: Option<f64>,
}

impl Target {
    pub fn p95_at_most(text: &str, limit: f64) -> Self {
        Self {
            text: text.into(),
            p95_at_most: Some(limit),
            median_at_least: None,
            ratio_at_most: None,
        }
    }

    pub fn median_at_least(text: &str, limit: f64) -> Self {
        Self {
            text: text.into(),
            p95_at_most: None,
            median_at_least: Some(limit),
            ratio_at_most: None,
        }
    }

    pub fn with_ratio_at_most(mut self, ratio: f64) -> Self {
        self.ratio_at_most = Some(ratio);
        self
    }

    /// Whether the summary (and its ratio to the floor) meets every bound; None when a
    /// bound has nothing to be checked against.
    fn met(&self, summary: &Summary, ratio: Option<f64>) -> Option<bool> {
        let mut met = true;
        if let Some(limit) = self.p95_at_most {
            met &= summary.p95 <= limit;
        }
        if let Some(limit) = self.median_at_least {
            met &= summary.median >= limit;
        }
        if let Some(limit) = self.ratio_at_most {
            met &= ratio? <= limit;
        }
        Some(met)
    }
}

/// Most samples a figure keeps in the JSON.
const KEPT_SAMPLES: usize = 200;

/// One row of the table.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// Stable across runs, e.g. `detection/rehearsal/broker-failure/detect`.
    pub id: String,
    pub group: String,
    pub env: String,
    /// What is measured, from what to what.
    pub what: String,
    pub unit: Unit,
    #[serde(flatten)]
    pub summary: Option<Summary>,
    /// Every sample, unless there are more than [`KEPT_SAMPLES`] (the pipeline's tens of
    /// thousands): then none, and the summary stands for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<f64>,
    pub floor: Option<Floor>,
    /// How many times worse than the floor the median is: figure ÷ floor for times,
    /// floor ÷ figure for rates (1.0 is the floor; above is slower).
    pub ratio: Option<f64>,
    pub target: Option<Target>,
    pub met: Option<bool>,
    /// The timers and windows the figure waits on, named.
    pub waits_on: String,
}

impl Figure {
    pub fn new(id: &str, env: &str, what: &str, unit: Unit, samples: Vec<f64>) -> Self {
        Self {
            id: id.into(),
            group: id.split('/').next().unwrap_or(id).into(),
            env: env.into(),
            what: what.into(),
            unit,
            summary: Summary::of(&samples),
            samples: if samples.len() > KEPT_SAMPLES {
                Vec::new()
            } else {
                samples
            },
            floor: None,
            ratio: None,
            target: None,
            met: None,
            waits_on: String::new(),
        }
    }

    pub fn floor(mut self, floor: Option<Floor>) -> Self {
        self.floor = floor;
        self.settle();
        self
    }

    pub fn target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self.settle();
        self
    }

    pub fn waits_on(mut self, text: impl Into<String>) -> Self {
        self.waits_on = text.into();
        self
    }

    fn settle(&mut self) {
        self.ratio = match (&self.summary, &self.floor) {
            // A rate is worse when smaller: its ratio is the floor ÷ the figure.
            (Some(s), Some(f)) if self.unit == Unit::PerS && s.median > 0.0 => {
                Some(f.median / s.median)
            }
            (Some(s), Some(f)) if f.median > 0.0 => Some(s.median / f.median),
            _ => None,
        };
        self.met = match (&self.target, &self.summary) {
            (Some(t), Some(s)) => t.met(s, self.ratio),
            _ => None,
        };
    }
}

/// Seconds a launch step took, per environment (where start-up time goes).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepTime {
    pub env: String,
    pub step: String,
    #[serde(flatten)]
    pub summary: Option<Summary>,
}

/// A figure the run could not take, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub schema: u32,
    /// `quick`, `full` or `smoke`.
    pub mode: String,
    /// `release` or `debug` (debug figures are not comparable with release ones).
    pub build: String,
    pub machine: Machine,
    pub duration_s: f64,
    pub figures: Vec<Figure>,
    pub startup_steps: Vec<StepTime>,
    /// Extra tables a section adds (ingest's rate steps), each already as Markdown rows.
    pub tables: Vec<Table>,
    pub skipped: Vec<Skipped>,
}

/// A small extra table: a title, column names and rows of cells.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Faultline benchmarks ({} run, {} build)\n",
            self.mode, self.build
        );
        let _ = writeln!(
            out,
            "- machine: {} · {} · {} cores · {:.1} GiB RAM · Linux {}",
            m.host,
            m.cpu,
            m.cores,
            m.memory_mib as f64 / 1024.0,
            m.kernel
        );
        let _ =
            writeln!(
            out,
            "- date: {} · commit {}{} · {:.0} s · load average {} at the start, {} at the end\n",
            m.date,
            m.commit,
            if m.dirty { " (with uncommitted changes)" } else { "" },
            self.duration_s,
            m.load_start,
            m.load_end
        );
        out.push_str(
            "| figure | env | n | median | p95 | floor | ratio | target | met | waits on |\n",
        );
        out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for f in &self.figures {
            let (n, median, p95) = match &f.summary {
                Some(s) => (
                    s.n.to_string(),
                    f.unit.format(s.median),
                    f.unit.format(s.p95),
                ),
                None => ("0".into(), "—".into(), "—".into()),
            };
            let floor = f
                .floor
                .as_ref()
                .map(|fl| format!("{} ({})", f.unit.format(fl.median), fl.what))
                .unwrap_or_else(|| "—".into());
            let ratio = f
                .ratio
                .map(|r| format!("{r:.2}×"))
                .unwrap_or_else(|| "—".into());
            let target = f
                .target
                .as_ref()
                .map(|t| t.text.clone())
                .unwrap_or_else(|| "—".into());
            let met = match f.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            };
            let _ = writeln!(
                out,
                "| {}: {} | {} | {n} | {median} | {p95} | {floor} | {ratio} | {target} | {met} | {} |",
                f.id, f.what, f.env, cell(&f.waits_on)
            );
        }
        if !self.startup_steps.is_empty() {
            out.push_str("\n### Where start-up time goes (launch panel steps)\n\n| env | step | median | n |\n| --- | --- | --- | --- |\n");
            for s in &self.startup_steps {
                let (median, n) = s
                    .summary
                    .as_ref()
                    .map(|x| (Unit::Ms.format(x.median), x.n))
                    .unwrap_or(("—".into(), 0));
                let _ = writeln!(out, "| {} | {} | {median} | {n} |", s.env, cell(&s.step));
            }
        }
        for table in &self.tables {
            let _ = writeln!(out, "\n### {}\n", table.title);
            let _ = writeln!(out, "| {} |", table.columns.join(" | "));
            let _ = writeln!(out, "|{}", " --- |".repeat(table.columns.len()));
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
        if !self.skipped.is_empty() {
            out.push_str("\n### Not measured in this run\n\n");
            for s in &self.skipped {
                let _ = writeln!(out, "- {}: {}", s.id, s.reason);
            }
        }
        out
    }
}

/// Text made safe for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floor(median: f64) -> Option<Floor> {
        Some(Floor {
            median,
            p95: median,
            what: "poll".into(),
        })
    }

    #[test]
    fn ratio_and_target_follow_the_samples() {
        let f = Figure::new(
            "detection/rehearsal/x/detect",
            "rehearsal",
            "w",
            Unit::Ms,
            vec![900.0, 1000.0, 1100.0],
        )
        .floor(floor(500.0))
        .target(Target::p95_at_most("≤ 2 s p95, ≤ 1.5× floor", 2000.0).with_ratio_at_most(1.5));
        assert_eq!(f.group, "detection");
        assert!((f.ratio.unwrap() - 2.0).abs() < 0.01, "{f:?}");
        assert_eq!(f.met, Some(false), "2× the floor misses 1.5×");
        let near = Figure::new("d", "e", "w", Unit::Ms, vec![600.0])
            .floor(floor(500.0))
            .target(Target::p95_at_most("t", 2000.0).with_ratio_at_most(1.5));
        assert_eq!(near.met, Some(true));
    }

    #[test]
    fn a_rate_below_its_floor_has_a_ratio_above_one() {
        let f = Figure::new("ingest/x", "e", "w", Unit::PerS, vec![100.0]).floor(floor(400.0));
        assert!((f.ratio.unwrap() - 4.0).abs() < 0.01, "{f:?}");
    }

    #[test]
    fn a_figure_without_samples_prints_dashes_and_no_verdict() {
        let f = Figure::new("ingest/x", "rehearsal", "w", Unit::PerS, vec![])
            .target(Target::median_at_least("≥ 50,000/s", 50_000.0));
        assert_eq!(f.met, None);
        assert_eq!(f.ratio, None);
    }

    #[test]
    fn units_print_readably() {
        assert_eq!(Unit::Ms.format(812.4), "812 ms");
        assert_eq!(Unit::Ms.format(1234.0), "1.23 s");
        assert_eq!(Unit::Ms.format(0.456), "0.46 ms");
        assert_eq!(Unit::MiB.format(45.25), "45.2 MiB");
        assert_eq!(Unit::PerS.format(52_345.0), "52,345/s");
        assert_eq!(Unit::PerS.format(999.0), "999/s");
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
