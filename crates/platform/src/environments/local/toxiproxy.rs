//! A small client for Toxiproxy's HTTP API: one proxy per broker, and toxics on them.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone)]
pub struct Toxiproxy {
    base: String,
    http: reqwest::Client,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Proxy {
    pub name: String,
    pub listen: String,
    pub upstream: String,
    pub enabled: bool,
    #[serde(default)]
    pub toxics: Vec<Toxic>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Toxic {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub stream: String,
    pub toxicity: f64,
    pub attributes: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
#[error("Toxiproxy at {base}: {action} failed: {detail}")]
pub struct ToxiproxyError {
    pub base: String,
    pub action: String,
    pub detail: String,
}

impl Toxiproxy {
    pub fn new(api_port: u16) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            base: format!("http://127.0.0.1:{api_port}"),
            http,
        }
    }

    pub async fn is_up(&self) -> bool {
        self.http
            .get(format!("{}/version", self.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }

    pub async fn proxies(&self) -> Result<Vec<Proxy>, ToxiproxyError> {
        let map: std::collections::BTreeMap<String, Proxy> = self
            .call(
                "list proxies",
                self.http.get(format!("{}/proxies", self.base)),
            )
            .await?;
        Ok(map.into_values().collect())
    }

    /// Creates the proxy, or recreates it if one of that name exists with other settings.
    pub async fn ensure_proxy(
        &self,
        name: &str,
        listen: &str,
        upstream: &str,
    ) -> Result<(), ToxiproxyError> {
        let existing = self.proxies().await?;
        if let Some(proxy) = existing.iter().find(|p| p.name == name) {
            if proxy.listen == listen && proxy.upstream == upstream && proxy.enabled {
                return Ok(());
            }
            self.call::<serde_json::Value>(
                "delete proxy",
                self.http.delete(format!("{}/proxies/{name}", self.base)),
            )
            .await
            .ok();
        }
        let body = json!({ "name": name, "listen": listen, "upstream": upstream, "enabled": true });
        self.call::<Proxy>(
            "create proxy",
            self.http.post(format!("{}/proxies", self.base)).json(&body),
        )
        .await?;
        Ok(())
    }

    pub async fn add_toxic(&self, proxy: &str, toxic: &Toxic) -> Result<(), ToxiproxyError> {
        let url = format!("{}/proxies/{proxy}/toxics", self.base);
        self.call::<Toxic>(
            &format!("add toxic {} to {proxy}", toxic.name),
            self.http.post(url).json(toxic),
        )
        .await?;
        Ok(())
    }

    /// Removing a toxic that is already gone is success: reverts must be repeatable.
    pub async fn remove_toxic(&self, proxy: &str, toxic: &str) -> Result<(), ToxiproxyError> {
        let url = format!("{}/proxies/{proxy}/toxics/{toxic}", self.base);
        let response = self
            .http
            .delete(url)
            .send()
            .await
            .map_err(|e| self.error("remove toxic", e.to_string()))?;
        match response.status().as_u16() {
            200..=299 | 404 => Ok(()),
            code => Err(self.error(
                &format!("remove toxic {toxic} from {proxy}"),
                format!("HTTP {code}"),
            )),
        }
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        action: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ToxiproxyError> {
        let response = request
            .send()
            .await
            .map_err(|e| self.error(action, e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(self.error(
                action,
                format!(
                    "HTTP {status}: {}",
                    body.chars().take(200).collect::<String>()
                ),
            ));
        }
        response
            .json()
            .await
            .map_err(|e| self.error(action, format!("unreadable answer: {e}")))
    }

    fn error(&self, action: &str, detail: String) -> ToxiproxyError {
        ToxiproxyError {
            base: self.base.clone(),
            action: action.to_owned(),
            detail,
        }
    }
}
