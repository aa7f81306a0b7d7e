use crate::data::support::backups::Backups;
use crate::data::support::database::BackingServices;
use crate::data::support::restore::RestoreDocs;
use crate::data::support::with_message;
use crate::prelude::*;

pub struct RestoreProcedure;

static META: ControlMeta = ControlMeta {
    id: "DATA003",
    slug: "restore_procedure",
    title: "A database restore procedure is documented",
    area: Area::Data,
    severity: Severity::High,
    remediation: "Write down how to restore: where backups are, which command restores them \
                  (`pg_restore`, `mongorestore`, `velero restore create`, `wal-g backup-fetch`, \
                  `aws rds restore-db-instance-to-point-in-time`), how to point the service at the \
                  restored database and how to verify it. Keep it in a runbook section titled \
                  \"Restore\" (or a `restore.sh` script) next to the code.",
    references: &[
        "https://www.postgresql.org/docs/current/app-pgrestore.html",
        "https://sre.google/sre-book/data-integrity/",
        "https://csrc.nist.gov/pubs/sp/800/34/r1/upd1/final",
    ],
    concepts: &[
        "restore procedure",
        "restore from backup",
        "disaster recovery",
        "recovery runbook",
        "database restore",
        "point-in-time recovery",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service uses a database (or takes backups), the repository must document how to
restore: a documentation section whose heading is about restoring ("Restore", "Restoring the
database", "Disaster recovery", "Point-in-time recovery") with real content (a restore command
or at least three lines of steps), a restore command in the documentation (`pg_restore`,
`psql < dump.sql`, `mongorestore`, `neo4j-admin database load`, `velero restore`, `restic
restore`, `wal-g backup-fetch`, `pgbackrest restore`, `aws rds restore-db-*`, `gcloud sql
backups restore`), or a restore script. Headings whose body only says "TODO" or "TBD", and
sentences such as "we should document how to restore", do not count. NotApplicable when there
is neither a database nor a backup.

## Why it matters in production

A backup is only as good as the ability to restore it under pressure. During an incident
nobody should be discovering pg_restore flags, the bucket layout or the order in which
services must be stopped. A written procedure turns a multi-hour improvisation into a
checklist that anyone on call can follow.

## Example

Bad: a heading with nothing behind it.

```markdown
## Restore

TBD
```

Good: the steps, with commands.

```markdown
## Restoring the orders database

1. Scale the API to zero: `kubectl scale deploy/orders-api --replicas=0`
2. Fetch the dump: `aws s3 cp s3://acme-backups/orders/2024-05-01.dump .`
3. Restore: `pg_restore --clean --if-exists -d "$DATABASE_URL" 2024-05-01.dump`
4. Scale the API back and check `/readyz`.
```

## References

- PostgreSQL documentation, pg_restore
- Google SRE book, chapter 26 "Data Integrity"
- NIST SP 800-34, Contingency Planning Guide
"#,
};

impl Check for RestoreProcedure {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let backups = Backups::get(ws);
        let services = BackingServices::get(ws);
        let anchor = match (backups.jobs.first(), services.database_premise()) {
            (Some(job), _) => with_message(
                &job.finding,
                format!(
                    "{}, but no restore procedure is documented",
                    job.finding.message
                ),
            ),
            (None, Ok(db)) => with_message(
                &db.finding,
                format!(
                    "{}, but no restore procedure is documented",
                    db.finding.message
                ),
            ),
            (None, Err(outcome)) => return outcome,
        };
        let docs = RestoreDocs::get(ws);
        if !docs.procedures.is_empty() {
            return Outcome::pass_with(docs.procedures.clone());
        }
        let mut findings = vec![anchor];
        findings.extend(docs.promises.iter().cloned());
        Outcome::Fail { findings }
    }
}
