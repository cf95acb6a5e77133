//! The scenarios on offer: the built-in files (compiled in from `scenarios/`) and any a
//! user keeps in a folder of their own, which replace built-ins of the same id. A broken
//! file is reported and skipped; it never stops the others.

use std::collections::BTreeMap;
use std::path::Path;

use rust_embed::Embed;

use super::scenario::Scenario;
use crate::wire::FileError;

#[derive(Embed)]
#[folder = "../../scenarios/"]
#[include = "*.toml"]
struct BuiltIn;

#[derive(Debug, Default)]
pub struct Library {
    pub scenarios: BTreeMap<String, Scenario>,
    pub errors: Vec<FileError>,
}

impl Library {
    pub fn load(user_dir: Option<&Path>) -> Self {
        let mut library = Library::default();
        for name in BuiltIn::iter() {
            if let Some(file) = BuiltIn::get(&name) {
                library.add(
                    &format!("built-in {name}"),
                    &String::from_utf8_lossy(&file.data),
                );
            }
        }
        if let Some(dir) = user_dir {
            library.load_dir(dir);
        }
        for error in &library.errors {
            tracing::error!("scenario file refused: {error}");
        }
        library
    }

    fn load_dir(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                self.errors.push(FileError {
                    file: dir.display().to_string(),
                    line: None,
                    message: format!("cannot read the scenarios folder: {error}"),
                });
                return;
            }
        };
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for path in files {
            let name = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => self.add(&name, &text),
                Err(error) => self.errors.push(FileError {
                    file: name,
                    line: None,
                    message: error.to_string(),
                }),
            }
        }
    }

    fn add(&mut self, file: &str, text: &str) {
        match Scenario::parse(file, text) {
            Ok(scenario) => {
                self.scenarios.insert(scenario.id.clone(), scenario);
            }
            Err(error) => self.errors.push(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_built_in_scenarios_load_cleanly() {
        let library = Library::load(None);
        assert!(library.errors.is_empty(), "{:?}", library.errors);
        let ids: Vec<&str> = library.scenarios.keys().map(String::as_str).collect();
        assert_eq!(
            ids,
            [
                "broker-cpu-saturation",
                "broker-failure",
                "buffer-overflow",
                "cascading-failure",
                "consumer-lag",
                "network-latency-partition"
            ]
        );
    }

    #[test]
    fn a_broken_user_file_is_reported_and_the_rest_still_load() {
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path().to_path_buf();
        std::fs::write(dir.join("broken.toml"), "id = \"broken\"\ntitle = [\n").unwrap();
        let library = Library::load(Some(&dir));
        assert_eq!(library.scenarios.len(), 6);
        assert_eq!(library.errors.len(), 1);
        assert!(
            library.errors[0].to_string().contains("broken.toml: line"),
            "{}",
            library.errors[0]
        );
    }
}
