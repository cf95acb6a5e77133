//! A JMX client for Faultline, built on j4rs (an in-process JVM driven over JNI).
//!
//! Why this shape:
//! - JNI calls block, and a remote JVM can hang (a SIGSTOPped broker keeps its TCP port
//!   open). So every endpoint gets its own OS thread that owns its connection
//!   (`worker.rs`), and the async API only sends requests and awaits replies with a timeout.
//!   A stuck endpoint can therefore only ever stall its own thread.
//! - The process has exactly one JVM (`jvm.rs`), created lazily on first use, because JNI
//!   allows only one per process; every endpoint thread attaches to it.
//! - Remote JVMs restart during demos, so a lost connection is dropped and re-opened on a
//!   later call, no more often than a backoff allows (`backoff.rs`).
//!
//! Running it needs two things at run time, and both are found without configuration on a
//! developer machine:
//! - **Java** (11+, JRE is enough): `JAVA_HOME`, else `java` on `PATH`. Without it every
//!   call fails with [`JmxError::JvmUnavailable`] naming what to install.
//! - **The j4rs jar** (`jassets/j4rs-0.25.3-jar-with-dependencies.jar`, 6 MB): cargo's
//!   build leaves it in `target/<profile>/jassets`. It is looked for in
//!   `$FAULTLINE_JASSETS` (that folder or its `jassets/` child), then beside the executable,
//!   then where installers put resources (`<exe dir>/../lib/Faultline/jassets` as the .deb
//!   installs it, `../lib/faultline/`, a macOS bundle's `../Resources/`), then in each
//!   further parent folder (covers `target/debug/deps` for tests and `target/debug/examples`),
//!   then in the `target/<profile>` of the build that produced the binary. A binary shipped
//!   elsewhere must carry `jassets/` in one of those places or set the variable.
//!   The native `libj4rs` is not needed (only j4rs's callback API uses it).
//!
//! ```no_run
//! # async fn demo() -> Result<(), faultline_jmx::JmxError> {
//! use faultline_jmx::JmxClient;
//! let client = JmxClient::for_endpoint("127.0.0.1:11001");
//! let values = client.read("java.lang:type=Runtime", &["Uptime", "VmName"]).await?;
//! for (name, value) in values {
//!     println!("{name} = {value}");
//! }
//! # Ok(()) }
//! ```

mod backoff;
mod calls;
mod classify;
mod client;
mod convert;
mod error;
mod jvm;
mod session;
mod value;
mod worker;

/// The environment variable j4rs reads once, on its first log line, to decide what it
/// prints on stdout (`debug`, `info`, `warn`, `error` or `disabled`; it defaults to `warn`).
const J4RS_CONSOLE: &str = "J4RS_CONSOLE_LOG_LEVEL";

/// Stops j4rs from printing on stdout unless `J4RS_CONSOLE_LOG_LEVEL` says otherwise. It
/// prints "An Exception was thrown by Java..." for every JMX call that fails, e.g. each
/// poll of a broker that is down, while the call's error already reaches its caller with
/// its context. Call it first thing in `main`: setting a variable races with other
/// threads reading the environment.
pub fn quiet_j4rs_console() {
    if std::env::var_os(J4RS_CONSOLE).is_none() {
        std::env::set_var(J4RS_CONSOLE, "disabled");
    }
}

pub use client::{JmxClient, DEFAULT_TIMEOUT};
pub use error::JmxError;
pub use jvm::{prepare_jvm, JASSETS_ENV};
pub use value::JmxValue;
