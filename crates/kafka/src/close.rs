//! Closing librdkafka handles without letting them hang the process. A consumer's close
//! waits for its group coordinator with no limit of its own, so when the cluster is already
//! gone (a test that panicked, a broker killed for good) it can wait forever. On tokio's
//! blocking pool such a wait would also hang the runtime's shutdown, and with it the
//! process; on a thread of its own it only leaks that thread.

use std::time::Duration;

/// Drops `handle` on a thread of its own and waits for that up to `within`. False when it
/// did not finish in time (it goes on in the background).
pub async fn close_detached<T: Send + 'static>(handle: T, what: &str, within: Duration) -> bool {
    let Some(finished) = drop_on_own_thread(handle, what) else {
        return false;
    };
    let closed = tokio::time::timeout(within, finished).await.is_ok();
    if !closed {
        tracing::warn!(
            what,
            seconds = within.as_secs(),
            "did not close in time; leaving it to finish in the background"
        );
    }
    closed
}

/// Starts dropping `handle` on a new thread; the receiver hears when it is done. None when
/// no thread could be started.
fn drop_on_own_thread<T: Send + 'static>(
    handle: T,
    what: &str,
) -> Option<tokio::sync::oneshot::Receiver<()>> {
    let (done, finished) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("close {what}"))
        .spawn(move || {
            drop(handle);
            let _ = done.send(());
        });
    match spawned {
        Ok(_) => Some(finished),
        Err(error) => {
            tracing::warn!(%error, what, "cannot start a thread to close it");
            None
        }
    }
}

/// Owns a handle whose drop may block, wherever it is dropped: an aborted task or a test
/// that panicked drops it on a thread of its own instead of on an async worker, where it
/// could hang the runtime's shutdown.
pub struct ClosesDetached<T: Send + 'static> {
    handle: Option<T>,
    what: &'static str,
}

impl<T: Send + 'static> ClosesDetached<T> {
    pub fn new(handle: T, what: &'static str) -> Self {
        Self {
            handle: Some(handle),
            what,
        }
    }

    /// Closes it now, waiting up to `within`.
    pub async fn close(mut self, within: Duration) -> bool {
        match self.handle.take() {
            Some(handle) => close_detached(handle, self.what, within).await,
            None => true,
        }
    }
}

impl<T: Send + 'static> std::ops::Deref for ClosesDetached<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.handle
            .as_ref()
            .expect("only `close` takes the handle, and it consumes self")
    }
}

impl<T: Send + 'static> Drop for ClosesDetached<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            drop_on_own_thread(handle, self.what);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct SlowToClose(Duration);

    impl Drop for SlowToClose {
        fn drop(&mut self) {
            std::thread::sleep(self.0);
        }
    }

    #[tokio::test]
    async fn a_quick_close_is_waited_for_and_a_stuck_one_is_left_behind() {
        assert!(close_detached(SlowToClose(Duration::ZERO), "quick", Duration::from_secs(5)).await);
        let started = std::time::Instant::now();
        assert!(
            !close_detached(
                SlowToClose(Duration::from_secs(30)),
                "stuck",
                Duration::from_millis(200)
            )
            .await
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn dropping_the_owner_does_not_wait_for_the_close() {
        let started = std::time::Instant::now();
        drop(ClosesDetached::new(
            SlowToClose(Duration::from_secs(30)),
            "stuck",
        ));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
