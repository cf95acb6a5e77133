//! Finding Java and the j4rs jar, and creating the one JVM this process may have.
//!
//! JNI allows a single JVM per process, and j4rs panics (inside a lazy static) when it
//! cannot find `libjvm.so`, so everything that can fail is checked here first, on the
//! calling endpoint thread, and turned into [`JmxError::JvmUnavailable`] with a fix.

use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use j4rs::{JavaOpt, Jvm, JvmBuilder};

use crate::error::JmxError;

/// Environment variable naming the `jassets` folder (or the folder that contains it)
/// holding `j4rs-0.25.3-jar-with-dependencies.jar`. Overrides every other place.
pub const JASSETS_ENV: &str = "FAULTLINE_JASSETS";

/// The jar j4rs 0.25.3 loads; j4rs ignores jars of other versions, so only this counts.
const J4RS_JAR: &str = "j4rs-0.25.3-jar-with-dependencies.jar";

/// Where this crate's build put `jassets` (see build.rs), for binaries copied elsewhere.
const BUILD_PROFILE_DIR: Option<&str> = option_env!("FAULTLINE_JMX_PROFILE_DIR");

/// Where installers put the app's resources, relative to the parent of the executable's
/// folder: Tauri's .deb puts them in `/usr/lib/<productName>/` beside `/usr/bin/` (lower
/// case for a package named after the crate), a macOS bundle in `Contents/Resources/`
/// beside `Contents/MacOS/`.
const PACKAGED_BASES: [&str; 3] = ["lib/Faultline", "lib/faultline", "Resources"];

/// RMI client timeouts. Without them a peer that accepts TCP but never answers (a
/// SIGSTOPped JVM) would hold an endpoint thread forever; with them it fails in seconds.
const RMI_TIMEOUT_MS: u32 = 3000;

const INSTALL_HINT: &str =
    "install a Java runtime (for example `apt-get install openjdk-17-jre-headless`) \
     or set JAVA_HOME to a JDK or JRE directory";

/// Whether the process-wide JVM exists, or why it could not be created. Failures are kept:
/// JNI cannot reliably create a JVM after a failed attempt, and the cause (no Java, no
/// jar) will not fix itself while the process runs.
static JVM_READY: OnceLock<Result<(), String>> = OnceLock::new();

/// Creates this process's JVM now instead of at the first JMX call, so that a program which
/// cannot work without it can say so at start. Blocks (JVM creation takes 0.2–0.4 s); later
/// calls return at once.
///
/// # Errors
/// [`JmxError::JvmUnavailable`] when no Java runtime or no j4rs jar (`jassets/`) is found, or
/// the JVM does not start; its text names what to install or set. The failure is kept: every
/// later call, and every JMX call, returns it too.
pub fn prepare_jvm() -> Result<(), JmxError> {
    attach().map(drop)
}

/// Returns a j4rs handle for the current thread, creating the JVM on first use.
///
/// Call it from a dedicated thread: the handle attaches that thread to the JVM until it is
/// dropped, and its calls block.
pub(crate) fn attach() -> Result<Jvm, JmxError> {
    let mut created: Option<Jvm> = None;
    let ready = JVM_READY.get_or_init(|| {
        let jvm = create()?;
        created = Some(jvm);
        Ok(())
    });
    if let Err(reason) = ready {
        return Err(JmxError::JvmUnavailable(reason.clone()));
    }
    if let Some(jvm) = created {
        return Ok(jvm);
    }
    match catch_unwind(Jvm::attach_thread) {
        Ok(Ok(jvm)) => Ok(jvm),
        Ok(Err(e)) => Err(JmxError::JvmUnavailable(format!(
            "this thread could not be attached to the JVM: {e}"
        ))),
        Err(_) => Err(JmxError::JvmUnavailable(
            "attaching this thread to the JVM panicked inside j4rs".to_owned(),
        )),
    }
}

fn create() -> Result<Jvm, String> {
    let path_env = std::env::var_os("PATH");
    let java = locate_java(std::env::var_os("JAVA_HOME"), path_env.clone())?;
    // j4rs loads libjvm through java-locator, which reads JAVA_HOME, or else runs `which
    // java` and follows symlinks, and panics when that fails. Where it would not arrive at
    // the home verified here, JAVA_HOME is pointed there. Only then: changing the
    // environment races with C code reading it on other threads (glibc's resolver, for
    // one), so the common cases leave it alone.
    if !java_locator_agrees(&java, std::env::var_os("JAVA_HOME"), path_env.as_deref()) {
        tracing::info!(java_home = %java.home.display(), "setting JAVA_HOME for j4rs");
        std::env::set_var("JAVA_HOME", &java.home);
    }
    let base = find_jassets_base(
        std::env::var_os(JASSETS_ENV),
        std::env::current_exe().ok(),
        BUILD_PROFILE_DIR,
    )?;
    let options = jvm_options();
    let started = std::time::Instant::now();
    let built = catch_unwind(AssertUnwindSafe(|| {
        JvmBuilder::new()
            .with_base_path(&base)
            .java_opts(options.iter().map(|o| JavaOpt::new(o)).collect())
            // The native callback library is only for j4rs's async/callback API, which
            // this crate does not use; skipping it means a deployed binary needs only
            // the jar, not target/<profile>/deps/libj4rs-*.so.
            .skip_setting_native_lib()
            .build()
    }));
    match built {
        Ok(Ok(jvm)) => {
            tracing::info!(
                java_home = %java.home.display(),
                jassets = %base.join("jassets").display(),
                ms = started.elapsed().as_millis() as u64,
                "created the in-process JVM for JMX"
            );
            Ok(jvm)
        }
        Ok(Err(e)) => Err(format!(
            "j4rs could not create a JVM from {} with the jar in {}: {e}",
            java.libjvm.display(),
            base.join("jassets").display()
        )),
        Err(_) => Err(format!(
            "j4rs panicked while loading {}; check that it is a working JVM, or {INSTALL_HINT}",
            java.libjvm.display()
        )),
    }
}

/// Whether java-locator (inside j4rs) would find the same Java home without help.
fn java_locator_agrees(
    java: &JavaHome,
    java_home_env: Option<OsString>,
    path_env: Option<&std::ffi::OsStr>,
) -> bool {
    match java_home_env.filter(|h| !h.is_empty()) {
        Some(home) => Path::new(&home) == java.home,
        None => {
            java.found_by == FoundBy::PathSymlink
                && path_env.and_then(|p| find_on_path(p, "which")).is_some()
        }
    }
}

/// Options for a small, quiet client JVM living inside someone else's process.
fn jvm_options() -> Vec<String> {
    let t = RMI_TIMEOUT_MS;
    vec![
        // Leave SIGINT/SIGTERM/SIGHUP to the host app (Tauri, the sidecar); otherwise
        // Ctrl-C would run the JVM's shutdown and exit the process behind tokio's back.
        "-Xrs".to_owned(),
        // A JMX client needs little heap, and one GC thread instead of G1's pool.
        "-Xmx256m".to_owned(),
        "-XX:+UseSerialGC".to_owned(),
        "-Djava.awt.headless=true".to_owned(),
        format!("-Dsun.rmi.transport.connectionTimeout={t}"),
        format!("-Dsun.rmi.transport.tcp.responseTimeout={t}"),
        format!("-Dsun.rmi.transport.tcp.handshakeTimeout={t}"),
        format!("-Dsun.rmi.transport.proxy.connectTimeout={t}"),
    ]
}

/// A Java installation usable through JNI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JavaHome {
    pub(crate) home: PathBuf,
    pub(crate) libjvm: PathBuf,
    pub(crate) found_by: FoundBy,
}

/// How the Java home was found, which decides whether j4rs would find it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FoundBy {
    JavaHomeEnv,
    /// `java` on PATH, resolved through symlinks (what java-locator does).
    PathSymlink,
    /// `java -XshowSettings:properties` (java-locator does not do this).
    AskedJava,
}

/// Finds Java: `JAVA_HOME` if it holds a libjvm, else the `java` on `PATH` (following
/// symlinks such as Debian's alternatives, and asking `java` itself as a last resort).
/// Inputs are passed in so tests can exercise the search without touching the process
/// environment.
pub(crate) fn locate_java(
    java_home_env: Option<OsString>,
    path_env: Option<OsString>,
) -> Result<JavaHome, String> {
    let mut notes = Vec::new();
    if let Some(home) = java_home_env.filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        match libjvm_in(&home) {
            Some(libjvm) => {
                return Ok(JavaHome {
                    home,
                    libjvm,
                    found_by: FoundBy::JavaHomeEnv,
                })
            }
            None => notes.push(format!(
                "JAVA_HOME is {} but it contains no {}",
                home.display(),
                libjvm_name()
            )),
        }
    }
    let java_exe = if cfg!(windows) { "java.exe" } else { "java" };
    let Some(java) = path_env.as_deref().and_then(|p| find_on_path(p, java_exe)) else {
        notes.push("no `java` executable is on PATH".to_owned());
        return Err(format!("{}; {INSTALL_HINT}", notes.join(" and ")));
    };
    // Debian: /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/<jdk>/bin/java.
    let resolved = std::fs::canonicalize(&java).unwrap_or_else(|_| java.clone());
    let by_symlink = resolved
        .parent()
        .and_then(Path::parent)
        .map(|home| (home.to_path_buf(), FoundBy::PathSymlink));
    // Asking `java` costs a process start, so only when the symlinks explained nothing.
    let asked = std::iter::once_with(|| java_home_reported_by(&java))
        .flatten()
        .map(|home| (home, FoundBy::AskedJava));
    for (home, found_by) in by_symlink.into_iter().chain(asked) {
        if let Some(libjvm) = libjvm_in(&home) {
            return Ok(JavaHome {
                home,
                libjvm,
                found_by,
            });
        }
    }
    notes.push(format!(
        "`{}` was found on PATH but no {} belongs to it (a JVM without JNI support?)",
        java.display(),
        libjvm_name()
    ));
    Err(format!("{}; {INSTALL_HINT}", notes.join(" and ")))
}

fn libjvm_name() -> &'static str {
    if cfg!(target_os = "windows") {
        "jvm.dll"
    } else if cfg!(target_os = "macos") {
        "libjvm.dylib"
    } else {
        "libjvm.so"
    }
}

/// The usual places of the server (or client) VM library inside a Java home, Java 8 to 21.
fn libjvm_in(home: &Path) -> Option<PathBuf> {
    const DIRS: [&str; 7] = [
        "lib/server",
        "bin/server",
        "jre/lib/server",
        "jre/lib/amd64/server",
        "jre/lib/aarch64/server",
        "lib/client",
        "jre/bin/server",
    ];
    DIRS.iter()
        .map(|d| home.join(d).join(libjvm_name()))
        .find(|p| p.is_file())
}

fn find_on_path(path_env: &std::ffi::OsStr, exe: &str) -> Option<PathBuf> {
    std::env::split_paths(path_env)
        .map(|dir| dir.join(exe))
        .find(|p| p.is_file())
}

/// Asks `java` for its `java.home` (covers wrapper scripts that symlinks don't explain).
fn java_home_reported_by(java: &Path) -> Option<PathBuf> {
    let out = Command::new(java)
        .args(["-XshowSettings:properties", "-version"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("java.home = "))
        .map(|h| PathBuf::from(h.trim()))
}

/// Finds the folder that contains `jassets/<j4rs jar>` and returns it as j4rs's base path.
///
/// Order: the `FAULTLINE_JASSETS` override (a wrong value is an error, not skipped, so a
/// misconfiguration is noticed); the executable's own folder; the places an installer puts
/// resources ([`PACKAGED_BASES`]: the .deb's `/usr/lib/Faultline`, a macOS bundle's
/// `Resources`), so that no `jassets/` has to sit in `/usr/bin`; the other ancestors of the
/// executable's folder (cargo puts the jar in `target/<profile>/jassets`, which covers tests
/// in `target/<profile>/deps` and examples); and finally the profile directory of the build
/// that made this binary.
pub(crate) fn find_jassets_base(
    override_env: Option<OsString>,
    exe: Option<PathBuf>,
    build_profile_dir: Option<&str>,
) -> Result<PathBuf, String> {
    if let Some(dir) = override_env.filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.join(J4RS_JAR).is_file() {
            if let Some(parent) = dir.parent().filter(|_| dir.ends_with("jassets")) {
                return Ok(parent.to_path_buf());
            }
            return Err(format!(
                "{JASSETS_ENV} is {} and holds {J4RS_JAR}, but j4rs needs that folder to be \
                 named `jassets`; rename it or point {JASSETS_ENV} at a folder containing `jassets/`",
                dir.display()
            ));
        }
        if dir.join("jassets").join(J4RS_JAR).is_file() {
            return Ok(dir);
        }
        return Err(format!(
            "{JASSETS_ENV} is {} but neither it nor its `jassets/` subfolder holds {J4RS_JAR}",
            dir.display()
        ));
    }
    let exe = exe.map(|e| std::fs::canonicalize(&e).unwrap_or(e));
    let exe_dir = exe.as_deref().and_then(Path::parent);
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = exe_dir {
        candidates.push(dir.to_path_buf());
        if let Some(prefix) = dir.parent() {
            candidates.extend(PACKAGED_BASES.iter().map(|relative| prefix.join(relative)));
        }
        candidates.extend(dir.ancestors().skip(1).map(Path::to_path_buf));
    }
    if let Some(dir) = build_profile_dir {
        candidates.push(PathBuf::from(dir));
    }
    if let Some(found) = candidates
        .iter()
        .find(|c| c.join("jassets").join(J4RS_JAR).is_file())
    {
        return Ok(found.clone());
    }
    let beside = exe_dir
        .map(|d| d.join("jassets").display().to_string())
        .unwrap_or_else(|| "a `jassets/` folder beside the executable".to_owned());
    Err(format!(
        "the j4rs jar {J4RS_JAR} was not found; copy the `jassets/` folder that cargo leaves \
         in target/<profile>/ to {beside}, or set {JASSETS_ENV} to the folder holding it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "faultline-jmx-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }

    fn with_jar(base: &Path) {
        fs::create_dir_all(base.join("jassets")).expect("mkdir jassets");
        fs::write(base.join("jassets").join(J4RS_JAR), b"jar").expect("write jar");
    }

    #[test]
    fn jassets_found_from_deps_folder_and_from_override() {
        let root = scratch("jassets");
        let profile = root.join("target/debug");
        with_jar(&profile);
        let test_exe = profile.join("deps/faultline_jmx-123");
        assert_eq!(
            find_jassets_base(None, Some(test_exe), None).as_deref(),
            Ok(profile.as_path())
        );
        let bin = profile.join("faultline-sidecar");
        assert_eq!(
            find_jassets_base(None, Some(bin), None).as_deref(),
            Ok(profile.as_path())
        );
        let jassets = profile.join("jassets");
        assert_eq!(
            find_jassets_base(Some(jassets.into()), None, None).as_deref(),
            Ok(profile.as_path())
        );
        assert_eq!(
            find_jassets_base(Some(profile.clone().into()), None, None).as_deref(),
            Ok(profile.as_path())
        );
        let elsewhere = root.join("opt/app/bin/faultline");
        let profile_str = profile.to_str().expect("utf-8 temp path");
        assert_eq!(
            find_jassets_base(None, Some(elsewhere.clone()), Some(profile_str)).as_deref(),
            Ok(profile.as_path())
        );
        let err = find_jassets_base(None, Some(elsewhere), None).unwrap_err();
        assert!(
            err.contains(JASSETS_ENV) && err.contains("opt/app/bin/jassets"),
            "{err}"
        );
        let err = find_jassets_base(Some(root.join("nope").into()), None, None).unwrap_err();
        assert!(err.contains(JASSETS_ENV) && err.contains("nope"), "{err}");
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn jassets_found_where_installers_put_resources_before_any_other_ancestor() {
        let root = scratch("installed");
        let usr = root.join("usr");
        let sidecar = usr.join("bin/faultline-sidecar");
        let build = root.join("build/target/debug");
        with_jar(&build);
        let build_str = build.to_str().expect("utf-8 temp path");
        // A stray `jassets/` higher up must not win over the package's own.
        with_jar(&usr);
        with_jar(&usr.join("lib/faultline"));
        assert_eq!(
            find_jassets_base(None, Some(sidecar.clone()), Some(build_str)).as_deref(),
            Ok(usr.join("lib/faultline").as_path())
        );
        // The .deb of a product named `Faultline` uses its capitalised name.
        with_jar(&usr.join("lib/Faultline"));
        assert_eq!(
            find_jassets_base(None, Some(sidecar.clone()), Some(build_str)).as_deref(),
            Ok(usr.join("lib/Faultline").as_path())
        );
        // One beside the executable comes first (what j4rs itself would pick).
        with_jar(&usr.join("bin"));
        assert_eq!(
            find_jassets_base(None, Some(sidecar), Some(build_str)).as_deref(),
            Ok(usr.join("bin").as_path())
        );
        // A macOS bundle: Contents/MacOS/<exe> and Contents/Resources/jassets.
        let contents = root.join("Faultline.app/Contents");
        with_jar(&contents.join("Resources"));
        assert_eq!(
            find_jassets_base(
                None,
                Some(contents.join("MacOS/faultline")),
                Some(build_str)
            )
            .as_deref(),
            Ok(contents.join("Resources").as_path())
        );
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn java_found_from_java_home_or_path_and_otherwise_says_what_to_install() {
        let root = scratch("java");
        let jdk = root.join("jdk");
        fs::create_dir_all(jdk.join("lib/server")).expect("mkdir");
        fs::write(jdk.join("lib/server").join(libjvm_name()), b"").expect("write");
        let found = locate_java(Some(jdk.clone().into()), None).expect("via JAVA_HOME");
        assert_eq!(found.home, jdk);

        // `java` on PATH through a symlink, as Debian's alternatives do it.
        fs::create_dir_all(jdk.join("bin")).expect("mkdir");
        fs::write(jdk.join("bin/java"), b"#!/bin/sh\n").expect("write");
        let bin = root.join("bin");
        fs::create_dir_all(&bin).expect("mkdir");
        #[cfg(unix)]
        std::os::unix::fs::symlink(jdk.join("bin/java"), bin.join("java")).expect("symlink");
        #[cfg(unix)]
        {
            let empty_home = root.join("empty");
            let found =
                locate_java(Some(empty_home.into()), Some(bin.clone().into())).expect("via PATH");
            assert_eq!(
                fs::canonicalize(found.home).ok(),
                fs::canonicalize(&jdk).ok()
            );
        }

        // java-locator would agree with JAVA_HOME, but not with a JAVA_HOME that is wrong.
        let via_env = locate_java(Some(jdk.clone().into()), None).expect("via JAVA_HOME");
        assert!(java_locator_agrees(
            &via_env,
            Some(jdk.clone().into()),
            None
        ));
        assert!(!java_locator_agrees(
            &via_env,
            Some(root.join("empty").into()),
            None
        ));
        assert!(!java_locator_agrees(&via_env, None, None));

        let err = locate_java(None, Some(root.join("nowhere").into())).unwrap_err();
        assert!(err.contains("openjdk-17-jre-headless"), "{err}");
        assert!(err.contains("JAVA_HOME"), "{err}");
        let err = locate_java(Some(root.join("empty").into()), None).unwrap_err();
        assert!(err.contains("contains no"), "{err}");
        let _ = fs::remove_dir_all(root);
    }
}
