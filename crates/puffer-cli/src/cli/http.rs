//! Small blocking HTTP helpers for health checks and JSON reads (guardians, the beacon node).

use std::time::Duration;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
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
