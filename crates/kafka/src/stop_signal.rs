//! How a Faultline process is told to stop: Ctrl-C (SIGINT) or SIGTERM. Both binaries,
//! `faultline-server` and `faultline-sidecar`, wait for it the same way; it lives here
//! because this is the lowest crate both share that has a runtime.

use tokio::signal::unix::{signal, SignalKind};

/// A stop signal could not be listened for (the runtime could not install its handler).
#[derive(Debug, thiserror::Error)]
#[error("cannot listen for {signal}: {source}")]
pub struct StopSignalError {
    /// The signal, as a person names it ("Ctrl-C", "SIGTERM").
    pub signal: &'static str,
    #[source]
    pub source: std::io::Error,
}

/// Waits until the process receives Ctrl-C (SIGINT) or SIGTERM. Must run inside a tokio
/// runtime; a signal that arrived before the first poll is not seen.
pub async fn wait_for_stop_signal() -> Result<(), StopSignalError> {
    let mut term = signal(SignalKind::terminate()).map_err(|source| StopSignalError {
        signal: "SIGTERM",
        source,
    })?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.map_err(|source| StopSignalError {
            signal: "Ctrl-C",
            source,
        })?,
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn sigterm_ends_the_wait() {
        // Listening first keeps SIGTERM from killing the test process whatever the order
        // below: once tokio handles a signal, it handles it for the life of the process.
        let _keep_alive = signal(SignalKind::terminate()).expect("listen for SIGTERM");
        let mut waiting = tokio::spawn(wait_for_stop_signal());
        let pid = std::process::id().to_string();
        // The wait only sees signals sent after it starts listening, so keep sending.
        let ended = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let sent = tokio::process::Command::new("kill")
                    .args(["-TERM", &pid])
                    .status()
                    .await
                    .expect("run kill");
                assert!(sent.success(), "kill -TERM {pid} failed");
                if let Ok(joined) =
                    tokio::time::timeout(Duration::from_millis(200), &mut waiting).await
                {
                    return joined;
                }
            }
        })
        .await
        .expect("SIGTERM did not end the wait within 30 s");
        ended.expect("the wait panicked").expect("the wait failed");
    }
}
