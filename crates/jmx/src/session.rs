//! One endpoint's connection state, owned by its worker thread: connect on demand, keep the
//! connection while it works, drop it on transport failure and reconnect after a backoff.

use std::time::Instant;

use j4rs::{Instance, Jvm};

use crate::backoff::{millis_ceil, Backoff};
use crate::calls;
use crate::classify::{Failure, Kind};
use crate::error::{tidy, JmxError};
use crate::jvm;
use crate::value::JmxValue;

/// A request, in owned form so it can cross to the worker thread.
#[derive(Debug)]
pub(crate) enum Op {
    Read {
        object_name: String,
        attributes: Vec<String>,
    },
    QueryNames {
        pattern: String,
    },
    Set {
        object_name: String,
        attribute: String,
        value: JmxValue,
    },
    Invoke {
        object_name: String,
        operation: String,
        params: Vec<JmxValue>,
    },
}

impl Op {
    /// The MBean (or pattern) the request is about, for error messages.
    fn subject(&self) -> &str {
        match self {
            Op::Read { object_name, .. }
            | Op::Set { object_name, .. }
            | Op::Invoke { object_name, .. } => object_name,
            Op::QueryNames { pattern } => pattern,
        }
    }
}

/// What a successful request produced.
#[derive(Debug)]
pub(crate) enum Outcome {
    Attributes(Vec<(String, JmxValue)>),
    Names(Vec<String>),
    Done,
    Value(JmxValue),
}

/// An open JMX connection. Both handles are JNI global references.
struct Connection {
    connector: Instance,
    server: Instance,
}

pub(crate) struct Session {
    url: String,
    // Field order matters: the connection's Java references must be released while the
    // thread is still attached, i.e. before `jvm` is dropped.
    connection: Option<Connection>,
    jvm: Option<Jvm>,
    backoff: Backoff,
    last_failure: String,
}

impl Session {
    pub(crate) fn new(url: String) -> Self {
        Session {
            url,
            connection: None,
            jvm: None,
            backoff: Backoff::new(),
            last_failure: String::new(),
        }
    }

    /// Serves one request, connecting first if needed.
    pub(crate) fn handle(&mut self, op: &Op) -> Result<Outcome, JmxError> {
        if self.jvm.is_none() {
            self.jvm = Some(jvm::attach()?);
        }
        self.ensure_connected()?;
        let (Some(jvm), Some(conn)) = (self.jvm.as_ref(), self.connection.as_ref()) else {
            return Err(self.unreachable_now());
        };
        let result = run(jvm, &conn.server, op);
        match result {
            Ok(outcome) => Ok(outcome),
            Err(failure) => Err(self.settle(op.subject(), failure)),
        }
    }

    /// Turns a failed call into an error, dropping the connection when it is the cause.
    fn settle(&mut self, subject: &str, failure: Failure) -> JmxError {
        let kind = match failure.kind {
            Kind::Unknown => match self.probe_current() {
                Ok(()) => Kind::Call,
                Err(_) => Kind::Connection,
            },
            k => k,
        };
        match kind {
            Kind::NotFound => JmxError::NotFound {
                object_name: subject.to_owned(),
                detail: tidy(&failure.detail),
            },
            Kind::Call | Kind::Unknown => JmxError::Call {
                object_name: subject.to_owned(),
                detail: tidy(&failure.detail),
            },
            Kind::Connection => {
                tracing::info!(url = %self.url, reason = %failure.detail, "JMX connection lost");
                self.drop_connection();
                self.failed(failure.detail)
            }
        }
    }

    fn probe_current(&self) -> Result<(), Failure> {
        match (self.jvm.as_ref(), self.connection.as_ref()) {
            (Some(jvm), Some(conn)) => calls::probe(jvm, &conn.server).map(|_| ()),
            _ => Err(Failure::new(Kind::Connection, "not connected")),
        }
    }

    /// Connects unless connected or still backing off.
    fn ensure_connected(&mut self) -> Result<(), JmxError> {
        if self.connection.is_some() {
            return Ok(());
        }
        if self.backoff.remaining(Instant::now()).is_some() {
            return Err(self.unreachable_now());
        }
        let Some(jvm) = self.jvm.as_ref() else {
            return Err(self.unreachable_now());
        };
        let started = Instant::now();
        let connector = match calls::connect(jvm, &self.url) {
            Ok(c) => c,
            Err(f) => return Err(self.failed(f.detail)),
        };
        let server = match calls::server_connection(jvm, &connector) {
            Ok(s) => s,
            Err(f) => {
                close_in_background(connector, None);
                return Err(self.failed(f.detail));
            }
        };
        let conn = Connection { connector, server };
        // Verify: j4rs has been seen to return Ok from a connect whose exception surfaced
        // only on the next call.
        match calls::probe(jvm, &conn.server) {
            Ok(count) => {
                tracing::info!(
                    url = %self.url,
                    mbeans = count,
                    ms = started.elapsed().as_millis() as u64,
                    "JMX connected"
                );
                self.backoff.succeeded();
                self.connection = Some(conn);
                Ok(())
            }
            Err(f) => {
                close_in_background(conn.connector, Some(conn.server));
                Err(self.failed(f.detail))
            }
        }
    }

    /// Records a connection failure and returns the error for it.
    fn failed(&mut self, reason: String) -> JmxError {
        let delay = self.backoff.failed(Instant::now());
        self.last_failure = tidy(reason);
        tracing::debug!(url = %self.url, retry_in_ms = millis_ceil(delay), reason = %self.last_failure, "JMX endpoint unreachable");
        JmxError::Unreachable {
            url: self.url.clone(),
            reason: self.last_failure.clone(),
            retry_in_ms: millis_ceil(delay),
        }
    }

    /// The fail-fast error while backing off.
    fn unreachable_now(&self) -> JmxError {
        let left = self.backoff.remaining(Instant::now()).unwrap_or_default();
        JmxError::Unreachable {
            url: self.url.clone(),
            reason: if self.last_failure.is_empty() {
                "not connected".to_owned()
            } else {
                self.last_failure.clone()
            },
            retry_in_ms: millis_ceil(left),
        }
    }

    fn drop_connection(&mut self) {
        if let Some(conn) = self.connection.take() {
            close_in_background(conn.connector, Some(conn.server));
        }
    }

    /// Closes the connection before the thread ends (the endpoint's last handle is gone).
    pub(crate) fn shutdown(&mut self) {
        if let (Some(jvm), Some(conn)) = (self.jvm.as_ref(), self.connection.take()) {
            calls::close(jvm, &conn.connector);
            drop(conn);
        }
        self.jvm = None;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(jvm: &Jvm, server: &Instance, op: &Op) -> Result<Outcome, Failure> {
    Ok(match op {
        Op::Read {
            object_name,
            attributes,
        } => Outcome::Attributes(calls::read(jvm, server, object_name, attributes)?),
        Op::QueryNames { pattern } => Outcome::Names(calls::query_names(jvm, server, pattern)?),
        Op::Set {
            object_name,
            attribute,
            value,
        } => {
            calls::set(jvm, server, object_name, attribute, value)?;
            Outcome::Done
        }
        Op::Invoke {
            object_name,
            operation,
            params,
        } => Outcome::Value(calls::invoke(jvm, server, object_name, operation, params)?),
    })
}

/// Closes a discarded connection on a short-lived thread: `close()` talks to the peer, and
/// a dead or paused peer must not hold up the endpoint thread (it bounds at the RMI
/// timeouts, but callers in the backoff window should still fail fast).
fn close_in_background(connector: Instance, server: Option<Instance>) {
    let spawned = std::thread::Builder::new()
        .name("jmx-close".to_owned())
        .spawn(move || {
            let Ok(jvm) = jvm::attach() else {
                return;
            };
            calls::close(&jvm, &connector);
            // Release the Java references while this thread is still attached.
            drop(server);
            drop(connector);
            drop(jvm);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start a thread to close a JMX connection; leaking it");
    }
}
