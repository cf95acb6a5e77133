use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::bus::BusEvent;
use crate::events::Event;

/// Waits until an event matching `wanted` arrives, or `deadline` passes (None).
pub async fn wait_for(
    events: &mut Receiver<Arc<BusEvent>>,
    deadline: Duration,
    wanted: impl Fn(&Event) -> bool,
) -> Option<Arc<BusEvent>> {
    let waiting = async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event.event) => return Some(event),
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    };
    tokio::time::timeout(deadline, waiting).await.ok().flatten()
}
