use super::verdicts::flagged_facts;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct DbPoolBounded;

static META: ControlMeta = ControlMeta {
    id: "CODE031",
    slug: "db_pool_bounded",
    title: "Database connection pools are bounded",
    area: Area::Scalability,
    severity: Severity::High,
    remediation: "Bound every database pool so that replicas × pool size stays under the \
                  database's connection limit: SQLAlchemy `create_engine(pool_size=..., \
                  max_overflow=...)`, Go `db.SetMaxOpenConns(...)` and `SetMaxIdleConns(...)`, \
                  `pg.Pool({ max })`, sqlx/deadpool `max_connections`/`max_size`, HikariCP \
                  `maximumPoolSize`; add a pool acquire timeout, or use PgBouncer in front.",
    references: &[
        "https://docs.sqlalchemy.org/en/20/core/pooling.html",
        "https://pkg.go.dev/database/sql#DB.SetMaxOpenConns",
        "https://github.com/brettwooldridge/HikariCP/wiki/About-Pool-Sizing",
        "https://node-postgres.com/apis/pool",
    ],
    concepts: &[
        "connection pooling",
        "database connection pool",
        "pool size",
        "max connections",
        "connection limits",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every database connection pool the code creates has a bounded size, set explicitly or by a
library default that is bounded. Unbounded pools (Go `sql.Open` without `SetMaxOpenConns`, a
pool created with no limit where the library allows unlimited connections) fail, each where the
pool is created. NotApplicable when the code creates no pools.

## Why it matters in production

Under load an unbounded pool opens a connection per concurrent request. Multiplied by the
number of replicas, it exceeds the database's `max_connections`, and then every service sharing
that database gets "too many connections" errors, not just the one that is busy. A bounded pool
queues requests inside the service instead, where backpressure and timeouts can handle them.

## Example

Bad:

```go
db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
```

Good:

```go
db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
db.SetMaxOpenConns(20)
db.SetMaxIdleConns(10)
db.SetConnMaxLifetime(30 * time.Minute)
```

## References

- SQLAlchemy, Connection Pooling
- Go `database/sql` `DB.SetMaxOpenConns`
- HikariCP, About Pool Sizing
- node-postgres, Pool
"#,
};

impl Check for DbPoolBounded {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        flagged_facts(
            ws,
            |kind| match kind {
                FactKind::DbPool { bounded } => Some(*bounded),
                _ => None,
            },
            "the code creates no database connection pools",
            |detail| format!("database pool without a size bound: {detail}"),
        )
    }
}
