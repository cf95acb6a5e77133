//! Many WebSocket clients and stalled readers at once: every live client keeps receiving,
//! a reader that stops reading costs a bounded amount of memory, and the API keeps
//! answering. Prints the figures docs/reliability.md quotes (run with `--nocapture`).

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use faultline_platform::wire::Event;
use futures_util::StreamExt;

const LIVE_CLIENTS: usize = 200;
const STALLED_CLIENTS: usize = 20;
const EVENTS: usize = 20_000;
/// Each event carries a sentence this long, about the size of a busy signal event.
const SENTENCE_BYTES: usize = 1024;

/// Resident memory of this process (which hosts the server), in MiB.
fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kib / 1024.0
}

/// A client that reads every message and counts them, and remembers whether it saw `marker`.
struct LiveClient {
    received: Arc<AtomicU64>,
    saw_marker: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

async fn live_client(addr: std::net::SocketAddr, marker: &'static str) -> LiveClient {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("websocket connects");
    let received = Arc::new(AtomicU64::new(0));
    let saw_marker = Arc::new(AtomicU64::new(0));
    let (count, seen) = (received.clone(), saw_marker.clone());
    let task = tokio::spawn(async move {
        while let Some(Ok(message)) = socket.next().await {
            count.fetch_add(1, Ordering::Relaxed);
            if message.to_text().is_ok_and(|t| t.contains(marker)) {
                seen.store(1, Ordering::Relaxed);
            }
        }
    });
    LiveClient {
        received,
        saw_marker,
        task,
    }
}

fn restore_event(sentence: String) -> Event {
    Event::Restore {
        green: true,
        reverted: 0,
        sentence,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_and_stalled_readers_keep_memory_bounded() {
    init_logging();
    let (environment, _kafka) = rehearsal(&[], Duration::from_secs(1)).await;
    let platform = start_platform(environment.clone()).await;
    let before_mib = resident_mib();

    const MARKER: &str = "marker-after-the-flood";
    let mut live = Vec::new();
    for _ in 0..LIVE_CLIENTS {
        live.push(live_client(platform.addr, MARKER).await);
    }
    // Stalled readers: connected, then never read again, so their TCP windows fill and
    // the server's sends to them stop completing.
    let mut stalled = Vec::new();
    for _ in 0..STALLED_CLIENTS {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", platform.addr))
            .await
            .expect("websocket connects");
        stalled.push(socket);
    }
    let connected_mib = resident_mib();

    let flood_started = Instant::now();
    let filler = "x".repeat(SENTENCE_BYTES);
    for n in 0..EVENTS {
        platform.bus.publish(restore_event(format!("{n} {filler}")));
        if n % 500 == 0 {
            tokio::task::yield_now().await;
        }
    }
    let flood_ms = flood_started.elapsed().as_millis();

    // The API answers during and after the flood.
    let health = get_json(&platform, "/api/health").await;
    assert!(health["status"].is_string(), "health answers: {health}");

    // Once the flood is past, a new event reaches every live client, whatever the stalled
    // readers do.
    let mut marker_sent = Instant::now();
    let all_saw_marker = eventually(Duration::from_secs(60), || {
        if marker_sent.elapsed() > Duration::from_secs(2) {
            platform.bus.publish(restore_event(MARKER.into()));
            marker_sent = Instant::now();
        }
        let done = live
            .iter()
            .all(|c| c.saw_marker.load(Ordering::Relaxed) == 1);
        async move { done.then_some(()) }
    })
    .await;
    let missing = live
        .iter()
        .filter(|c| c.saw_marker.load(Ordering::Relaxed) == 0)
        .count();
    assert!(
        all_saw_marker.is_some(),
        "{missing} of {LIVE_CLIENTS} live clients never got an event published after the flood"
    );
    let after_mib = resident_mib();
    let received: Vec<u64> = live
        .iter()
        .map(|c| c.received.load(Ordering::Relaxed))
        .collect();
    let fewest = received.iter().min().copied().unwrap_or(0);
    let total: u64 = received.iter().sum();

    println!(
        "ws_clients: {LIVE_CLIENTS} live + {STALLED_CLIENTS} stalled clients, {EVENTS} events of ~{SENTENCE_BYTES} B published in {flood_ms} ms; \
         messages delivered {total} (fewest to one client {fewest}); resident memory {before_mib:.0} MiB before, \
         {connected_mib:.0} MiB connected, {after_mib:.0} MiB after the flood"
    );
    // The bus holds at most 8192 events shared by all readers (about 9 MiB at this size),
    // and each stalled socket at most its write buffer; 256 MiB over the start is a
    // generous ceiling that unbounded per-client queues (20 000 events × 220 clients,
    // over 4 GiB) would break at once.
    assert!(
        after_mib - before_mib < 256.0,
        "resident memory grew by {:.0} MiB",
        after_mib - before_mib
    );
    assert!(fewest > 0, "a live client received nothing");

    drop(stalled);
    for client in live {
        client.task.abort();
    }
    platform.stop().await;
    environment.stop().await;
}
