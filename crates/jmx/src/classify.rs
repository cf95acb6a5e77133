//! Sorting Java exceptions into "the request was wrong", "the connection is gone" and
//! "not sure".
//!
//! j4rs reports a Java exception as its full stack trace in a string. What matters for the
//! caller is whether to keep the connection: JMX-level exceptions (no such MBean, bad
//! value, the MBean threw) come from a live server, transport exceptions mean the
//! connection is dead, and anything else is settled by probing the connection.

/// What a failure means for the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The MBean, attribute or operation does not exist; the connection is fine.
    NotFound,
    /// The server answered with an error; the connection is fine.
    Call,
    /// The transport failed; the connection must be dropped.
    Connection,
    /// Unclear: probe the connection to decide.
    Unknown,
}

/// A failed step, with a one-line human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) kind: Kind,
    pub(crate) detail: String,
}

impl Failure {
    pub(crate) fn new(kind: Kind, detail: impl Into<String>) -> Self {
        Failure {
            kind,
            detail: detail.into(),
        }
    }
}

impl From<j4rs::errors::J4RsError> for Failure {
    fn from(e: j4rs::errors::J4RsError) -> Self {
        use j4rs::errors::J4RsError;
        match e {
            J4RsError::JavaError(trace) => Failure::new(classify(&trace), summarize(&trace)),
            // Conversion problems on our side of JNI: the connection is not in question.
            J4RsError::RustError(m) | J4RsError::ParseError(m) => Failure::new(Kind::Call, m),
            other => Failure::new(Kind::Unknown, other.to_string()),
        }
    }
}

/// Exceptions thrown by a server that is alive and answering.
const NOT_FOUND: &[&str] = &[
    "javax.management.InstanceNotFoundException",
    "javax.management.AttributeNotFoundException",
];
const CALL: &[&str] = &[
    "javax.management.MalformedObjectNameException",
    "javax.management.InvalidAttributeValueException",
    "javax.management.MBeanException",
    "javax.management.ReflectionException",
    "javax.management.RuntimeOperationsException",
    "javax.management.RuntimeMBeanException",
    "javax.management.RuntimeErrorException",
    // A value of a class this JVM cannot load: the transport itself worked.
    "java.lang.ClassNotFoundException",
];
/// Transport failures: refused, reset, timed out, or a stub from before a restart.
const CONNECTION: &[&str] = &[
    "java.rmi.ConnectException",
    "java.rmi.ConnectIOException",
    "java.rmi.NoSuchObjectException",
    "java.rmi.MarshalException",
    "java.rmi.UnmarshalException",
    "java.rmi.UnknownHostException",
    "java.net.ConnectException",
    "java.net.SocketException",
    "java.net.SocketTimeoutException",
    "java.net.UnknownHostException",
    "java.net.NoRouteToHostException",
    "java.io.EOFException",
    "javax.naming.ServiceUnavailableException",
    "javax.naming.CommunicationException",
    "javax.naming.NameNotFoundException",
    "The client has been closed",
    "Connection refused",
    "Connection reset",
];

/// Classifies a Java stack trace. JMX-level exceptions win over transport ones because an
/// MBean's own exception may mention an IOException of its own making.
pub(crate) fn classify(trace: &str) -> Kind {
    let has = |needles: &[&str]| needles.iter().any(|n| trace.contains(n));
    if has(NOT_FOUND) {
        Kind::NotFound
    } else if has(CALL) {
        Kind::Call
    } else if has(CONNECTION) {
        Kind::Connection
    } else {
        Kind::Unknown
    }
}

/// Reduces a stack trace to "Exception: message", plus the root cause when there is one,
/// without j4rs's own wrapper exceptions.
pub(crate) fn summarize(trace: &str) -> String {
    let is_wrapper = |l: &str| {
        l.contains("org.astonbitecode.j4rs")
            || l.contains("java.lang.reflect.InvocationTargetException")
    };
    let headline = |l: &str| -> String {
        let l = l.trim().trim_start_matches("Caused by:").trim();
        // RMI and JNDI repeat the nested cause inside the message; we add the root cause
        // ourselves, so cut those parts off.
        let l = l.split(" [Root exception is").next().unwrap_or(l);
        l.trim_end_matches("; nested exception is:").to_owned()
    };
    let lines: Vec<&str> = trace
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("at ") && !l.starts_with("..."))
        .collect();
    let first = lines.iter().copied().find(|l| !is_wrapper(l));
    let root = lines
        .iter()
        .rev()
        .copied()
        .find(|l| l.starts_with("Caused by:") && !is_wrapper(l));
    let mut out = match (first, root) {
        (Some(f), Some(r)) if headline(f) != headline(r) => {
            format!("{} (caused by {})", headline(f), headline(r))
        }
        (Some(f), _) => headline(f),
        (None, Some(r)) => headline(r),
        (None, None) => headline(lines.first().copied().unwrap_or("unknown Java error")),
    };
    const MAX: usize = 400;
    if out.len() > MAX {
        let mut cut = MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFUSED: &str = "org.astonbitecode.j4rs.errors.InvocationException: While invoking method connect of Class javax.management.remote.JMXConnectorFactory
\tat org.astonbitecode.j4rs.api.invocation.JsonInvocationImpl.invokeStatic(JsonInvocationImpl.java:1)
Caused by: java.lang.reflect.InvocationTargetException
Caused by: java.rmi.ConnectException: Connection refused to host: 127.0.0.1; nested exception is:
\tjava.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
Caused by: java.net.ConnectException: Connection refused
\t... 12 more";

    #[test]
    fn transport_failures_drop_the_connection() {
        assert_eq!(classify(REFUSED), Kind::Connection);
        assert_eq!(
            summarize(REFUSED),
            "java.rmi.ConnectException: Connection refused to host: 127.0.0.1 \
             (caused by java.net.ConnectException: Connection refused)"
        );
    }

    #[test]
    fn jmx_exceptions_keep_the_connection() {
        let t = "javax.management.InstanceNotFoundException: a:type=b\n\tat x.y(Z.java:1)";
        assert_eq!(classify(t), Kind::NotFound);
        assert_eq!(
            summarize(t),
            "javax.management.InstanceNotFoundException: a:type=b"
        );
        let t = "javax.management.MBeanException: boom\nCaused by: java.io.IOException: disk";
        assert_eq!(classify(t), Kind::Call);
        assert_eq!(
            classify("java.lang.IllegalStateException: ?"),
            Kind::Unknown
        );
    }

    #[test]
    fn long_summaries_are_cut_on_a_char_boundary() {
        let t = "é".repeat(500);
        let s = summarize(&t);
        assert!(s.len() <= 404 && s.ends_with('…'));
    }
}
