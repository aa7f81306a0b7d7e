//! Scheduled backups: while `vouch serve` runs, a background task writes a logical backup to
//! `backup_dir` every `backup_interval_secs` (the first one at start), then deletes the
//! backups beyond retention. Each outcome is counted in the metrics
//! (`vouch_backup_last_success_timestamp_seconds`, `vouch_backup_failures_total`).

use super::export::export;
use crate::clock;
use crate::config::Config;
use crate::db::Db;
use crate::ops::metrics::Metrics;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

const PREFIX: &str = "vouch-backup-";
/// Scheduled backups are logical archives (see `format`): gzip-compressed JSON lines.
const SUFFIX: &str = ".jsonl.gz";

#[derive(Clone, Debug)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub retention: Retention,
}

#[derive(Clone, Copy, Debug)]
pub struct Retention {
    /// Newest backups kept; 0 keeps all.
    pub keep: usize,
    /// Backups older than this are deleted; `None`: no age limit. The newest is always kept.
    pub max_age: Option<Duration>,
}

impl Schedule {
    /// The schedule the configuration asks for; `None` when scheduled backups are off.
    pub fn from_config(config: &Config) -> Option<Schedule> {
        let dir = config.backup_dir.clone()?;
        (config.backup_interval_secs > 0).then(|| Schedule {
            dir,
            every: Duration::from_secs(config.backup_interval_secs),
            retention: Retention {
                keep: config.backup_keep,
                max_age: (config.backup_keep_days > 0)
                    .then(|| Duration::from_secs(config.backup_keep_days * 86_400)),
            },
        })
    }
}

/// Starts the backup loop; abort the handle to stop it.
pub fn spawn(db: Db, schedule: Schedule, metrics: Arc<Metrics>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match backup_now(&db, &schedule.dir).await {
                Ok(path) => {
                    metrics.backups.succeeded(clock::now_ms() / 1000);
                    tracing::info!(path = %path.display(), "scheduled backup written");
                    match prune(&schedule.dir, schedule.retention, SystemTime::now()) {
                        Ok(deleted) if !deleted.is_empty() => {
                            tracing::info!(count = deleted.len(), "old backups deleted")
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot delete old backups"),
                    }
                }
                Err(e) => {
                    metrics.backups.failed();
                    tracing::error!(error = %e, "scheduled backup failed");
                }
            }
        }
    })
}

/// Writes one timestamped backup into `dir` (created if needed); returns its path.
pub async fn backup_now(db: &Db, dir: &Path) -> Result<PathBuf, super::BackupError> {
    std::fs::create_dir_all(dir).map_err(super::BackupError::io(dir))?;
    let path = dir.join(file_name(OffsetDateTime::now_utc()));
    export(db, &path).await?;
    Ok(path)
}

/// `vouch-backup-20261122T210500123Z.jsonl.gz`: names sort in time order.
fn file_name(at: OffsetDateTime) -> String {
    format!(
        "{PREFIX}{:04}{:02}{:02}T{:02}{:02}{:02}{:03}Z{SUFFIX}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Deletes scheduled backups in `dir` beyond `retention` (other files are left alone);
/// returns the deleted paths.
pub fn prune(dir: &Path, retention: Retention, now: SystemTime) -> std::io::Result<Vec<PathBuf>> {
    let mut backups: Vec<(String, PathBuf, SystemTime)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            let modified = entry.metadata()?.modified()?;
            backups.push((name, entry.path(), modified));
        }
    }
    // Newest first.
    backups.sort_by(|a, b| b.0.cmp(&a.0));
    let mut deleted = Vec::new();
    for (i, (_, path, modified)) in backups.into_iter().enumerate() {
        let beyond_count = retention.keep > 0 && i >= retention.keep;
        let too_old = i > 0
            && retention
                .max_age
                .is_some_and(|age| now.duration_since(modified).unwrap_or_default() > age);
        if beyond_count || too_old {
            std::fs::remove_file(&path)?;
            deleted.push(path);
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_in_time_order() {
        let a = file_name(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap());
        let b = file_name(OffsetDateTime::from_unix_timestamp(1_700_000_001).unwrap());
        assert_eq!(a, "vouch-backup-20231114T221320000Z.jsonl.gz");
        assert!(a < b);
    }

    fn touch(dir: &Path, name: &str, modified: SystemTime) {
        let file = std::fs::File::create(dir.join(name)).unwrap();
        file.set_modified(modified).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn retention_by_count_deletes_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        for day in 1..=4 {
            touch(
                dir.path(),
                &format!("{PREFIX}2026110{day}T000000000Z{SUFFIX}"),
                now,
            );
        }
        touch(dir.path(), "notes.txt", now);
        let retention = Retention {
            keep: 2,
            max_age: None,
        };
        let deleted = prune(dir.path(), retention, now).unwrap();
        assert_eq!(deleted.len(), 2);
        assert_eq!(
            names(dir.path()),
            [
                "notes.txt",
                "vouch-backup-20261103T000000000Z.jsonl.gz",
                "vouch-backup-20261104T000000000Z.jsonl.gz"
            ]
        );
    }

    #[test]
    fn retention_by_age_keeps_the_newest_backup() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let days = |n: u64| now - Duration::from_secs(n * 86_400);
        touch(
            dir.path(),
            &format!("{PREFIX}20261101T000000000Z{SUFFIX}"),
            days(20),
        );
        touch(
            dir.path(),
            &format!("{PREFIX}20261110T000000000Z{SUFFIX}"),
            days(11),
        );
        touch(
            dir.path(),
            &format!("{PREFIX}20261120T000000000Z{SUFFIX}"),
            days(1),
        );
        let retention = Retention {
            keep: 0,
            max_age: Some(Duration::from_secs(7 * 86_400)),
        };
        prune(dir.path(), retention, now).unwrap();
        assert_eq!(
            names(dir.path()),
            ["vouch-backup-20261120T000000000Z.jsonl.gz"]
        );
        // Even when every backup is old, the newest stays.
        let later = now + Duration::from_secs(30 * 86_400);
        prune(dir.path(), retention, later).unwrap();
        assert_eq!(
            names(dir.path()),
            ["vouch-backup-20261120T000000000Z.jsonl.gz"]
        );
    }
}
