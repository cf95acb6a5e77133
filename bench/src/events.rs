//! The server's `/ws` event stream as a bench client sees it: every event with the
//! instant it arrived, and waits for the first event that matches a predicate.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::sync::Notify;

/// One event: when this client received it, and the event (`type`, `seq`, `atMs`, …).
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub event: Value,
}

impl Received {
    /// The platform's publish time (`atMs`, wall-clock ms).
    pub fn at_ms(&self) -> i64 {
        self.event["atMs"].as_i64().unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.event["type"].as_str().unwrap_or_default()
    }
}

/// Everything the server streamed since `connect`, collected in the background.
pub struct EventLog {
    events: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl EventLog {
    pub async fn connect(addr: SocketAddr) -> Result<Self> {
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
            .await
            .with_context(|| format!("cannot open ws://{addr}/ws"))?;
        let events: Arc<Mutex<Vec<Received>>> = Arc::default();
        let arrived = Arc::new(Notify::new());
        let (sink, wake) = (events.clone(), arrived.clone());
        let task = tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                let at = Instant::now();
                let Ok(text) = message.to_text() else {
                    continue;
                };
                if let Ok(event) = serde_json::from_str::<Value>(text) {
                    sink.lock().unwrap().push(Received { at, event });
                    wake.notify_waiters();
                }
            }
        });
        Ok(Self {
            events,
            arrived,
            task,
        })
    }

    /// How many events have arrived: an index to wait from.
    pub fn len(&self) -> usize {
        self.events.lock().unwrap().len()
    }

    /// Whether the server closed the stream (it stopped or crashed): nothing more comes.
    pub fn closed(&self) -> bool {
        self.task.is_finished()
    }

    /// Events from index `from` on.
    pub fn since(&self, from: usize) -> Vec<Received> {
        let events = self.events.lock().unwrap();
        events
            .get(from..)
            .map(<[Received]>::to_vec)
            .unwrap_or_default()
    }

    /// The first event from index `from` on that `matches`, waiting up to `within`.
    /// Returns it with its index.
    pub async fn first(
        &self,
        from: usize,
        within: Duration,
        mut matches: impl FnMut(&Value) -> bool,
    ) -> Option<(usize, Received)> {
        let deadline = Instant::now() + within;
        let mut scanned = from;
        loop {
            let notified = self.arrived.notified();
            {
                let events = self.events.lock().unwrap();
                if let Some(i) = (scanned..events.len()).find(|i| matches(&events[*i].event)) {
                    return Some((i, events[i].clone()));
                }
                scanned = scanned.max(events.len());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            // Woken by the next event, or every 100 ms in case a wake-up slipped between
            // the scan and the wait.
            let _ = tokio::time::timeout(left.min(Duration::from_millis(100)), notified).await;
        }
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        self.task.abort();
    }
}
