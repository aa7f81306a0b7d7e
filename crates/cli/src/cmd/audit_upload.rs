//! `vouch audit --upload URL --project NAME`: sends the JSON report to a vouch server with the
//! API key from `VOUCH_API_KEY`. Retries connection failures and 5xx with the same
//! Idempotency-Key, so a retried upload is stored once.

use anyhow::{Context, Result, anyhow, bail};
use std::time::Duration;

pub const API_KEY_ENV: &str = "VOUCH_API_KEY";
const ATTEMPTS: u32 = 3;

/// The key, read before the audit runs so a missing one fails fast.
pub fn api_key() -> Result<String> {
    std::env::var(API_KEY_ENV)
        .ok()
        .filter(|k| !k.trim().is_empty())
        .map(|k| k.trim().to_string())
        .ok_or_else(|| {
            anyhow!("--upload needs an API key with the runs:write scope in {API_KEY_ENV}")
        })
}

/// Uploads `json`; returns the stored run's URL.
pub fn upload(server: &str, project: &str, key: &str, json: String) -> Result<String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base = server.trim_end_matches('/');
    let url = format!("{base}/api/v1/projects/{project}/runs");
    // Unique per invocation; the same across this invocation's retries.
    let idempotency_key = format!(
        "vouch-audit-{}-{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the upload runtime")?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .context("cannot build the HTTP client")?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = client
                .post(&url)
                .bearer_auth(key)
                .header("content-type", "application/json")
                .header("idempotency-key", &idempotency_key)
                .body(json.clone())
                .send()
                .await;
            let retry = match sent {
                Ok(response) if response.status().is_success() => {
                    let location = response
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .map(|l| format!("{base}{l}"))
                        .unwrap_or(url.clone());
                    return Ok(location);
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let detail = detail(response.text().await.unwrap_or_default());
                    let message = explain(status, project, &detail);
                    if status < 500 {
                        bail!("upload to {url} failed: {message}");
                    }
                    message
                }
                Err(e) => format!("cannot reach the server: {e}"),
            };
            if attempt >= ATTEMPTS {
                bail!("upload to {url} failed after {ATTEMPTS} attempts: {retry}");
            }
            tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
        }
    })
}

/// The `detail` of a problem document, else the start of the body.
fn detail(body: String) -> String {
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn explain(status: u16, project: &str, detail: &str) -> String {
    match status {
        401 => format!("401: the server rejected the API key in {API_KEY_ENV} ({detail})"),
        403 => format!(
            "403: the API key may not upload runs; it needs the runs:write scope ({detail})"
        ),
        404 => format!("404: no project `{project}` on the server; create it first ({detail})"),
        s if s >= 500 => format!("{s}: the server failed ({detail})"),
        s => format!("{s}: {detail}"),
    }
}
