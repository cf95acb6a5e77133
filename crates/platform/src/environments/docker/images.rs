//! The images a compose project needs, made present before any container starts: a
//! public image already there is used as it is, a missing one is pulled (with bytes and
//! percent over all its layers), and Faultline's own images are built through the Engine
//! API from the contexts the app carries, again only when their context changed.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use bollard::query_parameters::{BuildImageOptionsBuilder, CreateImageOptionsBuilder};
use bollard::Docker;
use futures_util::StreamExt;

use super::compose::{Build, Service, PROJECT_LABEL};
use super::config::Artifact;
use crate::environments::megabytes;

/// The label on an image Faultline built: a checksum of the context it was built from, so
/// an unchanged context is not built again.
pub const CONTEXT_LABEL: &str = "io.faultline.context";

/// How far a pull or build is: a sentence and, when known, a percentage.
pub type Report<'a> = &'a (dyn Fn(String, Option<u8>) + Send + Sync);

/// What making one image present took, for the step's last word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Present,
    Pulled { bytes: u64 },
    Built,
}

impl Outcome {
    pub fn describe(&self, image: &str) -> String {
        match self {
            Outcome::Present => format!("{image} is present"),
            Outcome::Pulled { bytes } => format!("{image} pulled ({})", megabytes(*bytes)),
            Outcome::Built => format!("{image} built"),
        }
    }
}

/// Makes `service`'s image present. Errors: the pull or build failed, with the engine's
/// words, or a file the build context needs is missing.
pub async fn ensure(
    docker: &Docker,
    project: &str,
    service: &Service,
    artifacts: &[Artifact],
    image_prefix: Option<&str>,
    report: Report<'_>,
) -> Result<Outcome, String> {
    let existing = docker.inspect_image(&service.image).await.ok();
    match &service.build {
        Some(build) => {
            let context = context_tar(build, artifacts)?;
            let checksum = format!("{:08x}", crc32fast::hash(&context));
            let built_from = existing
                .as_ref()
                .and_then(|image| image.config.as_ref())
                .and_then(|config| config.labels.as_ref())
                .and_then(|labels| labels.get(CONTEXT_LABEL).cloned());
            if built_from.as_deref() == Some(checksum.as_str()) {
                return Ok(Outcome::Present);
            }
            build_image(docker, project, service, build, context, &checksum, report).await?;
            // The image this build replaced would stay behind untagged; it was ours.
            let built = docker
                .inspect_image(&service.image)
                .await
                .ok()
                .and_then(|i| i.id);
            if let Some(old) = existing
                .and_then(|image| image.id)
                .filter(|old| Some(old) != built.as_ref())
            {
                let _ = docker
                    .remove_image(
                        &old,
                        None::<bollard::query_parameters::RemoveImageOptions>,
                        None,
                    )
                    .await;
            }
            Ok(Outcome::Built)
        }
        None if existing.is_some() => Ok(Outcome::Present),
        None => pull(docker, &service.image, image_prefix, report).await,
    }
}

/// `repository[:tag]` split where the tag starts (a registry's `host:port/` is not a tag).
fn split_reference(image: &str) -> (&str, &str) {
    match image.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository, tag),
        _ => (image, "latest"),
    }
}

/// Bytes of each layer, as the engine reports them while pulling.
#[derive(Default)]
struct Layers {
    /// Layer id → (bytes downloaded, bytes in all; 0 until known).
    sizes: BTreeMap<String, (u64, u64)>,
}

impl Layers {
    fn update(&mut self, info: &bollard::models::CreateImageInfo) {
        let Some(id) = info.id.clone() else { return };
        let entry = self.sizes.entry(id).or_default();
        let detail = info.progress_detail.as_ref();
        match info.status.as_deref() {
            Some("Downloading") => {
                if let Some(detail) = detail {
                    entry.0 = detail.current.unwrap_or(0).max(0) as u64;
                    entry.1 = detail.total.unwrap_or(0).max(0) as u64;
                }
            }
            Some("Download complete" | "Pull complete" | "Already exists") => entry.0 = entry.1,
            _ => {}
        }
    }

    fn done_and_total(&self) -> (u64, u64) {
        self.sizes
            .values()
            .fold((0, 0), |(done, total), (d, t)| (done + d, total + t))
    }
}

async fn pull(
    docker: &Docker,
    image: &str,
    prefix: Option<&str>,
    report: Report<'_>,
) -> Result<Outcome, String> {
    let source = format!("{}{image}", prefix.unwrap_or(""));
    let (repository, tag) = split_reference(&source);
    let options = CreateImageOptionsBuilder::default()
        .from_image(repository)
        .tag(tag)
        .build();
    let mut stream = docker.create_image(Some(options), None, None);
    let mut layers = Layers::default();
    let mut shown = None;
    while let Some(info) = stream.next().await {
        let info = info.map_err(|e| format!("pulling {source} failed: {e}"))?;
        layers.update(&info);
        let (done, total) = layers.done_and_total();
        let percent = (total > 0).then(|| (done * 100 / total).min(100) as u8);
        if percent.is_some() && percent != shown {
            shown = percent;
            report(
                format!(
                    "pulling {image}: {} of {}",
                    megabytes(done),
                    megabytes(total)
                ),
                percent,
            );
        }
    }
    if prefix.is_some() {
        let (repository, tag) = split_reference(image);
        let options = bollard::query_parameters::TagImageOptionsBuilder::default()
            .repo(repository)
            .tag(tag)
            .build();
        docker
            .tag_image(&source, Some(options))
            .await
            .map_err(|e| format!("tagging {source} as {image} failed: {e}"))?;
        // The image stays under its public name only, as if pulled from its own registry.
        let untag = bollard::query_parameters::RemoveImageOptionsBuilder::default()
            .noprune(true)
            .build();
        docker
            .remove_image(&source, Some(untag), None)
            .await
            .map_err(|e| format!("untagging {source} failed: {e}"))?;
    }
    Ok(Outcome::Pulled {
        bytes: layers.done_and_total().1,
    })
}

/// The context folder as a tar, with the app's artifacts for it added (they replace files
/// of the same name in the folder).
fn context_tar(build: &Build, artifacts: &[Artifact]) -> Result<Vec<u8>, String> {
    let folder_name = build
        .context
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ours: Vec<&Artifact> = artifacts
        .iter()
        .filter(|artifact| artifact.context == folder_name)
        .collect();
    let mut tar = tar::Builder::new(Vec::new());
    tar.follow_symlinks(true);
    // Docker's tar reader refuses GNU sparse entries, which a freshly linked binary can be.
    tar.sparse(false);
    let entries = std::fs::read_dir(&build.context).map_err(|e| {
        format!(
            "the build context {} cannot be read: {e}",
            build.context.display()
        )
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ours.iter().any(|artifact| artifact.name == name) {
            continue;
        }
        append(&mut tar, &entry.path(), &name)?;
    }
    for artifact in ours {
        if !artifact.source.exists() {
            return Err(format!(
                "{} is missing at {}; reinstall Faultline",
                artifact.name,
                artifact.source.display()
            ));
        }
        append(&mut tar, &artifact.source, &artifact.name)?;
    }
    tar.into_inner()
        .map_err(|e| format!("cannot pack the build context: {e}"))
}

fn append(tar: &mut tar::Builder<Vec<u8>>, path: &Path, name: &str) -> Result<(), String> {
    let result = if path.is_dir() {
        tar.append_dir_all(name, path)
    } else {
        tar.append_path_with_name(path, name)
    };
    result.map_err(|e| format!("cannot pack {} into the build context: {e}", path.display()))
}

async fn build_image(
    docker: &Docker,
    project: &str,
    service: &Service,
    build: &Build,
    context: Vec<u8>,
    checksum: &str,
    report: Report<'_>,
) -> Result<(), String> {
    let labels = HashMap::from([
        (PROJECT_LABEL.to_owned(), project.to_owned()),
        (CONTEXT_LABEL.to_owned(), checksum.to_owned()),
    ]);
    let options = BuildImageOptionsBuilder::default()
        .dockerfile(&build.dockerfile)
        .t(&service.image)
        .rm(true)
        .forcerm(true)
        .labels(&labels)
        .build();
    let mut stream = docker.build_image(options, None, Some(bollard::body_full(context.into())));
    let mut last_line = String::new();
    while let Some(info) = stream.next().await {
        let info = info.map_err(|e| format!("building {} failed: {e}", service.image))?;
        if let Some(error) = info.error_detail.and_then(|detail| detail.message) {
            return Err(format!("building {} failed: {error}", service.image));
        }
        let Some(line) = info.stream.map(|line| line.trim().to_owned()) else {
            continue;
        };
        if line.is_empty() {
            continue;
        }
        if let Some(percent) = step_percent(&line) {
            report(format!("building {}: {line}", service.image), Some(percent));
        }
        last_line = line;
    }
    tracing::info!(image = %service.image, %last_line, "built");
    Ok(())
}

/// "Step 2/4 : COPY ..." → 50.
fn step_percent(line: &str) -> Option<u8> {
    let counts = line.strip_prefix("Step ")?.split_whitespace().next()?;
    let (step, of) = counts.split_once('/')?;
    let (step, of): (u64, u64) = (step.parse().ok()?, of.parse().ok()?);
    (of > 0).then(|| (step * 100 / of).min(100) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_splits_at_its_tag_not_at_a_registry_port() {
        assert_eq!(
            split_reference("apache/kafka:4.1.1"),
            ("apache/kafka", "4.1.1")
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/apache/kafka:4.1.1"),
            ("127.0.0.1:5000/apache/kafka", "4.1.1")
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/busybox"),
            ("127.0.0.1:5000/busybox", "latest")
        );
    }

    #[test]
    fn pull_progress_sums_every_layer() {
        let info =
            |id: &str, status: &str, current: i64, total: i64| bollard::models::CreateImageInfo {
                id: Some(id.into()),
                status: Some(status.into()),
                progress_detail: Some(bollard::models::ProgressDetail {
                    current: Some(current),
                    total: Some(total),
                }),
                ..Default::default()
            };
        let mut layers = Layers::default();
        layers.update(&info("a", "Downloading", 50, 100));
        layers.update(&info("b", "Downloading", 0, 300));
        assert_eq!(layers.done_and_total(), (50, 400));
        layers.update(&info("a", "Download complete", 0, 0));
        layers.update(&info("b", "Downloading", 150, 300));
        assert_eq!(layers.done_and_total(), (250, 400));
        layers.update(&info("b", "Pull complete", 0, 0));
        assert_eq!(layers.done_and_total(), (400, 400));
    }

    #[test]
    fn build_steps_read_as_percent() {
        assert_eq!(step_percent("Step 2/4 : COPY jassets /app"), Some(50));
        assert_eq!(step_percent("Step 4/4 : CMD [\"x\"]"), Some(100));
        assert_eq!(step_percent("---> Running in 1234"), None);
        assert_eq!(step_percent("Step x/0"), None);
    }

    #[test]
    fn the_context_carries_the_apps_artifacts_in_place_of_files_of_that_name() {
        let folder = std::env::temp_dir().join(format!("faultline-ctx-{}", std::process::id()));
        let context = folder.join("sidecar");
        std::fs::create_dir_all(&context).unwrap();
        std::fs::write(context.join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(context.join("faultline-sidecar"), "stale").unwrap();
        let fresh = folder.join("fresh-binary");
        std::fs::write(&fresh, "fresh").unwrap();
        let artifacts = [Artifact {
            context: "sidecar".into(),
            name: "faultline-sidecar".into(),
            source: fresh,
        }];
        let build = Build {
            context: context.clone(),
            dockerfile: "Dockerfile".into(),
        };
        let tar = context_tar(&build, &artifacts).unwrap();
        let mut archive = tar::Archive::new(&tar[..]);
        let mut files = BTreeMap::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            files.insert(entry.path().unwrap().display().to_string(), text);
        }
        assert_eq!(files["faultline-sidecar"], "fresh");
        assert_eq!(files["Dockerfile"], "FROM scratch\n");
        assert_eq!(files.len(), 2);

        std::fs::remove_file(folder.join("fresh-binary")).unwrap();
        let missing = context_tar(&build, &artifacts).unwrap_err();
        assert!(
            missing.contains("faultline-sidecar is missing"),
            "{missing}"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
