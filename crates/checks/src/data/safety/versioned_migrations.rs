use crate::data::support::database::BackingServices;
use crate::data::support::migrations::Migrations;
use crate::data::support::with_message;
use crate::prelude::*;

pub struct VersionedMigrations;

static META: ControlMeta = ControlMeta {
    id: "DATA001",
    slug: "versioned_migrations",
    title: "Database schema changes are versioned migrations",
    area: Area::Data,
    severity: Severity::High,
    remediation: "Manage the schema with a migration tool and commit every change as a numbered \
                  migration: Alembic (`alembic revision`), Django (`makemigrations`), Flyway \
                  (`V1__init.sql`), Liquibase, golang-migrate/goose, sqlx/diesel/refinery, Prisma \
                  (`prisma migrate dev`), Knex/TypeORM/Sequelize, Active Record or EF Core. Run \
                  them in the deployment pipeline, not by hand.",
    references: &[
        "https://martinfowler.com/articles/evodb.html",
        "https://alembic.sqlalchemy.org/en/latest/tutorial.html",
        "https://documentation.red-gate.com/fd/migrations-184127470.html",
        "https://www.prisma.io/docs/orm/prisma-migrate",
    ],
    concepts: &[
        "database migrations",
        "schema migrations",
        "versioned migrations",
        "migration tool",
        "schema versioning",
        "alembic",
        "flyway",
        "liquibase",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service uses a relational database (a database image in compose or Kubernetes, a
database operator resource, a managed database in Terraform, a driver or ORM among the
dependencies or imports), the repository must hold versioned migrations of a known tool:
Alembic `versions/`, Django `*/migrations/0001_*.py`, Flyway `V1__*.sql`, Liquibase changelogs,
golang-migrate `*.up.sql`, goose `-- +goose Up`, dbmate, sqlx, Diesel, refinery, Prisma
`prisma/migrations/`, Knex, TypeORM, Sequelize, Active Record `db/migrate/`, Laravel and EF Core.
Migrations under tests, fixtures, examples and vendored folders do not count. A tool that is
configured without any migration (an `alembic.ini` with an empty `versions/`, a Prisma schema
without `prisma/migrations`) is reported as such. NotApplicable without a database, or when the
only databases are schemaless stores (MongoDB, DynamoDB, ...).

## Why it matters in production

Without versioned migrations the production schema is whatever someone last typed into a
console or whatever `create_all()` produced on first boot. Environments drift apart, a
deployment cannot tell which changes are already applied, rollbacks are guesswork, and a new
column added by hand in staging breaks the release in production.

## Example

Bad: the application creates its tables at start-up and nothing records schema changes.

```python
Base.metadata.create_all(engine)
```

Good: every change is a reviewed, ordered migration applied by the pipeline.

```text
migrations/
  alembic.ini
  versions/
    2024_01_10_1200-3f2a1c_create_orders.py
    2024_02_02_0900-9b1e77_add_order_status.py
```

## References

- Martin Fowler, Evolutionary Database Design
- Alembic tutorial; Flyway migrations; Prisma Migrate
"#,
};

impl Check for VersionedMigrations {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let services = BackingServices::get(ws);
        let migrations = Migrations::get(ws);
        if !migrations.sets.is_empty() {
            return Outcome::pass_with(migrations.sets.iter().map(|s| s.evidence()).collect());
        }
        let db = match services.relational_premise() {
            Ok(db) => db,
            Err(outcome) => return outcome,
        };
        let mut findings = vec![with_message(
            &db.finding,
            format!(
                "{}, but the repository has no versioned schema migrations",
                db.finding.message
            ),
        )];
        findings.extend(migrations.configured_without_migrations.iter().cloned());
        Outcome::Fail { findings }
    }
}
