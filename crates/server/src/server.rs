//! Starting and stopping the server: connect, migrate, bootstrap the admin key, listen, and on
//! shutdown stop accepting, let in-flight requests finish (bounded by the grace period), close
//! the pool.

use crate::app::{AppState, Shared, router};
use crate::auth::bootstrap;
use crate::auth::signing::{KeyError, SigningKeys};
use crate::config::Config;
use crate::db::{Db, DbError, PoolSettings};
use crate::fresh_cache::{self, FreshCache};
use crate::http::rate_limit::RateLimits;
use crate::jobs::{JobsHandle, Workers};
use crate::ops::metrics::Metrics;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Bootstrap(#[from] bootstrap::BootstrapError),
    #[error(transparent)]
    AdminUser(#[from] bootstrap::AdminUserError),
    #[error(transparent)]
    SigningKey(#[from] KeyError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Webhooks(#[from] crate::webhooks::sender::SenderError),
    #[error(transparent)]
    SignoffKey(#[from] crate::checklists::key::SignoffKeyError),
    #[error(transparent)]
    Oidc(#[from] crate::auth::oidc::OidcConfigError),
    #[error(transparent)]
    Traces(#[from] crate::ops::traces::TracesError),
}

/// Connects and migrates the configured database.
pub async fn open_database(config: &Config) -> Result<Db, ServeError> {
    let db = Db::connect(
        &config.effective_database_url(),
        PoolSettings {
            max_connections: config.db_max_connections,
            acquire_timeout: Duration::from_secs(config.db_acquire_timeout_secs),
        },
    )
    .await?;
    db.migrate().await?;
    if let Some(key) = &config.init_admin_key
        && bootstrap::ensure_admin_key(&db, key).await?
    {
        tracing::info!("stored the initial admin key from the configuration");
    }
    if let Some(password) = &config.init_admin_password
        && bootstrap::ensure_admin_user(&db, config.init_admin_user.as_deref(), password).await?
    {
        tracing::info!("created the initial admin user");
    }
    Ok(db)
}

/// A server running in the background (tests, and `run` below).
pub struct Running {
    pub addr: SocketAddr,
    pub db: Db,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), ServeError>>,
    workers: Option<Workers>,
    backups: Option<JoinHandle<()>>,
    traces: Option<crate::ops::traces::Traces>,
}

impl Running {
    /// Stops the job workers (their running jobs go back to the queue), then stops accepting
    /// connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) -> Result<(), ServeError> {
        if let Some(workers) = self.workers.take() {
            workers.stop().await;
        }
        if let Some(backups) = self.backups.take() {
            backups.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let served = self
            .task
            .await
            .map_err(|e| ServeError::Serve(std::io::Error::other(e)))?;
        // Last: the spans of the final requests and jobs are exported too.
        if let Some(traces) = self.traces.take() {
            traces.shutdown().await;
        }
        served
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds `config.listen` (port 0 picks a free port) and serves until `shutdown`.
pub async fn start(config: Config, db: Db) -> Result<Running, ServeError> {
    // Before binding: production refuses to run without a signing key of its own.
    let signing = Arc::new(SigningKeys::from_config(&config)?);
    let signoff_keys = Arc::new(crate::checklists::key::SignoffKeys::from_config(&config)?);
    let oidc = crate::auth::oidc::Oidc::from_config(&config)?.map(Arc::new);
    crate::ops::process::mark_start();
    let traces = crate::ops::traces::init(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let metrics = Arc::new(Metrics::default());
    let jobs = Arc::new(JobsHandle::new(config.job_workers));
    let webhooks = Arc::new(crate::webhooks::Handle::default());
    let workers = Workers::start(&db, &config, &jobs, &metrics, &webhooks);
    let sender = crate::webhooks::sender::spawn(
        db.clone(),
        crate::webhooks::sender::Settings::from_config(&config),
        webhooks.clone(),
    )?;
    let state = AppState::new(Shared {
        oidc,
        webhooks,
        db: db.clone(),
        metrics,
        rate_limits: Arc::new(RateLimits::new(&config)),
        signing,
        signoff_keys,
        config: Arc::new(config),
        jobs,
        project_listing: Arc::new(FreshCache::new(fresh_cache::MAX_AGE)),
        api_keys: Arc::new(FreshCache::new(fresh_cache::MAX_AGE)),
    });
    let backups = crate::backup::schedule::Schedule::from_config(&state.config).map(|schedule| {
        crate::backup::schedule::spawn(db.clone(), schedule, state.metrics.clone())
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let (draining_tx, draining_rx) = oneshot::channel::<()>();
    let app = router(state);
    // The peer address is what the per-address rate limit counts.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopped.await;
        let _ = draining_tx.send(());
    });
    let pool = db.pool.clone();
    let task = tokio::spawn(async move {
        let serving = serve.into_future();
        tokio::pin!(serving);
        let result = tokio::select! {
            result = &mut serving => result,
            _ = async {
                // Once draining starts, in-flight requests get `grace` to finish.
                if draining_rx.await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(grace_secs = grace.as_secs(), "shutdown grace period over: closing remaining connections");
                Ok(())
            }
        };
        // After the last request: nothing enqueues any more; claims not attempted go back.
        sender.stop().await;
        pool.close().await;
        result.map_err(ServeError::Serve)
    });
    Ok(Running {
        addr,
        db,
        stop: Some(stop),
        task,
        workers: Some(workers),
        backups,
        traces,
    })
}

/// `vouch serve`: runs until SIGTERM or Ctrl-C.
pub async fn run(config: Config) -> Result<(), ServeError> {
    let db = open_database(&config).await?;
    let running = start(config, db).await?;
    tracing::info!(addr = %running.addr, backend = running.db.backend.name(), "vouch server listening");
    crate::ops::shutdown::signal().await;
    running.shutdown().await?;
    tracing::info!("vouch server stopped");
    Ok(())
}
