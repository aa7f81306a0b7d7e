//! `vouch admin`: server maintenance on the configured database (docs/server.md, Backups and
//! Security audit log). Exit codes: 0 done and clean, 1 a verification found differences or a
//! broken chain, 2 error.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use vouch_server::Config;
use vouch_server::backup::{self, RestoreOptions, Scratch};
use vouch_server::db::{Backend, Db, PoolSettings};

#[derive(Args)]
pub struct AdminArgs {
    /// Server configuration file (the database is `database_url`, else the SQLite file in
    /// `data_dir`; env DATABASE_URL).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Directory of the default SQLite database (env VOUCH_DATA_DIR).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Write a consistent backup of the database (online) to FILE.
    Backup {
        /// The archive to write (gzip-compressed JSON lines).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// SQLite only: write a copy of the database file (VACUUM INTO) instead.
        #[arg(long)]
        sqlite_file: bool,
    },
    /// Restore a backup into the (empty) database.
    Restore {
        file: PathBuf,
        /// Replace a database that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup into a scratch database and compare counts and checksums.
    VerifyBackup {
        file: PathBuf,
        /// Also compare with the configured (live) database.
        #[arg(long)]
        against_source: bool,
    },
    /// Check the security audit log's hash chain.
    VerifyAuditLog,
}

pub fn run(args: AdminArgs) -> Result<ExitCode> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(dir) = args.data_dir {
        config.data_dir = dir;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let url = config.effective_database_url();
        // No migration here: a restore wants the database as it is.
        let db = Db::connect(
            &url,
            PoolSettings {
                max_connections: 4,
                acquire_timeout: Duration::from_secs(config.db_acquire_timeout_secs),
            },
        )
        .await?;
        let code = command(&db, &url, args.command).await;
        db.pool.close().await;
        code
    })
}

async fn command(db: &Db, url: &str, command: AdminCommand) -> Result<ExitCode> {
    match command {
        AdminCommand::Backup { to, sqlite_file } => {
            if sqlite_file {
                backup::sqlite_snapshot(db, &to).await?;
                eprintln!("wrote a copy of the SQLite database to {}", to.display());
            } else {
                let header = backup::export(db, &to).await?;
                let rows: u64 = header.tables.iter().map(|t| t.rows).sum();
                eprintln!(
                    "wrote {} ({} tables, {rows} rows, schema version {})",
                    to.display(),
                    header.tables.len(),
                    header.schema_version
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Restore { file, force } => {
            let header = backup::restore(db, &file, RestoreOptions { force }).await?;
            eprintln!(
                "restored {} (taken {}, schema version {}); start the server to apply newer migrations",
                file.display(),
                header.created_at,
                header.schema_version
            );
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::VerifyBackup {
            file,
            against_source,
        } => {
            let scratch = match db.backend {
                Backend::Sqlite => Scratch::Sqlite(scratch_dir(&file)),
                Backend::Postgres => Scratch::Postgres(url.to_string()),
            };
            let source = against_source.then_some(db);
            let report = backup::verify(&file, &scratch, source).await?;
            for difference in &report.differences {
                println!("{difference}");
            }
            if report.ok() {
                eprintln!("{}: the restored copy matches the backup", file.display());
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
        AdminCommand::VerifyAuditLog => {
            let report = vouch_server::audit_log::verify(db).await?;
            match &report.broken {
                None => {
                    println!(
                        "the audit log is intact: {} entries, last {} ({})",
                        report.checked,
                        report.last_seq.unwrap_or(0),
                        report.last_hash.as_deref().unwrap_or("-")
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Some(broken) => {
                    println!(
                        "the audit log is broken at entry {}: {}",
                        broken.seq, broken.reason
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// The scratch SQLite file goes next to the archive (same disk, room for it).
fn scratch_dir(archive: &Path) -> PathBuf {
    match archive.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
