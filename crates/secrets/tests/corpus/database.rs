//! Database positives: the password inside a connection string is the secret.

use super::{Gen, Positive, p, within};

fn url(
    g: &mut Gen,
    rule: &'static str,
    name: &'static str,
    f: impl Fn(&str) -> String,
) -> Vec<Positive> {
    let password = format!("{}-{}", g.mixed(12), g.mixed(6));
    within(rule, name, &password, &f(&password))
}

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let tok = concat!(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "_-"
    );
    let mut out: Vec<Positive> = [
        url(g, "SECRET-POSTGRES-URL-PASSWORD", "DATABASE_URL", |pw| {
            format!("postgres://billing:{pw}@db.prod.internal:5432/billing")
        }),
        url(
            g,
            "SECRET-POSTGRES-URL-PASSWORD",
            "SQLALCHEMY_DATABASE_URI",
            |pw| format!("postgresql+psycopg2://app:{pw}@pg-primary.acme.io/app?sslmode=require"),
        ),
        url(g, "SECRET-MYSQL-URL-PASSWORD", "DATABASE_URL", |pw| {
            format!("mysql://shop:{pw}@mysql-primary.internal:3306/shop")
        }),
        url(g, "SECRET-MONGODB-URL-PASSWORD", "MONGO_URI", |pw| {
            format!("mongodb+srv://svc:{pw}@cluster0.ab1cd.mongodb.net/app?retryWrites=true")
        }),
        url(g, "SECRET-REDIS-URL-PASSWORD", "REDIS_URL", |pw| {
            format!("rediss://:{pw}@cache.prod.internal:6380/0")
        }),
        url(g, "SECRET-AMQP-URL-PASSWORD", "CELERY_BROKER_URL", |pw| {
            format!("amqps://orders:{pw}@mq.prod.internal:5671/orders")
        }),
        url(g, "SECRET-NEO4J-URL-PASSWORD", "NEO4J_URI", |pw| {
            format!("neo4j+s://neo4j:{pw}@a1b2c3d4.databases.neo4j.io")
        }),
        url(
            g,
            "SECRET-MSSQL-CONNECTION-STRING-PASSWORD",
            "ConnectionStrings__Default",
            |pw| {
                format!(
                    "Server=tcp:sql-prod.database.windows.net,1433;Initial Catalog=shop;User ID=app;Password={pw};Encrypt=True;"
                )
            },
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.extend([
        p(
            "SECRET-PLANETSCALE-PASSWORD",
            "DATABASE_PASSWORD",
            format!("pscale_pw_{}", g.mixed(43)),
        ),
        p(
            "SECRET-PLANETSCALE-API-TOKEN",
            "PLANETSCALE_SERVICE_TOKEN",
            format!("pscale_tkn_{}", g.chars(tok, 43)),
        ),
        p(
            "SECRET-PLANETSCALE-OAUTH-TOKEN",
            "PLANETSCALE_TOKEN",
            format!("pscale_oauth_{}", g.mixed(43)),
        ),
        p(
            "SECRET-MONGODB-ATLAS-PRIVATE-KEY",
            "MONGODB_ATLAS_PRIVATE_KEY",
            g.uuid(),
        ),
    ]);
    out
}
