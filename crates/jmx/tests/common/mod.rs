//! Real Java processes with remote JMX, for the integration tests. Each is killed (by its
//! PID) when its guard drops, also when a test fails.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A main that registers nothing and sleeps: the platform MBeans are all we need. The JMX
/// agent binds its port before `main` runs (and the JVM exits if it cannot), so "ready"
/// on stdout proves that *this* process owns the port.
const IDLE_JAVA: &str =
    "public class Idle { public static void main(String[] a) throws Exception { \
     System.out.println(\"ready\"); System.out.flush(); Thread.sleep(Long.MAX_VALUE); } }\n";

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct JavaTarget {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

impl JavaTarget {
    /// Starts a target on a free port. Another process may grab the port between our
    /// probe and the JVM's bind, so a lost race is retried on a new port.
    pub fn start() -> Self {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start_on(free_port()) {
                Ok(target) => return target,
                Err(e) => last = e,
            }
        }
        panic!("could not start a JMX target: {last}");
    }

    /// Starts a target on `port` (retrying while the port is still held, e.g. by a JVM
    /// just killed).
    pub fn start_on(port: u16) -> Self {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start_on(port) {
                Ok(target) => return target,
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!("could not start a JMX target on {port}: {last}");
    }

    /// Starts `java Idle.java` with remote JMX (no auth, no SSL) on `port` and waits for
    /// it to say "ready".
    fn try_start_on(port: u16) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "faultline-jmx-it-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("Idle.java"), IDLE_JAVA).expect("write Idle.java");
        let log = dir.join("java.log");
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new("java")
            .current_dir(&dir)
            .args([
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                &format!("-Dcom.sun.management.jmxremote.port={port}"),
                &format!("-Dcom.sun.management.jmxremote.rmi.port={port}"),
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "Idle.java",
            ])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start java (is a JDK on PATH?)");
        // From here on the guard kills the process whatever happens.
        let mut target = JavaTarget { child, port, log };
        target.wait_until_ready()?;
        Ok(target)
    }

    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "java on port {} exited with {status}: {log}",
                    self.port
                ));
            }
            if log.lines().any(|l| l.trim() == "ready")
                && TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("java never got ready on {}: {log}", self.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGSTOP: the port stays open (the kernel still accepts) but nothing answers.
    pub fn pause(&self) {
        signal("-STOP", self.pid());
    }

    pub fn resume(&self) {
        signal("-CONT", self.pid());
    }

    /// Kills the process now and waits for it, freeing its port.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for JavaTarget {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = self.log.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn signal(sig: &str, pid: u32) {
    let status = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {sig} {pid} failed");
}
