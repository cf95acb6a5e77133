//! The event bus: every event the platform publishes, numbered and stamped in order.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::wire::{BusEvent, Event};

/// The one typed event bus, for what goes out to viewers: the WebSocket server, the desktop
/// app's forwarder and the scenario runner read the same stream. Slow readers lose the
/// oldest events and are told how many, rather than slowing the platform down; so a hand-off
/// that must not be lost (a REQUEST to the coordinator, a start-up step to the launcher)
/// goes on a channel or callback of its own instead.
#[derive(Clone)]
pub struct Bus {
    sender: broadcast::Sender<Arc<BusEvent>>,
    seq: Arc<AtomicU64>,
}

const CAPACITY: usize = 8192;

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        Self {
            sender,
            seq: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn publish(&self, event: Event) {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let event = Arc::new(BusEvent {
            seq,
            at_ms: faultline_protocol::clock::now_ms(),
            event,
        });
        // No subscribers is fine: nobody is watching yet.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BusEvent>> {
        self.sender.subscribe()
    }
}
