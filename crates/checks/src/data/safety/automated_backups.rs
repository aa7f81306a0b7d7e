use crate::data::support::backups::Backups;
use crate::data::support::database::BackingServices;
use crate::data::support::with_message;
use crate::prelude::*;

pub struct AutomatedBackups;

static META: ControlMeta = ControlMeta {
    id: "DATA002",
    slug: "automated_backups",
    title: "Databases are backed up automatically, with a retention limit",
    area: Area::Data,
    severity: Severity::Critical,
    remediation: "Schedule backups in code: a Kubernetes CronJob running pg_dump/mysqldump/\
                  mongodump/neo4j-admin (or restic, WAL-G, pgBackRest), an operator schedule \
                  (CloudNativePG ScheduledBackup, Velero Schedule), or managed backups in \
                  Terraform (`backup_retention_period`, `backup_configuration`). Bound how long \
                  backups are kept (`--keep-daily`, `find -mtime +N -delete`, Velero `ttl`, \
                  `retentionPolicy`) so storage does not fill up and old data is purged.",
    references: &[
        "https://www.postgresql.org/docs/current/backup.html",
        "https://velero.io/docs/main/backup-reference/",
        "https://cloudnative-pg.io/documentation/current/backup/",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#backup_retention_period",
        "https://csrc.nist.gov/pubs/sp/800/34/r1/upd1/final",
    ],
    concepts: &[
        "backups",
        "automated backups",
        "database backup",
        "backup schedule",
        "backup retention",
        "pg_dump",
        "snapshots",
        "point-in-time recovery",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service uses a database, something in the repository must take backups on a
schedule, and bound how long they are kept:

- a Kubernetes CronJob (not suspended) whose containers or called scripts run `pg_dump`,
  `pg_dumpall`, `pg_basebackup`, `mysqldump`, `mariadb-dump`, `mongodump`, `neo4j-admin
  dump/backup`, `restic backup`, `wal-g backup-push`, `pgbackrest backup`, `borg create`, ...
  or a backup image;
- operator schedules: CloudNativePG `ScheduledBackup`, Crunchy `PostgresCluster` pgBackRest
  schedules, Percona backup tasks, Velero and K8up `Schedule`;
- cron entries, systemd timers, scheduled GitHub Actions workflows, compose backup services;
- managed backups in Terraform: `backup_retention_period` (RDS, Aurora, DocumentDB),
  `backup_configuration` (Cloud SQL), Azure database servers, AWS Backup plans, DynamoDB
  point-in-time recovery, MongoDB Atlas backup schedules.

Retention is `--keep-*`/`forget`/`prune`, `find -mtime +N -delete`, `*_KEEP_DAYS`/`RETENTION`
settings, Velero `ttl` (720h by default), CloudNativePG `retentionPolicy`, `keep` in Percona
tasks, or the managed service's retention setting. Backups switched off
(`backup_retention_period = 0`, `suspend: true`) fail. Comments, TODOs and documentation
never count as a backup. Unknown when the only candidates are Helm templates or managed
databases that rely on provider defaults. NotApplicable without a database.

## Why it matters in production

Every database eventually loses data: a bad migration, a `DELETE` without `WHERE`, a corrupted
volume, ransomware. Backups that someone "usually" takes by hand are missing on the day they
are needed. Backups without retention fill the disk or bucket until the backup job itself
starts failing, and keep personal data far longer than policies allow.

## Example

Bad: a TODO instead of a backup.

```markdown
TODO: we should add nightly backups of the orders database.
```

Good: a nightly CronJob that dumps the database and prunes dumps older than 14 days.

```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: orders-db-backup
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: postgres:16
              command: ["/bin/sh", "-c"]
              args:
                - pg_dump -Fc "$DATABASE_URL" > /backups/orders-$(date +%F).dump &&
                  find /backups -name '*.dump' -mtime +14 -delete
```

## References

- PostgreSQL documentation, Backup and Restore
- Velero and CloudNativePG backup documentation
- NIST SP 800-34, Contingency Planning Guide
"#,
};

impl Check for AutomatedBackups {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let backups = Backups::get(ws);
        let mut findings: Vec<Finding> = backups.disabled.clone();
        for job in backups.jobs.iter().filter(|j| j.retention.is_none()) {
            findings.push(with_message(
                &job.finding,
                format!(
                    "{}, but nothing limits how long backups are kept (no retention, pruning or expiry)",
                    job.finding.message
                ),
            ));
        }
        if !findings.is_empty() {
            return Outcome::Fail { findings };
        }
        if !backups.jobs.is_empty() {
            return Outcome::pass_with(evidence(&backups));
        }
        let services = BackingServices::get(ws);
        let db = match services.database_premise() {
            Ok(db) => db,
            Err(outcome) => return outcome,
        };
        if !backups.undecidable.is_empty() {
            return Outcome::unknown(format!(
                "no backup job found in plain configuration; cannot tell for: {}",
                backups.undecidable.join("; ")
            ));
        }
        let mut findings = vec![with_message(
            &db.finding,
            format!(
                "{}, but no automated backup is configured: no backup CronJob, operator or \
                 Velero schedule, cron entry, timer or managed backup setting",
                db.finding.message
            ),
        )];
        findings.extend(backups.unscheduled_scripts.iter().cloned());
        Outcome::Fail { findings }
    }
}

fn evidence(backups: &Backups) -> Vec<Finding> {
    backups
        .jobs
        .iter()
        .flat_map(|j| std::iter::once(j.finding.clone()).chain(j.retention.clone()))
        .collect()
}
