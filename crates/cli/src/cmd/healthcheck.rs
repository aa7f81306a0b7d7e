//! `vouch healthcheck`: asks a running `vouch serve` for `/healthz`, so a container image needs
//! no curl for its `HEALTHCHECK` (exit 0 healthy, 1 not, with the reason on stderr).

use anyhow::{Context, Result};
use clap::Args;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;
use vouch_server::config::{ENV_LISTEN, parse_listen};

#[derive(Args)]
pub struct HealthcheckArgs {
    /// URL to ask (default: http://<VOUCH_LISTEN, else 127.0.0.1:8080>/healthz; a wildcard
    /// listen address such as 0.0.0.0 is asked on loopback).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Seconds the whole check may take, connecting included.
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    timeout: u64,
}

pub fn run(args: HealthcheckArgs) -> Result<ExitCode> {
    let url = match args.url {
        Some(url) => url,
        None => default_url(std::env::var(ENV_LISTEN).ok().as_deref())?,
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let timeout = Duration::from_secs(args.timeout.max(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the healthcheck runtime")?;
    let outcome = runtime.block_on(check(&url, timeout));
    Ok(match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("unhealthy: {url}: {reason}");
            ExitCode::from(1)
        }
    })
}

/// `http://ADDR/healthz` for the address the server listens on.
fn default_url(listen: Option<&str>) -> Result<String> {
    let addr = match listen.map(str::trim).filter(|v| !v.is_empty()) {
        Some(value) => parse_listen(value)?,
        None => SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    Ok(format!("http://{}/healthz", reachable(addr)))
}

/// A server listening on every interface answers on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// One GET, bounded by `timeout` for connecting and for the whole exchange.
async fn check(url: &str, timeout: Duration) -> std::result::Result<(), String> {
    let client = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let response = client.get(url).send().await.map_err(|e| describe(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answered {status}"))
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time".to_string()
    } else if error.is_connect() {
        "cannot connect (is the server running?)".to_string()
    } else if error.is_builder() {
        format!("not a usable URL: {error}")
    } else {
        format!("request failed: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_url_follows_the_listen_address() {
        assert_eq!(default_url(None).unwrap(), "http://127.0.0.1:8080/healthz");
        assert_eq!(
            default_url(Some("0.0.0.0:9000")).unwrap(),
            "http://127.0.0.1:9000/healthz"
        );
        assert_eq!(
            default_url(Some("[::]:8081")).unwrap(),
            "http://[::1]:8081/healthz"
        );
        assert_eq!(
            default_url(Some("10.1.2.3:8080")).unwrap(),
            "http://10.1.2.3:8080/healthz"
        );
        assert!(default_url(Some("localhost")).is_err());
    }
}
