//! `vouch serve`: the readiness server (crates/server, docs/server.md).

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_server::{Config, Mode};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080; env VOUCH_LISTEN).
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// Configuration file (TOML; every field is described in docs/server.md).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory of the default SQLite database (env VOUCH_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// `development` or `production` (env VOUCH_MODE).
    #[arg(long, value_name = "MODE")]
    mode: Option<String>,
    /// Create an admin API key, print it once on stdout, and exit.
    #[arg(long)]
    init_admin_key: bool,
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(listen) = &args.listen {
        config.listen = vouch_server::config::parse_listen(listen)?;
    }
    if let Some(dir) = args.data_dir {
        config.data_dir = dir;
    }
    if let Some(mode) = &args.mode {
        config.mode = mode.parse::<Mode>()?;
    }
    // Held until the process ends: dropping it sends the events still queued.
    let error_tracking = vouch_server::ops::error_tracking::init(&config)?;
    vouch_server::ops::logging::init(&config.log, error_tracking.is_some());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(async {
        if args.init_admin_key {
            let db = vouch_server::open_database(&config).await?;
            let key = vouch_server::auth::bootstrap::create_admin_key(&db).await?;
            eprintln!("a new admin API key (shown only now; store it in your secret manager):");
            println!("{key}");
            db.pool.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        vouch_server::run(config).await?;
        Ok(ExitCode::SUCCESS)
    })
}
