//! Small blocking HTTP helpers for health checks and JSON reads (guardians, the beacon node).

use std::time::Duration;

/// A single-threaded tokio runtime for one blocking call into async code (HTTP, the Beacon API client).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Whether `GET url` answers 2xx within `timeout`.
pub(crate) fn get_ok(url: &str, timeout: Duration) -> bool {
    let Ok(rt) = runtime() else { return false };
    rt.block_on(async {
        let Ok(client) = reqwest::Client::builder().timeout(timeout).build() else {
            return false;
        };
        client
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
}

/// `GET url` as JSON.
pub(crate) fn get_json(url: &str, timeout: Duration) -> anyhow::Result<serde_json::Value> {
    let rt = runtime()?;
    rt.block_on(async {
        let client = reqwest::Client::builder().timeout(timeout).build()?;
        let response = client.get(url).send().await?;
        let status = response.status();
        if !status.is_success() {
            anyhow::bail!("GET {url} answered {status}");
        }
        Ok(response.json().await?)
    })
}
