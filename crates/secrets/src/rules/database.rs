//! Databases: connection strings with inline passwords (the password is the secret) and
//! database-platform tokens.
//!
//! Decisions: a URL whose host is the loopback (`localhost`, `127.0.0.1`, `[::1]`,
//! `0.0.0.0`, `host.docker.internal`) is a development default, and one whose host is a
//! documentation domain (`example.com`, `db.example`, `*.test`) is an example; neither is
//! reported (the first
//! alternative of each pattern matches it without capturing a secret); a password that is a
//! published default of an image or tutorial (`postgres`, `guest`, `root`, `password`, …) is not
//! reported wherever it points; references (`${DB_PASSWORD}`, `$PGPASSWORD`, `%(pw)s`) never are.

use super::{FIXED, entropy, rule};
use crate::rule::{Category::Database as C, Rule, Validation};
use vouch_core::Severity::{Critical, High};

const URL_PASSWORD: Validation = Validation::Custom(super::checks::url_password);

/// `scheme://user:password@host` where the loopback alternative (no capture) comes first.
macro_rules! db_url {
    ($scheme:literal) => {
        concat!(
            r#"(?-u)(?:^|[^A-Za-z0-9+.\-])(?:"#,
            $scheme,
            r#")://[^\s:@/'"`]*:(?:[^\s@'"`/]+@"#,
            not_a_live_host!(),
            r#"(?:[:/?'"`\s,;]|$)|([^\s@'"`/]{1,200})@[A-Za-z0-9_\[][A-Za-z0-9_.\-:\]]*)"#
        )
    };
}

pub const RULES: &[Rule] = &[
    rule(
        "SECRET-POSTGRES-URL-PASSWORD",
        "PostgreSQL connection URL with an inline password",
        C,
        Critical,
        &["postgres", "postgis"],
        db_url!(r"postgres(?:ql)?(?:\+[a-z0-9]+)?|postgis"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-MYSQL-URL-PASSWORD",
        "MySQL / MariaDB connection URL with an inline password",
        C,
        Critical,
        &["mysql", "mariadb"],
        db_url!(r"mysql(?:x)?(?:\+[a-z0-9]+)?|mariadb(?:\+[a-z0-9]+)?"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-MONGODB-URL-PASSWORD",
        "MongoDB connection URL with an inline password",
        C,
        Critical,
        &["mongodb"],
        db_url!(r"mongodb(?:\+srv)?"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-REDIS-URL-PASSWORD",
        "Redis connection URL with an inline password",
        C,
        Critical,
        &["redis"],
        db_url!(r"rediss?"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-AMQP-URL-PASSWORD",
        "AMQP (RabbitMQ) connection URL with an inline password",
        C,
        Critical,
        &["amqp"],
        db_url!(r"amqps?"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-NEO4J-URL-PASSWORD",
        "Neo4j connection URL with an inline password",
        C,
        Critical,
        &["neo4j", "bolt"],
        db_url!(r"neo4j(?:\+s|\+ssc)?|bolt(?:\+s|\+ssc)?"),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-MSSQL-CONNECTION-STRING-PASSWORD",
        "SQL Server / ADO.NET connection string with a password",
        C,
        Critical,
        &["password=", "pwd="],
        r#"(?-u)(?i:(?:server|data source)=(?:tcp:)?(?:(?:localhost|127\.0\.0\.1|\(localdb\)[^;]*|\.)[,;\\][^"'\n]{0,300}?\b(?:password|pwd)=|[^;"'\n]{1,200};[^"'\n]{0,300}?\b(?:password|pwd)=([^;"'\s]{4,128})))"#,
        URL_PASSWORD,
    ),
    rule(
        "SECRET-PLANETSCALE-PASSWORD",
        "PlanetScale database password",
        C,
        Critical,
        &["pscale_pw_"],
        r"(?-u)\b(pscale_pw_[A-Za-z0-9_.\-]{43})(?:[^A-Za-z0-9_.\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-PLANETSCALE-API-TOKEN",
        "PlanetScale service token",
        C,
        High,
        &["pscale_tkn_"],
        r"(?-u)\b(pscale_tkn_[A-Za-z0-9_.\-]{43})(?:[^A-Za-z0-9_.\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-PLANETSCALE-OAUTH-TOKEN",
        "PlanetScale OAuth token",
        C,
        High,
        &["pscale_oauth_"],
        r"(?-u)\b(pscale_oauth_[A-Za-z0-9_.\-]{32,64})(?:[^A-Za-z0-9_.\-]|$)",
        entropy(4.0),
    ),
    rule(
        "SECRET-MONGODB-ATLAS-PRIVATE-KEY",
        "MongoDB Atlas API private key",
        C,
        High,
        &["atlas"],
        near!(
            r"atlas[\w.\-]{0,20}private",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        FIXED,
    ),
];

#[cfg(test)]
mod tests {
    use crate::{ruleset, scan};

    fn found(text: &str) -> Vec<(&'static str, String)> {
        scan(ruleset(), text.as_bytes())
            .into_iter()
            .map(|h| (h.rule, text[h.span].to_string()))
            .collect()
    }

    #[test]
    fn the_password_of_a_remote_url_is_the_secret() {
        let hits = found("DATABASE_URL=postgres://app:Zq8v2LmR7tXw@db.prod.internal:5432/app\n");
        assert_eq!(
            hits,
            vec![("SECRET-POSTGRES-URL-PASSWORD", "Zq8v2LmR7tXw".to_string())]
        );
    }

    #[test]
    fn loopback_defaults_and_references_are_silent() {
        for text in [
            "postgres://app:Zq8v2LmR7tXw@localhost:5432/app",
            "mysql://root:Zq8v2LmR7tXw@127.0.0.1/app",
            "redis://:Zq8v2LmR7tXw@[::1]:6379",
            "amqp://guest:guest@rabbitmq.prod.internal:5672/",
            "postgres://app:${DB_PASSWORD}@db.prod.internal/app",
            "mongodb://root:root@mongo.prod.internal:27017",
            "Server=localhost;Database=app;User Id=sa;Password=Zq8v2LmR7tXw;",
        ] {
            let hits = found(text);
            assert!(
                hits.iter().all(|(r, _)| r.starts_with("SECRET-GENERIC")),
                "{text}: {hits:?}"
            );
            assert!(
                !hits
                    .iter()
                    .any(|(r, _)| r.contains("URL") || r.contains("MSSQL")),
                "{text}: {hits:?}"
            );
        }
    }

    #[test]
    fn ado_net_password_is_found_on_a_remote_server() {
        let hits = found(
            "\"Default\": \"Server=tcp:sql.prod.internal,1433;Database=shop;User ID=app;Password=Zq8v2LmR7tXw;\"",
        );
        assert!(hits.contains(&(
            "SECRET-MSSQL-CONNECTION-STRING-PASSWORD",
            "Zq8v2LmR7tXw".to_string()
        )));
    }
}
