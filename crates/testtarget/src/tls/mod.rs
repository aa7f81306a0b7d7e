//! The test target over HTTPS: the same app behind tokio-rustls (ring), with a certificate
//! generated at start ([`CertVariant`]), the TLS versions it accepts and a plain-HTTP
//! listener that redirects to HTTPS, serves the app, or is absent.
//!
//! rustls speaks only TLS 1.2 and 1.3, so no variant accepts TLS 1.0/1.1: the legacy-version
//! probe's failing path is tested against Debian's nginx instead.

mod certs;
mod serve;

pub use certs::{CertVariant, Certificates, generate};

use crate::behaviour::Behaviour;
use std::net::SocketAddr;
use tokio::task::JoinHandle;

/// Versions the HTTPS listener accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsVersions {
    /// TLS 1.2 and 1.3 (the default).
    Tls12And13,
    Tls13Only,
}

/// What listens on plain HTTP next to the HTTPS port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainHttp {
    /// `301` to the same path on the HTTPS port.
    Redirect,
    /// The app itself, unencrypted.
    ServesApp,
    /// Nothing.
    Absent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsOptions {
    pub cert: CertVariant,
    pub versions: TlsVersions,
    pub plain_http: PlainHttp,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            cert: CertVariant::Valid,
            versions: TlsVersions::Tls12And13,
            plain_http: PlainHttp::Redirect,
        }
    }
}

impl From<CertVariant> for TlsOptions {
    fn from(cert: CertVariant) -> Self {
        TlsOptions {
            cert,
            ..TlsOptions::default()
        }
    }
}

/// An HTTPS target on the current runtime; stops (listeners and connections) when dropped.
pub struct RunningTls {
    pub addr: SocketAddr,
    /// The plain-HTTP listener, unless [`PlainHttp::Absent`].
    pub http_addr: Option<SocketAddr>,
    /// The generated CA (PEM) that signed the leaf: a client's `--ca-cert`.
    pub ca_pem: String,
    pub not_after: time::OffsetDateTime,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningTls {
    /// `https://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// `https://localhost:PORT` (the certificate names both).
    pub fn localhost_url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }
}

impl Drop for RunningTls {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Binds `127.0.0.1:0` for HTTPS (and another port for plain HTTP) and serves `behaviour`.
pub async fn start_tls(
    behaviour: impl Into<Behaviour>,
    options: impl Into<TlsOptions>,
) -> std::io::Result<RunningTls> {
    let options = options.into();
    let certs = generate(options.cert).map_err(std::io::Error::other)?;
    let config = serve::server_config(&certs, options.versions)?;
    let app = crate::router(behaviour.into());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let mut tasks = vec![tokio::spawn(serve::https(listener, config, app.clone()))];
    let http_addr = match options.plain_http {
        PlainHttp::Absent => None,
        plain => {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            let http_addr = listener.local_addr()?;
            let app = match plain {
                PlainHttp::Redirect => serve::redirect_to(addr.port()),
                _ => app,
            };
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            }));
            Some(http_addr)
        }
    };
    Ok(RunningTls {
        addr,
        http_addr,
        ca_pem: certs.ca_pem,
        not_after: certs.not_after,
        tasks,
    })
}

/// An HTTPS target on its own thread and runtime, for callers that block (a test running the
/// `vouch` binary). Dropping it stops the server and its connections.
pub struct BackgroundTls {
    pub addr: SocketAddr,
    pub http_addr: Option<SocketAddr>,
    pub ca_pem: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundTls {
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

impl Drop for BackgroundTls {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts `behaviour` over HTTPS on `127.0.0.1:0` in a background thread.
pub fn spawn_tls(
    behaviour: impl Into<Behaviour>,
    options: impl Into<TlsOptions>,
) -> std::io::Result<BackgroundTls> {
    let (behaviour, options) = (behaviour.into(), options.into());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let running = start_tls(behaviour, options).await;
            let info = running
                .as_ref()
                .map(|r| (r.addr, r.http_addr, r.ca_pem.clone()))
                .map_err(|e| std::io::Error::new(e.kind(), e.to_string()));
            let _ = started_tx.send(info);
            if running.is_ok() {
                let _ = stopped.await;
            }
            drop(running);
        });
        drop(rt);
    });
    let (addr, http_addr, ca_pem) = started_rx
        .recv()
        .map_err(|_| std::io::Error::other("the TLS target thread ended before starting"))??;
    Ok(BackgroundTls {
        addr,
        http_addr,
        ca_pem,
        stop: Some(stop),
        thread: Some(thread),
    })
}
