//! vouch's live test target: a small axum service whose production-readiness defects are
//! switched on per instance ([`Mode`] presets or a hand-built [`Behaviour`]). Tests start it
//! on `127.0.0.1:0` in-process and probe it; the `vouch-testtarget` binary serves one mode.
//!
//! [`tls::start_tls`] serves the same app over HTTPS with a generated certificate.

mod app;
pub mod behaviour;
mod errors;
mod graphql;
mod limits;
mod metrics;
mod pages;
pub mod tls;

pub use app::{ALLOWED_ORIGIN, router};
pub use behaviour::{
    Behaviour, CookieStyle, Delay, ErrorStyle, Graphql, MetricsStyle, Mode, Oversize, TOKEN,
};
pub use tls::{
    BackgroundTls, CertVariant, PlainHttp, RunningTls, TlsOptions, TlsVersions, spawn_tls,
    start_tls,
};

use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A target serving on the current tokio runtime; stops when dropped.
pub struct Running {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `127.0.0.1:0` and serves `behaviour` on the current runtime.
pub async fn start(behaviour: impl Into<Behaviour>) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    serve_on(listener, behaviour.into())
}

fn serve_on(listener: TcpListener, behaviour: Behaviour) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let app = router(behaviour);
    let task = tokio::spawn(async move {
        // An accept error ends the server; tests then see connection errors.
        let _ = axum::serve(listener, app).await;
    });
    Ok(Running { addr, task })
}

/// A target on its own thread and runtime, for callers that block (a test running the `vouch`
/// binary). Dropping it stops the server and its connections.
pub struct Background {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts `behaviour` on `127.0.0.1:0` in a background thread.
pub fn spawn(behaviour: impl Into<Behaviour>) -> std::io::Result<Background> {
    let behaviour = behaviour.into();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            let Ok(running) = serve_on(listener, behaviour) else {
                return;
            };
            let _ = stopped.await;
            drop(running);
        });
        // Dropping the runtime cancels every connection task, even one stuck in a delay.
        drop(rt);
    });
    Ok(Background {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}
