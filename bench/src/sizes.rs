//! What a presenter downloads and runs: the .deb's size and the release binaries' sizes,
//! as found in the target folder (the bench never builds a bundle itself).

use std::path::Path;

use crate::report::{Figure, Skipped, Unit};

/// Megabytes as package managers count them.
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// One figure per file found; a skip for each that is not there.
pub fn measure(target: &Path) -> (Vec<Figure>, Vec<Skipped>) {
    let release = target.join("release");
    let deb = std::fs::read_dir(release.join("bundle/deb"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"));
    let mut files = vec![("size/deb", "the .deb (make deb)".to_owned(), deb)];
    for binary in ["faultline", "faultline-server", "faultline-sidecar"] {
        files.push((
            binary,
            format!("release binary {binary}"),
            Some(release.join(binary)),
        ));
    }
    let (mut figures, mut skipped) = (Vec::new(), Vec::new());
    for (id, what, path) in files {
        let id = if id.starts_with("size/") {
            id.to_owned()
        } else {
            format!("size/{id}")
        };
        match path.as_deref().and_then(|p| std::fs::metadata(p).ok()) {
            Some(meta) => figures.push(Figure::new(
                &id,
                "release",
                &what,
                Unit::MB,
                vec![mb(meta.len())],
            )),
            None => skipped.push(Skipped {
                id,
                reason: format!("{what} is not built in {}", release.display()),
            }),
        }
    }
    (figures, skipped)
}
