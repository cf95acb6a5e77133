//! The dedicated OS thread behind each endpoint.
//!
//! JNI calls block for as long as the remote JVM takes, so they never run on the async
//! runtime: each endpoint's thread owns its [`Session`] and serves requests from a channel
//! one at a time. A hung endpoint stalls only its own thread.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::error::JmxError;
use crate::session::{Op, Outcome, Session};

/// One request and where to send its answer.
pub(crate) struct Request {
    pub(crate) op: Op,
    pub(crate) reply: oneshot::Sender<Result<Outcome, JmxError>>,
}

/// Starts the thread for `url`. It runs until every sender is dropped (the last clone of
/// the client is gone) and its current call, if any, returns.
pub(crate) fn spawn(url: String) -> std::io::Result<mpsc::Sender<Request>> {
    let (tx, rx) = mpsc::channel::<Request>();
    std::thread::Builder::new()
        .name(thread_name(&url))
        .spawn(move || serve(url, rx))?;
    Ok(tx)
}

fn serve(url: String, requests: mpsc::Receiver<Request>) {
    tracing::debug!(%url, "JMX endpoint thread started");
    let mut session = Session::new(url.clone());
    while let Ok(request) = requests.recv() {
        // The caller timed out while this thread was busy; doing the call now would only
        // delay the callers queued behind it.
        if request.reply.is_closed() {
            continue;
        }
        let result =
            catch_unwind(AssertUnwindSafe(|| session.handle(&request.op))).unwrap_or_else(|_| {
                Err(JmxError::Call {
                    object_name: url.clone(),
                    detail: "the JMX endpoint thread hit an internal error (a panic in j4rs)"
                        .to_owned(),
                })
            });
        // The caller may have gone in the meantime; nobody is left to tell.
        let _ = request.reply.send(result);
    }
    session.shutdown();
    tracing::debug!(%url, "JMX endpoint thread ended");
}

/// "jmx host:port": the full name shows in panics and logs; Linux shows 15 bytes of it.
fn thread_name(url: &str) -> String {
    let endpoint = url
        .rsplit("rmi://")
        .next()
        .unwrap_or(url)
        .trim_end_matches("/jmxrmi");
    format!("jmx {endpoint}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn thread_names_show_the_endpoint() {
        assert_eq!(
            super::thread_name("service:jmx:rmi:///jndi/rmi://10.0.0.1:9999/jmxrmi"),
            "jmx 10.0.0.1:9999"
        );
    }
}
