//! Where the cluster is and how to reach it: bootstrap plus a `client.properties` file.

use std::path::{Path, PathBuf};

use rdkafka::ClientConfig;

/// Where the cluster is and how to talk to it. `extra` carries any librdkafka property
/// (e.g. `security.protocol`, `sasl.mechanisms`) through unchanged, so an external
/// cluster with TLS or SASL needs no code here.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    pub bootstrap: String,
    pub extra: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read Kafka client properties from {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: expected `key=value`, found {text:?}")]
    Syntax {
        path: PathBuf,
        line: usize,
        text: String,
    },
}

impl ClientSettings {
    pub fn new(bootstrap: impl Into<String>) -> Self {
        Self {
            bootstrap: bootstrap.into(),
            extra: Vec::new(),
        }
    }

    /// Reads a Java-style `client.properties` file (`key=value`, `#` comments), the format
    /// Kafka users already keep for their clusters.
    pub fn with_properties_file(mut self, path: &Path) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_owned(),
            source,
        })?;
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(SettingsError::Syntax {
                    path: path.to_owned(),
                    line: index + 1,
                    text: line.chars().take(80).collect(),
                });
            };
            self.extra
                .push((key.trim().to_owned(), value.trim().to_owned()));
        }
        Ok(self)
    }

    /// A client config with the bootstrap servers and every pass-through property set.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.bootstrap);
        for (key, value) in &self.extra {
            config.set(key, value);
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_file_passes_settings_through_and_reports_bad_lines() {
        let dir = std::env::temp_dir().join(format!("faultline-props-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.properties");
        std::fs::write(
            &good,
            "# TLS\nsecurity.protocol = SASL_SSL\n\nsasl.mechanisms=PLAIN\n",
        )
        .unwrap();
        let settings = ClientSettings::new("b:9092")
            .with_properties_file(&good)
            .unwrap();
        assert_eq!(
            settings.extra,
            vec![
                ("security.protocol".to_owned(), "SASL_SSL".to_owned()),
                ("sasl.mechanisms".to_owned(), "PLAIN".to_owned())
            ]
        );
        assert_eq!(
            settings.client_config().get("sasl.mechanisms"),
            Some("PLAIN")
        );

        let bad = dir.join("bad.properties");
        std::fs::write(&bad, "ok=1\nnot a property\n").unwrap();
        let err = ClientSettings::new("b:9092")
            .with_properties_file(&bad)
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("bad.properties:2: expected `key=value`, found \"not a property\""),
            "{err}"
        );

        let err = ClientSettings::new("b")
            .with_properties_file(&dir.join("missing"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot read Kafka client properties"),
            "{err}"
        );
    }
}
