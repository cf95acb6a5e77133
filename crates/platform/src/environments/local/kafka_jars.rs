//! Apache Kafka's jars for the `local` environment: the manifest the app carries
//! (`kafka-jars.txt`), and a download from a Maven repository that checks each jar's size
//! and SHA-256 before the jar takes its place in the `libs` directory.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Maven Central, where the jars come from unless [`REPOSITORY_VARIABLE`] names another
/// repository.
pub const MAVEN_CENTRAL: &str = "https://repo1.maven.org/maven2";
/// The environment variable naming a Maven repository (a mirror, a proxy) to download from
/// instead of Maven Central: its base URL, as in `https://mirror.example/maven2`.
pub const REPOSITORY_VARIABLE: &str = "FAULTLINE_MAVEN_REPOSITORY";
/// Written beside `libs` once every jar is in place; `tests/scripts/fetch-local-stack.sh`
/// skips Maven when it finds it, so the scripts and the app share one cache.
const COMPLETE_MARKER: &str = ".complete";
/// Progress is reported at most this often, so a listener is not flooded per chunk.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// A server that accepts the connection but stops sending fails the download after this
/// long, instead of hanging the start.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// One jar of the manifest: its Maven coordinates and what the file must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jar {
    pub group: String,
    pub artifact: String,
    pub version: String,
    /// SHA-256 of the file, 64 lowercase hex digits.
    pub sha256: String,
    /// Size of the file in bytes.
    pub size: u64,
}

impl Jar {
    /// Where the Maven repository at `repository` (base URL, with or without a trailing
    /// slash) keeps this jar: `{repository}/{group with dots as slashes}/{artifact}/{version}/{file_name}`.
    pub fn url(&self, repository: &str) -> String {
        format!(
            "{}/{}/{}/{}/{}",
            repository.trim_end_matches('/'),
            self.group.replace('.', "/"),
            self.artifact,
            self.version,
            self.file_name()
        )
    }

    /// `{artifact}-{version}.jar`, the name `mvn dependency:copy-dependencies` gives it in
    /// `libs`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.jar", self.artifact, self.version)
    }
}

impl fmt::Display for Jar {
    /// `groupId:artifactId:version`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.group, self.artifact, self.version)
    }
}

static MANIFEST: LazyLock<Vec<Jar>> = LazyLock::new(|| {
    // The manifest is compiled in, so a bad line is a build-time bug, which the unit test
    // `the_real_manifest_parses_and_names_kafka` catches before any build ships.
    parse_manifest(include_str!("kafka-jars.txt"))
        .unwrap_or_else(|error| panic!("kafka-jars.txt is malformed: {error}"))
});

/// Every jar the `local` environment needs on its classpath (Kafka's broker, Log4j 2 behind
/// SLF4J, and their runtime dependencies), in manifest order.
pub fn manifest() -> &'static [Jar] {
    &MANIFEST
}

/// The Maven repository to download from: `$FAULTLINE_MAVEN_REPOSITORY` when set and not
/// empty, else Maven Central; without a trailing slash.
pub fn repository() -> String {
    repository_from(std::env::var(REPOSITORY_VARIABLE).ok())
}

/// Where `repository` is, for a presenter: "Maven Central", or "the Maven mirror at URL
/// (FAULTLINE_MAVEN_REPOSITORY)".
pub fn source_name(repository: &str) -> String {
    if repository == MAVEN_CENTRAL {
        "Maven Central".into()
    } else {
        format!("the Maven mirror at {repository} ({REPOSITORY_VARIABLE})")
    }
}

/// What to do when a fetch from `repository` failed, in a sentence.
pub fn advice(repository: &str) -> String {
    if repository == MAVEN_CENTRAL {
        "check the internet connection and start again (the jars fetched so far are kept), or choose rehearsal".into()
    } else {
        format!("check that mirror, or unset {REPOSITORY_VARIABLE} to fetch from Maven Central; or choose rehearsal")
    }
}

fn repository_from(variable: Option<String>) -> String {
    variable
        .map(|value| value.trim().trim_end_matches('/').to_owned())
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| MAVEN_CENTRAL.to_owned())
}

/// Whether `libs` holds every jar of the manifest with its size. Cheap (no hashing): a jar
/// only ever takes its place there after its SHA-256 was checked.
pub fn complete(libs: &Path) -> bool {
    missing_from(libs, manifest()).is_empty()
}

/// The jars of `jars` that `libs` lacks or holds with another size.
fn missing_from<'a>(libs: &Path, jars: &'a [Jar]) -> Vec<&'a Jar> {
    jars.iter()
        .filter(|jar| {
            std::fs::metadata(libs.join(jar.file_name()))
                .map_or(true, |meta| !meta.is_file() || meta.len() != jar.size)
        })
        .collect()
}

/// What one [`fetch`] downloaded (jars already in place are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fetched {
    pub jars: usize,
    /// Bytes downloaded.
    pub bytes: u64,
}

/// Why a [`fetch`] stopped. Jars verified before the failure stay in `libs`, so the next
/// fetch resumes.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("Could not set up an HTTP client to download Apache Kafka's jars: {detail}")]
    Client { detail: String },
    #[error("Could not download {url}: {detail}")]
    Network { url: String, detail: String },
    #[error("The Maven repository answered HTTP {status} for {url}; set {REPOSITORY_VARIABLE} to a repository that has Apache Kafka's jars")]
    Status {
        url: String,
        status: reqwest::StatusCode,
    },
    #[error("{url} sent {received} bytes for {jar}, but the manifest says {expected}; the download was discarded")]
    Size {
        jar: String,
        url: String,
        expected: u64,
        received: u64,
    },
    #[error("{jar} from {url} has SHA-256 {actual}, but the manifest says {expected}; the download was discarded")]
    Digest {
        jar: String,
        url: String,
        expected: String,
        actual: String,
    },
    #[error("Could not {action}: {source}")]
    Io {
        action: String,
        source: std::io::Error,
    },
}

/// Downloads every jar of `jars` (the [`manifest`], or a test's own) that `libs` does not
/// already hold with the right size and SHA-256 from the Maven repository at `repository`
/// (see [`repository`]), one at a time,
/// and writes the `.complete` marker beside `libs` when all are in place. Each jar is
/// streamed into a temporary file in `libs`'s parent directory (never onto the classpath),
/// hashed on the way, and renamed into `libs` only when its size and SHA-256 match.
///
/// `progress(done, total)` is called at the start, at most four times a second while
/// downloading, and with `done == total` at the end; bytes, where `total` is the size of all
/// of `jars` and `done` counts jars already in place.
///
/// Errors: [`FetchError`], naming the URL (HTTP status, network) or the jar and both digests
/// (verification).
pub async fn fetch(
    libs: &Path,
    jars: &[Jar],
    repository: &str,
    progress: impl Fn(u64, u64) + Send + Sync,
) -> Result<Fetched, FetchError> {
    tokio::fs::create_dir_all(libs)
        .await
        .map_err(|source| FetchError::Io {
            action: format!("create {}", libs.display()),
            source,
        })?;
    let mut reporter = Reporter {
        done: 0,
        total: jars.iter().map(|jar| jar.size).sum(),
        last: None,
        progress: &progress,
    };
    let mut wanted = Vec::new();
    for jar in jars {
        if verified(libs.join(jar.file_name()), jar).await {
            reporter.done += jar.size;
        } else {
            wanted.push(jar);
        }
    }
    reporter.report();

    let mut fetched = Fetched::default();
    if !wanted.is_empty() {
        let client = reqwest::Client::builder()
            .user_agent(concat!("faultline/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .build()
            .map_err(|error| FetchError::Client {
                detail: causes(&error),
            })?;
        let staging = staging_dir(libs);
        for jar in wanted {
            download(&client, repository, jar, libs, &staging, &mut reporter).await?;
            fetched.jars += 1;
            fetched.bytes += jar.size;
        }
    }
    let marker = staging_dir(libs).join(COMPLETE_MARKER);
    tokio::fs::write(&marker, b"")
        .await
        .map_err(|source| FetchError::Io {
            action: format!("write {}", marker.display()),
            source,
        })?;
    reporter.report();
    Ok(fetched)
}

/// Where temporary downloads go: beside `libs`, on the same file system (so the final rename
/// is atomic) but off the classpath (`libs/*`).
fn staging_dir(libs: &Path) -> PathBuf {
    match libs.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `path` is `jar`, by size and SHA-256. Anything unreadable counts as absent: the
/// download that follows replaces it.
async fn verified(path: PathBuf, jar: &Jar) -> bool {
    let size_matches = tokio::fs::metadata(&path)
        .await
        .is_ok_and(|meta| meta.is_file() && meta.len() == jar.size);
    if !size_matches {
        return false;
    }
    let hashed = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut hasher = Sha256::new();
        std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
        Ok(format!("{:x}", hasher.finalize()))
    })
    .await;
    matches!(hashed, Ok(Ok(actual)) if actual == jar.sha256)
}

async fn download(
    client: &reqwest::Client,
    repository: &str,
    jar: &Jar,
    libs: &Path,
    staging: &Path,
    reporter: &mut Reporter<'_>,
) -> Result<(), FetchError> {
    let url = jar.url(repository);
    // The URL is named once, by the variant's sentence.
    let network = |error: reqwest::Error| FetchError::Network {
        url: url.clone(),
        detail: causes(&error.without_url()),
    };
    let mut response = client.get(&url).send().await.map_err(network)?;
    if !response.status().is_success() {
        return Err(FetchError::Status {
            status: response.status(),
            url,
        });
    }
    // Dropping `temp` (on any early return, or if this future is dropped) deletes the file.
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", jar.file_name()))
        .suffix(".part")
        .tempfile_in(staging)
        .map_err(|source| FetchError::Io {
            action: format!("create a temporary file in {}", staging.display()),
            source,
        })?;
    let write_error = |source| FetchError::Io {
        action: format!("write {}", temp.path().display()),
        source,
    };
    let mut file = tokio::fs::File::from_std(temp.as_file().try_clone().map_err(write_error)?);
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let size_error = |received| FetchError::Size {
        jar: jar.to_string(),
        url: url.clone(),
        expected: jar.size,
        received,
    };
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        received += chunk.len() as u64;
        // A server sending more than the manifest's size is wrong already; stop reading.
        if received > jar.size {
            return Err(size_error(received));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(write_error)?;
        reporter.advance(chunk.len() as u64);
    }
    if received != jar.size {
        return Err(size_error(received));
    }
    let actual = format!("{:x}", hasher.finalize());
    if actual != jar.sha256 {
        return Err(FetchError::Digest {
            jar: jar.to_string(),
            url,
            expected: jar.sha256.clone(),
            actual,
        });
    }
    // On disk before the rename, so a crash cannot leave a jar of the right size but
    // unwritten content in `libs`.
    file.flush().await.map_err(write_error)?;
    file.sync_all().await.map_err(write_error)?;
    drop(file);
    let target = libs.join(jar.file_name());
    temp.persist(&target).map_err(|error| FetchError::Io {
        action: format!("move the download into {}", target.display()),
        source: error.error,
    })?;
    Ok(())
}

/// A reqwest error with its causes, which hold what actually went wrong (refused, timed out,
/// certificate), joined by ": ".
fn causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

struct Reporter<'a> {
    done: u64,
    total: u64,
    last: Option<Instant>,
    progress: &'a (dyn Fn(u64, u64) + Send + Sync),
}

impl Reporter<'_> {
    fn advance(&mut self, bytes: u64) {
        self.done += bytes;
        if self
            .last
            .is_none_or(|last| last.elapsed() >= PROGRESS_EVERY)
        {
            self.report();
        }
    }

    fn report(&mut self) {
        (self.progress)(self.done, self.total);
        self.last = Some(Instant::now());
    }
}

/// Reads manifest lines `groupId:artifactId:version sha256 sizeBytes`; `#` lines and blank
/// lines are skipped. Errors name the 1-based line.
fn parse_manifest(text: &str) -> Result<Vec<Jar>, String> {
    let mut jars = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let jar = parse_line(line).map_err(|reason| format!("line {}: {reason}", index + 1))?;
        jars.push(jar);
    }
    Ok(jars)
}

fn parse_line(line: &str) -> Result<Jar, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [coordinates, sha256, size] = fields[..] else {
        return Err(format!(
            "expected `groupId:artifactId:version sha256 sizeBytes`, found {} fields",
            fields.len()
        ));
    };
    let parts: Vec<&str> = coordinates.split(':').collect();
    let [group, artifact, version] = parts[..] else {
        return Err(format!("`{coordinates}` is not groupId:artifactId:version"));
    };
    // These become URL and file-name segments, so nothing that could climb out of them.
    let plain = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if ![group, artifact, version].into_iter().all(plain) {
        return Err(format!(
            "`{coordinates}` has an empty part or a character outside letters, digits, '.', '-', '_'"
        ));
    }
    if sha256.len() != 64 || !sha256.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
        return Err(format!(
            "`{sha256}` is not a SHA-256 in 64 lowercase hex digits"
        ));
    }
    let size = size
        .parse::<u64>()
        .map_err(|_| format!("`{size}` is not a size in bytes"))?;
    Ok(Jar {
        group: group.to_owned(),
        artifact: artifact.to_owned(),
        version: version.to_owned(),
        sha256: sha256.to_owned(),
        size,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path as UrlPath, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::Router;

    use super::*;
    use crate::environments::local::KAFKA_VERSION;

    #[test]
    fn the_real_manifest_parses_and_names_kafka() {
        let jars = manifest();
        let kafka = jars
            .iter()
            .find(|jar| jar.group == "org.apache.kafka" && jar.artifact == "kafka_2.13")
            .expect("the manifest names kafka_2.13");
        assert_eq!(kafka.version, KAFKA_VERSION);
        assert!(jars
            .iter()
            .any(|jar| jar.artifact == "kafka-clients" && jar.version == KAFKA_VERSION));
        // Two jars with one file name would overwrite each other in `libs`.
        let mut names: Vec<String> = jars.iter().map(Jar::file_name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), jars.len());
        assert!(jars.iter().all(|jar| jar.size > 0));
    }

    #[test]
    fn urls_follow_the_maven_layout() {
        let jar = Jar {
            group: "com.fasterxml.jackson.core".into(),
            artifact: "jackson-core".into(),
            version: "2.19.0".into(),
            sha256: "0".repeat(64),
            size: 1,
        };
        let expected = "https://repo1.maven.org/maven2/com/fasterxml/jackson/core/jackson-core/2.19.0/jackson-core-2.19.0.jar";
        assert_eq!(jar.url(MAVEN_CENTRAL), expected);
        assert_eq!(jar.url("https://repo1.maven.org/maven2/"), expected);
        assert_eq!(jar.file_name(), "jackson-core-2.19.0.jar");
        assert_eq!(
            jar.to_string(),
            "com.fasterxml.jackson.core:jackson-core:2.19.0"
        );
    }

    #[test]
    fn the_repository_is_maven_central_unless_the_variable_names_one() {
        assert_eq!(repository_from(None), MAVEN_CENTRAL);
        assert_eq!(repository_from(Some(" ".into())), MAVEN_CENTRAL);
        assert_eq!(
            repository_from(Some("http://mirror.test/maven2/".into())),
            "http://mirror.test/maven2"
        );
    }

    #[test]
    fn a_malformed_line_is_refused_with_its_number() {
        let sha = "a".repeat(64);
        let good = format!("# comment\n\norg.example:alpha:1.0 {sha} 12\n");
        assert_eq!(parse_manifest(&good).unwrap().len(), 1);
        for (bad, says) in [
            (
                format!("org.example:alpha {sha} 12"),
                "not groupId:artifactId:version",
            ),
            (format!("org.example:alpha:1.0 {sha}"), "found 2 fields"),
            ("org.example:alpha:1.0 ABC 12".to_owned(), "not a SHA-256"),
            (format!("org.example:alpha:1.0 {sha} -4"), "not a size"),
            (
                format!("org.example:../..:1.0 {sha} 12"),
                "character outside",
            ),
        ] {
            let error = parse_manifest(&format!("# header\n{bad}\n")).unwrap_err();
            assert!(
                error.starts_with("line 2: ") && error.contains(says),
                "{error}"
            );
        }
    }

    /// A Maven repository over HTTP on 127.0.0.1, serving the files under `root` and counting
    /// requests. Returns its base URL.
    async fn serve(root: PathBuf, requests: Arc<AtomicUsize>) -> String {
        async fn file(
            State((root, requests)): State<(PathBuf, Arc<AtomicUsize>)>,
            UrlPath(path): UrlPath<String>,
        ) -> Response {
            requests.fetch_add(1, Ordering::SeqCst);
            match tokio::fs::read(root.join(path)).await {
                Ok(bytes) => bytes.into_response(),
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            }
        }
        let app = Router::new()
            .route("/maven2/{*path}", axum::routing::get(file))
            .with_state((root, requests));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}/maven2")
    }

    /// Puts a jar of `size` bytes into the repository at `root` and returns its manifest
    /// entry.
    fn publish(root: &Path, group: &str, artifact: &str, version: &str, size: usize) -> Jar {
        let content: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let jar = Jar {
            group: group.into(),
            artifact: artifact.into(),
            version: version.into(),
            sha256: format!("{:x}", Sha256::digest(&content)),
            size: size as u64,
        };
        let path = root.join(jar.url("").trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        jar
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        repository: PathBuf,
        libs: PathBuf,
        jars: Vec<Jar>,
        url: String,
        requests: Arc<AtomicUsize>,
    }

    async fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repository = dir.path().join("repository");
        // Big enough to arrive in several chunks.
        let jars = vec![
            publish(&repository, "org.example", "alpha", "1.0", 300_000),
            publish(
                &repository,
                "org.example.deep",
                "beta_2.13",
                "2.0-rc1",
                4_000,
            ),
            publish(&repository, "org.other", "gamma", "0.1", 1),
        ];
        let requests = Arc::new(AtomicUsize::new(0));
        let url = serve(repository.clone(), requests.clone()).await;
        Fixture {
            libs: dir.path().join("cache").join("libs"),
            _dir: dir,
            repository,
            jars,
            url,
            requests,
        }
    }

    /// Everything beside `libs` and in it, by name.
    fn listing(libs: &Path) -> (Vec<String>, Vec<String>) {
        let names = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names
        };
        (names(libs.parent().unwrap()), names(libs))
    }

    #[tokio::test]
    async fn fetch_downloads_verifies_and_then_has_nothing_left_to_do() {
        let f = fixture().await;
        let total: u64 = f.jars.iter().map(|jar| jar.size).sum();
        assert_eq!(missing_from(&f.libs, &f.jars).len(), 3);

        let calls = Mutex::new(Vec::new());
        let record = |done: u64, total: u64| calls.lock().unwrap().push((done, total));
        let fetched = fetch(&f.libs, &f.jars, &f.url, &record).await.unwrap();
        assert_eq!(
            fetched,
            Fetched {
                jars: 3,
                bytes: total
            }
        );
        let calls = calls.into_inner().unwrap();
        assert_eq!(calls.first(), Some(&(0, total)));
        assert_eq!(calls.last(), Some(&(total, total)));
        assert!(
            calls.windows(2).all(|pair| pair[0].0 <= pair[1].0),
            "{calls:?}"
        );
        assert!(missing_from(&f.libs, &f.jars).is_empty());
        for jar in &f.jars {
            let served = std::fs::read(f.repository.join(jar.url("").trim_start_matches('/')));
            assert_eq!(
                std::fs::read(f.libs.join(jar.file_name())).unwrap(),
                served.unwrap()
            );
        }
        let (beside, inside) = listing(&f.libs);
        assert_eq!(beside, [COMPLETE_MARKER, "libs"]);
        assert_eq!(
            inside,
            ["alpha-1.0.jar", "beta_2.13-2.0-rc1.jar", "gamma-0.1.jar"]
        );

        let before = f.requests.load(Ordering::SeqCst);
        let last = Mutex::new(None);
        let again = fetch(&f.libs, &f.jars, &f.url, &|done, total| {
            *last.lock().unwrap() = Some((done, total));
        })
        .await
        .unwrap();
        assert_eq!(again, Fetched::default());
        assert_eq!(f.requests.load(Ordering::SeqCst), before);
        assert_eq!(last.into_inner().unwrap(), Some((total, total)));
    }

    #[tokio::test]
    async fn a_jar_in_place_with_other_content_is_downloaded_again() {
        let f = fixture().await;
        fetch(&f.libs, &f.jars, &f.url, |_, _| {}).await.unwrap();
        let gamma = f.libs.join(f.jars[2].file_name());
        std::fs::write(&gamma, b"x").unwrap();
        // Same size, so the cheap check cannot tell; fetch hashes what is in place.
        assert!(missing_from(&f.libs, &f.jars).is_empty());
        let fetched = fetch(&f.libs, &f.jars, &f.url, |_, _| {}).await.unwrap();
        assert_eq!(fetched, Fetched { jars: 1, bytes: 1 });
        assert_eq!(std::fs::read(gamma).unwrap(), [0]);
    }

    #[tokio::test]
    async fn a_corrupted_jar_fails_naming_it_and_leaves_nothing_behind() {
        let f = fixture().await;
        let beta = &f.jars[1];
        let served = f.repository.join(beta.url("").trim_start_matches('/'));
        std::fs::write(&served, vec![7u8; beta.size as usize]).unwrap();

        let error = fetch(&f.libs, &f.jars, &f.url, |_, _| {})
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, FetchError::Digest { .. }), "{message}");
        assert!(
            message.contains("org.example.deep:beta_2.13:2.0-rc1"),
            "{message}"
        );
        assert!(message.contains(&beta.sha256), "{message}");
        let actual = format!("{:x}", Sha256::digest(vec![7u8; beta.size as usize]));
        assert!(message.contains(&actual), "{message}");
        // alpha, verified before the failure, stays for the next attempt; no marker yet.
        let (beside, inside) = listing(&f.libs);
        assert_eq!(beside, ["libs"]);
        assert_eq!(inside, ["alpha-1.0.jar"]);
    }

    #[tokio::test]
    async fn a_jar_of_another_size_fails_and_leaves_nothing_behind() {
        let f = fixture().await;
        let alpha = &f.jars[0];
        let served = f.repository.join(alpha.url("").trim_start_matches('/'));
        std::fs::write(&served, vec![1u8; alpha.size as usize + 10]).unwrap();

        let error = fetch(&f.libs, &f.jars, &f.url, |_, _| {})
            .await
            .unwrap_err();
        let FetchError::Size {
            ref jar,
            expected,
            received,
            ..
        } = error
        else {
            panic!("expected a size error, got {error}");
        };
        assert_eq!(jar, "org.example:alpha:1.0");
        assert_eq!(expected, alpha.size);
        assert!(received > expected, "{error}");
        assert_eq!(listing(&f.libs), (vec!["libs".to_owned()], vec![]));
    }

    #[tokio::test]
    async fn a_missing_jar_names_the_url_and_status() {
        let f = fixture().await;
        let mut jars = f.jars.clone();
        jars[2].version = "9.9".into();
        let error = fetch(&f.libs, &jars, &f.url, |_, _| {}).await.unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains(&format!("{}/org/other/gamma/9.9/gamma-9.9.jar", f.url)),
            "{message}"
        );
        assert!(message.contains("404"), "{message}");
    }

    #[tokio::test]
    async fn an_unreachable_repository_names_the_url() {
        let dir = tempfile::tempdir().unwrap();
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let repository = format!("http://127.0.0.1:{port}/maven2");
        let jar = Jar {
            group: "org.example".into(),
            artifact: "alpha".into(),
            version: "1.0".into(),
            sha256: "0".repeat(64),
            size: 1,
        };
        let libs = dir.path().join("libs");
        let error = fetch(&libs, std::slice::from_ref(&jar), &repository, |_, _| {})
            .await
            .unwrap_err();
        assert!(matches!(error, FetchError::Network { .. }), "{error}");
        assert!(error.to_string().contains(&jar.url(&repository)), "{error}");
    }
}
