//! Producer sidecars as a subject kind: judged by their send buffer from each signal, shown
//! as `signal` events and, when the buffer changes what it is doing, `sign` events.

use faultline_protocol::vocabulary::QueueSign;
use faultline_protocol::SidecarId;

use super::Kind;
use crate::detectors::{buffer_sign, for_producers, Detectors};
use crate::state::readings::ProducerReading;
use crate::state::SharedState;
use crate::wire::{self, Event, Observed, ProducerSignal, Subject};

pub struct Sidecars;

/// A producer's buffer as last announced: its fill, for telling filling from draining, and
/// its sign, announced on change.
#[derive(Debug, Default)]
pub struct Buffer {
    fill: Option<f64>,
    sign: Option<QueueSign>,
}

impl Kind for Sidecars {
    type Id = SidecarId;
    type Reading = ProducerReading;
    type Figures = ProducerSignal;
    type Memory = Buffer;

    fn id(reading: &ProducerReading) -> &SidecarId {
        &reading.sidecar
    }

    fn subject(id: &SidecarId) -> Subject {
        Subject::Sidecar(id.to_string())
    }

    fn detectors() -> Detectors<ProducerReading> {
        for_producers()
    }

    fn figures(reading: &ProducerReading) -> &ProducerSignal {
        &reading.signal
    }

    fn at_ms(reading: &ProducerReading) -> i64 {
        reading.signal.ts
    }

    fn record(state: &SharedState, id: &SidecarId, row: Observed<ProducerSignal>) {
        state.signals.write().insert(id.clone(), row);
    }

    fn events(buffer: &mut Buffer, reading: &ProducerReading, _: Vec<wire::Finding>) -> Vec<Event> {
        let sidecar_id = reading.sidecar.to_string();
        let fill = reading.signal.buffer_fill;
        let mut events = vec![Event::Signal {
            sidecar_id: sidecar_id.clone(),
            signal: reading.signal.clone(),
        }];
        let sign = buffer_sign(fill, buffer.fill);
        buffer.fill = Some(fill);
        if buffer.sign != Some(sign) {
            buffer.sign = Some(sign);
            events.push(Event::Sign {
                sidecar_id,
                subject: "buffer".into(),
                sign,
                value: fill,
            });
        }
        events
    }

    fn calm(reading: &ProducerReading, again: bool) -> String {
        let again = if again { " again" } else { "" };
        format!(
            "{} is STABLE{again}: its send buffer is {:.0}% full.",
            reading.sidecar,
            reading.signal.buffer_fill * 100.0
        )
    }
}
