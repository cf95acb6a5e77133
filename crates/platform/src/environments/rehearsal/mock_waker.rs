//! Wakes librdkafka's mock cluster thread while a control call waits on it, so creating a
//! topic, moving a leader or taking a broker down takes milliseconds, not up to a second.
//!
//! Why: the mock's thread sleeps in poll() until its next timer (up to 1 s), and its ops
//! queue wakes it only for the first op of each sleep (the queue's wake-up flag is reset by
//! `rd_kafka_q_mark_served`, which the mock never calls; librdkafka 2.x `rdkafka_queue.h`).
//! Every later call waited for the timer: starting the embedded cluster (5 topics, 18
//! leaders, a coordinator) took 4 s in a debug build and 7 s in a release one, measured by
//! `bench/run`. The mock serves its ops after every poll that returns, and a connection
//! to a broker's listener makes it return, so while a call is pending a helper thread
//! connects to the brokers every millisecond (every 50 ms once calls have pended 5 s).

use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    /// Calls in progress (the thread connects only while this is above zero).
    pending: usize,
    stop: bool,
}

pub struct MockWaker {
    shared: Arc<(Mutex<State>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl MockWaker {
    /// Starts the helper thread for brokers listening on `bootstrap` (`host:port,…`).
    /// Addresses that do not parse are skipped; a broker that is down refuses at once.
    pub fn start(bootstrap: &str) -> std::io::Result<Self> {
        let brokers: Vec<SocketAddr> = bootstrap
            .split(',')
            .filter_map(|a| a.parse().ok())
            .collect();
        let shared: Arc<(Mutex<State>, Condvar)> = Arc::default();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("faultline-mock-waker".into())
            .spawn(move || wake_while_pending(&state, &brokers))?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }

    /// Runs `call` (one or more calls into the mock) with the mock kept awake.
    pub fn during<T>(&self, call: impl FnOnce() -> T) -> T {
        self.change(|s| s.pending += 1);
        let result = call();
        self.change(|s| s.pending -= 1);
        result
    }

    fn change(&self, update: impl FnOnce(&mut State)) {
        let (lock, wake) = &*self.shared;
        update(&mut lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        wake.notify_all();
    }
}

/// Wake-ups come a millisecond apart; once calls have been pending this long (the mock's
/// thread starved of CPU), [`SLOW_PAUSE`] apart, so a stall cannot turn into thousands of
/// connections a second. Starting the cluster takes about 100 ms of calls.
const FAST_FOR: Duration = Duration::from_secs(5);
const SLOW_PAUSE: Duration = Duration::from_millis(50);

fn wake_while_pending(shared: &(Mutex<State>, Condvar), brokers: &[SocketAddr]) {
    let (lock, wake) = shared;
    let mut pending_since: Option<Instant> = None;
    loop {
        {
            let mut state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if state.pending == 0 {
                pending_since = None;
            }
            while state.pending == 0 && !state.stop {
                state = wake
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.stop {
                return;
            }
        }
        for broker in brokers {
            // Accepting it (or seeing it close) ends the mock's poll; what the
            // connection does after that does not matter.
            let _ = TcpStream::connect_timeout(broker, Duration::from_millis(50));
        }
        let since = *pending_since.get_or_insert_with(Instant::now);
        std::thread::sleep(if since.elapsed() < FAST_FOR {
            Duration::from_millis(1)
        } else {
            SLOW_PAUSE
        });
    }
}

impl Drop for MockWaker {
    fn drop(&mut self) {
        self.change(|s| s.stop = true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    #[test]
    fn connects_only_while_a_call_is_pending() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let waker = MockWaker::start(&listener.local_addr().unwrap().to_string()).unwrap();
        let accepted = |within: Duration| {
            let deadline = Instant::now() + within;
            let mut n = 0;
            while Instant::now() < deadline {
                if listener.accept().is_ok() {
                    n += 1;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            n
        };
        assert_eq!(
            accepted(Duration::from_millis(100)),
            0,
            "idle: no connections"
        );
        let during = waker.during(|| accepted(Duration::from_millis(100)));
        assert!(during > 0, "a pending call is kept awake");
        // Connections made just before the call ended may still be queued.
        accepted(Duration::from_millis(50));
        assert_eq!(accepted(Duration::from_millis(100)), 0, "idle again");
    }
}
