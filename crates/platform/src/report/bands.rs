//! The run's faults as bands, from the `fault` events in its window: each from its injection
//! to its revert; a fault that replaces one on the same spot (a ramp's next step) continues
//! that band under its own name.

use serde_json::Value;

use super::record::{stamp, text};
use crate::wire::{Fault, FaultAction};

/// A replacement injected within this long of the revert before it continues its band.
const CONTINUES_WITHIN_MS: i64 = 1_500;

/// One fault of the run as drawn: its name, from its injection to its revert (the end of the
/// window when it was never reverted), in seconds from the run's first injection.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultBand {
    /// The fault's description (`broker-2 killed (SIGKILL)`); for a ramp, its last step's.
    pub name: String,
    pub from_s: f64,
    pub to_s: f64,
}

/// A band as recorded, in platform clock ms.
#[derive(Debug, Clone)]
pub(super) struct Injected {
    id: String,
    pub fault: Option<Fault>,
    name: String,
    pub from_ms: i64,
    to_ms: Option<i64>,
}

impl Injected {
    /// The band in seconds (`seconds` turns platform ms into the report's time); an open
    /// band ends at `end_ms`.
    pub fn placed(self, seconds: &impl Fn(i64) -> f64, end_ms: i64) -> FaultBand {
        FaultBand {
            name: self.name,
            from_s: seconds(self.from_ms),
            to_s: seconds(self.to_ms.unwrap_or(end_ms)),
        }
    }

    fn spot(&self) -> Option<String> {
        self.fault.as_ref().map(Fault::spot)
    }
}

/// The faults injected between `started_ms` and `finished_ms` (the run's own: one run at a
/// time), in injection order.
pub(super) fn of_run(events: &[Value], started_ms: i64, finished_ms: i64) -> Vec<Injected> {
    let mut bands: Vec<Injected> = Vec::new();
    for event in events {
        let Some((at_ms, "fault")) = stamp(event) else {
            continue;
        };
        if !(started_ms..=finished_ms).contains(&at_ms) {
            continue;
        }
        let (Some(action), Some(id)) = (
            event
                .get("action")
                .and_then(|a| serde_json::from_value::<FaultAction>(a.clone()).ok()),
            text(event, "faultId"),
        ) else {
            continue;
        };
        match action {
            FaultAction::Injected => {
                let fault: Option<Fault> = event
                    .get("fault")
                    .and_then(|f| serde_json::from_value(f.clone()).ok());
                let name = match &fault {
                    Some(fault) => fault.describe(),
                    None => text(event, "sentence").unwrap_or(id).to_owned(),
                };
                let injected = Injected {
                    id: id.to_owned(),
                    fault,
                    name,
                    from_ms: at_ms,
                    to_ms: None,
                };
                match bands
                    .iter_mut()
                    .rev()
                    .find(|band| continues(band, &injected))
                {
                    Some(band) => {
                        band.id = injected.id;
                        band.name = injected.name;
                        band.to_ms = None;
                    }
                    None => bands.push(injected),
                }
            }
            FaultAction::Reverted => {
                if let Some(band) = bands
                    .iter_mut()
                    .find(|band| band.id == id && band.to_ms.is_none())
                {
                    band.to_ms = Some(at_ms);
                }
            }
            FaultAction::Failed => {}
        }
    }
    bands
}

/// Whether `next` replaces `band`'s fault: the same spot, just after `band`'s revert (or
/// while it is still open).
fn continues(band: &Injected, next: &Injected) -> bool {
    band.spot().is_some_and(|spot| Some(spot) == next.spot())
        && band
            .to_ms
            .is_none_or(|to| next.from_ms - to <= CONTINUES_WITHIN_MS)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fault(at_ms: i64, action: &str, id: &str, ms: u32) -> Value {
        json!({"seq": 1, "atMs": at_ms, "type": "fault", "action": action, "faultId": id,
               "fault": {"kind": "latency", "broker": 1, "ms": ms, "jitter": 0},
               "sentence": "s"})
    }

    #[test]
    fn a_ramp_is_one_band_named_by_its_last_step_and_outside_faults_are_left_out() {
        let events = vec![
            fault(500, "injected", "f0", 50),
            fault(1_000, "injected", "f1", 100),
            fault(4_000, "reverted", "f1", 100),
            fault(4_010, "injected", "f2", 400),
            fault(9_000, "reverted", "f2", 400),
            json!({"atMs": 9_500, "type": "fault", "action": "injected"}),
        ];
        let bands: Vec<FaultBand> = of_run(&events, 900, 10_000)
            .into_iter()
            .map(|band| band.placed(&|ms| ms as f64 / 1000.0, 10_000))
            .collect();
        assert_eq!(
            bands,
            [FaultBand {
                name: "400 ms of latency to broker-1".into(),
                from_s: 1.0,
                to_s: 9.0,
            }]
        );
    }

    #[test]
    fn a_fault_never_reverted_lasts_to_the_end_of_the_window() {
        let events = vec![json!({"atMs": 2_000, "type": "fault", "action": "injected",
            "faultId": "f1", "fault": {"kind": "odd"}, "sentence": "Injected: something."})];
        let bands = of_run(&events, 0, 5_000);
        assert!(bands[0].fault.is_none());
        let band = bands[0].clone().placed(&|ms| ms as f64 / 1000.0, 8_000);
        assert_eq!(
            (band.name.as_str(), band.to_s),
            ("Injected: something.", 8.0)
        );
    }
}
